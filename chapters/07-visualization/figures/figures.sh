#!/usr/bin/env bash
# figures.sh -- chapter 07's figures (run by `make figures`, see common/figures/run.sh):
#   ch07-digits-filters.png     the 8 conv1 filters of the digits CNN           (tutorial fig. 12)
#   ch07-digits-maps.png        their 8 feature maps beside a held-out digit    (fig. 13)
#   ch07-top-patches.png        each digits filter's 8 favourite test patches   (Zeiler-Fergus)
#   ch07-cifar-classes.png      one CIFAR-10 test image per class, labelled     (fig. 1)
#   ch07-cifar-filters.png      the 32 RGB conv1 filters of the CIFAR CNN       (fig. 10):
#                               before and after training, and what each answers to
#   ch07-cifar-maps.png         their 32 feature maps on a CIFAR test cat       (fig. 11)
#   ch07-cifar-top-patches.png  8 CIFAR filters' favourite test patches
# The filters come from the CNN your network trains (`train --reuse`: a
# finished run with the same settings, layers and code is not trained again,
# so a second run takes seconds), in MODELS (set by run.sh: build/models for
# the reference, build/figures/yours/models once a chapter is yours).
set -euo pipefail
source "$FIGLIB"
root=$(cd ../../.. && pwd)
s=${FIGURE_SUFFIX:-}
font=(-font DejaVu-Sans -pointsize 15)
MODELS=${MODELS:?run by common/figures/run.sh, which sets MODELS}

# weights DATA: prints MODELS/DATA-cnn after making sure it holds a finished
# run of this build's network (training it otherwise).
weights() {
    local data=$1 dir=$MODELS/$1-cnn
    if [ -z "${MODELS_FIXED:-}" ]; then
        "$BIN/train" --model cnn --data "$data" --datasets "$DATASETS" --out "$dir" --reuse \
            >"$WORK/train-$data.log" 2>&1 || { echo "  training failed (see $WORK/train-$data.log)" >&2; return 1; }
        grep -q "reusing" "$WORK/train-$data.log" || echo "  trained the $data CNN for its filters ($(tail -n 1 "$WORK/train-$data.log"))" >&2
    fi
    [ -f "$dir/conv1.weight.npy" ] || { echo "  no trained weights in $dir" >&2; return 1; }
    echo "$dir"
}

# filter_count DIR: K of DIR/conv1.weight.npy [K,C,R,S], read from the .npy header.
# The header starts with the byte 0x93, not text in a UTF-8 locale: there
# GNU sed's .* stops before it (and leaves it in the output, a stray byte in
# the figure's label) and macOS's sed stops with "illegal byte sequence". In
# the C locale every byte is a character.
filter_count() {
    head -c 128 "$1/conv1.weight.npy" | LC_ALL=C tr -d '\0' | LC_ALL=C sed -n "s/^.*'shape': (\([0-9]*\),.*\$/\1/p"
}

# big IN OUT PERCENT: a nearest-neighbour enlargement (no blur between pixels).
big() { to_png "$1" "$2" -filter point -scale "$3%"; }

# plain_filters DIR NAME SCALE COLS: the filters, each tile on its own min-max range.
plain_filters() {
    local dir=$1 name=$2 fscale=$3 cols=$4
    "$FIGDATA" filters "$dir" "$WORK/$name-filters.pnm" "$fscale" "$cols"
    to_png "$WORK/$name-filters.pnm" "$WORK/$name-filters.png"
    tile "$OUT/ch07-$name-filters$s.png" 1 -geometry +14+8 -background white "${font[@]}" -- \
        -label "$(filter_count "$dir") learned conv1 filters, filter 0 top left\nblack = a tile's smallest weight, white = its largest" \
        "$WORK/$name-filters.png"
}

# three_views DIR DATA NAME SCALE COLS: the filters before and after training
# and the pattern each answers to, zero mid-grey (figdata weights).
three_views() {
    local dir=$1 data=$2 name=$3 fscale=$4 cols=$5 k cosine
    rm -f "$WORK/$name-view-"*
    cosine=$("$FIGDATA" weights "$dir" "$data" "$DATASETS" "$WORK/$name-view" "$fscale" "$cols")
    echo "  $data: $cosine" >&2
    for v in start trained patterns; do to_png "$(echo "$WORK/$name-view-$v."p?m)" "$WORK/$name-view-$v.png"; done
    k=$(filter_count "$dir")
    tile "$OUT/ch07-$name-filters$s.png" 1 -geometry +14+8 -background white "${font[@]}" -- \
        -label "the $k conv1 filters before training (random, the run's seed), filter 0 top left" "$WORK/$name-view-start.png" \
        -label "the same $k filters after training (0 grey, + bright, - dark, per colour)" "$WORK/$name-view-trained.png" \
        -label "what each trained filter answers to (its pattern: patch covariance x weights)" \
        "$WORK/$name-view-patterns.png"
}

