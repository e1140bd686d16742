"""The lessons in examples/ run (in --quick mode) and show what they are about.

Each test runs one example's `main(["--quick", "--out", tmp])` in this
process (no interpreter start-up per example), reads the figures it prints
as `label: value` lines, checks them against floors (an accuracy, a loss
that falls, a gradient that matches) and checks that its pictures are real
PNG images.
"""
import importlib.util
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("sklearn")

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FIGURE = re.compile(r"^(?P<label>[^:\n]+): (?P<value>[-+0-9.e]+|nan|inf)$", re.MULTILINE)


def load_example(name, monkeypatch):
    """examples/<name>.py imported as a module (its names start with digits,
    so not with `import`); examples/ goes on sys.path for `_common`."""
    monkeypatch.syspath_prepend(str(EXAMPLES))
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_example(name, tmp_path, monkeypatch, capsys, *extra):
    """Run an example in quick mode; returns ({label: float}, printed text)."""
    load_example(name, monkeypatch).main(["--quick", "--out", str(tmp_path), *extra])
    text = capsys.readouterr().out
    return {m["label"]: float(m["value"]) for m in FIGURE.finditer(text)}, text


def assert_png(path):
    """`path` is a PNG file that decodes to a picture of some size."""
    data = Path(path).read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG file"
    width, height = struct.unpack(">II", data[16:24])   # the IHDR chunk comes first
    assert width > 50 and height > 50, f"{path} is only {width}x{height}"
    import matplotlib.image
    pixels = matplotlib.image.imread(path)
    assert pixels.shape[:2] == (height, width)
    assert pixels.std() > 0.01, f"{path} is blank"


def assert_graph_picture(path, text):
    """The graph drawn as PNG where Graphviz's `dot` is on PATH; without it,
    the `.dot` source written beside and a note saying how to get Graphviz
    (the no-Graphviz path the README promises, tested on purpose)."""
    assert "digraph" in path.with_suffix(".dot").read_text()
    if shutil.which("dot"):
        assert_png(path)
    else:
        assert not path.exists()
        assert "note:" in text and "Graphviz" in text


def test_demo(tmp_path, monkeypatch, capsys):
    figures, text = run_example("demo", tmp_path, monkeypatch, capsys)
    assert figures["test accuracy"] > 0.75
    assert figures["loss last epoch"] < figures["loss first epoch"]
    assert_png(tmp_path / "training_curves.png")
    assert_graph_picture(tmp_path / "graph.png", text)


