"""The stepper: one HTML page replaying the forward and the backward pass.

The page is self-contained (no network): the graph is drawn by `dot -Tsvg`
and inlined, the replay script and styles are inline, and the trace travels
as JSON. Every Variable node has a value line ("?" until the forward pass
computes it; inputs and parameters are known from the start) and, unless it
is a constant, a gradient line ("grad ?" until the gradient arrives). Each
edge out of a Variable used more than once gets a label for the part of the
gradient sent along it (the parts add up on the node). Graphviz sizes these
for the longest text they will hold; the script fills them in step by step,
using the node and edge ids set here.

Events (what one click of Next shows):
  inputs   the forward pass starts: only leaves have values;
  forward  a function computes its output: the value appears on its node;
  begin    a backward pass starts: its outputs get their seed gradients;
  step     a function runs its backward: gradients arrive on its input edges
           and add up on the input nodes; a gradient of a broadcast shape
           is summed back to its input's shape in an event of its own, next.
The words of each step, in the graph's own names, come from explain.py.

Beside the steps, the side panel has a "Gradient check" tab (check.py:
each leaf's gradient beside central differences, computed when the page is
made), and with module boxes (`cluster_modules=`, `collapse=`) a click on a
module's label collapses it into one box, a click on the box expands it.
"""
import html
import json
import pathlib
import re
from collections import Counter

import numpy as np

from . import explain
from .check import EPS, check_gradients, check_option
from .dot import (GraphvizNotFoundError, check_show, collapsed_paths, draw, is_constant, module_clusters,
                  module_paths, module_title, parameter_names, run_dot, value_names, value_rows)
from .graph import Graph
from .labels import format_array, heat_map, summarize
from .opmath import drawn_op
from .page_script import SCRIPT, STYLE

SLOT_ELEMENTS = 6        # values and gradients in the picture: up to 6 numbers, else a summary
PANEL_ELEMENTS = 64      # the side panel: up to 8x8 numbers, else a heat map
PANEL_DIGITS = 4
UNKNOWN_VALUE = "?"
UNKNOWN_GRAD = "?"


def write_page(trace, path, **options):
    """Draw the traced graph and write the stepper page to `path`."""
    path = pathlib.Path(path)
    text = page_html(trace, **options)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


FRAME_HEIGHT_PX = (720, 1000)   # the inline stepper's height: at least, at most
FRAME_CHROME_PX = 170            # its header and tool bar above the picture


def notebook_frame(trace, height=None, **options):
    """The stepper of `trace` for a notebook output: an iframe whose srcdoc
    is the whole page (inline scripts run in JupyterLab, Notebook and VS
    Code alike), or a short note saying why there is none. The frame is
    tall enough to show a small graph whole (within FRAME_HEIGHT_PX)."""
    try:
        page = page_html(trace, **options)
    except (ValueError, GraphvizNotFoundError) as error:
        return f"<pre>{html.escape(str(error))}</pre>"
    if height is None:
        drawn = re.search(r'<svg class="graph" width="[\d.]+pt" height="([\d.]+)pt"', page)
        low, high = FRAME_HEIGHT_PX
        height = low if drawn is None else min(high, max(low, FRAME_CHROME_PX + float(drawn.group(1))))
    return (f'<iframe class="minigrad-stepper" srcdoc="{html.escape(page, quote=True)}" '
            f'style="width: 100%; height: {int(height)}px; border: 1px solid #ddd; border-radius: 4px;" '
            f'sandbox="allow-scripts" title="forward and backward stepper"></iframe>')


