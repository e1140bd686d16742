"""Text for the nodes of a graph picture: arrays, op settings, HTML labels.

Small arrays print their numbers, rounded to 4 significant digits; bigger
ones a summary, `(64, 10) min -1.2 mean 0.031 max 2.1`, so a node stays
readable whatever the size of the tensor it stands for. Numbers are rounded
relative to the array's scale (its largest magnitude): one that is below
that scale's last shown digit, rounding noise like 2.9e-09 beside 1.5,
prints as 0. `heat_map` describes a bigger array as 2-D slices of colours
for the stepper to draw.
"""
import html

import numpy as np

from ..device import backend

MAX_ELEMENTS = 16   # arrays up to this size print every number


def number(v, digits=4, scale=None):
    """One number to `digits` significant digits: 1, 0.3333, -2.5e-07;
    0 when it is below the last digit shown of `scale` (the largest
    magnitude among the numbers it is shown with)."""
    if scale is not None and np.isfinite(scale) and abs(v) < scale * 0.5 * 10.0 ** (1 - digits):
        v = 0
    if v == 0:
        v = abs(v)   # -0.0 (say relu's gradient times a negative) prints as 0
    return f"{v:.{digits}g}"


def scale_of(a):
    """The largest finite magnitude in `a` (0 when none)."""
    finite = np.abs(a[np.isfinite(a)]) if a.dtype.kind in "fc" else np.abs(a)
    return float(finite.max()) if finite.size else 0.0


def format_array(a, max_elements=MAX_ELEMENTS, one_line=False, digits=4):
    """`a` as text: its numbers (to `digits` significant digits) when it
    has at most `max_elements` elements and at most 2 dimensions, else a
    summary (shape, min, mean, max). Matrices take one line per row unless
    `one_line`."""
    a = backend.to_host(a)  # pictures are drawn from host copies (of GPU arrays too)
    if 0 < a.size <= max_elements and a.ndim <= 2:
        scale = scale_of(a)

        def fmt(v):
            return number(v, digits, scale)
        text = np.array2string(a, separator=", ", max_line_width=10**6,
                               formatter={"float_kind": fmt, "complex_kind": fmt})
        return " ".join(text.split()) if one_line else text
    return summarize(a)


def summarize(a):
    """`(shape) min .. mean .. max ..` of an array (magnitudes if complex)."""
    if a.size == 0:
        return f"{a.shape} empty"
    kind = ""
    if a.dtype.kind == "c":
        a, kind = np.abs(a), "|x| "
    elif a.dtype.kind == "b":
        a = a.astype(np.int64)
    scale = scale_of(a)
    return (f"{a.shape} {kind}min {number(a.min(), scale=scale)} mean {number(a.mean(), scale=scale)} "
            f"max {number(a.max(), scale=scale)}")


def format_setting(value, limit=40):
    """An op setting (axis, shape, stride, an index ...) as short text."""
    if isinstance(value, np.ndarray) or (hasattr(value, "shape") and not isinstance(value, np.generic)):
        text = format_array(value, max_elements=8, one_line=True)
    elif isinstance(value, slice):
        parts = [value.start, value.stop] + ([] if value.step is None else [value.step])
        text = ":".join("" if part is None else str(part) for part in parts)
    elif value is Ellipsis:
        text = "..."
    elif isinstance(value, tuple) and value:
        text = "(" + ", ".join(format_setting(v, limit) for v in value) + ("," if len(value) == 1 else "") + ")"
    elif isinstance(value, (float, np.floating)):
        text = number(value)
    else:
        text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def settings_text(settings):
    """`axis=1, keepdims=False`: an op's settings (a dict) on one line ('' if none)."""
    return ", ".join(f"{key}={format_setting(value)}" for key, value in settings.items())


def wrap_list(text, width=40):
    """A comma-separated list (`settings_text`) broken into lines of about
    `width` characters at its top-level commas, so a long one (conv2d's)
    makes a narrow node rather than a wide one."""
    items, depth, start = [], 0, 0
    for k, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:   # a comma between items, not inside a tuple
            items.append(text[start:k + 1])
            start = k + 2
    items.append(text[start:])
    lines = [""]
    for item in items:
        if lines[-1] and len(lines[-1]) + 1 + len(item) > width:
            lines.append(item)
        else:
            lines[-1] = f"{lines[-1]} {item}" if lines[-1] else item
    return "\n".join(lines)