def test_demo_without_graphviz(tmp_path):
    """With no `dot` program on PATH the demo still runs, writes the DOT
    source and says how to get Graphviz."""
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    env = {**os.environ, "PATH": str(empty_bin), "MPLBACKEND": "Agg"}
    result = subprocess.run([sys.executable, str(EXAMPLES / "demo.py"), "--quick", "--out", str(tmp_path)],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "note:" in result.stdout and "Graphviz" in result.stdout
    assert "digraph" in (tmp_path / "graph.dot").read_text()
    assert not (tmp_path / "graph.png").exists()
    assert re.search(r"^test accuracy: 0\.\d+$", result.stdout, re.MULTILINE)


def test_backprop_by_hand(tmp_path, monkeypatch, capsys):
    figures, text = run_example("01_backprop_by_hand", tmp_path, monkeypatch, capsys)
    assert figures["max |backprop - numerical|"] < 1e-6
    assert figures["max |backprop - by hand|"] < 1e-12
    assert figures["backward steps"] >= 5
    assert_graph_picture(tmp_path / "graph.png", text)
    if shutil.which("dot"):
        page = (tmp_path / "backward_steps.html").read_text()
        assert "<html" in page.lower() and "tanh" in page
    else:
        assert not (tmp_path / "backward_steps.html").exists() and "apt install graphviz" in text
        assert "digraph" in (tmp_path / "backward_steps.dot").read_text()


def test_regression(tmp_path, monkeypatch, capsys):
    figures, _ = run_example("02_regression", tmp_path, monkeypatch, capsys)
    assert figures["simple regression last loss"] < figures["simple regression first loss"]
    assert figures["simple regression slope (gradient descent)"] == pytest.approx(
        figures["simple regression slope (least squares)"], abs=0.01)
    assert figures["multiple regression test R^2"] > 0.25
    assert figures["sine last loss"] < 0.05 < figures["sine first loss"]
    assert_png(tmp_path / "regression.png")


def test_vanishing_gradients(tmp_path, monkeypatch, capsys):
    figures, _ = run_example("03_vanishing_gradients", tmp_path, monkeypatch, capsys)
    # The sigmoid net's first layer gets a tiny fraction of the last layer's gradient.
    assert figures["sigmoid gradient norm ratio first/last layer"] < 1e-3
    assert 0.1 < figures["relu gradient norm ratio first/last layer"] < 10
    assert figures["relu last epoch loss"] < figures["relu first epoch loss"]
    assert figures["relu last epoch loss"] < figures["sigmoid last epoch loss"]
    assert_png(tmp_path / "vanishing_gradients.png")


def test_optimizers(tmp_path, monkeypatch, capsys):
    figures, _ = run_example("04_optimizers", tmp_path, monkeypatch, capsys)
    start = (-7.0) ** 2 / 20 + 2.0 ** 2
    for name in ("SGD", "Momentum", "AdaGrad", "RMSProp", "Adam"):
        assert figures[f"{name} f after 30 steps"] < 0.05 * start
        assert figures[f"{name} digits loss last epoch"] < figures[f"{name} digits loss first epoch"]
    assert_png(tmp_path / "optimizers.png")


def test_weight_init(tmp_path, monkeypatch, capsys):
    figures, _ = run_example("05_weight_init", tmp_path, monkeypatch, capsys)
    # std 0.01 shrinks the signal layer after layer; He keeps its spread.
    assert figures["std 0.01 activation std layer 5"] < 1e-4 * figures["std 0.01 activation std layer 1"]
    assert 0.2 < figures["He activation std layer 5"] / figures["He activation std layer 1"] < 5
    assert figures["He last epoch loss"] < figures["std 0.01 last epoch loss"]
    assert figures["std 0.01 last epoch loss"] > 2.2   # stuck near log(10)
    assert_png(tmp_path / "weight_init.png")


def test_batch_norm(tmp_path, monkeypatch, capsys):
    figures, _ = run_example("06_batch_norm", tmp_path, monkeypatch, capsys)
    for start in ("std 0.05 init", "He init", "std 0.3 init"):
        assert (figures[f"{start} with batch norm last epoch accuracy"]
                > figures[f"{start} without last epoch accuracy"])
    assert figures["He init with batch norm test accuracy"] > 0.5
    assert_png(tmp_path / "batch_norm.png")


def test_overfitting(tmp_path, monkeypatch, capsys):
    figures, text = run_example("07_overfitting", tmp_path, monkeypatch, capsys)
    assert figures["no regularisation train accuracy"] > 0.95
    assert figures["no regularisation gap"] > 0.05   # 100 training images: it overfits
    for name in ("weight decay", "dropout", "early stopping"):
        assert figures[f"{name} test accuracy"] > 0.7
    assert min(figures["weight decay gap"], figures["dropout gap"]) < figures["no regularisation gap"]
    assert figures["early stopping stopped after epochs"] >= 1
    assert figures["more data gap"] < 0.6 * figures["no regularisation gap"]   # the remedy none replaces
    # The text's figures are this run's: each remedy's sentence is formatted from the gaps it printed.
    plain = 100 * figures["no regularisation gap"]
    said = re.search(r"without a remedy the gap is ([\d.]+) points", text)
    assert said and float(said[1]) == pytest.approx(plain, abs=0.06)
    for name in ("weight decay", "dropout", "early stopping", "more data"):
        said = re.search(rf"{name}: the gap (narrows|widens) by ([\d.]+) points", text)
        change = 100 * figures[f"{name} gap"] - plain
        assert said and float(said[2]) * (-1 if said[1] == "narrows" else 1) == pytest.approx(change, abs=0.06), name
    assert "quick mode:" in text and "the remedies' effects on the gap" in text
    assert_png(tmp_path / "overfitting.png")


def test_overfitting_plots_training_accuracy_in_evaluation_mode(monkeypatch):
    """The dropout panel's "train" curve is measured with dropout off, as the
    gap is, not fit's running accuracy of the training batches."""
    lesson = load_example("07_overfitting", monkeypatch)
    train, validation, test = lesson._common.digits_split((500, 50, 50), seed=0)
    train_accuracy, _, _, history, _ = lesson.train_variant({"dropout": 0.5}, train, validation, test, epochs=2,
                                                            seed=0, patience=1, curves=True)
    curve = history.history["train_accuracy_eval"]
    assert len(curve) == 2 and curve[-1] == train_accuracy   # the same measurement as the gap's


def write_idx(path, array):
    """An uncompressed IDX file of unsigned bytes (MNIST's format)."""
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    path.write_bytes(header + array.astype(np.uint8).tobytes())


def test_cnn(tmp_path, monkeypatch, capsys):
    figures, _ = run_example("08_cnn", tmp_path, monkeypatch, capsys)
    assert figures["test accuracy"] > 0.7
    assert figures["last epoch loss"] < figures["first epoch loss"]
    assert_png(tmp_path / "filters.png")


def test_cnn_on_mnist_files(tmp_path, monkeypatch, capsys):
    """--mnist DIR reads IDX files: here the digits, enlarged to 28x28."""
    from sklearn.datasets import load_digits
    digits = load_digits()
    images = np.kron(digits.images[:400] * (255 / 16), np.ones((3, 3)))   # 24x24
    images = np.pad(images, ((0, 0), (2, 2), (2, 2)))                      # 28x28
    for prefix, rows in (("train", slice(0, 300)), ("t10k", slice(300, 400))):
        write_idx(tmp_path / f"{prefix}-images-idx3-ubyte", images[rows])
        write_idx(tmp_path / f"{prefix}-labels-idx1-ubyte", digits.target[rows])
    figures, text = run_example("08_cnn", tmp_path / "out", monkeypatch, capsys, "--mnist", str(tmp_path))
    assert "image shape: (1, 28, 28)" in text
    assert figures["training images"] == 300
    assert figures["last epoch loss"] < figures["first epoch loss"]
    assert_png(tmp_path / "out" / "filters.png")


class Sealed:
    """Stands in for a test array: every use of it (as an array, its
    length, an element, an attribute) is logged in `touches`, so a lesson
    that peeks at its test set during a search is caught."""

    def __init__(self, array, touches):
        object.__setattr__(self, "_array", array)
        object.__setattr__(self, "_touches", touches)

    def _touch(self, what):
        self._touches.append(what)
        return self._array

    def __getattr__(self, name):
        return getattr(self._touch(name), name)

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self._touch("__array__"), dtype=dtype)

    def __len__(self):
        return len(self._touch("__len__"))

    def __getitem__(self, index):
        return self._touch("__getitem__")[index]

    def __iter__(self):
        return iter(self._touch("__iter__"))


