"""The part of a computation graph reachable from some outputs, numbered.

    x ──► [mul] ──► y ──► [sum] ──► L        functions f0, f1 (creation order)
                                              variables v0 x, v1 y, v2 L

Numbers come from the order in which the Functions were created (their
`seq`), renumbered from 0 within each drawing, never from `id()`: the same
code gives the same numbers, so the same DOT text, on every run. The walk
from the outputs to the leaves uses an explicit stack, so a graph of any
depth can be drawn.

Some ops hold an array operand as a setting rather than as an input: the
integer labels of softmax_cross_entropy, the indices of max_unpool2d. They are drawn as constant inputs
of their op all the same (ids "c0", "c1", ...), so the picture shows every
operand of the loss.
"""
import numpy as np

# Array settings that are operands of their op: drawn as constant inputs.
OPERAND_SETTINGS = ("labels", "indices")


class Graph:
    """Functions and Variables reachable from `outputs`, with stable ids.

    functions    list of Functions in creation order; ids "f0", "f1", ...
    variables    list of Variables, each once, in the order the functions
                 meet them (inputs, then outputs); ids "v0", "v1", ...
    function_ids, variable_ids   dicts from object to id.
    operands     list of (function, setting name, ndarray): array settings
                 drawn as constant inputs (see OPERAND_SETTINGS); ids "c0", ...
    """

    __slots__ = ("outputs", "functions", "variables", "function_ids", "variable_ids", "operands")

    def __init__(self, outputs):
        self.outputs = list(outputs)
        self.functions = _reachable_functions(self.outputs)
        self.function_ids = {f: f"f{k}" for k, f in enumerate(self.functions)}
        self.variables = []
        self.variable_ids = {}
        for f in self.functions:
            for x in f.inputs:
                self._number(x)
            for y in self.function_outputs(f):
                if y is not None:
                    self._number(y)
        for y in self.outputs:
            self._number(y)
        self.operands = [(f, key, getattr(f, key)) for f in self.functions for key in OPERAND_SETTINGS
                         if isinstance(getattr(f, key, None), np.ndarray)]

    def _number(self, x):
        if x not in self.variable_ids:
            self.variable_ids[x] = f"v{len(self.variables)}"
            self.variables.append(x)

    @staticmethod
    def function_outputs(f):
        """f's output Variables; None for an output nobody keeps any more."""
        return [ref() for ref in f.outputs]

    def edges(self):
        """(edge_id, tail_id, head_id) for every arrow, in a fixed order:
        variable -> function for each input ("f3_in0": input 0 of f3) and
        function -> variable for each live output ("f3_out0"), after
        the arrows from the array operands ("f3_labels")."""
        operands = {}
        for k, (f, key, _) in enumerate(self.operands):
            operands.setdefault(f, []).append((f"c{k}", key))
        for f in self.functions:
            fid = self.function_ids[f]
            for i, x in enumerate(f.inputs):
                yield f"{fid}_in{i}", self.variable_ids[x], fid
            for cid, key in operands.get(f, ()):
                yield f"{fid}_{key}", cid, fid
            for j, y in enumerate(self.function_outputs(f)):
                if y is not None:
                    yield f"{fid}_out{j}", fid, self.variable_ids[y]


def _reachable_functions(outputs):
    """Every Function an output depends on, sorted by creation order."""
    seen = set()
    stack = [y.creator for y in outputs if y.creator is not None]
    while stack:
        f = stack.pop()
        if f in seen:
            continue
        seen.add(f)
        stack.extend(x.creator for x in f.inputs if x.creator is not None and x.creator not in seen)
    return sorted(seen, key=lambda f: f.seq)
