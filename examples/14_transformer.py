# %% [markdown]
# # Lesson 14: attention and a tiny Transformer
#
# A character-level language model: it reads a window of characters and,
# at every position, predicts the next one. Its parts:
#
# - `nn.Embedding`: each character, and each position in the window, gets a
#   learned vector; a character's input is the sum of the two.
# - `nn.TransformerEncoder`: layers of multi-head self-attention and a small
#   feed-forward network. In self-attention every position scores every
#   other, softmax(q·k / √d) (the attention weights), and takes the weighted
#   mean of their values. A **causal mask** forbids looking ahead: position i
#   may only attend to positions 0 ... i, or predicting the next character
#   would be copying it.
# - a Linear layer turns each position's vector into scores for the next
#   character, trained with the cross-entropy (the mean over every position
#   of the batch).
#
# It trains on `examples/data/poems.txt` (16 KB of public-domain verse: see
# `examples/data/README.md`), prints samples it writes from a prompt, plots
# its loss, and draws the attention weights of each head of the first layer
# as heat maps: row i shows where position i looks, and nothing lies above
# the diagonal.
#
# 16 KB is very little text for a model of this size (the run prints its
# number of weights beside the size of the text). Trained without dropout
# for long enough, such a model learns the training text nearly by heart
# while its loss on the held-out last tenth climbs above a uniform guess's:
# lesson 7's overfitting again. So the full run puts Dropout(0.2) in every
# layer and stops after 1,200 steps, which keeps the validation loss near
# its lowest; its samples then spell many words right and keep the shape
# of the verse, without making much sense. The run prints how its
# validation loss compares with a uniform guess. `--quick` trains a much
# smaller model for 150 steps without dropout: enough to check that it
# learns which characters follow which, too short to spell words, and it
# says so.

# %%
"""Lesson 14: attention and a tiny character-level Transformer on public-domain poems.

The text is in the markdown cell above: this script also opens as a
notebook (Jupytext's percent format).
"""
import numpy as np
from matplotlib.colors import PowerNorm

import _common
from _common import F, mg, plt, report
from minigrad import nn, optim

TEXT = _common.ROOT / "examples" / "data" / "poems.txt"
PROMPT = "Quoth the Raven"


# %% [markdown]
# ## The data
#
# The text becomes a sequence of character numbers. A training example is
# a window of `context` characters, and its targets are the same window
# shifted by one: the character that follows each position.

# %%
class Characters:
    """The text as integers: `encode`/`decode` between strings and arrays
    of character numbers (in sorted order of the characters seen)."""

    def __init__(self, text):
        self.chars = sorted(set(text))
        self.index = {c: i for i, c in enumerate(self.chars)}

    def encode(self, text):
        return np.array([self.index[c] for c in text], dtype=np.int64)

    def decode(self, numbers):
        return "".join(self.chars[i] for i in numbers)


def random_windows(data, context, batch, rng):
    """`batch` windows of `context` numbers from `data` and their targets
    (the windows shifted by one): two int64 arrays of shape (batch, context)."""
    starts = rng.integers(0, len(data) - context - 1, size=batch)
    rows = starts[:, None] + np.arange(context)
    return data[rows], data[rows + 1]


def causal_mask(length):
    """(length, length) booleans, True above the diagonal: where position i
    may not look (at j > i). MultiheadAttention's convention (PyTorch's)."""
    return np.triu(np.ones((length, length), dtype=bool), k=1)


# %% [markdown]
# ## The model
#
# Pre-norm layers (`norm_first=True`: LayerNorm before attention and before
# the feed-forward block) train steadily at this size without warm-up.

# %%
class CharTransformer(nn.Module):
    """(N, T) character numbers -> (N, T, vocabulary) scores for the next
    character at each position, looking only backwards (causal mask)."""

    def __init__(self, vocabulary, context, d_model, nhead, num_layers, dropout=0.0):
        super().__init__()
        self.context = context
        self.token_embedding = nn.Embedding(vocabulary, d_model)
        self.position_embedding = nn.Embedding(context, d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=4 * d_model, dropout=dropout,
                                           batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers)
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocabulary)

    def embed(self, idx):
        """Token plus position embeddings: (N, T) -> (N, T, d_model)."""
        return self.token_embedding(idx) + self.position_embedding(np.arange(idx.shape[1]))

    def forward(self, idx):
        T = idx.shape[1]
        x = self.encoder(self.embed(idx), mask=causal_mask(T), is_causal=True)
        return self.head(self.norm(x))

    def first_layer_attention(self, idx):
        """The attention weights of every head of the first layer for the
        (N, T) input: (N, nhead, T, T), row i = where position i looks."""
        layer = self.encoder.layers[0]
        h = layer.norm1(self.embed(idx))
        _, weights = layer.self_attn(h, h, h, attn_mask=causal_mask(idx.shape[1]), need_weights=True,
                                     average_attn_weights=False)
        return weights.data


def next_character_loss(model, x, t):
    """Mean cross-entropy of the scores at every position against the next character."""
    scores = model(x)
    return F.softmax_cross_entropy(scores.reshape(-1, scores.shape[-1]), t.reshape(-1))


# %% [markdown]
# ## Writing
#
# To write, the model scores the next character after the last `context`
# characters, one is drawn from softmax(scores / temperature), appended,
# and so on. A low temperature keeps to the likeliest characters.

