"""Upsample: `functions.interpolate` as a layer, with PyTorch's arguments."""
from .. import functions as F
from ..functions.resize import check_mode
from .module import Module


class Upsample(Module):
    """Resizes (N, C, L), (N, C, H, W) or (N, C, D, H, W) to `size` or by `scale_factor`;
    mode "nearest", "nearest-exact", "linear" (3-D), "bilinear" (4-D) or
    "trilinear" (5-D), align_corners as
    PyTorch (see functions.interpolate). No parameters."""

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None):
        super().__init__()
        check_mode("Upsample", mode)
        self.size = size
        self.scale_factor = scale_factor
        self.mode = mode
        self.align_corners = align_corners

    def forward(self, x):
        return F.interpolate(x, self.size, self.scale_factor, self.mode, self.align_corners)

    def extra_repr(self):
        shape = f"size={self.size}" if self.size is not None else f"scale_factor={self.scale_factor}"
        return f"{shape}, mode={self.mode!r}" + (f", align_corners={self.align_corners}"
                                                  if self.align_corners is not None else "")
