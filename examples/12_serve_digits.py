# %% [markdown]
# # Lesson 12: serving a trained model
#
# Trains a small network on the digits (or loads the one saved by an earlier
# run), then serves a web page where you draw a digit on an 8x8 grid and see
# what the network thinks it is, with the probability of each class. Only
# the standard library's http.server is used:
#
#     GET  /             the drawing page
#     POST /predict      {"pixels": [64 numbers in 0..1]} -> {"digit": 3, "probabilities": [...]}
#     GET  /sample?i=N   test image N: {"pixels": [...], "label": 7}
#
# `python examples/12_serve_digits.py` serves on http://127.0.0.1:8000 until
# Ctrl-C. With `--quick` it trains briefly, starts the server on a free port,
# posts test digits to it over HTTP, prints how many it answered right and
# stops: what the tests run.

# %%
"""Lesson 12: serving a trained model.

The text is in the markdown cell above: this script also opens as a
notebook (Jupytext's percent format).
"""
import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import numpy as np

import _common
from _common import F, mg, report
from minigrad import nn, optim
from minigrad.data import DataLoader, TensorDataset
from minigrad.train import fit

SIZES = [64, 128, 10]
MODEL_FILE = "digits_mlp.npz"


# %%
def add_arguments(parser):
    parser.add_argument("--host", default="127.0.0.1", help="address to serve on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=8000, help="port to serve on (default: %(default)s)")
    parser.add_argument("--retrain", action="store_true", help="train again even if a saved model exists")


# %%
def train_model(train, epochs):
    mg.manual_seed(0)
    model = nn.MLP(SIZES)
    loader = DataLoader(TensorDataset(*train), batch_size=32, shuffle=True)
    fit(model, optim.Adam(model.parameters(), lr=1e-3), F.softmax_cross_entropy, loader,
        epochs=epochs, progress=False)
    return model


# %%
def load_or_train(path, train, epochs, retrain=False):
    """The model saved at `path`, or a new one trained and saved there."""
    model = nn.MLP(SIZES)
    if path.exists() and not retrain:
        model.load_state_dict(mg.load(path))
        print(f"loaded {path}")
    else:
        model = train_model(train, epochs)
        mg.save(model.state_dict(), path)
        print(f"wrote {path}")
    return model.eval()


# %%
def predict(model, pixels):
    """Class probabilities for each row of `pixels` (n, 64) in [0, 1]."""
    with mg.no_grad():
        return F.softmax(model(mg.Variable(np.asarray(pixels, dtype=np.float32)))).data


# %%
def parse_pixels(body):
    """The 64 pixel values of a /predict request, or ValueError saying what is wrong."""
    try:
        pixels = json.loads(body)["pixels"]
        pixels = np.asarray(pixels, dtype=np.float32)
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f'expected JSON {{"pixels": [64 numbers]}}: {error}') from None
    if pixels.shape != (64,):
        raise ValueError(f"expected 64 pixel values (an 8x8 image, row by row), got shape {pixels.shape}")
    if not np.all((pixels >= 0) & (pixels <= 1)):
        raise ValueError("expected pixel values between 0 (blank) and 1 (full ink)")
    return pixels


