#!/usr/bin/env bash
# bench-grade-all.sh -- `make bench-grade-all [N=100] [JOBS_LIST="1 2"]`: how
# fast batch grading is. Makes N chapter-02 submissions, a class's mix:
#   40% the solution, 20% the skeleton, 20% a planted bug (each of
#   solutions/02-convolution/maintainer/planted-bugs.txt in turn), 10% a file
#   that does not compile, 5% code that calls exit() (refused before it
#   runs), 5% an endless loop (every test that reaches it times out);
# every 4th is a .zip, every 4th+1 a git repository, the rest folders. Then
# `make grade-all CH=02` at each JOBS, and prints submissions per minute
# and the peak memory: the largest sum of the resident sizes of the batch's
# whole process tree, sampled every 0.2 s (and the largest single process,
# from getrusage). Target (issue 16): >= 12 a minute at JOBS=2 on 2 cores,
# < 2 GiB. Maintainers only (needs solutions/).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${N:-100}
jobs_list=${JOBS_LIST:-1 2}
[[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 1000 ] || { echo "bench-grade-all: N=$n is not 1..1000" >&2; exit 2; }
sol=solutions/02-convolution skel=chapters/02-convolution
bugs=$sol/maintainer/planted-bugs.txt
[ -d $sol ] && [ -f $bugs ] || { echo "bench-grade-all: needs $sol and its planted bugs (the workbook, not a release)" >&2; exit 2; }
grader/deps.sh batch
command -v zip >/dev/null || { echo "bench-grade-all: needs zip (apt-get install zip)" >&2; exit 2; }

make -s lib build/tools/grader
root=build/bench-grade-all
subs=$root/subs
rm -rf "$root"; mkdir -p "$subs"
nbugs=$(grep -c '^bug:' $bugs)
# plant K FILE_DIR: apply the K-th bug (1-based) of the list to the copy
plant() {
    awk -v k="$1" -v dir="$2" '
        /^bug:/ { i++ } i == k && /^file: / { file = substr($0, 7) }
        i == k && /^find: / { find = substr($0, 7) } i == k && /^replace: / { repl = substr($0, 10) }
        END { print file; print find; print repl }' $bugs | {
        read -r file; read -r find; read -r repl
        FIND=$find REPL=$repl awk 'BEGIN { f = ENVIRON["FIND"]; r = ENVIRON["REPL"] }
            !done && (p = index($0, f)) { $0 = substr($0, 1, p - 1) r substr($0, p + length(f)); done = 1 } { print }' \
            "$2/$file" >"$2/$file.new" && mv "$2/$file.new" "$2/$file"
    }
}
echo "making $n chapter-02 submissions in $subs ..."
for i in $(seq 1 "$n"); do
    name=$(printf 'student%03d' "$i") d=$root/work/$name
    mkdir -p "$d"
    r=$(( (i * 37) % 100 ))   # a fixed shuffle of the kinds
    if [ $r -lt 40 ]; then cp $sol/conv_*.c "$d"/
    elif [ $r -lt 60 ]; then cp $skel/conv_*.c "$d"/
    elif [ $r -lt 80 ]; then cp $sol/conv_*.c "$d"/; plant $(( i % nbugs + 1 )) "$d"
    elif [ $r -lt 90 ]; then cp $sol/conv_*.c "$d"/; echo 'this is not C' >>"$d"/conv_multi.c
    elif [ $r -lt 95 ]; then cp $sol/conv_*.c "$d"/
        sed -i 's|^#include "conv_naive.h"|#include "conv_naive.h"\n#include <stdlib.h>\nstatic void quit(void) { exit(0); }\nvoid (*volatile conv_quit)(void) = quit;|' "$d"/conv_valid.c
    else cp $sol/conv_*.c "$d"/
        sed -i 's|^#include "conv_naive.h"|#include "conv_naive.h"\nstatic volatile int forever = 1;|; 0,/^{$/s//{\n    while (forever) {}/' "$d"/conv_single.c
    fi
    case $((i % 4)) in
        0) (cd "$d" && zip -q "$OLDPWD/$subs/$name.zip" conv_*.c) ;;
        1) git -C "$d" init -q && git -C "$d" add . &&
           git -C "$d" -c user.name=s -c user.email=s@s commit -qm work && mv "$d" "$subs/$name" ;;
        *) mv "$d" "$subs/$name" ;;
    esac
done
rm -rf "$root/work"

# peak SUM PID: the largest total RSS (kB) of PID's process tree, sampled.
sample_tree() {
    local pid=$1 peak=0 now
    while kill -0 "$pid" 2>/dev/null; do
        now=$(ps -e -o pid=,ppid=,rss= | awk -v root="$pid" '
            { parent[$1] = $2; rss[$1] = $3 }
            END { for (p in parent) { q = p; while (q in parent && q != root && q > 1) q = parent[q];
                                      if (q == root) sum += rss[p] } print sum + 0 }')
        [ "$now" -gt "$peak" ] && peak=$now
        sleep 0.2
    done
    echo "$peak"
}
for jobs in $jobs_list; do
    echo "== JOBS=$jobs"
    rm -rf build/grade-all
    start=$(date +%s.%N)
    build/tools/grader batch 02 "$subs" --jobs "$jobs" --out "$root/gradebook-$jobs.csv" >"$root/batch-$jobs.log" 2>&1 &
    pid=$!
    peak=$(sample_tree $pid)
    wait $pid || { echo "the batch failed: $root/batch-$jobs.log"; tail -n 5 "$root/batch-$jobs.log"; exit 1; }
    end=$(date +%s.%N)
    head -n 1 "$root/batch-$jobs.log"
    awk -v n="$n" -v s="$start" -v e="$end" -v j="$jobs" -v peak="$peak" 'BEGIN {
        t = e - s; printf "JOBS=%d: %d submissions in %.0f s: %.1f submissions a minute; peak memory of the whole batch %.0f MB\n",
               j, n, t, n * 60 / t, peak / 1024 }' | tee -a "$root/summary.txt"
done
echo "gradebooks: $root/gradebook-*.csv; summary: $root/summary.txt"
