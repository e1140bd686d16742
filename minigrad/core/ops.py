"""Op declarations: each public function of minigrad.functions states its
facts once, right above its definition, and every table is built from them.

    @declare(Exp, numpy=np.exp, methods="exp")
    def exp(x):
        \"\"\"e ** x.\"\"\"
        return Exp()(x)

A declaration names:

    functions   the Function classes the op records: their docstrings hold
                its math (forward and derivative), which the graph pictures,
                the stepper and the docs show (none for an op composed of
                other ops, each recorded as itself, or one with no gradient)
    numpy       the NumPy functions it answers to: `np.exp(x)` on a Variable
                calls it (core/numpy_protocol.py)
    scipy       the scipy.special ufuncs it answers to, by name: `scipy="expit"`
                makes `scipy.special.expit(x)` call it. Names, not the ufuncs,
                so that importing minigrad does not import SciPy (see `scipy_op`)
    methods     the Variable methods that call it: `x.exp()` (each is named in
                Variable's class body with `op_method`, core/variable.py)
    functional  True when torch.nn.functional has the op under its name, with
                the same signature and meaning: minigrad.nn.functional is it
    math        (forward, derivative): the op's math in LaTeX, e.g.
                `(r"y = \\tanh x", r"\\frac{\\partial y}{\\partial x} = 1 - y^2")`,
                which the API reference renders (docs/_docstrings.py) and
                the pictures read through minigrad.viz.opmath.declared_math
                (None for an op whose math is only in its classes' docstrings)
    torch       the names of PyTorch's top-level functions it is, where its
                meaning is PyTorch's: `torch=True` for its own name,
                `torch=("cat", "concat")` for others; `import minigrad as
                torch; torch.cat(...)` finds it in `by_torch`
                (minigrad/__init__.py reads that table)

Where PyTorch's meaning of a name differs from NumPy's (torch.split takes
piece sizes, np.split a number of pieces), minigrad.functions keeps NumPy's
and a small function with PyTorch's meaning is declared with
`declare_torch` in minigrad/pytorch.py: its name goes to `by_torch` and
its methods to `by_method`, not to the table of minigrad.functions' ops.

and the decorator applies PyTorch's argument names where the function is
defined: a function that takes `axis`/`keepdims` also takes `dim`/`keepdim`,
whether it is reached as `F.sum`, `minigrad.functions.reduction.sum` or
`x.sum(dim=1)`.

The tables below are filled as the functions are defined (importing
minigrad imports minigrad.functions, which defines them all). They are
process-wide and written only then; `Variable`'s operators read `ops` (one
attribute read per `x + y`), its op methods read `by_method`, NumPy's
protocols read `by_numpy` (and `scipy_op`). Nothing else in core knows an
op by name.
"""
import functools
import sys


class OpDeclaration:
    """The facts of one public function of minigrad.functions (see the
    module docstring)."""

    __slots__ = ("name", "fn", "functions", "numpy", "scipy", "methods", "torch", "math")

    def __init__(self, name, fn, functions, numpy, scipy, methods, torch=(), math=None):
        self.name = name
        self.fn = fn
        self.functions = functions
        self.numpy = numpy
        self.scipy = scipy
        self.methods = methods
        self.torch = torch
        self.math = math

    def __repr__(self):
        return f"<op {self.name}>"


class _Ops:
    """One attribute per declared op: `ops.add`, `ops.matmul` ..."""


ops = _Ops()
declarations = {}     # name -> OpDeclaration, in the order they were declared
torch_declarations = {}  # name -> OpDeclaration of a function with PyTorch's meaning (declare_torch)
by_torch = {}         # PyTorch top-level name -> the function that is it (`minigrad.cat`)
by_numpy = {}         # NumPy callable -> the op's function
by_scipy = {}         # name in scipy.special -> the op's function
by_method = {}        # Variable method name -> the op's function
torch_functional = {}  # name -> the op's function, for the ops torch.nn.functional has as they are
method_stubs = {}     # method name -> the function in Variable's class body (for its docstring)


def declare(*functions, numpy=(), scipy=(), methods=(), functional=False, torch=(), math=None):
    """Declare the decorated public function as an op (see the module
    docstring). `numpy`, `scipy`, `methods` and `torch` take one item or a tuple;
    `math` a pair of LaTeX strings (forward, derivative)."""
    return _declarer(declarations, functions, numpy, scipy, methods, functional, torch, math)


def declare_torch(*functions, methods=(), torch=True):
    """Declare a function with PyTorch's meaning of a name whose NumPy
    meaning minigrad.functions keeps, or that only PyTorch has
    (minigrad/pytorch.py): `minigrad.<name>` (the names in `torch`) and
    the `methods` call it."""
    return _declarer(torch_declarations, functions, (), (), methods, False, torch, None)


