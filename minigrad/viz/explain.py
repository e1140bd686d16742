"""The words of the stepper's backward steps, in the graph's own names.

An op's docstring writes its math with its own letters: `y = tanh(x)`,
`dy/dx = 1 - y**2`, `gx = gy @ W`. On a page about a graph whose output is
called `y` those letters mislead, so each step is told with the names the
picture draws (v3, 2.weight, loss):

    local derivative    ∂v2/∂v1 = 1 − v2²
    gradient sent       ∂loss/∂v1 = ∂loss/∂v2 × (1 − v2²)
    matrix products     ∂loss/∂2.weight = (∂loss/∂y)ᵀ · v2

Most ops are told from their docstring's derivative, its letters replaced
by the step's names: the letters of the inputs are the parameter names of
the op's `forward` (x; a, b; x, W, b), the output's is y (or the letter
the derivative is taken of, dz/dx), `g<letter>` is a gradient. An op
family whose docstring speaks of how it is computed (conv2d's im2col), or
whose words a learner needs differently (matrix products, the loss), has
an entry in FAMILIES instead: a function giving its words from the names.

The sum that undoes broadcasting gets words of its own (`summed_back`): the
page draws it as a step after the op that broadcast.
"""
import inspect
import re
from typing import NamedTuple

import numpy as np

from ..functions.shape import sum_to_axes

TIMES = " × "       # an elementwise product
DOT = " · "         # a matrix product


def grad_name(target, name):
    """∂target/∂name."""
    return f"∂{target}/∂{name}"


class Words(NamedTuple):
    """How one op's step is told.

    forward   its formula in the step's names ('' : the docstring's)
    local     a sentence on its local derivatives ('' : none stated)
    grads     per input, the formula of the gradient it sends (None: the
              page writes the chain rule in words)
    notes     {operand key: a sentence replacing "it needs no gradient"}
    docstring whether `local` is the docstring's formula (else a sentence)
    """
    forward: str
    local: str
    grads: tuple
    notes: dict = {}
    docstring: bool = False


class Names:
    """The names of one step: `letters` maps the op's letters (its forward
    parameters, the output letter, g<letter>) to the drawn names."""

    def __init__(self, function, in_names, out_names, target, arriving=None, out_shape=()):
        self.function = function
        self.out_shape = out_shape    # the shape of the (first) output
        self.inputs = list(in_names)
        self.outputs = list(out_names)
        self.target = target
        params = _parameters(function)
        self.letters = dict(zip(params, self.inputs)) if params else {}
        self.output_letter = "y"
        self.gradient = arriving if arriving is not None else (
            grad_name(target, self.outputs[0]) if self.outputs else "")

    def __getitem__(self, letter):
        """The drawn name of the op's input `letter`, of y, or gy."""
        if letter == "gy":
            return self.gradient
        if letter == "y":
            return self.outputs[0]
        return self.letters[letter]

    def has(self, letter):
        return letter in self.letters


def _parameters(function):
    """The names of `function.forward`'s array parameters (x; a, b; x, W, b),
    or () for one taking *xs."""
    try:
        params = list(inspect.signature(type(function).forward).parameters.values())[1:]
    except (TypeError, ValueError):
        return ()
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return ()
    return tuple(p.name for p in params)


# -- the docstring's math in the step's names ------------------------------------------

_TOKEN = re.compile(r"\bd ?([A-Za-z]\w*) ?/ ?d ?([A-Za-z]\w*)"   # dy/dx
                    r"|\bg([A-Za-z]\w*)\b(\^T\b)?"                # gx, gy^T
                    r"|\b([A-Za-z]\w*)\b"                         # x
                    r"|\*\*([23])\b"                              # x**2
                    r"|\^T\b| @ | \* | - ")
_POWERS = {"2": "²", "3": "³"}
_ARTICLE = re.compile(r"a (?!and\b|or\b|where\b|is\b|with\b)[a-z]{3,}")   # "a" in prose: not the letter a
_PART = re.compile(r"(?:^|[;,] *)(?=\bd ?[A-Za-z]\w* ?/ ?d ?[A-Za-z]|\bg[A-Za-z]\w*(?:_\w)? ?=)")
_SKIPPED_SETTINGS = ("axis", "axes", "index")


