"""Pictures of a computation graph with Graphviz: `to_dot` and `render`.

    x ─┐
       ├─► (mul) ─► y ─► (sum) ─► L       boxes: Variables
    W ─┘                                  ovals: Functions (ops)

Colours tell the kinds of Variables apart: parameters blue, other leaves
(inputs) green, outputs red, intermediates grey. Each node is declared once
and numbered by creation order (see graph.py), so a drawing is the same
text on every run.
"""
import pathlib
from collections import Counter

from ..core import Variable
from .graph import Graph
from .labels import MAX_ELEMENTS, format_array, html_label, settings_text, wrap_list
from .modules import recorded_scopes
from .opmath import drawn_op

SHOW_CHOICES = ("name", "shape", "dtype", "value", "grad")
RANKDIRS = ("TB", "LR", "BT", "RL")
FORMATS = ("png", "svg", "pdf")

# (fill, border) per kind of node
_COLOURS = {
    "parameter": ("#dae8fc", "#6c8ebf"),
    "input": ("#d5e8d4", "#82b366"),
    "output": ("#f8cecc", "#b85450"),
    "intermediate": ("#f5f5f5", "#666666"),
    "constant": ("#ffffff", "#999999"),
    "function": ("#fff2cc", "#d6b656"),
    "module": ("#ede7f6", "#7e57c2"),
}


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's `dot` program is missing, so no image could be made."""


def _graphviz():
    """The graphviz Python package, imported when a graph is first drawn: the
    rest of minigrad (a GPU machine, say) runs without it."""
    try:
        import graphviz
    except ImportError:
        raise ImportError("minigrad.viz: drawing graphs needs the graphviz Python package "
                          "(pip install graphviz)") from None
    return graphviz


def to_dot(*outputs, show=("name", "shape"), params=None, rankdir="TB",
           cluster_modules=False, max_elements=MAX_ELEMENTS, collapse=None):
    """The graph that computed `outputs` as a `graphviz.Digraph` (shown
    inline by Jupyter; `.source` is the DOT text).

    Unnamed values are named as in the backward stepper: "L" for a lone
    output, v1, v2, ... for the others, c1, c2, ... for constants.

    Parameters
    ----------
    show : tuple of str
        What each Variable node carries, any of "name", "shape", "dtype",
        "value", "grad" (arrays of up to `max_elements` numbers print them,
        rounded; bigger ones a summary). Function nodes show the op and its
        settings (axis, stride, ...). Constants (inputs that need no
        gradient, integer labels) are drawn dashed and never carry a
        gradient; an intermediate whose gradient backward freed says so
        ("grad freed; use retain_grad").
    params : Module or dict, optional
        A Module or a dict name -> Parameter: parameters are labelled by
        these (dotted) names, e.g. "0.weight".
    rankdir : str
        "TB" (top to bottom), "LR", "BT" or "RL".
    cluster_modules : bool
        With params=model, draw one labelled box per sub-module around the
        ops it created; run the forward pass inside
        `with viz.module_scopes(model):` first.
    max_elements : int
        The largest array whose numbers a node prints.
    collapse : True, or list of str, optional
        Modules drawn as one box each, named by path and class
        ("1: Linear"), as TensorBoard draws a name scope: everything the
        module made (its ops, their results, its parameters) is inside, and
        the arrows into and out of it end on the box. True collapses every
        top-level module; a list names dotted module paths, e.g.
        ["0", "encoder.layer1"]. Implies `cluster_modules=True` (the same
        `module_scopes` recording).
    """
    graph = Graph(check_outputs("to_dot", outputs))
    show = check_show(show)
    param_names = parameter_names(params)
    names = value_names(graph, param_names)
    clusters = None
    if cluster_modules or collapse:
        owner, kinds = module_clusters(graph, params, param_names, collapse)
        clusters = owner, kinds, collapsed_paths(collapse, owner, kinds)
    freed = backward_ran(graph)

    def rows(x):
        grad = grad_text(x, freed, max_elements)
        return value_rows(names[x], x.data, show, format_array(x.data, max_elements), grad)

    def operand_rows(k):
        _, key, array = graph.operands[k]
        return value_rows(key, array, show, format_array(array, max_elements), None)

    return draw(graph, rows, operand_rows, param_names, rankdir, clusters)