@pytest.mark.parametrize("with_optuna", [True, False], ids=["with-optuna", "without-optuna"])
def test_hyperparameter_search(tmp_path, monkeypatch, capsys, with_optuna):
    """What the lesson claims: every trial is judged on the validation split
    only, the test set is untouched during the search and is used once, at
    the end, for the winner alone (the best validation accuracy found), and
    the winner is a reasonable network."""
    if with_optuna:
        pytest.importorskip("optuna")
    else:
        monkeypatch.setitem(sys.modules, "optuna", None)   # `import optuna` now fails
    lesson = load_example("09_hyperparameter_search", monkeypatch)
    common = lesson._common
    touches, evaluations, splits = [], [], {}
    digits_split, accuracy_on = common.digits_split, common.accuracy_on

    def sealed_split(*args, **kwargs):
        train, validation, (x_test, t_test) = digits_split(*args, **kwargs)
        splits.update(validation=validation, test=(x_test, t_test))
        return [train, validation, (Sealed(x_test, touches), Sealed(t_test, touches))]

    def watched_accuracy_on(model, x, t):
        if isinstance(x, Sealed):   # the one allowed use of the test set: unseal it here
            assert not touches, f"the test set was touched before the final evaluation: {touches}"
            x_test, t_test = splits["test"]
            evaluations.append(("test", accuracy_on(model, *splits["validation"])))
            return accuracy_on(model, x_test, t_test)
        assert x is splits["validation"][0] and t is splits["validation"][1], "a trial judged on other data"
        evaluations.append(("validation", accuracy_on(model, x, t)))
        return evaluations[-1][1]

    monkeypatch.setattr(common, "digits_split", sealed_split)
    monkeypatch.setattr(common, "accuracy_on", watched_accuracy_on)
    lesson.main(["--quick", "--out", str(tmp_path)])
    text = capsys.readouterr().out
    figures = {m["label"]: float(m["value"]) for m in FIGURE.finditer(text)}

    searches = ["random search"] + (["TPE (Optuna)"] if with_optuna else [])
    kinds = [kind for kind, _ in evaluations]
    assert kinds == ["validation"] * (len(kinds) - 1) + ["test"], "the test set must be used once, last"
    assert len(kinds) - 1 == sum(figures[f"{name} trials"] for name in searches) >= 2 * len(searches)
    assert not touches, f"the test set was touched outside the final evaluation: {touches}"
    validation_accuracies = [accuracy for kind, accuracy in evaluations[:-1]]
    best = max(validation_accuracies)
    assert max(figures[f"{name} best validation accuracy"] for name in searches) == pytest.approx(best)
    assert evaluations[-1][1] == pytest.approx(best), "the model that met the test set is not the winner"
    assert best > 0.6   # quick mode: 4 trials of 4 epochs on 300 digits; chance is 0.1
    assert figures["test accuracy of the best trial"] > 0.5
    assert figures["seeds"] == 1   # quick mode; the full run averages over 3
    for name in searches:
        assert 0 < figures[f"{name} median trial accuracy"] <= figures[f"{name} best validation accuracy"]
    if not with_optuna:
        assert "Optuna is not installed" in text and "TPE (Optuna) trials" not in figures
    for name in searches:   # the sentences are formatted from this run's figures
        said = re.search(rf"{re.escape(name)}: best validation accuracy ([\d.]+)%", text)
        assert said and float(said[1]) == pytest.approx(100 * figures[f"{name} best validation accuracy"], abs=0.06)
    assert ("TPE's best is" in text) == with_optuna
    assert "quick mode:" in text and "TPE against random search" in text
    assert_png(tmp_path / "hyperparameter_search.png")