def in_names(text, names, settings=None):
    """`text` (an op's docstring math) with its letters replaced by the
    step's names, numeric settings by their values, and x**2, a^T, @ and *
    written as x², aᵀ, · and ×."""
    letters = dict(names.letters)
    if names.outputs and names.output_letter not in letters:
        letters[names.output_letter] = names.outputs[0]
    values = {k: _number(v) for k, v in (settings or {}).items()
              if k not in _SKIPPED_SETTINGS and k not in letters and _number(v) is not None}

    def name(letter):
        return letters.get(letter, values.get(letter, letter))

    def gradient(letter):
        if letter == names.output_letter:
            return names.gradient
        return grad_name(names.target, letters[letter])

    def replace(m):
        top, bottom, g, transposed, word, power = m.groups()
        if top is not None:
            known = top in letters and bottom in letters
            return f"∂{name(top)}/∂{name(bottom)}" if known else m.group(0)
        if g is not None and "g" + g not in letters:     # a forward may take a gradient, `gy`, itself
            if g not in letters:
                return m.group(0)
            return f"({gradient(g)})ᵀ" if transposed else gradient(g)
        if g is not None or word is not None:
            word = word or "g" + g
            if word == "a" and _ARTICLE.match(text, m.start()):
                return word
            return name(word) + ("ᵀ" if transposed else "")
        if power is not None:
            return _POWERS[power]
        return {"^T": "ᵀ", " @ ": DOT, " * ": TIMES, " - ": " − "}[m.group(0)]

    return _TOKEN.sub(replace, text)


def _number(v):
    if isinstance(v, (bool, np.bool_)):
        return None
    if isinstance(v, (int, float, np.integer, np.floating)):
        return f"{v:.4g}"
    return None


def _output_letter(text, params):
    """The letter the docstring gives the op's output: the y of dy/dx, the
    z of dz/dx, the y of a `gy` on a right-hand side; y when none says."""
    m = re.search(r"\bd ?([A-Za-z]\w*) ?/ ?d ?[A-Za-z]", text)
    if m and m.group(1) not in params:
        return m.group(1)
    for g in re.findall(r"=[^;=]*?\bg([A-Za-z])\b", text):
        if g not in params:
            return g
    return "y"


def from_docstring(function, drawn, names):
    """The Words of an op without a FAMILIES entry, from its docstring's
    derivative: each `dy/da = e` gives a's gradient gy × e, each
    `ga = e` gives e itself. grads is None unless every input is covered
    (and the op has one output)."""
    text = drawn.math.derivative
    if not text:
        return Words("", "", None, docstring=True)
    names.output_letter = _output_letter(text, names.letters)
    local = in_names(text, names, drawn.settings)
    if len(names.outputs) != 1 or not names.letters:
        return Words("", local, None, docstring=True)
    formulas = {}
    parts = [p.strip(" ;,.") for p in _PART.split(text) if p.strip(" ;,.")]
    pending = []       # `dy/da = dy/db = 0`: letters waiting for the next part's expression
    for part in parts:
        m = re.match(r"d ?(\w+) ?/ ?d ?(\w+) ?=(.*)|g(\w+) ?=(.*)", part)
        if m is None:
            continue
        top, letter, expression, g, gx_expression = m.groups()
        if g is not None:
            if g in names.letters:
                formulas[g] = in_names(_first_clause(gx_expression), names, drawn.settings)
            continue
        if top != names.output_letter or letter not in names.letters:
            continue
        expression = _first_clause(expression)
        if not expression:
            pending.append(letter)
            continue
        for each in pending + [letter]:
            formulas[each] = times(names.gradient, in_names(expression, names, drawn.settings))
        pending = []
    if any(letter not in formulas for letter in names.letters):
        return Words("", local, None, docstring=True)
    return Words("", local, tuple(formulas[letter] for letter in names.letters), docstring=True)


def _first_clause(expression):
    """`1/x where x > 0 (0 at x = 0); more prose`: the expression, without
    the prose after it or a bracketed aside at its end."""
    expression = re.split(r"; |\. ", expression.strip(" ;,."))[0]
    return re.sub(r"\s*\((?:as|the|so|0 |and|PyTorch|ties|piecewise)[^)]*\)\s*$", "", expression)


