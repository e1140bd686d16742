"""The ONNX graph being written: nodes, initializers, and the helpers every
converter uses (constants, casts, runtime shapes, reductions across opsets).

A converter receives this builder and a traced Node and returns the ONNX
name of each output; `emit` adds one ONNX node and returns its output name.
"""
import numpy as np

from .trace import reads_input

INT_MAX = np.iinfo(np.int64).max
INT_MIN = np.iinfo(np.int64).min


class GraphBuilder:
    """Collects ONNX nodes and initializers for one export."""

    def __init__(self, onnx, opset, inputs, batch_input=None, batch_axis=0):
        self.onnx = onnx
        self.inputs = inputs       # the graph inputs (Values)
        self.opset = opset
        self.nodes = []
        self.initializers = []
        self.names = {}            # id(Value) -> ONNX name
        self._used = set()
        self._counts = {}          # hint -> the last number given to it
        self._constants = {}       # cache key -> initializer name
        self._batch = None
        self._batch_input = batch_input  # ONNX name of an input with a batch axis
        self._batch_axis = batch_axis

    # -- names ----------------------------------------------------------------------
    def fresh(self, hint):
        """A new unique name starting with `hint`."""
        name, k = hint, self._counts.get(hint, 1)
        while name in self._used:
            k += 1
            name = f"{hint}_{k}"
        self._counts[hint] = k  # the next search starts here: linear, not quadratic, in the graph's size
        self._used.add(name)
        return name

    def reserve(self, name):
        """Claim `name` (a graph input or output name) so nothing else takes it."""
        self._used.add(name)
        return name

    # -- nodes and constants ------------------------------------------------------
    def emit(self, op_type, inputs, outputs=1, **attributes):
        """Add an ONNX node; returns its output name (a list when outputs > 1)."""
        names = [self.fresh(op_type.lower()) for _ in range(outputs)]
        self.nodes.append(self.onnx.helper.make_node(op_type, list(inputs), names, name=self.fresh("node_" + op_type),
                                                     **attributes))
        return names[0] if outputs == 1 else names

    def initializer(self, array, hint="const"):
        """Add `array` as an initializer; returns its name."""
        name = self.fresh(hint)
        self.initializers.append(self.onnx.numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def constant(self, value, dtype):
        """A (cached) initializer holding `value` as an array of `dtype`."""
        array = np.asarray(value, dtype=dtype)
        key = (array.dtype.str, array.shape, array.tobytes())
        if key not in self._constants:
            self._constants[key] = self.initializer(array)
        return self._constants[key]

    def ints(self, values):
        """A 1-D int64 initializer (shapes, axes, pads)."""
        return self.constant(np.asarray(values, dtype=np.int64).reshape(-1), np.int64)

    def tensor_type(self, dtype):
        """ONNX's element type for a NumPy dtype."""
        return self.onnx.helper.np_dtype_to_tensor_dtype(np.dtype(dtype))

    # -- reading a node's inputs ----------------------------------------------------
    def x(self, node, i, dtype=None):
        """The ONNX name of input i of `node`, cast to `dtype` if given and different."""
        value = node.inputs[i]
        name = self.value(value)
        if dtype is None or np.dtype(dtype) == value.dtype:
            return name
        if value.kind == "weight":
            return self.constant(value.data, dtype)
        return self.emit("Cast", [name], to=self.tensor_type(dtype))

    def value(self, value):
        """The ONNX name of a traced Value (an initializer on first use for
        weights, ConstantOfShape for fills)."""
        name = self.names.get(id(value))
        if name is None:
            if value.kind == "weight":
                name = self.initializer(value.data, value.name or "const")
            elif value.kind == "fill":
                fill = self.onnx.numpy_helper.from_array(value.data.reshape(-1)[:1].copy(), "value")
                name = self.emit("ConstantOfShape", [self.shape(value)], value=fill)
            else:
                raise AssertionError(f"onnx.export: no ONNX name yet for a value of kind {value.kind}")
            self.names[id(value)] = name
        return name

    def input_of(self, node):
        """The graph input (a Value) whose array `node` uses as its index, or None."""
        x = reads_input(node.fn, [v.var for v in self.inputs])
        return None if x is None else next(v for v in self.inputs if v.var is x)

    # -- shapes -----------------------------------------------------------------------
    def batch_size(self):
        """A 1-element int64 tensor: the batch size at run time."""
        if self._batch is None:
            self._batch = self.emit("Shape", [self._batch_input], start=self._batch_axis, end=self._batch_axis + 1)
        return self._batch

    def shape(self, value, for_reshape=False):
        """An int64 tensor with value's shape at run time: a constant where no
        axis grows with the batch; with `for_reshape`, -1 stands for a single
        such axis (Reshape infers it); otherwise those sizes are computed
        from the batch size."""
        shape = list(value.shape)
        if not value.dynamic:
            return self.ints(shape)
        if for_reshape and len(value.dynamic) == 1 and 0 not in shape:
            (axis,) = value.dynamic
            shape[axis] = -1
            return self.ints(shape)
        pieces = []
        for axis, n in enumerate(shape):
            ratio = value.dynamic.get(axis)
            if ratio is None:
                pieces.append(self.ints([n]))
                continue
            size = self.batch_size()
            if ratio.numerator != 1:
                size = self.emit("Mul", [size, self.ints([ratio.numerator])])
            if ratio.denominator != 1:
                size = self.emit("Div", [size, self.ints([ratio.denominator])])
            pieces.append(size)
        return self.emit("Concat", pieces, axis=0)

    def reduce(self, op_type, x, axes, keepdims):
        """Reduce* over `axes` (a list of non-negative ints): axes is an input
        from opset 18 on (from 13 for ReduceSum), an attribute before."""
        if not axes:
            return self.emit("Identity", [x])
        if op_type == "ReduceSum" or self.opset >= 18:
            return self.emit(op_type, [x, self.ints(axes)], keepdims=int(keepdims))
        return self.emit(op_type, [x], axes=list(axes), keepdims=int(keepdims))

    def unsqueeze(self, x, axes):
        return self.emit("Unsqueeze", [x, self.ints(axes)])

    def squeeze(self, x, axes):
        return self.emit("Squeeze", [x, self.ints(axes)])
