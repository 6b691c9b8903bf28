#!/usr/bin/env bash
# figures.sh -- chapter 06's figures, re-plotted from the last `make bench`
# (this script never runs the benchmark itself: that takes minutes):
#   ch06-gflops.png    GFLOP/s of every implementation on every layer shape
#   ch06-roofline.png  the same runs against the measured roofs: FMA peak and
#                      memory bandwidth x arithmetic intensity
# Reads build/bench/bench.csv (student.csv for a student build) and
# build/bench/machine.csv (MACHINE_CSV: another, as for a BENCH_ISA run); skips both figures with a reason when they are
# missing. Also run by chapters/06-fast-conv/bench/bench.sh after a bench.
set -euo pipefail
source "$FIGLIB"
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
s=${FIGURE_SUFFIX:-}
if [ "${FIGURE_VARIANT:-solution}" = student ]; then default_csv=$root/build/bench/student.csv; else default_csv=$root/build/bench/bench.csv; fi
csv=${BENCH_CSV:-$default_csv}
machine=${MACHINE_CSV:-$(dirname "$csv")/machine.csv}
if [ ! -s "$csv" ] || [ ! -s "$machine" ]; then
    skip_figure "ch06-gflops$s.png" "no benchmark results yet ($csv): run 'make bench' first (about 3 minutes)"
    skip_figure "ch06-roofline$s.png" "no benchmark results yet: run 'make bench' first"
    exit 0
fi
mkdir -p "$WORK"

# One column per implementation and thread count, in the benchmark's order;
# "?" where a shape has no result (gnuplot leaves a gap).
awk -F, '
    NR == 1 { next }
    $19 != "ok" { next }
    {
        key = ($1 == "solution" || $10 == "pytorch" || $10 == "openblas" || $10 == "onednn" || $10 == "naive") ? $10 : $1 "-" $10
        if ($1 == "solution" && FILENAME ~ /student/ && $10 == "fast") key = "reference-fast"
        key = key "-" $11 "t"
        if (!(key in seen)) { seen[key] = 1; keys[++nk] = key }
        if (!($2 in sseen)) { sseen[$2] = 1; shapes[++ns] = $2 }
        v[$2, key] = $14
    }
    END {
        printf "shape"; for (k = 1; k <= nk; k++) printf " %s", keys[k]; printf "\n"
        for (i = 1; i <= ns; i++) {
            printf "%s", shapes[i]
            for (k = 1; k <= nk; k++) printf " %s", ((shapes[i], keys[k]) in v) ? v[shapes[i], keys[k]] : "?"
            printf "\n"
        }
    }' "$csv" > "$WORK/gflops.dat"
ncols=$(head -n 1 "$WORK/gflops.dat" | wc -w | tr -d ' ')   # BSD wc pads with spaces

# Roofline points: intensity and GFLOP/s of naive, fast and the peers.
awk -F, 'NR > 1 && $19 == "ok" && ($10 == "naive" || $10 == "fast" || $10 == "openblas" || $10 == "onednn" || $10 == "pytorch") {
    print $2, $18, $14, $10 "-" $11 "t" }' "$csv" > "$WORK/roofline.dat"
# Where each shape's name goes, beside its conv2d_forward_fast 1-thread point
# (x y name side): shapes of nearly the same intensity (cifar-conv2 and
# strided) would print their names on top of each other, so a shape with a
# neighbour less than 1.6x away in intensity is named beside its point
# instead: the left column of such a cluster to the left, the
# right column to the right, the names of one column stacked at least 1.25x
# apart in GFLOP/s. Side: A under, L left, R right.
# A lone shape is named under the lowest point of its column (whatever is
# lowest there of the points drawn), where nothing else is; above its point the name would
# cover the other implementations' points.
awk '$4 == "fast-1t" { print $2, $3, $1 }' "$WORK/roofline.dat" | sort -k1,1g -k2,2gr |
    awk 'NR == FNR { if ($4 ~ /-2t$/ && $4 != "fast-2t") next; if (!($1 in low) || $3 < low[$1]) low[$1] = $3; next } { print $0, low[$3] }' "$WORK/roofline.dat" - | awk '
    { x[NR] = $1; y[NR] = $2; name[NR] = $3; low[NR] = $4 }
    END {
        # col[i]: the column of point i (points < 1.15x apart share one);
        # cl[i]: its cluster (columns < 1.6x apart share one).
        for (i = 1; i <= NR; i++) {
            col[i] = (i > 1 && x[i] / x[i - 1] < 1.15) ? col[i - 1] : i
            cl[i] = (i > 1 && x[i] / x[i - 1] < 1.6) ? cl[i - 1] : i
            first[cl[i]] = first[cl[i]] ? first[cl[i]] : col[i]
            last[cl[i]] = col[i]
        }
        for (i = 1; i <= NR; i++) {
            if (first[cl[i]] == last[cl[i]] && col[i] == i && !(i < NR && col[i + 1] == col[i])) side = "A"
            else if (col[i] == first[cl[i]]) side = "L"
            else if (col[i] == last[cl[i]]) side = "R"
            else side = "A"
            ly = side == "A" ? low[i] : y[i]
            # the names of one column, GFLOP/s falling: each below the last
            if (col[i] != i && ly > label_y[i - 1] / 1.25) ly = label_y[i - 1] / 1.25
            label_y[i] = ly
            print x[i], ly, name[i], side
        }
    }' > "$WORK/roofline-labels.dat"
peak1=$(awk -F, '$1 == 1 { print $2 }' "$machine"); peak2=$(awk -F, '$1 == 2 { print $2 }' "$machine")
bw1=$(awk -F, '$1 == 1 { print $3 }' "$machine"); bw2=$(awk -F, '$1 == 2 { print $3 }' "$machine")
# The run's machine, for the titles: "CPU, FMA ISA, micro-kernel, date" (an
# older machine.csv without those columns gives an empty line).
run=$(awk -F, '$1 == 1 && NF >= 8 { printf "%s, %s FMA, %s micro-kernel, %s", $7, $4, $6, $8 }' "$machine")

gp "$here/gflops.gp" 1300x560 "$OUT/ch06-gflops$s.png" "$WORK/gflops.dat" "$ncols" "$peak1" \
    "$(head -n 1 "$WORK/gflops.dat")" "$run" \
    && made "ch06-gflops$s.png"
gp "$here/roofline.gp" 1200x640 "$OUT/ch06-roofline$s.png" "$WORK/roofline.dat" "$peak1" "$peak2" "$bw1" "$bw2" "$run" \
    "$WORK/roofline-labels.dat" \
    && made "ch06-roofline$s.png"