def page_html(trace, show=("name", "value"), params=None, rankdir="TB", cluster_modules=False,
              title=None, check="auto", collapse=None):
    """The stepper page of `trace` as one HTML string (see BackwardTrace.to_html)."""
    if not trace.seeds:
        raise ValueError("to_html: the trace recorded no backward pass; run backward() inside "
                         "`with viz.trace_backward() as trace:`")
    check_option(check)
    graph = Graph(trace.outputs)
    # the stepper is about names, values and gradients: those lines are always there
    show = tuple(dict.fromkeys(("name",) + check_show(show) + ("value", "grad")))
    param_names = parameter_names(params)
    names = value_names(graph, param_names)
    around = _neighbourhoods(graph)
    events = _forward_events(graph, names, around) + _events(trace, graph, names, around)

    grads = {vid: [UNKNOWN_GRAD] for x, vid in graph.variable_ids.items() if not is_constant(x)}
    edge_labels = {}
    for event in events:
        for node in event["nodes"]:
            grads[node[0]].append(node[1])
        for eid, compact in event["edges"]:
            edge_labels[eid] = max(edge_labels.get(eid, ""), compact, key=len)

    # vid -> [index of the value line, of the gradient line or -1, of the first
    # blank line kept for a heat map or -1, how many blank lines]
    slots = {}
    first_heat = {}   # vid -> the heat map of a leaf's value, drawn from the start

    def rows(x):
        vid = graph.variable_ids[x]
        grad = max(grads[vid], key=len) if vid in grads else None   # sized for its longest text
        lines = value_rows(names[x], x.data, show, _compact(x.data), grad)
        value = [style for _, style in lines].index("value")
        heat = -1
        if _node_heat(x.data) is not None:
            lines.insert(value + 1, ("\n".join([" "] * NODE_HEAT_LINES), "value"))
            heat = value + 1
            if x.creator is None:
                first_heat[vid] = _node_heat(x.data)
        blank = NODE_HEAT_LINES if heat >= 0 else 0
        slots[vid] = [value, len(lines) - 1 + blank - (blank > 0) if grad else -1, heat, blank]
        return lines

    def operand_rows(k):
        _, key, array = graph.operands[k]
        return value_rows(key, array, show, _compact(array), None)

    clusters, modules = None, []
    if cluster_modules or collapse:
        owner, kinds = module_clusters(graph, params, param_names, collapse)
        clusters = owner, kinds, ()   # drawn open: the page collapses them (a click toggles)
        modules = _modules(owner, kinds, collapsed_paths(collapse, owner, kinds))
    drawing = draw(graph, rows, operand_rows, param_names, rankdir, clusters, edge_labels)
    svg = _inline_svg(run_dot(drawing, "svg").decode("utf-8"))
    leaves = [(graph.variable_ids[x], names[x]) for x in graph.variables
              if x.creator is None and not is_constant(x)]
    computed = [graph.variable_ids[x] for x in graph.variables if x.creator is not None]
    data = {"events": events, "slots": slots, "computed": computed, "firstHeat": first_heat,
            "edges": sorted(edge_labels), "leaves": [vid for vid, _ in leaves],
            "unknownValue": UNKNOWN_VALUE, "unknownGrad": UNKNOWN_GRAD,
            "nodes": len(graph.variables) + len(graph.functions) + len(graph.operands),
            "start": graph.variable_ids[graph.variables[0]],
            "check": _check_data(check_gradients(trace, check), graph, names, _target(graph, names)),
            "modules": modules}
    title = title or f"Forward and backward through {_target(graph, names)}, step by step"
    return _page(title, svg, leaves, data)


def _target(graph, names):
    """What the gradients are gradients of: the output's name, or L."""
    return names[graph.outputs[0]] if len(graph.outputs) == 1 else "L"


def _compact(a):
    return format_array(a, SLOT_ELEMENTS, one_line=True)


NODE_HEAT_LINES = 4      # blank text lines a node keeps for its heat map
NODE_HEAT_CELLS = 512


def _node_heat(a):
    """The heat map drawn in a node for an array too big to print there
    (more than SLOT_ELEMENTS numbers, or more than 2 axes of length > 1),
    else None."""
    a = np.asarray(a)
    if a.dtype.kind not in "fciub" or a.size == 0:
        return None
    if a.size <= SLOT_ELEMENTS and sum(n > 1 for n in a.shape) <= 2:
        return None
    return heat_map(a, digits=3, cells=NODE_HEAT_CELLS)


