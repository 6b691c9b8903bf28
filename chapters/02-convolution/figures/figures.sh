#!/usr/bin/env bash
# figures.sh -- chapter 02's figure (run by `make figures`, see common/figures/run.sh):
#   ch02-conv-step.png  the 5x5 input, the 3x3 vertical-edge kernel and the
#                       3x3 output, values in every cell, one window highlighted
set -euo pipefail
source "$FIGLIB"
"$FIGDATA" "$WORK"
s=${FIGURE_SUFFIX:-}
gp conv_step.gp 1200x520 "$OUT/ch02-conv-step$s.png" "$WORK" && made "ch02-conv-step$s.png"
