"""ONNX export: `minigrad.onnx.export(model, example_input, path)` traces one
forward pass and writes it with the `onnx` package (imported only when
export runs). One converter per op family (elementwise.py, shape.py,
linalg.py, conv.py), registered in registry.py's table."""
from .export import export
from .registry import supported_ops
from .trace import ExportError, UnsupportedOpError
