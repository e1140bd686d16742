"""Converters for ops that move elements: reshape, transpose, broadcasting,
concat, split, pad, reordering (flip, roll) and indexing (get_item,
masked_fill, take_along_axis). Target shapes come from the traced output,
with the batch-sized axes computed at run time (see GraphBuilder.shape)."""
import numpy as np

from ..functions import indexing as I, reorder as O, shape as S
from .graph import INT_MAX, INT_MIN
from .registry import converts
from .trace import ExportError


@converts(S.Reshape)
def reshape(g, node):
    return g.emit("Reshape", [g.x(node, 0), g.shape(node.out, for_reshape=True)])


@converts(S.Transpose)
def transpose(g, node):
    ndim = len(node.inputs[0].shape)
    axes = node.fn.axes
    perm = list(range(ndim))[::-1] if axes is None else [a % ndim for a in axes]
    return g.emit("Transpose", [g.x(node, 0)], perm=perm)


@converts(S.BroadcastTo)
def broadcast_to(g, node):
    return g.emit("Expand", [g.x(node, 0), g.shape(node.out)])


@converts(S.SumTo)
def sum_to(g, node):
    axes, lead = S.sum_to_axes(node.inputs[0].shape, node.out.shape)
    y = g.reduce("ReduceSum", g.x(node, 0), list(axes), keepdims=True)
    return g.emit("Reshape", [y, g.shape(node.out, for_reshape=True)]) if lead else y


@converts(S.Concat)
def concat(g, node):
    xs = [g.x(node, i, node.out.dtype) for i in range(len(node.inputs))]
    if node.fn.expand is not None:   # stack, vstack ...: each input's new axes first
        xs = [g.unsqueeze(x, list(axes)) if axes else x for x, axes in zip(xs, node.fn.expand)]
    return g.emit("Concat", xs, axis=node.fn.axis)


@converts(S.Split)
def split(g, node):
    axis = node.fn.axis
    if axis in node.inputs[0].dynamic:
        raise ExportError(f"onnx.export: 'split' cuts axis {axis}, whose size grows with the batch; the cut points "
                          "would be frozen. Export with dynamic_batch=False")
    sizes = [shape[axis] for shape in node.fn.shapes]
    return g.emit("Split", [g.x(node, 0), g.ints(sizes)], outputs=len(sizes), axis=axis) if len(sizes) > 1 \
        else [g.emit("Identity", [g.x(node, 0)])]


@converts(S.Pad)
def pad(g, node):
    widths = node.fn.widths
    if not widths:
        return g.emit("Identity", [g.x(node, 0)])
    return g.emit("Pad", [g.x(node, 0), _pads(g, widths), g.constant(node.fn.value, node.out.dtype)], mode="constant")


def _pads(g, widths):
    """ONNX's pads (every axis's before, then every axis's after) from (before, after) pairs."""
    return g.ints([b for b, _ in widths] + [e for _, e in widths])


# np.pad's copying modes -> ONNX Pad's mode, and the first opset that has it
PAD_MODES = {"reflect": ("reflect", 11), "edge": ("edge", 11), "wrap": ("wrap", 19)}


@converts(S.PadCopy)
def pad_copy(g, node):
    widths, mode = node.fn.widths, node.fn.mode
    if not widths:
        return g.emit("Identity", [g.x(node, 0)])
    onnx_mode, since = PAD_MODES[mode]
    if g.opset < since:
        raise ExportError(f"onnx.export: 'pad_copy' with mode={mode!r} needs ONNX's Pad mode {onnx_mode!r}, from "
                          f"opset {since} on; export with opset={since} (got opset={g.opset})")
    return g.emit("Pad", [g.x(node, 0), _pads(g, widths)], mode=onnx_mode)


@converts(O.Flip)
def flip(g, node):
    axes = list(node.fn.axes)
    if not axes:
        return g.emit("Identity", [g.x(node, 0)])
    n = len(axes)
    return g.emit("Slice", [g.x(node, 0), g.ints([-1] * n), g.ints([INT_MIN] * n), g.ints(axes), g.ints([-1] * n)])


