"""export(): trace a forward pass and write it as an ONNX model.

    model(x) ──two runs──► Trace (nodes, weights, batch-sized axes)
             ──converters──► ONNX nodes + initializers ──► onnx.ModelProto ──► path
"""
import numpy as np

from ..core import Variable
from ..nn import Module
from . import conv, elementwise, linalg, shape  # noqa: F401  (they fill the converter table)
from .graph import GraphBuilder
from .registry import CONVERTERS, supported_ops
from .trace import ExportError, Trace, UnsupportedOpError, second_input


def _import_onnx():
    try:
        import onnx
    except ImportError:
        raise ImportError("minigrad.onnx.export needs the onnx package: pip install onnx "
                          "(or pip install -e '.[onnx]' from a minigrad checkout)") from None
    return onnx


def _batch_axis(model, dynamic_batch):
    """The axis of each input that holds the batch: dynamic_batch itself if
    it is an int; for True, 1 for models built on layers with
    batch_first=False (RNN, LSTM, GRU, MultiheadAttention, Transformer
    layers, as in PyTorch), else 0."""
    if not isinstance(dynamic_batch, bool):
        return int(dynamic_batch)
    flags = {m.batch_first for m in model.modules() if hasattr(m, "batch_first")} if isinstance(model, Module) \
        else set()
    if len(flags) > 1:
        raise ExportError("onnx.export: the model mixes layers with batch_first=True and batch_first=False; pass "
                          "the batch axis of the inputs as dynamic_batch=<axis>")
    return 1 if flags == {False} else 0


def _example_arrays(model, example_input):
    """The example inputs (a tuple holds several, as PyTorch's args) as a
    list of ndarrays; float ones take the model's parameter dtype (as a
    Module does with a constant input)."""
    inputs = example_input if isinstance(example_input, tuple) else (example_input,)
    dtype = None
    if isinstance(model, Module):
        dtype = next((p.data.dtype for p in model.parameters()), None)
    arrays = []
    for x in inputs:
        a = np.asarray(x.data if isinstance(x, Variable) else x)
        if dtype is not None and a.dtype.kind == "f":
            a = a.astype(dtype)
        arrays.append(a)
    return arrays


def _names(given, count, default, what):
    if given is None:
        return [default] if count == 1 else [f"{default}_{i}" for i in range(count)]
    given = [given] if isinstance(given, str) else list(given)
    if len(given) != count or len(set(given)) != count:
        raise ValueError(f"onnx.export: {what} {given} do not name the {count} {what.split('_')[0]}s once each")
    return given


def _dims(value, batch_axis_name):
    dims = []
    for axis, n in enumerate(value.shape):
        ratio = value.dynamic.get(axis)
        if ratio is None:
            dims.append(n)
        else:
            dims.append(batch_axis_name if ratio == 1 else f"{batch_axis_name}*{ratio}")
    return dims


def _trace(model, arrays, dynamic_batch):
    """The Trace of two runs of model in eval mode (its training flags are
    restored after), and the batch axis."""
    grow = dynamic_batch is not False
    batch_axis = _batch_axis(model, dynamic_batch) if grow else 0
    if grow:
        for i, a in enumerate(arrays):
            if a.ndim <= batch_axis or a.shape[batch_axis] == 0:
                raise ValueError(f"onnx.export: input {i} of shape {a.shape} has no batch axis {batch_axis} with "
                                 "samples in it; pass dynamic_batch=False or another batch axis")
    weight_names, modes = {}, []
    if isinstance(model, Module):
        weight_names = {id(p): name for name, p in model.named_parameters()}
        modes = [(m, m.training) for m in model.modules()]
        model.eval()
    arrays2 = [second_input(a, batch_axis, grow) for a in arrays]
    batch1 = arrays[0].shape[batch_axis] if arrays[0].ndim > batch_axis else 1
    try:
        trace = Trace(model, arrays, arrays2, batch1, batch1 + 1 if grow else batch1, weight_names)
    finally:
        for m, training in modes:
            object.__setattr__(m, "training", training)
    return trace, batch_axis


def _check_supported(trace):
    missing = {}
    for node in trace.needed:
        if type(node.fn) not in CONVERTERS:
            missing.setdefault(node.name, f"{type(node.fn).__module__}.{type(node.fn).__name__}")
    if missing:
        ops = ", ".join(f"'{name}' ({where})" for name, where in missing.items())
        raise UnsupportedOpError(f"onnx.export: no ONNX mapping for {ops}. Ops that export: "
                                 f"{', '.join(supported_ops())}")


