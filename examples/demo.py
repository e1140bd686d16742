# %% [markdown]
# # minigrad's main demo: a small network trained define-by-run on the digits
#
# The network's forward pass is plain Python calling minigrad functions;
# each call records itself in a graph as it runs (define-by-run), and
# `loss.backward()` walks that graph back from the loss. `fit` runs the
# loop over mini-batches with a progress bar.
#
# Writes into the output folder (default out/demo):
#   training_curves.png   loss and accuracy per epoch, training and validation
#   graph.png, graph.dot  the graph of one forward pass and its loss, with the
#                         parameters named as the model names them (only
#                         graph.dot when Graphviz is not installed)

# %%
"""minigrad's main demo: a small network trained define-by-run on the digits.

The text is in the markdown cell above: this script also opens as a
notebook (Jupytext's percent format).
"""
import _common
from _common import F, mg, report
from minigrad import nn, optim
from minigrad.data import DataLoader, TensorDataset
from minigrad.train import fit


# %%
class DigitNet(nn.Module):
    """64 pixels -> 100 ReLU units -> 50 ReLU units -> 10 class scores."""

    def __init__(self):
        super().__init__()
        self.hidden1 = nn.Linear(64, 100)
        self.hidden2 = nn.Linear(100, 50)
        self.output = nn.Linear(50, 10)

    def forward(self, x):
        h = F.relu(self.hidden1(x))
        h = F.relu(self.hidden2(h))
        return self.output(h)


# %%
def main(argv=None):
    args = _common.parse_args("demo", __doc__, argv)
    mg.manual_seed(0)
    train, validation, test = _common.digits_split((0.7, 0.1, 0.2), n=600 if args.quick else None)
    report("training images", len(train[0]))

    model = DigitNet()
    history = fit(model, optim.Adam(model.parameters(), lr=2e-3), F.softmax_cross_entropy,
                  DataLoader(TensorDataset(*train), batch_size=32, shuffle=True),
                  DataLoader(TensorDataset(*validation), batch_size=256),
                  epochs=3 if args.quick else 30)
    for key, values in history.history.items():
        report(f"{key.replace('_', ' ')} first epoch", values[0])
        report(f"{key.replace('_', ' ')} last epoch", values[-1])
    report("test accuracy", _common.accuracy_on(model, *test))
    history.plot(args.out / "training_curves.png", dpi=_common.DPI)
    print(f"wrote {args.out / 'training_curves.png'}")

    # One forward pass on three images, drawn with the parameters' names.
    x, t = test[0][:3], test[1][:3]
    loss = F.softmax_cross_entropy(model(mg.Variable(x, name="x")), t)
    loss.name = "loss"
    _common.render_graph(args.out / "graph.png", loss, params=model)


# %%
if __name__ == "__main__":
    main()
