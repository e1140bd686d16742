"""minigrad's docstrings are plain text with `code` in single backticks
(written to be read in the source and by help()); autodoc parses them as
reStructuredText. This makes them valid reStructuredText: single backticks
become inline literals, stray markup characters are escaped, and an
indented block (a formula, a diagram, an example) becomes a literal block.
A paragraph ending in `::` introduces its literal block itself. A `>>>`
example (tests/docs/test_doctests.py runs them) stays a doctest block. The field
lists napoleon makes of a NumPy-style "Parameters" section (`:param x:`)
pass through with their inline code converted.
A docstring that still does not parse cleanly is shown as one literal block,
as help() shows it, so no docstring can break the build (`fallbacks` counts
them: tests/docs/test_docstrings.py keeps it at zero).

Each op of minigrad.functions gets its math appended: the LaTeX of its
declaration (`@declare(..., math=...)`, core/ops.py) as rendered formulas,
else the forward and derivative its Function classes' docstrings state.
"""
import re

import docutils.core
import docutils.utils

from minigrad.core.ops import declarations
from minigrad.viz.opmath import op_math

_INLINE_CODE = re.compile(r"(?<![`\\])`([^`\n]+)`(?!`)")
_LITERAL = re.compile(r"(``.+?``)")
_MARKUP = re.compile(r"([*_|\\])")
_BULLET = re.compile(r"^(\s*)([-*+]|\d+[.)]) +")
_FIELD = re.compile(r"^(:[^:]+:)(.*)$")     # :param x: ..., :returns: ... (napoleon's output)
_WORD_START = re.compile(r"\w")
fallbacks = []      # the names of docstrings shown as one literal block


def _inline(line):
    line = _INLINE_CODE.sub(r"``\1``", line)
    out = []
    for i, part in enumerate(_LITERAL.split(line)):
        if i % 2 == 0:
            part = _MARKUP.sub(r"\\\1", part)
            if i and _WORD_START.match(part):   # ``Subset``s: end the literal with an escaped space
                part = "\\ " + part
        out.append(part)
    return "".join(out)


def _blocks(lines):
    """Lines indented deeper than their paragraph, outside a bullet item,
    become literal blocks (`::` after a blank line). A `>>>` example and
    its output, up to the next blank line, pass as they are (a doctest
    block, shown as Python)."""
    out, in_literal, bullet_indent, in_field, in_doctest = [], False, None, False, False
    for line in lines:
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if not stripped:
            out.append("")
            in_doctest = False
            continue
        if in_doctest or (stripped.startswith(">>>") and not in_literal and not in_field):
            if not in_doctest and out and out[-1]:
                out.append("")
            out.append(line)
            in_doctest = True
            continue
        field = _FIELD.match(line)
        if field and not in_literal:
            out.append(field.group(1) + _inline(field.group(2)))
            in_field, bullet_indent = True, None
            continue
        if in_field and indent > 0:
            out.append(" " * indent + _inline(stripped))
            continue
        in_field = False
        bullet = _BULLET.match(line)
        if in_literal and indent > 0:
            out.append("    " + line)
            continue
        if in_literal:
            in_literal = False
            out.append("")
        if bullet and indent == 0:
            if out and out[-1] and bullet_indent is None:
                out.append("")
            bullet_indent = bullet.end()
            out.append(_inline(line))
            continue
        if bullet_indent is not None and indent == bullet_indent:
            out.append(_inline(line))
            continue
        if indent > 0:
            introduced = any(out) and [o for o in out if o][-1].endswith("::")
            if out and out[-1]:
                out.append("")
            out.extend(([] if introduced else ["::", ""]) + ["    " + line])
            in_literal, bullet_indent = True, None
            continue
        if bullet_indent is not None:
            bullet_indent = None
            if out and out[-1]:
                out.append("")
        out.append(_inline(line))
    return out


def _parses_cleanly(text):
    settings = {"report_level": docutils.utils.Reporter.WARNING_LEVEL, "halt_level": 5,
                "warning_stream": False, "file_insertion_enabled": False, "raw_enabled": False}
    doctree = docutils.core.publish_doctree(text, settings_overrides=settings)
    return not any(node["level"] >= docutils.utils.Reporter.WARNING_LEVEL
                   for node in doctree.findall(docutils.nodes.system_message))


def as_restructured_text(app, what, name, obj, options, lines):
    """autodoc-process-docstring: rewrite `lines` in place."""
    converted = _blocks(lines) if lines else []
    if not _parses_cleanly("\n".join(converted)):
        fallbacks.append(name)
        converted = ["::", ""] + ["    " + line for line in lines]
    if what == "function" and name.startswith("minigrad.functions."):
        converted += op_math_lines(getattr(obj, "__name__", name.rsplit(".", 1)[-1]))
    lines[:] = converted + [""]


def op_math_lines(op_name):
    """reStructuredText showing the forward and derivative of the op
    `op_name`: rendered LaTeX from its declaration, else its classes' math."""
    declaration = declarations.get(op_name)
    if declaration is None:
        return []
    if declaration.math:
        forward, derivative = declaration.math
        return ["", ".. rubric:: Math", "", "Forward:", "", ".. math::", "", "   " + forward, "",
                "Derivative:", "", ".. math::", "", "   " + derivative, ""]
    rows = []
    for function in declaration.functions:
        math = op_math(function)
        if math.forward:
            rows += [f"    {function.__name__}:  {math.forward}"]
            if math.derivative:
                rows += [f"    {' ' * len(function.__name__)}   {math.derivative}"]
    if not rows:
        return []
    return ["", ".. rubric:: Math", "", "The forward and derivative of the Function classes it records::", ""] + rows + [""]
