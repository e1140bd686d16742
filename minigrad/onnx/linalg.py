"""Converters for matrix products and reductions."""
import math

from ..functions import cumulative as U, linalg as L, normalization as N, reduction as R
from .registry import converts
from .trace import ExportError

REDUCTIONS = {R.Sum: "ReduceSum", R.Mean: "ReduceMean", R.Max: "ReduceMax", R.Min: "ReduceMin",
              R.LogSumExp: "ReduceLogSumExp", R.Prod: "ReduceProd"}


@converts(L.MatMul)
def matmul(g, node):
    dtype = node.out.dtype
    return g.emit("MatMul", [g.x(node, 0, dtype), g.x(node, 1, dtype)])


@converts(L.Linear)
def linear(g, node):
    """x @ W.T + b: Gemm for a 2-D x, else MatMul with W transposed."""
    dtype = node.out.dtype
    x, W = g.x(node, 0, dtype), g.x(node, 1, dtype)
    b = g.x(node, 2, dtype) if len(node.inputs) == 3 else None
    if len(node.inputs[0].shape) == 2:
        return g.emit("Gemm", [x, W] + ([b] if b else []), transB=1)
    y = g.emit("MatMul", [x, g.emit("Transpose", [W], perm=[1, 0])])
    return g.emit("Add", [y, b]) if b else y


@converts(*REDUCTIONS)
def reduction(g, node):
    return g.reduce(REDUCTIONS[type(node.fn)], g.x(node, 0), list(node.fn.axes), node.fn.keepdims)


@converts(R.Var)
def var(g, node):
    """sum((x - mean(x))**2) / (n - ddof) over the axes: the mean of the
    squares, times n / (n - ddof) when ddof is not 0"""
    x, axes, ddof = g.x(node, 0), list(node.fn.axes), getattr(node.fn, "ddof", 0)
    centered = g.emit("Sub", [x, g.reduce("ReduceMean", x, axes, True)])
    y = g.reduce("ReduceMean", g.emit("Mul", [centered, centered]), axes, node.fn.keepdims)
    if not ddof:
        return y
    if any(a in node.inputs[0].dynamic for a in axes):
        raise ExportError(f"onnx.export: 'var' with ddof={ddof} over the batch axis: its divisor n - ddof would be "
                          "frozen at the traced batch size; export with dynamic_batch=False")
    n = math.prod(node.inputs[0].shape[a] for a in axes)
    return g.emit("Mul", [y, g.constant(n / (n - ddof), node.out.dtype)])


@converts(R.Std)
def std(g, node):
    """the square root of var (above)"""
    return g.emit("Sqrt", [var(g, node)])


@converts(N.Standardize)
def standardize(g, node):
    """(x - mean) / sqrt(var + eps) over the axes (biased variance), in the
    order minigrad computes it"""
    x, axes, dtype = g.x(node, 0), list(node.fn.axes), node.out.dtype
    centered = g.emit("Sub", [x, g.reduce("ReduceMean", x, axes, True)])
    var = g.reduce("ReduceMean", g.emit("Mul", [centered, centered]), axes, True)
    rstd = g.emit("Reciprocal", [g.emit("Sqrt", [g.emit("Add", [var, g.constant(node.fn.eps, dtype)])])])
    return g.emit("Mul", [centered, rstd])


@converts(R.PNorm)
def p_norm(g, node):
    """(sum |x|**p)**(1/p) over the axes: ReduceL2 and ReduceL1 for p = 2 and 1"""
    fn, x, axes = node.fn, g.x(node, 0), list(node.fn.axes)
    if fn.p in (1, 2):
        return g.reduce(f"ReduceL{int(fn.p)}", x, axes, fn.keepdims)
    p = g.constant(fn.p, node.out.dtype)
    total = g.reduce("ReduceSum", g.emit("Pow", [g.emit("Abs", [x]), p]), axes, fn.keepdims)
    return g.emit("Pow", [total, g.emit("Reciprocal", [p])])


@converts(U.Cumsum)
def cumsum(g, node):
    return g.emit("CumSum", [g.x(node, 0), g.ints([node.fn.axis])], reverse=int(node.fn.reverse))


@converts(L.Einsum)
def einsum(g, node):
    dtype = node.out.dtype
    return g.emit("Einsum", [g.x(node, i, dtype) for i in range(len(node.inputs))],
                  equation=",".join(node.fn.ins) + "->" + node.fn.out)


@converts(L.Det)
def det(g, node):
    return g.emit("Det", [g.x(node, 0)])
