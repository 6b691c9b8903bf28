#!/usr/bin/env bash
# run.sh -- `make figures`: every chapter's figures, drawn by your workbook.
#
#   common/figures/run.sh [student|solution] [NN...]
#
# The figure programs come from `make programs` (build/assembled/<variant>/
# bin): your code for every chapter you have started, the reference for the
# others (solution: the reference throughout). When every chapter is the
# reference -- SOLUTION=1, or an untouched checkout -- the figures are the
# tutorial's and go to docs/figures/; once any chapter is yours they go to
# build/figures/yours/ (models trained by your network beside them), and the
# run says so. Each chapter receives FIGDATA, BIN, OUT, WORK, MODELS, DATASETS
# and FIGLIB; a chapter whose figures need an absent dataset says why it skips
# them; any other failure stops the run.
set -euo pipefail
cd "$(dirname "$0")/../.." || exit 2
root=$PWD
variant=student
case "${1:-}" in student|solution) variant=$1; shift ;; esac
build=${BUILD:-build}
sources=$build/assembled/$variant/sources.mk
bin=$root/$build/assembled/$variant/bin
[ -f "$sources" ] && [ -x "$bin/train" ] ||
    { echo "figures: the programs are not built: make programs${variant/student/}${variant/solution/ SOLUTION=1}" >&2; exit 1; }
if grep -q ' := chapters/' "$sources"; then
    export FIGURE_VARIANT=student MODELS="$root/build/figures/yours/models"
    default_out=$root/build/figures/yours
    echo "Your chapters draw these figures (into build/figures/yours/; SOLUTION=1 draws the tutorial's into docs/figures/):"
    grep ' := chapters/' "$sources" | sed -E 's/^SRC_([0-9][0-9])-.*/  chapter \1 is yours/'
else
    export FIGURE_VARIANT=solution MODELS="$root/build/models"
    default_out=$root/docs/figures
fi
export OUT="${FIGURES_OUT:-$default_out}" DATASETS="$root/datasets" FIGLIB="$root/common/figures/lib.sh" BIN=$bin
export FIGURE_SUFFIX=""
mkdir -p "$OUT" "$MODELS"
status=0
for dir in chapters/[0-9][0-9]-*; do
    slug=${dir#chapters/}
    ch=${slug%%-*}
    [ -x "$dir/figures/figures.sh" ] || continue
    if [ $# -gt 0 ] && [[ " $* " != *" $ch "* ]]; then continue; fi
    echo "Chapter $ch figures:"
    export FIGDATA="$bin/figdata-$ch" WORK="$root/build/figures/work/$variant/$slug"
    mkdir -p "$WORK"
    (cd "$dir/figures" && ./figures.sh) || { echo "  chapter $ch's figures failed"; status=1; }
done
exit $status
