"""Which sub-module made which op: the clusters of a big model's picture.

    with viz.module_scopes(model):
        loss = F.mean_squared_error(model(x), t)
    viz.to_dot(loss, params=model, cluster_modules=True)

Inside the block every sub-module's `forward` is wrapped, on the instance
only, so that each call notes the span of Function creation numbers (`seq`,
one global counter) it covered. Calls nest, so the spans nest, and an op
belongs to the innermost call whose span holds its `seq`. Leaving the block
puts the original `forward`s back. The spans of the latest block are kept
per model (weakly) for `to_dot` to find; the recording holds its model only
by weak reference, so a recorded model is still freed when the user drops it.
"""
import weakref

from ..core.function import creation_tick

_recorded = weakref.WeakKeyDictionary()   # model -> its latest ModuleScopes


class ModuleScopes:
    """Records, while active, the `seq` spans of every sub-module call of
    `model`. Use through `viz.module_scopes(model)`."""

    def __init__(self, model):
        if not hasattr(model, "named_modules"):
            raise TypeError(f"module_scopes: expected a Module, got {type(model).__name__}")
        self._model = weakref.ref(model)   # the _recorded value must not keep its key alive
        self.spans = []    # (start, stop, dotted name): ops with start < seq < stop
        self.kinds = {}    # dotted name -> class name, for cluster titles
        self._wrapped = []

    @property
    def model(self):
        """The recorded model, or None once it has been freed."""
        return self._model()

    def __enter__(self):
        for path, module in self.model.named_modules():
            if path:   # the model itself is the whole picture, not a cluster
                self.kinds[path] = type(module).__name__
                self._wrap(module, path)
        return self

    def __exit__(self, *exc_info):
        for module, own in self._wrapped:
            if own is None:
                object.__delattr__(module, "forward")
            else:
                object.__setattr__(module, "forward", own)
        self._wrapped.clear()
        _recorded[self.model] = self
        return False

    def _wrap(self, module, path):
        own = module.__dict__.get("forward")   # an instance-level forward to restore
        forward = module.forward
        spans = self.spans

        def recording_forward(*args, **kwargs):
            start = creation_tick()
            try:
                return forward(*args, **kwargs)
            finally:
                spans.append((start, creation_tick(), path))

        object.__setattr__(module, "forward", recording_forward)
        self._wrapped.append((module, own))

    def module_of(self, functions):
        """{function: dotted name of the innermost sub-module call that
        created it} for `functions` sorted by seq; ops made outside every
        sub-module are left out."""
        spans = sorted(self.spans)
        owner = {}
        open_spans = []   # nested calls holding the current seq, innermost last
        i = 0
        for f in functions:
            while i < len(spans) and spans[i][0] < f.seq:
                while open_spans and open_spans[-1][1] < spans[i][0]:
                    open_spans.pop()
                open_spans.append(spans[i])
                i += 1
            while open_spans and open_spans[-1][1] < f.seq:
                open_spans.pop()
            if open_spans:
                owner[f] = open_spans[-1][2]
        return owner


def module_scopes(model):
    """Context manager: record which sub-module of `model` creates which op
    while the forward pass runs inside it, so that
    `viz.to_dot(y, params=model, cluster_modules=True)` can draw one
    labelled cluster per sub-module (nested as the modules are)."""
    return ModuleScopes(model)


def recorded_scopes(model):
    """The ModuleScopes of the latest `module_scopes(model)` block, or None."""
    try:
        return _recorded.get(model)
    except TypeError:   # not weak-referenceable, so never recorded
        return None