def times(gradient, factor):
    """gradient × factor, simplified where the factor is 1, -1 or 0."""
    factor = factor.strip()
    if factor == "1":
        return gradient
    if factor in ("-1", "−1"):
        return f"−{gradient}"
    if factor == "0":
        return "0"
    if gradient == "1":
        return factor
    if re.fullmatch(r"[\w.∂/²³ᵀ]+", factor):
        return f"{gradient}{TIMES}{factor}"
    return f"{gradient}{TIMES}({factor})"


# -- the op families with words of their own ----------------------------------------------

def _matmul(names, function):
    a, b, y, gy = names["a"], names["b"], names["y"], names["gy"]
    return Words(f"{y} = {a}{DOT}{b}, a matrix product.",
                 f"{y} = {a}{DOT}{b} is a matrix product, so the chain rule is one too: each input's "
                 f"gradient is the arriving gradient {gy} multiplied by the other operand, transposed "
                 f"(with the shapes lined up as the product needs)."
                 + (" With more than two axes it is one product per matrix of the batch, summed over "
                    "the batch where an operand was broadcast." if max(x.ndim for x in function.inputs) > 2
                    else ""),
                 (f"{_paren(gy)}{DOT}{b}ᵀ", f"{a}ᵀ{DOT}{_paren(gy)}"))


def _linear(names, function):
    x, W, y, gy = names["x"], names["W"], names["y"], names["gy"]
    bias = names.has("b")
    rows = _batch_axes(function.inputs[0].ndim - 1)
    forward = f"{y} = {x}{DOT}{W}ᵀ" + (f" + {names['b']}" if bias else "") + ": a matrix product" + (
        f", plus the bias {names['b']} added to every row." if bias else ".")
    local = (f"{y} = {x}{DOT}{W}ᵀ" + (f" + {names['b']}" if bias else "") + " is a matrix product"
             + (" plus a bias added to every row" if bias else "") + ", so the gradients are matrix "
             "products too" + (f", and {names['b']}'s sums {gy} over the rows." if bias else "."))
    over = f" (over {rows})" if function.inputs[0].ndim > 2 else ""
    grads = (f"{_paren(gy)}{DOT}{W}", f"{_paren(gy)}ᵀ{DOT}{x}{over}")
    if bias:
        grads += (f"{gy} summed over {rows}",)
    return Words(forward, local, grads)


def _conv(names, function):
    x, W, y, gy = names["x"], names["W"], names["y"], names["gy"]
    bias = names.has("b")
    settings = function.settings()
    forward = (f"{y} = {x} ⋆ {W}" + (f" + {names['b']}" if bias else "")
               + f": each output channel of {y} is the correlation of {x} with one kernel of {W} (the "
               f"kernel slides over {x} unflipped, multiplying and adding at every position)"
               + (f", plus that channel's bias from {names['b']}." if bias else "."))
    local = (f"Each entry of {x} met each weight of {W} at some positions of the slide, so {x}'s gradient "
             f"gathers {gy} back through the same weights (a full correlation with the kernel flipped), "
             f"and {W}'s gradient gathers {x} weighted by {gy} (a correlation of {x} with {gy})"
             + (f"; {names['b']} was added at every position, so its gradient sums {gy} over the batch "
                f"and the positions." if bias else "."))
    unusual = [k for k, default in (("stride", 1), ("pad", 0), ("dilation", 1), ("groups", 1))
               if np.any(np.asarray(settings.get(k, default)) != default)]
    if unusual:
        local += (f" The {listing(unusual)} of the forward pass apply to these correlations too: they "
                  f"visit the same positions.")
    grads = (f"the full correlation of {gy} with the flipped kernel {W}",
             f"the correlation of {x} with {gy}, summed over the batch")
    if bias:
        grads += (f"{gy} summed over the batch and every position",)
    return Words(forward, local, grads)


