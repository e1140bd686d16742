"""The table of converters: minigrad Function class -> a function that
writes it as ONNX nodes. Each op family registers its converters with
`@converts(...)` in its own module (elementwise.py, shape.py, ...)."""

CONVERTERS = {}


def converts(*function_types):
    """Register the decorated converter for these Function classes (exact
    classes: a subclass with its own forward needs its own converter)."""
    def register(convert):
        for function_type in function_types:
            CONVERTERS[function_type] = convert
        return convert
    return register


def op_name(function_type):
    """The op's name as minigrad writes it in messages (`MatMul` -> `matmul`)."""
    return object.__new__(function_type).name


def supported_ops():
    """The names of the minigrad ops that export to ONNX, sorted."""
    return sorted({op_name(t) for t in CONVERTERS})
