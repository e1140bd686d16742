"""The lessons show what they claim: they carry on without Graphviz, the new
lessons (13, 15) print figures that back their text, the training curves
count epochs from 1 with labelled axes, and one command remakes the gallery.

Runs the examples in --quick mode in this process, with the helpers of
tests/docs/test_examples.py.
"""
import re
from pathlib import Path

import numpy as np
import pytest

from tests.docs.test_examples import EXAMPLES, assert_png, load_example, run_example

README = EXAMPLES.parent / "README.md"


def examples_drawing_graphs():
    """The lessons that draw a graph with Graphviz (the demo is tested in
    test_examples; draw_graph exists to make the README's picture)."""
    return sorted(path.stem for path in EXAMPLES.glob("[0-9][0-9]_*.py")
                  if re.search(r"render_graph\(|write_backward_page\(", path.read_text()))


def test_examples_reach_graphviz_only_through_common():
    """Every lesson draws graphs and stepper pages through _common's helpers,
    which carry on with the DOT source when `dot` is missing."""
    for path in EXAMPLES.glob("*.py"):
        if path.stem in ("_common", "draw_graph"):
            continue
        source = path.read_text()
        assert not re.search(r"viz\.render\(|\.to_html\(", source), f"{path.name} calls Graphviz directly"


@pytest.mark.parametrize("name", examples_drawing_graphs())
def test_lesson_carries_on_without_graphviz(name, tmp_path, monkeypatch, capsys):
    """With no `dot` on PATH the lesson still runs to its end, writes each
    graph's DOT source and says how to install Graphviz."""
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))
    figures, text = run_example(name, tmp_path / "out", monkeypatch, capsys)
    assert "note:" in text and "apt install graphviz" in text
    dots = list((tmp_path / "out").glob("*.dot"))
    assert dots and all("digraph" in dot.read_text() for dot in dots)
    assert not any(path.stem.startswith("graph") for path in (tmp_path / "out").glob("*.png"))
    assert figures, "the lesson stopped before printing its figures"


def test_backprop_by_hand_page_needs_graphviz_only_for_the_page(tmp_path, monkeypatch, capsys):
    """Lesson 1 without `dot`: all its figures, and the stepper's graph as DOT."""
    monkeypatch.setenv("PATH", str(tmp_path))
    figures, text = run_example("01_backprop_by_hand", tmp_path, monkeypatch, capsys)
    assert figures["max |backprop - by hand|"] < 1e-12 and figures["backward steps"] >= 5
    assert "digraph" in (tmp_path / "backward_steps.dot").read_text()
    assert not (tmp_path / "backward_steps.html").exists()


def test_higher_order(tmp_path, monkeypatch, capsys):
    figures, text = run_example("13_higher_order", tmp_path, monkeypatch, capsys)
    for order in range(1, 7):   # every derivative matches its polynomial in tanh
        assert figures[f"order {order} max |minigrad - polynomial|"] < 1e-10
    sizes = [figures[f"order {order} graph functions"] for order in range(7)]
    assert all(later > earlier for earlier, later in zip(sizes, sizes[1:])), sizes   # the graphs grow
    assert figures["Newton distance to the minimum"] < 1e-8 and figures["Newton steps"] <= 6
    assert figures["gradient descent distance to the minimum"] > 1e-2   # where descent crawls
    n = [label for label in figures if label.endswith("max |hvp - hessian @ v|")][0].split()[0]
    assert figures[f"{n} max |hvp - hessian @ v|"] < 1e-12
    assert figures[f"{n} hessian / gradient time"] > figures[f"{n} hvp / gradient time"]
    said = re.search(rf"at n = {n.split('=')[1]} the Hessian-vector product took ([\d.]+) gradients' time, "
                     r"the full Hessian (\d+)", text)   # the text's figures are this run's
    assert said and float(said[2]) == pytest.approx(figures[f"{n} hessian / gradient time"], abs=0.6)
    assert "quick mode:" in text
    for order in (1, 2, 3):
        assert_png(tmp_path / f"graph_order{order}.png")
    assert_png(tmp_path / "higher_order.png")


def test_higher_order_derivative_graphs_differentiate_again(monkeypatch):
    """The lesson's derivatives of tanh at 0 are tanh's known ones:
    0, 1, 0, -2, 0, 16, 0 (from its Taylor series x - x**3/3 + 2 x**5/15)."""
    lesson = load_example("13_higher_order", monkeypatch)
    import minigrad as mg
    derivatives = lesson.tanh_derivatives(mg.Variable(np.array(0.0)), 6)
    assert [round(d.item(), 10) for d in derivatives] == [0, 1, 0, -2, 0, 16, 0]


def test_backprop_by_hand_layers(tmp_path, monkeypatch, capsys):
    figures, text = run_example("15_backprop_by_hand_layers", tmp_path, monkeypatch, capsys)
    assert figures["max |by hand - minigrad| over all gradients"] < 1e-10
    assert "agree to 1e-10: yes" in text
    assert figures["loss by hand"] == figures["loss by minigrad"]
    assert figures["max |loss by hand - loss by minigrad| over training"] < 1e-10
    assert figures["max |weights by hand - weights by minigrad| after training"] < 1e-10
    assert figures["last step loss"] < figures["first step loss"]
    assert_png(tmp_path / "backprop_by_hand_layers.png")


