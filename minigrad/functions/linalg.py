"""Matrix products."""
import math

import numpy as np

from ..device import backend
from ..core import Config, Function, Variable, as_array
from ..core.variable import constant
from ..core.ops import declare
from ._axes import normalize_axis
from .math import where
from .reorder import moveaxis, swapaxes
from .shape import GetItemGrad, broadcast_to, concat, expand_dims, reshape, sum_to, transpose


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


@declare(MatMul, numpy=np.matmul, math=(r"y = a\,b",
                r"\bar a = \bar y\,b^\top,\quad \bar b = a^\top\,\bar y\quad(\bar v = \partial L / \partial v)"))
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


@declare(Linear, functional=True, math=(r"y = x\,W^\top + b",
                r"\bar x = \bar y\,W,\quad \bar W = \bar y^\top x,\quad \bar b = \textstyle\sum_n \bar y_n"))
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
        own = dict(zip(part, x.shape))  # x_k's own lengths: 1 where it was broadcast
        broadcast = tuple(i for i, c in enumerate(letters) if own[c] == 1 and sizes[c] != 1)
        if broadcast:  # summed back to length 1
            g = g.sum(axis=broadcast, keepdims=True)
        if len(letters) != len(part):  # a repeated letter: x_k's diagonal
            position = {c: i for i, c in enumerate(letters)}
            xp = backend.get_array_module(g.data)
            index = tuple(xp.arange(own[c]).reshape([-1 if i == position[c] else 1 for i in range(len(letters))])
                          for c in part)
            return GetItemGrad(index, x.shape)(g)
        return g

    def settings(self):
        return {"subscripts": ",".join(self.ins) + "->" + self.out}


def _sublists_to_subscripts(args):
    """NumPy's sublist form einsum(a, [0, 1], b, [1, 2], [0, 2]) as
    (subscripts 'ab,bc->ac', operands): axis numbers become letters,
    Ellipsis becomes '...'; a trailing odd list is the output."""
    output = args[-1] if len(args) % 2 else None
    pairs = args[:-1] if len(args) % 2 else args
    operands, sublists = list(pairs[0::2]), list(pairs[1::2])

    def letters(sublist):
        if not isinstance(sublist, (list, tuple)):
            raise TypeError(f"einsum: expected subscripts as a string ('ij,jk->ik') or sublists of axis numbers "
                            f"(einsum(a, [0, 1], b, [1, 2], [0, 2])), got {type(sublist).__name__} where a sublist "
                            "should be")
        out = ""
        for v in sublist:
            if v is Ellipsis:
                out += "..."
            elif isinstance(v, (int, np.integer)) and not isinstance(v, bool) and 0 <= v < len(_LETTERS):
                out += _LETTERS[v]
            else:
                raise ValueError(f"einsum: sublist entry {v!r} in {list(sublist)} is not valid; expected ints "
                                 f"0..{len(_LETTERS) - 1} or Ellipsis")
        return out

    subscripts = ",".join(letters(s) for s in sublists)
    if output is not None:
        subscripts += "->" + letters(output)
    return subscripts, operands


@declare(Einsum, numpy=np.einsum)
def einsum(subscripts, *operands):
    """np.einsum(subscripts, *operands), differentiable: explicit ('ij,jk->ik')
    or implicit ('ij,jk') output, '...' for broadcast axes, repeated letters
    for diagonals ('ii->i'); also NumPy's sublist form, axis numbers in
    lists after each operand: einsum(a, [0, 1], b, [1, 2], [0, 2])."""
    if not isinstance(subscripts, str):
        subscripts, operands = _sublists_to_subscripts((subscripts,) + operands)
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


# -- decompositions (batched over leading axes, as NumPy's) -----------------------
#
# Their backward passes are written with the decomposition's own outputs as
# Variables, so they differentiate again. An output the caller did not keep
# (S alone, for a norm) is the array forward kept, as a constant, when the
# backward builds no graph; when it does (create_graph=True), it is
# recomputed as a new node of the graph, never read as a constant.

