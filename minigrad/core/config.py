"""Global switches: whether graphs are recorded, and whether layers train.

`no_grad()` / `enable_grad()` flip `Config.enable_backprop`; `Config.train`
tells ops such as dropout and batch_norm whether they are in training mode
(modules pass their own `training` flag explicitly instead).
"""
import contextlib


class Config:
    enable_backprop = True
    train = True


@contextlib.contextmanager
def using_config(name, value):
    """Temporarily set `Config.<name>` to `value`."""
    old = getattr(Config, name)
    setattr(Config, name, value)
    try:
        yield
    finally:
        setattr(Config, name, old)


def no_grad():
    """Context manager: ops run but record no graph (inference, updates)."""
    return using_config("enable_backprop", False)


def enable_grad():
    """Context manager: record the graph again, e.g. inside `no_grad()`."""
    return using_config("enable_backprop", True)


def is_grad_enabled():
    """True when ops record the graph."""
    return Config.enable_backprop


def test_mode():
    """Context manager: ops that behave differently in training (dropout,
    batch_norm) use their inference behaviour."""
    return using_config("train", False)