def _full(a):
    """An array for the side panel: {"text": its numbers} when, leading
    axes of length 1 aside, it has at most PANEL_ELEMENTS numbers and 2
    axes; else {"text": a summary, "heat": heat_map(a)}."""
    a = np.asarray(a)
    squeezed = a.reshape(a.shape[next((k for k, n in enumerate(a.shape) if n != 1), a.ndim):])
    if 0 < squeezed.size <= PANEL_ELEMENTS and squeezed.ndim <= 2:
        return {"text": format_array(squeezed, PANEL_ELEMENTS, digits=PANEL_DIGITS)}
    return {"text": summarize(a), "heat": heat_map(a, digits=3)}


def _forward_events(graph, names, around):
    """The forward pass, one event per function in the order they ran."""
    leaves = [names[x] for x in graph.variables if x.creator is None]
    text = [f"The forward pass starts from the values we know: {explain.listing(leaves)}"
            + (" (and the constants drawn dashed)." if graph.operands else "."),
            "Press Next: each operation computes its result from its inputs, in the order the "
            "code ran. Then the backward pass sends gradients back the other way."]
    events = [_event("Forward pass: the inputs", "forward", text)]
    for number, f in enumerate(graph.functions, start=1):
        fid = graph.function_ids[f]
        op = drawn_op(f)
        outputs = [y for y in graph.function_outputs(f) if y is not None]
        out_names = explain.listing([names[y] for y in outputs]) if outputs else "its result"
        in_names = [names[x] for x in f.inputs]
        in_names += [key for g, key, _ in graph.operands if g is f]
        text = [f"{op.name} computes {out_names} from {explain.listing(in_names)}."]
        told, docstring = explain.forward_words(f, op, in_names, [names[y] for y in outputs])
        if told:
            text.append(f"Its formula, in this graph's names: {told}")
        if op.math.forward and docstring:
            text.append(f"Its formula, from the docstring of {type(f).__name__}: {op.math.forward}")
        for y in outputs:
            text.append(f"{names[y]} = {_compact(y.data)}")
        values = [[graph.variable_ids[y], _compact(y.data), _full(y.data), _node_heat(y.data)]
                  for y in outputs]
        arrays = [[f"{names[y]}, shape {y.shape}", _full(y.data)] for y in outputs]
        events.append(_event(f"Forward {number}: {op.name}", "forward", text, function=fid,
                             values=values, arrays=arrays, **around[fid]))
    return events


def _event(title, phase, text, function=None, values=(), nodes=(), edges=(), active=(), focus=(),
           arrays=()):
    """One JSON-ready event: `values` and `nodes` are [id, short text, full
    text] updates of value and gradient lines, `edges` [id, short text];
    `active` the edges to highlight, `focus` the nodes to keep in view."""
    return {"title": title, "phase": phase, "function": function, "values": list(values),
            "nodes": list(nodes), "edges": list(edges), "active": list(active), "focus": list(focus),
            "text": text, "arrays": list(arrays)}


def _neighbourhoods(graph):
    """{function id: {"active": its edges, "focus": it and its neighbours}},
    in one pass over the edges."""
    around = {fid: {"active": [], "focus": [fid]} for fid in graph.function_ids.values()}
    for eid, tail, head in graph.edges():
        fid, other = (tail, head) if tail in around else (head, tail)
        around[fid]["active"].append(eid)
        around[fid]["focus"].append(other)
    return around