# %%
def generate(model, characters, prompt, length, temperature, rng):
    """`prompt` followed by `length` characters drawn from the model."""
    numbers = list(characters.encode(prompt))
    model.eval()
    with mg.no_grad():
        for _ in range(length):
            window = np.array([numbers[-model.context:]])
            scores = model(window).data[0, -1] / temperature
            p = np.exp(scores - scores.max())
            numbers.append(int(rng.choice(len(p), p=p / p.sum())))
    model.train()
    return characters.decode(numbers)


def mean_loss(model, data, context, batches, rng, batch=32):
    """The loss averaged over `batches` random windows of `data`, without a graph."""
    model.eval()
    with mg.no_grad():
        losses = [next_character_loss(model, *random_windows(data, context, batch, rng)).item()
                  for _ in range(batches)]
    model.train()
    return float(np.mean(losses))


# %% [markdown]
# ## Training

# %%
def main(argv=None):
    args = _common.parse_args("14_transformer", __doc__, argv)
    if args.quick:   # too short a run to overfit: no dropout
        context, d_model, nhead, num_layers, steps, batch, dropout = 32, 32, 2, 2, 150, 16, 0.0
    else:
        context, d_model, nhead, num_layers, steps, batch, dropout = 64, 64, 4, 2, 1200, 32, 0.2
    text = TEXT.read_text(encoding="utf-8")
    characters = Characters(text)
    data = characters.encode(text)
    cut = int(0.9 * len(data))
    train, validation = data[:cut], data[cut:]
    report("characters in the text", len(data))
    report("vocabulary", len(characters.chars))
    report("loss of a uniform guess", float(np.log(len(characters.chars))))

    mg.manual_seed(0)
    rng = np.random.default_rng(0)
    model = CharTransformer(len(characters.chars), context, d_model, nhead, num_layers, dropout)
    report("parameters", sum(p.size for p in model.parameters()))
    optimizer = optim.Adam(model.parameters(), lr=3e-3)
    losses, checks = [], []
    for step in range(1, steps + 1):
        loss = next_character_loss(model, *random_windows(train, context, batch, rng))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if step % (steps // 10) == 0 or step == steps:
            checks.append((step, mean_loss(model, validation, context, 5, rng)))
            print(f"step {step}: training loss {np.mean(losses[-20:]):.3f}, validation loss {checks[-1][1]:.3f}",
                  flush=True)
    report("first step loss", losses[0])
    report("last 20 steps loss", float(np.mean(losses[-20:])))
    report("validation loss", checks[-1][1])
    n_weights = sum(p.size for p in model.parameters())
    print(f"{n_weights:,} weights for {len(text.encode('utf-8')) / 1024:.0f} KB of text; after {steps} steps the "
          f"validation loss is {checks[-1][1]:.2f} (a uniform guess: {np.log(len(characters.chars)):.2f}; "
          f"its lowest on the way: {min(loss for _, loss in checks):.2f})")
    _common.quick_note(args, "14_transformer", ["samples that spell words (a bigger model, 1,200 steps)",
                                                "what dropout does to the validation loss"])

    for temperature in (0.5, 0.8):
        sample = generate(model, characters, PROMPT, 120 if args.quick else 300, temperature,
                          np.random.default_rng(1))
        print(f"--- sample at temperature {temperature} ---\n{sample}\n---")

    line = "Once upon a midnight dreary, while I pondered"[:context]
    model.eval()   # no dropout on the weights drawn
    with mg.no_grad():
        weights = model.first_layer_attention(characters.encode(line)[None])[0]
    report("largest attention weight above the diagonal", float(np.triu(weights, k=1).max()))
    report("attention rows summing to 1 within", f"{np.abs(weights.sum(axis=-1) - 1).max():.1e}")
    draw(args.out / "transformer.png", losses, checks, weights, line, characters)


# %%
def draw(path, losses, checks, weights, line, characters):
    """The loss curves, and one heat map of attention weights per head."""
    heads = weights.shape[0]
    fig = plt.figure(figsize=(5 + 4.2 * heads, 4.6))
    grid = fig.add_gridspec(1, heads + 1, width_ratios=[1.25] + [1] * heads)
    ax = fig.add_subplot(grid[0, 0])
    steps = np.arange(1, len(losses) + 1)
    window = max(1, len(losses) // 50)
    smooth = np.convolve(losses, np.ones(window) / window, mode="valid")
    ax.plot(steps, losses, color="tab:blue", alpha=0.25, label="training (each step)")
    ax.plot(steps[window - 1:], smooth, color="tab:blue", label=f"training (mean of {window})")
    ax.plot(*zip(*checks), "o-", color="tab:orange", label="validation")
    ax.axhline(np.log(len(characters.chars)), color="gray", linestyle=":", label="uniform guess")
    ax.set(title="next-character loss", xlabel="step", ylabel="cross-entropy (nats)")
    ax.legend(fontsize=8)
    labels = list(line)
    for h in range(heads):
        ax = fig.add_subplot(grid[0, h + 1])
        ax.imshow(weights[h], cmap="viridis", norm=PowerNorm(0.5, vmin=0, vmax=1))   # faint weights visible too
        ax.set_xticks(range(len(labels)), labels, fontsize=6, fontfamily="monospace")
        ax.set_yticks(range(len(labels)), labels, fontsize=6, fontfamily="monospace")
        ax.set(title=f"layer 1, head {h + 1}: attention", xlabel="looks at (key)", ylabel="position (query)")
    _common.save_figure(fig, path)


# %%
if __name__ == "__main__":
    main()
