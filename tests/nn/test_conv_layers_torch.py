"""The convolution, pooling and resizing layers with their options against
PyTorch's: a torch layer's state_dict loads into ours, then outputs and the
gradients of the inputs and parameters match (1e-9 in float64, 2e-4 in
float32). The comparison is test_nn_torch's. Skipped without torch."""
import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from tests.nn.test_nn_torch import _compare, _rand

torch = pytest.importorskip("torch")
tnn = torch.nn


def _pool_indices(x, *args, **kwargs):
    """PyTorch's max-pool indices of x, and the pooled values."""
    y, indices = torch.nn.functional.max_pool2d(torch.tensor(x), *args, return_indices=True, **kwargs)
    return y.numpy(), indices.numpy()


def _unpool_case():
    y, indices = _pool_indices(_rand(2, 3, 7, 7), 3, 2, 1)  # unpools to the default (7, 7)
    return nn.MaxUnpool2d(3, 2, 1), tnn.MaxUnpool2d(3, 2, 1), (y, indices)


CASES = {
    "conv1d": lambda: (nn.Conv1d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2),
                       tnn.Conv1d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2), (_rand(2, 4, 11),)),
    "conv1d_no_bias": lambda: (nn.Conv1d(3, 5, 2, bias=False), tnn.Conv1d(3, 5, 2, bias=False), (_rand(2, 3, 6),)),
    "conv2d_dilation_groups": lambda: (
        nn.Conv2d(4, 8, (3, 2), stride=(2, 1), padding=(1, 2), dilation=(2, 1), groups=2),
        tnn.Conv2d(4, 8, (3, 2), stride=(2, 1), padding=(1, 2), dilation=(2, 1), groups=2), (_rand(2, 4, 7, 6),)),
    "conv2d_padding_same": lambda: (nn.Conv2d(3, 4, (2, 3), padding="same", dilation=(1, 2)),
                                    tnn.Conv2d(3, 4, (2, 3), padding="same", dilation=(1, 2)), (_rand(2, 3, 5, 6),)),
    "conv1d_padding_valid": lambda: (nn.Conv1d(3, 4, 3, padding="valid"), tnn.Conv1d(3, 4, 3, padding="valid"),
                                     (_rand(2, 3, 6),)),
    "conv2d_depthwise": lambda: (nn.Conv2d(4, 8, 3, padding=1, groups=4), tnn.Conv2d(4, 8, 3, padding=1, groups=4),
                                 (_rand(2, 4, 5, 5),)),
    "conv_transpose2d_options": lambda: (
        nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2),
        tnn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2), (_rand(2, 4, 3, 4),)),
    "conv_transpose2d_dilation": lambda: (
        nn.ConvTranspose2d(2, 3, (2, 3), padding=1, output_padding=1, dilation=2, bias=False),
        tnn.ConvTranspose2d(2, 3, (2, 3), padding=1, output_padding=1, dilation=2, bias=False), (_rand(1, 2, 4, 4),)),
    "max_pool1d": lambda: (nn.MaxPool1d(3, 2, 1, dilation=2, ceil_mode=True),
                           tnn.MaxPool1d(3, 2, 1, dilation=2, ceil_mode=True), (_rand(2, 3, 10),)),
    "avg_pool1d": lambda: (nn.AvgPool1d(3, 2, 1, ceil_mode=True, count_include_pad=False),
                           tnn.AvgPool1d(3, 2, 1, ceil_mode=True, count_include_pad=False), (_rand(2, 3, 10),)),
    "max_pool2d_dilation_ceil": lambda: (nn.MaxPool2d(3, 2, 1, dilation=(1, 2), ceil_mode=True),
                                         tnn.MaxPool2d(3, 2, 1, dilation=(1, 2), ceil_mode=True), (_rand(2, 3, 8, 9),)),
    "avg_pool2d_ceil_no_pad_count": lambda: (nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False),
                                             tnn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False),
                                             (_rand(2, 3, 8, 7),)),
    "avg_pool2d_divisor_override": lambda: (nn.AvgPool2d(2, divisor_override=3), tnn.AvgPool2d(2, divisor_override=3),
                                            (_rand(2, 3, 6, 6),)),
    "adaptive_avg_pool2d": lambda: (nn.AdaptiveAvgPool2d((3, 5)), tnn.AdaptiveAvgPool2d((3, 5)), (_rand(2, 3, 7, 8),)),
    "adaptive_avg_pool2d_global": lambda: (nn.AdaptiveAvgPool2d(1), tnn.AdaptiveAvgPool2d(1), (_rand(2, 3, 5, 4),)),
    "adaptive_max_pool2d": lambda: (nn.AdaptiveMaxPool2d((3, None)), tnn.AdaptiveMaxPool2d((3, None)),
                                    (_rand(2, 3, 7, 8),)),
    "max_unpool2d": _unpool_case,
    "upsample_nearest": lambda: (nn.Upsample(scale_factor=2), tnn.Upsample(scale_factor=2), (_rand(2, 3, 4, 5),)),
    "upsample_bilinear": lambda: (nn.Upsample(size=(7, 3), mode="bilinear"),
                                  tnn.Upsample(size=(7, 3), mode="bilinear"), (_rand(2, 3, 4, 5),)),
    "upsample_linear_align_corners": lambda: (nn.Upsample(scale_factor=2.5, mode="linear", align_corners=True),
                                              tnn.Upsample(scale_factor=2.5, mode="linear", align_corners=True),
                                              (_rand(2, 3, 6),)),
    "cnn_with_options": lambda: (
        nn.Sequential(nn.Conv2d(2, 4, 3, padding=2, dilation=2), nn.ReLU(), nn.Conv2d(4, 4, 3, groups=4),
                      nn.MaxPool2d(2, ceil_mode=True), nn.Upsample(scale_factor=2, mode="bilinear"),
                      nn.ConvTranspose2d(4, 2, 2, stride=2, groups=2), nn.AdaptiveAvgPool2d(3), nn.Flatten()),
        tnn.Sequential(tnn.Conv2d(2, 4, 3, padding=2, dilation=2), tnn.ReLU(), tnn.Conv2d(4, 4, 3, groups=4),
                       tnn.MaxPool2d(2, ceil_mode=True), tnn.Upsample(scale_factor=2, mode="bilinear"),
                       tnn.ConvTranspose2d(4, 2, 2, stride=2, groups=2), tnn.AdaptiveAvgPool2d(3), tnn.Flatten()),
        (_rand(2, 2, 9, 8),)),
}


