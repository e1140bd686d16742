"""PyTorch's meanings of the names whose NumPy meaning minigrad.functions keeps.

`import minigrad as torch` is PyTorch's door: `torch.split(x, 2)` cuts x
into pieces of 2, as torch.split, while `F.split(x, 2)` cuts it into 2
pieces, as np.split. Each function here is declared with `declare_torch`
(core/ops.py): `minigrad.<name>` and the methods it names call it, so
`x.max(dim=0)` is a `(values, indices)` pair, as in PyTorch.

A NumPy-only keyword (`axis=`, `keepdims=`, `ddof=`) selects NumPy's
meaning: `x.max(axis=1)` is the values, `x.var(ddof=0)` the biased
variance.

Functions PyTorch has and NumPy has not (`narrow`, `index_select`,
`multinomial` ...) live here too: they are PyTorch's only.
"""
import numpy as np

from .core import Variable, as_array, set_grad_enabled
from .core import ops
from .core.ops import declare_torch
from .device import get_rng
from . import functions as F
from .functions import return_types
from .functions._axes import normalize_axis, shape_of

NUMPY_KEYWORDS = ("axis", "keepdims", "ddof")


def _numpy_meaning(numpy_kwargs):
    """NumPy's keywords given (axis=, keepdims=, ddof=): the call means NumPy's."""
    return {k: v for k, v in numpy_kwargs.items() if v is not None}


def _dim(op, dim):
    if isinstance(dim, (tuple, list)):
        raise TypeError(f"{op}: PyTorch's {op} takes one dim, got {dim!r}; for several axes use "
                        f"amax/amin (values only), or {op}(axis={tuple(dim)!r}) (NumPy's meaning)")
    return int(dim)


def _pair_of(op, x, index, dim, keepdim):
    """The named pair (values, indices) of x's elements at `index` (of size 1
    along dim), the gradient going to the elements picked."""
    if x.ndim == 0:   # its one element, at index 0, as PyTorch's
        return getattr(return_types, op)(F.copy(x), F.reshape(index, ()))
    values = F.take_along_axis(x, index, dim)
    if not keepdim:
        values, index = F.squeeze(values, dim), F.squeeze(index, dim)
    return getattr(return_types, op)(values, index)


def _extreme(op, arg, x, dim, keepdim, numpy):
    if numpy:
        return getattr(F, op)(x, **numpy)
    if isinstance(dim, (Variable, np.ndarray)):   # torch.max(a, b): the elementwise maximum
        return (F.maximum if op == "max" else F.minimum)(x, dim)
    if dim is None:
        return getattr(F, op)(x)
    dim = normalize_axis(op, _dim(op, dim), len(shape_of(x)) or 1)   # an error names the op called
    return _pair_of(op, x, arg(x, dim, keepdims=True), dim, keepdim)