def render(*outputs, path, format=None, **to_dot_kwargs):
    """Draw the graph of `outputs` (see `to_dot` for the options) to `path`
    as PNG, SVG or PDF (from the suffix, or `format`), and write the DOT
    source beside it (`path` with suffix `.dot`). Returns the image's path.

    Without Graphviz's `dot` program the `.dot` file is still written and
    GraphvizNotFoundError says how to install Graphviz."""
    path = pathlib.Path(path)
    suffix = path.suffix[1:].lower()
    if format is None:
        format = suffix
    format = str(format).lower()
    if format not in FORMATS:
        raise ValueError(f"render: cannot tell the image format from {str(path)!r} (format={format!r}); "
                         f"expected a path ending in .png, .svg or .pdf, or format= one of {FORMATS}")
    if suffix in FORMATS and suffix != format:
        raise ValueError(f"render: path {str(path)!r} ends in .{suffix} but format={format!r}; "
                         "expected them to agree (or give one of them)")
    if suffix != format:   # "graph" with format="svg" -> "graph.svg"
        path = path.with_name(path.name + "." + format)
    graph = to_dot(*outputs, **to_dot_kwargs)
    run_dot(graph, format, path)
    return path


def run_dot(graph, format, path=None):
    """Lay out `graph` with Graphviz's `dot`: write the image to `path`
    (and the DOT source beside it) and return the path, or, with no path,
    return the image as bytes."""
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        dot_path = path.with_suffix(".dot")
        dot_path.write_text(graph.source, encoding="utf-8")
    try:
        if path is None:
            return graph.pipe(format=format)
        _graphviz().render("dot", format, dot_path, outfile=path)
        return path
    except _graphviz().ExecutableNotFound:
        written = f"only the DOT source was written, to {dot_path}" if path is not None else "no image was made"
        raise GraphvizNotFoundError(
            f"Graphviz's 'dot' program was not found on PATH, so {written}. Install Graphviz, "
            "then run this again:\n"
            "  Debian/Ubuntu:  sudo apt install graphviz\n"
            "  macOS:          brew install graphviz\n"
            "  conda:          conda install -c conda-forge graphviz\n"
            "  Windows:        winget install graphviz (then add its bin folder to PATH)") from None


def check_outputs(caller, outputs):
    """`outputs` as a list of Variables, or a TypeError naming `caller`."""
    if len(outputs) == 1 and isinstance(outputs[0], (list, tuple)):
        outputs = outputs[0]
    if not outputs:
        raise TypeError(f"{caller}: expected at least one output Variable to draw the graph of")
    for y in outputs:
        if not isinstance(y, Variable):
            raise TypeError(f"{caller}: expected Variables as outputs, got {type(y).__name__}")
    return list(outputs)


def check_show(show):
    """`show` as a tuple of known choices, or a ValueError listing them."""
    if isinstance(show, str):
        show = (show,)
    show = tuple(show)
    unknown = [s for s in show if s not in SHOW_CHOICES]
    if unknown:
        raise ValueError(f"to_dot: show={show!r} has unknown entries {unknown}; "
                         f"expected any of {SHOW_CHOICES}")
    return show


def parameter_names(params, caller="to_dot"):
    """{Parameter: dotted name} from a Module, a dict name -> Variable, or
    None; a TypeError naming `caller` for anything else."""
    if params is None:
        return {}
    if hasattr(params, "named_parameters"):
        pairs = params.named_parameters()
    elif hasattr(params, "items"):
        pairs = params.items()
    else:
        raise TypeError(f"{caller}: params must be a Module or a dict of name -> Parameter, "
                        f"got {type(params).__name__}")
    names = {}
    for name, p in pairs:
        if not isinstance(p, Variable):
            raise TypeError(f"{caller}: params[{name!r}] is a {type(p).__name__}, expected a Parameter")
        names.setdefault(p, str(name))
    return names


def value_names(graph, param_names):
    """{Variable: the name it is drawn with}, the same in every picture: its
    parameter name, else its own, else "L" for a lone output, c1, c2, ...
    for constants and v1, v2, ... for the rest (in graph order)."""
    names = {}
    counts = {"c": 0, "v": 0}
    lone = graph.outputs[0] if len(graph.outputs) == 1 else None
    for x in graph.variables:
        name = param_names.get(x, x.name)
        if name is None:
            if x is lone:
                name = "L"
            else:
                prefix = "c" if is_constant(x) else "v"
                counts[prefix] += 1
                name = f"{prefix}{counts[prefix]}"
        names[x] = str(name)
    return names


def is_constant(x):
    """A leaf that needs no gradient: a target, a mask, a Python number."""
    return x.creator is None and not x.requires_grad


