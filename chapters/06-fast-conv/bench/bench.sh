#!/usr/bin/env bash
# bench.sh -- chapter 06's `make bench`: one run, one table, one CSV, two
# figures.
#
#   chapters/06-fast-conv/bench/bench.sh BIN VARIANT [REFERENCE_BIN]
#
# BIN is the bench program (build/assembled/<variant>/bin/bench). VARIANT
# is "solution" (the reference: CSV build/bench/bench.csv, figures in
# docs/figures) or "student" (your chapter 06: build/bench/student.csv and
# figures beside it); a student run also times the reference solution's
# conv2d_forward_fast (REFERENCE_BIN) so both sit in one table.
#
# PyTorch is timed first when /usr/bin/python3 imports torch. OpenBLAS picks
# its kernels for this CPU: an OPENBLAS_CORETYPE in the environment (which
# would force e.g. the AVX2 "Haswell" kernels) is removed unless
# BENCH_KEEP_CORETYPE=1. BENCH_BUDGET (seconds per measurement, default 1)
# trades time for steadier medians. BENCH_ISA=avx2 (set by `make bench
# BENCH_ISA=avx2`, with the environment that holds every implementation to
# AVX2) writes its CSV and figures as build/bench/*-avx2.*, never over the
# lesson's.
set -euo pipefail
bin=${1:?usage: bench.sh BIN VARIANT [REFERENCE_BIN]}
variant=${2:?usage: bench.sh BIN VARIANT [REFERENCE_BIN]}
ref=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=$root/build/bench
mkdir -p "$out"
budget=${BENCH_BUDGET:-1}
if [ "${BENCH_KEEP_CORETYPE:-0}" != 1 ] && [ -n "${OPENBLAS_CORETYPE:-}" ]; then
    echo "(unsetting OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE so OpenBLAS uses its best kernels; BENCH_KEEP_CORETYPE=1 keeps it)"
    unset OPENBLAS_CORETYPE
fi
# An AVX2 view needs a CPU that runs AVX2: say so before PyTorch's minute.
if [ "${BENCH_ISA:-}" = avx2 ]; then
    case $(uname -m) in
        x86_64 | amd64) ;;
        *) echo "bench: BENCH_ISA=avx2 needs an x86-64 CPU with AVX2; this one is $(uname -m)" >&2; exit 2 ;;
    esac
    if [ -r /proc/cpuinfo ] && ! grep -qw avx2 /proc/cpuinfo; then
        echo "bench: BENCH_ISA=avx2 needs a CPU with AVX2; this one has none (/proc/cpuinfo)" >&2
        exit 2
    fi
fi
if [ "$variant" = student ]; then csv=$out/student.csv; figs=$out; suffix=-student; else csv=$out/bench.csv; figs=$root/docs/figures; suffix=; fi
if [ -n "${BENCH_ISA:-}" ]; then csv=${csv%.csv}-$BENCH_ISA.csv; figs=$out; suffix=$suffix-$BENCH_ISA; fi

peer=()
if /usr/bin/python3 -c "import torch" 2>/dev/null; then
    /usr/bin/python3 "$here/bench_torch.py" "$out/torch.csv" "$budget" && peer=(--peer-csv "$out/torch.csv")
else
    echo "(PyTorch not installed: no PyTorch column)"
fi
status=0
"$bin" --csv "$csv" --machine-csv "$out/machine${BENCH_ISA:+-$BENCH_ISA}.csv" --variant "$variant" --budget "$budget" ${peer[@]+"${peer[@]}"} || status=$?
if [ -n "$ref" ] && [ "$status" -le 2 ]; then
    echo
    echo "The reference solution's conv2d_forward_fast, same run, for comparison:"
    "$ref" --csv "$out/reference${BENCH_ISA:+-$BENCH_ISA}.csv" --variant solution --only fast --budget "$budget" | sed -n '/^Summary/,$p'
    tail -n +2 "$out/reference${BENCH_ISA:+-$BENCH_ISA}.csv" >> "$csv"
fi
echo
FIGLIB=$root/common/figures/lib.sh OUT=$figs WORK=$out FIGURE_SUFFIX=$suffix BENCH_CSV=$csv \
    MACHINE_CSV=$out/machine${BENCH_ISA:+-$BENCH_ISA}.csv \
    "$root/chapters/06-fast-conv/figures/figures.sh"
exit "$status"