def _outputs_of(fn):
    """The output Variables of a decomposition Function (see above); its
    forward keeps its arrays in `fn.results`."""
    outputs = tuple(ref() for ref in fn.outputs)
    if all(y is not None for y in outputs):
        return outputs
    if not Config.enable_backprop:
        return tuple(constant(a) if y is None else y for y, a in zip(outputs, fn.results))
    return tuple(fn(*fn.inputs))


def _check_matrices(op, x):
    if x.ndim < 2:
        raise ValueError(f"{op}: expected matrices (shape (..., m, n)), got shape {x.shape}")


def _inverse_gaps(op, values, what):
    """F[..., i, j] = 1 / (values_j - values_i) off the diagonal, 0 on it,
    built with ops; a clear error where two values are equal (the
    gradient through the vectors is not defined there; PyTorch gives NaN)."""
    gaps = expand_dims(values, -2) - expand_dims(values, -1)
    off = ~backend.get_array_module(values.data).eye(values.shape[-1], dtype=bool)
    if (gaps.data[..., off] == 0).any():
        raise ValueError(
            f"{op}: the gradient through the {what[0]} is not defined where {what[1]} repeat (PyTorch gives NaN); "
            f"here {what[1]} are {np.round(values.data, 6).tolist()}. Differentiate a function of the "
            f"{what[1]} alone, or make them distinct")
    return where(off, 1 / where(off, gaps, 1.0), 0.0)


def _skew(x):
    return x - swapaxes(x, -2, -1)


class SVD(Function):
    """A = U diag(S) Vh, S descending, as np.linalg.svd (reduced: k = min(m, n)
    columns of U and rows of Vh; `full` adds the rest of the two bases).
    With V = Vh^T, gV = gVh^T, F_ij = 1 / (s_j**2 - s_i**2) (0 for i = j),
    J = F * (U^T gU - gU^T U) and K = F * (V^T gV - gV^T V):

        gA = U (J S + diag(gS) + S K) Vh
             + (I - U U^T) gU S^-1 Vh + U S^-1 gV^T (I - V V^T)

    Through U and Vh it needs distinct singular values (and nonzero ones when
    m != n); the extra columns of the full bases get no gradient (as PyTorch's)."""
    __slots__ = ("full", "hermitian", "results")

    def __init__(self, full=False, hermitian=False):
        self.full = full
        self.hermitian = hermitian

    def forward(self, a):
        _check_matrices("svd", a)
        self.results = tuple(np.linalg.svd(a, full_matrices=self.full, hermitian=self.hermitian))
        return self.results

    def backward(self, gu, gs, gvh):
        U, S, Vh = _outputs_of(self)
        m, n = U.shape[-2], Vh.shape[-1]
        k = S.shape[-1]
        if self.full:   # only the first k columns of U, rows of Vh are the decomposition's
            U, Vh = U[..., :, :k], Vh[..., :k, :]
            gu = None if gu is None else gu[..., :, :k]
            gvh = None if gvh is None else gvh[..., :k, :]
        xp = backend.get_array_module(S.data)
        middle = 0.0 if gs is None else expand_dims(gs, -1) * xp.eye(k, dtype=gs.dtype)
        extra = 0.0
        if gu is not None or gvh is not None:
            F = _inverse_gaps("svd", S * S, ("singular vectors U and Vh", "singular values"))
            zero = (m != n) and (S.data == 0).any()
            if zero and ((gu is not None and m > n) or (gvh is not None and n > m)):
                raise ValueError(f"svd: the gradient through U and Vh of a matrix of shape {U.shape[:-2] + (m, n)} "
                                 "is not defined where a singular value is 0 (PyTorch gives NaN); differentiate "
                                 "a function of S alone")
            if gu is not None:
                middle = middle + (F * _skew(matmul(swapaxes(U, -2, -1), gu))) * expand_dims(S, -2)
                if m > n:   # the part of gU outside U's columns
                    outside = gu - matmul(U, matmul(swapaxes(U, -2, -1), gu))
                    extra = extra + matmul(outside / expand_dims(S, -2), Vh)
            if gvh is not None:
                gv = swapaxes(gvh, -2, -1)
                middle = middle + expand_dims(S, -1) * (F * _skew(matmul(Vh, gv)))
                if n > m:   # the part of gV outside V's columns
                    outside = gvh - matmul(matmul(gvh, swapaxes(Vh, -2, -1)), Vh)
                    extra = extra + matmul(U / expand_dims(S, -2), outside)
        return matmul(U, matmul(middle, Vh)) + extra

    def settings(self):
        return {"full_matrices": self.full, "hermitian": self.hermitian}


