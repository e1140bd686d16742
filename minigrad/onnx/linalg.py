"""Converters for matrix products and reductions."""
from ..functions import linalg as L, normalization as N, reduction as R
from .registry import converts

REDUCTIONS = {R.Sum: "ReduceSum", R.Mean: "ReduceMean", R.Max: "ReduceMax", R.Min: "ReduceMin",
              R.LogSumExp: "ReduceLogSumExp"}


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
    """mean((x - mean(x))**2) over the axes"""
    x, axes = g.x(node, 0), list(node.fn.axes)
    centered = g.emit("Sub", [x, g.reduce("ReduceMean", x, axes, True)])
    return g.reduce("ReduceMean", g.emit("Mul", [centered, centered]), axes, node.fn.keepdims)


@converts(N.Standardize)
def standardize(g, node):
    """(x - mean) / sqrt(var + eps) over the axes (biased variance), in the
    order minigrad computes it"""
    x, axes, dtype = g.x(node, 0), list(node.fn.axes), node.out.dtype
    centered = g.emit("Sub", [x, g.reduce("ReduceMean", x, axes, True)])
    var = g.reduce("ReduceMean", g.emit("Mul", [centered, centered]), axes, True)
    rstd = g.emit("Reciprocal", [g.emit("Sqrt", [g.emit("Add", [var, g.constant(node.fn.eps, dtype)])])])
    return g.emit("Mul", [centered, rstd])