def export(model, example_input, path, input_names=None, output_names=None, dynamic_batch=True, opset=17):
    """Write `model` (a Module, or a function of Variables) as an ONNX model
    at `path` (a str or Path; None writes nothing) and return the
    `onnx.ModelProto`.

    One forward pass on `example_input` (an array or Variable, or a tuple
    of them for several inputs) is traced, in eval mode, and its ops are
    written as ONNX nodes; parameters become initializers under their
    state_dict names. With dynamic_batch=True the batch axis of every input
    (axis 0, or 1 for models of layers with batch_first=False, as PyTorch's
    RNN, LSTM, GRU, MultiheadAttention and Transformer layers; or the axis
    given as an int) is symbolic, so the model runs on any batch size; other
    sizes (an RNN's sequence length) are the example's. Inputs and outputs
    are named `input_names` / `output_names` (default "input", "output", or
    "input_0", ... for several); outputs are the Variables the model
    returns, nested tuples flattened. `opset` is the ONNX opset (17 or
    later; transposed convolutions need 18).

    Raises UnsupportedOpError naming any op without an ONNX mapping, and
    ExportError where the trace would not compute what the model computes
    (Python control flow, NumPy masks or numbers that depend on the input's
    values). Needs the `onnx` package (`pip install onnx`).
    """
    onnx = _import_onnx()
    if opset < 17:
        raise ValueError(f"onnx.export: opset {opset} is not supported; expected 17 or later")
    if not callable(model):
        raise TypeError(f"onnx.export: model must be a Module or a function of Variables, "
                        f"got {type(model).__name__} {model!r}")
    trace, batch_axis = _trace(model, _example_arrays(model, example_input), dynamic_batch)
    _check_supported(trace)
    input_names = _names(input_names, len(trace.inputs), "input", "input_names")
    output_names = _names(output_names, len(trace.outputs), "output", "output_names")
    g = GraphBuilder(onnx, opset, trace.inputs, input_names[0], batch_axis)
    for name in input_names + output_names:
        g.reserve(name)
    for v, name in zip(trace.inputs, input_names):
        g.names[id(v)] = name
    for node in trace.needed:
        names = CONVERTERS[type(node.fn)](g, node)
        names = [names] if isinstance(names, str) else names
        for value, name in zip(node.outputs, names):
            if value is not None:
                g.names[id(value)] = name
    _name_outputs(g, trace, output_names)
    _check_inputs_used(g, input_names, output_names)
    signature = [[onnx.helper.make_tensor_value_info(name, g.tensor_type(v.dtype), _dims(v, "batch"))
                  for v, name in zip(values, names)]
                 for values, names in ((trace.inputs, input_names), (trace.outputs, output_names))]
    graph_name = type(model).__name__ if isinstance(model, Module) else getattr(model, "__name__", "model")
    graph = onnx.helper.make_graph(g.nodes, graph_name, *signature, g.initializers)
    opsets = [onnx.helper.make_opsetid("", opset)]
    # The oldest IR version that has this opset: runtimes older than the onnx package still load it.
    proto = onnx.helper.make_model(graph, opset_imports=opsets, producer_name="minigrad",
                                   ir_version=onnx.helper.find_min_ir_version_for(opsets))
    onnx.checker.check_model(proto)
    if path is not None:
        onnx.save(proto, str(path))
    return proto


def _name_outputs(g, trace, output_names):
    """Let the node that computes each output write it under its output
    name; an Identity node where that cannot be (an input or a weight
    returned as is, one value returned twice)."""
    produced = {name for node in g.nodes for name in node.output}
    for value, name in zip(trace.outputs, output_names):
        source = g.value(value)
        if source in produced:
            _rename(g.nodes, source, name)
            g.names[id(value)] = name
            produced.discard(source)
        else:
            g.nodes.append(g.onnx.helper.make_node("Identity", [source], [name], name=g.fresh("node_Identity")))


def _check_inputs_used(g, input_names, output_names):
    used = {name for node in g.nodes for name in node.input} | set(output_names)
    for i, name in enumerate(input_names):
        if name not in used:
            raise ExportError(f"onnx.export: input {i} ('{name}') does not reach the outputs through minigrad ops; "
                              "an input read as a constant (integer indices of an Embedding lookup, a mask) "
                              "cannot be exported")


def _rename(nodes, old, new):
    for node in nodes:
        for names in (node.input, node.output):
            for i, name in enumerate(names):
                if name == old:
                    names[i] = new
