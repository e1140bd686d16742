"""A character-level MLP language model as in makemore lesson 2 (Bengio et
al. 2003): a context of three characters, each embedded by a lookup table
C, concatenated, a tanh hidden layer and a softmax output trained with
F.cross_entropy on minibatches, the update written by hand with a learning
rate that drops late in training.
"""
import numpy as np
import minigrad as torch
import minigrad.nn.functional as F

WORDS = ("emma olivia ava isabella sophia charlotte mia amelia harper evelyn abigail emily "
         "elizabeth mila ella avery sofia camila aria scarlett victoria madison luna grace "
         "chloe penelope layla riley zoey nora lily eleanor hannah lillian addison aubrey").split()
BLOCK = 3


def dataset():
    chars = sorted(set("".join(WORDS)))
    stoi = {s: i + 1 for i, s in enumerate(chars)}
    stoi["."] = 0
    X, Y = [], []
    for w in WORDS:
        context = [0] * BLOCK
        for ch in w + ".":
            ix = stoi[ch]
            X.append(context)
            Y.append(ix)
            context = context[1:] + [ix]
    return torch.tensor(X), torch.tensor(Y), len(stoi)


def initial_weights(seed=0):
    torch.manual_seed(seed)
    _, _, n = dataset()
    weights = {"C": torch.randn((n, 4)), "W1": torch.randn((BLOCK * 4, 32)) * 0.2, "b1": torch.randn(32) * 0.01,
               "W2": torch.randn((32, n)) * 0.1, "b2": torch.zeros(n)}
    return {k: v.numpy() for k, v in weights.items()}


def run(init=None, steps=200, verbose=False):
    X, Y, n = dataset()
    init = initial_weights() if init is None else init
    C, W1, b1, W2, b2 = (torch.tensor(init[k]) for k in ("C", "W1", "b1", "W2", "b2"))
    parameters = [C, W1, b1, W2, b2]
    for p in parameters:
        p.requires_grad = True
    rng = np.random.default_rng(0)
    for i in range(steps):
        ix = torch.from_numpy(rng.integers(0, X.shape[0], size=32))
        emb = C[X[ix]]
        h = torch.tanh(emb.view(-1, BLOCK * 4) @ W1 + b1)
        logits = h @ W2 + b2
        loss = F.cross_entropy(logits, Y[ix])
        for p in parameters:
            p.grad = None
        loss.backward()
        lr = 0.1 if i < steps * 3 // 4 else 0.01
        for p in parameters:
            p.data += -lr * p.grad
        if verbose and i % 50 == 0:
            print(i, loss.item())
    with torch.no_grad():
        emb = C[X]
        h = torch.tanh(emb.view(-1, BLOCK * 4) @ W1 + b1)
        loss = F.cross_entropy(h @ W2 + b2, Y)
    return loss.item()


if __name__ == "__main__":
    print(f"final loss: {run(verbose=True):.4f}")
