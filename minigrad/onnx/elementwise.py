"""Converters for elementwise ops: arithmetic, math, activations. Most are
one ONNX node, listed in tables; the rest are a few nodes each."""
import math

from ..functions import activation as A, arithmetic as R, elementwise as E, math as M
from .registry import converts
from .shape import baked_array

# minigrad op -> the ONNX op that computes the same thing elementwise.
UNARY = {
    M.Exp: "Exp", M.Log: "Log", M.Sqrt: "Sqrt", M.Sin: "Sin", M.Cos: "Cos", M.Tan: "Tan", M.Tanh: "Tanh",
    M.Abs: "Abs", R.Neg: "Neg", A.Sigmoid: "Sigmoid", A.ReLU: "Relu",
    A.Hardswish: "HardSwish", E.Asin: "Asin", E.Acos: "Acos", E.Atan: "Atan", E.Sinh: "Sinh", E.Cosh: "Cosh",
    E.Asinh: "Asinh", E.Acosh: "Acosh", E.Atanh: "Atanh", E.Erf: "Erf", E.Sign: "Sign", E.Floor: "Floor",
    E.Ceil: "Ceil",
}
BINARY = {R.Add: "Add", R.Sub: "Sub", R.Mul: "Mul", R.Div: "Div", R.Pow: "Pow", M.Maximum: "Max", M.Minimum: "Min"}
# op with a Python number c -> (ONNX op, whether c is the first operand)
WITH_CONSTANT = {
    R.AddConstant: ("Add", False), R.RSubConstant: ("Sub", True), R.MulConstant: ("Mul", False),
    R.DivConstant: ("Div", False), R.RDivConstant: ("Div", True), R.PowConstant: ("Pow", False),
    R.RPowConstant: ("Pow", True),
}
# op -> (ONNX op, {ONNX attribute: the op's slot holding it})
WITH_ATTRIBUTES = {A.LeakyReLU: ("LeakyRelu", {"alpha": "slope"}), A.ELU: ("Elu", {"alpha": "alpha"})}


# op -> how to write it with a few ONNX nodes: f(g, x, c), c(value) a constant in x's dtype
COMPOSED = {
    E.Log2: lambda g, x, c: g.emit("Mul", [g.emit("Log", [x]), c(1 / math.log(2))]),
    E.Log10: lambda g, x, c: g.emit("Mul", [g.emit("Log", [x]), c(1 / math.log(10))]),
    E.Log1p: lambda g, x, c: g.emit("Log", [g.emit("Add", [x, c(1)])]),
    E.Expm1: lambda g, x, c: g.emit("Sub", [g.emit("Exp", [x]), c(1)]),
    E.Exp2: lambda g, x, c: g.emit("Pow", [c(2), x]),
    E.Erfc: lambda g, x, c: g.emit("Sub", [c(1), g.emit("Erf", [x])]),
    E.Rsqrt: lambda g, x, c: g.emit("Reciprocal", [g.emit("Sqrt", [x])]),
    E.Cbrt: lambda g, x, c: g.emit("Mul", [g.emit("Sign", [x]), g.emit("Pow", [g.emit("Abs", [x]), c(1 / 3)])]),
    E.Trunc: lambda g, x, c: g.emit("Mul", [g.emit("Sign", [x]), g.emit("Floor", [g.emit("Abs", [x])])]),
}


@converts(*COMPOSED)
def composed(g, node):
    """log1p and expm1 lose their extra accuracy near 0 (ONNX has no such ops)."""
    dtype = node.out.dtype
    return COMPOSED[type(node.fn)](g, g.x(node, 0), lambda value: g.constant(value, dtype))


@converts(A.Softplus)
def softplus(g, node):
    """Softplus(beta x) / beta, and x where beta x > threshold (PyTorch's)"""
    dtype, fn = node.out.dtype, node.fn
    x = g.x(node, 0)
    bx = g.emit("Mul", [x, g.constant(fn.beta, dtype)])
    y = g.emit("Div", [g.emit("Softplus", [bx]), g.constant(fn.beta, dtype)])
    return g.emit("Where", [g.emit("Greater", [bx, g.constant(fn.threshold, dtype)]), x, y])


def _remainder(g, a, b, c):
    """fmod, then + b where the result is nonzero and its sign differs from b's (Python's %)"""
    r = g.emit("Mod", [a, b], fmod=1)
    wrong_sign = g.emit("And", [g.emit("Not", [g.emit("Equal", [r, c(0)])]),
                                g.emit("Less", [g.emit("Mul", [r, b]), c(0)])])
    return g.emit("Where", [wrong_sign, g.emit("Add", [r, b]), r])