def _cross_entropy(names, function):
    x, y, gy = names["x"], names["y"], names["gy"]
    axis = getattr(function, "axis", 1)
    shape = function.inputs[0].shape
    n = int(np.prod(shape)) // shape[axis] if shape else 1
    per = "row" if len(shape) == 2 else "position"
    mean = f" / {n}" if n > 1 else ""
    divided = f", divided by N = {n} for the mean" if n > 1 else ""
    if names.has("t"):       # class probabilities t instead of integer labels
        t = names["t"]
        return Words(f"{y} = −(1/N) Σ {t} · log softmax({x}), the mean over the N = {n} {per}s.",
                     f"softmax turns each {per} of {x} into probabilities; their gradient is the "
                     f"probability minus the target {t}{divided}.",
                     (times(gy, f"(softmax({x}) · Σ_c {t}_c − {t}){mean}"),
                      times(gy, f"−log softmax({x}){mean}")))
    labels = "labels"
    note = (f"{labels} holds class indices (integers): it only says which probability should be 1, "
            f"so nothing is differentiated with respect to it and no gradient flows back to it.")
    return Words(f"{y} = −(1/N) Σ log softmax({x})[{labels}], the mean over the N = {n} {per}s of minus "
                 f"the log of the probability softmax gives the right class.",
                 f"softmax turns each {per} of {x} into probabilities p; the gradient of −log p[label] "
                 f"is p minus the one-hot vector of the label (1 at the right class, 0 elsewhere){divided}.",
                 (times(gy, f"(softmax({x}) − one-hot({labels})){mean}"),),
                 {labels: note})


def _sum(names, function):
    x, gy = names["x"], names["gy"]
    along = " along the summed axes" if names.out_shape else ""
    return Words("", f"Each element of {x} adds into {names['y']} with weight 1, so each gets the arriving "
                     f"gradient {gy} unchanged: copied back{along} to {x}'s shape.",
                 (f"{gy} copied{along} to every element of {x}",))