# %%
def make_server(model, samples, host="127.0.0.1", port=8000):
    """A ThreadingHTTPServer answering with `model`; `samples` = (x, t) test
    images offered by /sample. Port 0 picks a free port
    (`server.server_address`)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urlparse(self.path)
            if url.path == "/":
                self.send(200, PAGE.encode(), "text/html; charset=utf-8")
            elif url.path == "/sample":
                try:
                    i = int(parse_qs(url.query).get("i", ["0"])[0]) % len(samples[0])
                except ValueError:
                    return self.send_json(400, {"error": "i must be an integer"})
                self.send_json(200, {"pixels": samples[0][i].tolist(), "label": int(samples[1][i])})
            else:
                self.send_json(404, {"error": f"no page {url.path}"})

        def do_POST(self):
            if urlparse(self.path).path != "/predict":
                return self.send_json(404, {"error": f"no endpoint {self.path}"})
            length = int(self.headers.get("Content-Length", 0))
            try:
                pixels = parse_pixels(self.rfile.read(length))
            except ValueError as error:
                return self.send_json(400, {"error": str(error)})
            probabilities = predict(model, pixels[None])[0]
            self.send_json(200, {"digit": int(probabilities.argmax()),
                                 "probabilities": [round(float(p), 4) for p in probabilities]})

        def send_json(self, status, obj):
            self.send(status, json.dumps(obj).encode(), "application/json")

        def send(self, status, body, content_type):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):   # keep the terminal for the figures
            pass

    return ThreadingHTTPServer((host, port), Handler)


# %%
def post_json(url, obj):
    request = urllib.request.Request(url, data=json.dumps(obj).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


# %%
def check_over_http(server, x, t):
    """Post each test image to the running server; the fraction answered right."""
    host, port = server.server_address[:2]
    answers = [post_json(f"http://{host}:{port}/predict", {"pixels": pixels.tolist()})["digit"]
               for pixels in x]
    return float(np.mean(np.array(answers) == t))


# %%
def main(argv=None):
    args = _common.parse_args("12_serve_digits", __doc__, argv, add_arguments)
    train, test = _common.digits_split((0.8, 0.2))
    model = load_or_train(args.out / MODEL_FILE, train, epochs=3 if args.quick else 30,
                          retrain=args.retrain or args.quick)
    report("test accuracy", _common.accuracy_on(model, *test))

    server = make_server(model, test, args.host, 0 if args.quick else args.port)
    host, port = server.server_address[:2]
    if args.quick:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            report("served accuracy on 50 test digits", check_over_http(server, test[0][:50], test[1][:50]))
        finally:
            server.shutdown()
            server.server_close()
        return
    print(f"serving on http://{host}:{port}/  (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>minigrad digits</title>
<style>
 body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
 h1 { font-size: 1.3em; margin-bottom: 0.2em; }
 .row { display: flex; gap: 2.5em; align-items: flex-start; }
 #grid { display: grid; grid-template-columns: repeat(8, 36px); gap: 2px; background: #bbb;
         border: 2px solid #bbb; user-select: none; cursor: crosshair; touch-action: none; }
 #grid div { width: 36px; height: 36px; background: #fff; }
 #answer { font-size: 4em; font-weight: bold; margin: 0; line-height: 1; }
 .bar { display: flex; align-items: center; gap: 0.5em; font-family: monospace; margin: 2px 0; }
 .bar span.fill { display: inline-block; height: 12px; background: #3b73b9; }
 button { margin: 0.8em 0.5em 0 0; }
 p.help { color: #555; max-width: 34em; }
</style></head>
<body>
<h1>Draw a digit</h1>
<p class="help">Drag over the squares to draw (shift or right button to erase). The picture is
8x8 like the training digits, so draw big: fill the grid. The network answers as you draw.</p>
<div class="row">
 <div><div id="grid"></div>
  <button id="clear">Clear</button><button id="sample">Show a test digit</button>
  <div id="label"></div></div>
 <div><p>The network says</p><p id="answer">?</p><div id="bars"></div></div>
</div>
<script>
const grid = document.getElementById("grid"), pixels = new Array(64).fill(0);
let drawing = false, erasing = false, sampleIndex = 0;
for (let i = 0; i < 64; i++) {
  const cell = document.createElement("div");
  cell.dataset.i = i;
  grid.appendChild(cell);
}
function paint(cell) {
  if (!cell || cell.dataset.i === undefined) return;
  pixels[+cell.dataset.i] = erasing ? 0 : 1;
  show();
}
function show() {
  grid.childNodes.forEach((cell, i) => {
    const level = Math.round(255 * (1 - pixels[i]));
    cell.style.background = `rgb(${level},${level},${level})`;
  });
  predict();
}
grid.addEventListener("contextmenu", e => e.preventDefault());
grid.addEventListener("pointerdown", e => {
  drawing = true; erasing = e.shiftKey || e.button === 2;
  document.getElementById("label").textContent = "";
  paint(e.target);
});
grid.addEventListener("pointermove", e => {
  if (drawing) paint(document.elementFromPoint(e.clientX, e.clientY));
});
window.addEventListener("pointerup", () => { drawing = false; });
document.getElementById("clear").onclick = () => {
  pixels.fill(0); document.getElementById("label").textContent = ""; show();
};
document.getElementById("sample").onclick = async () => {
  const sample = await (await fetch(`/sample?i=${sampleIndex++}`)).json();
  sample.pixels.forEach((p, i) => { pixels[i] = p; });
  document.getElementById("label").textContent = `test digit labelled ${sample.label}`;
  show();
};
let busy = false, again = false;
async function predict() {
  if (busy) { again = true; return; }   // one request at a time; the newest picture wins
  busy = true;
  try {
    const response = await fetch("/predict", {method: "POST", headers: {"Content-Type": "application/json"},
                                              body: JSON.stringify({pixels: pixels})});
    const answer = await response.json();
    document.getElementById("answer").textContent = pixels.some(p => p > 0) ? answer.digit : "?";
    document.getElementById("bars").innerHTML = answer.probabilities.map((p, k) =>
      `<div class="bar">${k} <span class="fill" style="width:${Math.round(200 * p)}px"></span> ` +
      `${(100 * p).toFixed(1)}%</div>`).join("");
  } finally {
    busy = false;
  }
  if (again) { again = false; predict(); }
}
show();
</script>
</body></html>
"""


# %%
if __name__ == "__main__":
    main()
