"""Matrix products."""
import math

import numpy as np

from ..device import backend
from ..core import Function, Variable, as_array
from ..core.ops import declare
from ._axes import normalize_axis
from .reorder import swapaxes
from .shape import GetItemGrad, broadcast_to, reshape, sum_to, transpose


def _check_matmul(a_shape, b_shape):
    if len(a_shape) == 0 or len(b_shape) == 0:
        raise ValueError(f"matmul: shapes {a_shape} and {b_shape}: operands must have at least 1 dimension")
    ka = a_shape[-1]
    kb = b_shape[-2] if len(b_shape) > 1 else b_shape[0]
    if ka != kb:
        dim_b = len(b_shape) - 2 if len(b_shape) > 1 else 0
        raise ValueError(
            f"matmul: shapes {a_shape} and {b_shape} are not aligned: "
            f"{ka} (dim {len(a_shape) - 1} of a) != {kb} (dim {dim_b} of b)")
    try:
        np.broadcast_shapes(a_shape[:-2], b_shape[:-2])
    except ValueError:
        raise ValueError(
            f"matmul: batch shapes {a_shape[:-2]} and {b_shape[:-2]} of {a_shape} and {b_shape} "
            "do not broadcast") from None


class MatMul(Function):
    """y = a @ b (batched, broadcasting over leading axes; 1-D operands are
    promoted to a row / column as in NumPy).

        ga = gy @ b^T      gb = a^T @ gy
    """
    __slots__ = ()

    @property
    def name(self):
        return "matmul"

    def forward(self, a, b):
        _check_matmul(a.shape, b.shape)
        return np.matmul(a, b)

    saves_for_backward = ("each other",)

    def backward(self, gy):
        a, b = self.inputs
        a2 = reshape(a, (1, a.shape[0])) if a.ndim == 1 else a
        b2 = reshape(b, (b.shape[0], 1)) if b.ndim == 1 else b
        batch = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
        gy2 = reshape(gy, batch + (a2.shape[-2], b2.shape[-1]))
        ga = gb = None
        if self.needs_grad(0):
            ga = reshape(sum_to(matmul(gy2, swapaxes(b2, -2, -1)), a2.shape), a.shape)
        if self.needs_grad(1):
            gb = reshape(sum_to(matmul(swapaxes(a2, -2, -1), gy2), b2.shape), b.shape)
        return ga, gb


@declare(MatMul, numpy=np.matmul)
def matmul(a, b):
    """a @ b as np.matmul: batched and broadcasting."""
    return MatMul()(a, b)


class Linear(Function):
    """y = x @ W.T + b for W of shape (out, in), x of shape (..., in), b of
    shape (out,) or absent; y has shape (..., out).

        gx = gy @ W      gW = gy^T x (over all leading axes)      gb = sum gy
    """
    __slots__ = ()

    def forward(self, x, W, b=None):
        if W.ndim != 2:
            raise ValueError(f"linear: W must have shape (out_features, in_features), got {W.shape}")
        if x.ndim == 0 or x.shape[-1] != W.shape[1]:
            width = x.shape[-1] if x.ndim else "none (a 0-d array)"
            raise ValueError(
                f"linear: x of shape {x.shape} has {width} input features but W of shape "
                f"{W.shape} expects {W.shape[1]} (x.shape[-1] must equal W.shape[1])")
        if b is not None and b.shape != (W.shape[0],):
            raise ValueError(f"linear: b has shape {b.shape}, expected ({W.shape[0]},) to match W of shape {W.shape}")
        y = np.matmul(x, W.T)
        if b is not None:
            y += b  # y is a fresh array: add in place
        return y

    saves_for_backward = ("each other",)

    def backward(self, gy):
        x, W = self.inputs[0], self.inputs[1]
        rows = math.prod(x.shape[:-1])
        gx = matmul(gy, W) if self.needs_grad(0) else None
        gW = None
        if self.needs_grad(1):
            gW = matmul(transpose(reshape(gy, (rows, W.shape[0]))), reshape(x, (rows, W.shape[1])))
        if len(self.inputs) == 2:
            return gx, gW
        return gx, gW, sum_to(gy, (W.shape[0],)) if self.needs_grad(2) else None


@declare(Linear, functional=True)
def linear(x, W, b=None):
    """x @ W.T + b: the affine map of a fully connected layer. W has shape
    (out_features, in_features) as nn.Linear stores it; x has its features
    on the last axis, any leading axes are batch axes."""
    return Linear()(x, W) if b is None else Linear()(x, W, b)


