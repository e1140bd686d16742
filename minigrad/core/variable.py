"""Variable: an ndarray that remembers the Function that produced it.

    x ──► [Function] ──► y        y.creator is the Function,
                                  Function.inputs holds x (strongly),
                                  Function.outputs holds y (weakly).

Following `creator` and `inputs` from an output walks the whole graph back
to its leaves; `backward()` does exactly that (see `backprop.py`).
"""
import numpy as np

from ..device import backend
from . import backprop, hooks, inplace, numpy_protocol, versions
from .config import using_config
from .ops import op_method, ops


class Variable:
    """A node of the computation graph holding `data` (an ndarray).

    `grad` is a Variable (or None), so gradients can be differentiated again.
    `creator` is the Function that made this Variable, None for a leaf.
    `generation` is one more than the creator's, so backward can run
    functions from the outputs towards the inputs.
    `requires_grad` says whether gradients flow to it: True for Variables
    you make (leaves whose `.grad` backward fills) and for results of ops
    on them; False for constants (ndarrays and numbers mixed into ops) and
    for results computed under `no_grad()`. Ops whose inputs all have
    requires_grad False record no graph. Set it to False to freeze a leaf.

    Every method and operator is named in this class body. Most are one
    line that hands the work to the module that explains it: the ops live in
    minigrad.functions (each declares its NumPy names and methods, see
    core/ops.py), the backward pass in core/backprop.py, hooks in
    core/hooks.py, in-place updates in core/inplace.py, NumPy's protocols in
    core/numpy_protocol.py.

    Examples
    --------
    >>> import numpy as np
    >>> import minigrad as mg
    >>> x = mg.Variable(np.array([1.0, 2.0, 3.0]), name="x")
    >>> y = (x * x).sum()
    >>> y
    Variable(14., dtype=float64, creator=Sum)
    >>> y.backward()
    >>> x.grad
    Variable([2., 4., 6.], dtype=float64)
    """

    __slots__ = {"data": "The value, an ndarray (a device array on a GPU).",
                 "name": "The name shown in errors, graphs and the stepper (None: unnamed).",
                 "grad": "The gradient that backward accumulated, a Variable of the same shape, or None.",
                 "creator": "The Function that computed this Variable (None for a leaf).",
                 "generation": "The depth in the graph: backward runs Functions from the highest generation down.",
                 "requires_grad": "Whether backward computes a gradient for this Variable.",
                 "_hooks": "The hooks registered with register_hook.",
                 "version_counter": "Counts the in-place writes to `data` (shared by views; core/versions.py).",
                 "__weakref__": None}

    def __init__(self, data, name=None, requires_grad=True):
        self.version_counter = None
        if type(data) is not np.ndarray:
            if isinstance(data, Variable):
                self.version_counter = versions.counter_of(data)  # the same memory: one version
                data = data.data
            elif backend.device_of(data) is backend.CPU:
                data = numeric_array("Variable", data)
        if data.dtype.kind not in "biuf":
            if data.dtype.kind == "c":
                raise complex_error("Variable", data.dtype)
            raise TypeError(
                f"Variable: data of dtype {data.dtype} is not numeric; "
                "expected bool, integer or float values")
        self.data = data
        self.name = name
        self.grad = None
        self.creator = None
        self.generation = 0
        self.requires_grad = requires_grad
        self._hooks = None

    # -- array-like attributes ---------------------------------------------
    @property
    def shape(self):
        """The shape of `data`, a tuple."""
        return self.data.shape

    @property
    def ndim(self):
        """The number of axes of `data`."""
        return self.data.ndim

    @property
    def size(self):
        """NumPy's element count, an int; PyTorch's habit may also call it:
        `x.size()` is the shape, `x.size(0)` the length of axis 0."""
        data = self.data
        return Size(data.size, data.shape)

    @property
    def dtype(self):
        """The NumPy dtype of `data`."""
        return self.data.dtype

    @property
    def T(self):
        """The transpose (axes reversed), recorded as an op."""
        return ops.transpose(self)

    def __len__(self):
        if self.data.ndim == 0:
            raise TypeError("len: a 0-d Variable (shape ()) has no length; use x.item() for its value")
        return len(self.data)

    def numel(self):
        """The number of elements (PyTorch's name for `size`)."""
        return self.data.size

    def dim(self):
        """The number of axes (PyTorch's name for `ndim`)."""
        return self.data.ndim

    @property
    def device(self):
        """Where the data lives: "cpu", "cuda" (a CuPy array) ..."""
        return backend.device_of(self.data).name

    @property
    def is_cuda(self):
        """Whether `data` lives on a CUDA GPU."""
        return self.device == "cuda"

    def __repr__(self):
        body = np.array2string(backend.to_host(self.data), separator=", ", prefix="Variable(",
                               threshold=20)
        extra = f", dtype={self.data.dtype}"
        if type(self.data) is not np.ndarray:
            extra += f", device={self.device!r}"
        if self.name is not None:
            extra += f", name={self.name!r}"
        if self.creator is not None:
            extra += f", creator={type(self.creator).__name__}"
        return f"Variable({body}{extra})"

    # -- new Variables like this one (PyTorch's new_*) -------------------------
    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        """A new leaf holding a copy of `data`, of x's dtype and device unless
        `dtype`/`device` say otherwise (PyTorch's `new_tensor`)."""
        data = data.data if isinstance(data, Variable) else data
        if np.iscomplexobj(data):  # before a cast to x's dtype drops the imaginary part
            raise complex_error("new_tensor", data)
        array = backend.asarray(data, self.data.dtype if dtype is None else dtype, self.data)
        array = backend.to_device(array, device) if device is not None else array
        return Variable(array.copy(), requires_grad=requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        """A new leaf of zeros of shape `size` (PyTorch's `new_zeros`)."""
        return self.new_full(shape_args(size), 0, dtype=dtype, device=device, requires_grad=requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        """A new leaf of shape `size` filled with `fill_value` (PyTorch's `new_full`)."""
        return self.new_ones(size, dtype=dtype, device=device, requires_grad=requires_grad).fill_(fill_value)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        """A new leaf of ones of shape `size`, x's dtype and device unless
        `dtype`/`device` say otherwise (PyTorch's `new_ones`)."""
        xp = backend.get_array_module(self.data)
        array = xp.ones(shape_args(size), dtype=self.data.dtype if dtype is None else dtype)
        array = backend.to_device(array, device) if device is not None else array
        return Variable(array, requires_grad=requires_grad)

    # -- conversions: to NumPy and to Python numbers -----------------------------
    def numpy(self):
        """The data, an ndarray (shared, not copied). As in PyTorch, on a GPU
        a TypeError (call `.cpu()` first), and a RuntimeError when x requires
        grad outside `no_grad()` (use `x.detach().numpy()`)."""
        if type(self.data) is not np.ndarray:
            raise self._not_on_host("numpy()")
        if self.requires_grad:
            numpy_protocol.check_conversion(self, "x.numpy()")
        return self.data

    def _not_on_host(self, what):
        return TypeError(f"{what}: this Variable lives on device {self.device!r}; copy it to the "
                         "host first with .cpu()")

    def __array__(self, dtype=None, copy=None):
        # np.asarray(x), matplotlib and every NumPy function that converts.
        if type(self.data) is not np.ndarray:
            raise self._not_on_host("np.asarray")
        if self.requires_grad:
            numpy_protocol.check_conversion(self, "np.asarray(x) or np.array(x) (x.__array__)")
        if dtype is not None and np.dtype(dtype) != self.data.dtype:
            if copy is False:
                raise ValueError(f"np.asarray: a Variable of dtype {self.data.dtype} cannot become "
                                 f"{np.dtype(dtype)} without a copy, and copy=False was asked")
            return self.data.astype(dtype)
        return self.data.copy() if copy else self.data

    def tolist(self):
        """The data as nested Python lists of numbers."""
        return self.data.tolist()

    def item(self):
        """The value of a one-element Variable as a Python number."""
        return self._one_element("item").item()

    def _one_element(self, what):
        if self.data.size != 1:
            raise ValueError(
                f"{what}: only a Variable with one element converts to a Python number; "
                f"this one has shape {self.data.shape} ({self.data.size} elements)")
        return self.data

    def __float__(self):
        return float(self._one_element("float").item())

    def __int__(self):
        return int(self._one_element("int").item())

    def __bool__(self):
        return bool(self._one_element("bool").item())

    def __complex__(self):
        return complex(self._one_element("complex").item())

    def __format__(self, spec):
        # f"{loss:.3f}" formats the number; plain f"{x}" shows the repr.
        if not spec:
            return repr(self)
        return format(self._one_element("format").item(), spec)

    # NumPy's protocols: np.exp(x), np.sum(x, axis=0) ... (core/numpy_protocol.py)
    __array_ufunc__ = numpy_protocol.array_ufunc
    __array_function__ = numpy_protocol.array_function

    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
        """A DLPack capsule viewing this Variable's data (the array's own
        export: `torch.from_dlpack(x)` shares x.data's memory, no copy).
        A BufferError for a Variable that requires grad, as PyTorch's."""
        if self.requires_grad:
            raise BufferError(f"__dlpack__: can't export a Variable of shape {self.shape} that requires grad "
                              "(the view would drop its gradient); export x.detach()")
        return self.data.__dlpack__(stream=stream, max_version=max_version, dl_device=dl_device, copy=copy)

    def __dlpack_device__(self):
        """(device type, device id) of the data: (1, 0), DLPack's CPU."""
        return self.data.__dlpack_device__()

    # -- copies, dtypes and devices (minigrad/functions/cast.py) ------------------
    clone = op_method("clone")
    astype = op_method("astype")
    to = op_method("to")

    def cuda(self):
        """`x.to("cuda")`: the data as a CuPy array on the GPU."""
        return ops.to(self, "cuda")

    def cpu(self):
        """`x.to("cpu")`: the data as a NumPy array on the host."""
        return ops.to(self, "cpu")

    def float(self):
        """x as float32 (PyTorch's `.float()`)."""
        return ops.astype(self, np.float32)

    def double(self):
        """x as float64 (PyTorch's `.double()`)."""
        return ops.astype(self, np.float64)

    def long(self):
        """x as int64 (PyTorch's `.long()`, for class labels); requires no grad."""
        return ops.astype(self, np.int64)

    def int(self):
        """x as int32 (PyTorch's `.int()`)."""
        return ops.astype(self, np.int32)

    def bool(self):
        """x as bool (PyTorch's `.bool()`)."""
        return ops.astype(self, np.bool_)

    def half(self):
        """x as float16 (PyTorch's `.half()`)."""
        return ops.astype(self, np.float16)

    def type(self, dtype=None):
        """With a dtype: x as that dtype (PyTorch's `x.type(torch.long)`, also
        `x.type(torch.FloatTensor)`); without: the dtype's name, as "float32"."""
        if dtype is None:
            return self.data.dtype.name
        return ops.astype(self, getattr(dtype, "tensor_dtype", dtype))

    def type_as(self, other):
        """x as other's dtype."""
        return ops.astype(self, other.dtype)

    def contiguous(self):
        """x itself (NumPy arrays need no contiguous copy for minigrad's ops)."""
        return self

    def is_contiguous(self):
        """Whether the data is C-contiguous in memory."""
        return bool(self.data.flags.c_contiguous)

    def element_size(self):
        """Bytes per element."""
        return self.data.itemsize

    def nelement(self):
        """The number of elements (PyTorch's other name for numel)."""
        return self.data.size

    # -- gradients -----------------------------------------------------------
    def cleargrad(self):
        """Forget the accumulated gradient."""
        self.grad = None

    def detach(self):
        """A new Variable sharing this data, cut off from the graph (it
        requires no gradient, as in PyTorch)."""
        return Variable(self, name=self.name, requires_grad=False)

    def detach_(self):
        """Cut x itself off from the graph: a leaf requiring no gradient."""
        self.creator, self.generation, self.requires_grad = None, 0, False
        return self

    @property
    def _version(self):
        """How many times this Variable's data (shared with its views) was
        changed in place (PyTorch's `x._version`; see core/versions.py)."""
        return versions.version_of(self)

    @property
    def grad_fn(self):
        """The Function that made this Variable, None for a leaf (PyTorch's
        name for `creator`)."""
        return self.creator

    @property
    def is_leaf(self):
        """Whether no recorded op made this Variable (PyTorch's habit: constants
        and Variables made by the user or under no_grad() are leaves)."""
        return self.creator is None

    def requires_grad_(self, requires_grad=True):
        """Set whether this leaf requires grad (in place); returns x."""
        if not requires_grad and self.creator is not None:
            raise RuntimeError(
                "requires_grad_: this Variable was computed by an op; only a leaf's flag can be turned "
                "off. Use x.detach() for a value cut off from the graph")
        if requires_grad and self.data.dtype.kind not in "fc":
            raise RuntimeError(
                f"requires_grad_: only floating-point Variables can require grad; this one has dtype "
                f"{self.data.dtype} (cast it with x.astype(np.float32) or x.float())")
        self.requires_grad = bool(requires_grad)
        return self

    def register_hook(self, fn):
        """Run `fn(grad)` whenever this Variable's gradient is computed in a
        backward pass (for a leaf: its whole gradient of the pass, before it is
        added to `.grad`). A non-None return value replaces the gradient.
        Returns a handle whose `remove()` unregisters it."""
        return hooks.register_hook(self, fn)

    def retain_grad(self):
        """Keep this non-leaf's `.grad` on later backward calls (a leaf keeps
        it anyway)."""
        hooks.retain_grad(self)

    def backward(self, grad=None, retain_grad=False, create_graph=False, gradient=None,
                 retain_graph=None, inputs=None):
        """Fill `.grad` of every leaf this Variable depends on with d(self)/d(leaf).

        `grad` seeds the output gradient (ones when None, which equals the
        backward of `self.sum()`); `gradient` is PyTorch's name for it.
        Leaf gradients accumulate across calls. `retain_grad=True` keeps
        `.grad` on intermediate Variables too. `create_graph=True` records
        the backward pass, so the gradients are differentiable again (second
        and higher derivatives). `retain_graph` is accepted for PyTorch's
        habit and changes nothing: the graph is always kept. `inputs` (a
        Variable or a list of them) limits which Variables receive `.grad`;
        a non-leaf among them keeps its `.grad` from then on, as after
        `retain_grad()` (PyTorch's).
        """
        if gradient is not None:
            if grad is not None:
                raise TypeError("backward: got both grad= and gradient= (PyTorch's name for grad); pass one")
            grad = gradient
        if not self.requires_grad:
            raise RuntimeError(
                "backward: this Variable does not require grad: it was computed from constants "
                "only, or under no_grad()")
        if (type(grad) is np.ndarray and not create_graph and type(self.data) is np.ndarray
                and grad.dtype.kind in "biuf"):
            # The caller's array, not copied: run holds it, so no .grad shares it. With
            # create_graph the gradients' graph would keep reading it, so run copies it.
            grad = Variable(grad)
        if inputs is None:
            backprop.run("backward", [self], [grad], retain_grad=retain_grad, create_graph=create_graph)
            return
        inputs = [inputs] if isinstance(inputs, Variable) else list(inputs)
        for i, x in enumerate(inputs):
            if not isinstance(x, Variable):
                raise TypeError(f"backward: inputs[{i}] is a {type(x).__name__}; expected Variables")
        inputs = list(dict.fromkeys(inputs))  # one that is named twice gets its gradient once
        for x in inputs:
            x.retain_grad()  # as PyTorch: a non-leaf input keeps its .grad (after its hooks), now and later
        gxs = backprop.run("backward", [self], [grad], create_graph=create_graph, inputs=inputs)
        with using_config("enable_backprop", create_graph):
            for x, gx in zip(inputs, gxs):
                if gx is not None and x.creator is None:
                    x.grad = gx if x.grad is None else x.grad + gx

    # -- in-place updates (core/inplace.py) ---------------------------------------
    __iadd__ = inplace.operator("+=")
    __isub__ = inplace.operator("-=")
    __imul__ = inplace.operator("*=")
    __itruediv__ = inplace.operator("/=")
    __ipow__ = inplace.operator("**=")
    zero_ = inplace.zero_
    fill_ = inplace.fill_
    copy_ = inplace.copy_
    __setitem__ = inplace.setitem
    add_ = inplace.method("add")
    sub_ = inplace.method("sub")
    mul_ = inplace.method("mul")
    div_ = inplace.method("div")
    pow_ = inplace.method("pow")
    clamp_ = inplace.method("clamp")
    clip_ = inplace.method("clip")
    masked_fill_ = inplace.method("masked_fill")
    exp_ = inplace.method("exp")
    log_ = inplace.method("log")
    sqrt_ = inplace.method("sqrt")
    abs_ = inplace.method("abs")
    sin_ = inplace.method("sin")
    cos_ = inplace.method("cos")
    tanh_ = inplace.method("tanh")
    sigmoid_ = inplace.method("sigmoid")
    relu_ = inplace.method("relu")
    neg_ = inplace.method("neg")
    bernoulli_ = inplace.method("bernoulli")

    # -- methods that are ops: each calls the op declaring it (core/ops.py) --------
    exp = op_method("exp")
    log = op_method("log")
    sqrt = op_method("sqrt")
    abs = op_method("abs")
    sin = op_method("sin")
    cos = op_method("cos")
    tanh = op_method("tanh")
    sigmoid = op_method("sigmoid")
    relu = op_method("relu")
    softmax = op_method("softmax")
    log_softmax = op_method("log_softmax")
    pow = op_method("pow")
    sum = op_method("sum")
    mean = op_method("mean")
    max = op_method("max")
    min = op_method("min")
    var = op_method("var")
    std = op_method("std")
    median = op_method("median")
    mode = op_method("mode")
    sort = op_method("sort")
    topk = op_method("topk")
    kthvalue = op_method("kthvalue")
    cummax = op_method("cummax")
    cummin = op_method("cummin")
    transpose = op_method("transpose")
    split = op_method("split")
    repeat = op_method("repeat")
    repeat_interleave = op_method("repeat_interleave")
    narrow = op_method("narrow")
    index_select = op_method("index_select")
    masked_select = op_method("masked_select")
    nonzero = op_method("nonzero")
    bernoulli = op_method("bernoulli")
    add = op_method("add")
    sub = op_method("sub")
    mul = op_method("mul")
    div = op_method("div")
    neg = op_method("neg")
    norm = op_method("norm")
    argmax = op_method("argmax")
    argmin = op_method("argmin")
    cumsum = op_method("cumsum")
    prod = op_method("prod")
    logsumexp = op_method("logsumexp")
    squeeze = op_method("squeeze")
    expand_dims = op_method("expand_dims")
    unsqueeze = op_method("unsqueeze")
    swapaxes = op_method("swapaxes")
    masked_fill = op_method("masked_fill")
    gather = op_method("gather")
    broadcast_to = op_method("broadcast_to")
    ravel = op_method("ravel")

    # -- methods whose arguments differ from their op's ----------------------------
    def reshape(self, *shape):
        """x reshaped: x.reshape(2, -1) or x.reshape((2, -1))."""
        return ops.reshape(self, shape_args(shape))

    def view(self, *shape):
        """x reshaped (PyTorch's name for reshape): x.view(2, -1) or x.view((2, -1))."""
        return ops.reshape(self, shape_args(shape))

    def reshape_as(self, other):
        """x reshaped to other's shape."""
        return ops.reshape(self, other.shape)

    def permute(self, *axes):
        """x with its axes in the order `axes`: x.permute(2, 0, 1) or x.permute((2, 0, 1))."""
        return ops.permute(self, shape_args(axes))

    def expand(self, *shape):
        """x broadcast to `shape` (PyTorch's expand; -1 keeps that axis's size)."""
        shape = shape_args(shape)
        lead = len(shape) - self.ndim
        if lead < 0:
            raise ValueError(f"expand: shape {shape} has fewer axes than the Variable's {self.shape}")
        shape = tuple(self.shape[i - lead] if n == -1 and i >= lead else n for i, n in enumerate(shape))
        return ops.broadcast_to(self, shape)

    def expand_as(self, other):
        """x broadcast to other's shape."""
        return ops.broadcast_to(self, other.shape)

    def flatten(self, start_dim=0, end_dim=-1):
        """x with axes start_dim..end_dim merged; from axis 0 by default, as
        ndarray.flatten and Tensor.flatten (F.flatten starts at axis 1)."""
        return ops.flatten(self, start_dim, end_dim)

    def view_as(self, other):
        """x reshaped to other's shape (PyTorch's name for reshape_as)."""
        return ops.reshape(self, other.shape)

    clip = op_method("clip")
    clamp = op_method("clamp")

    def __getitem__(self, index):
        return ops.get_item(self, index)

    # -- arithmetic ----------------------------------------------------------
    def __add__(self, other):
        return ops.add(self, other)

    def __radd__(self, other):
        return ops.add(other, self)

    def __sub__(self, other):
        return ops.sub(self, other)

    def __rsub__(self, other):
        return ops.sub(other, self)

    def __mul__(self, other):
        return ops.mul(self, other)

    def __rmul__(self, other):
        return ops.mul(other, self)

    def __truediv__(self, other):
        return ops.div(self, other)

    def __rtruediv__(self, other):
        return ops.div(other, self)

    def __pow__(self, other):
        return ops.pow(self, other)

    def __rpow__(self, other):
        return ops.pow(other, self)

    def __floordiv__(self, other):
        return ops.floor_divide(self, other)

    def __rfloordiv__(self, other):
        return ops.floor_divide(other, self)

    def __mod__(self, other):
        return ops.remainder(self, other)

    def __rmod__(self, other):
        return ops.remainder(other, self)

    def __and__(self, other):
        return ops.bitwise_and(self, other)

    def __rand__(self, other):
        return ops.bitwise_and(other, self)

    def __or__(self, other):
        return ops.bitwise_or(self, other)

    def __ror__(self, other):
        return ops.bitwise_or(other, self)

    def __xor__(self, other):
        return ops.bitwise_xor(self, other)

    def __rxor__(self, other):
        return ops.bitwise_xor(other, self)

    def __lshift__(self, other):
        return ops.left_shift(self, other)

    def __rlshift__(self, other):
        return ops.left_shift(other, self)

    def __rshift__(self, other):
        return ops.right_shift(self, other)

    def __rrshift__(self, other):
        return ops.right_shift(other, self)

    def __invert__(self):
        return ops.bitwise_not(self)

    def __matmul__(self, other):
        return ops.matmul(self, other)

    def __rmatmul__(self, other):
        return ops.matmul(other, self)

    def __neg__(self):
        return ops.neg(self)

    def __pos__(self):
        return self

    # Comparisons are not differentiable: they return Variables of dtype bool
    # that require no gradient, as PyTorch's (masks for `where`, counts with
    # `(pred == y).float().mean()`). Variables stay hashable by identity, so
    # they are still dictionary keys (the backward pass relies on it): a dict
    # or set compares hashes, then identity, before it would call `==`, and
    # the id-based hashes of two live objects differ.
    def __eq__(self, other):
        return _compare(self.data == _data(other))

    def __ne__(self, other):
        return _compare(self.data != _data(other))

    def __lt__(self, other):
        return _compare(self.data < _data(other))

    def __le__(self, other):
        return _compare(self.data <= _data(other))

    def __gt__(self, other):
        return _compare(self.data > _data(other))

    def __ge__(self, other):
        return _compare(self.data >= _data(other))

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__

    __hash__ = object.__hash__


def _data(x):
    return x.data if isinstance(x, Variable) else x


def _compare(result):
    """A comparison's boolean array as a Variable requiring no gradient."""
    if result is NotImplemented:
        return NotImplemented
    return Variable(result, requires_grad=False)


class Size(int):
    """`x.size`: the number of elements (an int, as NumPy's `ndarray.size`)
    that can also be called as PyTorch's `x.size(dim=None)`: the shape, or
    the length of axis `dim`."""

    def __new__(cls, count, shape):
        size = int.__new__(cls, count)
        size.shape = shape
        return size

    def __call__(self, dim=None):
        if dim is None:
            return self.shape
        try:
            return self.shape[dim]
        except (IndexError, TypeError):
            raise IndexError(f"size: dim {dim!r} is out of range for shape {self.shape} "
                             f"(expected an int in [{-len(self.shape)}, {len(self.shape) - 1}])") from None

    def __reduce__(self):
        return int, (int(self),)


def shape_args(args):
    """A shape given as f(2, 3) or as f((2, 3)), as a tuple."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    return tuple(args)


def numeric_array(op, x):
    """np.asarray(x), or a TypeError naming `op` when x is not numbers
    (None, a string, a ragged list ...)."""
    try:
        a = np.asarray(x)
    except ValueError as e:  # ragged nested lists
        raise TypeError(f"{op}: cannot make an array from {_describe(x)}: {e}") from None
    if a.dtype.kind not in "biuf":
        if a.dtype.kind == "c":
            raise complex_error(op, a.dtype)
        raise TypeError(f"{op}: data of dtype {a.dtype} is not numeric: got {_describe(x)}; expected "
                        "a Variable, an ndarray or numbers (bool, int, float)")
    return a


def complex_error(what, of):
    """The TypeError for complex data or a complex dtype (`of`: the dtype,
    or the data: an array, a number, a list) given to `what`. Libraries
    differ in how complex numbers are differentiated (PyTorch's conjugate
    convention, autograd's), and mixing them gives wrong gradients
    silently, so minigrad refuses them at every entry: Variable(), the
    creation helpers, casts, and constants mixed into ops."""
    dtype = of if isinstance(of, np.dtype) else getattr(of, "dtype", None)
    dtype = np.asarray(of).dtype if dtype is None else dtype
    return TypeError(f"{what}: complex numbers are not supported by minigrad (got dtype {dtype}); "
                     "split the data into its real and imaginary parts (z.real, z.imag) and compute with "
                     "those as two real Variables")


def _describe(x):
    text = repr(x)
    return f"{type(x).__name__} {text if len(text) <= 40 else text[:37] + '...'}"


def as_array(x, dtype=None):
    """`x` as an array (Variables give their data; a device array stays on
    its device; Python data becomes an ndarray)."""
    if isinstance(x, Variable):
        return x.data
    return backend.asarray(x, dtype)


_new_object = object.__new__


def constant(data):
    """A Variable around an ndarray `data` that requires no gradient,
    skipping the checks of `Variable(...)`: for numbers and arrays mixed
    into ops, and for the results of ops (see Function.__call__)."""
    v = _new_object(Variable)
    v.data = data
    v.name = None
    v.grad = None
    v.creator = None
    v.generation = 0
    v.requires_grad = False
    v._hooks = None
    v.version_counter = None
    return v