def backward_ran(graph):
    """Whether some leaf of the graph holds a gradient (so a backward pass
    ran, and intermediates without one had theirs freed)."""
    return any(x.grad is not None for x in graph.variables if x.creator is None)


def grad_text(x, freed, max_elements):
    """The gradient line of x's node: None for a constant (no line)."""
    if is_constant(x):
        return None
    if x.grad is not None:
        return format_array(x.grad.data, max_elements)
    if freed and x.creator is not None:
        return "freed; use retain_grad"   # backward keeps only the leaves' by default
    return "None"


def value_rows(name, data, show, value, grad):
    """The (text, style) rows of a value's label for the `show` choices:
    `value` is its text, `grad` the gradient's (None: no gradient line)."""
    rows = []
    if "name" in show and name is not None:
        rows.append((str(name), "title"))
    detail = []
    if "shape" in show:
        detail.append(str(data.shape))
    if "dtype" in show:
        detail.append(str(data.dtype))
    if detail:
        rows.append((" ".join(detail), "detail"))
    if "value" in show:
        rows.append((value, "value"))
    if "grad" in show and grad is not None:
        prefix = "grad "   # a matrix's later rows line up under its first
        rows.append((prefix + grad.replace("\n", "\n" + " " * len(prefix)), "grad"))
    return rows


def variable_kind(x, graph, param_names):
    if x in param_names:
        return "parameter"
    if any(x is y for y in graph.outputs):
        return "output"
    if x.creator is None:
        return "constant" if is_constant(x) else "input"
    return "intermediate"


def draw(graph, rows_of, operand_rows_of, param_names, rankdir="TB", clusters=None, edge_labels=None):
    """Build the Digraph of `graph`. `rows_of(x)` gives a Variable's label
    rows, `operand_rows_of(k)` those of graph.operands[k]; `clusters` is
    (node id -> dotted module name, module name -> class name, collapsed
    module names) for nested module boxes, a collapsed module drawn as one
    node; `edge_labels` maps edge ids to text."""
    if rankdir not in RANKDIRS:
        raise ValueError(f"to_dot: rankdir={rankdir!r}; expected one of {RANKDIRS}")
    dot = _graphviz().Digraph("minigrad", graph_attr={"rankdir": rankdir, "fontname": "Helvetica",
                                                   "nodesep": "0.3", "ranksep": "0.35",
                                                   "ordering": "in"},
                           node_attr={"fontname": "Helvetica", "penwidth": "1.2"},
                           edge_attr={"color": "#555555", "arrowsize": "0.7", "fontname": "Helvetica",
                                      "fontsize": "10"})
    owner, kinds, collapsed = clusters or ({}, {}, ())
    owner = dict(owner)
    for k, (f, _, _) in enumerate(graph.operands):
        owner.setdefault(f"c{k}", owner.get(graph.function_ids[f]))
    into = _collapsed_into(owner, collapsed)   # node id -> the collapsed module's node id
    inside = Counter(into.values())
    drawn_in = {nid: path for nid, path in owner.items() if nid not in into}
    for path in collapsed:   # a collapsed module sits in its parent's box
        if f"module_{path}" in inside:
            drawn_in[f"module_{path}"] = path.rpartition(".")[0]
    boxes = _cluster_boxes({path for path in drawn_in.values() if path}, kinds)

    def home(node_id):
        path = drawn_in.get(node_id)
        return boxes[path] if path else dot

    def box(node_id, rows, kind):
        if node_id in into:
            return
        fill, border = _COLOURS[kind]
        style = "rounded,dashed,filled" if kind == "constant" else "rounded,filled"
        home(node_id).node(node_id, html_label(rows), id=node_id, shape="box", style=style,
                           fillcolor=fill, color=border)

    for x in graph.variables:
        box(graph.variable_ids[x], rows_of(x), variable_kind(x, graph, param_names))
    for k in range(len(graph.operands)):
        box(f"c{k}", operand_rows_of(k), "constant")
    fill, border = _COLOURS["function"]
    for f in graph.functions:
        fid = graph.function_ids[f]
        if fid in into:
            continue
        op = drawn_op(f)
        rows = [(op.name, "title")]
        settings = settings_text(op.settings)
        if settings:
            rows.append((wrap_list(settings), "detail"))
        home(fid).node(fid, html_label(rows), id=fid, shape="ellipse", style="filled",
                       fillcolor=fill, color=border, margin="0.05,0.03")
    fill, border = _COLOURS["module"]
    for module_id, count in sorted(inside.items()):
        path = module_id[len("module_"):]
        ops = sum(1 for nid, into_id in into.items() if into_id == module_id and nid.startswith("f"))
        rows = [(module_title(path, kinds), "title"),
                (f"{ops} op{'s' * (ops != 1)} inside", "detail")]
        home(module_id).node(module_id, html_label(rows), id=module_id, shape="box",
                             style="rounded,filled,bold", fillcolor=fill, color=border)
    # A subgraph is copied into its parent when attached: attach the deepest first.
    for path in sorted(boxes, key=lambda p: (-p.count("."), p)):
        parent = path.rpartition(".")[0]
        (boxes[parent] if parent else dot).subgraph(boxes[path])
    edge_labels = edge_labels or {}
    seen = set()
    for edge_id, tail, head in graph.edges():
        tail, head = into.get(tail, tail), into.get(head, head)
        if tail == head or (tail, head) in seen and (tail in inside or head in inside):
            continue   # inside a collapsed module, or a second arrow between the same two nodes
        seen.add((tail, head))
        label = edge_labels.get(edge_id)
        if label is None:
            dot.edge(tail, head, id=edge_id)
        else:
            dot.edge(tail, head, id=edge_id, label=html_label([(label, "grad")]))
    return dot


