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
# TRAIN_BENCH_ROUNDS (default 3) interleaved rounds: workbook, PyTorch,
# workbook, PyTorch, ...; the ratio column is taken round by round.
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
# Interleaved rounds: each round trains the workbook's model and then
# PyTorch's, so a drift of the machine (another job, a clock change) moves
# both sides of a round's ratio alike. The table gives each side's median
# images/s and the median (min-max) of the per-round ratios.
rounds=${TRAIN_BENCH_ROUNDS:-3}
case $rounds in
    [1-9]) ;;
    *) echo "bench: TRAIN_BENCH_ROUNDS=$rounds: expected a whole number from 1 to 9" >&2; exit 2 ;;
esac
# median of the numbers given; "min-max" with range
median() { tr ' ' '\n' <<<"$*" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
range() { tr ' ' '\n' <<<"$*" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "-" hi }'; }
printf "Training speed on %s, %s thread(s), images per second (higher is better), %s interleaved round(s)\n\n" \
    "$data" "$threads" "$rounds"
printf "  %-5s %6s %10s %10s   %s\n" model batch workbook PyTorch "workbook / PyTorch, per round: median (min-max)"
for model in mlp cnn; do
    for batch in ${BATCHES:-default}; do
        opt=(); [ "$batch" = default ] || opt=(--batch "$batch")
        ours_all=() theirs_all=() ratios=() failed=0
        for ((round = 0; round < rounds; round++)); do
            line=$("$bin/train" --model "$model" --data "$data" --epochs "$epochs" --threads "$threads" --layers fast \
                   --train-limit "$limit" --datasets "$root/datasets" --out "$scratch/$model" ${opt[@]+"${opt[@]}"} 2>/dev/null) || {
                failed=1; break; }
            # train's last line: "... s of training, 7204 images/s at batch 16 -> DIR"
            ours=$(sed -n 's/.*s of training, \([0-9]*\) images\/s at batch \([0-9]*\).*/\1/p' <<<"$line")
            used=$(sed -n 's/.*s of training, \([0-9]*\) images\/s at batch \([0-9]*\).*/\2/p' <<<"$line")
            ours_all+=("$ours")
            if [ $torch = 1 ]; then
                # shellcheck disable=SC2086
                theirs=$(MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=1073741824 \
                         /usr/bin/python3 "$here/bench_torch.py" "$model" $shape "$used" "$((limit * epochs))" "$threads" |
                         awk '{print $2}')
                if [ -n "$theirs" ] && [ "$theirs" -gt 0 ] 2>/dev/null; then
                    theirs_all+=("$theirs")
                    ratios+=("$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.2f", a / b }')")
                fi
            fi
        done
        if [ $failed = 1 ]; then echo "  $model: training failed (is $data present? make datasets)"; continue; fi
        theirs="(no torch)" ratio=""
        if [ ${#ratios[@]} -gt 0 ]; then
            theirs=$(median ${theirs_all[@]+"${theirs_all[@]}"})
            ratio="$(median ${ratios[@]+"${ratios[@]}"}) ($(range ${ratios[@]+"${ratios[@]}"}))"
        fi
        printf "  %-5s %6s %10s %10s   %s\n" "$model" "$used" "$(median ${ours_all[@]+"${ours_all[@]}"})" "$theirs" "$ratio"
    done
done
