#!/usr/bin/env bash
# bench.sh -- chapter 05's training speed: images per second of the MLP and
# the CNN trained by the workbook (the `train` program), beside the same
# models in PyTorch (bench/bench_torch.py) when python3-torch is installed.
#
#   chapters/05-backprop/bench/bench.sh BIN [DATA]     (make train-bench)
#
# BIN is the folder holding `train`. DATA is digits (default), or
# cifar10 / fashion-mnist when present; large datasets are benchmarked on
# their first 5,120 training images (the speed per image does not change).
# THREADS (default 1) sets the threads of both; BATCHES="32 64" times each
# of those batch sizes (default: the workbook's batch for that model).
#
# PyTorch runs with glibc's allocator told to keep freed memory for reuse
# (MALLOC_MMAP_THRESHOLD_ and MALLOC_TRIM_THRESHOLD_), the hint the
# workbook's programs give themselves (common/memory.h): without it every
# fresh tensor of a training step costs page faults, and PyTorch runs two to
# three times slower here. Both sides get the same allocator.
# A benchmark, not a test: the numbers depend on the machine and its load.
set -euo pipefail
bin=${1:?usage: bench.sh BIN [DATA]}
data=${2:-digits}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
threads=${THREADS:-1}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/cnn-bench.XXXXXX"); trap 'rm -rf "$scratch"' EXIT
case $data in
    digits) shape="1 8 8" limit=1437 epochs=5 ;;
    fashion-mnist) shape="1 28 28" limit=5120 epochs=1 ;;
    cifar10) shape="3 32 32" limit=5120 epochs=1 ;;
    *) echo "bench: unknown dataset '$data'" >&2; exit 2 ;;
esac
torch=0
if /usr/bin/python3 -c "import torch" 2>/dev/null; then torch=1; fi
printf "Training speed on %s, %s thread(s), images per second (higher is better)\n\n" "$data" "$threads"
printf "  %-5s %6s %14s %14s\n" model batch workbook PyTorch
for model in mlp cnn; do
    for batch in ${BATCHES:-default}; do
        opt=(); [ "$batch" = default ] || opt=(--batch "$batch")
        line=$("$bin/train" --model "$model" --data "$data" --epochs "$epochs" --threads "$threads" --layers fast \
               --train-limit "$limit" --datasets "$root/datasets" --out "$scratch/$model" ${opt[@]+"${opt[@]}"} 2>/dev/null) || {
            echo "  $model: training failed (is $data present? make datasets)"; continue; }
        # train's last line: "... s of training, 7204 images/s at batch 16 -> DIR"
        ours=$(sed -n 's/.*s of training, \([0-9]*\) images\/s at batch \([0-9]*\).*/\1/p' <<<"$line")
        batch=$(sed -n 's/.*s of training, \([0-9]*\) images\/s at batch \([0-9]*\).*/\2/p' <<<"$line")
        theirs="(no torch)"
        if [ $torch = 1 ]; then
            # shellcheck disable=SC2086
            theirs=$(MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=1073741824 \
                     /usr/bin/python3 "$here/bench_torch.py" "$model" $shape "$batch" "$((limit * epochs))" "$threads" | awk '{print $2}')
        fi
        printf "  %-5s %6s %14s %14s\n" "$model" "$batch" "$ours" "$theirs"
    done
done
