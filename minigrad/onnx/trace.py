"""The graph to export: one forward pass recorded twice, and what each array is.

Export runs the model twice, on the example input and on a second input
with one more sample along the batch axis, its rows in another order and
its values scaled a little (see `second_input`):

    run 1:  x (B, ...)    ─► Functions f1, f2, ... (in creation order) ─► outputs
    run 2:  x (B+1, ...)  ─► the same Functions, one by one              ─► outputs

Comparing the two runs array by array tells what the ONNX graph needs:

- a dimension that grows with the batch (B -> B+1, or k*B -> k*(B+1)) is
  symbolic: reshapes and broadcasts must not bake in its traced size;
- an array that does not depend on the inputs and is equal in both runs is
  a constant: it becomes an initializer (parameters keep their names), and
  ops on parameters alone are folded into one;
- a constant or a setting (the c of x + c) that differs between the runs
  came from the input's values (a mask computed in NumPy, say): ONNX would
  freeze it, so export refuses, unless it is one number repeated over a
  shape that grows with the batch (the zero initial state of an RNN),
  which becomes ConstantOfShape.
"""
from fractions import Fraction

import numpy as np

from ..core import Variable, enable_grad, test_mode


class ExportError(ValueError):
    """The model cannot be written as an ONNX graph that computes what it computes."""


class UnsupportedOpError(ExportError, NotImplementedError):
    """An op in the traced graph has no ONNX converter."""


class Value:
    """One array of the traced graph. `var` and `twin` are its Variables in
    the two runs; `kind` is "input", "weight" (a parameter or constant, an
    initializer), "fill" (one number over a batch-dependent shape), or "op"
    (computed by the ONNX graph); `dynamic` maps each axis whose size grows
    with the batch to its size divided by the batch size."""
    __slots__ = ("var", "twin", "kind", "index", "producer", "live", "dynamic", "name")

    def __init__(self, var, twin, kind, producer=None, index=None):
        self.var = var
        self.twin = twin
        self.kind = kind
        self.producer = producer
        self.index = index
        self.live = kind == "input"
        self.dynamic = {}
        self.name = None

    @property
    def shape(self):
        return self.var.data.shape

    @property
    def dtype(self):
        return self.var.data.dtype

    @property
    def data(self):
        return self.var.data


class Node:
    """One recorded Function (`fn`), its counterpart in the second run
    (`twin`), and its input and output Values (an output nobody kept is None)."""
    __slots__ = ("fn", "twin", "inputs", "outputs")

    def __init__(self, fn, twin, inputs):
        self.fn = fn
        self.twin = twin
        self.inputs = inputs
        self.outputs = []

    @property
    def out(self):
        """The first (usually the only) output Value."""
        return self.outputs[0]

    @property
    def name(self):
        return self.fn.name


def flatten_outputs(out, where="the model"):
    """The Variables in a model's result (a Variable, or nested tuples and
    lists of them; None entries are skipped), in order."""
    if isinstance(out, Variable):
        return [out]
    if out is None:
        return []
    if isinstance(out, (tuple, list)):
        return [v for item in out for v in flatten_outputs(item, where)]
    raise ExportError(f"onnx.export: {where} returned a {type(out).__name__}; expected Variables "
                      "(or tuples and lists of them)")


class Run:
    """One forward pass: the input Variables, the output Variables and the
    Functions between them, in the order they were created."""

    def __init__(self, fn, arrays):
        self.inputs = [Variable(a, requires_grad=True) for a in arrays]
        with enable_grad(), test_mode():
            self.outputs = flatten_outputs(fn(*self.inputs))
        if not self.outputs:
            raise ExportError("onnx.export: the model returned no Variable to export")
        seen, stack, functions = set(), [v.creator for v in self.outputs if v.creator is not None], []
        while stack:
            f = stack.pop()
            if id(f) in seen:
                continue
            seen.add(id(f))
            functions.append(f)
            stack.extend(x.creator for x in f.inputs if x.creator is not None and id(x.creator) not in seen)
        functions.sort(key=lambda f: f.seq)
        self.functions = functions


def reads_input(f, inputs):
    """The input Variable whose array `f` uses as its index (an Embedding
    lookup: weight[indices]), or None."""
    index = getattr(f, "index", None)
    for part in index if isinstance(index, tuple) else (index,):
        for x in inputs:
            if part is x.data:
                return x
    return None


def _dynamic_dims(value, batch1, batch2, what):
    """{axis: size / batch} for the axes of value that grow with the batch."""
    s1, s2 = value.var.data.shape, value.twin.data.shape
    if len(s1) != len(s2):
        raise ExportError(f"onnx.export: {what} has {len(s1)} dimensions at batch size {batch1} "
                          f"but {len(s2)} at batch size {batch2}; export with dynamic_batch=False")
    dynamic = {}
    for axis, (a, b) in enumerate(zip(s1, s2)):
        if a == b:
            continue
        ratio = Fraction(a, batch1)
        if ratio * batch2 != b:
            raise ExportError(
                f"onnx.export: axis {axis} of {what} has size {a} at batch size {batch1} and "
                f"{b} at batch size {batch2}, not proportional to the batch size; export with dynamic_batch=False")
        dynamic[axis] = ratio
    return dynamic


# Settings that follow the arrays' shapes, so legitimately differ between
# the runs (the converters read sizes from the traced Values instead).
SHAPE_SETTINGS = {"shape", "x_shape", "index"}


