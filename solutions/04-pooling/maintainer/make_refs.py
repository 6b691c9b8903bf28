#!/usr/bin/python3
"""make_refs.py -- PyTorch reference outputs for chapter 04's tests.

Run from anywhere with `/usr/bin/python3 solutions/04-pooling/maintainer/make_refs.py`
(needs torch and numpy; students never do: the .npy files are committed).
It writes into data/ next to this script, with a fixed seed, so a rerun gives
the same bytes.

For every case below it writes
    data/<case>_x.npy       the input, float32 [N,C,H,W]
    data/<case>_max.npy     F.max_pool2d(x, window, stride), float32 [N,C,P,Q]
    data/<case>_argmax.npy  where each max came from, int32 [N,C,P,Q]
    data/<case>_avg.npy     F.avg_pool2d(x, window, stride), float32 [N,C,P,Q]

Argmax convention. PyTorch's return_indices gives h*W + w, an index inside
one (n, c) plane. The workbook's argmax is the flat NCHW index into x, so this
script converts: flat = (n*C + c)*H*W + h*W + w. The files hold FLAT indices.

The cases (window and stride are (rows, cols); test_pooling.c uses the same):
    square   x [2,3,6,8]  window (2,2) stride (2,2)   the everyday 2x2 pool
    odd      x [2,3,5,7]  window (2,2) stride (2,2)   odd sizes: last row/col dropped
    odd3     x [1,2,7,9]  window (3,3) stride (2,2)   windows overlap by one
    overlap  x [2,2,6,7]  window (3,2) stride (1,2)   overlap in rows only
    rect     x [1,3,5,8]  window (2,3) stride (1,1)   overlap in both, non-square
    ties     x [1,2,4,6]  window (2,3) stride (1,1)   few distinct values: many ties
    shift    x [2,1,8,8]  window (2,2) stride (2,2)   an "F" (n=0) and the same F
                                                      shifted right by one pixel (n=1)

The ties case also checks the claim the lesson makes: PyTorch's CPU
max_pool2d returns the FIRST maximum of a window in row-major order.
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "..", "chapters", "04-pooling", "tests", "data")

CASES = [
    # name, shape, window, stride
    ("square", (2, 3, 6, 8), (2, 2), (2, 2)),
    ("odd", (2, 3, 5, 7), (2, 2), (2, 2)),
    ("odd3", (1, 2, 7, 9), (3, 3), (2, 2)),
    ("overlap", (2, 2, 6, 7), (3, 2), (1, 2)),
    ("rect", (1, 3, 5, 8), (2, 3), (1, 1)),
    ("ties", (1, 2, 4, 6), (2, 3), (1, 1)),
    ("shift", (2, 1, 8, 8), (2, 2), (2, 2)),
]


def make_input(name, shape, gen):
    if name == "ties":
        # Values from {0, 1, 2}: most windows hold their maximum twice or more.
        return torch.randint(0, 3, shape, generator=gen).float()
    if name == "shift":
        # An "F" whose strokes brighten downwards (so flips cannot pass),
        # then the same image moved one pixel to the right.
        f = torch.zeros(8, 8)
        f[1:7, 2] = 1.0      # the stem
        f[1, 2:6] = 1.0      # the top bar
        f[4, 2:5] = 1.0      # the middle bar
        f = f * (1.0 + torch.arange(8.0).view(8, 1) / 8.0)
        moved = torch.zeros(8, 8)
        moved[:, 1:] = f[:, :-1]
        return torch.stack([f, moved]).view(shape)
    return torch.rand(shape, generator=gen) * 2.0 - 1.0


def first_max_flat(x, window, stride):
    """Flat NCHW argmax by the workbook's rule, in plain numpy."""
    n_, c_, h_, w_ = x.shape
    p_ = (h_ - window[0]) // stride[0] + 1
    q_ = (w_ - window[1]) // stride[1] + 1
    out = np.zeros((n_, c_, p_, q_), dtype=np.int64)
    for n in range(n_):
        for c in range(c_):
            for ph in range(p_):
                for pw in range(q_):
                    h0, w0 = ph * stride[0], pw * stride[1]
                    win = x[n, c, h0:h0 + window[0], w0:w0 + window[1]]
                    r, s = np.unravel_index(np.argmax(win), win.shape)  # first max
                    out[n, c, ph, pw] = ((n * c_ + c) * h_ + h0 + r) * w_ + w0 + s
    return out


def main():
    os.makedirs(DATA, exist_ok=True)
    gen = torch.Generator().manual_seed(404)
    for name, shape, window, stride in CASES:
        x = make_input(name, shape, gen)
        y, plane_idx = F.max_pool2d(x, window, stride, return_indices=True)
        avg = F.avg_pool2d(x, window, stride)
        n_, c_, h_, w_ = shape
        plane = torch.arange(n_ * c_).view(n_, c_, 1, 1)
        flat = plane * (h_ * w_) + plane_idx
        assert flat.max().item() < 2**31
        xn = x.numpy()
        rule = first_max_flat(xn, window, stride)
        if not np.array_equal(rule, flat.numpy()):
            raise SystemExit(f"{name}: PyTorch's argmax differs from the first-max rule")
        assert np.array_equal(xn.reshape(-1)[flat.numpy()], y.numpy())
        np.save(os.path.join(DATA, f"{name}_x.npy"), xn.astype(np.float32))
        np.save(os.path.join(DATA, f"{name}_max.npy"), y.numpy().astype(np.float32))
        np.save(os.path.join(DATA, f"{name}_argmax.npy"), flat.numpy().astype(np.int32))
        np.save(os.path.join(DATA, f"{name}_avg.npy"), avg.numpy().astype(np.float32))
        print(f"{name:8s} x {list(shape)} window {window} stride {stride} -> {list(y.shape)}")


if __name__ == "__main__":
    main()