def _events(trace, graph, names, around):
    """The replay as a list of JSON-ready events (see the module docstring)."""
    target = _target(graph, names)
    totals = {}   # Variable -> gradient accumulated so far
    arrived = Counter()   # Variable -> shares of its gradient arrived in this pass
    events = []
    uses = Counter(x for f in graph.functions for x in f.inputs)
    starts = dict(zip(trace.pass_starts, trace.seeds))
    for k in range(len(trace.steps) + 1):
        if k in starts:
            for x in [x for x in totals if x.creator is not None]:
                del totals[x]   # a new pass: pending gradients start empty, .grad keeps adding
            arrived.clear()
            events.append(_begin_event(starts[k], graph, names, totals, target))
        if k < len(trace.steps):
            events.extend(_step_events(trace, k, k + 1, graph, names, (totals, arrived), target, uses,
                                       around))
    return events


def _accumulate(x, g, graph, totals):
    """Add g to x's total; return the node update and the earlier total."""
    before = totals.get(x)
    totals[x] = g if before is None else before + g
    return [graph.variable_ids[x], _compact(totals[x]), _full(totals[x]), _node_heat(totals[x])], before


def _begin_event(seeds, graph, names, totals, target):
    nodes, text, arrays = [], [], []
    for y, seed in seeds:
        nodes.append(_accumulate(y, seed, graph, totals)[0])
        name = names[y]
        if name == target:
            text.append(f"The backward pass starts at {name}: the gradient of {name} with respect to "
                        f"itself is ∂{name}/∂{name} = {_compact(seed)}, the seed.")
        else:
            text.append(f"The backward pass starts at {name}, with the seed gradient "
                        f"∂{target}/∂{name} = {_compact(seed)}.")
        if seed.size > 1 and np.all(seed == 1):
            text.append(f"{name} is not a single number; seeding ones is the same as "
                        f"differentiating the sum of its elements.")
        arrays.append([f"∂{target}/∂{name} (seed), shape {seed.shape}", _full(seed)])
    text.append("Press Next: functions run their backward from the output towards the inputs, "
                "each only once every use of its result has sent back a gradient.")
    return _event("Backward pass: seed the output gradient", "backward", text, nodes=nodes,
                  arrays=arrays)