class Eigh(Function):
    """A = V diag(w) V^T for symmetric A, eigenvalues w ascending, as
    np.linalg.eigh (which reads one triangle of A, `UPLO`). With
    F_ij = 1 / (w_j - w_i) (0 for i = j) and X = V^T gV:

        gA = V (diag(gw) + F * (X - X^T) / 2) V^T      (symmetric, as PyTorch's)

    Through V it needs distinct eigenvalues."""
    __slots__ = ("uplo", "results")

    def __init__(self, uplo="L"):
        self.uplo = uplo

    def forward(self, a):
        _check_square("eigh", a)
        self.results = tuple(np.linalg.eigh(a, UPLO=self.uplo))
        return self.results

    def backward(self, gw, gv):
        w, V = _outputs_of(self)
        n = w.shape[-1]
        xp = backend.get_array_module(w.data)
        middle = 0.0 if gw is None else expand_dims(gw, -1) * xp.eye(n, dtype=gw.dtype)
        if gv is not None:
            F = _inverse_gaps("eigh", w, ("eigenvectors", "eigenvalues"))
            middle = middle + F * _skew(matmul(swapaxes(V, -2, -1), gv)) * 0.5
        return matmul(V, matmul(middle, swapaxes(V, -2, -1)))

    def settings(self):
        return {"UPLO": self.uplo}


def _copy_lower_to_upper(m):
    """The symmetric matrix with m's lower triangle (diagonal included)."""
    n = m.shape[-1]
    xp = backend.get_array_module(m.data)
    below = m * xp.tril(xp.ones((n, n), dtype=m.dtype), -1)
    return below + swapaxes(below, -2, -1) + m * xp.eye(n, dtype=m.dtype)


def _qr_square_backward(Q, R, gq, gr):
    """gA for A = QR with R square (m >= n): with M = R gR^T - gQ^T Q,
    gA = (gQ + Q copyltu(M)) R^-T (copyltu: M's lower triangle mirrored)."""
    M = matmul(R, swapaxes(gr, -2, -1)) - matmul(swapaxes(gq, -2, -1), Q)
    B = gq + matmul(Q, _copy_lower_to_upper(M))
    return swapaxes(solve(R, swapaxes(B, -2, -1)), -2, -1)


class QR(Function):
    """A = Q R, Q with orthonormal columns, R upper triangular, as
    np.linalg.qr(mode="reduced") (k = min(m, n)). For m >= n, with
    M = R gR^T - gQ^T Q:   gA = (gQ + Q copyltu(M)) R^-T   (copyltu mirrors
    M's lower triangle). For m < n, A = [X Y] with X = Q R_1 square:
    gY = Q gR_2 and gX is the square case with gQ + Y gR_2^T (PyTorch's)."""
    __slots__ = ("complete", "results")

    def __init__(self, complete=False):
        self.complete = complete

    def forward(self, a):
        _check_matrices("qr", a)
        self.results = tuple(np.linalg.qr(a, mode="complete" if self.complete else "reduced"))
        return self.results

    def backward(self, gq, gr):
        Q, R = _outputs_of(self)
        m, n = self.inputs[0].shape[-2:]
        if self.complete and m > n:
            raise ValueError(f"qr: mode='complete' of a matrix of shape {self.inputs[0].shape} (more rows than "
                             "columns) is not differentiable: Q's extra columns are any basis; use mode='reduced'")
        gq = Q * 0.0 if gq is None else gq
        gr = R * 0.0 if gr is None else gr
        if m >= n:
            return _qr_square_backward(Q, R, gq, gr)
        Y = self.inputs[0][..., :, m:]
        gr_y = gr[..., :, m:]
        gx = _qr_square_backward(Q, R[..., :, :m], gq + matmul(Y, swapaxes(gr_y, -2, -1)), gr[..., :, :m])
        return concat([gx, matmul(Q, gr_y)], -1)

    def settings(self):
        return {"mode": "complete" if self.complete else "reduced"}


