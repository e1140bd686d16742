"""A character-level bigram model trained by gradient descent, in the way
Karpathy's makemore lesson 1 builds it: one-hot inputs times a 27x27
weight matrix give logits; counts = logits.exp(), probabilities are the
normalised counts, the loss is the mean negative log-likelihood plus a
small L2 penalty; the update is written by hand.
"""
import numpy as np
import minigrad as torch
import minigrad.nn.functional as F

WORDS = ("emma olivia ava isabella sophia charlotte mia amelia harper evelyn abigail emily "
         "elizabeth mila ella avery sofia camila aria scarlett victoria madison luna grace "
         "chloe penelope layla riley zoey nora lily eleanor hannah lillian addison aubrey").split()


def dataset():
    chars = sorted(set("".join(WORDS)))
    stoi = {s: i + 1 for i, s in enumerate(chars)}
    stoi["."] = 0
    xs, ys = [], []
    for w in WORDS:
        chs = ["."] + list(w) + ["."]
        for ch1, ch2 in zip(chs, chs[1:]):
            xs.append(stoi[ch1])
            ys.append(stoi[ch2])
    return torch.tensor(xs), torch.tensor(ys), len(stoi)


def initial_weights(seed=0):
    torch.manual_seed(seed)
    _, _, n = dataset()
    return {"W": torch.randn((n, n)).numpy()}


def run(init=None, steps=60, verbose=False):
    xs, ys, n = dataset()
    num = xs.nelement()
    W = torch.tensor((initial_weights() if init is None else init)["W"]).requires_grad_()
    xenc = F.one_hot(xs, num_classes=n).float()
    for k in range(steps):
        logits = xenc @ W
        counts = logits.exp()
        probs = counts / counts.sum(1, keepdims=True)
        loss = -probs[torch.arange(num), ys].log().mean() + 0.01 * (W ** 2).mean()
        if verbose and k % 10 == 0:
            print(k, loss.item())
        W.grad = None
        loss.backward()
        W.data += -10 * W.grad
    return loss.item()


if __name__ == "__main__":
    print(f"final loss: {run(verbose=True):.4f}")