def _logaddexp(g, a, b, c):
    """m + log(exp(a - m) + exp(b - m)), m = max(a, b)"""
    m = g.emit("Max", [a, b])
    total = g.emit("Add", [g.emit("Exp", [g.emit("Sub", [a, m])]), g.emit("Exp", [g.emit("Sub", [b, m])])])
    return g.emit("Add", [m, g.emit("Log", [total])])


# two-input op -> how to write it with a few ONNX nodes: f(g, a, b, c)
BINARY_COMPOSED = {
    E.Fmod: lambda g, a, b, c: g.emit("Mod", [a, b], fmod=1),
    E.Remainder: _remainder,
    E.Hypot: lambda g, a, b, c: g.emit("Sqrt", [g.emit("Add", [g.emit("Mul", [a, a]), g.emit("Mul", [b, b])])]),
    E.LogAddExp: _logaddexp,
}


@converts(*BINARY_COMPOSED)
def binary_composed(g, node):
    dtype = node.out.dtype
    return BINARY_COMPOSED[type(node.fn)](g, g.x(node, 0, dtype), g.x(node, 1, dtype),
                                          lambda value: g.constant(value, dtype))


@converts(E.Round)
def round_(g, node):
    """Round half to even, as NumPy; decimals d: round(x * 10**d) / 10**d."""
    x, d = g.x(node, 0), node.fn.decimals
    if d == 0:
        return g.emit("Round", [x])
    scale = g.constant(10.0 ** d, node.out.dtype)
    return g.emit("Div", [g.emit("Round", [g.emit("Mul", [x, scale])]), scale])


@converts(*UNARY)
def unary(g, node):
    return g.emit(UNARY[type(node.fn)], [g.x(node, 0)])


@converts(*BINARY)
def binary(g, node):
    dtype = node.out.dtype  # ONNX wants both operands in the result's type
    return g.emit(BINARY[type(node.fn)], [g.x(node, 0, dtype), g.x(node, 1, dtype)])


@converts(*WITH_CONSTANT)
def with_constant(g, node):
    op_type, constant_first = WITH_CONSTANT[type(node.fn)]
    x, c = g.x(node, 0, node.out.dtype), g.constant(node.fn.c, node.out.dtype)
    return g.emit(op_type, [c, x] if constant_first else [x, c])


@converts(*WITH_ATTRIBUTES)
def with_attributes(g, node):
    op_type, slots = WITH_ATTRIBUTES[type(node.fn)]
    return g.emit(op_type, [g.x(node, 0)], **{a: float(getattr(node.fn, s)) for a, s in slots.items()})


@converts(A.Softmax, A.LogSoftmax)
def softmax(g, node):
    return g.emit(type(node.fn).__name__, [g.x(node, 0)], axis=node.fn.axis)


@converts(M.Clip, A.Hardtanh)
def clip(g, node):
    dtype = node.out.dtype
    bounds = ["" if b is None else g.constant(b, dtype) for b in (node.fn.lo, node.fn.hi)]
    return g.emit("Clip", [g.x(node, 0)] + bounds)


@converts(A.Hardsigmoid)
def hardsigmoid(g, node):
    return g.emit("HardSigmoid", [g.x(node, 0)], alpha=1 / 6, beta=0.5)


@converts(A.NormalCdf)
def normal_cdf(g, node):
    """Phi(x) = (1 + erf(x / sqrt(2))) / 2"""
    dtype = node.out.dtype
    erf = g.emit("Erf", [g.emit("Mul", [g.x(node, 0), g.constant(1 / math.sqrt(2), dtype)])])
    return g.emit("Mul", [g.emit("Add", [erf, g.constant(1, dtype)]), g.constant(0.5, dtype)])


@converts(A.GELUTanh)
def gelu_tanh(g, node):
    """x/2 (1 + tanh(c (x + k x**3)))"""
    dtype, x = node.out.dtype, g.x(node, 0)
    cube = g.emit("Mul", [g.emit("Mul", [x, x]), x])
    inner = g.emit("Add", [x, g.emit("Mul", [cube, g.constant(A._GELU_K, dtype)])])
    t = g.emit("Tanh", [g.emit("Mul", [inner, g.constant(A._GELU_C, dtype)])])
    return g.emit("Mul", [g.emit("Mul", [x, g.constant(0.5, dtype)]), g.emit("Add", [t, g.constant(1, dtype)])])


@converts(M.Where)
def where(g, node):
    cond, dtype = baked_array(node, "cond"), node.out.dtype
    return g.emit("Where", [g.constant(cond, bool), g.x(node, 0, dtype), g.x(node, 1, dtype)])