def test_hyperparameter_search_is_the_same_run_twice(tmp_path, monkeypatch, capsys):
    """The seeds fix every draw, so the figures (and the picture drawn from
    them) come out the same on every run."""
    pytest.importorskip("optuna")
    first, _ = run_example("09_hyperparameter_search", tmp_path / "a", monkeypatch, capsys, "--trials", "3")
    second, _ = run_example("09_hyperparameter_search", tmp_path / "b", monkeypatch, capsys, "--trials", "3")
    assert first == second


@pytest.mark.parametrize("storage", ["journal", "sqlite"])
def test_hyperparameter_search_workers_share_one_study(tmp_path, monkeypatch, capsys, storage):
    """--workers 2: two worker processes add trials to one Optuna study in a
    shared storage; the command that started them reports the best trial
    once. A second command with the same --storage adds to the same study."""
    optuna = pytest.importorskip("optuna")
    if storage == "sqlite":
        pytest.importorskip("sqlalchemy")
    url = str(tmp_path / "study.journal") if storage == "journal" else f"sqlite:///{tmp_path / 'study.db'}"
    lesson = load_example("09_hyperparameter_search", monkeypatch)
    lesson.main(["--quick", "--out", str(tmp_path), "--workers", "2", "--trials", "4", "--storage", url])
    text = capsys.readouterr().out
    figures = {m["label"]: float(m["value"]) for m in FIGURE.finditer(text)}
    assert figures["trials in the study"] == 4
    assert figures["workers that ran trials"] == 2
    assert len(re.findall(r"^best trial: ", text, re.MULTILINE)) == 1
    study = optuna.load_study(study_name="lesson09", storage=lesson.open_storage(url))
    workers = [t.user_attrs["worker"] for t in study.trials]
    assert len(set(workers)) == 2 and workers.count(workers[0]) == 2
    assert f":{os.getpid()}" not in " ".join(workers)       # worker processes, not this one
    for worker in set(workers):
        assert f"by {worker}: validation accuracy" in text   # what each worker printed is passed on
    assert study.best_trial.number == figures["best trial"]
    assert study.best_value == pytest.approx(figures["best trial validation accuracy"], abs=1e-4)
    assert_png(tmp_path / "study.png")

    lesson.main(["--quick", "--out", str(tmp_path), "--trials", "1", "--storage", url])   # in this process
    figures = {m["label"]: float(m["value"]) for m in FIGURE.finditer(capsys.readouterr().out)}
    assert figures["trials in the study"] == 5 and figures["workers that ran trials"] == 3


