#!/usr/bin/env bash
# figures.sh -- chapter 05's figures (run by `make figures`, see common/figures/run.sh):
#   ch05-verdict.png  training loss of the MLP (red) and CNN (green), test accuracy bars
#   ch05-probe.png    how sure each model is over the whole test set (the
#                     probability of the true class, the entropy), and one
#                     typical test image with both models' class probabilities
# On CIFAR-10 when it is present (the tutorial's figures), else on digits.
# The models come from `verdict --reuse`: a finished run in build/models with
# the same settings (summary.txt) is used again instead of retrained, so a
# second `make figures` takes seconds. Delete build/models/<data>-* to retrain.
set -euo pipefail
source "$FIGLIB"
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
bin=$BIN
# MODELS (set by run.sh): build/models, where `make train`/`make verdict`
# keep the reference's runs, or build/figures/yours/models for your network.
models=$MODELS
data=digits
if have_cifar10; then data=cifar10; else echo "  (CIFAR-10 absent: the verdict figures use digits; run 'make datasets' for CIFAR-10)"; fi
"$bin/verdict" --data "$data" --datasets "$DATASETS" --models "$models" --reuse > "$WORK/verdict.txt"
cat "$WORK/verdict.txt" | sed 's/^/  /'
"$FIGDATA" "$WORK" "$DATASETS" "$data" "$models"
s=${FIGURE_SUFFIX:-}
gp "$here/verdict.gp" 1100x440 "$OUT/ch05-verdict$s.png" "$WORK" "$models/$data-verdict.csv" && made "ch05-verdict$s.png"
gp "$here/probe.gp" 1200x820 "$OUT/ch05-probe$s.png" "$WORK" && made "ch05-probe$s.png"
