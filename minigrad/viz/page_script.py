"""The styles and the replay script of the backward stepper page (page.py).

The script reads the events from the JSON block `#trace-data` and shows
event k by starting from the blank graph and applying events 0..k: every
gradient line and edge label it fills, every function done before k; then
it highlights function k, the edges its gradients flow along and the nodes
that changed. Node ids ("v3"), function ids ("f2") and edge ids ("f2_in0")
are the ones set in the DOT source.
"""

STYLE = """
:root { --accent: #c0392b; --ink: #222; --muted: #666; }
* { box-sizing: border-box; }
html, body { height: 100%; }
body { margin: 0; display: flex; flex-direction: column; font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink); }
header { padding: 8px 18px; border-bottom: 1px solid #ddd; background: #fafafa; }
header h1 { margin: 0; font-size: 19px; }
header p { margin: 2px 0 0; color: var(--muted); font-size: 13px; }
main { display: flex; flex: 1 1 auto; min-height: 0; }
#pane { flex: 1 1 auto; position: relative; min-width: 0; }
#graph { position: absolute; inset: 0; overflow: auto; padding: 12px; }
#graph svg.graph { display: block; margin: 0 auto; }
#graph.fit svg.graph { width: 100%; height: 100%; }
#zoom { position: absolute; top: 8px; right: 14px; z-index: 1; padding: 3px 9px; font-size: 12px;
        border: 1px solid #bbb; border-radius: 5px; background: #fff; cursor: pointer; }
#panel { flex: 0 0 400px; overflow: auto; padding: 12px 16px; border-left: 1px solid #ddd; background: #fcfcfc; }
.controls { display: flex; gap: 6px; }
.controls button { flex: 1; padding: 7px 0; font-size: 14px; border: 1px solid #bbb; border-radius: 6px;
                   background: #fff; cursor: pointer; }
.controls button:hover:not(:disabled) { background: #f0f0f0; }
.controls button:disabled { color: #aaa; cursor: default; }
#scrub { width: 100%; margin: 10px 0 2px; }
#counter { color: var(--muted); font-size: 13px; }
#step-title { font-size: 17px; margin: 8px 0 6px; color: var(--accent); }
#explain p { margin: 0 0 7px; }
#arrays div { margin: 4px 0; }
#arrays .label, #leaves th { font-size: 12px; color: var(--muted); font-weight: normal; text-align: left; }
pre { margin: 2px 0; padding: 4px 6px; background: #f3f3f3; border-radius: 4px; font-size: 12px;
      overflow-x: auto; }
h3 { font-size: 14px; margin: 14px 0 4px; }
#leaves { border-collapse: collapse; width: 100%; }
#leaves th { width: 1%; padding-right: 8px; vertical-align: top; white-space: nowrap; }
#leaves tr.fresh pre { background: #fde2e1; }
.legend, .keys { font-size: 12px; color: var(--muted); }
.sw { display: inline-block; width: 11px; height: 11px; border: 1px solid #888; border-radius: 3px;
      margin: 0 3px 0 6px; vertical-align: -1px; }
.sw.parameter { background: #dae8fc; } .sw.input { background: #d5e8d4; }
.sw.output { background: #f8cecc; } .sw.intermediate { background: #f5f5f5; }
.sw.current { background: #ffd966; border-color: var(--accent); }
/* the picture */
#graph .edge text { visibility: hidden; }
#graph .edge.sent text { visibility: visible; }
#graph .edge.active path { stroke: var(--accent); stroke-width: 2.5px; stroke-dasharray: 7 4;
                           animation: flow 0.9s linear infinite; }
#graph .edge.active polygon { fill: var(--accent); stroke: var(--accent); }
#graph .edge.active text { font-weight: bold; }
#graph .node.done ellipse { fill: #e2efda; stroke: #70ad47; }
#graph .node.current ellipse { fill: #ffd966; stroke: var(--accent); stroke-width: 3px; }
#graph .node text.pending { fill: #aaa; }
#graph .node text.fresh { font-weight: bold; fill: var(--accent); }
#graph .node.changed path { stroke: var(--accent); stroke-width: 2.5px; }
@keyframes flow { from { stroke-dashoffset: 0; } to { stroke-dashoffset: 22; } }
"""

