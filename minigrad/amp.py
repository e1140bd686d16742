"""`minigrad.amp`: PyTorch's mixed-precision names, for programs that use them.

minigrad computes every op in the dtype of its arrays; it has no mixed
precision. As PyTorch's, `autocast(..., enabled=False)` and
`GradScaler(enabled=False)` pass through: the program runs in full
precision, unchanged. Enabled (the default), they raise NotImplementedError
saying so and what to write instead.
"""


def _unsupported(what):
    return NotImplementedError(
        f"{what}: mixed precision is not supported; minigrad computes every op in the dtype of its "
        f"arrays. Pass enabled=False (it then passes through, as PyTorch's does), or remove it and "
        f"train in full precision")


class autocast:
    """`with autocast(device_type, dtype=None, enabled=True):`, also a decorator.
    With enabled=False, a context that changes nothing (PyTorch's too)."""

    def __init__(self, device_type="cuda", dtype=None, enabled=True, cache_enabled=None):
        if enabled:
            raise _unsupported(f"amp.autocast(device_type={device_type!r}, dtype={dtype})")
        self.device = device_type
        self.fast_dtype = dtype

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False

    def __call__(self, function):
        """As a decorator: `function` run inside this (pass-through) context."""
        def run(*args, **kwargs):
            with self:
                return function(*args, **kwargs)
        return run


class GradScaler:
    """PyTorch's loss scaler. With enabled=False it passes through, as
    PyTorch's: `scale(loss)` is `loss`, `step(optimizer)` is
    `optimizer.step()`, `unscale_` and `update` do nothing."""

    def __init__(self, device="cuda", init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000, enabled=True):
        if enabled:
            raise _unsupported("amp.GradScaler")

    def scale(self, outputs):
        """The outputs, unscaled (the scale is 1)."""
        return outputs

    def unscale_(self, optimizer):
        """Nothing to unscale."""

    def step(self, optimizer, *args, **kwargs):
        """`optimizer.step(*args, **kwargs)`, and what it returns."""
        return optimizer.step(*args, **kwargs)

    def update(self, new_scale=None):
        """Nothing to update."""

    def get_scale(self):
        """The loss scale: 1.0, as a disabled scaler's."""
        return 1.0

    def is_enabled(self):
        """False: this scaler never scales."""
        return False

    def state_dict(self):
        """An empty dict: a disabled scaler has no state."""
        return {}

    def load_state_dict(self, state_dict):
        """Nothing to load: a disabled scaler has no state."""
