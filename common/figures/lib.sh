# lib.sh -- helpers for the chapters' figures.sh scripts (source it).
#
# run.sh sets FIGDATA, OUT, WORK, DATASETS and FIGLIB before a chapter's
# figures.sh runs; this file adds:
#
#   gp SCRIPT WxH OUT.png [ARGS...]  run a gnuplot script with the pngcairo
#                                    terminal and style.gp; ARGS are ARG1...
#   to_png IN OUT.png [OPTIONS...]   ImageMagick convert, metadata stripped
#   tile OUT.png COLUMNS [montage options...] -- FILES...
#                                    ImageMagick montage of image files
#   skip_figure NAME REASON          say why a figure is not made
#   made NAME                        say that a figure was written
#   have_cifar10                     true when CIFAR-10 binary batches exist
#
# Figures go to $OUT (docs/figures, or FIGURES_OUT); a name gets
# $FIGURE_SUFFIX ("-student" with STUDENT=1) before .png.
#
# PNG files carry no timestamps, so a second `make figures` writes the same
# bytes as the first.

FIGSTYLE="$(dirname "${BASH_SOURCE[0]}")/style.gp"

# The real ImageMagick, even when another `convert` shadows it on PATH.
find_imagemagick() { # find_imagemagick convert|montage
    local c
    for c in "magick $1" "$1-im6.q16" "/usr/bin/$1" "$1"; do
        # shellcheck disable=SC2086
        if $c -version 2>/dev/null | grep ImageMagick >/dev/null; then echo "$c"; return 0; fi
    done
    return 1
}
CONVERT=${CONVERT:-$(find_imagemagick convert)}
MONTAGE=${MONTAGE:-$(find_imagemagick montage)}
export CONVERT MONTAGE CNN_CONVERT="${CNN_CONVERT:-$CONVERT}"

PNG_CLEAN=(-strip -define png:exclude-chunks=date,time)

gp() {
    local script=$1 size=$2 out=$3; shift 3
    local w=${size%x*} h=${size#*x}
    gnuplot -e "set terminal pngcairo enhanced font 'DejaVu Sans,11' size $w,$h; set output '$out'; load '$FIGSTYLE'" \
        -c "$script" "$@" || { echo "  gnuplot failed on $script" >&2; return 1; }
}

to_png() {
    local in=$1 out=$2; shift 2
    # shellcheck disable=SC2086
    $CONVERT "$in" "$@" "${PNG_CLEAN[@]}" "$out"
}

tile() {
    local out=$1 cols=$2; shift 2
    local opts=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
    shift
    # ${opts[@]+...}: bash 3.2 (macOS) calls an empty array unbound under set -u.
    # shellcheck disable=SC2086
    $MONTAGE "$@" -tile "${cols}x" ${opts[@]+"${opts[@]}"} "${PNG_CLEAN[@]}" "$out"
}

skip_figure() { echo "  skipped $1: $2"; }
# The path printed is relative to the repository when OUT lies inside it.
made() {
    local dir=${OUT:-docs/figures} root
    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
    echo "  wrote ${dir#"$root"/}/$1"
}
# FIGURES_NO_CIFAR=1 pretends CIFAR-10 is absent (make test checks the
# digits figures that way, in seconds).
have_cifar10() { [ "${FIGURES_NO_CIFAR:-0}" != 1 ] && [ -f "$DATASETS/cifar-10-batches-bin/test_batch.bin" ]; }
