#!/usr/bin/env python3
"""make_refs.py -- chapter 07: the PyTorch references in tests/data/.

Writes a digits-shaped first layer (8 filters of 1x3x3 and their bias, from a
fixed seed: the tests need weights of the right shape, not trained ones) into
data/digits-cnn/, laid out like `make train` output so that check_figures.sh
can draw the figures from it too; one asymmetric 8x8 probe image; and
PyTorch's conv1 + ReLU output on it with "same" padding.
Run from this folder with a Python that has numpy and torch:
    python3 make_refs.py
Students never run it: the .npy files are committed.
"""
import numpy as np
import torch
import torch.nn.functional as F
import os

# Writes into the chapter's tests/data/, wherever it is run from.
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "chapters", "07-visualization", "tests"))

torch.manual_seed(7)
w = torch.randn(8, 1, 3, 3) * 0.5
b = torch.randn(8) * 0.1
# An "F"-like stroke on a ramp: asymmetric, so flips and transposes show.
x = torch.zeros(1, 1, 8, 8)
x[0, 0, 1:7, 2] = 1.0
x[0, 0, 1, 2:6] = 1.0
x[0, 0, 4, 2:5] = 0.8
x += torch.arange(8).float().view(1, 1, 1, 8) * 0.02
y = F.relu(F.conv2d(x, w, b, padding=1))
np.save("data/digits-cnn/conv1.weight.npy", w.numpy().astype(np.float32))
np.save("data/digits-cnn/conv1.bias.npy", b.numpy().astype(np.float32))
np.save("data/probe_digit.npy", x.numpy().astype(np.float32))
np.save("data/probe_maps_relu.npy", y.numpy().astype(np.float32))