class Pinv(Function):
    """P = pinv(A), the Moore-Penrose pseudo-inverse (m x n -> n x m), as
    np.linalg.pinv (singular values below the cut-off count as 0). At
    constant rank (as PyTorch's):
        gA = -P^T gP P^T + (I - A P) gP^T P P^T + P^T P gP^T (I - P A)"""
    __slots__ = ("options",)

    def __init__(self, options):
        self.options = options

    def forward(self, a):
        _check_matrices("pinv", a)
        return np.linalg.pinv(a, **self.options)

    def backward(self, gp):
        (A,) = self.inputs
        P = self.output_variable()
        Pt, gPt = swapaxes(P, -2, -1), swapaxes(gp, -2, -1)
        ga = -matmul(Pt, matmul(gp, Pt))
        T = matmul(gPt, matmul(P, Pt))
        ga = ga + T - matmul(A, matmul(P, T))
        W = matmul(matmul(Pt, P), gPt)
        return ga + W - matmul(matmul(W, P), A)

    def settings(self):
        return dict(self.options)


@declare(SVD, numpy=np.linalg.svd)
def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """The singular value decomposition a = U @ (S[..., None] * Vh), as
    np.linalg.svd: (U, S, Vh), or S alone when compute_uv is False. The
    gradient is PyTorch's: through U and Vh it needs distinct singular values
    (a clear error otherwise), and the extra columns of full_matrices get none."""
    if not compute_uv:
        return SVD(False, hermitian)(a)[1]
    return tuple(SVD(bool(full_matrices), hermitian)(a))


@declare(Eigh, numpy=np.linalg.eigh)
def eigh(a, UPLO="L"):
    """Eigenvalues (ascending) and eigenvectors (columns) of symmetric
    matrices, as np.linalg.eigh, which reads the lower (UPLO "L") or upper
    triangle. The gradient is PyTorch's, for a symmetric a; through the
    eigenvectors it needs distinct eigenvalues (a clear error otherwise)."""
    if UPLO not in ("L", "U"):
        raise ValueError(f"eigh: UPLO={UPLO!r}; expected 'L' or 'U'")
    return tuple(Eigh(UPLO)(a))


@declare(QR, numpy=np.linalg.qr)
def qr(a, mode="reduced"):
    """The QR decomposition a = Q @ R, as np.linalg.qr: mode "reduced" (Q
    (..., m, k), R (..., k, n), k = min(m, n)) or "complete" gives (Q, R);
    mode "r" gives R alone. The gradient is PyTorch's."""
    if mode not in ("reduced", "complete", "r"):
        raise ValueError(f"qr: mode={mode!r} is not supported; expected 'reduced', 'complete' or 'r'")
    if mode == "r":
        return QR()(a)[1]
    return tuple(QR(mode == "complete")(a))


@declare(Pinv, numpy=np.linalg.pinv)
def pinv(a, rcond=None, hermitian=False, *, rtol=None):
    """The Moore-Penrose pseudo-inverse of each matrix on the last two axes,
    as np.linalg.pinv (singular values below rcond (or rtol) times the
    largest count as 0). Differentiable where the rank does not change."""
    options = {"hermitian": hermitian}
    if rcond is not None:
        options["rcond"] = rcond
    if rtol is not None:
        options["rtol"] = rtol
    return Pinv(options)(a)


