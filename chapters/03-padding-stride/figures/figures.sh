#!/usr/bin/env bash
# figures.sh -- chapter 03's figure (run by `make figures`, see common/figures/run.sh):
#   ch03-padding-stride.png  no padding stride 1, padding 1 stride 1, padding 1
#                            stride 2 on the 5x5 example: padded input, output, sizes
set -euo pipefail
source "$FIGLIB"
"$FIGDATA" "$WORK"
s=${FIGURE_SUFFIX:-}
gp padding_stride.gp 1500x820 "$OUT/ch03-padding-stride$s.png" "$WORK" && made "ch03-padding-stride$s.png"
