#!/usr/bin/env bash
# yours.sh -- proves the programs run the student's own network (make test).
#
# In a scratch copy of the workbook:
#   1. untouched: `make train` still trains (the reference stands in for every
#      chapter) and says so;
#   2. a finished student (every solution copied into chapters/): `make train`
#      says each operation is theirs and reaches >= 96 % on digits, on the
#      naive layers (chapters 03-05) and on the fast ones (chapter 06);
#   3. the same student with one function made to return 0 before computing
#      anything -- chapter 05's conv2d_backward, dense_backward, chapter 04's
#      maxpool2d_forward (naive layers), chapter 06's conv2d_backward_fast
#      (fast layers) -- does not reach 60 %: the broken code is the code that
#      runs;
#   4. chapter 08: `make realworld` says batch norm is the student's, the
#      finished student's cnn-bn reaches >= 96 %, and with their training
#      forward broken it does not reach 60 % while the plain CNN beside it
#      (no batch norm) still does. (Not the backward: with it broken the
#      dense head still learns from the untrained convolutions' features,
#      95 % on the digits, which proves nothing.)
#
#   grader/yours.sh
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
root=$PWD
work=build/yours
rm -rf "$work"; mkdir -p "$work"
cp -r Makefile chapters solutions common grader datasets "$work"/ || exit 1
rm -rf "$work"/datasets/fashion-mnist "$work"/datasets/cifar-10-batches-bin
cd "$work" || exit 1
export CI=false   # a sabotaged function leaves code unreachable: not an error here
failed=0

# expect NAME LAYERS OP WHOSE CMP LIMIT: trains the digits CNN (log in
# NAME.log); the log must say OP runs WHOSE code and the test accuracy must
# be CMP (ge/lt) LIMIT. For "lt", a run that stops with an error (a broken
# layer can leave data the next layer rejects) counts: it reached nothing.
expect() {
    local name=$1 layers=$2 op=$3 whose=$4 cmp=$5 limit=$6 acc line rc
    make -s train DATA=digits ${layers:+LAYERS=$layers} >"$name.log" 2>&1; rc=$?
    acc=$(sed -n -E 's/.*test accuracy ([0-9.]+) %.*/\1/p' "$name.log" | tail -n 1)
    line=$(grep -E "^  $op +" "$name.log" | head -n 1)
    if [[ "$line" != *" $whose "* ]]; then
        echo "  FAIL  $name: the run does not say '$op' is $whose: ${line:-(no such line; log: $work/$name.log)}"
        failed=1; return
    fi
    if [ $rc != 0 ]; then
        if [ "$cmp" = lt ]; then
            printf '  ok    %-44s %-5s layers: %-30s stopped: %s\n' "$name" "${layers:-default}" "$op $whose" \
                "$(grep '^train: ' "$name.log" | tail -n 1 | cut -c1-90)"
        else
            echo "  FAIL  $name: make train failed (log: $work/$name.log)"; tail -n 3 "$name.log"; failed=1
        fi
        return
    fi
    if awk -v a="${acc:-0}" -v l="$limit" -v c="$cmp" 'BEGIN { exit !(c == "ge" ? a >= l : a < l) }'; then
        printf '  ok    %-44s %-5s layers: %-30s %5s %%\n' "$name" "${layers:-default}" "$op $whose" "$acc"
    else
        echo "  FAIL  $name: test accuracy ${acc:-?} % is not $cmp $limit % (log: $work/$name.log)"; failed=1
    fi
}
# sabotage FILE FUNCTION: FUNCTION returns 0 before computing anything.
sabotage() {
    awk -v fn="$2" '
        index($0, "int " fn "(") == 1 { armed = 1 }
        { print }
        armed && /^\{/ { print "    return 0; /* sabotaged by grader/yours.sh */"; armed = 0 }' "$1" >"$1.new" &&
        mv "$1.new" "$1" && grep -q "sabotaged" "$1" || { echo "  FAIL  cannot sabotage $2 in $1"; failed=1; }
}
restore() { cp "solutions/${1#chapters/}" "$1"; }

echo "untouched checkout:"
expect untouched "" "convolution backward" reference ge 96
grep -q "untouched, so the reference stands in" untouched.log || { echo "  FAIL  the untouched run does not say the reference stands in"; failed=1; }

echo "a finished student (every solution copied into chapters/):"
for d in solutions/[0-9][0-9]-*; do cp "$d"/*.[ch] "chapters/${d#solutions/}/"; done
expect finished-naive naive "convolution backward" yours ge 96
expect finished-fast fast "convolution backward" yours ge 96
[ "$(grep -cE ' yours +chapter' finished-naive.log)" -ge 13 ] ||
    { echo "  FAIL  not every operation of the finished student's run is theirs"; failed=1; }

echo "the same student with one function broken (it returns 0 before computing anything):"
f=chapters/05-backprop/conv_backward.c; sabotage $f conv2d_backward
expect broken-conv2d_backward naive "convolution backward" yours lt 60; restore $f
f=chapters/05-backprop/dense.c; sabotage $f dense_backward
expect broken-dense_backward naive "dense backward" yours lt 60; restore $f
f=chapters/04-pooling/maxpool.c; sabotage $f maxpool2d_forward
expect broken-maxpool2d_forward naive "max pooling forward" yours lt 60; restore $f
f=chapters/06-fast-conv/conv_fast.c; sabotage $f conv2d_backward_fast
expect broken-conv2d_backward_fast fast "convolution backward" yours lt 60; restore $f

# realworld_row NAME RUN: the test accuracy of RUN in NAME.log's table.
realworld_row() { sed -n -E "s/^  $2 +[0-9]+ +([0-9.]+) %.*/\1/p" "$1.log" | tail -n 1; }
# expect_realworld NAME WHOSE CNN_CMP BN_CMP: make realworld on digits (fast
# layers, a few seconds a run); batch norm must be WHOSE code, the plain
# CNN's accuracy CNN_CMP 96 and cnn-bn's BN_CMP (ge 96 / lt 60).
expect_realworld() {
    local name=$1 whose=$2 bn_cmp=$3 line cnn bn limit
    make -s realworld DATA=digits LAYERS=fast >"$name.log" 2>&1
    line=$(grep -E "^  batch norm forward +" "$name.log" | head -n 1)
    [[ "$line" == *" $whose "* ]] ||
        { echo "  FAIL  $name: the run does not say 'batch norm forward' is $whose: ${line:-(no such line; log: $work/$name.log)}"; failed=1; return; }
    cnn=$(realworld_row "$name" cnn) bn=$(realworld_row "$name" cnn-bn)
    [ "$bn_cmp" = ge ] && limit=96 || limit=60
    if awk -v a="${cnn:-0}" -v b="${bn:-0}" -v l="$limit" -v c="$bn_cmp" \
           'BEGIN { exit !(a >= 96 && (c == "ge" ? b >= l : b < l)) }'; then
        printf '  ok    %-44s fast  layers: %-30s cnn %s %%, cnn-bn %s %%\n' "$name" "batch norm $whose" "$cnn" "$bn"
    else
        echo "  FAIL  $name: cnn ${cnn:-?} % (want >= 96), cnn-bn ${bn:-?} % (want $bn_cmp $limit) (log: $work/$name.log)"; failed=1
    fi
}
echo "chapter 08: batch norm in make realworld:"
expect_realworld finished-realworld yours ge
f=chapters/08-real-world/batchnorm.c; sabotage $f batchnorm2d_forward_train
expect_realworld broken-batchnorm2d_forward_train yours lt; restore $f
exit $failed