def test_hyperparameter_search_workers_need_optuna(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "optuna", None)
    with pytest.raises(SystemExit, match="--workers and --storage need Optuna"):
        load_example("09_hyperparameter_search", monkeypatch).main(["--quick", "--out", str(tmp_path),
                                                                    "--workers", "2"])


def test_lstm_sine(tmp_path, monkeypatch, capsys):
    figures, _ = run_example("10_lstm_sine", tmp_path, monkeypatch, capsys)
    assert figures["last epoch loss"] < figures["first epoch loss"]
    assert figures["test mse one step ahead"] < 0.1   # predicting 0 scores 0.5
    assert_png(tmp_path / "lstm_sine.png")


def test_spiral(tmp_path, monkeypatch, capsys):
    figures, _ = run_example("11_spiral", tmp_path, monkeypatch, capsys)
    assert figures["MLP 2-64-64-3 test accuracy"] > 0.85
    assert figures["linear test accuracy"] < 0.7
    assert_png(tmp_path / "spiral.png")


def test_serve_digits_quick(tmp_path, monkeypatch, capsys):
    figures, _ = run_example("12_serve_digits", tmp_path, monkeypatch, capsys)
    assert figures["served accuracy on 50 test digits"] > 0.8
    assert (tmp_path / "digits_mlp.npz").exists()


def request(url, body=None):
    """(status, parsed JSON or text) of a GET, or of a POST of `body` as JSON."""
    data = None if body is None else json.dumps(body).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=10) as response:
            status, payload, kind = response.status, response.read(), response.headers["Content-Type"]
    except urllib.error.HTTPError as error:
        status, payload, kind = error.code, error.read(), error.headers["Content-Type"]
    return status, json.loads(payload) if kind == "application/json" else payload.decode()