def module_paths(paths):
    """`paths` (dotted module names) and all their ancestors, sorted: the
    k-th is drawn as the cluster with id "cluster_k"."""
    every = set()
    for path in paths:
        parts = path.split(".")
        every.update(".".join(parts[:k]) for k in range(1, len(parts) + 1))
    return sorted(every)


def module_title(path, kinds):
    """A module's box title: "0: Linear", or the path alone."""
    kind = kinds.get(path)
    return f"{path}: {kind}" if kind else path


def _cluster_boxes(paths, kinds):
    """{dotted module name: empty cluster Digraph} for `paths` and their
    ancestors, labelled "0: Linear"."""
    boxes = {}
    for number, path in enumerate(module_paths(paths)):
        box = _graphviz().Digraph(name=f"cluster_{number}")
        box.attr(label=module_title(path, kinds), id=f"cluster_{number}",
                 style="rounded,dashed", color="#999999", fontcolor="#333333", fontsize="11",
                 labeljust="l")
        boxes[path] = box
    return boxes


def collapsed_paths(collapse, owner, kinds):
    """The module names `collapse` (True, a list of dotted names, or None)
    asks to draw as one node, outermost only; a ValueError for a name the
    recording does not know."""
    if collapse is None or collapse is False:
        return ()
    drawn = module_paths(owner.values())
    if collapse is True:
        return tuple(sorted(path for path in drawn if "." not in path))
    if isinstance(collapse, str):
        collapse = [collapse]
    unknown = [path for path in collapse if path not in drawn]
    if unknown:
        raise ValueError(f"to_dot: collapse={list(collapse)!r} names {unknown}, which made no op of this "
                         f"graph; expected True or some of the modules drawn: {sorted(drawn)}")
    paths = set(collapse)
    return tuple(sorted(path for path in paths
                        if not any(path.startswith(other + ".") for other in paths)))


def _collapsed_into(owner, collapsed):
    """{node id: id of the collapsed module node it is drawn inside} for
    the nodes of `owner` (node id -> module name) inside `collapsed`."""
    into = {}
    for nid, path in owner.items():
        for module in collapsed:
            if path == module or path.startswith(module + "."):
                into[nid] = f"module_{module}"
    return into


def module_clusters(graph, params, names, collapse=None):
    """(node id -> dotted module name, module name -> class name) from the
    latest `module_scopes(params)` recording (`collapse`: what the caller
    asked for, named in the error when there is none)."""
    scopes = None if params is None else recorded_scopes(params)
    if scopes is None:
        option = "cluster_modules=True" if not collapse else f"collapse={collapse!r}"
        raise ValueError(f"to_dot: {option} needs params=model and a forward pass run inside "
                         "`with viz.module_scopes(model):` to learn which sub-module made which op")
    owner = {}
    for f, path in scopes.module_of(graph.functions).items():
        owner[graph.function_ids[f]] = path
        for y in graph.function_outputs(f):   # an op's result sits beside it
            if y is not None:
                owner[graph.variable_ids[y]] = path
    for x, name in names.items():   # "0.weight" belongs in module "0"
        module = name.rpartition(".")[0]
        if module and x in graph.variable_ids:
            owner[graph.variable_ids[x]] = module
    return owner, scopes.kinds