@converts(O.Roll)
def roll(g, node):
    """Along each axis, the last `shift` cells moved to the front: two Slices and a Concat."""
    fn, shape = node.fn, node.inputs[0].shape
    shifts = fn.shift if isinstance(fn.shift, tuple) else (fn.shift,)
    axes = fn.axis if isinstance(fn.axis, tuple) else (fn.axis,)
    x = g.x(node, 0)
    for shift, axis in zip(shifts, axes):
        if axis in node.inputs[0].dynamic:
            raise ExportError(f"onnx.export: 'roll' along axis {axis}, whose size grows with the batch; export with "
                              "dynamic_batch=False")
        cut = shape[axis] - shift % shape[axis] if shape[axis] else 0
        if cut in (0, shape[axis]):
            continue
        tail = g.emit("Slice", [x, g.ints([cut]), g.ints([INT_MAX]), g.ints([axis])])
        head = g.emit("Slice", [x, g.ints([0]), g.ints([cut]), g.ints([axis])])
        x = g.emit("Concat", [tail, head], axis=axis)
    return x if x != g.x(node, 0) else g.emit("Identity", [x])


def baked_array(node, slot):
    """The node's array setting `slot` (a mask, indices), checked to be the
    same in both runs: ONNX holds it as a constant."""
    array, twin = getattr(node.fn, slot), getattr(node.twin, slot)
    if np.shape(array) != np.shape(twin) or not np.array_equal(array, twin):
        change = "shape" if np.shape(array) != np.shape(twin) else "values"
        raise ExportError(f"onnx.export: the {slot} of '{node.name}' (shape {np.shape(array)}) changes its {change} "
                          "between the two runs: it was built in NumPy, outside the graph (from x.data, or for one "
                          "batch size), and ONNX would freeze the traced one. Build it with minigrad ops (or export "
                          "with dynamic_batch=False if only the batch size matters)")
    return np.asarray(array)


@converts(I.MaskedFill)
def masked_fill(g, node):
    mask, dtype = baked_array(node, "mask"), node.out.dtype
    return g.emit("Where", [g.constant(mask, bool), g.constant(node.fn.value, dtype), g.x(node, 0)])


@converts(I.TakeAlongAxis)
def take_along_axis(g, node):
    """GatherElements, the indices broadcast to the output's shape first (as NumPy does)."""
    indices = g.constant(baked_array(node, "indices"), np.int64)
    if node.fn.indices.shape != node.out.shape:
        indices = g.emit("Expand", [indices, g.shape(node.out)])
    return g.emit("GatherElements", [g.x(node, 0), indices], axis=node.fn.axis)


def _is_int(p):
    return isinstance(p, (int, np.integer)) and not isinstance(p, bool)


def _parts(index):
    return list(index) if isinstance(index, tuple) else [index]


def _slice_bounds(p):
    """(start, end, step) of an integer or slice index for ONNX's Slice,
    with Python's meaning on an axis of any size (None as INT_MAX or
    INT_MIN); None for a slice that keeps the whole axis."""
    if _is_int(p):
        return int(p), INT_MAX if p == -1 else int(p) + 1, 1
    step = 1 if p.step is None else int(p.step)
    if (p.start, p.stop, step) == (None, None, 1):
        return None
    start = (0 if step > 0 else INT_MAX) if p.start is None else int(p.start)
    end = (INT_MAX if step > 0 else INT_MIN) if p.stop is None else int(p.stop)
    return start, end, step


def _describe(parts):
    """An index for messages: arrays by dtype and shape, not by value."""
    def one(p):
        if isinstance(p, (list, np.ndarray)):
            a = np.asarray(p)
            return f"<{a.dtype} array of shape {a.shape}>"
        return "..." if p is Ellipsis else repr(p)
    return "(" + ", ".join(one(p) for p in parts) + ")"


def _outer_blocks(arrays):
    """Several index arrays as sequential gathers, when they index in outer
    product form (x[:, rows[:, :, None, None], cols[None, None]]: each array
    varies along its own run of the broadcast axes, in order, and those runs
    cover them all): each array reduced to its run, else None."""
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    blocks, next_axis = [], 0
    for a in arrays:
        padded = (1,) * (len(shape) - a.ndim) + a.shape
        varying = [k for k, n in enumerate(padded) if n != 1]
        if not varying or varying != list(range(varying[0], varying[-1] + 1)) or varying[0] < next_axis:
            return None
        blocks.append(a.reshape([padded[k] for k in varying]))
        next_axis = varying[-1] + 1
    covered = sum(b.ndim for b in blocks)
    return blocks if covered == len(shape) else None