# filters_and_maps DATA NAME CLASS FILTER_SCALE MAP_SCALE COLS INPUT_PERCENT
# (the digits' 1-channel filters read as they are; CIFAR's RGB ones need the
# three views, chapter 07's README section 3 says why)
filters_and_maps() {
    local data=$1 name=$2 class=$3 fscale=$4 mscale=$5 cols=$6 ipct=$7 dir n cosine
    dir=$(weights "$data") || return 1
    if [ "$data" = digits ]; then
        plain_filters "$dir" "$name" "$fscale" "$cols"
        # the figure shows the trained filters alone; how far they moved from their start:
        cosine=$("$FIGDATA" weights "$dir" "$data" "$DATASETS" "$WORK/$name-view" "$fscale" "$cols")
        echo "  $data: $cosine" >&2
    else
        three_views "$dir" "$data" "$name" "$fscale" "$cols"
    fi
    made "ch07-$name-filters$s.png"
    rm -f "$WORK/$name-input."p?m
    n=$("$FIGDATA" maps "$dir" "$data" "$DATASETS" "$class" "$WORK/$name" "$mscale" "$cols")
    big "$(echo "$WORK/$name-input."p?m)" "$WORK/$name-input.png" "$ipct"
    to_png "$WORK/$name-maps.pgm" "$WORK/$name-maps.png"
    tile "$OUT/ch07-$name-maps$s.png" 2 -geometry +14+8 -background white "${font[@]}" -- \
        -label "input: test image $n" "$WORK/$name-input.png" \
        -label "its conv1 feature maps (after ReLU), filter 0 top left" "$WORK/$name-maps.png"
    made "ch07-$name-maps$s.png"
}

# top_patches DATA NAME OUTFILE NFILTERS SIDE SCALE: one labelled strip per filter.
top_patches() {
    local data=$1 name=$2 outfile=$3 nf=$4 side=$5 scale=$6 dir f
    dir=$(weights "$data") || return 1
    rm -f "$WORK/$name-patch-"*
    "$FIGDATA" patches "$dir" "$data" "$DATASETS" "$nf" 8 "$side" "$scale" "$WORK/$name-patch" \
        >"$WORK/$name-patches.txt"
    local args=()
    for ((f = 0; f < nf; f++)); do
        to_png "$(echo "$WORK/$name-patch-f$(printf %02d "$f")."p?m)" "$WORK/$name-patch-$f.png"
        args+=(-label "filter $f: its 8 strongest test images" "$WORK/$name-patch-$f.png")
    done
    tile "$OUT/$outfile" 2 -geometry +14+6 -background white "${font[@]}" -- ${args[@]+"${args[@]}"}
    made "$outfile"
}

# digits: always possible (the data ships with the workbook).
filters_and_maps digits digits -1 40 16 4 1600
top_patches digits digits "ch07-top-patches$s.png" 8 5 10

# CIFAR-10: only when `make datasets` has fetched it.
if ! have_cifar10; then
    for f in classes filters maps top-patches; do
        skip_figure "ch07-cifar-$f$s.png" "CIFAR-10 is absent (run: make datasets) or FIGURES_NO_CIFAR=1"
    done
    exit 0
fi
rm -f "$WORK/cifar-class-"*
# One class name a line, image k beside name k (a file, not mapfile: bash 3.2
# on macOS has none, and a failing program stops the script here).
"$FIGDATA" classes cifar10 "$DATASETS" "$WORK/cifar-class" >"$WORK/cifar-classes.txt"
args=() k=0
while IFS= read -r class_name; do
    big "$WORK/cifar-class-$(printf %02d "$k").ppm" "$WORK/cifar-class-$k.png" 400
    args+=(-label "$class_name" "$WORK/cifar-class-$k.png")
    k=$((k + 1))
done <"$WORK/cifar-classes.txt"
[ "$k" -gt 0 ] || { echo "  figdata-07 classes printed no class names" >&2; exit 1; }
tile "$OUT/ch07-cifar-classes$s.png" 5 -geometry +8+6 -background white "${font[@]}" -- ${args[@]+"${args[@]}"}
made "ch07-cifar-classes$s.png"
filters_and_maps cifar10 cifar 3 24 4 8 800
top_patches cifar10 cifar "ch07-cifar-top-patches$s.png" 8 7 6
