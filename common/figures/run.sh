#!/usr/bin/env bash
# run.sh -- `make figures`: every chapter's figures, into docs/figures/.
#
#   common/figures/run.sh [--student] [NN...]
#
# Builds each chapter's programs (from solutions/, or from the student's
# chapters/ with --student) and runs chapters/NN-slug/figures/figures.sh with
# FIGDATA, OUT, WORK, DATASETS and FIGLIB set. A chapter whose figures need an
# absent dataset prints why it skipped them; any other failure stops the run.
set -euo pipefail
cd "$(dirname "$0")/../.." || exit 2
root=$PWD
variant=solution src_root=solutions suffix=""
if [ "${1:-}" = --student ]; then variant=student src_root=chapters suffix="-student"; shift; fi
build=build
export OUT="${FIGURES_OUT:-$root/docs/figures}" DATASETS="$root/datasets" FIGLIB="$root/common/figures/lib.sh"
export FIGURE_SUFFIX=$suffix FIGURE_VARIANT=$variant
mkdir -p "$OUT"
status=0
for dir in chapters/[0-9][0-9]-*; do
    slug=${dir#chapters/}
    [ -x "$dir/figures/figures.sh" ] || continue
    if [ $# -gt 0 ] && [[ " $* " != *" ${slug%%-*} "* ]]; then continue; fi
    echo "Chapter ${slug%%-*} figures ($variant):"
    out="$build/$variant/$slug"
    if ! make -s -f grader/chapter.mk CHAPTER="$slug" SRC="$src_root/$slug" OUT="$out" programs >"$build/figures-$slug.log" 2>&1; then
        echo "  could not build chapter ${slug%%-*}'s programs (see $build/figures-$slug.log)"; status=1; continue
    fi
    export FIGDATA="$root/$out/bin/figdata" BIN="$root/$out/bin" WORK="$root/build/figures/$slug$suffix"
    mkdir -p "$WORK"
    (cd "$dir/figures" && ./figures.sh) || { echo "  chapter ${slug%%-*}'s figures failed"; status=1; }
done
exit $status
