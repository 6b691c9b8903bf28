#!/usr/bin/python3
"""make_refs.py -- reference outputs for chapter 03, computed by PyTorch.

For each case below writes tests/data/<case>_{x,w,b,y}.npy (float32) with
y = torch.nn.functional.conv2d(x, w, b, stride=(sh, sw), padding=(ph, pw)),
and tests/data/cases.txt listing every case (the tests read it, so a case
added here is tested without touching C). Students never need to run this;
the .npy files are committed. To regenerate (needs torch and numpy):

    /usr/bin/python3 solutions/03-padding-stride/maintainer/make_refs.py
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

SEED = 2025

# name: (N, C, H, W, K, R, S, pad_h, pad_w, stride_h, stride_w)
CASES = {
    # square kernels, square padding and stride
    "valid3": (2, 2, 7, 7, 3, 3, 3, 0, 0, 1, 1),     # chapter 02's case
    "same3": (2, 2, 7, 7, 3, 3, 3, 1, 1, 1, 1),      # 'same': 7x7 stays 7x7
    "same3s2": (2, 2, 8, 8, 3, 3, 3, 1, 1, 2, 2),    # padding 1, stride 2: halves 8 to 4
    "odd3s2": (1, 3, 7, 7, 2, 3, 3, 1, 1, 2, 2),     # 7 -> floor(6/2)+1 = 4
    "same5": (1, 2, 9, 9, 2, 5, 5, 2, 2, 1, 1),      # 5x5 needs padding 2 to keep 9x9
    "pad5s3": (2, 1, 9, 9, 2, 5, 5, 2, 2, 3, 3),     # floor(8/3)+1 = 3
    "s3k2": (1, 2, 9, 9, 2, 2, 2, 0, 0, 3, 3),       # stride larger than the kernel: skips pixels
    "big_pad": (1, 1, 4, 4, 2, 3, 3, 2, 2, 1, 1),    # more padding than 'same': the output grows
    "k_eq_padded": (1, 2, 3, 3, 2, 5, 5, 1, 1, 1, 1),  # kernel exactly as large as the padded input
    # rectangular inputs, kernels, padding and strides
    "rect_k": (2, 2, 7, 9, 3, 3, 5, 1, 2, 1, 1),     # 3x5 kernel, 'same' in both directions
    "rect_s": (1, 3, 8, 7, 2, 2, 3, 0, 1, 2, 1),     # stride 2 down, 1 across
    "rect_all": (2, 2, 10, 6, 3, 5, 3, 2, 0, 3, 2),  # everything different per direction
    "wide": (1, 2, 5, 11, 4, 3, 3, 2, 1, 2, 3),      # pad 2 rows, 1 column; stride 2 down, 3 across
}


def main():
    torch.manual_seed(SEED)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "chapters", "03-padding-stride", "tests", "data")
    os.makedirs(out, exist_ok=True)
    lines = ["# name N C H W K R S pad_h pad_w stride_h stride_w (written by make_refs.py)"]
    for name, (n, c, h, w, k, r, s, ph, pw, sh, sw) in CASES.items():
        x = torch.rand(n, c, h, w) * 2 - 1
        wt = torch.rand(k, c, r, s) * 2 - 1
        b = torch.rand(k) * 2 - 1
        y = F.conv2d(x, wt, b, stride=(sh, sw), padding=(ph, pw))
        for key, t in {"x": x, "w": wt, "b": b, "y": y}.items():
            np.save(os.path.join(out, f"{name}_{key}.npy"), t.numpy().astype(np.float32))
        lines.append(f"{name} {n} {c} {h} {w} {k} {r} {s} {ph} {pw} {sh} {sw}")
        print(f"{name}: x {list(x.shape)} w {list(wt.shape)} pad ({ph},{pw}) "
              f"stride ({sh},{sw}) -> y {list(y.shape)}")
    with open(os.path.join(out, "cases.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
