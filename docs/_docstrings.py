"""minigrad's docstrings are plain text with `code` in single backticks
(written to be read in the source and by help()); autodoc parses them as
reStructuredText. This makes them valid reStructuredText: single backticks
become inline literals, stray markup characters are escaped, and an
indented block (a formula, a diagram, an example) becomes a literal block.
A docstring that still does not parse cleanly is shown as one literal block,
as help() shows it, so no docstring can break the build."""
import re

import docutils.core
import docutils.utils

_INLINE_CODE = re.compile(r"(?<![`\\])`([^`\n]+)`(?!`)")
_LITERAL = re.compile(r"(``.+?``)")
_MARKUP = re.compile(r"([*_|\\])")
_BULLET = re.compile(r"^(\s*)([-*+]|\d+[.)]) +")


def _inline(line):
    line = _INLINE_CODE.sub(r"``\1``", line)
    parts = _LITERAL.split(line)
    return "".join(part if i % 2 else _MARKUP.sub(r"\\\1", part) for i, part in enumerate(parts))


def _blocks(lines):
    """Lines indented deeper than their paragraph, outside a bullet item,
    become literal blocks (`::` after a blank line)."""
    out, in_literal, bullet_indent = [], False, None
    for line in lines:
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if not stripped:
            out.append("")
            continue
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
            if out and out[-1]:
                out.append("")
            out.extend(["::", "", "    " + line])
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
    if not lines:
        return
    converted = _blocks(lines)
    if not _parses_cleanly("\n".join(converted)):
        converted = ["::", ""] + ["    " + line for line in lines]
    lines[:] = converted + [""]
