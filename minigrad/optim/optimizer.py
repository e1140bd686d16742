"""Optimizer: the base class of every update rule.

An optimiser holds the parameters in *param groups* (lists of Variables that
share hyperparameters, as PyTorch's `param_groups`) and a small *state* per
parameter (moment estimates, step counts). `step()` reads each parameter's
`grad` and changes its `data` in place with NumPy, so updates record no
graph and keep the parameter's dtype (float32 stays float32).

A subclass writes one method, `update(param, grad, state, group)`, which
changes the ndarray `param` in place; `state` starts as an empty dict the
first time a parameter is stepped.
"""
import copy
import numbers

import numpy as np

from ..device import backend
from ..core import Variable, enable_grad, versions


class Optimizer:
    """Base class: param groups, per-parameter state, `step()`, `zero_grad()`,
    `state_dict()`, `load_state_dict()` and a settable `lr`.

    `params` is an iterable of Variables, or of dicts each holding
    `"params"` (Variables) plus hyperparameters that override `defaults`
    for that group.
    """

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self.param_groups = []
        self.state = {}  # Variable -> dict; Variables hash by identity
        if isinstance(params, Variable):
            raise TypeError(
                f"{self._name}: params must be an iterable of Variables or of dicts, "
                "got a single Variable; wrap it in a list: [x]")
        params = list(params)
        if not params:
            raise ValueError(f"{self._name}: got an empty parameter list")
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        for group in groups:
            self.add_param_group(group)

    @property
    def _name(self):
        return type(self).__name__

    def add_param_group(self, group):
        """Add a dict with `"params"` and optional hyperparameters; the ones
        it leaves out take the optimiser's defaults."""
        if not isinstance(group, dict) or "params" not in group:
            raise TypeError(
                f"{self._name}: a param group must be a dict with a 'params' entry, got {group!r:.80}")
        params = group["params"]
        params = [params] if isinstance(params, Variable) else list(params)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        for p in params:
            if not isinstance(p, Variable):
                raise TypeError(f"{self._name}: can only optimise Variables, got {type(p).__name__}")
            if p.dtype.kind != "f":
                raise TypeError(
                    f"{self._name}: can only optimise floating-point Variables, got dtype {p.dtype}")
            if id(p) in seen:
                raise ValueError(f"{self._name}: a parameter appears twice in the parameter list")
            seen.add(id(p))
        unknown = set(group) - set(self.defaults) - {"params"}
        if unknown:
            raise TypeError(
                f"{self._name}: unknown hyperparameter(s) {sorted(unknown)} in a param group; "
                f"expected some of {sorted(self.defaults)}")
        full = {**self.defaults, **group, "params": params}
        self.check_hyperparameters(full)
        self.param_groups.append(full)

    def check_hyperparameters(self, group):
        """Raise ValueError on a bad hyperparameter; subclasses extend it."""
        for name in ("lr", "weight_decay", "eps", "momentum"):
            if name in group:
                check_range(self._name, name, group[name], low=0.0)

    # -- the learning rate the schedulers change -----------------------------
    @property
    def lr(self):
        """The learning rate (of the first param group). Setting it sets every group's."""
        return self.param_groups[0]["lr"]

    @lr.setter
    def lr(self, value):
        check_range(self._name, "lr", value, low=0.0)
        for group in self.param_groups:
            group["lr"] = value

    # -- stepping ----------------------------------------------------------
    def zero_grad(self, set_to_none=True):
        """Forget every parameter's gradient: `grad` becomes None (PyTorch's
        default, and `step()` then skips the parameter), or with
        `set_to_none=False` zeros, in the same `grad` Variable, as PyTorch's
        (`step()` then still applies weight decay and momentum to it)."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none or p.grad is None:
                    p.cleargrad()
                else:   # a fresh array: the old one may be shared or read-only
                    p.grad.data = backend.get_array_module(p.grad.data).zeros_like(p.grad.data)

    def step(self, closure=None):
        """Update every parameter that has a gradient; those whose `grad` is
        None are skipped. `closure`, if given, recomputes the loss (with
        backward) first and its value is returned."""
        loss = None
        if closure is not None:
            if not callable(closure):
                raise TypeError(f"{type(self).__name__}.step: closure must be a function that recomputes the "
                                f"loss, got {type(closure).__name__} {closure!r}")
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad.data
                if grad.shape != p.data.shape:
                    raise ValueError(
                        f"{self._name}.step: a parameter of shape {p.data.shape} has a gradient "
                        f"of shape {grad.shape}; expected the same shape")
                grad = grad.astype(p.data.dtype, copy=False)
                self.update(p.data, grad, self.state.setdefault(p, {}), group)
                versions.bump(p)  # p changed in place: an op that saved it sees it (core/versions.py)
        return loss

    def update(self, param, grad, state, group):
        """Change the ndarray `param` in place given its `grad`."""
        raise NotImplementedError(f"{self._name}: update is not defined")

    # -- saving and restoring ----------------------------------------------
    def state_dict(self):
        """The hyperparameters and per-parameter state as plain data, with
        parameters numbered 0, 1, ... in group order (as PyTorch does).
        Arrays are copies."""
        index = {}
        groups = []
        for group in self.param_groups:
            numbers_ = []
            for p in group["params"]:
                index[p] = len(index)
                numbers_.append(index[p])
            groups.append({**copy.deepcopy({k: v for k, v in group.items() if k != "params"}),
                           "params": numbers_})
        state = {index[p]: copy.deepcopy(s) for p, s in self.state.items() if p in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore hyperparameters and state saved by `state_dict()` into this
        optimiser, whose groups must hold the same number of parameters.
        Arrays are copied and cast to each parameter's dtype."""
        if not isinstance(state_dict, dict) or not {"param_groups", "state"} <= state_dict.keys():
            got = sorted(map(str, state_dict)) if isinstance(state_dict, dict) else type(state_dict).__name__
            raise ValueError(
                f"{self._name}.load_state_dict: expected a dict with 'param_groups' and 'state' "
                f"(from an optimiser's state_dict()), got {got}")
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"{self._name}.load_state_dict: the state has {len(saved_groups)} param group(s) "
                f"but this optimiser has {len(self.param_groups)}")
        params = {}
        for i, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"{self._name}.load_state_dict: param group {i} has {len(saved['params'])} "
                    f"parameter(s) in the state but {len(group['params'])} here")
            params.update(zip(saved["params"], group["params"]))
        new_state = {}
        for number, saved in state_dict["state"].items():
            p = params[int(number)]
            new_state[p] = {name: _cast_like(p, name, value, self._name) for name, value in saved.items()}
        for saved, group in zip(saved_groups, self.param_groups):
            group.update({k: copy.deepcopy(v) for k, v in saved.items() if k != "params"})
        self.state = new_state

    def __repr__(self):
        lines = [f"{self._name} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"  group {i}: {len(group['params'])} parameter(s)")
            lines.extend(f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params")
        return "\n".join(lines + [")"])


def _cast_like(param, name, value, who):
    """A saved state entry ready for `param`: arrays copied in its dtype."""
    if isinstance(value, np.ndarray):
        if value.shape != param.data.shape:
            raise ValueError(
                f"{who}.load_state_dict: state '{name}' has shape {value.shape} but its "
                f"parameter has shape {param.data.shape}")
        value = value.astype(param.data.dtype, copy=True)
        return backend.to_device(value, backend.device_of(param.data))  # where the parameter lives
    return copy.deepcopy(value)


def check_range(who, name, value, low=None, high=None, high_open=False):
    """Raise ValueError unless `low <= value <= high` (`< high` if `high_open`)."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{who}: {name} must be a real number, got {value!r}")
    too_low = low is not None and value < low
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high or value != value:
        if high is None:
            expected = f"{name} >= {low}"
        else:
            expected = f"{name} in [{low}, {high}{')' if high_open else ']'}"
        raise ValueError(f"{who}: invalid {name} {value!r}; expected {expected}")


def l2_gradient(grad, param, weight_decay):
    """The gradient of loss + weight_decay/2 * |param|^2 (PyTorch's
    `weight_decay` for all but AdamW)."""
    return grad + weight_decay * param if weight_decay != 0 else grad