# Row styles of a node label: (font attributes, bold?)
_STYLES = {
    "title": ('POINT-SIZE="12"', True),
    "detail": ('POINT-SIZE="10" COLOR="#444444"', False),
    "value": ('POINT-SIZE="10" FACE="monospace"', False),
    "grad": ('POINT-SIZE="10" FACE="monospace" COLOR="#a4262c"', False),
}


def html_label(rows):
    """A Graphviz HTML-like label from (text, style) rows; `style` is one of
    title, detail, value, grad. A row of several lines (a matrix) is
    left-aligned so its columns line up; the others are centred."""
    lines = []   # (html of one line, alignment of that line)
    for text, style in rows:
        font, bold = _STYLES[style]
        row = text.split("\n")
        for line in row:
            body = html.escape(line, quote=False) or " "
            if bold:
                body = f"<B>{body}</B>"
            lines.append((f"<FONT {font}>{body}</FONT>", "LEFT" if len(row) > 1 else "CENTER"))
    if not lines:
        return "< >"
    # <BR ALIGN=.../> aligns the line before it; a left-aligned last line needs one too.
    last, last_align = lines[-1]
    tail = '<BR ALIGN="LEFT"/>' if last_align == "LEFT" else ""
    return "<" + "".join(f'{body}<BR ALIGN="{align}"/>' for body, align in lines[:-1]) + last + tail + ">"


HEAT_CELLS = 2048   # colour cells a heat map draws at most, all slices together
HEAT_COLUMNS = 100  # and across one slice
HEAT_SLICES = 16
VECTOR_ROW = 32     # a long vector wraps into rows of this many


def heat_map(a, digits=4, cells=HEAT_CELLS):
    """A JSON-ready picture of `a` as colours: {"shape", "lo", "hi",
    "slices": [{"label", "rows"}, ...], "more"}: one 2-D slice per index
    of the leading axes (a conv kernel (2, 1, 3, 3) gives slices [0, 0]
    and [1, 0] of 3x3; up to HEAT_SLICES, "more" counts the rest), a
    vector (or a row, (1, 72)) as rows of VECTOR_ROW. A big slice is sampled with a stride
    (its label says so) to keep `cells` cells in all. Numbers are rounded to `digits` significant
    digits relative to the scale of `a`."""
    a = backend.to_host(a)
    a = np.asarray(np.abs(a) if a.dtype.kind == "c" else a, dtype=np.float64)
    leading = a.shape[:-2] if a.ndim > 2 else ()
    if sum(n > 1 for n in a.shape) <= 1:   # a vector, (1, 72) too
        flat = a.reshape(-1)
        width = min(VECTOR_ROW, max(1, flat.size))
        padded = np.full(-(-flat.size // width) * width, np.nan)
        padded[:flat.size] = flat
        planes = padded.reshape(1, -1, width)
    else:
        planes = a.reshape((-1,) + a.shape[-2:])
    shown = min(len(planes), HEAT_SLICES)
    rows, cols = planes.shape[1:]
    stride = 1
    while (-(-cols // stride) > HEAT_COLUMNS
           or (-(-rows // stride)) * (-(-cols // stride)) * shown > cells):
        stride += 1
    scale = scale_of(a)
    slices = []
    for k in range(shown):
        label = "[" + ", ".join(str(int(i)) for i in np.unravel_index(k, leading)) + "]" if leading else ""
        if stride > 1:
            label = (label + " " if label else "") + f"(1 in {stride} rows and columns)"
        slices.append({"label": label, "rows": [[None if np.isnan(v) else float(number(v, digits, scale))
                                                 for v in row] for row in planes[k][::stride, ::stride]]})
    finite = a[np.isfinite(a)]
    return {"shape": list(a.shape), "lo": float(finite.min()) if finite.size else 0.0,
            "hi": float(finite.max()) if finite.size else 0.0, "slices": slices,
            "more": len(planes) - shown}