SCRIPT = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("trace-data").textContent);
  var events = data.events, last = events.length - 1, current = 0, timer = null;
  var $ = function (id) { return document.getElementById(id); };

  function slot(vid) {            // the node's last text line: its gradient
    var texts = $(vid).querySelectorAll("text");
    return texts[texts.length - 1];
  }
  function edgeText(eid) {
    return $(eid).querySelector("text");
  }
  function leafRow(vid) {
    return document.querySelector('#leaves tr[data-var="' + vid + '"]');
  }
  function clearMarks() {
    document.querySelectorAll("#graph .current, #graph .done, #graph .active, #graph .sent, " +
                              "#graph .changed, #graph .fresh, #leaves .fresh").forEach(function (el) {
      el.classList.remove("current", "done", "active", "sent", "changed", "fresh");
    });
    data.variables.forEach(function (vid) {
      var s = slot(vid);
      s.textContent = data.unknown;
      s.classList.add("pending");
    });
    data.leaves.forEach(function (vid) { leafRow(vid).querySelector("pre").textContent = "\\u2014"; });
  }
  function apply(event, isCurrent) {
    event.nodes.forEach(function (node) {      // [id, short text, full text]
      var s = slot(node[0]);
      s.textContent = "grad " + node[1];
      s.classList.remove("pending");
      var row = leafRow(node[0]);
      if (row) { row.querySelector("pre").textContent = node[2]; }
      if (isCurrent) {
        s.classList.add("fresh");
        $(node[0]).classList.add("changed");
        if (row) { row.classList.add("fresh"); }
      }
    });
    event.edges.forEach(function (edge) {      // [id, short text]
      $(edge[0]).classList.add("sent");
      edgeText(edge[0]).textContent = edge[1];
    });
    if (event.function) { $(event.function).classList.add(isCurrent ? "current" : "done"); }
    if (isCurrent) { event.active.forEach(function (eid) { $(eid).classList.add("active"); }); }
  }
  function paragraphs(parent, lines) {
    parent.textContent = "";
    lines.forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;
      parent.appendChild(p);
    });
  }
  function arrays(parent, pairs) {
    parent.textContent = "";
    pairs.forEach(function (pair) {
      var box = document.createElement("div"), label = document.createElement("div"),
          pre = document.createElement("pre");
      label.className = "label";
      label.textContent = pair[0];
      pre.textContent = pair[1];
      box.appendChild(label);
      box.appendChild(pre);
      parent.appendChild(box);
    });
  }
  function show(k) {
    current = Math.max(0, Math.min(last, k));
    clearMarks();
    for (var i = 0; i <= current; i++) { apply(events[i], i === current); }
    var event = events[current];
    $("counter").textContent = "Step " + current + " of " + last;
    $("step-title").textContent = event.title;
    paragraphs($("explain"), event.text);
    arrays($("arrays"), event.arrays);
    $("scrub").value = current;
    $("prev").disabled = current === 0;
    $("next").disabled = current === last;
    if (event.function && !$("graph").classList.contains("fit")) {
      $(event.function).scrollIntoView({block: "nearest", inline: "nearest"});
    }
    if (current === last) { stop(); }
  }
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    $("play").textContent = "\\u25b6 Play";
  }
  function play() {
    if (timer !== null) { stop(); return; }
    if (current === last) { show(0); }
    $("play").textContent = "\\u23f8 Pause";
    timer = setInterval(function () { show(current + 1); }, 1200);
  }
  $("prev").addEventListener("click", function () { stop(); show(current - 1); });
  $("next").addEventListener("click", function () { stop(); show(current + 1); });
  $("play").addEventListener("click", play);
  $("zoom").addEventListener("click", function () {
    var fit = $("graph").classList.toggle("fit");
    this.textContent = fit ? "Actual size" : "Fit to window";
    show(current);
  });
  $("scrub").addEventListener("input", function () { stop(); show(Number(this.value)); });
  document.addEventListener("keydown", function (e) {
    if (e.target.tagName === "INPUT" && e.key !== " ") { return; }
    var keys = {ArrowRight: current + 1, ArrowDown: current + 1, ArrowLeft: current - 1,
                ArrowUp: current - 1, Home: 0, End: last};
    if (e.key in keys) { stop(); show(keys[e.key]); e.preventDefault(); }
    else if (e.key === " ") { play(); e.preventDefault(); }
  });
  show(0);
})();
"""
