"""Function: one differentiable operation, a node of the graph.

Subclass it and write two methods side by side:

    forward(self, *xs)   ndarrays in, ndarray(s) out: computes the value.
    backward(self, *gys) Variables in, Variables out: given dL/dy for each
                         output, returns dL/dx for each input (None where
                         an input gets no gradient). Written with ops, so
                         the backward pass can itself be differentiated.

Calling an instance, `y = Square()(x)`, runs forward and (unless under
`no_grad()`) links y to the function and the function to x. An instance
that has already been recorded is copied before it records again, so
`sq = Square(); sq(a) + sq(b)` is two nodes and both get their gradients.

PyTorch's style works too: static `forward(ctx, *xs)` and
`backward(ctx, *gys)`, with `ctx.save_for_backward(...)` in forward and
`ctx.saved_tensors` in backward (the instance is the ctx); its forward, as
PyTorch's, computes on Variables (constants: nothing is recorded).

Broadcasting is undone by the engine, not by each op: a backward may return
a gradient of the broadcast shape and the engine sums it back to the input's
shape with `sum_to`.
"""
import copy
import re
import weakref

import numpy as np

from . import anomaly as _anomaly
from . import versions
from ..device import backend
from .config import Config, no_grad
from .variable import Variable, complex_error, constant, numeric_array

_new_object = object.__new__

# Creation numbers (`seq`), on the clock that also times in-place writes
# (core/versions.py). Safe across threads without a lock: next() on an
# itertools.count is one C call under the GIL (the threads tests check it).
_creation_order = versions.ticks


def creation_tick():
    """A number from the counter Functions take `seq` from: every Function
    recorded before has a smaller seq, every one recorded after a larger one
    (minigrad.viz.module_scopes marks module calls with it)."""
    return next(_creation_order)


def _output(y):
    return constant(y if type(y) is np.ndarray else _array(y))


def _array(y):
    """A forward's result that is not an ndarray: a device array as is, a
    NumPy scalar or number as an ndarray."""
    return y if backend.device_of(y) is not backend.CPU else np.asarray(y)