def _same(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(a, b)
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and (a == b or (a != a and b != b))  # NaN settings are the same setting


def _check_settings(node):
    """A clear error if a setting of the node (a number such as c in x + c,
    an axis, clip bounds) differs between the runs: Python computed it from
    the input's values, and ONNX would freeze the traced one."""
    twin_settings = node.twin.settings()
    for key, value in node.fn.settings().items():
        if key not in SHAPE_SETTINGS and not _same(value, twin_settings.get(key)):
            raise ExportError(
                f"onnx.export: '{node.name}' has {key}={value!r} in one run and {twin_settings.get(key)!r} in the "
                "other: Python computed it from the input's values (e.g. float(x.data.mean())), and ONNX would "
                "freeze the traced one. Compute it with minigrad ops")


def _equal(a, b):
    return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")


def _uniform(a):
    return a.size > 0 and bool(np.all(a == a.flat[0]))


class Trace:
    """The graph between the inputs and the outputs of two runs of the model
    (see the module docstring): `nodes` (in creation order), `inputs` and
    `outputs` (Values), and `needed`, the nodes the ONNX graph must compute."""

    def __init__(self, fn, arrays1, arrays2, batch1, batch2, weight_names):
        run1 = Run(fn, arrays1)
        try:
            run2 = Run(fn, arrays2)
        except (ValueError, IndexError, TypeError) as e:
            raise ExportError(f"onnx.export: the model ran on the example input but failed on a second one (its rows "
                              f"reordered, its values scaled by 0.9 to 1, batch size {batch2}) that finds what "
                              f"depends on the input: {e}. "
                              "Export with dynamic_batch=False if the model works on one batch size only") from e
        self._check_same(run1, run2)
        values = {}
        self.inputs = []
        for i, (a, b) in enumerate(zip(run1.inputs, run2.inputs)):
            values[id(a)] = v = Value(a, b, "input", index=i)
            self.inputs.append(v)
        self.nodes = []
        for f1, f2 in zip(run1.functions, run2.functions):
            node = Node(f1, f2, [self._leaf(values, a, b, f1, weight_names) for a, b in zip(f1.inputs, f2.inputs)])
            live = any(v.live for v in node.inputs) or reads_input(f1, run1.inputs) is not None
            for k, (w1, w2) in enumerate(zip(f1.outputs, f2.outputs)):
                y1, y2 = w1(), w2()
                if y1 is None or y2 is None:
                    node.outputs.append(None)
                    continue
                values[id(y1)] = y = Value(y1, y2, "op", producer=node, index=k)
                y.live = live
                if not live and _equal(y1.data, y2.data):
                    y.kind = "weight"  # folded: computed from weights and constants only
                node.outputs.append(y)
            self.nodes.append(node)
        self.outputs = [self._leaf(values, a, b, None, weight_names) for a, b in zip(run1.outputs, run2.outputs)]
        self._keep = (run1, run2)  # the Variables stay alive while the trace is read
        for v in values.values():
            if v.kind != "weight":
                what = f"the output of '{v.producer.name}'" if v.producer is not None else f"a {v.kind} array"
                v.dynamic = _dynamic_dims(v, batch1, batch2, what)
        self.needed = self._needed()
        for node in self.needed:
            _check_settings(node)

    @staticmethod
    def _check_same(run1, run2):
        if len(run1.outputs) != len(run2.outputs) or len(run1.functions) != len(run2.functions) or any(
                type(a) is not type(b) or len(a.inputs) != len(b.inputs)
                for a, b in zip(run1.functions, run2.functions)):
            raise ExportError("onnx.export: the model ran different ops on the two example inputs (Python control "
                              "flow that depends on the input's values or batch size); ONNX records one fixed graph. "
                              "Export with dynamic_batch=False, or make the forward pass independent of them")

    @staticmethod
    def _leaf(values, a, b, consumer, weight_names):
        """The Value of Variable a (run 1) / b (run 2), made on first sight
        for leaves: weights (the same object in both runs) and constants."""
        v = values.get(id(a))
        if v is not None:
            return v
        where = f"'{consumer.name}'" if consumer is not None else "the model's output"
        if a.creator is not None:
            raise ExportError(f"onnx.export: an input of {where} was made by an op outside the traced graph")
        if a is b or _equal(a.data, b.data):
            v = Value(a, b, "weight")
            v.name = weight_names.get(id(a)) or a.name
        elif _uniform(a.data) and _uniform(b.data) and a.data.flat[0] == b.data.flat[0]:
            v = Value(a, b, "fill")
        else:
            raise ExportError(
                f"onnx.export: {where} uses a constant array (shape {a.data.shape}) that changes with the input's "
                "values; ONNX would freeze the traced values. It was computed outside the graph, in NumPy (for "
                "example a mask from x.data); build it with minigrad ops instead")
        values[id(a)] = v
        return v

    def _needed(self):
        """The nodes whose outputs the ONNX graph computes, in order: those
        leading to an output, stopping at weights."""
        needed, stack = set(), [v for v in self.outputs if v.kind == "op"]
        while stack:
            node = stack.pop().producer
            if id(node) in needed:
                continue
            needed.add(id(node))
            stack.extend(v for v in node.inputs if v.kind == "op" and id(v.producer) not in needed)
        return [n for n in self.nodes if id(n) in needed]


def second_input(array, axis, grow):
    """The second example input: rows along `axis` in another order
    (1, 2, ..., B-1, 0), one more row (a copy of row 0) if `grow`, and
    float values each scaled by a factor in [0.9, 1) (sign and range kept),
    so that anything computed from the values in NumPy differs between the
    runs and is caught."""
    if array.ndim > axis:
        order = np.roll(np.arange(array.shape[axis]), -1)
        array = np.take(array, np.concatenate([order, [0]]) if grow else order, axis=axis)
    if array.dtype.kind == "f":
        factors = np.random.default_rng(0).uniform(0.9, 1.0, array.shape)
        array = (array * factors).astype(array.dtype)
    return array

