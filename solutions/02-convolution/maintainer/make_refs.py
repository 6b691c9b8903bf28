#!/usr/bin/python3
"""make_refs.py -- reference outputs for chapter 02, computed by PyTorch.

Writes tests/data/<case>_{x,w,b,y}.npy (float32) for the shapes below, with
y = torch.nn.functional.conv2d(x, w, b) (no padding, stride 1): the output of
a library nobody in this workbook wrote. Students never need to run this; the
.npy files are committed. To regenerate (needs torch and numpy):

    /usr/bin/python3 solutions/02-convolution/maintainer/make_refs.py
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

SEED = 2024

# name: (N, C, H, W, K, R, S, with_bias)
CASES = {
    "single": (1, 1, 6, 7, 1, 3, 2, False),   # step 2.1: one map, rectangular kernel
    "multi": (1, 3, 5, 6, 1, 3, 3, False),    # step 2.2: three channels, one filter
    "batch": (2, 3, 7, 6, 4, 3, 3, True),     # step 2.3: the usual 3x3 layer
    "tall": (1, 2, 8, 5, 3, 4, 2, True),      # tall input, tall kernel
    "full": (3, 1, 5, 4, 2, 5, 4, True),      # kernel as large as the input: 1x1 output
    "pointwise": (2, 4, 6, 9, 5, 1, 1, True), # 1x1 kernel: a per-pixel channel mix
}


def main():
    torch.manual_seed(SEED)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "chapters", "02-convolution", "tests", "data")
    os.makedirs(out, exist_ok=True)
    for name, (n, c, h, w, k, r, s, with_bias) in CASES.items():
        x = torch.rand(n, c, h, w) * 2 - 1
        wt = torch.rand(k, c, r, s) * 2 - 1
        b = torch.rand(k) * 2 - 1 if with_bias else None
        y = F.conv2d(x, wt, b)
        tensors = {"x": x, "w": wt, "y": y}
        if b is not None:
            tensors["b"] = b
        for key, t in tensors.items():
            np.save(os.path.join(out, f"{name}_{key}.npy"), t.numpy().astype(np.float32))
        print(f"{name}: x {list(x.shape)} w {list(wt.shape)} -> y {list(y.shape)}")


if __name__ == "__main__":
    main()