# -- einsum and the products built on it ------------------------------------------

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _parse_einsum(subscripts, shapes):
    """Subscripts with every '...' spelled out as letters and the output
    made explicit: (list of input subscripts, output subscript)."""
    spec = subscripts.replace(" ", "")
    inputs, arrow, output = spec.partition("->")
    ins = inputs.split(",")
    if len(ins) != len(shapes):
        raise ValueError(f"einsum: subscripts {subscripts!r} name {len(ins)} operands but {len(shapes)} "
                         "were given")
    for part in ins + [output]:
        bad = set(part.replace("...", "")) - set(_LETTERS)
        if bad or part.replace("...", "").count(".") or part.count("...") > 1:
            raise ValueError(f"einsum: subscripts {subscripts!r} are not valid; expected letters and at "
                             "most one '...' per operand")
    out_letters = output.replace("...", "")
    missing = sorted(set(out_letters) - set("".join(ins)))
    if missing:
        raise ValueError(f"einsum: output letter(s) {', '.join(map(repr, missing))} of {subscripts!r} appear in "
                         "no input; expected every output letter to name an input axis")
    repeated = sorted(c for c in set(out_letters) if out_letters.count(c) > 1)
    if repeated:
        raise ValueError(f"einsum: output letter(s) {', '.join(map(repr, repeated))} of {subscripts!r} appear "
                         "more than once; expected each output letter once")
    used = set(spec)
    spare = [c for c in _LETTERS if c not in used]
    spans = []
    for part, shape in zip(ins, shapes):
        named = len(part.replace("...", ""))
        if (len(shape) < named) if "..." in part else (len(shape) != named):
            raise ValueError(f"einsum: operand of shape {shape} has {len(shape)} dimensions but "
                             f"subscripts {part!r} name {named}")
        spans.append(len(shape) - named if "..." in part else 0)
    sizes = {}
    for k, (part, shape) in enumerate(zip(ins, shapes)):
        before, _, after = part.partition("...")
        for c, n in zip(before + after, shape[:len(before)] + shape[len(shape) - len(after):]):
            if sizes.get(c, (1,))[0] not in (1, n) and n != 1:
                raise ValueError(f"einsum: letter {c!r} has size {sizes[c][0]} in operand {sizes[c][1]} "
                                 f"but {n} in operand {k} (shape {shape}) of {subscripts!r}")
            if n != 1 or c not in sizes:
                sizes[c] = (n, k)
    broadcast = "".join(spare[:max(spans, default=0)])
    ins = [p.replace("...", broadcast[len(broadcast) - n:]) for p, n in zip(ins, spans)]
    if not arrow:
        counts = {c: "".join(ins).count(c) for c in set("".join(ins))}
        output = "..." + "".join(sorted(c for c in counts if counts[c] == 1 and c not in broadcast))
    if "..." not in output and broadcast and arrow and any(spans):
        raise ValueError(f"einsum: output {output!r} must keep the '...' axes of the inputs")
    return ins, output.replace("...", broadcast)


class Einsum(Function):
    """y = np.einsum("in_1,...,in_n->out", x_1, ..., x_n) (every '...'
    spelled out as letters).
    gx_k = einsum of gy with the other operands, giving x_k's letters:
    letters only x_k has are broadcast back, letters repeated in x_k (a
    diagonal) put the gradient on that diagonal, axes of length 1 that were
    broadcast are summed."""
    __slots__ = ("ins", "out")

    def __init__(self, ins, out):
        self.ins = ins
        self.out = out

    def forward(self, *xs):
        return np.einsum(",".join(self.ins) + "->" + self.out, *xs, optimize=len(xs) > 2)

    def backward(self, gy):
        xs = self.inputs
        sizes = {}
        for part, x in zip(self.ins + [self.out], list(xs) + [gy]):
            for c, n in zip(part, x.shape):
                sizes[c] = n if sizes.get(c, 1) == 1 else sizes[c]
        return tuple(self._grad(k, gy, sizes) if self.needs_grad(k) else None for k in range(len(xs)))

    def _grad(self, k, gy, sizes):
        x = self.inputs[k]
        part = self.ins[k]
        letters = "".join(dict.fromkeys(part))  # unique, in order
        others = [self.out] + [p for j, p in enumerate(self.ins) if j != k]
        seen = set("".join(others))
        present = "".join(c for c in letters if c in seen)
        g = Einsum(others, present)(gy, *[v for j, v in enumerate(self.inputs) if j != k])
        if present != letters:  # letters only x_k has: the gradient is constant along them
            g = reshape(g, tuple(g.shape[present.index(c)] if c in seen else 1 for c in letters))
        full = tuple(sizes[c] for c in letters)
        if g.shape != full:  # ... and along axes where the others broadcast a length 1
            g = broadcast_to(g, full)
        if len(letters) != len(part):  # a repeated letter: x_k's diagonal
            position = {c: i for i, c in enumerate(letters)}
            xp = backend.get_array_module(g.data)
            index = tuple(xp.arange(sizes[c]).reshape([-1 if i == position[c] else 1 for i in range(len(letters))])
                          for c in part)
            return GetItemGrad(index, x.shape)(g)
        broadcast = tuple(i for i, (c, n) in enumerate(zip(part, x.shape)) if n == 1 and sizes[c] != 1)
        return g.sum(axis=broadcast, keepdims=True) if broadcast else g

    def settings(self):
        return {"subscripts": ",".join(self.ins) + "->" + self.out}


