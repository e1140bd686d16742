"""Converters for convolution, the im2col that pooling is built on, and resizing."""
from ..functions import conv as C, pooling as P, resize as Z
from .registry import converts
from .trace import ExportError


def _onnx_pads(fn):
    """ONNX's [top, left, bottom, right] from an op's ((top, bottom), (left, right))."""
    (top, bottom), (left, right) = fn.pads
    return [top, left, bottom, right]


@converts(C.Conv2d)
def conv2d(g, node):
    fn, dtype = node.fn, node.out.dtype
    inputs = [g.x(node, i, dtype) for i in range(len(node.inputs))]
    return g.emit("Conv", inputs, kernel_shape=list(fn.kernel), strides=list(fn.stride), pads=_onnx_pads(fn),
                  dilations=list(fn.dilation), group=int(fn.groups))


@converts(C.DepthwiseConv2d)
def depthwise_conv2d(g, node):
    """ONNX's Conv with one group per input channel, stride 1."""
    fn, dtype = node.fn, node.out.dtype
    inputs = [g.x(node, i, dtype) for i in range(len(node.inputs))]
    return g.emit("Conv", inputs, kernel_shape=list(fn.kernel), strides=[1, 1], pads=_onnx_pads(fn),
                  dilations=list(fn.dilation), group=int(fn.channels))


@converts(P.TiledMaxPool)
def tiled_max_pool(g, node):
    """ONNX's MaxPool with stride = kernel (windows that tile the input)."""
    kernel = list(node.fn.kernel)
    return g.emit("MaxPool", [g.x(node, 0)], kernel_shape=kernel, strides=kernel)


@converts(C.Im2col)
def im2col(g, node):
    """cols (N, C*kh*kw, oh*ow): the padded image, one strided Slice per
    kernel offset (i, j), the kh*kw slices stacked after the channels."""
    fn, dtype = node.fn, node.out.dtype
    (kh, kw), (sh, sw) = fn.kernel, fn.stride
    (dh, dw) = fn.dilation
    (top, bottom), (left, right) = fn.pads
    _, _, h, w = node.inputs[0].shape
    x = g.x(node, 0)
    if top or bottom or left or right:
        x = g.emit("Pad", [x, g.ints([0, 0, top, left, 0, 0, bottom, right]), g.constant(fn.pad_value, dtype)],
                   mode="constant")
    oh = (h + top + bottom - dh * (kh - 1) - 1) // sh + 1
    ow = (w + left + right - dw * (kw - 1) - 1) // sw + 1
    pieces = []
    for i in range(kh):
        for j in range(kw):
            starts = [i * dh, j * dw]
            ends = [i * dh + sh * (oh - 1) + 1, j * dw + sw * (ow - 1) + 1]
            piece = g.emit("Slice", [x, g.ints(starts), g.ints(ends), g.ints([2, 3]), g.ints([sh, sw])])
            pieces.append(g.unsqueeze(piece, [2]))
    stacked = g.emit("Concat", pieces, axis=2) if len(pieces) > 1 else pieces[0]
    return g.emit("Reshape", [stacked, g.shape(node.out, for_reshape=True)])



@converts(C.Col2im)
def col2im(g, node):
    """ONNX's Col2Im (opset 18 on): the columns added back onto their patches."""
    fn = node.fn
    if g.opset < 18:
        raise ExportError(f"onnx.export: 'col2im' (the scatter of a transposed convolution) needs ONNX's Col2Im, "
                          f"from opset 18 on; export with opset=18 (got opset={g.opset})")
    return g.emit("Col2Im", [g.x(node, 0), g.ints(fn.x_shape[2:]), g.ints(fn.kernel)],
                  dilations=list(fn.dilation), pads=_onnx_pads(fn), strides=list(fn.stride))


@converts(Z.RepeatCells)
def repeat_cells(g, node):
    """np.repeat(x, k, axis): k copies side by side on a new axis after
    `axis`, merged into it."""
    axis = node.fn.axis
    x = g.unsqueeze(g.x(node, 0), [axis + 1])
    copies = g.emit("Concat", [x] * node.fn.k, axis=axis + 1)
    return g.emit("Reshape", [copies, g.shape(node.out, for_reshape=True)])
