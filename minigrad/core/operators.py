"""The one place where Variable's operators meet the ops.

`Variable` (in core) offers `+ - * / ** @`, `x[i]`, `x.sum()` and so on, but
those ops live a layer up, in `minigrad.functions`, which imports core.
To keep imports one-way, `minigrad.functions` hands all its public functions
down once, at import time, by calling `install(...)`; Variable's operators,
its methods (core/tensor_methods.py) and NumPy's protocols
(core/numpy_protocol.py) then look them up in `ops` by name, when called, so
an op added to `minigrad.functions` needs no edit in core.
"""


class _Ops:
    """Namespace filled by `install`: one attribute per public function of
    minigrad.functions."""


ops = _Ops()


def install(**functions):
    """Make `functions` (name -> callable) available to Variable's methods."""
    for name, fn in functions.items():
        setattr(ops, name, fn)