@declare(Einsum, numpy=np.einsum)
def einsum(subscripts, *operands):
    """np.einsum(subscripts, *operands), differentiable: explicit ('ij,jk->ik')
    or implicit ('ij,jk') output, '...' for broadcast axes, repeated letters
    for diagonals ('ii->i')."""
    if not isinstance(subscripts, str):
        raise TypeError(f"einsum: subscripts must be a string such as 'ij,jk->ik', got {subscripts!r}")
    ins, out = _parse_einsum(subscripts, [_shape(x) for x in operands])
    return Einsum(ins, out)(*operands)


def _shape(x):
    return x.shape if hasattr(x, "shape") else np.shape(x)


@declare(numpy=np.outer)
def outer(a, b):
    """The outer product of a and b (flattened), as np.outer: shape (a.size, b.size)."""
    return reshape(a, (-1, 1)) * reshape(b, (1, -1))


@declare(Einsum, numpy=np.tensordot)
def tensordot(a, b, axes=2):
    """np.tensordot: the sum over the last `axes` axes of a and the first
    `axes` of b (an int), or over the axes listed in a pair (axes_a, axes_b)."""
    sa, sb = _shape(a), _shape(b)
    if isinstance(axes, (int, np.integer)):
        if not 0 <= axes <= min(len(sa), len(sb)):
            raise ValueError(f"tensordot: axes={axes} is out of range for shapes {sa} and {sb}")
        axes_a, axes_b = list(range(len(sa) - axes, len(sa))), list(range(axes))
    else:
        axes_a, axes_b = ([a_] if isinstance(a_, (int, np.integer)) else list(a_) for a_ in axes)
        if len(axes_a) != len(axes_b):
            raise ValueError(f"tensordot: axes {axes!r} pair {len(axes_a)} axes of a with {len(axes_b)} of b")
        axes_a = [normalize_axis("tensordot", i, len(sa)) for i in axes_a]
        axes_b = [normalize_axis("tensordot", i, len(sb)) for i in axes_b]
    for i, j in zip(axes_a, axes_b):
        if sa[i] != sb[j]:
            raise ValueError(f"tensordot: shapes {sa} and {sb} are not aligned: {sa[i]} (axis {i} of a) "
                             f"!= {sb[j]} (axis {j} of b)")
    letters = iter(_LETTERS)
    sub_a = [next(letters) for _ in sa]
    sub_b = [next(letters) for _ in sb]
    for i, j in zip(axes_a, axes_b):
        sub_b[j] = sub_a[i]
    out = [c for i, c in enumerate(sub_a) if i not in axes_a] + [c for j, c in enumerate(sub_b) if j not in axes_b]
    return Einsum(["".join(sub_a), "".join(sub_b)], "".join(out))(a, b)


@declare(Einsum, MatMul, numpy=np.dot)
def dot(a, b):
    """np.dot: a product for 0-d operands, matmul for 1-D and 2-D ones, and
    for N-D a sum over the last axis of a and the second-to-last of b."""
    sa, sb = _shape(a), _shape(b)
    if len(sa) == 0 or len(sb) == 0:
        return a * b
    kb = 0 if len(sb) == 1 else len(sb) - 2
    if sa[-1] != sb[kb]:
        raise ValueError(f"dot: shapes {sa} and {sb} are not aligned: {sa[-1]} (dim {len(sa) - 1} of a) "
                         f"!= {sb[kb]} (dim {kb} of b)")
    if len(sb) == 1 or len(sb) == 2 or len(sa) == 1:
        if len(sa) > 2 and len(sb) == 2:
            return tensordot(a, b, ([len(sa) - 1], [0]))
        return matmul(a, b)
    return tensordot(a, b, ([len(sa) - 1], [len(sb) - 2]))


@declare(Einsum, numpy=np.inner)
def inner(a, b):
    """np.inner: the sum over the last axes of a and b (a product for 0-d operands)."""
    sa, sb = _shape(a), _shape(b)
    if len(sa) == 0 or len(sb) == 0:
        return a * b
    if sa[-1] != sb[-1]:
        raise ValueError(f"inner: shapes {sa} and {sb} are not aligned: {sa[-1]} (last dim of a) "
                         f"!= {sb[-1]} (last dim of b)")
    return tensordot(a, b, ([len(sa) - 1], [len(sb) - 1]))


# -- matrix functions (batched over leading axes, as NumPy's) ---------------------

