# %% [markdown]
# # Lesson 8: a convolutional network on the digits (or on MNIST)
#
#     image (1, H, W)
#     -> Conv2d(1, 16, 5, padding=2) -> ReLU -> MaxPool2d(2)
#     -> Conv2d(16, 32, 3, padding=1) -> ReLU -> MaxPool2d(2)
#     -> Flatten -> Linear(32 * H/4 * W/4, 10)
#
# Convolutions share one small filter across the whole image, so the
# network needs far fewer weights than a dense one and keeps what it learns
# about a stroke wherever the stroke is. Prints the test accuracy and draws
# the 16 learned first-layer filters.
#
# By default it uses scikit-learn's 8x8 digits. `--mnist DIR` uses the MNIST
# IDX files already in DIR (train-images-idx3-ubyte[.gz] and the rest);
# nothing is downloaded.

# %%
"""Lesson 8: a convolutional network on the digits (or on MNIST).

The text is in the markdown cell above: this script also opens as a
notebook (Jupytext's percent format).
"""
import _common
from _common import F, mg, plt, report
from minigrad import nn, optim
from minigrad.data import DataLoader, TensorDataset, datasets
from minigrad.train import fit


# %%
def add_arguments(parser):
    parser.add_argument("--mnist", metavar="DIR", help="train on the MNIST IDX files in DIR instead")
    parser.add_argument("--limit", type=int, metavar="N",
                        help="use at most N training images (MNIST has 60,000)")
    parser.add_argument("--epochs", type=int, metavar="N",
                        help="passes over the training images (default 10 on the digits, 3 on MNIST)")


# %%
def cnn(height, width):
    return nn.Sequential(
        nn.Conv2d(1, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * (height // 4) * (width // 4), 10))


# %%
def load(args):
    """(train, test) pairs of images (N, 1, H, W) and labels."""
    if args.mnist:
        train, test = datasets.mnist(args.mnist, train=True), datasets.mnist(args.mnist, train=False)
    else:
        n = 600 if args.quick else None
        train, test = [(x.reshape(-1, 1, 8, 8), t) for x, t in _common.digits_split((0.8, 0.2), n=n)]
    limit = args.limit or (500 if args.quick else None)
    return (train[0][:limit], train[1][:limit]), test


# %%
def draw_filters(model, image, path):
    """The 16 first-layer filters (grey levels scaled per filter) and what
    each one makes of `image` (1, H, W): its feature map after the ReLU."""
    weight = model[0].weight.data[:, 0]
    with mg.no_grad():
        maps = model[1](model[0](mg.Variable(image[None]))).data[0]
    fig = plt.figure(figsize=(10, 5))
    grid = fig.add_gridspec(4, 10)
    ax = fig.add_subplot(grid[1:3, :2])
    ax.imshow(image[0], cmap="gray_r")
    ax.set_title("input")
    ax.axis("off")
    for k, (w, feature_map) in enumerate(zip(weight, maps)):
        row, column = 2 * (k // 8), 2 + k % 8
        for offset, picture, cmap in ((0, w, "gray"), (1, feature_map, "magma")):
            ax = fig.add_subplot(grid[row + offset, column])
            ax.imshow(picture, cmap=cmap)
            ax.axis("off")
    fig.suptitle("learned first-layer filters (grey) and their feature maps for the input (colour)")
    _common.save_figure(fig, path)


# %%
def main(argv=None):
    args = _common.parse_args("08_cnn", __doc__, argv, add_arguments)
    mg.manual_seed(0)
    (x_train, t_train), (x_test, t_test) = load(args)
    report("training images", len(x_train))
    report("image shape", x_train.shape[1:])
    epochs = args.epochs or (2 if args.quick else 3 if args.mnist else 10)

    model = cnn(*x_train.shape[2:])
    loader = DataLoader(TensorDataset(x_train, t_train), batch_size=32, shuffle=True)
    history = fit(model, optim.Adam(model.parameters(), lr=3e-3), F.softmax_cross_entropy, loader,
                  epochs=epochs, progress=not args.quick)
    report("first epoch loss", history.history["loss"][0])
    report("last epoch loss", history.history["loss"][-1])
    report("test accuracy", _common.accuracy_on(model, x_test, t_test))
    draw_filters(model, x_test[0], args.out / "filters.png")


# %%
if __name__ == "__main__":
    main()