@pytest.fixture(scope="module")
def digits_server(tmp_path_factory):
    """The lesson-12 server around a briefly trained model, on a free port."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        serve = load_example("12_serve_digits", monkeypatch)
        train, test = serve._common.digits_split((0.8, 0.2))
        model = serve.load_or_train(tmp_path_factory.mktemp("serve") / "model.npz", train, epochs=3)
        server = serve.make_server(model, test, port=0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}", serve, model, test
        server.shutdown()
        server.server_close()


def test_server_answers_a_posted_digit(digits_server):
    url, serve, model, (x_test, t_test) = digits_server
    status, answer = request(url + "/predict", {"pixels": x_test[0].tolist()})
    assert status == 200
    assert answer["digit"] == int(serve.predict(model, x_test[:1]).argmax())
    assert sum(answer["probabilities"]) == pytest.approx(1.0, abs=1e-3)
    right = [request(url + "/predict", {"pixels": x.tolist()})[1]["digit"] == t
             for x, t in zip(x_test[:30], t_test[:30])]
    assert np.mean(right) > 0.8


def test_server_page_and_samples(digits_server):
    url, _, _, (x_test, t_test) = digits_server
    status, page = request(url + "/")
    assert status == 200 and 'id="grid"' in page and "/predict" in page
    status, sample = request(url + "/sample?i=2")
    assert status == 200 and sample["label"] == t_test[2]
    assert np.allclose(sample["pixels"], x_test[2])


@pytest.mark.parametrize("body, message", [
    ({"pixels": [0.0] * 63}, "expected 64 pixel values"),
    ({"pixels": [2.0] * 64}, "between 0"),
    ({"image": []}, "expected JSON"),
])
def test_server_rejects_bad_requests(digits_server, body, message):
    url = digits_server[0]
    status, answer = request(url + "/predict", body)
    assert status == 400 and message in answer["error"]
    assert request(url + "/nowhere")[0] == 404


SEVEN = [(1, c) for c in range(1, 7)] + [(2, 6), (3, 5), (4, 4), (5, 4), (6, 3), (7, 3)]   # (row, column)


def test_page_draws_and_predicts_in_a_browser(digits_server, tmp_path):
    """Draw a 7 with the mouse in headless Chromium: the page shows the
    digit the model gives for those pixels, and a test digit on request."""
    for program in ("/usr/bin/chromium", "/usr/bin/chromedriver"):
        if not os.path.exists(program):
            pytest.skip(f"{program} is not installed (apt install chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    url, serve, model, (x_test, t_test) = digits_server
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=900,800", f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=webdriver.ChromeService("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(url + "/")
        cells = driver.find_elements(By.CSS_SELECTOR, "#grid div")
        assert len(cells) == 64
        stroke = ActionChains(driver).move_to_element(cells[SEVEN[0][0] * 8 + SEVEN[0][1]]).click_and_hold()
        for row, column in SEVEN[1:]:
            stroke.move_to_element(cells[row * 8 + column])
        stroke.release().perform()

        pixels = np.zeros(64, dtype=np.float32)
        pixels[[row * 8 + column for row, column in SEVEN]] = 1.0
        expected = str(int(serve.predict(model, pixels[None]).argmax()))
        answer = driver.find_element(By.ID, "answer")
        WebDriverWait(driver, 10).until(lambda d: answer.text == expected)
        assert len(driver.find_elements(By.CSS_SELECTOR, "#bars .bar")) == 10

        driver.find_element(By.ID, "sample").click()
        label = driver.find_element(By.ID, "label")
        WebDriverWait(driver, 10).until(lambda d: label.text == f"test digit labelled {t_test[0]}")
        expected = str(int(serve.predict(model, x_test[:1]).argmax()))
        WebDriverWait(driver, 10).until(lambda d: answer.text == expected)
    finally:
        driver.quit()


def test_gallery_has_a_picture_per_example():
    """docs/gallery holds the committed picture of every numbered example."""
    gallery = EXAMPLES.parent / "docs" / "gallery"
    lessons = sorted(p.stem for p in EXAMPLES.glob("[0-9][0-9]_*.py"))
    assert len(lessons) == 15
    for name in lessons + ["demo_graph", "demo_training_curves"]:
        assert_png(gallery / f"{name}.png")
