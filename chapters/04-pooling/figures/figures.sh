#!/usr/bin/env bash
# figures.sh -- chapter 04's figure: docs/figures/ch04-pooling.png, the
# lesson's 4x4 example reduced by 2x2 max pooling and 2x2 average pooling.
# Run by `make figures` (common/figures/run.sh), which sets FIGDATA, OUT,
# WORK and FIGLIB; FIGDATA runs the chapter's pooling code on the example.
set -euo pipefail
# shellcheck source=/dev/null
source "$FIGLIB"

name="ch04-pooling${FIGURE_SUFFIX:-}.png"
"$FIGDATA" "$WORK"
gp ch04-pooling.gp 1100x470 "$OUT/$name" \
    "$WORK/ch04-input.csv" "$WORK/ch04-max.csv" "$WORK/ch04-avg.csv"
made "$name"
