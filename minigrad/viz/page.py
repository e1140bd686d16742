"""The backward stepper: one HTML page replaying a traced backward pass.

The page is self-contained (no network): the graph is drawn by `dot -Tsvg`
and inlined, the replay script and styles are inline, and the trace travels
as JSON. Every Variable node ends with a gradient line ("grad ?" until the
gradient arrives), and each edge out of a Variable used more than once gets
a label for the part of the gradient sent along it (the parts add up on the
node). Graphviz sizes these for the longest text they will hold; the script
fills them in step by step, using the node and edge ids set here.

Events (what one click of Next shows) come from the trace:
  begin  a pass starts: its outputs get their seed gradients;
  step   a function runs its backward: gradients arrive on its input edges
         and add up on the input nodes.
"""
import html
import json
import pathlib
from collections import Counter

import numpy as np

from .dot import (check_show, display_name, draw, module_clusters, parameter_names, run_dot,
                  variable_rows)
from .graph import Graph
from .labels import MAX_ELEMENTS, format_array
from .page_script import SCRIPT, STYLE

SLOT_ELEMENTS = 6        # gradients in the picture: up to 6 numbers, else a summary
PANEL_ELEMENTS = 64      # gradients in the side panel
PANEL_DIGITS = 6
UNKNOWN = "grad ?"


def write_page(trace, path, show, params, rankdir, cluster_modules, title):
    """Draw the traced graph and write the stepper page to `path`."""
    if not trace.seeds:
        raise ValueError("to_html: the trace recorded no backward pass; run backward() inside "
                         "`with viz.trace_backward() as trace:`")
    graph = Graph(trace.outputs)
    show = tuple(dict.fromkeys(("name",) + check_show(show)))   # nodes need names for the text
    param_names = parameter_names(params)
    names = _names(graph, param_names)
    events = _events(trace, graph, names)

    slots = {vid: [UNKNOWN] for vid in graph.variable_ids.values()}   # every text a node shows
    edge_labels = {}
    for event in events:
        for vid, compact, _ in event["nodes"]:
            slots[vid].append("grad " + compact)
        for eid, compact in event["edges"]:
            edge_labels[eid] = max(edge_labels.get(eid, ""), compact, key=len)

    def rows(x):
        longest = max(slots[graph.variable_ids[x]], key=len)   # Graphviz sizes the node for its longest gradient
        return variable_rows(x, show, names[x], MAX_ELEMENTS) + [(longest, "grad")]

    clusters = module_clusters(graph, params, param_names) if cluster_modules else None
    drawing = draw(graph, rows, param_names, rankdir, clusters, edge_labels)
    svg = _inline_svg(run_dot(drawing, "svg").decode("utf-8"))
    leaves = [(graph.variable_ids[x], names[x]) for x in graph.variables if x.creator is None]
    data = {"events": events, "variables": [graph.variable_ids[x] for x in graph.variables],
            "edges": sorted(edge_labels), "leaves": [vid for vid, _ in leaves], "unknown": UNKNOWN}
    title = title or f"Backpropagation through {_target(graph, names)}, step by step"
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_page(title, svg, leaves, data), encoding="utf-8")
    return path


def _names(graph, param_names):
    """The name each Variable goes by in the picture and the text: its
    parameter name, its own, "L" for a lone unnamed output, else its id."""
    names = {}
    for x in graph.variables:
        name = display_name(x, param_names)
        if name is None:
            lone_output = len(graph.outputs) == 1 and x is graph.outputs[0]
            name = "L" if lone_output else graph.variable_ids[x]
        names[x] = str(name)
    return names


def _target(graph, names):
    """What the gradients are gradients of: the output's name, or L."""
    return names[graph.outputs[0]] if len(graph.outputs) == 1 else "L"


def _compact(a):
    return format_array(a, SLOT_ELEMENTS, one_line=True)


def _full(a):
    return format_array(a, PANEL_ELEMENTS, digits=PANEL_DIGITS)


def _local_rule(function):
    """The first paragraph of the op class's own docstring (its math)."""
    doc = vars(type(function)).get("__doc__") or ""
    return " ".join(doc.strip().split("\n\n")[0].split())


def _events(trace, graph, names):
    """The replay as a list of JSON-ready events (see the module docstring)."""
    target = _target(graph, names)
    totals = {}   # Variable -> gradient accumulated so far
    events = []
    uses = Counter(x for f in graph.functions for x in f.inputs)
    starts = dict(zip(trace.pass_starts, trace.seeds))
    for k in range(len(trace.steps) + 1):
        if k in starts:
            for x in [x for x in totals if x.creator is not None]:
                del totals[x]   # a new pass: pending gradients start empty, .grad keeps adding
            events.append(_begin_event(starts[k], graph, names, totals, target))
        if k < len(trace.steps):
            events.append(_step_event(trace, k, len(events), graph, names, totals, target, uses))
    return events


def _accumulate(x, g, graph, totals):
    """Add g to x's total; return the node update and the earlier total."""
    before = totals.get(x)
    totals[x] = g if before is None else before + g
    return [graph.variable_ids[x], _compact(totals[x]), _full(totals[x])], before