def _step_events(trace, k, number, graph, names, state, target, uses, around):
    """Backward step `number` of the page: step k of the trace, then one
    event per input whose gradient is summed back from a broadcast shape.
    `uses` counts the edges leaving each Variable; `state` is (the
    gradients so far, the shares arrived so far)."""
    step = trace.steps[k]
    f = step.function
    fid = graph.function_ids[f]
    outputs = graph.function_outputs(f)
    out_names = [names[y] if y is not None else f"output {j}" for j, y in enumerate(outputs)]
    in_names = [names[x] for x in f.inputs]
    drawn = drawn_op(f)
    op = drawn.name
    text = [f"{op} computed {explain.listing(out_names)} from {explain.listing(in_names)}. Its turn comes now: "
            f"every use of {explain.listing(out_names)} has already sent its gradient back."]
    arrays = []
    live = [(name, g) for name, g in zip(out_names, step.grads_in) if g is not None]
    seeded = [name for name, g in live if name == target and g.size == 1 and np.all(g == 1)]
    for name, g in live:
        text.append(f"Arriving at {name}: " + ("the seed " if name in seeded else "")
                    + f"∂{target}/∂{name} = {_compact(g)}.")
        arrays.append([f"in: ∂{target}/∂{name}, shape {g.shape}", _full(g)])
    told = explain.words(f, drawn, explain.Names(f, in_names, out_names, target, "1" if seeded else None,
                                                 live[0][1].shape if live else ()))
    text += explain.chain_rule(f, op, [name for name, _ in live], bool(seeded), told, target)
    text += explain.repeated_inputs(op, in_names)
    nodes, edges, later = [], [], []
    for i, (x, g) in enumerate(zip(f.inputs, step.grads_out)):
        name = in_names[i]
        if is_constant(x):
            text.append(f"{name} is a constant (drawn dashed): it needs no gradient.")
            continue
        if g is None:
            text.append(f"{name} receives no gradient: {op} does not differentiate with respect to it.")
            continue
        formula = told.grads[i] if told.grads is not None and i < len(told.grads) else " + ".join(
            f"∂{target}/∂{y} × ∂{y}/∂{name}" for y, _ in live)
        summed = trace.summed_from.get((k, i))
        if summed is not None:   # the sum back to x's shape is a step of its own, next
            product = trace.before_sum[k, i]
            text.append(f"So {op} sends {name} {formula} = {_compact(product)}, of the broadcast "
                        f"shape {summed}. Next: it is summed back to {name}'s shape {x.shape}.")
            arrays.append([f"out: for {name}, before the sum, shape {summed}", _full(product)])
            later.append((x, i, g, formula))
            continue
        node, edge, sentence, label = _receive(x, g, i, fid, formula, graph, names, state, target, uses)
        nodes.append(node)
        edges += edge
        text.append(sentence)
        arrays.append([label, _full(g)])
    for g, key, _ in graph.operands:
        if g is f:
            text.append(told.notes.get(key, f"{key} is a constant (drawn dashed): it needs no gradient."))
    # only the edges a gradient flows along light up: not those from constants
    flowing = {f"{fid}_out{j}" for j, g in enumerate(step.grads_in) if g is not None}
    flowing.update(f"{fid}_in{i}" for i, (x, g) in enumerate(zip(f.inputs, step.grads_out))
                   if g is not None and not is_constant(x))
    active = [eid for eid in around[fid]["active"] if eid in flowing]
    events = [_event(f"Backward {number}: {op}", "backward", text, function=fid, nodes=nodes,
                     edges=edges, arrays=arrays, active=active, focus=around[fid]["focus"])]
    for x, i, g, formula in later:
        name, before = in_names[i], trace.before_sum[k, i]
        text, formula = explain.summed_back(op, name, before.shape, x.shape, formula)
        node, edge, sentence, label = _receive(x, g, i, fid, formula, graph, names, state, target, uses)
        arrays = [[f"before the sum: for {name}, shape {before.shape}", _full(before)],
                  [label.replace("out:", "after the sum:"), _full(g)]]
        text.append(sentence)
        events.append(_event(f"Backward {number}: sum back to {name}'s shape", "backward", text,
                             function=fid, nodes=[node], edges=edge, arrays=arrays,
                             active=[f"{fid}_in{i}"], focus=[fid, graph.variable_ids[x]]))
    return events


def _receive(x, g, i, fid, formula, graph, names, state, target, uses):
    """x's gradient g arrives along input i of function fid: the node
    update, the edge label (where x is used more than once), the sentence
    and the label of its array."""
    totals, arrived = state
    node, before = _accumulate(x, g, graph, totals)
    arrived[x] += 1
    share = None if uses[x] == 1 else explain.Share(uses[x], arrived[x], before, totals[x])
    sentence, label = explain.received(names[x], target, formula, g, share, x.creator is None, _compact)
    # only for a share does the edge say more than the node: the parts that add up
    return node, [] if share is None else [[f"{fid}_in{i}", _compact(g)]], sentence, label



def _inline_svg(svg):
    """dot's SVG without the XML prologue, for the script to zoom and pan."""
    svg = svg[svg.index("<svg"):]
    return svg.replace("<svg ", '<svg class="graph" ', 1)


def _modules(owner, kinds, collapsed):
    """Per module box of the picture: its cluster id, title, the ids of the
    nodes inside it (its sub-modules' too) and whether it opens collapsed."""
    modules = []
    for number, path in enumerate(module_paths(owner.values())):
        inside = sorted(nid for nid, home in owner.items() if home == path or home.startswith(path + "."))
        modules.append({"cluster": f"cluster_{number}", "path": path, "title": module_title(path, kinds),
                        "nodes": inside, "collapsed": path in collapsed})
    return modules


