#!/usr/bin/env python3
"""make_refs.py -- PyTorch autograd reference gradients for chapter 05's tests.

Run from anywhere:  /usr/bin/python3 solutions/05-backprop/maintainer/make_refs.py
Writes data/*.npy (float32). Students never need PyTorch: the outputs are
committed. Each case saves the inputs (x, w, b), the upstream gradient dy
that the C test feeds to its backward pass, and the gradients autograd
computes for L = sum(y * dy).
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

# Writes into the chapter's tests/data/, wherever it is run from.
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "chapters", "05-backprop", "tests"))

torch.manual_seed(5)
os.makedirs("data", exist_ok=True)


def save(name, t):
    np.save(os.path.join("data", name + ".npy"), t.detach().numpy().astype(np.float32))


def leaf(*shape, scale=1.0):
    return (torch.rand(*shape) * 2 - 1).mul(scale).requires_grad_(True)


def backward(y, prefix):
    dy = torch.rand_like(y) * 2 - 1
    (y * dy).sum().backward()
    save(prefix + "_dy", dy)


# Dense: x [5, 7], w [3, 7], b [3].
x, w, b = leaf(5, 7), leaf(3, 7), leaf(3)
y = F.linear(x, w, b)
backward(y, "dense")
for n, t in (("x", x), ("w", w), ("b", b)):
    save("dense_" + n, t)
    save("dense_d" + n, t.grad)
save("dense_y", y)

# Convolutions: (name, x shape, w shape, padding (h, w), stride (h, w)).
conv_cases = [
    ("conv_pad1", (2, 3, 7, 5), (4, 3, 3, 3), (1, 1), (1, 1)),
    ("conv_stride2", (2, 2, 9, 8), (3, 2, 3, 2), (1, 2), (2, 1)),
    ("conv_s2nopad", (1, 2, 6, 7), (2, 2, 2, 2), (0, 0), (2, 2)),
]
for name, xs, ws, pad, stride in conv_cases:
    x, w, b = leaf(*xs), leaf(*ws), leaf(ws[0])
    y = F.conv2d(x, w, b, stride=stride, padding=pad)
    backward(y, name)
    for n, t in (("x", x), ("w", w), ("b", b)):
        save(name + "_" + n, t)
        save(name + "_d" + n, t.grad)

# Pooling: distinct values (a shuffled ramp) so max pooling has no ties.
pool_cases = [
    ("maxpool_overlap", "max", (2, 3, 7, 6), 3, 2),
    ("maxpool_2x2", "max", (1, 2, 6, 8), 2, 2),
    ("avgpool_overlap", "avg", (2, 2, 7, 6), 3, 2),
]
for name, kind, xs, k, s in pool_cases:
    count = int(np.prod(xs))
    x = (torch.randperm(count).float() / count * 2 - 1).reshape(xs).requires_grad_(True)
    y = (F.max_pool2d if kind == "max" else F.avg_pool2d)(x, k, s)
    backward(y, name)
    save(name + "_x", x)
    save(name + "_dx", x.grad)

# Softmax cross-entropy (mean over N) with ordinary and huge logits.
for name, scale in (("ce", 3.0), ("ce_large", 1000.0)):
    z = leaf(6, 10, scale=scale)
    labels = torch.tensor([3, 0, 9, 3, 7, 1])
    loss = F.cross_entropy(z, labels)
    loss.backward()
    save(name + "_logits", z)
    save(name + "_labels", labels.float())
    save(name + "_loss", loss.reshape(1))
    save(name + "_dlogits", z.grad)
print("wrote", len(os.listdir("data")), "files to data/")
