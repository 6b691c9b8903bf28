#!/usr/bin/env python3
"""make_refs.py -- PyTorch BatchNorm2d references for chapter 08's tests.

Run from anywhere:  /usr/bin/python3 solutions/08-real-world/maintainer/make_refs.py
Writes chapters/08-real-world/tests/data/*.npy (float32), committed, so
students never need PyTorch.

Each training case saves the input x, gamma, beta, the running statistics
before the step, the output y of BatchNorm2d in train() mode, the running
statistics after it, the batch mean and 1 / sqrt(biased var + eps) per
channel (what the C forward saves for the backward pass), and the gradients
autograd computes for L = sum(y * dy).
The evaluation case saves y of the same layer in eval() mode.
"""
import os

import numpy as np
import torch

os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "chapters", "08-real-world", "tests"))
os.makedirs("data", exist_ok=True)
torch.manual_seed(8)


def save(name, t):
    np.save(os.path.join("data", name + ".npy"), t.detach().numpy().astype(np.float32))


def make_layer(c, momentum):
    bn = torch.nn.BatchNorm2d(c, eps=1e-5, momentum=momentum)
    with torch.no_grad():
        bn.weight.copy_(torch.rand(c) * 1.5 + 0.25)
        bn.bias.copy_(torch.rand(c) * 2 - 1)
        bn.running_mean.copy_(torch.rand(c) * 2 - 1)
        bn.running_var.copy_(torch.rand(c) + 0.5)
    return bn


def save_layer(prefix, bn):
    save(prefix + "_gamma", bn.weight)
    save(prefix + "_beta", bn.bias)
    save(prefix + "_running_mean_in", bn.running_mean)
    save(prefix + "_running_var_in", bn.running_var)


# Training cases: (name, x shape, momentum). Channels get different offsets
# and scales, so a statistic taken over the wrong axes cannot pass.
for name, shape, momentum in (("train", (4, 3, 5, 6), 0.1), ("train_m3", (2, 5, 3, 7), 0.3)):
    c = shape[1]
    bn = make_layer(c, momentum)
    save_layer(name, bn)
    offsets = torch.linspace(-2, 3, c).view(1, c, 1, 1)
    scales = torch.linspace(0.5, 4, c).view(1, c, 1, 1)
    x = ((torch.rand(*shape) * 2 - 1) * scales + offsets).requires_grad_(True)
    bn.train()
    y = bn(x)
    dy = torch.rand_like(y) * 2 - 1
    (y * dy).sum().backward()
    save(name + "_x", x)
    with torch.no_grad():
        save(name + "_save_mean", x.mean(dim=(0, 2, 3)))
        save(name + "_save_invstd", 1 / torch.sqrt(x.var(dim=(0, 2, 3), unbiased=False) + 1e-5))
    save(name + "_y", y)
    save(name + "_dy", dy)
    save(name + "_dx", x.grad)
    save(name + "_dgamma", bn.weight.grad)
    save(name + "_dbeta", bn.bias.grad)
    save(name + "_running_mean_out", bn.running_mean)
    save(name + "_running_var_out", bn.running_var)

# Evaluation: the running statistics normalise, the batch's do not matter.
bn = make_layer(4, 0.1)
save_layer("eval", bn)
bn.eval()
x = torch.rand(3, 4, 4, 5) * 3 - 1
save("eval_x", x)
save("eval_y", bn(x))
