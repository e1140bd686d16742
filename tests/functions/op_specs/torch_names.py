"""Specs for the ops with names only PyTorch has, as torch.nn.functional
means them: normalize, softmin, pixel_shuffle, pixel_unshuffle, unfold,
fold, embedding, the shrinking activations, threshold, rms_norm,
cosine_similarity and pairwise_distance. The NumPy references follow PyTorch's documented
formulas, written independently of the implementation (index loops for the
pixel shuffles)."""
import numpy as np
from hypothesis import strategies as st

import minigrad.functions as F
from . import Case, OpSpec, array, broadcast_shapes, shape, unary
from .activation import axis_only, ref_softmax
from .conv import _pair, col2im_cases, im2col_cases, ref_col2im, ref_im2col


def ref_normalize(x, p=2.0, dim=1, eps=1e-12):
    n = np.sum(np.abs(x) ** p, axis=dim, keepdims=True) ** (1 / p)
    return x / np.maximum(n, eps)


@st.composite
def normalize_cases(draw):
    s = draw(shape(min_dims=1, max_dims=3, min_side=2))
    a = draw(array(s, avoid=(0.0,), margin=0.1))   # |x|^p has a kink at 0 for p = 1
    kwargs = {"dim": draw(st.integers(-len(s), len(s) - 1))}
    p = draw(st.sampled_from([None, 1.0, 3.0]))
    if p is not None:
        kwargs["p"] = p
    return Case((a,), kwargs)


def ref_softmin(x, axis=-1):
    return ref_softmax(-x, axis)


