"""Version counters: how the backward pass notices that data an op saved was
changed in place after the op ran.

    y = F.exp(x)                  exp's backward needs y: dL/dx = dL/dy * y
    with mg.no_grad(): y += 1     y's data changes in place: version 0 -> 1
    y.sum().backward()            RuntimeError: exp's output 0 is at version 1;
                                  it was saved at version 0

Without the check the last line would silently use the changed y and give a
wrong gradient. The rules are PyTorch's:

- Every Variable's data has a version, a count of in-place changes. Views
  share it: an op whose result is a view of (or is) an input's array (reshape,
  slicing, `T`, transpose, squeeze ...) gives the result the input's
  `VersionCounter`, so `y.reshape(-1)[0:1].fill_(0)` counts as a change of y.
  `x.detach()` shares it too.
- Every in-place change made through minigrad bumps it: the in-place
  operators and `zero_ fill_ copy_`, NumPy ufuncs writing into a Variable
  (`np.add(w, 1, out=w)`), `optimizer.step()`, `Module.load_state_dict`,
  `nn.init.*_`.
- A recorded Function remembers the versions of its inputs and outputs, and
  before its backward runs, the engine compares them with the versions now,
  for the ones the class says its backward reads (`saves_for_backward`:
  "inputs", "outputs", both, neither for ops that only need shapes, or
  "each other" for a product of two inputs x and W, whose backward reads x
  only for W's gradient and W only for x's, as PyTorch's saves them).

Writes through `x.data` (or through a NumPy array that a Variable shares,
as with `from_numpy`) are not seen, as in PyTorch: `.data` is the way to
change values without the engine knowing.

Cost: a Variable nobody changed in place has no counter (`version_counter`
is None, version 0). The forward pass tests one slot per input; the backward
pass compares each function's creation number with the tick of the last
in-place write anywhere, and looks closer only when a write came after it.
"""
import itertools

# One clock for two things: Function.seq (creation order, core/function.py)
# and the time of each in-place write. A function recorded after the last
# write cannot have seen its saved data change.
ticks = itertools.count()
last_write = -1


class VersionCounter:
    """The number of in-place changes of one data buffer, shared by the
    Variables viewing it."""

    __slots__ = ("version",)

    def __init__(self):
        self.version = 0


def version_of(x):
    """x's version now: the count of in-place changes of its data."""
    counter = x.version_counter
    return 0 if counter is None else counter.version


def counter_of(x):
    """x's counter, made on first need (a view or a write)."""
    counter = x.version_counter
    if counter is None:
        counter = x.version_counter = VersionCounter()
    return counter


def bump(x):
    """Note that x's data was just changed in place."""
    global last_write
    counter_of(x).version += 1
    last_write = next(ticks)


def share(inputs, output):
    """Give `output` the counter of the input whose memory its data is (or
    views), so a change through either one is seen through both."""
    data = output.data
    root = data if data.base is None else data.base
    for x in inputs:
        xd = x.data
        if xd is data or (xd if xd.base is None else xd.base) is root:
            output.version_counter = counter_of(x)
            return


def remember(function, inputs, outputs):
    """Store on a recorded `function` the versions of its inputs and outputs
    (called only when one of them has a counter; none means all at 0)."""
    function.saved_versions = tuple(version_of(x) for x in (*inputs, *outputs))


def check(function):
    """Before `function.backward` runs: raise if data its backward reads was
    changed in place since the function was recorded."""
    reads = type(function).saves_for_backward
    if not reads:
        return
    saved = getattr(function, "saved_versions", None)
    inputs = function.inputs
    outputs = [ref() for ref in function.outputs]
    for i, x in enumerate((*inputs, *outputs)):
        is_input = i < len(inputs)
        if x is None or not _reads(reads, inputs, i):
            continue
        then = 0 if saved is None else saved[i]
        now = version_of(x)
        if now != then:
            raise _changed_error(function, x, "input" if is_input else "output",
                                 i if is_input else i - len(inputs), then, now)


def _reads(reads, inputs, i):
    """Whether backward reads the data of tensor i (inputs, then outputs)."""
    if i >= len(inputs):
        return "outputs" in reads
    if "inputs" in reads:
        return True
    if "each other" in reads and i < 2:  # a product: x for W's gradient, W for x's
        return inputs[1 - i].requires_grad
    return False


def _changed_error(function, x, kind, index, then, now):
    name = function.name
    return RuntimeError(
        f"{name}: {kind} {index} of {name} (shape {x.data.shape}, {x.data.dtype}), which its backward "
        f"needs, was changed in place after {name} ran: it is at version {now}; {name} saved it at "
        f"version {then}. Change a copy instead (y = y.clone() before the in-place change, or write "
        f"y = y + 1 out of place), or make the change after backward()")