def test_hand_written_layers_catch_a_wrong_backward(monkeypatch):
    """The comparison has teeth: a ReLU backward that lets negative inputs
    through disagrees with minigrad far beyond 1e-10."""
    lesson = load_example("15_backprop_by_hand_layers", monkeypatch)
    rng = np.random.default_rng(0)
    x, t = rng.normal(size=(8, 64)), rng.integers(0, 10, size=8)
    params = lesson.initial_params((64, 20, 10))
    net = lesson.TwoLayerNet(params)
    net.layers[1].backward = lambda dy: dy
    _, by_hand = net.gradients(x, t)
    _, by_engine = lesson.engine_gradients(params, x, t)
    assert np.abs(by_hand["W1"] - by_engine["W1"]).max() > 1e-3


def test_history_plot_counts_epochs_from_one_with_labelled_axes(tmp_path, monkeypatch):
    """The curves start at epoch 1 (as the progress bar counts) and both
    axes of every panel say what they show."""
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    from minigrad.train import History
    history = History()
    for epoch, (loss, accuracy) in enumerate([(2.0, 0.5), (1.0, 0.7), (0.5, 0.8)]):
        history.record(epoch, {"loss": loss, "accuracy": accuracy, "val_loss": loss + 0.1})
    drawn = []
    save = Figure.savefig
    monkeypatch.setattr(Figure, "savefig", lambda self, *a, **k: (drawn.append(self), save(self, *a, **k)))
    history.plot(tmp_path / "curves.png")
    (figure,) = drawn
    assert len(figure.axes) == 2
    for axes in figure.axes:
        assert axes.get_xlabel() == "epoch" and axes.get_ylabel() in ("loss", "accuracy")
        for line in axes.get_lines():
            assert list(line.get_xdata()) == [1, 2, 3]
    assert_png(tmp_path / "curves.png")


def gallery_pictures_in_readme():
    return re.findall(r"\(docs/gallery/([\w-]+)\.png\)", README.read_text())


def test_make_gallery_covers_every_lesson_and_the_readme(monkeypatch):
    gallery = load_example("make_gallery", monkeypatch)
    examples = {example for example, _ in gallery.PICTURES.values()}
    lessons = {path.stem for path in EXAMPLES.glob("[0-9][0-9]_*.py")}
    assert lessons | {"demo"} == examples
    assert sorted(gallery_pictures_in_readme()) == sorted(gallery.PICTURES)
    for picture in gallery.PICTURES:
        assert_png(EXAMPLES.parent / "docs" / "gallery" / f"{picture}.png")


def test_make_gallery_remakes_a_picture(tmp_path, monkeypatch, capsys):
    """One command runs the example as its own process and copies its picture."""
    gallery = load_example("make_gallery", monkeypatch)
    gallery.main(["01_backprop_by_hand", "--quick", "--out", str(tmp_path / "runs"),
                  "--gallery", str(tmp_path / "gallery")])
    assert_png(tmp_path / "gallery" / "01_backprop_by_hand.png")
    figures = (tmp_path / "runs" / "01_backprop_by_hand" / "figures.txt").read_text()
    assert "max |backprop - by hand|" in figures
    with pytest.raises(SystemExit):
        gallery.main(["no_such_lesson", "--list"])


def test_transformer(tmp_path, monkeypatch, capsys):
    figures, text = run_example("14_transformer", tmp_path, monkeypatch, capsys)
    uniform = figures["loss of a uniform guess"]
    assert figures["first step loss"] > 0.9 * uniform
    assert figures["last 20 steps loss"] < 0.7 * uniform   # it has learned which characters follow which
    assert figures["validation loss"] < 0.7 * uniform
    assert figures["largest attention weight above the diagonal"] == 0   # the causal mask holds
    assert figures["attention rows summing to 1 within"] < 1e-5
    assert f"{int(figures['parameters']):,} weights for 16 KB of text" in text   # the text's figures are this run's
    said = re.search(r"the validation loss is ([\d.]+)", text)
    assert said and float(said[1]) == pytest.approx(figures["validation loss"], abs=0.006) and "quick mode:" in text
    samples = re.findall(r"--- sample at temperature [\d.]+ ---\n(.*?)\n---", text, flags=re.S)
    assert len(samples) == 2 and all(sample.startswith("Quoth the Raven") for sample in samples)
    assert all(len(sample) > len("Quoth the Raven") + 50 for sample in samples)
    assert_png(tmp_path / "transformer.png")


def test_transformer_text_is_shipped_with_its_licence():
    data = EXAMPLES / "data"
    text = (data / "poems.txt").read_text(encoding="utf-8")
    assert 10_000 < len(text.encode()) < 300_000
    readme = (data / "README.md").read_text()
    assert "poems.txt" in readme and "public domain" in readme.lower()


def test_causal_mask_blocks_the_future(monkeypatch):
    """Changing a later character changes no earlier position's scores."""
    lesson = load_example("14_transformer", monkeypatch)
    import minigrad as mg
    mg.manual_seed(0)
    model = lesson.CharTransformer(vocabulary=10, context=8, d_model=16, nhead=2, num_layers=2)
    model.eval()
    idx = np.array([[1, 2, 3, 4, 5, 6, 7, 8]])
    changed = idx.copy()
    changed[0, 5] = 0
    with mg.no_grad():
        before, after = model(idx).data, model(changed).data
    assert np.allclose(before[0, :5], after[0, :5], atol=1e-6)
    assert not np.allclose(before[0, 5:], after[0, 5:])