@declare_torch(methods="max")
def max(x, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """torch.max: with no dim the largest element; with a dim the pair
    (values, indices) along it (the gradient goes to the element picked);
    with a Variable, the elementwise maximum. `axis=`/`keepdims=` mean
    NumPy's max (the values only)."""
    return _extreme("max", F.argmax, x, dim, keepdim, _numpy_meaning(dict(axis=axis, keepdims=keepdims)))


@declare_torch(methods="min")
def min(x, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """torch.min: as `max`, the smallest."""
    return _extreme("min", F.argmin, x, dim, keepdim, _numpy_meaning(dict(axis=axis, keepdims=keepdims)))


def _spread(op, x, dim, unbiased, keepdim, correction, numpy):
    if numpy:
        if unbiased is not None or correction is not None:
            raise TypeError(f"{op}: NumPy's ddof=/axis=/keepdims= and PyTorch's unbiased=/correction= "
                            "were mixed; pass one family")
        return getattr(F, op)(x, **numpy)
    if isinstance(dim, bool):   # torch.var(x, False): the old (input, unbiased) form
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(f"{op}: got both unbiased= and correction=; pass one")
    if correction is None:
        correction = 0 if unbiased is False else 1
    return getattr(F, op)(x, dim, keepdim, correction=correction)


@declare_torch(methods="var")
def var(x, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None, ddof=None):
    """torch.var: unbiased (divides by n - 1) unless `correction=` or
    `unbiased=False` says otherwise. `axis=`/`keepdims=`/`ddof=` mean
    NumPy's var (ddof 0 unless given)."""
    return _spread("var", x, dim, unbiased, keepdim, correction,
                   _numpy_meaning(dict(axis=axis, keepdims=keepdims, ddof=ddof)))


@declare_torch(methods="std")
def std(x, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None, ddof=None):
    """torch.std: unbiased unless `correction=`/`unbiased=False` (see var)."""
    return _spread("std", x, dim, unbiased, keepdim, correction,
                   _numpy_meaning(dict(axis=axis, keepdims=keepdims, ddof=ddof)))


@declare_torch(methods="transpose")
def transpose(x, *dims):
    """torch.transpose(x, dim0, dim1): x with the two axes swapped. As a
    method, NumPy's meanings stay where they are unambiguous: `x.transpose()`
    reverses the axes, `x.transpose((2, 0, 1))` and `x.transpose(2, 0, 1)`
    (three or more axes) give the new order."""
    if len(dims) == 2 and all(isinstance(d, (int, np.integer)) for d in dims):
        return F.swapaxes(x, *dims)
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = dims[0]
    if len(dims) == 1:
        raise TypeError(f"transpose: got one axis {dims[0]!r} for shape {x.shape}; PyTorch's "
                        "transpose(dim0, dim1) swaps two axes, NumPy's takes the order of all of them")
    return F.transpose(x, tuple(dims) if dims else None)


@declare_torch(methods="split")
def split(x, split_size_or_sections, dim=0):
    """torch.split: x cut along `dim` into pieces of `split_size_or_sections`
    elements (the last may be smaller), or of the sizes in a list. (F.split
    is np.split: a number of equal pieces, or cut indices.)"""
    n = x.shape[dim]
    sizes = split_size_or_sections
    if isinstance(sizes, (int, np.integer)):
        if sizes <= 0:
            raise ValueError(f"split: split_size must be a positive int, got {sizes}")
        cuts = list(range(int(sizes), n, int(sizes)))
    else:
        sizes = [int(s) for s in sizes]
        if sum(sizes) != n:
            raise ValueError(f"split: sizes {sizes} add up to {sum(sizes)}, but dim {dim} of shape "
                             f"{x.shape} has {n} elements")
        cuts = list(np.cumsum(sizes)[:-1])
    return tuple(F.split(x, cuts, dim))


@declare_torch(methods="repeat", torch=False)
def repeat(x, *sizes):
    """x.repeat(*sizes): x tiled `sizes` times along each axis, as
    Tensor.repeat (NumPy's repeat, each element repeated, is
    `x.repeat_interleave`)."""
    sizes = tuple(sizes[0]) if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) else sizes
    if len(sizes) < x.ndim:
        raise ValueError(f"repeat: {len(sizes)} repeat counts {sizes} for a Variable of shape {x.shape}; "
                         f"give at least one per axis ({x.ndim})")
    return F.tile(x, sizes)


def _pair(op, x, dim, keepdim, pick):
    """(values, indices) of the element pick(data along the last axis) chooses."""
    data = as_array(x)
    dim = _dim(op, dim) % (data.ndim or 1)
    if data.ndim == 0:
        return getattr(return_types, op)(x, Variable(np.array(0), requires_grad=False))
    moved = np.moveaxis(data, dim, -1)
    index = np.expand_dims(pick(moved), -1)  # shape (..., 1)
    index = np.moveaxis(index, -1, dim).astype(np.int64)
    return _pair_of(op, x, Variable(index, requires_grad=False), dim, keepdim)


def _stable_order(data):
    return np.argsort(data, axis=-1, kind="stable")


@declare_torch(methods="sort")
def sort(x, dim=-1, descending=False, stable=False):
    """torch.sort: the pair (values, indices) of x sorted along `dim`.
    (F.sort is np.sort: the values.)"""
    index = F.argsort(x, dim, descending=descending)
    return return_types.sort(F.take_along_axis(x, index, dim), index)


@declare_torch(methods="kthvalue")
def kthvalue(x, k, dim=-1, keepdim=False):
    """torch.kthvalue: the k-th smallest element along `dim` (k from 1), with its index."""
    n = x.shape[dim] if x.ndim else 1
    if not 1 <= k <= n:
        raise ValueError(f"kthvalue: k={k} is out of range for dim {dim} of size {n} (shape {x.shape}); "
                         f"expected 1 <= k <= {n}")
    return _pair("kthvalue", x, dim, keepdim, lambda d: _stable_order(d)[..., k - 1])


@declare_torch(methods="median")
def median(x, dim=None, keepdim=False):
    """torch.median: the lower of the two middle values for an even count
    (np.median, F.median, averages them); with a dim the pair (values,
    indices)."""
    if dim is None:
        flat = F.reshape(x, (-1,))
        return median(flat, 0).values
    return _pair("median", x, dim, keepdim, lambda d: _stable_order(d)[..., (d.shape[-1] - 1) // 2])


def _mode_index(d):
    """Index of the most frequent value along the last axis (the smallest
    among equally frequent ones), its last occurrence, as PyTorch's CPU mode."""
    order = _stable_order(d)
    s = np.take_along_axis(d, order, -1)
    counts = (s[..., :, None] == s[..., None, :]).sum(-1)
    best = np.argmax(counts, axis=-1)[..., None]   # the first, so the smallest value, most frequent
    value = np.take_along_axis(s, best, -1)
    n = d.shape[-1]
    last = n - 1 - np.argmax((d == value)[..., ::-1], axis=-1)
    return last


@declare_torch(methods="mode")
def mode(x, dim=-1, keepdim=False):
    """torch.mode: the most frequent value along `dim` (the smallest among
    ties) and an index where it is."""
    return _pair("mode", x, dim, keepdim, _mode_index)


@declare_torch()
def flatten(x, start_dim=0, end_dim=-1):
    """torch.flatten: axes start_dim..end_dim merged, from axis 0 by default
    (F.flatten, as nn.Flatten, starts at axis 1)."""
    return F.flatten(x, start_dim, end_dim)


@declare_torch()
def tril(x, diagonal=0):
    """torch.tril: x with the elements above diagonal `diagonal` zeroed."""
    return F.tril(x, diagonal)


@declare_torch()
def triu(x, diagonal=0):
    """torch.triu: x with the elements below diagonal `diagonal` zeroed."""
    return F.triu(x, diagonal)


@declare_torch(methods=("clamp", "clip"), torch=("clamp", "clip"))
def clamp(x, min=None, max=None):
    """torch.clamp: x limited to [min, max] (either may be None)."""
    return F.clip(x, min, max)


@declare_torch()
def hstack(tensors):
    """torch.hstack: joined along axis 1 (axis 0 for 1-d ones)."""
    return F.concat(list(tensors), 0 if tensors[0].ndim == 1 else 1)


@declare_torch()
def vstack(tensors):
    """torch.vstack: 1-d ones as rows, joined along axis 0."""
    return F.concat([F.reshape(t, (1, -1)) if t.ndim == 1 else t for t in tensors], 0)


def _along(x, dim, index):
    """The index tuple that applies `index` to axis dim of x."""
    return (slice(None),) * (dim % x.ndim) + (index,)


@declare_torch(methods="narrow")
def narrow(x, dim, start, length):
    """torch.narrow: the `length` elements of axis dim from `start`."""
    return x[_along(x, dim, slice(start, start + length))]


@declare_torch(methods="index_select")
def index_select(x, dim, index):
    """torch.index_select: the entries of axis dim at the 1-d `index`."""
    return x[_along(x, dim, as_array(index).astype(np.int64))]


@declare_torch(methods="nonzero")
def nonzero(x, as_tuple=False):
    """torch.nonzero: the indices of nonzero elements, one row each (int64);
    `as_tuple=True`: one 1-d Variable per axis."""
    found = np.nonzero(as_array(x))
    if as_tuple:
        return tuple(Variable(i.astype(np.int64), requires_grad=False) for i in found)
    return Variable(np.stack(found, axis=-1).astype(np.int64), requires_grad=False)


@declare_torch()
def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """torch.allclose: whether all elements are close, a Python bool."""
    return bool(np.allclose(as_array(a), as_array(b), rtol=rtol, atol=atol, equal_nan=equal_nan))


@declare_torch()
def equal(a, b):
    """torch.equal: whether a and b have the same shape and elements, a Python bool."""
    a, b = as_array(a), as_array(b)
    return a.shape == b.shape and bool((a == b).all())


@declare_torch()
def multinomial(input, num_samples, replacement=False, generator=None):
    """torch.multinomial: `num_samples` indices drawn from each row of the
    (unnormalised) weights `input`, from minigrad's random stream."""
    p = np.asarray(as_array(input), dtype=np.float64)
    rows = p.reshape(-1, p.shape[-1])
    if (rows < 0).any() or not (rows.sum(-1) > 0).all():
        raise ValueError(f"multinomial: weights of shape {p.shape} must be >= 0 with a positive sum per row")
    if not replacement and num_samples > rows.shape[-1]:
        raise ValueError(f"multinomial: cannot draw {num_samples} samples without replacement from "
                         f"{rows.shape[-1]} categories; pass replacement=True")
    rng = get_rng() if generator is None else generator
    drawn = np.stack([rng.choice(len(r), size=num_samples, replace=replacement, p=r / r.sum()) for r in rows])
    return Variable(drawn.reshape(p.shape[:-1] + (num_samples,)).astype(np.int64), requires_grad=False)


@declare_torch()
def randperm(n, dtype=np.int64, generator=None, device=None, requires_grad=False):
    """torch.randperm: a random permutation of 0..n-1, from minigrad's random stream."""
    rng = get_rng() if generator is None else generator
    return Variable(rng.permutation(n).astype(dtype), requires_grad=False)


@declare_torch(methods="bernoulli")
def bernoulli(input, p=None, generator=None):
    """torch.bernoulli: 1 with probability `input` (or `p`) per element, else 0,
    in input's dtype, from minigrad's random stream."""
    data = as_array(input)
    prob = data if p is None else np.full(data.shape, p)
    rng = get_rng() if generator is None else generator
    return Variable((rng.random(data.shape) < prob).astype(data.dtype), requires_grad=False)


@declare_torch()
def as_tensor(data, dtype=None, device=None):
    """torch.as_tensor: data as a Variable (requiring no grad), sharing an
    ndarray's memory when no dtype change is asked; a Variable is returned as is."""
    if isinstance(data, Variable) and dtype is None:
        return data
    array = np.asarray(as_array(data) if isinstance(data, Variable) else data, dtype=dtype)
    if array.dtype == np.float64 and not isinstance(data, (np.ndarray, Variable)) and dtype is None:
        array = array.astype(np.float32)   # Python floats: the default dtype, as torch
    return Variable(array, requires_grad=False)


# -- minigrad's module attributes (minigrad/__init__.py) ------------------------------

def module_attribute(name):
    """`minigrad.cat`, `minigrad.max` ...: the function declared with that
    PyTorch name (core/ops.py `by_torch`); minigrad's module `__getattr__`."""
    fn = ops.by_torch.get(name)
    if fn is not None:
        return fn
    hint = (f"; minigrad.functions.{name} exists: `import minigrad.functions as F`, then F.{name}(...)"
            if name in ops.declarations else "")
    raise AttributeError(f"module 'minigrad' has no attribute {name!r}{hint}")


def module_names(names):
    """dir(minigrad): its `names` and the PyTorch names of the declarations."""
    return sorted(set(names) | set(ops.by_torch))


# -- names that are not ops -----------------------------------------------------------

def inference_mode(mode=True):
    """torch.inference_mode: as no_grad() (minigrad has no separate
    inference tensors); a context manager or decorator."""
    return set_grad_enabled(not mode)


def _typed_tensor(name, dtype):
    def make(*args):
        if args and all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
            return Variable(np.zeros(args, dtype=dtype), requires_grad=False)  # a shape
        if len(args) != 1:
            raise TypeError(f"{name}: expected a shape (ints) or one sequence of values, got {args!r}")
        return Variable(np.array(as_array(args[0]), dtype=dtype), requires_grad=False)

    make.__name__ = name
    make.__doc__ = f"torch.{name}(data) or torch.{name}(*shape): a Variable of dtype {np.dtype(dtype)}."
    make.tensor_dtype = np.dtype(dtype)   # so that x.type(torch.FloatTensor) casts, as PyTorch's
    return make


FloatTensor = _typed_tensor("FloatTensor", np.float32)
DoubleTensor = _typed_tensor("DoubleTensor", np.float64)
LongTensor = _typed_tensor("LongTensor", np.int64)
IntTensor = _typed_tensor("IntTensor", np.int32)
BoolTensor = _typed_tensor("BoolTensor", np.bool_)


def is_tensor(x):
    """Whether x is a Variable (torch.is_tensor)."""
    return isinstance(x, Variable)