def ref_pixel_shuffle(x, upscale_factor):
    r = upscale_factor
    *batch, c, h, w = x.shape
    y = np.zeros((*batch, c // (r * r), h * r, w * r))
    for k in range(c // (r * r)):
        for i in range(r):
            for j in range(r):
                y[..., k, i::r, j::r] = x[..., k * r * r + i * r + j, :, :]
    return y


def ref_pixel_unshuffle(x, downscale_factor):
    r = downscale_factor
    *batch, c, h, w = x.shape
    y = np.zeros((*batch, c * r * r, h // r, w // r))
    for k in range(c):
        for i in range(r):
            for j in range(r):
                y[..., k * r * r + i * r + j, :, :] = x[..., k, i::r, j::r]
    return y


@st.composite
def pixel_shuffle_cases(draw):
    r = draw(st.integers(1, 2))
    batch = draw(st.sampled_from([(), (2,), (1, 2)]))
    s = batch + (draw(st.integers(1, 2)) * r * r, draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    return Case((draw(array(s)),), {"upscale_factor": r})


@st.composite
def pixel_unshuffle_cases(draw):
    r = draw(st.integers(1, 2))
    batch = draw(st.sampled_from([(), (2,)]))
    s = batch + (draw(st.integers(1, 2)), draw(st.integers(1, 2)) * r, draw(st.integers(1, 3)) * r)
    return Case((draw(array(s)),), {"downscale_factor": r})


def ref_unfold(x, kernel_size, padding=0, stride=1):
    return ref_im2col(x, kernel_size, stride, padding)


def ref_fold(cols, output_size, kernel_size, padding=0, stride=1):
    c = cols.shape[1] // int(np.prod(_pair(kernel_size)))
    return ref_col2im(cols, (cols.shape[0], c) + tuple(output_size), kernel_size, stride, padding)


def _torch_arguments(case):
    """An im2col/col2im case with F.unfold/F.fold's argument names."""
    kwargs = dict(case.kwargs)
    kwargs["padding"] = kwargs.pop("pad")
    if "x_shape" in kwargs:
        kwargs["output_size"] = kwargs.pop("x_shape")[2:]
    return Case(case.arrays, kwargs)


def embedding_fn(weight, indices, padding_idx=None):
    return F.embedding(indices, weight, padding_idx)


def ref_embedding(weight, indices, padding_idx=None):
    return weight[indices]


@st.composite
def embedding_cases(draw, padding=False):
    n, dim = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    index_shape = draw(st.sampled_from([(), (3,), (2, 3)]))
    indices = np.array(draw(st.lists(st.integers(0, n - 1), min_size=int(np.prod(index_shape)),
                                     max_size=int(np.prod(index_shape))))).reshape(index_shape)
    kwargs = {"indices": indices}
    if padding:
        kwargs["padding_idx"] = draw(st.integers(-n, n - 1))
    return Case((draw(array((n, dim))),), kwargs)


def ref_tanhshrink(x):
    return x - np.tanh(x)


def ref_softshrink(x, lambd=0.5):
    return np.where(x > lambd, x - lambd, np.where(x < -lambd, x + lambd, 0.0))


def ref_hardshrink(x, lambd=0.5):
    return np.where(np.abs(x) > lambd, x, 0.0)


def ref_threshold(x, threshold, value):
    return np.where(x > threshold, x, value)


@st.composite
def shrink_cases(draw):
    lambd = draw(st.sampled_from([None, 0.0, 1.2]))
    at = 0.5 if lambd is None else lambd
    case = draw(unary(avoid=(-at, at), margin=0.05))
    return Case(case.arrays, {} if lambd is None else {"lambd": lambd})


@st.composite
def threshold_cases(draw):
    threshold, value = draw(st.sampled_from([(0.0, 0.0), (0.5, -2.0), (-1.0, 3.0)]))
    case = draw(unary(avoid=(threshold,), margin=0.05))
    return Case(case.arrays, {"threshold": threshold, "value": value})


def ref_rms_norm(x, normalized_shape, weight=None, eps=None):
    axes = tuple(range(x.ndim - len(normalized_shape), x.ndim))
    eps = np.finfo(x.dtype).eps if eps is None else eps
    y = x / np.sqrt(np.mean(x * x, axis=axes, keepdims=True) + eps)
    return y if weight is None else y * weight


@st.composite
def rms_norm_cases(draw):
    s = draw(shape(min_dims=1, max_dims=3, min_side=2))
    normalized = s[len(s) - draw(st.integers(1, len(s))):]
    arrays = [draw(array(s, avoid=(0.0,), margin=0.1))]   # near x = 0 the slope is 1/sqrt(eps)
    if draw(st.booleans()):
        arrays.append(draw(array(normalized)))
    kwargs = {"normalized_shape": normalized}
    if draw(st.booleans()):
        kwargs["eps"] = 1e-3
    return Case(tuple(arrays), kwargs)


def rms_norm_fn(x, weight=None, **kwargs):
    return F.rms_norm(x, weight=weight, **kwargs)


def ref_rms_norm_case(x, weight=None, **kwargs):
    return ref_rms_norm(x, weight=weight, **kwargs)


def ref_cosine_similarity(x1, x2, dim=1, eps=1e-8):
    x1, x2 = np.broadcast_arrays(x1, x2)
    n1 = np.maximum(np.sqrt(np.sum(x1 * x1, axis=dim)), eps)
    n2 = np.maximum(np.sqrt(np.sum(x2 * x2, axis=dim)), eps)
    return np.sum(x1 * x2, axis=dim) / (n1 * n2)


@st.composite
def cosine_cases(draw):
    shapes = draw(broadcast_shapes(2, min_side=2))
    ndim = max(len(s) for s in shapes)
    arrays = tuple(draw(array(s, avoid=(0.0,), margin=0.2)) for s in shapes)
    return Case(arrays, {"dim": draw(st.integers(-ndim, ndim - 1))})


def ref_pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    d = np.abs(x1 - x2 + eps)
    return np.sum(d ** p, axis=-1, keepdims=keepdim) ** (1 / p)


@st.composite
def pairwise_cases(draw):
    shapes = draw(broadcast_shapes(2, min_side=2))
    shapes = [s if s else (1,) for s in shapes]
    arrays = [draw(array(s)) for s in shapes]
    arrays[1] = arrays[1] + 0.25 * np.sign(arrays[1] - arrays[0] + 1e-3)   # no difference near 0 (a kink)
    return Case(tuple(arrays), {"p": draw(st.sampled_from([2.0, 1.0, 3.0])), "keepdim": draw(st.booleans())})


SPECS = [
    OpSpec("normalize", F.normalize, ref_normalize, normalize_cases()),
    OpSpec("softmin", F.softmin, ref_softmin, axis_only()),
    OpSpec("pixel_shuffle", F.pixel_shuffle, ref_pixel_shuffle, pixel_shuffle_cases()),
    OpSpec("pixel_unshuffle", F.pixel_unshuffle, ref_pixel_unshuffle, pixel_unshuffle_cases()),
    OpSpec("unfold", F.unfold, ref_unfold, im2col_cases().map(_torch_arguments)),
    OpSpec("fold", F.fold, ref_fold, col2im_cases().map(_torch_arguments)),
    OpSpec("tanhshrink", F.tanhshrink, ref_tanhshrink, unary()),
    OpSpec("softshrink", F.softshrink, ref_softshrink, shrink_cases()),
    OpSpec("hardshrink", F.hardshrink, ref_hardshrink, shrink_cases()),
    OpSpec("threshold", F.threshold, ref_threshold, threshold_cases()),
    OpSpec("rms_norm", rms_norm_fn, ref_rms_norm_case, rms_norm_cases()),
    OpSpec("cosine_similarity", F.cosine_similarity, ref_cosine_similarity, cosine_cases()),
    OpSpec("pairwise_distance", F.pairwise_distance, ref_pairwise_distance, pairwise_cases()),
    OpSpec("embedding", embedding_fn, ref_embedding, embedding_cases()),
    # The padding row gets no gradient by design (PyTorch's), unlike a numerical derivative:
    # its gradient is compared with PyTorch's in tests/nn/test_functional.py.
    OpSpec("embedding_padding_idx", embedding_fn, ref_embedding, embedding_cases(padding=True),
           covers=("embedding",), grad=False),
]