def _declarer(table, functions, numpy, scipy, methods, functional, torch, math):
    numpy = numpy if isinstance(numpy, tuple) else (numpy,)
    scipy = (scipy,) if isinstance(scipy, str) else tuple(scipy)
    methods = (methods,) if isinstance(methods, str) else tuple(methods)
    torch = (torch,) if isinstance(torch, (str, bool)) else tuple(torch)

    def register(fn):
        name = fn.__name__
        torch_names = tuple(name if t is True else t for t in torch if t is not False)
        if name in table:
            raise RuntimeError(f"declare: the op {name!r} is declared twice "
                               f"({table[name].fn.__module__} and {fn.__module__})")
        # The names the op claims, each in its table, and what the error says
        # when an earlier op holds one: no name answers to two ops.
        claims = [
            (by_torch, torch_names, lambda t, old: f"minigrad.{t} is already {old.__module__}.{old.__name__}, "
                                                   f"not also {fn.__module__}.{name}"),
            (by_numpy, numpy, lambda f, old: f"{numpy_name(f)} already answers to {old.__name__}, not also to {name}"),
            (by_scipy, scipy, lambda f, old: f"scipy.special.{f} already answers to {old.__name__}, "
                                             f"not also to {name}"),
            (by_method, methods, lambda m, old: f"the method x.{m}() already calls {old.__name__}, not also {name}"),
        ]
        for registry, keys, taken in claims:
            for key in keys:
                if key in registry:
                    raise RuntimeError("declare: " + taken(key, registry[key]))
        if takes_axis(fn):
            fn = with_torch_names(fn)
        for registry, keys, _ in claims:
            for key in keys:
                registry[key] = fn
        for m in methods:
            _document_method(m, fn)
        if functional:
            torch_functional[name] = fn
        table[name] = OpDeclaration(name, fn, functions, numpy, scipy, methods, torch_names, math)
        if table is declarations:
            setattr(ops, name, fn)
        return fn

    return register


def scipy_op(ufunc):
    """The op declaring the scipy.special ufunc `ufunc` (`scipy="erf"`), or
    None. Found by the ufunc's name, and checked to be scipy.special's: a
    SciPy ufunc in hand means SciPy is loaded, so importing minigrad never
    imports it. An alias goes by the ufunc's own name (digamma's is "psi")."""
    name = getattr(ufunc, "__name__", None)
    fn = by_scipy.get(name)
    if fn is not None and getattr(sys.modules.get("scipy.special"), name, None) is ufunc:
        return fn
    return None


def method_op(method):
    """The op that `x.<method>()` calls, or a clear error when none is declared."""
    try:
        return by_method[method]
    except KeyError:
        raise NotImplementedError(f"x.{method}(): no op of minigrad.functions declares the method "
                                  f"{method!r}") from None


def op_method(name):
    """The Variable method `name` that calls the op declaring it in
    `methods=`: in Variable's class body, `exp = op_method("exp")` makes
    `x.exp(...)` call `minigrad.functions.exp(x, ...)`."""
    def method(self, *args, **kwargs):
        return method_op(name)(self, *args, **kwargs)

    method.__name__ = name
    method.__qualname__ = f"Variable.{name}"
    method.__doc__ = f"x.{name}(...) calls the op of minigrad.functions that declares the method {name!r}."
    method_stubs[name] = method
    if name in by_method:
        _document_method(name, by_method[name])
    return method


def _document_method(method, fn):
    stub = method_stubs.get(method)
    if stub is not None:
        stub.__doc__ = f"x.{method}(...) is {fn.__module__}.{fn.__name__}(x, ...).\n\n{fn.__doc__ or ''}"


# -- PyTorch's argument names, applied by `declare` --------------------------------

RENAMES = {"dim": "axis", "keepdim": "keepdims"}


def takes_axis(fn):
    """Whether fn takes NumPy's `axis` or `keepdims` (and not `dim` already),
    read from its code object (inspect.signature would cost every import more)."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return False
    params = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
    return ("axis" in params or "keepdims" in params) and "dim" not in params


def with_torch_names(fn):
    """fn, also accepting dim= for axis= and keepdim= for keepdims=."""
    name = fn.__name__

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if kwargs and ("dim" in kwargs or "keepdim" in kwargs):
            kwargs = _translate(name, kwargs)
        return fn(*args, **kwargs)

    return wrapper


def _translate(name, kwargs):
    for torch_name, numpy_name in RENAMES.items():
        if torch_name in kwargs:
            if numpy_name in kwargs:
                raise TypeError(f"{name}: got both {numpy_name}= and {torch_name}= "
                                f"(PyTorch's name for {numpy_name}); pass one")
            kwargs[numpy_name] = kwargs.pop(torch_name)
    return kwargs


def numpy_name(f):
    """`np.exp`, `np.linalg.norm`, `scipy.special.erf`: how a user writes f."""
    module = getattr(f, "__module__", None)
    if module is None:  # a ufunc: NumPy's or scipy.special's
        special = sys.modules.get("scipy.special")
        module = "scipy.special" if getattr(special, f.__name__, None) is f else "numpy"
    if module.startswith("numpy"):
        module = "np" + module[len("numpy"):]
    return f"{module}.{f.__name__}"