@declare(MatMul, Inv, numpy=np.linalg.matrix_power)
def matrix_power(a, n):
    """a raised to the integer power n by repeated matrix products, as
    np.linalg.matrix_power: n = 0 gives the identity (no gradient), n < 0
    the power of inv(a)."""
    shape = _shape(a)
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise ValueError(f"matrix_power: expected square matrices (shape (..., n, n)), got shape {tuple(shape)}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"matrix_power: the exponent n={n!r} must be an int")
    if n == 0:
        data = as_array(a)
        xp = backend.get_array_module(data)
        return Variable(xp.broadcast_to(xp.eye(shape[-1], dtype=data.dtype), shape).copy(), requires_grad=False)
    if n < 0:
        a, n = inv(a), -int(n)
    result, square = None, a
    while True:   # binary powers: a**13 = a**8 a**4 a
        if n & 1:
            result = square if result is None else matmul(result, square)
        n >>= 1
        if not n:
            return result
        square = matmul(square, square)


@declare(Einsum, numpy=np.kron)
def kron(a, b):
    """The Kronecker product, as np.kron: blocks a[i, j] * b, so the result
    has shape a.shape * b.shape (the shorter shape padded with leading 1s).
    An einsum giving a's and b's axes interleaved (a_0 b_0 a_1 b_1 ...),
    reshaped; its gradients are einsums too."""
    sa, sb = tuple(_shape(a)), tuple(_shape(b))
    ndim = max(len(sa), len(sb))
    letters_a, letters_b = _LETTERS[:ndim], _LETTERS[ndim:2 * ndim]
    a = reshape(a, (1,) * (ndim - len(sa)) + sa)
    b = reshape(b, (1,) * (ndim - len(sb)) + sb)
    spread = Einsum([letters_a, letters_b], "".join(p + q for p, q in zip(letters_a, letters_b)))(a, b)
    return reshape(spread, tuple(p * q for p, q in zip(a.shape, b.shape)))


class Cross(Function):
    """c = a x b, the cross product of 3-vectors along the last axis (a and
    b broadcast over the others): c = (a1 b2 - a2 b1, a2 b0 - a0 b2, a0 b1 - a1 b0).
    ga = b x gc,   gb = gc x a"""
    __slots__ = ()

    def forward(self, a, b):
        return np.cross(a, b)

    saves_for_backward = ("each other",)

    def backward(self, gc):
        a, b = self.inputs
        return (Cross()(b, gc) if self.needs_grad(0) else None,
                Cross()(gc, a) if self.needs_grad(1) else None)


@declare(Cross, numpy=np.cross)
def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """The cross product of 3-vectors along the given axes (a and b broadcast
    over the others), as np.cross. `axis` sets all three axes."""
    if axis is not None:
        axisa = axisb = axisc = axis
    sa, sb = tuple(_shape(a)), tuple(_shape(b))
    if not sa or not sb:
        raise ValueError(f"cross: shapes {sa} and {sb}: expected arrays of 3-vectors, not 0-d")
    axisa, axisb = normalize_axis("cross", axisa, len(sa)), normalize_axis("cross", axisb, len(sb))
    a = a if axisa == len(sa) - 1 else moveaxis(a, axisa, -1)
    b = b if axisb == len(sb) - 1 else moveaxis(b, axisb, -1)
    a_shape, b_shape = sa[:axisa] + sa[axisa + 1:] + (sa[axisa],), sb[:axisb] + sb[axisb + 1:] + (sb[axisb],)
    if a_shape[-1] != 3 or b_shape[-1] != 3:
        raise ValueError(f"cross: shapes {sa} and {sb} have {a_shape[-1]} and {b_shape[-1]} elements along the "
                         "vector axes; expected 3 (for 2-vectors write a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0])")
    try:
        batch = np.broadcast_shapes(a_shape[:-1], b_shape[:-1])
    except ValueError:
        raise ValueError(f"cross: shapes {sa} and {sb} do not broadcast outside the vector axes") from None
    c = Cross()(a, b)
    axisc = normalize_axis("cross", axisc, len(batch) + 1)
    return c if axisc == len(batch) else moveaxis(c, -1, axisc)
