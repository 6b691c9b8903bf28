#!/usr/bin/env bash
# figures.sh -- chapter 08's figures (run by `make figures`, see common/figures/run.sh):
#   ch08-batchnorm.png  training loss and test accuracy per epoch: the CNN, + batch norm,
#                       + augmentation (the three runs of `realworld` on digits)
#   ch08-augment.png    four training digits, each followed by 8 augmented copies
#                       (shifts of up to 1 pixel, as `realworld` trains them)
#   ch08-transfer.png   test accuracy on digits 5-9 against labels per class: from
#                       scratch, linear probe, fine-tuning (the same `realworld` run)
# Digits only: CIFAR-10's runs take minutes (make realworld DATA=cifar10).
set -euo pipefail
source "$FIGLIB"
here=$(cd "$(dirname "$0")" && pwd)
s=${FIGURE_SUFFIX:-}
runs=$MODELS/realworld
"$BIN/realworld" --data digits --datasets "$DATASETS" --models "$runs" >"$WORK/realworld.txt" 2>"$WORK/realworld.log" ||
    { echo "  realworld failed (see $WORK/realworld.log)" >&2; exit 1; }
sed 's/^/  /' "$WORK/realworld.txt"
gp "$here/curves.gp" 1100x420 "$OUT/ch08-batchnorm$s.png" "$runs" digits && made "ch08-batchnorm$s.png"
gp "$here/transfer.gp" 800x480 "$OUT/ch08-transfer$s.png" "$runs/digits-transfer.csv" digits && made "ch08-transfer$s.png"
rm -f "$WORK"/aug-*.pgm "$WORK"/aug-*.png
"$FIGDATA" augment digits "$DATASETS" 4 8 1 0 8 "$WORK/aug"
for f in "$WORK"/aug-*.pgm; do to_png "$f" "${f%.pgm}.png" -filter point -scale 1000%; done
tile "$OUT/ch08-augment$s.png" 9 -geometry +4+4 -background white -- "$WORK"/aug-*.png && made "ch08-augment$s.png"