@pytest.fixture(autouse=True)
def _seed_torch():
    torch.manual_seed(0)


@pytest.mark.filterwarnings("ignore:Using padding='same'")  # torch's note about its own copy
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_layer_matches_pytorch(case, dtype):
    ours, theirs, args = CASES[case]()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for name, t in theirs.state_dict().items():
        assert ours.state_dict()[name].shape == tuple(t.shape), name
    _compare(ours, theirs, args, dtype)


def test_max_pool_layer_returns_indices_that_unpool_layer_takes():
    x = _rand(2, 3, 6, 7)
    y, indices = nn.MaxPool2d(2, return_indices=True)(mg.Variable(x))
    t, t_indices = tnn.MaxPool2d(2, return_indices=True)(torch.tensor(x))
    np.testing.assert_array_equal(indices.data, t_indices.numpy())
    back = nn.MaxUnpool2d(2)(y, indices, output_size=x.shape)
    np.testing.assert_array_equal(back.data, tnn.MaxUnpool2d(2)(t, t_indices, output_size=x.shape).numpy())


@pytest.mark.parametrize("layer", [nn.Conv1d, nn.Conv2d, nn.ConvTranspose2d])
def test_conv_layers_cast_their_input(layer):
    assert layer.casts_input is True


def test_grouped_weights_use_the_fan_in_of_one_group():
    mg.manual_seed(0)
    conv = nn.Conv2d(64, 128, 3, groups=4)
    assert conv.weight.shape == (128, 16, 3, 3)
    assert conv.weight.data.std() == pytest.approx(np.sqrt(2 / (16 * 9)), rel=0.05)
    assert nn.ConvTranspose2d(6, 4, 3, groups=2).weight.shape == (6, 2, 3, 3)
    assert nn.Conv1d(4, 6, 5, groups=2).weight.shape == (6, 2, 5)
