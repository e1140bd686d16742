"""The backward pass: reverse-mode differentiation over the recorded graph.

Functions are taken from a heap, highest generation first, so a function
runs only after every function that used its outputs has sent its gradient.
The loop is iterative (no Python recursion: a chain of 100,000 ops works)
and costs O(n log n) in the number of functions, fan-in included.
Gradients of intermediate Variables wait in the `pending` table and are
popped, and so freed, the moment their creator consumes them.
"""
import heapq

import numpy as np

from .config import Config
from .operators import ops

# Observers of the backward pass (`minigrad.viz.trace_backward` adds one while
# it records). Read once per backward call; empty, it costs one `is None` test
# per function. An observer has `begin(outputs, grad_outputs)`, called before
# the first step, and `step(function, gys, gxs)`, called after each function
# has sent its gradients.
_observers = []


def backward(outputs, grad_outputs, retain_grad=False, create_graph=False, inputs=None):
    """Propagate `grad_outputs` (Variables) from `outputs` back through the graph.

    With `inputs=None`, gradients accumulate into `.grad` of the leaves
    (and of intermediates when `retain_grad`). With `inputs` given, nothing
    is written to `.grad`: the gradients reaching those Variables are
    returned as a list (None where none arrives).
    """
    capture = None if inputs is None else {x: None for x in inputs}
    pending = {}   # Variable -> gradient received so far, not yet consumed
    heap = []      # (-generation, -seq, function): newest, deepest first
    queued = set()

    def send(x, gx):
        if gx.data.shape != x.data.shape:
            gx = ops.sum_to(gx, x.data.shape)
        if capture is not None and x in capture:
            capture[x] = gx if capture[x] is None else capture[x] + gx
        creator = x.creator
        if creator is None:
            if capture is None:
                x.grad = gx if x.grad is None else x.grad + gx
            return
        if x in pending:
            pending[x] = pending[x] + gx
        else:
            pending[x] = gx
            if creator not in queued:
                queued.add(creator)
                heapq.heappush(heap, (-creator.generation, -creator.seq, creator))

    retain = retain_grad and capture is None
    observer = _observers[-1] if _observers else None
    saved = Config.enable_backprop
    Config.enable_backprop = create_graph
    try:
        if observer is not None:
            observer.begin(outputs, grad_outputs)
        for y, gy in zip(outputs, grad_outputs):
            send(y, gy)
        while heap:
            function = heapq.heappop(heap)[2]
            outputs = function.outputs
            if len(outputs) == 1:  # the common case, kept short
                y = outputs[0]()
                gy = pending.pop(y)
                if retain:
                    y.grad = gy if y.grad is None else y.grad + gy
                gxs = function.backward(gy)
            else:
                gys = []
                for ref in outputs:
                    y = ref()
                    gy = None if y is None else pending.pop(y, None)
                    if gy is not None and retain:
                        y.grad = gy if y.grad is None else y.grad + gy
                    gys.append(gy)
                gxs = function.backward(*gys)
            xs = function.inputs
            if type(gxs) is not tuple:
                gxs = tuple(gxs) if isinstance(gxs, list) else (gxs,)
            if len(gxs) != len(xs):
                raise RuntimeError(
                    f"{function.name}: backward returned {len(gxs)} gradients for {len(xs)} inputs")
            for x, gx in zip(xs, gxs):
                if gx is not None:
                    send(x, gx if hasattr(gx, "creator") else _as_gradient(gx))
            if observer is not None:
                observer.step(function, (gy,) if len(outputs) == 1 else gys, gxs)
    finally:
        Config.enable_backprop = saved
    if capture is not None:
        return [capture[x] for x in inputs]
    return None


def _as_gradient(gx):
    # A user-defined backward may return a plain ndarray; accept it.
    from .variable import Variable
    return Variable(np.asarray(gx))
