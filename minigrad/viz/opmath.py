"""The math of an op, as its class docstring states it.

Every op's docstring gives its forward formula and its local derivatives,
the second starting at the first derivative in the text:

    class Tanh(Function):
        \"\"\"y = tanh(x).   dy/dx = 1 - y**2\"\"\"            forward | derivative

    class MatMul(Function):
        \"\"\"y = a @ b (batched ...).

                ga = gy @ b^T      gb = a^T @ gy           derivative
        \"\"\"

A derivative is written `dy/dx` (or `d gx/d gy`, `dloss/dp`) or as the
gradient an input receives, `gx = ...` (`ga`, `gW`, `gcols`, `gx_k`, `ggy`,
`gx[n, c, k]`). The
pictures show these texts, so the docstring stays the one place where an
op's math is written.
"""
import inspect
import re
from typing import NamedTuple

import numpy as np

from ..core import Function
from ..core.ops import declarations

# dy/dx, dloss/dp, d gx/d gy   |   gx =, gW =, gcols =, gx_k =, ggy =, gx[n, c, k] =
_DERIVATIVE = re.compile(r"\bd ?[A-Za-z]\w* ?/ ?d ?[A-Za-z]|\bg{1,2}(?:[A-Za-z]|cols)(?:_\w)?(?:\[[^\]]*\])? ?=")
_GAP = re.compile(r"\s{3,}")   # formulas side by side on one line


class OpMath(NamedTuple):
    """forward: the formula of the value; derivative: the local derivatives
    ('' when the docstring states none)."""
    forward: str
    derivative: str


def op_math(op):
    """The OpMath of a Function (instance or class), read from the first
    docstring along its classes below Function."""
    cls = op if isinstance(op, type) else type(op)
    doc = ""
    for klass in cls.__mro__:
        if klass is Function or not issubclass(klass, Function):
            break
        doc = vars(klass).get("__doc__") or ""
        if doc.strip():
            break
    paragraphs = [p for p in inspect.cleandoc(doc).split("\n\n") if p.strip()]
    if not paragraphs:
        return OpMath("", "")
    forward = _flatten(paragraphs[0]).rstrip(":")
    for k, paragraph in enumerate(paragraphs):
        # A backward op's docstring opens with `gx = ...`, its forward formula:
        # its own derivatives come after that.
        match = _DERIVATIVE.search(paragraph, 1 if k == 0 else 0)
        if match:
            block = _is_block(paragraph)
            if k == 0:
                forward = _flatten(paragraph[:match.start()], block).rstrip(" .,;:") + "."
            return OpMath(forward, _flatten(paragraph[match.start():], block))
    return OpMath(forward, "")


def _is_block(paragraph):
    """An indented paragraph: formulas, one per line."""
    return all(line.startswith(" ") or not line.strip() for line in paragraph.split("\n"))


def _flatten(paragraph, block=None):
    """One line: an indented block's lines (one formula each) and formulas
    set apart by wide gaps are joined with '; ', prose lines with spaces."""
    block = _is_block(paragraph) if block is None else block
    parts = []
    for line in paragraph.split("\n"):
        pieces = [p for p in _GAP.split(line.strip()) if p]
        if not pieces:
            continue
        if parts and not block:
            parts[-1] += " " + pieces[0]
            pieces = pieces[1:]
        parts.extend(pieces)
    return "; ".join(parts).replace(",; ", "; ").replace(";; ", "; ")


class DrawnOp(NamedTuple):
    """How a Function is drawn: name, settings (a dict) and math."""
    name: str
    settings: dict
    math: OpMath


def _is_negative(c):
    return isinstance(c, (int, float, np.integer, np.floating)) and not isinstance(c, bool) and c < 0


# `x - 0.5` runs as add_constant(c=-0.5): drawn as the subtraction it was.
_SUBTRACTION = OpMath("y = x - c for a Python number c.", "dy/dx = 1")


def drawn_op(function):
    """The name, settings and math a Function is drawn with."""
    name, settings = function.name, function.settings()
    if name == "add_constant" and _is_negative(settings.get("c")):
        return DrawnOp("sub_constant", dict(settings, c=-settings["c"]), _SUBTRACTION)
    return DrawnOp(name, settings, op_math(function))


def declared_math(name):
    """(forward, derivative) in LaTeX as the op `name` of minigrad.functions
    declares it (`@declare(..., math=...)`, core/ops.py), or None."""
    declaration = declarations.get(name)
    return declaration.math if declaration is not None else None