def _check_square(op, x):
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError(f"{op}: expected square matrices (shape (..., n, n)), got shape {x.shape}")


class Inv(Function):
    """Y = inv(X).   gX = -Y^T gY Y^T"""
    __slots__ = ()

    def forward(self, x):
        _check_square("inv", x)
        return np.linalg.inv(x)

    saves_for_backward = ("outputs",)

    def backward(self, gy):
        yt = swapaxes(self.output_variable(), -2, -1)
        return -matmul(matmul(yt, gy), yt)


class Det(Function):
    """y = det(X).   gX = gy * y * inv(X)^T"""
    __slots__ = ()

    def forward(self, x):
        _check_square("det", x)
        return backend.get_array_module(x).asarray(np.linalg.det(x))

    def backward(self, gy):
        (x,) = self.inputs
        scale = gy * self.output_variable()
        return reshape(scale, scale.shape + (1, 1)) * swapaxes(inv(x), -2, -1)


class LogAbsDet(Function):
    """y = log |det(X)|.   gX = gy * inv(X)^T"""
    __slots__ = ()

    def forward(self, x):
        _check_square("slogdet", x)
        return backend.get_array_module(x).asarray(np.linalg.slogdet(x)[1])

    def backward(self, gy):
        (x,) = self.inputs
        return reshape(gy, gy.shape + (1, 1)) * swapaxes(inv(x), -2, -1)


class Solve(Function):
    """X = solve(A, B), the X with A X = B (B of shape (..., n, k)).
    gB = solve(A^T, gX)      gA = -gB X^T"""
    __slots__ = ()

    def forward(self, a, b):
        _check_square("solve", a)
        if b.shape[-2] != a.shape[-1]:
            raise ValueError(f"solve: a of shape {a.shape} and b of shape {b.shape} do not fit; expected "
                             f"b.shape[-2] (or len(b) for a vector) == {a.shape[-1]}")
        return np.linalg.solve(a, b)

    def backward(self, gx):
        a = self.inputs[0]
        gb = solve(swapaxes(a, -2, -1), gx)
        ga = -matmul(gb, swapaxes(self.output_variable(), -2, -1)) if self.needs_grad(0) else None
        return ga, gb


class Cholesky(Function):
    """L = cholesky(A), lower triangular with L L^T = A (A symmetric
    positive definite).   With P = Phi(L^T gL) (the lower triangle, its
    diagonal halved) and S = L^-T P L^-1: gA = (S + S^T) / 2."""
    __slots__ = ()

    def forward(self, a):
        _check_square("cholesky", a)
        return np.linalg.cholesky(a)

    def backward(self, gl):
        L = self.output_variable()
        n = L.shape[-1]
        xp = backend.get_array_module(L.data)
        phi = xp.tril(xp.ones((n, n), dtype=L.dtype)) - 0.5 * xp.eye(n, dtype=L.dtype)
        P = matmul(swapaxes(L, -2, -1), gl) * phi
        Lt = swapaxes(L, -2, -1)
        S = swapaxes(solve(Lt, swapaxes(solve(Lt, P), -2, -1)), -2, -1)
        return (S + swapaxes(S, -2, -1)) * 0.5


@declare(Inv, numpy=np.linalg.inv)
def inv(x):
    """The inverse of each square matrix on the last two axes, as np.linalg.inv."""
    return Inv()(x)


@declare(Det, numpy=np.linalg.det)
def det(x):
    """The determinant of each square matrix on the last two axes, as np.linalg.det."""
    return Det()(x)


@declare(LogAbsDet, numpy=np.linalg.slogdet)
def slogdet(x):
    """(sign, logabsdet) of each square matrix on the last two axes, as
    np.linalg.slogdet: det = sign * exp(logabsdet). sign is a constant
    Variable (not differentiable); logabsdet is differentiable."""
    data = as_array(x)
    _check_square("slogdet", data)
    return Variable(np.linalg.slogdet(data)[0], requires_grad=False), LogAbsDet()(x)


@declare(Solve, numpy=np.linalg.solve)
def solve(a, b):
    """The solution X of a @ X = b, as np.linalg.solve: a (..., n, n); b
    (..., n, k), or (n,) for one vector (then X is (..., n))."""
    if len(_shape(b)) == 1:
        n = _shape(b)[0]
        return reshape(Solve()(a, reshape(b, (n, 1))), tuple(_shape(a)[:-2]) + (n,))
    return Solve()(a, b)


@declare(Cholesky, numpy=np.linalg.cholesky)
def cholesky(x):
    """The lower-triangular Cholesky factor L (L @ L^T = x) of each
    symmetric positive-definite matrix on the last two axes, as
    np.linalg.cholesky. The gradient is symmetrised, as PyTorch's."""
    return Cholesky()(x)
