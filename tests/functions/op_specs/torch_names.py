"""Specs for the ops with names only PyTorch has, as torch.nn.functional
means them: normalize, softmin, pixel_shuffle, pixel_unshuffle, unfold,
fold and embedding. The NumPy references follow PyTorch's documented
formulas, written independently of the implementation (index loops for the
pixel shuffles)."""
import numpy as np
from hypothesis import strategies as st

import minigrad.functions as F
from . import Case, OpSpec, array, shape
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


SPECS = [
    OpSpec("normalize", F.normalize, ref_normalize, normalize_cases()),
    OpSpec("softmin", F.softmin, ref_softmin, axis_only()),
    OpSpec("pixel_shuffle", F.pixel_shuffle, ref_pixel_shuffle, pixel_shuffle_cases()),
    OpSpec("pixel_unshuffle", F.pixel_unshuffle, ref_pixel_unshuffle, pixel_unshuffle_cases()),
    OpSpec("unfold", F.unfold, ref_unfold, im2col_cases().map(_torch_arguments)),
    OpSpec("fold", F.fold, ref_fold, col2im_cases().map(_torch_arguments)),
    OpSpec("embedding", embedding_fn, ref_embedding, embedding_cases()),
    # The padding row gets no gradient by design (PyTorch's), unlike a numerical derivative:
    # its gradient is compared with PyTorch's in tests/nn/test_functional.py.
    OpSpec("embedding_padding_idx", embedding_fn, ref_embedding, embedding_cases(padding=True),
           covers=("embedding",), grad=False),
]