class Function:
    """Base class of every op. See the module docstring.

    Examples
    --------
    An op of your own: the value in `forward` (on arrays), the gradient in
    `backward` (on Variables, so it can be differentiated again).

    >>> import numpy as np
    >>> import minigrad as mg
    >>> class Square(mg.Function):
    ...     def forward(self, x):
    ...         return x ** 2
    ...     def backward(self, gy):
    ...         x, = self.inputs
    ...         return 2 * x * gy
    >>> x = mg.Variable(np.array([1.0, -3.0]))
    >>> Square()(x).sum().backward()
    >>> x.grad
    Variable([ 2., -6.], dtype=float64)
    >>> mg.gradcheck(lambda v: Square()(v), mg.Variable(np.array([0.5, 2.0])))
    True
    """

    __slots__ = {"inputs": "The input Variables, as recorded (a tuple).",
                 "outputs": "Weak references to the output Variables (call one to get the Variable, or None).",
                 "generation": "One more than the highest generation of the inputs: backward runs the highest first.",
                 "seq": "The creation number: Functions recorded later have larger ones.",
                 "saved_versions": "The versions of the saved inputs and outputs at forward, checked by backward.",
                 "_self_ref": None, "__weakref__": None}

    # What backward reads of the data, checked against in-place changes made
    # after forward (core/versions.py): "inputs", "outputs", both, () for an
    # op whose backward needs only shapes, or "each other" for a product of
    # two inputs. Ops narrow it as PyTorch's saves.
    #: What backward reads of the data: "inputs", "outputs", both, () or "each other".
    saves_for_backward = ("inputs", "outputs")

    def __init_subclass__(cls, **kwargs):
        # PyTorch's habit: static `forward(ctx, *xs)` / `backward(ctx, *gys)`.
        # The instance plays ctx, so such a class works as written; resolved
        # once, when the class is made, not per call.
        # PyTorch 2's variant, `forward(*xs)` with a separate
        # `setup_context(ctx, inputs, output)`, works as well.
        super().__init_subclass__(**kwargs)
        setup = cls.__dict__.get("setup_context")
        setup = setup.__func__ if isinstance(setup, staticmethod) else None
        for method in ("forward", "backward"):
            function = cls.__dict__.get(method)
            if isinstance(function, staticmethod):
                setattr(cls, method, _with_ctx(function.__func__, method, setup))
        if "forward" in cls.__dict__ and not cls.__module__.startswith("minigrad."):
            # A Function written outside minigrad may compute anything: its forward
            # is checked for complex results (minigrad's own make none from real data).
            cls.forward = _refusing_complex(cls.__dict__["forward"])

    def save_for_backward(self, *tensors):
        """PyTorch's `ctx.save_for_backward(...)`, called in forward: keeps
        these Variables (or arrays) for backward, where `saved_tensors`
        returns them."""
        self._saved_arrays = tuple(t.data if isinstance(t, Variable) else t for t in tensors)

    @property
    def saved_tensors(self):
        """What forward saved, as Variables for a backward written with ops:
        an input's (or output's) own array is that Variable itself, so the
        backward stays differentiable; any other array is a constant (as in
        PyTorch, an intermediate saved in forward is not differentiated
        again: save inputs and outputs for a backward of any order)."""
        saved = getattr(self, "_saved_arrays", None)
        if saved is None:
            raise RuntimeError(f"{self.name}: saved_tensors read, but forward called no save_for_backward")
        outputs = [ref() for ref in self.outputs]
        known = [x for x in (*self.inputs, *outputs) if x is not None]
        variables = tuple(_saved_variable(a, known) for a in saved)
        unmatched = any(v is not None and all(v is not x for x in known) for v in variables)
        if unmatched and Config.enable_backprop and any(y is None for y in outputs):
            # A saved output whose Variable is gone would come back as a
            # constant: a silently wrong higher derivative.
            dead = [i for i, y in enumerate(outputs) if y is None]
            raise RuntimeError(f"{self.name}: output(s) {dead} are no longer alive, so a saved output cannot "
                               "be differentiated again; keep a reference to every output")
        return variables

    @property
    def needs_input_grad(self):
        """PyTorch's `ctx.needs_input_grad`: one bool per input."""
        return tuple(x.requires_grad for x in self.inputs)

    @classmethod
    def apply(cls, *inputs, **settings):
        """`MyFunction.apply(x, y, alpha=2)` is `MyFunction(alpha=2)(x, y)`."""
        return cls(**settings)(*inputs)

    def __call__(self, *inputs):
        # This is the hot path of every op: keep it free of avoidable work.
        if self.__weakref__ is not None:
            # Recorded before (`sq = Square(); sq(a) + sq(b)`): this call gets
            # a copy, made before forward, which may store state on self that
            # the first node's backward still needs. Slots have no defaults
            # and subclasses need not call an __init__ of ours, so the mark is
            # the one slot Python always fills: __weakref__ stays None until
            # a weak reference exists, and recording makes one (_self_ref).
            self = copy.copy(self)
        for x in inputs:
            if type(x) is not Variable:
                inputs = as_variables(inputs, self)
                break
        xs = [x.data for x in inputs]
        try:
            ys = self.forward(*xs)
        except (ValueError, IndexError, TypeError) as e:
            raise _named_error(self, xs, e) from e
        if type(ys) is tuple:
            outputs = [_output(y) for y in ys]
            for o in outputs:
                if o.data.base is not None or any(o.data is x for x in xs):
                    versions.share(inputs, o)  # a view of an input: one version for both
        else:  # one output: the constant() of _output, written out (hot path)
            outputs = None
            y = _new_object(Variable)
            y.data = ys = ys if type(ys) is np.ndarray else _array(ys)
            y.name = y.grad = y.creator = y._hooks = y.version_counter = None
            y.generation = 0
            y.requires_grad = False
            if ys.base is not None or (xs and ys is xs[0]):
                versions.share(inputs, y)  # a view of an input: one version for both
        if Config.enable_backprop:
            # Record the graph only if some input wants a gradient.
            # (And whether some input was changed in place, or viewed, before.)
            if len(inputs) == 1:
                x = inputs[0]
                generation = x.generation if x.requires_grad else -1
                counted = x.version_counter
            else:
                generation = -1
                counted = None
                for x in inputs:
                    if x.requires_grad and x.generation > generation:
                        generation = x.generation
                    if x.version_counter is not None:
                        counted = x.version_counter
            if generation >= 0:
                if counted is not None:
                    versions.remember(self, inputs, (y,) if outputs is None else outputs)
                self._self_ref = weakref.ref(self)
                self.generation = generation
                self.seq = next(_creation_order)
                self.inputs = inputs
                if outputs is None:
                    y.creator = self
                    y.generation = generation + 1
                    y.requires_grad = True
                    self.outputs = (weakref.ref(y),)
                else:
                    for o in outputs:
                        o.creator = self
                        o.generation = generation + 1
                        o.requires_grad = True
                    self.outputs = [weakref.ref(o) for o in outputs]
        if _anomaly.active:  # detect_anomaly(): when off, this test is all it costs
            _anomaly.check_forward(self, inputs, y if outputs is None else outputs)
        return y if outputs is None else outputs

    def forward(self, *xs):
        """The value: ndarrays in (one per input), an ndarray or a tuple of
        ndarrays out (one per output). Every op defines it."""
        raise NotImplementedError(f"{self.name}: forward is not defined")

    def backward(self, *gys):
        """The gradients: given dL/dy for each output (Variables; None for an
        output that got none), dL/dx for each input, as Variables computed
        with ops (so backward itself can be differentiated), None for an
        input that gets no gradient. Every differentiable op defines it."""
        raise NotImplementedError(f"{self.name}: backward is not defined")

    def needs_grad(self, i):
        """Whether input i wants a gradient: a backward may skip computing
        gradients nobody needs (a constant input, a frozen parameter)."""
        return self.inputs[i].requires_grad

    def output_variable(self, i=0):
        """The i-th output Variable, for backwards written in terms of it
        (tanh, exp, sigmoid ...). It is alive whenever backward runs for it."""
        y = self.outputs[i]()
        if y is None:
            raise RuntimeError(f"{self.name}: output {i} is no longer alive; keep a reference to it")
        return y

    @property
    def name(self):
        """The op's name in messages and graph pictures: `MatMul` -> `matmul`."""
        return _snake_case(type(self).__name__)

    def settings(self):
        """The op's non-array settings (axis, stride ...) as a dict, for
        pictures of the graph. Ops with settings override it."""
        return {}

    def __repr__(self):
        return f"<{type(self).__name__}>"