def _check_data(result, graph, names, target):
    """The gradient check for the page (check.py): None when not asked for,
    else {"reason": why it was skipped or None, "leaves": per leaf its name,
    verdict, largest relative error and the three arrays, "culprits": the
    ops whose own backward disagrees}."""
    if result is None:
        return None
    leaves = [{"id": graph.variable_ids[c.leaf], "name": names[c.leaf], "shape": list(c.leaf.shape),
               "agree": c.agree, "verdict": c.verdict, "maxError": f"{c.max_error:.1e}",
               "arrays": [[f"analytic: ∂{target}/∂{names[c.leaf]} by backward (replayed in float64)",
                           _full(c.analytic)],
                          [f"numeric: central differences, eps = {EPS:g} and {2 * EPS:g}", _full(c.numeric)],
                          ["relative error |a − n| / max(|a|, |n|)", _full(c.error)]]}
              for c in result.leaves]
    culprits = None if result.culprits is None else [
        {"id": graph.function_ids[f], "name": f"{f.name} ({type(f).__name__})", "maxError": f"{error:.1e}"}
        for f, error in result.culprits]
    return {"reason": result.reason, "agree": result.agree, "leaves": leaves, "culprits": culprits}


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
<p>Boxes are values, ovals are operations. The forward pass computes the values from the inputs;
backpropagation then walks from the output back to the inputs: at each step one operation turns the
gradient of its result into gradients for its inputs.</p>
</header>
<main>
<section id="pane"><div id="view-controls">
<button id="zoom-out" type="button" title="Zoom out (-)">−</button>
<button id="zoom-in" type="button" title="Zoom in (+)">+</button>
<button id="modules" type="button" title="Each module as one box, or every module open">Collapse modules</button>
<button id="fit" type="button" title="Show the whole graph (0)">Fit</button>
<button id="readable" type="button" title="Text at reading size (1)">Readable</button></div>
<div id="graph" title="Drag to pan, wheel to zoom">{svg}</div></section>
<aside id="panel">
<div id="tabs" role="tablist"><button id="tab-steps" type="button" role="tab" class="on">Steps</button>
<button id="tab-check" type="button" role="tab"
 title="Each leaf's gradient beside central differences">Gradient check</button></div>
<div id="check-view" hidden>
<p>Each leaf's gradient from backward beside central differences of the traced output,
D(eps) = (J(x + eps) − J(x − eps)) / 2 eps per element, as CS231n's notes on gradient checking
teach, taken at eps and 2 eps and combined as (4 D(eps) − D(2 eps)) / 3 (Richardson), in float64.
A relative error under 1e-7 is agreement; over 1e-2 the backward is wrong. Where the two
differences disagree, the step crossed a kink (relu, max): those elements are left out.</p>
<p id="check-summary"></p>
<p id="check-culprits"></p>
<table id="check-table"></table>
<div id="check-detail"></div>
</div>
<div id="steps-view">
<div class="controls">
<button id="prev" type="button" title="Previous step (←)">◀ Prev</button>
<button id="play" type="button" title="Play or pause (space)">▶ Play</button>
<button id="next" type="button" title="Next step (→)">Next ▶</button>
</div>
<input id="scrub" type="range" min="0" max="{len(data["events"]) - 1}" value="0" aria-label="step">
<div id="counter-line"><span id="phase"></span> · <span id="counter"></span></div>
<h2 id="step-title"></h2>
<div id="explain"></div>
<div id="arrays"></div>
<h3>Leaf gradients so far</h3>
<table id="leaves">{rows}</table>
<p class="legend"><span class="sw parameter"></span>parameter <span class="sw input"></span>input
<span class="sw output"></span>output <span class="sw intermediate"></span>intermediate
<span class="sw constant"></span>constant (no gradient) <span class="sw current"></span>current step</p>
<p class="keys">Keys: → / ← step, space play / pause, Home / End first / last, + / − zoom,
0 fit. Drag the picture to pan it, use the wheel to zoom.</p>
</div>
</aside>
</main>
<script type="application/json" id="trace-data">{payload}</script>
<script>{SCRIPT}</script>
</body>
</html>
"""