def _mean(names, function):
    x, gy = names["x"], names["gy"]
    n = max(1, function.inputs[0].size // max(1, int(np.prod(names.out_shape))))
    return Words("", f"A mean of {n} numbers moves by 1/{n} of a change in any one of them: each element of "
                     f"{x} gets {gy} / {n}.",
                 (f"{gy} / {n} for every element of {x}" if gy != "1" else f"1/{n} for every element of {x}",))


FAMILIES = {
    "matmul": _matmul,
    "linear": _linear,
    "conv2d": _conv,
    "conv3d": _conv,
    "depthwise_conv2d": _conv,
    "softmax_cross_entropy": _cross_entropy,
    "sum": _sum,
    "mean": _mean,
}


def words(function, drawn, names):
    """The Words of one step of `function` (drawn as `drawn`, see opmath)
    told with `names`."""
    family = FAMILIES.get(drawn.name)
    if family is not None:
        try:
            return family(names, function)
        except KeyError:      # an unexpected letter: the docstring's words
            pass
    return from_docstring(function, drawn, names)


_FORMULA = re.compile(r"([A-Za-z]\w*) = (.+?)(?: for |\. |\.?$)")   # `y = tanh(x).`
_ASIDE = re.compile(r" \([a-z][^()]*\b[a-z]{3,} [^()]*\)$")         # ` (n elements each)` at the end


def forward_words(function, drawn, inputs, outputs):
    """(formula, keep): the op's forward formula in the step's names, and
    whether the page should also quote the docstring's. A FAMILIES op's own
    words replace the docstring; for another op the formula is the
    docstring's opening `y = ...` with its letters replaced
    (`v2 = tanh(v1)`), '' when that is prose rather than a formula."""
    if not outputs:
        return "", True
    names = Names(function, inputs, outputs, "L")
    own = words(function, drawn, names).forward if drawn.name in FAMILIES else ""
    if own:
        return own, False
    m = _FORMULA.match(drawn.math.forward)
    if m is None or not names.letters or m.group(1) in names.letters or len(outputs) != 1:
        return "", True
    formula = _ASIDE.sub("", m.group(2))
    if (formula.count("(") != formula.count(")") or ":" in formula or formula[-1] in ",+-*/"
            or re.search(r"\b[A-Za-z]_\w", formula)):
        return "", True     # prose or subscripts, not a formula in the op's letters
    names.output_letter = m.group(1)
    return in_names(f"{m.group(1)} = {formula}", names, drawn.settings) + ".", True


# -- the sentences of a step ------------------------------------------------------------------

def chain_rule(function, op, arriving, seeded, told, target):
    """The sentences of a step on the chain rule and on the op's local
    derivatives (`told`, its Words): `arriving` names the outputs a
    gradient arrived at; `seeded` when that is the seed 1 of `target`."""
    at = listing(arriving)
    if seeded:
        text = [f"{target} is what we differentiate and its seed is 1, so each input's gradient is just "
                f"the local derivative of {op}: how much {target} changes when that input changes."]
    else:
        text = [f"Chain rule: an input's gradient is the gradient arriving at {at} times how much {at} "
                f"changes when that input changes (the local derivative of {op})"
                + (", added up over the outputs." if len(arriving) > 1 else ".")]
    name = type(function).__name__
    if told.local and not told.docstring:
        text.append(told.local)
    elif told.local:
        text.append(f"The local derivatives of {op} (from the docstring of {name}), in this graph's "
                    f"names: {told.local}")
    else:
        text.append(f"The docstring of {name} states no derivative; its backward method computes "
                    f"the products.")
    return text


class Share(NamedTuple):
    """A gradient arriving at a value used more than once: `uses` edges
    leave it, `arrived` shares have come (this one included), `before` the
    sum of the earlier ones (None for the first), `total` the sum now."""
    uses: int
    arrived: int
    before: object
    total: object


def received(name, target, formula, g, share, leaf, compact):
    """The sentence saying that `name` receives the gradient g, computed
    as `formula` (a Share of it, or None for the whole), and the label of
    its array; `compact` writes an array in one line."""
    whole = grad_name(target, name)
    if share is None:
        value = "" if formula == compact(g) else f" = {compact(g)}"
        sentence, label = f"So {name} receives {whole} = {formula}{value}.", f"out: {whole}, shape {g.shape}"
    else:
        sentence = f"{name} receives this path's share of {whole}: {formula} = {compact(g)}."
        if share.before is None:
            times = {2: "twice"}.get(share.uses, f"{share.uses} times")
            sentence += f" {name} is used {times}; the shares of its other uses add to this."
        elif share.arrived >= share.uses:
            sentence += (f" Added to what its other uses sent ({compact(share.before)}), the total "
                         f"{whole} = {compact(share.total)}: every use has now sent its share.")
        else:
            sentence += (f" Added to what its other uses sent ({compact(share.before)}): {whole} so "
                         f"far = {compact(share.total)}.")
        label = f"out: this path's share of {whole}, shape {g.shape}"
    if leaf:
        sentence += f" {name} is a leaf: backward() adds this to {name}.grad."
    return sentence, label


def repeated_inputs(op, in_names):
    """A sentence for each value that is more than one input of the op
    (`v3 * v3`), as a list."""
    return [f"{name} is {listing(['input ' + str(i + 1) for i, n in enumerate(in_names) if n == name])} "
            f"of {op}: it gets one share of its gradient per input." for name in dict.fromkeys(in_names)
            if in_names.count(name) > 1]


def _paren(gradient):
    return f"({gradient})" if gradient.startswith("∂") else gradient


def _batch_axes(count):
    return "the rows (axis 0)" if count <= 1 else f"the leading axes 0 to {count - 1}"


def listing(items):
    """"a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# -- the sum that undoes broadcasting -------------------------------------------------------

def summed_back(op, name, before, after, formula):
    """The sentences of the step that sums a broadcast gradient (`formula`,
    of shape `before`) back to the shape `after` of the input `name`, and
    the formula of the sum."""
    axes, _ = sum_to_axes(before, after)
    where = f"axis {axes[0]}" if len(axes) == 1 else "axes " + listing([str(a) for a in axes])
    copies = int(np.prod([before[a] for a in axes]))
    kept = [a for a in axes if a >= len(before) - len(after)]
    return ([f"{op} used {name}, of shape {after}, broadcast to the shape {before}: each entry of {name} "
             f"was used {copies} times, so its gradient is the sum of the gradients of those {copies} uses.",
             f"The product had shape {before}; summed over {where} back to {name}'s shape {after}"
             + (" (the summed axes of length 1 are kept)." if kept else ".")],
            f"{formula} summed over {where}")