def _array_of(y):
    return y.data if isinstance(y, Variable) else y


def _saved_variable(array, known):
    if array is None:   # PyTorch lets None be saved
        return None
    for x in known:
        if x.data is array:
            return x
    return as_variable(array)


def _with_ctx(function, kind, setup_context=None):
    """A static `f(ctx, *args)` as a method whose instance is the ctx (or,
    with `setup_context`, a static `forward(*xs)` followed by
    `setup_context(ctx, xs, output)`). As in PyTorch, forward computes on
    tensors (constant Variables sharing the input arrays, nothing recorded),
    and backward gets zeros (not None) for an output that received no
    gradient, so forward notes its outputs' shapes and dtypes."""
    if kind == "forward":
        def method(self, *xs):
            with no_grad():
                xs = tuple(constant(x) for x in xs)
                if setup_context is None:
                    ys = function(self, *xs)
                else:
                    ys = function(*xs)
                    setup_context(self, xs, ys)
            ys = tuple(map(_array_of, ys)) if type(ys) is tuple else _array_of(ys)
            self._output_like = [(np.shape(y), np.result_type(y)) for y in (ys if type(ys) is tuple else (ys,))]
            return ys
    else:
        def method(self, *gys):
            gys = [constant(np.zeros(*like)) if gy is None else gy for gy, like in zip(gys, self._output_like)]
            return function(self, *gys)

    method.__name__ = function.__name__
    method.__doc__ = function.__doc__
    return method


def _refusing_complex(forward):
    """forward, raising complex_error when it returns a complex array."""
    def method(self, *xs):
        ys = forward(self, *xs)
        for y in ys if type(ys) is tuple else (ys,):
            if np.iscomplexobj(y):
                raise complex_error(f"{self.name}: {type(self).__name__}.forward returned complex values", y)
        return ys

    method.__name__ = forward.__name__
    method.__doc__ = forward.__doc__
    return method


def as_variable(x):
    """x as a Variable: a Variable as is, anything else (an ndarray, a
    number, a list) as a constant that needs no gradient."""
    return x if isinstance(x, Variable) else Variable(x, requires_grad=False)


def as_variables(inputs, function=None):
    """Inputs as Variables. Python scalars take the dtype of the first
    floating Variable input, so float32 stays float32. An input that is not
    numbers (None, a string, a ragged list) is a TypeError naming the op."""
    for x in inputs:
        if not isinstance(x, Variable):
            break
    else:
        return inputs
    like = None
    xp = np
    for x in inputs:
        if isinstance(x, Variable):
            if type(x.data) is not np.ndarray:
                # Python numbers and lists have no device: made where the op runs.
                xp = backend.get_array_module(x.data)
            if like is None and x.data.dtype.kind in "fc":
                like = x.data.dtype
    name = "Variable" if function is None else function.name
    return [x if isinstance(x, Variable) else _constant(x, like, name, xp) for x in inputs]


def _constant(x, like_dtype, name, xp=np):
    # Complex numbers and arrays end in numeric_array's TypeError (see complex_error).
    if like_dtype is not None and isinstance(x, (bool, int, float, np.bool_, np.integer, np.floating)):
        return constant(xp.asarray(x, dtype=like_dtype))
    if type(x) is np.ndarray and x.dtype.kind in "biuf":
        return constant(x)
    if backend.device_of(x) is not backend.CPU:
        if x.dtype.kind == "c":
            raise complex_error(name, x.dtype)
        return constant(x)
    data = numeric_array(name, x)
    return constant(data if xp is np else xp.asarray(data))


def _snake_case(name):
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _named_error(function, xs, error):
    """Re-raise an error from inside forward with the op name and input
    shapes in front, unless the op already wrote such a message."""
    name = function.name
    message = str(error)
    mixed = backend.same_device_error(name, xs)
    if mixed is not None:
        return mixed
    if not message.startswith(name + ":"):
        shapes = " and ".join(str(np.shape(x)) for x in xs)
        if "could not be broadcast" in message:
            message = (f"{name}: shapes {shapes} do not broadcast together; expected each "
                       "trailing dimension to be equal or 1")
        else:
            message = f"{name}: {message} (input shapes: {shapes})"
    try:
        return type(error)(message)
    except Exception:
        return ValueError(message)
