"""The one place where Variable's operators meet the ops.

`Variable` (in core) offers `+ - * / ** @`, `x[i]`, `x.sum()` and so on, but
those ops live a layer up, in `minigrad.functions`, which imports core.
To keep imports one-way, `minigrad.functions` hands its ops down once, at
import time, by calling `install(...)`; Variable's methods then look them up
in `ops`. Nothing else is patched onto Variable.
"""


class _Ops:
    """Namespace filled by `install`; one attribute per op Variable uses."""


ops = _Ops()


def install(**functions):
    """Make `functions` (name -> callable) available to Variable's methods."""
    for name, fn in functions.items():
        setattr(ops, name, fn)
