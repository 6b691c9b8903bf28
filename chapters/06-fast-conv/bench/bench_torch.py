"""bench_torch.py -- chapter 06: PyTorch's CPU conv2d on the benchmark's shapes.

    /usr/bin/python3 bench_torch.py OUT.csv [BUDGET_SECONDS]

Writes one line "shape,threads,median_ms" per shape and thread count (1, 2),
timed like the bench program (given/bench_timing.c): a warm-up call, then
the median of at least 3 calls (more while they fit in the budget).
`make bench` runs it when torch imports and passes the file to the bench
program, which adds the rows to its table and CSV. Students never need
PyTorch: without it the column shows "-".
"""
import statistics
import sys
import time

import torch

SHAPES = [  # name, N, C, H=W, K, kernel, pad, stride (as given/bench_timing.c)
    ("digits-conv1", 64, 1, 8, 8, 3, 1, 1),
    ("digits-conv2", 64, 8, 4, 16, 3, 1, 1),
    ("cifar-conv1", 64, 3, 32, 32, 3, 1, 1),
    ("cifar-conv2", 64, 32, 16, 64, 3, 1, 1),
    ("resnet-like", 8, 64, 56, 64, 3, 1, 1),
    ("strided", 8, 64, 56, 128, 3, 1, 2),
]


def time_conv(x, w, b, pad, stride, budget):
    with torch.no_grad():
        start = time.perf_counter()
        torch.nn.functional.conv2d(x, w, b, stride=stride, padding=pad)
        first = time.perf_counter() - start
        reps = max(3, min(25, int(budget / max(first, 1e-9))))
        times = []
        for _ in range(reps):
            start = time.perf_counter()
            torch.nn.functional.conv2d(x, w, b, stride=stride, padding=pad)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    out = sys.argv[1]
    budget = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    torch.manual_seed(6)
    with open(out, "w") as f:
        for name, n, c, hw, k, rs, pad, stride in SHAPES:
            x = torch.rand(n, c, hw, hw) * 2 - 1
            w = torch.randn(k, c, rs, rs) * (2.0 / (c * rs * rs)) ** 0.5
            b = torch.rand(k) * 0.2 - 0.1
            for threads in (1, 2):
                torch.set_num_threads(threads)
                ms = 1e3 * time_conv(x, w, b, pad, stride, budget)
                f.write(f"{name},{threads},{ms:.4f}\n")
    print(f"  PyTorch {torch.__version__} timings written to {out}")


if __name__ == "__main__":
    main()