def _begin_event(seeds, graph, names, totals, target):
    nodes, text, arrays = [], [], []
    for y, seed in seeds:
        nodes.append(_accumulate(y, seed, graph, totals)[0])
        name = names[y]
        text.append(f"The backward pass starts at {name}. Its gradient with respect to itself is "
                    f"∂{target}/∂{name} = {_compact(seed)}.")
        if seed.size > 1 and np.all(seed == 1):
            text.append(f"{name} is not a single number; seeding ones is the same as "
                        f"differentiating the sum of its elements.")
        arrays.append([f"∂{target}/∂{name} (seed)", _full(seed)])
    text.append("Press Next: functions run their backward from the output towards the inputs, "
                "each only once every use of its result has sent back a gradient.")
    return {"title": "Start: seed the output gradient", "function": None, "op": None, "nodes": nodes,
            "edges": [], "active": [], "text": text, "arrays": arrays}


def _step_event(trace, k, number, graph, names, totals, target, uses):
    """Event `number` of the page: step k of the trace. `uses` counts the
    edges leaving each Variable."""
    step = trace.steps[k]
    f = step.function
    fid = graph.function_ids[f]
    outputs = graph.function_outputs(f)
    out_names = [names[y] if y is not None else f"output {j}" for j, y in enumerate(outputs)]
    in_names = [names[x] for x in f.inputs]
    op = f.name
    text = [f"{op} computed {_listing(out_names)} from {_listing(in_names)}. Its turn comes now: "
            f"every use of {_listing(out_names)} has already sent its gradient back."]
    arrays = []
    live = [(name, g) for name, g in zip(out_names, step.grads_in) if g is not None]
    for name, g in live:
        text.append(f"Arriving at {name}: ∂{target}/∂{name} = {_compact(g)}.")
        arrays.append([f"in: ∂{target}/∂{name}", _full(g)])
    arriving = _listing([name for name, _ in live])
    text.append(f"Chain rule: an input's gradient is the gradient arriving at {arriving} times how "
                f"much {arriving} changes when that input changes (the local derivative of {op})"
                + (", added up over the outputs." if len(live) > 1 else "."))
    rule = _local_rule(f)
    if rule:
        text.append(f"The local derivatives of {op}, in its own notation: {rule}")
    nodes, edges = [], []
    for i, (x, g) in enumerate(zip(f.inputs, step.grads_out)):
        name = in_names[i]
        if g is None:
            text.append(f"{name} receives no gradient: {op} does not differentiate with respect to it.")
            continue
        node, before = _accumulate(x, g, graph, totals)
        nodes.append(node)
        if uses[x] > 1:   # only then does the edge say more than the node: the parts that add up
            edges.append([f"{fid}_in{i}", _compact(g)])
        arrays.append([f"out: ∂{target}/∂{name}" + (" (this path)" if before is not None else ""), _full(g)])
        product = " + ".join(f"∂{target}/∂{y} × ∂{y}/∂{name}" for y, _ in live)
        sentence = f"So {name} receives ∂{target}/∂{name} = {product} = {_compact(g)}."
        summed = trace.summed_from.get((k, i))
        if summed is not None:
            sentence += (f" The product had the broadcast shape {summed}; it is summed back to "
                         f"{name}'s shape {x.shape}.")
        if before is not None:
            sentence += (f" {name} is used more than once, so this adds to the {_compact(before)} "
                         f"it already had: now {_compact(totals[x])}.")
        if x.creator is None:
            sentence += f" {name} is a leaf: this is what backward() adds to {name}.grad."
        text.append(sentence)
    active = [eid for eid, tail, head in graph.edges() if fid in (tail, head)]
    return {"title": f"Step {number}: {op}", "function": fid, "op": op, "nodes": nodes, "edges": edges,
            "active": active, "text": text, "arrays": arrays}


def _listing(names):
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _inline_svg(svg):
    """dot's SVG without the XML prologue, free to scale down to its box."""
    svg = svg[svg.index("<svg"):]
    return svg.replace("<svg ", '<svg class="graph" ', 1)


def _page(title, svg, leaves, data):
    esc = html.escape
    rows = "\n".join(f'<tr data-var="{vid}"><th>{esc(name)}</th><td><pre>—</pre></td></tr>'
                     for vid, name in leaves)
    payload = json.dumps(data).replace("</", "<\\/")   # cannot close the script element
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>{STYLE}</style>
</head>
<body>
<header><h1>{esc(title)}</h1>
<p>Boxes are values, ovals are operations. Backpropagation walks from the output back to the
inputs: at each step one operation turns the gradient of its result into gradients for its inputs.</p>
</header>
<main>
<section id="pane"><button id="zoom" type="button">Actual size</button>
<div id="graph" class="fit">{svg}</div></section>
<aside id="panel">
<div class="controls">
<button id="prev" type="button" title="Previous step (←)">◀ Prev</button>
<button id="play" type="button" title="Play or pause (space)">▶ Play</button>
<button id="next" type="button" title="Next step (→)">Next ▶</button>
</div>
<input id="scrub" type="range" min="0" max="{len(data["events"]) - 1}" value="0" aria-label="step">
<div id="counter"></div>
<h2 id="step-title"></h2>
<div id="explain"></div>
<div id="arrays"></div>
<h3>Leaf gradients so far</h3>
<table id="leaves">{rows}</table>
<p class="legend"><span class="sw parameter"></span>parameter <span class="sw input"></span>input
<span class="sw output"></span>output <span class="sw intermediate"></span>intermediate
<span class="sw current"></span>current step</p>
<p class="keys">Keys: → / ← step, space play / pause, Home / End first / last.</p>
</aside>
</main>
<script type="application/json" id="trace-data">{payload}</script>
<script>{SCRIPT}</script>
</body>
</html>
"""
