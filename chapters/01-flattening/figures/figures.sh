#!/usr/bin/env bash
# figures.sh -- chapter 01's figures (run by `make figures`, see common/figures/run.sh):
#   ch01-params.png    first-layer parameters against image side (tutorial: parameter explosion)
#   ch01-channels.png  the probe image and its channels as grey maps
#   ch01-flatten.png   the probe image beside its flattened strip
# The probe is a CIFAR-10 cat when CIFAR-10 is present, else a digit.
set -euo pipefail
source "$FIGLIB"
data=digits
if have_cifar10; then data=cifar10; else echo "  (CIFAR-10 absent: the probe image is a digit; run 'make datasets' for the cat)"; fi
"$FIGDATA" "$WORK" "$DATASETS" "$data"
s=${FIGURE_SUFFIX:-}
gp params.gp 900x560 "$OUT/ch01-params$s.png" "$WORK/params.csv" && made "ch01-params$s.png"
gp channels.gp 1100x330 "$OUT/ch01-channels$s.png" "$WORK" && made "ch01-channels$s.png"
gp flatten.gp 1200x460 "$OUT/ch01-flatten$s.png" "$WORK" && made "ch01-flatten$s.png"
