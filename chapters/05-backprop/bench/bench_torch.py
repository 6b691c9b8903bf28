#!/usr/bin/env python3
"""bench_torch.py -- PyTorch's training speed on chapter 05's models, for
comparison with the workbook's (run by bench.sh; needs python3-torch).

    bench_torch.py MODEL C H W BATCH IMAGES THREADS

Builds the same network as model.c (mlp or cnn, same layer sizes), trains it
with SGD (momentum 0.9, weight decay 5e-4) on IMAGES random images of shape
[C,H,W] in batches of BATCH, and prints "images/s <number>" for the timed
part (after one warm-up batch). Random pixels are enough: speed does not
depend on what the pictures show.
"""
import sys
import time

import torch
import torch.nn as nn


def build(model, c, h, w):
    if model == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(c * h * w, 512), nn.ReLU(),
                             nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))
    c1, c2 = (8, 16) if h <= 8 and w <= 8 else (32, 64)
    return nn.Sequential(nn.Conv2d(c, c1, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(c1, c2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(c2 * (h // 4) * (w // 4), 64), nn.ReLU(),
                         nn.Linear(64, 10))


def main():
    model, c, h, w, batch, images, threads = sys.argv[1], *map(int, sys.argv[2:])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net = build(model, c, h, w)
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    x = torch.rand(images, c, h, w)
    y = torch.randint(0, 10, (images,))
    loss_fn = nn.CrossEntropyLoss()

    def step(i):
        opt.zero_grad()
        loss = loss_fn(net(x[i:i + batch]), y[i:i + batch])
        loss.backward()
        opt.step()

    step(0)
    t0 = time.perf_counter()
    for i in range(0, images, batch):
        step(i)
    print("images/s %.0f" % (images / (time.perf_counter() - t0)))


if __name__ == "__main__":
    main()
