"""The styles and the replay script of the stepper page (page.py).

The script reads the events from the JSON block `#trace-data` and shows
event k by starting from the blank graph and applying events 0..k: every
value line, gradient line and edge label it fills, every function computed
or done before k; then it highlights function k, the edges along which its
values or gradients flow and the nodes that changed. Node ids ("v3"),
function ids ("f2") and edge ids ("f2_in0") are the ones set in the DOT
source; `slots` says which text line of a node holds its value and which
its gradient.

The picture zooms and pans (wheel, drag, the buttons, + - 0 1 keys). It
opens at a scale where the smallest node text is READABLE_PX pixels high
(when the graph has at most 40 nodes; a bigger one opens fitted to the
pane), and each step pans the current function into view.

Module boxes (`data.modules`, clusters "cluster_k" of the SVG) collapse
without a new layout: a collapsed module is a box drawn over its cluster,
titled "1: Linear", lit while a step inside it runs; a click (a press that
does not move) on it expands it, a click on an open module's label collapses
it. The "Gradient check" tab shows `data.check` (check.py) per leaf.
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
#pane { flex: 1 1 auto; position: relative; min-width: 0; display: flex; flex-direction: column; }
#graph { position: relative; flex: 1 1 auto; min-height: 0; overflow: hidden; cursor: grab; touch-action: none; }
#graph.dragging { cursor: grabbing; }
#graph svg.graph { position: absolute; left: 0; top: 0; transform-origin: 0 0; display: block; }
#view-controls { display: flex; gap: 4px; justify-content: flex-end; padding: 4px 14px;
                 border-bottom: 1px solid #eee; }   /* a bar above the picture: it covers no node */
#view-controls button { padding: 3px 9px; font-size: 12px; border: 1px solid #bbb; border-radius: 5px;
                        background: #fff; cursor: pointer; }
#panel { flex: 0 0 400px; overflow: auto; padding: 12px 16px; border-left: 1px solid #ddd; background: #fcfcfc; }
@media (max-width: 1000px) { #panel { flex-basis: 300px; } }   /* a narrow notebook frame */
.controls { display: flex; gap: 6px; }
.controls button { flex: 1; padding: 7px 0; font-size: 14px; border: 1px solid #bbb; border-radius: 6px;
                   background: #fff; cursor: pointer; }
.controls button:hover:not(:disabled) { background: #f0f0f0; }
.controls button:disabled { color: #aaa; cursor: default; }
#tabs { display: flex; gap: 4px; margin: 0 0 10px; border-bottom: 1px solid #ddd; }
#tabs button { flex: 1; padding: 5px 0; font-size: 13px; border: 1px solid #ccc; border-bottom: none;
               border-radius: 6px 6px 0 0; background: #f3f3f3; color: var(--muted); cursor: pointer; }
#tabs button.on { background: #fff; color: var(--ink); font-weight: bold; }
#check-table { border-collapse: collapse; width: 100%; font-size: 13px; }
#check-table td, #check-table th { padding: 3px 4px; border-bottom: 1px solid #eee; text-align: left;
                                   vertical-align: top; }
#check-table tr.open { background: #fff7d6; }
#check-table td:nth-child(2) { white-space: nowrap; }
.agree { color: #2e7d32; } .disagree { color: #b71c1c; font-weight: bold; }
button.check-open { font-size: 12px; padding: 1px 6px; border: 1px solid #bbb; border-radius: 4px;
                    background: #fff; cursor: pointer; white-space: nowrap; }
#check-detail h3 { margin-top: 12px; }
#scrub { width: 100%; margin: 10px 0 2px; }
#counter-line { color: var(--muted); font-size: 13px; }
#phase { font-weight: bold; }
#step-title { font-size: 17px; margin: 8px 0 6px; color: var(--accent); }
#explain p { margin: 0 0 7px; }
#arrays div { margin: 4px 0; }
#arrays .label, #leaves th { font-size: 12px; color: var(--muted); font-weight: normal; text-align: left; }
pre { margin: 2px 0; padding: 4px 6px; background: #f3f3f3; border-radius: 4px; font-size: 12px;
      white-space: pre-wrap; overflow-wrap: anywhere; }
h3 { font-size: 14px; margin: 14px 0 4px; }
#leaves { border-collapse: collapse; width: 100%; }
#leaves th { width: 1%; padding-right: 8px; vertical-align: top; white-space: nowrap; }
#leaves tr.fresh pre { background: #fde2e1; }
.heat { margin: 2px 0 6px; }
.heat-scale { display: flex; align-items: center; gap: 4px; font-size: 11px; color: var(--muted); }
.heat-scale .bar { flex: 0 0 120px; height: 8px; border: 1px solid #ccc;
                   background: linear-gradient(to right, rgb(0,0,255), #fff, rgb(255,0,0)); }
.heat .slices { display: flex; flex-wrap: wrap; gap: 6px; align-items: flex-start; }
.heat figure { margin: 0; }
.heat figcaption { font-size: 10px; color: var(--muted); text-align: center; }
.heat .grid { display: grid; border: 1px solid #ccc; width: max-content; }
.heat .grid i { display: block; }
.legend, .keys { font-size: 12px; color: var(--muted); }
.sw { display: inline-block; width: 11px; height: 11px; border: 1px solid #888; border-radius: 3px;
      margin: 0 3px 0 6px; vertical-align: -1px; }
.sw.parameter { background: #dae8fc; } .sw.input { background: #d5e8d4; }
.sw.output { background: #f8cecc; } .sw.intermediate { background: #f5f5f5; }
.sw.current { background: #ffd966; border-color: var(--accent); }
.sw.constant { background: #fff; border-style: dashed; }
/* the picture */
#graph .edge text { visibility: hidden; }
#graph .edge.sent text { visibility: visible; }
#graph .edge.active path { stroke: var(--accent); stroke-width: 2.5px; stroke-dasharray: 7 4;
                           animation: flow 0.9s linear infinite; }
#graph .edge.active polygon { fill: var(--accent); stroke: var(--accent); }
#graph .edge.active text { font-weight: bold; }
#graph .node.computed ellipse { fill: #fdf6e3; }
#graph .node.done ellipse { fill: #e2efda; stroke: #70ad47; }
#graph .node.current ellipse { fill: #ffd966; stroke: var(--accent); stroke-width: 3px; }
#graph .node text.pending { fill: #aaa; }
#graph .node text.fresh { font-weight: bold; fill: var(--accent); }
#graph .node.changed path { stroke: var(--accent); stroke-width: 2.5px; }
#graph g.node.culprit ellipse { stroke: #b71c1c; stroke-width: 4px; stroke-dasharray: 6 3; }
#graph g.cluster > text { cursor: pointer; }
#graph g.module-box { cursor: pointer; }
#graph g.module-box rect { fill: #ede7f6; stroke: #7e57c2; stroke-width: 2px; }
#graph g.module-box text { fill: #222; }
#graph g.module-box.changed rect { stroke: var(--accent); stroke-width: 3px; }
#graph g.module-box.current rect { fill: #ffd966; stroke: var(--accent); stroke-width: 3px; }
@keyframes flow { from { stroke-dashoffset: 0; } to { stroke-dashoffset: 22; } }
"""