def _index_plan(parts, ndim):
    """What x[parts] does, axis by axis: the Slice bounds [(axis, (start,
    end, step))], the gathers [(axis, integer array)] (one, or several in
    outer product form), the input axes to squeeze (integer indices), the
    output axes to unsqueeze (None)."""
    ellipsis = [i for i, p in enumerate(parts) if p is Ellipsis]
    if ellipsis:
        used = sum(1 for p in parts if p is not None and p is not Ellipsis)
        parts[ellipsis[0]:ellipsis[0] + 1] = [slice(None)] * (ndim - used)
    parts += [slice(None)] * (ndim - sum(1 for p in parts if p is not None))
    arrays = [i for i, p in enumerate(parts) if isinstance(p, (list, np.ndarray))]
    blocks = None
    if arrays:
        advanced = arrays + [i for i, p in enumerate(parts) if _is_int(p)]
        if max(advanced) - min(advanced) + 1 != len(advanced):
            # NumPy then moves the indexed axes to the front; Gather would leave them in place.
            raise ExportError(f"onnx.export: 'get_item' with index {_describe(parts)} mixes an index array with "
                              "integers or arrays that are not next to it; ONNX's Gather cannot place the result "
                              "as NumPy does. Index in two steps")
        indices = [np.asarray(parts[i]) for i in arrays]
        indices = [np.flatnonzero(a) if a.dtype.kind == "b" else a for a in indices]
        blocks = indices if len(indices) == 1 else _outer_blocks(indices)
        if blocks is None or (len(arrays) > 1 and len(advanced) > len(arrays)):
            raise ExportError(f"onnx.export: 'get_item' with index {_describe(parts)} has no ONNX mapping; several "
                              "index arrays export only in outer product form, without integers among them")
    slices, gathers, squeeze, unsqueeze = [], [], [], []
    axis = out_axis = 0
    for p in parts:
        if p is None:
            unsqueeze.append(out_axis)
            out_axis += 1
            continue
        if _is_int(p) or isinstance(p, slice):
            bounds = _slice_bounds(p)
            if bounds is not None:
                slices.append((axis, bounds))
            if _is_int(p):
                squeeze.append(axis)
            else:
                out_axis += 1
        else:
            block = blocks[len(gathers)].astype(np.int64)
            gathers.append((axis, block))
            out_axis += block.ndim
        axis += 1
    return slices, gathers, squeeze, unsqueeze


@converts(S.GetItem)
def get_item(g, node):
    """x[index] as Slice (slices and integers), Gather (an integer array,
    or several in outer product form, or the graph input itself for an
    Embedding lookup), Squeeze (the integers' axes) and Unsqueeze (None)."""
    index = node.fn.index
    parts, twin_parts = _parts(index), _parts(node.twin.index)
    arrays = [i for i, p in enumerate(parts) if isinstance(p, (list, np.ndarray))]
    looked_up = g.input_of(node)
    kinds = [(np.asarray(parts[i]).dtype.kind, np.ndim(parts[i])) for i in arrays]
    if any(kind not in "iub" or (kind == "b" and ndim != 1) for kind, ndim in kinds) or \
            (looked_up is not None and len(arrays) > 1):
        raise ExportError(f"onnx.export: 'get_item' with index {_describe(parts)} has no ONNX mapping; supported: "
                          "integers, slices, None, Ellipsis, integer arrays and 1-D boolean arrays")
    for i in arrays:
        if looked_up is None and not np.array_equal(np.asarray(parts[i]), np.asarray(twin_parts[i])):
            raise ExportError("onnx.export: an index array of 'get_item' changes with the input's values or batch "
                              "size; ONNX would freeze the traced one")
    slices, gathers, squeeze, unsqueeze = _index_plan(parts, len(node.inputs[0].shape))
    x = original = g.x(node, 0)
    if slices:
        axes, bounds = zip(*slices)
        starts, ends, steps = zip(*bounds)
        x = g.emit("Slice", [x, g.ints(starts), g.ints(ends), g.ints(axes), g.ints(steps)])
    for at, array in reversed(gathers):  # the last axis first: the earlier axes stay where they are
        indices = g.value(looked_up) if looked_up is not None else g.constant(array, np.int64)
        x = g.emit("Gather", [x, indices], axis=at)
    if gathers:  # at most one gather when there are integers (see _index_plan)
        at, array = gathers[0]
        squeeze = [a + array.ndim - 1 if a > at else a for a in squeeze]
    if squeeze:
        x = g.squeeze(x, squeeze)
    if unsqueeze:
        x = g.unsqueeze(x, unsqueeze)
    return x if x != original else g.emit("Identity", [x])