SCRIPT = """
(function () {
  "use strict";
  var READABLE_PX = 11.5, MIN_OPEN_PX = 7.5, MAX_READABLE_NODES = 40, PAD = 12;
  var data = JSON.parse(document.getElementById("trace-data").textContent);
  var events = data.events, last = events.length - 1, current = 0, timer = null;
  var $ = function (id) { return document.getElementById(id); };
  var pane = $("graph"), svg = pane.querySelector("svg"), box = svg.viewBox.baseVal;
  var view = {scale: 1, x: 0, y: 0};

  // -- the picture: zoom and pan ---------------------------------------------
  svg.setAttribute("width", box.width);     // one unit of the drawing = one pixel at scale 1
  svg.setAttribute("height", box.height);
  var smallest = Infinity;
  svg.querySelectorAll("g.node text").forEach(function (t) {
    smallest = Math.min(smallest, parseFloat(t.getAttribute("font-size")) || Infinity);
  });
  function readableScale() { return isFinite(smallest) ? READABLE_PX / smallest : 1; }
  function fitScale() {
    return Math.min((pane.clientWidth - 2 * PAD) / box.width, (pane.clientHeight - 2 * PAD) / box.height);
  }
  function setView(scale, x, y) {
    view.scale = Math.max(0.02, Math.min(12, scale));
    view.x = x;
    view.y = y;
    svg.style.transform = "translate(" + x + "px, " + y + "px) scale(" + view.scale + ")";
  }
  function zoomAt(factor, px, py) {         // keep the point (px, py) of the pane still
    var old = view.scale;
    setView(old * factor, 0, 0);
    var k = view.scale / old;
    setView(view.scale, px - (px - view.x) * k, py - (py - view.y) * k);
  }
  function centred(scale) {
    setView(scale, (pane.clientWidth - box.width * scale) / 2,
            Math.max(PAD, (pane.clientHeight - box.height * scale) / 2));
  }
  function fit() { centred(fitScale()); }
  function readable() {
    centred(readableScale());
    follow();
  }
  // Where things are, from the drawing's own coordinates (no layout needed:
  // an iframe that is hidden, off-screen or not yet sized gives getBBox and
  // getBoundingClientRect zeros). Pane pixels = view.x + scale * user units.
  var root = svg.querySelector("g"), shift = {x: 0, y: 0};
  var m = /translate\\(\\s*([-\\d.]+)[ ,]+([-\\d.]+)/.exec(root.getAttribute("transform") || "");
  if (m) { shift = {x: parseFloat(m[1]), y: parseFloat(m[2])}; }
  function extent(el) {                   // [left, top, right, bottom] in user units, or null
    var o = outline(el);
    return o && [o[0] + shift.x - box.x, o[1] + shift.y - box.y, o[2] + shift.x - box.x, o[3] + shift.y - box.y];
  }
  function outline(el) {                  // the same in the drawing's own coordinates
    var xs = [], ys = [];
    el.querySelectorAll("polygon, path, ellipse").forEach(function (s) {
      if (s.tagName === "ellipse") {
        var cx = +s.getAttribute("cx"), cy = +s.getAttribute("cy"), rx = +s.getAttribute("rx"),
            ry = +s.getAttribute("ry");
        xs.push(cx - rx, cx + rx); ys.push(cy - ry, cy + ry);
        return;
      }
      var points = s.getAttribute("points") || s.getAttribute("d") || "";
      var nums = points.match(/-?\\d+(?:\\.\\d+)?(?:e[-+]?\\d+)?/g) || [];
      for (var i = 0; i + 1 < nums.length; i += 2) { xs.push(+nums[i]); ys.push(+nums[i + 1]); }
    });
    if (!xs.length) { return null; }
    return [Math.min.apply(null, xs), Math.min.apply(null, ys), Math.max.apply(null, xs), Math.max.apply(null, ys)];
  }
  function paneRect(el) {                 // el's extent in pane pixels
    var e = extent(el);
    if (!e) { return null; }
    return {left: view.x + e[0] * view.scale, top: view.y + e[1] * view.scale,
            right: view.x + e[2] * view.scale, bottom: view.y + e[3] * view.scale};
  }
  function startView() {
    var scale = fitScale();
    if (data.nodes <= MAX_READABLE_NODES && scale < MIN_OPEN_PX / smallest) {
      scale = readableScale();              // the whole graph would be too small to read
    } else if (data.nodes <= MAX_READABLE_NODES) {
      scale = Math.min(scale, 1.5 * readableScale());
    }
    centred(scale);                         // top first: the forward pass starts there
    var first = svg.querySelector("g.node[id^='f']");
    if (first && box.width * scale > pane.clientWidth) {
      var r = paneRect(first);
      setView(scale, view.x + pane.clientWidth / 2 - (r.left + r.right) / 2, view.y);
    }
    follow();
  }
  function follow() {                       // pan the current step (or the first input) into view
    var event = events[current];
    var ids = event.function ? event.focus : [data.start];
    var r = null, own = $(ids[0]) && paneRect($(ids[0]));
    ids.forEach(function (id) {
      var b = $(id) && paneRect($(id));
      if (!b) { return; }
      r = r === null ? {left: b.left, top: b.top, right: b.right, bottom: b.bottom}
                     : {left: Math.min(r.left, b.left), top: Math.min(r.top, b.top),
                        right: Math.max(r.right, b.right), bottom: Math.max(r.bottom, b.bottom)};
    });
    if (r === null || !own) { return; }
    var lo = {x: PAD, y: PAD}, hi = {x: pane.clientWidth - PAD, y: pane.clientHeight - PAD};
    function shift(a, b, min, max, a1, b1) {  // the least move that brings [a, b] inside [min, max],
      if (b - a > max - min) { a = a1; b = b1; }  // or else the node itself [a1, b1]
      if (b - a > max - min) { return (min + max) / 2 - (a + b) / 2; }
      return a < min ? min - a : b > max ? max - b : 0;
    }
    var dx = shift(r.left, r.right, lo.x, hi.x, own.left, own.right);
    var dy = shift(r.top, r.bottom, lo.y, hi.y, own.top, own.bottom);
    if (dx || dy) { setView(view.scale, view.x + dx, view.y + dy); }
  }
  pane.addEventListener("wheel", function (e) {
    e.preventDefault();
    var p = pane.getBoundingClientRect();
    zoomAt(Math.exp(-e.deltaY * 0.0015), e.clientX - p.left, e.clientY - p.top);
  }, {passive: false});
  var drag = null;
  pane.addEventListener("pointerdown", function (e) {
    if (e.button !== 0) { return; }
    drag = {x: e.clientX - view.x, y: e.clientY - view.y, from: [e.clientX, e.clientY], target: e.target};
    pane.classList.add("dragging");
    pane.setPointerCapture(e.pointerId);
  });
  pane.addEventListener("pointermove", function (e) {
    if (drag) { setView(view.scale, e.clientX - drag.x, e.clientY - drag.y); }
  });
  function endDrag() { drag = null; pane.classList.remove("dragging"); }
  pane.addEventListener("pointerup", function (e) {   // a press that did not move is a click
    if (drag && Math.abs(e.clientX - drag.from[0]) + Math.abs(e.clientY - drag.from[1]) < 5) {
      clickModule(drag.target);
    }
    endDrag();
  });
  pane.addEventListener("pointercancel", endDrag);
  function zoomCentre(factor) { zoomAt(factor, pane.clientWidth / 2, pane.clientHeight / 2); }
  $("zoom-in").addEventListener("click", function () { zoomCentre(1.25); });
  $("zoom-out").addEventListener("click", function () { zoomCentre(0.8); });
  $("fit").addEventListener("click", fit);
  $("readable").addEventListener("click", readable);

  // -- the replay --------------------------------------------------------------
  function lines(vid) { return $(vid).querySelectorAll("text"); }
  function centre(text, vid) {              // keep a line centred whatever it comes to hold,
    var e = outline($(vid));                // on the node's middle (from its outline, not getBBox)
    text.setAttribute("x", (e[0] + e[2]) / 2);
    text.setAttribute("text-anchor", "middle");
  }
  function valueLine(vid) { return lines(vid)[data.slots[vid][0]]; }
  function gradLine(vid) {
    var k = data.slots[vid][1];
    return k < 0 ? null : lines(vid)[k];
  }
  function edgeText(eid) { return $(eid).querySelector("text"); }
  function leafRow(vid) { return document.querySelector('#leaves tr[data-var="' + vid + '"]'); }
  function clearMarks() {
    document.querySelectorAll("#graph .current, #graph .computed, #graph .done, #graph .active, " +
                              "#graph .sent, #graph .changed, #graph .fresh, #leaves .fresh")
      .forEach(function (el) {
        el.classList.remove("current", "computed", "done", "active", "sent", "changed", "fresh");
      });
    data.computed.forEach(function (vid) {
      var s = valueLine(vid);
      s.textContent = data.unknownValue;
      s.classList.add("pending");
    });
    Object.keys(data.slots).forEach(function (vid) {
      var s = gradLine(vid);
      if (s) {
        s.textContent = "grad " + data.unknownGrad;
        s.classList.add("pending");
      }
    });
    document.querySelectorAll("#graph g.nodeheat").forEach(function (g) { g.remove(); });
    Object.keys(data.firstHeat).forEach(function (vid) { nodeHeat(vid, data.firstHeat[vid], false); });
    data.leaves.forEach(function (vid) { panelArray(leafRow(vid).querySelector("td"), {text: "\\u2014"}); });
  }
  function fill(line, vid, text, isCurrent) {
    line.textContent = text;
    line.classList.remove("pending");
    if (isCurrent) {
      line.classList.add("fresh");
      $(vid).classList.add("changed");
    }
  }
  function apply(event, isCurrent) {
    event.values.forEach(function (v) {       // [id, short text, full text]
      fill(valueLine(v[0]), v[0], v[1], isCurrent);
      nodeHeat(v[0], v[3], false);
    });
    event.nodes.forEach(function (node) {      // [id, short text, full text]
      fill(gradLine(node[0]), node[0], "grad " + node[1], isCurrent);
      nodeHeat(node[0], node[3], true);
      var row = leafRow(node[0]);
      if (row) {
        panelArray(row.querySelector("td"), node[2]);
        if (isCurrent) { row.classList.add("fresh"); }
      }
    });
    event.edges.forEach(function (edge) {      // [id, short text]
      $(edge[0]).classList.add("sent");
      edgeText(edge[0]).textContent = edge[1];
    });
    if (event.function) {
      $(event.function).classList.add(isCurrent ? "current" : event.phase === "forward" ? "computed" : "done");
    }
    if (isCurrent) { event.active.forEach(function (eid) { $(eid).classList.add("active"); }); }
  }
  function paragraphs(parent, texts) {
    parent.textContent = "";
    texts.forEach(function (text) {
      var p = document.createElement("p");
      p.textContent = text;
      parent.appendChild(p);
    });
  }
  function colour(v, m) {                   // diverging: blue below 0, white at 0, red above
    if (v === null) { return "transparent"; }
    var t = m > 0 ? Math.max(-1, Math.min(1, v / m)) : 0, c = Math.round(255 * (1 - Math.abs(t)));
    return t >= 0 ? "rgb(255," + c + "," + c + ")" : "rgb(" + c + "," + c + ",255)";
  }
  function heat(h) {                        // a heat map with its colour scale and shape
    var m = Math.max(Math.abs(h.lo), Math.abs(h.hi)), wrap = document.createElement("div");
    wrap.className = "heat";
    var scale = document.createElement("div");
    scale.className = "heat-scale";
    scale.innerHTML = '<span></span><span class="bar"></span><span></span>';
    scale.children[0].textContent = "\u2212" + String(Number(m.toPrecision(3)));
    scale.children[2].textContent = "+" + String(Number(m.toPrecision(3)));
    scale.title = "colour scale: blue negative, white 0, red positive";
    wrap.appendChild(scale);
    var caption = document.createElement("div");
    caption.className = "label";
    caption.textContent = "heat map of shape (" + h.shape.join(", ") + (h.shape.length === 1 ? "," : "") +
                          "): min " + Number(h.lo.toPrecision(4)) + ", max " + Number(h.hi.toPrecision(4));
    wrap.appendChild(caption);
    var slices = document.createElement("div");
    slices.className = "slices";
    h.slices.forEach(function (slice) {
      var one = document.createElement("figure"), grid = document.createElement("div");
      var cols = slice.rows[0].length, room = Math.max(120, $("panel").clientWidth - 110);
      var size = Math.max(3, Math.min(18, Math.floor(room / cols)));   // fits the leaf table too
      grid.className = "grid";
      grid.style.gridTemplateColumns = "repeat(" + cols + ", " + size + "px)";
      grid.style.gridAutoRows = size + "px";
      slice.rows.forEach(function (row) {
        row.forEach(function (v) {
          var cell = document.createElement("i");
          cell.style.background = colour(v, m);
          if (v !== null) { cell.title = String(v); cell.dataset.value = v; }
          grid.appendChild(cell);
        });
      });
      one.appendChild(grid);
      if (slice.label) {
        var name = document.createElement("figcaption");
        name.textContent = slice.label;
        one.appendChild(name);
      }
      slices.appendChild(one);
    });
    if (h.more > 0) {
      var more = document.createElement("span");
      more.className = "label";
      more.textContent = "\u2026 and " + h.more + " more slices";
      slices.appendChild(more);
    }
    wrap.appendChild(slices);
    return wrap;
  }
  var SVGNS = "http://www.w3.org/2000/svg";
  function nodeHeat(vid, h, isGrad) {       // a heat map in the blank lines a node keeps for it:
    var slot = data.slots[vid], node = $(vid);  // its value's, then its gradient's (red frame)
    if (!h || !slot || slot[2] < 0) { return; }
    var old = node.querySelector("g.nodeheat");
    if (old) { old.remove(); }
    var texts = lines(vid), first = texts[slot[2]], lastLine = texts[slot[2] + slot[3] - 1];
    var size = parseFloat(first.getAttribute("font-size")) || 10, o = outline(node);
    var top = parseFloat(first.getAttribute("y")) - 0.8 * size;
    var bottom = parseFloat(lastLine.getAttribute("y")) + 0.15 * size;
    var left = o[0] + 8, right = o[2] - 8, gap = 4, n = h.slices.length;
    var rows = h.slices[0].rows.length, cols = h.slices[0].rows[0].length;
    var cell = Math.min((bottom - top) / rows, (right - left - gap * (n - 1)) / (n * cols));
    var width = n * cols * cell + gap * (n - 1), x0 = (o[0] + o[2]) / 2 - width / 2;
    var m = Math.max(Math.abs(h.lo), Math.abs(h.hi)), g = document.createElementNS(SVGNS, "g");
    g.setAttribute("class", "nodeheat");
    var title = document.createElementNS(SVGNS, "title");
    title.textContent = (isGrad ? "gradient" : "value") + " of shape (" + h.shape.join(", ") +
                        "): blue −" + Number(m.toPrecision(3)) + ", white 0, red +" + Number(m.toPrecision(3));
    g.appendChild(title);
    h.slices.forEach(function (slice, k) {
      var sx = x0 + k * (cols * cell + gap), frame = document.createElementNS(SVGNS, "rect");
      slice.rows.forEach(function (row, i) {
        row.forEach(function (v, j) {
          if (v === null) { return; }
          var r = document.createElementNS(SVGNS, "rect");
          r.setAttribute("x", sx + j * cell); r.setAttribute("y", top + i * cell);
          r.setAttribute("width", cell); r.setAttribute("height", cell);
          r.setAttribute("fill", colour(v, m));
          g.appendChild(r);
        });
      });
      frame.setAttribute("x", sx); frame.setAttribute("y", top);
      frame.setAttribute("width", cols * cell); frame.setAttribute("height", slice.rows.length * cell);
      frame.setAttribute("fill", "none");
      frame.setAttribute("stroke", isGrad ? "#a4262c" : "#999");
      frame.setAttribute("stroke-width", 0.8);
      g.appendChild(frame);
    });
    node.appendChild(g);
  }
  function panelArray(parent, panel) {      // {text, heat?}: numbers, or a summary and a heat map
    parent.textContent = "";
    var pre = document.createElement("pre");
    pre.textContent = panel.text;
    parent.appendChild(pre);
    if (panel.heat) { parent.appendChild(heat(panel.heat)); }
  }
  function arrays(parent, pairs) {
    parent.textContent = "";
    pairs.forEach(function (pair) {
      var box = document.createElement("div"), label = document.createElement("div"),
          body = document.createElement("div");
      label.className = "label";
      label.textContent = pair[0];
      panelArray(body, pair[1]);
      box.appendChild(label);
      box.appendChild(body);
      parent.appendChild(box);
    });
  }
  // -- module boxes: a module collapses into one box (a click on its label),
  // drawn over its cluster, and expands again (a click on the box) ------------
  var modules = data.modules;
  function moduleOf(cluster) { return modules.filter(function (m) { return m.cluster === cluster; })[0]; }
  function hidden(m) {                       // inside a collapsed module around it
    return modules.some(function (o) { return o.collapsed && m.path.indexOf(o.path + ".") === 0; });
  }
  function drawModules() {
    document.querySelectorAll("#graph g.module-box").forEach(function (g) { g.remove(); });
    modules.forEach(function (m) {
      var cluster = $(m.cluster), o = cluster && outline(cluster);
      if (!o || !m.collapsed || hidden(m)) { return; }
      var g = document.createElementNS(SVGNS, "g"), rect = document.createElementNS(SVGNS, "rect");
      var w = o[2] - o[0], h = o[3] - o[1], tip = document.createElementNS(SVGNS, "title");
      g.setAttribute("class", "module-box");
      g.setAttribute("data-module", m.path);
      tip.textContent = m.title + ": collapsed; click to expand";
      g.appendChild(tip);
      [["x", o[0]], ["y", o[1]], ["width", w], ["height", h], ["rx", 8]].forEach(function (a) {
        rect.setAttribute(a[0], a[1]);
      });
      g.appendChild(rect);
      var ops = m.nodes.filter(function (id) { return id.charAt(0) === "f"; }).length;
      var rows = [[m.title, 1.0, "bold"],
                  [ops + " op" + (ops === 1 ? "" : "s") + " inside \u00b7 click to expand", 0.72, "normal"]];
      rows.forEach(function (line, k) {
        var t = document.createElementNS(SVGNS, "text");
        var size = Math.min(24, h / 3.5, (w - 12) / (0.6 * line[0].length)) * line[1];
        t.setAttribute("x", (o[0] + o[2]) / 2);
        t.setAttribute("y", (o[1] + o[3]) / 2 + (k === 0 ? -0.2 : 1.1) * size);
        t.setAttribute("text-anchor", "middle");
        t.setAttribute("font-family", "Helvetica,Arial,sans-serif");
        t.setAttribute("font-size", size);
        t.setAttribute("font-weight", line[2]);
        t.textContent = line[0];
        g.appendChild(t);
      });
      root.appendChild(g);
    });
    var open = modules.some(function (m) { return !m.collapsed; });
    $("modules").textContent = open ? "Collapse modules" : "Expand modules";
  }
  function markModules(event) {              // a collapsed box holding the current step lights up
    var changed = event.values.concat(event.nodes).map(function (v) { return v[0]; });
    document.querySelectorAll("#graph g.module-box").forEach(function (g) {
      var m = modules.filter(function (o) { return o.path === g.getAttribute("data-module"); })[0];
      g.classList.toggle("current", m.nodes.indexOf(event.function) >= 0);
      g.classList.toggle("changed", changed.some(function (id) { return m.nodes.indexOf(id) >= 0; }));
    });
  }
  function clickModule(target) {
    var box = target.closest && target.closest("g.module-box");
    var cluster = !box && target.closest && target.closest("g.cluster");
    var m = box ? modules.filter(function (o) { return o.path === box.getAttribute("data-module"); })[0]
                : cluster ? moduleOf(cluster.id) : null;
    if (!m) { return; }
    m.collapsed = !box;
    drawModules();
    markModules(events[current]);
  }
  modules.forEach(function (m) {             // the cluster's label: what a click on it does
    var title = $(m.cluster) && $(m.cluster).querySelector("title");
    if (title) { title.textContent = m.title + ": click its label to collapse it into one box"; }
  });
  $("modules").hidden = modules.length === 0;
  $("modules").addEventListener("click", function () {
    var open = modules.some(function (m) { return !m.collapsed; });
    modules.forEach(function (m) { m.collapsed = open && m.path.indexOf(".") < 0; });
    drawModules();
    markModules(events[current]);
  });

  function show(k) {
    current = Math.max(0, Math.min(last, k));
    clearMarks();
    for (var i = 0; i <= current; i++) { apply(events[i], i === current); }
    var event = events[current];
    markModules(event);
    $("counter").textContent = "Step " + current + " of " + last;
    $("phase").textContent = event.phase === "forward" ? "Forward pass" : "Backward pass";
    $("step-title").textContent = event.title;
    paragraphs($("explain"), event.text);
    arrays($("arrays"), event.arrays);
    $("scrub").value = current;
    $("prev").disabled = current === 0;
    $("next").disabled = current === last;
    follow();
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
  $("scrub").addEventListener("input", function () { stop(); show(Number(this.value)); });
  document.addEventListener("keydown", function (e) {
    if (e.target.tagName === "INPUT" && e.key !== " ") { return; }
    var keys = {ArrowRight: current + 1, ArrowDown: current + 1, ArrowLeft: current - 1,
                ArrowUp: current - 1, Home: 0, End: last};
    var zooms = {"+": 1.25, "=": 1.25, "-": 0.8};
    if (e.key in keys) { stop(); show(keys[e.key]); e.preventDefault(); }
    else if (e.key === " ") { play(); e.preventDefault(); }
    else if (e.key in zooms) { zoomCentre(zooms[e.key]); e.preventDefault(); }
    else if (e.key === "0") { fit(); }
    else if (e.key === "1") { readable(); }
  });
  // -- the gradient check (check.py): a tab of the panel ------------------------
  function showTab(name) {
    $("tab-steps").classList.toggle("on", name === "steps");
    $("tab-check").classList.toggle("on", name === "check");
    $("steps-view").hidden = name !== "steps";
    $("check-view").hidden = name !== "check";
    ((data.check && data.check.culprits) || []).forEach(function (c) {   // the wrong ops, ringed in red
      $(c.id).classList.toggle("culprit", name === "check");
    });
  }
  function mark(agree) { return agree ? "\u2713" : "\u2717"; }
  function openCheck(vid) {                 // the check view, with one leaf's three arrays open
    showTab("check");
    var leaf = data.check.leaves.filter(function (c) { return c.id === vid; })[0];
    document.querySelectorAll("#check-table tr").forEach(function (tr) {
      tr.classList.toggle("open", tr.dataset.var === vid);
    });
    var detail = $("check-detail"), title = document.createElement("h3"), body = document.createElement("div");
    detail.textContent = "";
    if (!leaf) { return; }
    title.textContent = leaf.name + ", shape (" + leaf.shape.join(", ") + (leaf.shape.length === 1 ? "," : "") +
                        "): " + mark(leaf.agree) + " " + leaf.verdict;
    title.className = leaf.agree ? "agree" : "disagree";
    detail.appendChild(title);
    detail.appendChild(body);
    arrays(body, leaf.arrays);
  }
  $("tab-steps").addEventListener("click", function () { showTab("steps"); });
  $("tab-check").addEventListener("click", function () { showTab("check"); });
  if (data.check === null) {
    $("tabs").hidden = true;
  } else if (data.check.reason) {
    $("tab-check").textContent = "Gradient check (skipped)";
    $("check-summary").textContent = "Not checked: " + data.check.reason + ".";
  } else {
    $("tab-check").textContent = "Gradient check " + mark(data.check.agree);
    $("check-summary").textContent = data.check.agree ? "Every leaf agrees." :
      "Some leaf's gradient disagrees with central differences: the backward of an op it goes through is wrong.";
    $("check-summary").className = data.check.agree ? "agree" : "disagree";
    var culprits = data.check.culprits;
    if (!data.check.agree) {
      $("check-culprits").textContent = culprits === null ? "Its ops could not all be checked one at a time here." :
        culprits.length === 0 ? "Checked one at a time, every op's backward agrees: look at how they are combined." :
        "Checked one at a time (each op alone, its outputs weighted at random), the backward of " +
        culprits.map(function (c) { return c.name + " (max relative error " + c.maxError + ")"; }).join(", ") +
        " disagrees with central differences: ringed in red in the picture.";
    }
    var table = $("check-table"), head = table.insertRow();
    ["leaf", "max rel. error", "verdict", ""].forEach(function (text) {
      var th = document.createElement("th");
      th.textContent = text;
      head.appendChild(th);
    });
    data.check.leaves.forEach(function (leaf) {
      var row = table.insertRow(), open = document.createElement("button");
      row.dataset.var = leaf.id;
      [leaf.name, leaf.maxError, mark(leaf.agree) + " " + leaf.verdict].forEach(function (text, k) {
        var cell = row.insertCell();
        cell.textContent = text;
        if (k === 2) { cell.className = leaf.agree ? "agree" : "disagree"; }
      });
      open.type = "button";
      open.className = "check-open";
      open.textContent = "show";
      open.addEventListener("click", function () { openCheck(leaf.id); });
      row.insertCell().appendChild(open);
      var leafRowOf = leafRow(leaf.id);       // and a button beside its gradient in the leaf table
      if (leafRowOf) {
        var badge = document.createElement("button");
        badge.type = "button";
        badge.className = "check-open " + (leaf.agree ? "agree" : "disagree");
        badge.textContent = mark(leaf.agree) + " check";
        badge.title = "its gradient beside central differences: " + leaf.verdict;
        badge.addEventListener("click", function () { openCheck(leaf.id); });
        leafRowOf.insertCell().appendChild(badge);
      }
    });
  }
  Object.keys(data.slots).forEach(function (vid) {
    centre(valueLine(vid), vid);
    if (gradLine(vid)) { centre(gradLine(vid), vid); }
  });
  drawModules();
  show(0);
  // Lay out the view once the pane has a size, and again when it changes
  // (a notebook draws its output frames late, hidden or off-screen); once
  // the reader zooms or pans, a resize keeps their view.
  var laidOut = null, touched = false;
  function layout() {
    var size = pane.clientWidth + "x" + pane.clientHeight;
    if (pane.clientWidth < 1 || pane.clientHeight < 1 || size === laidOut) { return; }
    laidOut = size;
    if (touched) { follow(); } else { startView(); }
  }
  ["wheel", "pointerdown", "keydown"].forEach(function (name) {
    (name === "keydown" ? document : pane).addEventListener(name, function () { touched = true; });
  });
  ["zoom-in", "zoom-out", "fit", "readable"].forEach(function (id) {
    $(id).addEventListener("click", function () { touched = true; });
  });
  if (window.ResizeObserver) { new ResizeObserver(layout).observe(pane); }
  window.addEventListener("resize", layout);
  (function poll(tries) {                   // until the pane has a size
    layout();
    if (laidOut === null && tries > 0) { requestAnimationFrame(function () { poll(tries - 1); }); }
  })(600);
})();
"""
