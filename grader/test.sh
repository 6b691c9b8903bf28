#!/usr/bin/env bash
# test.sh -- `make test`: proves the whole workbook holds.
#
#   1. the core's unit tests pass;
#   2. every committed skeleton is exactly what the generator makes of its
#      solution, and grader/checksums.txt and allowed-symbols.txt are current;
#   3. every solution gets full marks, also under ASan+UBSan and with clang;
#   4. every untouched skeleton compiles and gets less than full marks, and
#      every chapter, solution and skeleton, builds with gcc and clang -Werror;
#   5. every planted bug of every chapter loses points;
#   6. failure messages show their evidence: a picture of a wrong tensor,
#      the tensor an out-of-bounds access under ASan hit, the GEMM remainder
#      note only for a remainder bug;
#   7. grading is the same in every locale, honest whatever hostile code
#      does (grader/hostile.sh), and refuses changed test files; make
#      skeletons never overwrites a student's work;
#   8. the programs run the student's own chapters (grader/yours.sh: a
#      sabotaged function of theirs breaks training), and every program
#      rejects bad command-line values with exit 2;
#   9. `make figures` on digits makes every digits figure, twice identically;
#  10. the scripts a student runs use nothing macOS lacks (grader/portable.sh).
#
# A maintainer's script: bash 4 and GNU tools are fine here (Linux CI).
#
# Ends with the line "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
passed=0 failed=0 failures=()
exec 3>&1   # the terminal, for a line a check must show beside its ok/FAIL
logdir=build/test-logs
mkdir -p "$logdir"

# TEST_ONLY=REGEX (make test TEST_ONLY=release): only the checks whose name
# matches, for a maintainer at work on one of them; CI runs them all.
only=${TEST_ONLY:-}
check() { # check NAME COMMAND...: run, count, keep the log
    local name=$1; shift
    if [ -n "$only" ] && ! grep -Eq -- "$only" <<<"$name"; then return 0; fi
    local log="$logdir/$(echo "$name" | tr ' /:' '___').log"
    local start=$SECONDS
    if "$@" >"$log" 2>&1; then
        passed=$((passed + 1)); printf '  ok    %-60s %3ds\n' "$name" $((SECONDS - start))
    else
        failed=$((failed + 1)); failures+=("$name"); printf '  FAIL  %-60s %3ds  (log: %s)\n' "$name" $((SECONDS - start)) "$log"
        tail -n 25 "$log" | sed 's/^/        /'
    fi
}
expect_exit() { # expect_exit CODE COMMAND...: succeed only if COMMAND exits with CODE
    local want=$1; shift
    "$@"; local rc=$?
    [ "$rc" = "$want" ] || { echo "expected exit $want, got $rc"; return 1; }
}

chapters=()
for d in chapters/[0-9][0-9]-*; do chapters+=("${d#chapters/}"); done

echo "== core"
check "core unit tests" make -s test-core
check "skeletons match solutions" make -s check-skeletons
check "grader manifest (checksums, allowed symbols) is current" make -s check-manifest

echo "== chapters"
for slug in "${chapters[@]}"; do
    ch=${slug%%-*}
    check "ch$ch solution gets full marks" grader/grade.sh --solution "$ch"
    check "ch$ch skeleton compiles and is below full marks" expect_exit 1 grader/grade.sh "$ch"
    check "ch$ch planted bugs are all caught" grader/plant.sh "$ch"
done
# Chapter 06 on a CPU without AVX2 or AVX-512: FC_KERNEL=portable makes every
# fast function run the portable micro-kernel (fastconv.h); the intrinsics
# kernels' own test still compares each one this CPU has with it.
check "ch06 solution full marks on the portable micro-kernel (FC_KERNEL=portable)" \
    env FC_KERNEL=portable grader/grade.sh --solution 06
# On an AVX-512 machine the AVX2 kernel (and its in-place twin) would
# otherwise run only in the kernels' own test: grade with it as the
# laptops without AVX-512 do.
if grep -q -w avx2 /proc/cpuinfo 2>/dev/null && grep -q -w avx512f /proc/cpuinfo; then
    check "ch06 solution full marks on the AVX2 micro-kernel (FC_KERNEL=avx2)" \
        env FC_KERNEL=avx2 grader/grade.sh --solution 06
fi

echo "== sanitizers and clang"
for slug in "${chapters[@]}"; do
    ch=${slug%%-*}
    check "ch$ch solution full marks under ASan+UBSan" env SANITIZE=1 grader/grade.sh --solution "$ch"
done
# builds_werror CC: every chapter, solution AND untouched skeleton, compiles
# warning-free (-Werror) with compiler CC. The skeleton matters too: a student
# (or CI) building with CI=true must not meet an error in code they have not
# touched yet.
builds_werror() {
    local cc=$1 slug ch sol
    # The grader itself (all but record.c, which the chapters' builds cover).
    "$cc" -std=c11 -Wall -Wextra -Werror -O2 -D_DEFAULT_SOURCE -D_DARWIN_C_SOURCE -fsyntax-only \
        $(ls grader/*.c | grep -v record.c) || { echo "the grader does not build with $cc -Werror"; return 1; }
    for slug in "${chapters[@]}"; do
        ch=${slug%%-*}
        for sol in 1 0; do
            make -s chapter CH="$ch" SOLUTION=$sol CC="$cc" CI=true BUILD="build/werror-$cc" >/dev/null ||
                { echo "chapter $ch (SOLUTION=$sol) does not build with $cc -Werror"; return 1; }
        done
    done
    # Every program, from the reference and from the untouched skeletons.
    for v in SOLUTION=1 ALL_YOURS=1; do
        make -s programs $v CC="$cc" CI=true BUILD="build/werror-$cc" >/dev/null ||
            { echo "the programs ($v) do not build with $cc -Werror:";
              grep -E 'error|warning' "build/werror-$cc/assembled/"*.log | head -n 10; return 1; }
    done
}
# clang_full_marks CH: the clang-built solution gets full marks (in its own
# build folder, so the gcc objects are not rebuilt).
clang_full_marks() {
    env CC=clang CI=true BUILD=build/clang grader/grade.sh --solution "$1"
}
check "every chapter and skeleton builds with gcc -Werror" builds_werror gcc
if command -v clang >/dev/null 2>&1; then
    check "every chapter and skeleton builds with clang -Werror" builds_werror clang
    for slug in "${chapters[@]}"; do
        ch=${slug%%-*}
        check "ch$ch solution full marks built with clang -Werror" clang_full_marks "$ch"
    done
else
    echo "  (clang is not installed: the clang build is skipped)"
fi

echo "== failure messages"
# broken_copy DIR SLUG FILE FIND REPLACE: a scratch copy of a solution with
# one edit (FIND must occur in FILE), for grading with --src.
broken_copy() {
    local dir=$1 slug=$2 file=$3 find=$4 repl=$5 content
    rm -rf "$dir"; mkdir -p "$dir"; cp solutions/"$slug"/* "$dir"/ 2>/dev/null
    content=$(cat "$dir/$file"; printf x); content=${content%x}
    [[ "$content" == *"$find"* ]] || { echo "'$find' is not in solutions/$slug/$file"; return 1; }
    printf '%s' "${content/"$find"/"$repl"}" >"$dir/$file"
}
# A wrong value: the message names a picture under build/grade/02-*/failures/
# that is a PNG (the kernel flipped: a convolution, not a cross-correlation).
picture_check() {
    local src=build/diagtest/flip out path
    broken_copy "$src" 02-convolution conv_single.c '*tensor_at(w, 0, 0, r, s);' \
        '*tensor_at(w, 0, 0, R - 1 - r, S - 1 - s);' || return 1
    out=$(CI=false grader/grade.sh --src "$src" --test single_tutorial_example 02 2>&1)
    echo "$out" | sed -n '/^---- result ----$/,$p'
    path=$(echo "$out" | sed -n -E 's/^ *picture: (build\/grade\/02-[^/ ]*\/failures\/[^ ]*\.png) .*/\1/p' | head -n 1)
    [ -n "$path" ] || { echo "no line 'picture: build/grade/02-*/failures/*.png' in the message"; return 1; }
    [ -f "$path" ] || { echo "$path does not exist"; return 1; }
    identify -format '%m %wx%h\n' "$path" | grep -q '^PNG ' || { echo "$path is not a PNG"; return 1; }
    echo "$path: $(identify -format '%m %wx%h' "$path")"
}
check "a wrong value's message names its picture, a PNG under build/grade/NN-*/failures" picture_check
# An out-of-bounds write under SANITIZE=1: beside ASan's reason the message
# says which tensor, how far past its end, and the (n,c,h,w) of the index (y
# indexed with x's width W as its row stride, not Q).
asan_tensor_check() {
    local src=build/diagtest/oob out
    broken_copy "$src" 02-convolution conv_single.c '*tensor_at(y, 0, 0, i, j) = acc;' \
        'y->data[i * x->w + j] = acc;' || return 1
    out=$(SANITIZE=1 CI=false grader/grade.sh --src "$src" --test single_tutorial_example 02 2>&1)
    echo "$out" | sed -n '/^---- result ----$/,$p'
    [[ "$out" == *"AddressSanitizer: heap-buffer-overflow"*"conv_single.c:"* ]] ||
        { echo "no AddressSanitizer reason naming conv_single.c"; return 1; }
    # The first write out of bounds is y(2,0) at 2*5 + 0 = 10, two past y's 9.
    grep -qE '^ +that is a write 2 floats past the end of y \[1,1,3,3\] \(made by nan_tensor at test_conv_naive\.c:[0-9]+\): .*\(n,c,h,w\) = \(1,0,0,1\)' <<<"$out" ||
        { echo "no line naming y, 2 floats past its end, and (n,c,h,w) = (1,0,0,1)"; return 1; }
    # The code under test shares that stream: a line it prints before ASan's
    # report is not taken for the tensor's (the sandbox alone holds here).
    sed -i -e 's|^#include "error.h"|#include "error.h"\n#include <stdio.h>|' \
        -e 's|^    const int P = y->h|    fputs("grader-tensor: a forged line\\n", stderr);\n&|' "$src/conv_single.c"
    grep -q 'a forged line' "$src/conv_single.c" || { echo "the forged line was not planted"; return 1; }
    out=$(SANITIZE=1 CI=false grader/grade.sh --no-symbol-check --src "$src" --test single_tutorial_example 02 2>&1)
    # (what the test printed is shown too, under its own heading: look only
    # at the lines of the reason)
    [ "$(echo "$out" | grep -E '^ +that is ')" = "$(echo "$out" | grep -E '^ +that is a write 2 floats past the end of y ')" ] &&
        [ "$(echo "$out" | grep -cE '^ +that is ')" = 1 ] ||
        { echo "a line printed by the code under test was shown as the tensor's:"; echo "$out" | tail -n 5; return 1; }
    echo "a forged grader-tensor line printed before the report is ignored"
}
check "an out-of-bounds write under ASan names the tensor, floats past its end and (n,c,h,w)" asan_tensor_check
# Chapter 06's GEMM note on the remainder fires only when the wrong cells are
# in the last, partial block: for the planted remainder bug, and not for a
# wrong column bound in gemm_naive (which has no blocks).
gemm_note_check() {
    local out
    broken_copy build/diagtest/gemm-edge 06-fast-conv gemm.c 'for (int i0 = 0; i0 < M; i0 += GEMM_BM)' \
        'for (int i0 = 0; i0 + GEMM_BM <= M; i0 += GEMM_BM)' || return 1
    out=$(CI=false grader/grade.sh --src build/diagtest/gemm-edge --test blocked_matches_reference_at_edges 06 2>&1)
    echo "$out" | grep -m 2 'remainder'
    [[ "$out" == *"the last, partial block of GEMM_BM = "*"rows"*"the remainder rows are dropped"* ]] ||
        { echo "the remainder bug is not named:"; echo "$out" | tail -n 20; return 1; }
    broken_copy build/diagtest/gemm-bound 06-fast-conv gemm.c 'for (int j = 0; j < N; j++) {' \
        'for (int j = 0; j < M; j++) {' || return 1
    out=$(CI=false grader/grade.sh --src build/diagtest/gemm-bound --test naive_sizes_and_transposes 06 2>&1)
    echo "$out" | grep -m 2 'cells wrong'
    [[ "$out" == *"cells wrong"* ]] || { echo "the wrong bound did not fail the test:"; echo "$out" | tail -n 20; return 1; }
    [[ "$out" != *"remainder"* ]] || { echo "a remainder is blamed for a GEMM without blocks"; return 1; }
}
check "chapter 06's GEMM blames the remainder only when the wrong cells are in it" gemm_note_check

echo "== grading anyone can trust"
# The same grade in every locale, and with nothing in the environment.
locale_proof() {
    local a=build/test-logs/locale-utf8.out b=build/test-logs/locale-c.out c=build/test-logs/locale-none.out
    env -i PATH=/usr/bin:/bin LC_ALL=C grader/grade.sh --solution 01 >"$b"
    grep -Eq '^Chapter 01: ([0-9]+)/\1 points' "$b" ||
        { echo "chapter 01's solution is not at full marks under env -i LC_ALL=C:"; tail -n 3 "$b"; return 1; }
    # (grading a skeleton exits 1: below full marks; the outputs are compared)
    env -i PATH=/usr/bin:/bin LANG=C.UTF-8 LC_ALL=C.UTF-8 grader/grade.sh 02 >"$a"
    env -i PATH=/usr/bin:/bin LC_ALL=C grader/grade.sh 02 >"$b"
    env -i PATH=/usr/bin:/bin grader/grade.sh 02 >"$c"
    grep -q "^Chapter 02: " "$b" || { echo "no score under LC_ALL=C"; return 1; }
    diff "$b" "$c" || { echo "with LANG unset the grade differs from LC_ALL=C's (above)"; return 1; }
    diff "$a" "$b" || { echo "under C.UTF-8 the grade differs from LC_ALL=C's (above)"; return 1; }
    echo "chapter 02 graded identically under C.UTF-8, C and no locale: $(tail -n 1 "$b")"
}
check "grading is the same in every locale and under env -i" locale_proof
# Two tests at a time (slots.h) must grade exactly as one at a time: the
# same table, messages, pictures and results.json, whatever finished first.
slots_check() {
    local ch dir j
    for ch in 05 06; do
        dir=build/grade/$ch-student
        for j in 1 2; do
            GRADE_JOBS=$j grader/grade.sh "$ch" >"build/test-logs/slots-$ch-$j.out"
            [ $? = 1 ] || { echo "chapter $ch's skeleton with $j slot(s): expected exit 1"; return 1; }
            cp "$dir/results.json" "build/test-logs/slots-$ch-$j.json"
            ls "$dir/failures" >"build/test-logs/slots-$ch-$j.pictures"
        done
        for what in out json pictures; do
            diff "build/test-logs/slots-$ch-1.$what" "build/test-logs/slots-$ch-2.$what" ||
                { echo "chapter $ch: its $what differs between one and two slots (above)"; return 1; }
        done
        echo "chapter $ch's skeleton: the same grade with one slot and two ($(tail -n 1 "build/test-logs/slots-$ch-2.out"))"
    done
}
check "tests run two at a time grade exactly as one at a time" slots_check
check "hostile submissions are graded honestly, in bounded time, leaving nothing behind" grader/hostile.sh
# A course's folder of submissions: the gradebook's rows are what grading
# each one alone gives, a whole repository counts like bare files, files
# that are not exercises are ignored, and bad input gets a clear message.
batch_check() {
    local s=build/batchtest/subs book=build/grade-all/gradebook.csv name want got safe
    rm -rf build/batchtest; mkdir -p "$s"/full "$s"/empty "$s"/half "$s"/broken "$s"/'with space' \
        "$s"/repo/chapters/02-convolution build/batchtest/zipped
    cp solutions/02-convolution/conv_*.c "$s"/full/
    echo 'GRADED_TEST(x, free, 100, "x") {}' >"$s"/full/test_free_points.c   # never reaches the grade
    cp solutions/02-convolution/conv_*.c "$s"/half/ && cp chapters/02-convolution/conv_single.c "$s"/half/
    cp solutions/02-convolution/conv_*.c "$s"/broken/ && echo 'this is not C' >>"$s"/broken/conv_multi.c
    cp solutions/02-convolution/conv_*.c "$s"/repo/chapters/02-convolution/
    cp solutions/02-convolution/conv_valid.c "$s"/'with space'/
    # a git work tree whose HEAD has the solution (its uncommitted change
    # breaks it: HEAD is graded), a bare clone of it, a .zip, a .zip that
    # climbs out of its folder
    mkdir -p "$s"/git && cp solutions/02-convolution/conv_*.c "$s"/git/
    git -C "$s"/git init -q && git -C "$s"/git add . &&
        git -C "$s"/git -c user.name=t -c user.email=t@t commit -qm solution || return 1
    echo 'not C' >>"$s"/git/conv_multi.c
    git clone -q --bare "$s"/git "$s"/bare 2>/dev/null || return 1
    cp solutions/02-convolution/conv_*.c build/batchtest/zipped/ && cp chapters/02-convolution/conv_valid.c build/batchtest/zipped/
    (cd build/batchtest/zipped && zip -q ../subs/zipped.zip conv_*.c) || return 1
    (cd build/batchtest && zip -q subs/climbs.zip zipped/conv_multi.c && printf '@ zipped/conv_multi.c\n@=../../../escaped.c\n' | zipnote -w subs/climbs.zip) || return 1
    make -s grade-all CH=02 SUBMISSIONS="$s" JOBS=2 || { echo "make grade-all failed"; return 1; }
    for name in full empty half broken 'with space' repo git bare zipped; do
        got=$(grep "^\"$name\"," "$book" | cut -d, -f2,4)
        safe=${name// /_}
        build/tools/grader grade --quiet --src "build/grade-all/$safe/02/src" 02 >build/test-logs/batch-alone.out 2>&1
        want=$(sed -n -E 's/^Chapter 02: ([0-9]+)\/([0-9]+) points.*/"\1","\2"/p' build/test-logs/batch-alone.out | tail -n 1)
        [ "$got" = "$want" ] || { echo "$name: the gradebook says $got, grading it alone $want"; return 1; }
        want=${want//\"/}
        grep -q "^Chapter 02: ${want/,//} points" build/grade-all/$safe/feedback.txt ||
            { echo "$name: its feedback.txt does not hold its table (Chapter 02: ${want/,//} points)"; return 1; }
        want=\"${want/,/\",\"}\"
        echo "$name: $got"
    done
    grep -q '^"full","28","28","28","",""' "$book" || { echo "the full solution is not at full marks"; return 1; }
    grep -q '^"repo","28",' "$book" || { echo "a whole repository is not graded like bare files"; return 1; }
    grep -q '^"git","28",' "$book" || { echo "a git repository is not graded at its HEAD"; return 1; }
    grep -q '^"bare","28",' "$book" || { echo "a bare git repository is not graded"; return 1; }
    grep -q '^"zipped","[0-9]*","[0-9]*","28",' "$book" && ! grep -q '^"zipped","28"' "$book" ||
        { echo "a .zip is not graded (its skeleton conv_valid.c loses points)"; return 1; }
    grep -q '^"broken","0","0","28","02: did not compile"' "$book" || { echo "a file that does not compile is not 0, did not compile"; return 1; }
    grep -q '^"empty",.*"02: conv_multi.c conv_single.c conv_valid.c"' "$book" || { echo "missing files are not listed"; return 1; }
    # unzip drops the ../ parts: the file lands inside the submission's folder
    [ -f build/grade-all/climbs/files/escaped.c ] && [ ! -e build/escaped.c ] && [ ! -e escaped.c ] &&
        [ ! -e ../escaped.c ] || { echo "a .zip with ../../../escaped.c wrote outside its folder"; return 1; }
    grep -q '^"climbs","1",' "$book" || { echo "the .zip with a ../ path has no row of its own"; return 1; }
    # no CH: every chapter a submission holds, points per chapter and a total
    rm -rf build/batchtest/multi && mkdir -p build/batchtest/multi/both
    cp solutions/01-flattening/*.c solutions/02-convolution/conv_*.c build/batchtest/multi/both/
    make -s grade-all SUBMISSIONS=build/batchtest/multi JOBS=1 || { echo "make grade-all without CH failed"; return 1; }
    head -n 1 "$book" | grep -q '^"student","01","02",' || { echo "no column per chapter: $(head -n 1 "$book")"; return 1; }
    # (one empty column per other chapter, however many the workbook has)
    grep -q '^"both","35","28",\("",\)*"63","63",' "$book" || { echo "chapters 01+02 are not 35+28=63: $(cat "$book")"; return 1; }
    echo "no CH: both chapters graded, 35 + 28 = 63"
    local out
    out=$(expect_exit 2 make -s grade-all CH=02 SUBMISSIONS=build/batchtest/nowhere 2>&1)
    [[ "$out" == *"not a folder of submissions"* ]] || { echo "a missing folder is not refused with a message: $out"; return 1; }
    out=$(expect_exit 2 make -s grade-all CH=02 SUBMISSIONS="$s" JOBS=9 2>&1)
    [[ "$out" == *"takes 1 to"* ]] || { echo "JOBS=9 is not refused: $out"; return 1; }
    out=$(expect_exit 2 make -s grade-all CH=x2 SUBMISSIONS="$s" 2>&1)
    [[ "$out" == *"not a chapter number"* ]] || { echo "CH=x2 is not refused: $out"; return 1; }
    echo "gradebook $book: every row as graded alone"
}
check "make grade-all grades a folder of submissions; each row matches grading it alone" batch_check
# The autograders (grader/autograder/): chapter 02's Gradescope zip unpacked
# into a Gradescope-like root and graded as Gradescope would (run_autograder,
# AUTOGRADER_ROOT), and the same workbook under PrairieLearn's layout
# (tests/run, PL_ROOT), with the solution, the skeleton, a planted bug, hostile
# files and a file that does not compile: valid JSON and honest scores.
autograder_check() {
    local top=$PWD t=$PWD/build/autograder-test
    rm -rf "$t"; mkdir -p "$t/gs/source" "$t/pl/tests"
    make -s autograder CH=02 SEED=20261202 >/dev/null || { echo "make autograder CH=02 failed"; return 1; }
    (cd "$t/gs/source" && unzip -q "$top/build/autograder/02/gradescope.zip") || return 1
    [ -x "$t/gs/source/setup.sh" ] && [ -x "$t/gs/source/run_autograder" ] || { echo "the zip lacks setup.sh or run_autograder"; return 1; }
    "$t/gs/source/grader/autograder/prepare.sh" || { echo "prepare.sh failed"; return 1; }
    cp build/autograder/02/prairielearn/tests/* "$t/pl/tests/"
    local sol=solutions/02-convolution skel=chapters/02-convolution
    # grade_as NAME FILE...: a Gradescope submission of these files; reads
    # its results.json into $score/$max/$output (and the PrairieLearn one
    # into $pl_score when PL=1). The submission may be nested (NAME/x/...).
    grade_as() {
        local name=$1; shift
        rm -rf "$t/gs/submission" "$t/gs/results" "$t/pl/student" "$t/pl/results"
        mkdir -p "$t/gs/submission" "$t/pl/student"
        cp -r "$@" "$t/gs/submission/" && cp -r "$@" "$t/pl/student/"
        AUTOGRADER_ROOT="$t/gs" "$t/gs/source/run_autograder" </dev/null >"$t/$name.gs.log" 2>&1
        read -r score max output < <(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert all(t["visibility"] in ("visible", "after_due_date") for t in d["tests"])
assert sum(t["score"] for t in d["tests"]) == d["score"]
print(d["score"], d["max_score"], json.dumps(d["output"]))' "$t/gs/results/results.json") ||
            { echo "$name: no valid Gradescope results.json"; cat "$t/$name.gs.log"; return 1; }
        pl_score=-1
        if [ "${PL:-0}" = 1 ]; then
            PL_ROOT="$t/pl" PL_WORKBOOK="$t/gs/source" "$t/pl/tests/run" </dev/null >"$t/$name.pl.log" 2>&1
            pl_score=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["gradable"] is True and 0 <= d["score"] <= 1
assert all(0 <= t["points"] <= t["max_points"] for t in d["tests"])
assert all(i["url"].startswith("data:image/png;base64,") for t in d["tests"] for i in t.get("images", []))
print(round(d["score"] * int(sys.argv[2])))' "$t/pl/results/results.json" "$max") ||
                { echo "$name: no valid PrairieLearn results.json"; cat "$t/$name.pl.log"; return 1; }
            [ "$pl_score" = "$score" ] || { echo "$name: PrairieLearn says $pl_score points, Gradescope $score"; return 1; }
        fi
        echo "$name: $score/$max$([ "${PL:-0}" = 1 ] && echo " (PrairieLearn: the same)")"
    }
    PL=1 grade_as solution "$sol"/conv_*.c || return 1
    [ "$score" = "$max" ] || { echo "the solution is not at full marks"; return 1; }
    grep -q '"visibility": "after_due_date"' "$t/gs/results/results.json" || { echo "no hidden test row"; return 1; }
    mkdir -p "$t/repo/mine/chapters/02-convolution" && cp "$sol"/conv_*.c "$t/repo/mine/chapters/02-convolution/"
    grade_as "whole repository one folder down" "$t/repo/mine" || return 1
    [ "$score" = "$max" ] || { echo "a nested repository is not graded like its files"; return 1; }
    grade_as skeleton "$skel"/conv_*.c || return 1
    local skeleton=$score
    [ "$skeleton" -lt $((max / 2)) ] || { echo "the skeleton gets $skeleton/$max"; return 1; }
    # the first planted bug of chapter 02
    local find replace file text
    find=$(sed -n 's/^find: //p' "$sol/maintainer/planted-bugs.txt" | head -n 1)
    replace=$(sed -n 's/^replace: //p' "$sol/maintainer/planted-bugs.txt" | head -n 1)
    file=$(sed -n 's/^file: //p' "$sol/maintainer/planted-bugs.txt" | head -n 1)
    mkdir -p "$t/planted" && cp "$sol"/conv_*.c "$t/planted/" && text=$(<"$sol/$file")
    printf '%s\n' "${text/"$find"/"$replace"}" >"$t/planted/$file"
    cmp -s "$sol/$file" "$t/planted/$file" && { echo "the planted bug did not apply"; return 1; }
    PL=1 grade_as "planted bug ($file)" "$t/planted"/conv_*.c || return 1
    [ "$score" -gt 0 ] && [ "$score" -lt "$max" ] || { echo "the planted bug gets $score/$max, not partial"; return 1; }
    # hostile: forges results.json (Gradescope's and PrairieLearn's), prints a
    # forged JSON, and exits 0 before any check
    mkdir -p "$t/hostile" && cp "$sol"/conv_*.c "$t/hostile/"
    cat >"$t/hostile/conv_single.c" <<HOSTILE
/* EXERCISE -- hostile */
#include "conv_naive.h"
#include <stdio.h>
#include <stdlib.h>
int conv2d_single_channel(Tensor *y, const Tensor *x, const Tensor *w)
{
    (void)y; (void)x; (void)w;
    const char *paths[] = {"$t/gs/results/results.json", "$t/pl/results/results.json"};
    for (int i = 0; i < 2; i++) {
        FILE *f = fopen(paths[i], "w");
        if (f) { fputs("{\"score\": 999, \"gradable\": true, \"tests\": []}", f); fclose(f); }
    }
    printf("{\"score\": 999, \"tests\": []}\n");
    exit(0);
}
HOSTILE
    PL=1 grade_as hostile "$t/hostile"/conv_*.c || return 1
    [ "$score" -le $((max - 7)) ] || { echo "the hostile file gets $score/$max"; return 1; }
    # (the refusal quotes the forging line, so look for the forged file itself)
    grep -q '^{"score": 999' "$t/gs/results/results.json" "$t/pl/results/results.json" &&
        { echo "a forged results.json was kept"; return 1; }
    # hostile: pulls the reference into the compiler's messages
    mkdir -p "$t/peek" && cp "$skel"/conv_*.c "$t/peek/"
    printf '#include "../../../../solutions/02-convolution/conv_single.c"\n' >>"$t/peek/conv_single.c"
    grade_as "includes the reference" "$t/peek"/conv_*.c || return 1
    [ "$score" -le "$skeleton" ] && [[ "$output" == *"conv_single.c: line"*"includes something other than a header"* ]] ||
        { echo "an #include of the reference is not refused: $score/$max, $output"; return 1; }
    # does not compile
    mkdir -p "$t/broken" && cp "$sol"/conv_*.c "$t/broken/" && echo 'this is not C' >>"$t/broken/conv_multi.c"
    PL=1 grade_as "does not compile" "$t/broken"/conv_*.c || return 1
    [ "$score" = 0 ] && [[ "$output" == *"did not compile"*"conv_multi.c"*"error"* ]] ||
        { echo "a file that does not compile: $score/$max, $output"; return 1; }
    echo "every results.json valid, every score honest"
}
check "make autograder CH=02: Gradescope and PrairieLearn roots grade honestly" autograder_check
# Chapter 06's leaderboard (grader/leaderboard.h), through the Gradescope
# root as above: the solution gets an entry (GFLOP/s above 0, faster than
# the naive convolution) and PrairieLearn's message says it; a
# conv2d_forward_fast that passes every test but skips the benchmark's layer
# and prints a number of its own gets none (both values 0, and why); so
# does the skeleton, whose tests fail.
autograder_leaderboard_check() {
    local top=$PWD t=$PWD/build/autograder-test-06
    rm -rf "$t"; mkdir -p "$t/gs/source" "$t/pl/tests" "$t/cheat"
    make -s autograder CH=06 SEED=20261202 >/dev/null || { echo "make autograder CH=06 failed"; return 1; }
    (cd "$t/gs/source" && unzip -q "$top/build/autograder/06/gradescope.zip") || return 1
    "$t/gs/source/grader/autograder/prepare.sh" || { echo "prepare.sh failed"; return 1; }
    cp build/autograder/06/prairielearn/tests/* "$t/pl/tests/"
    local sol=solutions/06-fast-conv
    # board_as NAME FILE...: a Gradescope submission of these files; reads
    # its results.json into $score $max $gflops $speedup $output, after
    # checking the leaderboard's form (Gradescope's: name, number, order).
    board_as() {
        local name=$1; shift
        rm -rf "$t/gs/submission" "$t/gs/results" && mkdir -p "$t/gs/submission" && cp "$@" "$t/gs/submission/"
        AUTOGRADER_ROOT="$t/gs" "$t/gs/source/run_autograder" </dev/null >"$t/$name.gs.log" 2>&1
        read -r score max gflops speedup output < <(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
b = d["leaderboard"]
assert [r["name"] for r in b] == ["GFLOP/s (cifar-conv2, 1 thread)", "Speed-up over naive (cifar-conv2)"], b
assert all(type(r["value"]) in (int, float) and r["value"] >= 0 and r["order"] == "desc" for r in b), b
print(d["score"], d["max_score"], b[0]["value"], b[1]["value"], json.dumps(d["output"]))' "$t/gs/results/results.json") ||
            { echo "$name: no valid results.json with a leaderboard"; cat "$t/$name.gs.log"; return 1; }
        echo "$name: $score/$max, leaderboard $gflops GFLOP/s, ${speedup}x; $(grep -o 'Leaderboard: [^"]*' <<<"$output" | cut -c1-200)"
    }
    board_as solution "$sol"/*.c || return 1
    [ "$score" = "$max" ] && python3 -c "import sys; sys.exit(not (float('$gflops') > 0 and float('$speedup') > 1))" &&
        [[ "$output" == *"Leaderboard: "*"GFLOP/s"*"timed by the grader"* ]] ||
        { echo "the solution has no leaderboard entry: $score/$max, $gflops GFLOP/s, ${speedup}x"; return 1; }
    rm -rf "$t/pl/student" "$t/pl/results"; mkdir -p "$t/pl/student" && cp "$sol"/*.c "$t/pl/student/"
    PL_ROOT="$t/pl" PL_WORKBOOK="$t/gs/source" "$t/pl/tests/run" </dev/null >"$t/solution.pl.log" 2>&1
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["gradable"] is True and "Leaderboard: " in d["message"] and "GFLOP/s" in d["message"], d["message"]' \
        "$t/pl/results/results.json" || { echo "PrairieLearn's message lacks the leaderboard"; return 1; }
    echo "PrairieLearn: the message carries the leaderboard"
    # right in every test, but not on the benchmark's layer: it skips the
    # work there and prints a fake speed
    cp "$sol"/*.c "$t/cheat/"
    python3 - "$t/cheat/conv_fast.c" <<'CHEAT' || return 1
import sys
p = sys.argv[1]
s = open(p).read()
check = '    if (fastconv_check_shapes("conv2d_forward_fast", y, x, w, b, p, &P, &Q) != 0) return -1;\n'
assert s.count(check) == 1, "conv_fast.c changed: update the cheat"
s = s.replace(check, check + '    if (x->n == 64 && x->c == 32 && x->h == 16) { /* the leaderboard\'s layer */\n'
              '        printf("conv2d_forward_fast: 9999 GFLOP/s\\n");\n        return 0;\n    }\n')
s = s.replace('#include "fastconv.h"\n', '#include "fastconv.h"\n#include <stdio.h>\n', 1)
open(p, "w").write(s)
CHEAT
    board_as "skips the benchmark's work" "$t/cheat"/*.c || return 1
    [ "$score" = "$max" ] || { echo "the cheat must pass every test (else this proves nothing): $score/$max"; return 1; }
    [ "$gflops" = 0 ] || [ "$gflops" = 0.0 ] || { echo "the cheat has an entry: $gflops GFLOP/s"; return 1; }
    [ "$speedup" = 0 ] || [ "$speedup" = 0.0 ] || { echo "the cheat has a speed-up: $speedup"; return 1; }
    [[ "$output" == *"no entry"*"wrong y"* ]] || { echo "the cheat's output does not say why: $output"; return 1; }
    board_as skeleton chapters/06-fast-conv/*.c || return 1
    [ "$score" -lt "$max" ] && { [ "$gflops" = 0 ] || [ "$gflops" = 0.0 ]; } &&
        [[ "$output" == *"no entry"*"must pass its tests first"* ]] ||
        { echo "the skeleton: $score/$max, $gflops GFLOP/s, $output"; return 1; }
    echo "the solution has an entry, the cheat and the skeleton none"
}
check "make autograder CH=06: the leaderboard is timed by the grader; a cheat gets no entry" autograder_leaderboard_check
# make release: a student repository for chapters 03-05 builds, grades an
# untouched chapter below full marks, holds no solution of 03-07 (03-05 are
# its exercises, 06-07 are not shipped), and refuses bad values. A "solution
# line" is a line (16+ characters, trimmed) of a //>> solution region in
# solutions/NN-slug/ that no file of the workbook outside solutions/ and
# grader/autograder/ holds (generic lines such as a loop header over N are
# everywhere; see docs/instructors.md).
release_check() {
    local r=build/releasetest/r out n f
    rm -rf build/releasetest; mkdir -p build/releasetest/full && touch build/releasetest/full/keep
    for bad in 09-10 05-03 abc 3-5; do
        out=$(expect_exit 2 make -s release OUT=build/releasetest/x CHAPTERS=$bad 2>&1) || { echo "CHAPTERS=$bad: $out"; return 1; }
        [ ! -e build/releasetest/x ] || { echo "CHAPTERS=$bad wrote something"; return 1; }
        echo "CHAPTERS=$bad refused: ${out%%$'\n'*}"
    done
    out=$(expect_exit 2 make -s release OUT=build/releasetest/full CHAPTERS=03-05 2>&1) || { echo "$out"; return 1; }
    [[ "$out" == *"not empty"* ]] && [ "$(ls build/releasetest/full)" = keep ] || { echo "a non-empty OUT is not refused: $out"; return 1; }
    make -s release OUT=$r CHAPTERS=03-05 || return 1
    [ -z "$(git -C $r status --porcelain)" ] || { echo "the release's git status is not clean"; return 1; }
    [ "$(git -C $r log --format=%s)" = "Release of chapters 03-05" ] || { echo "not one commit 'Release of chapters 03-05'"; return 1; }
    for n in 03 04 05 06 07; do
        ! compgen -G "$r/solutions/$n-*" >/dev/null || { echo "the release holds solutions/$n"; return 1; }
    done
    ! compgen -G "$r/chapters/0[67]-*" >/dev/null || { echo "the release holds chapters after 05"; return 1; }
    f=$(cd $r && git ls-files | grep -E 'maintainer/|hidden/|planted-bugs|make_refs|grader/autograder/|grader/test.sh') &&
        { echo "the release holds maintainer files: $f"; return 1; }
    # the solution lines, then every text file of the release searched for them
    local lines=build/releasetest/solution-lines.txt generic=build/releasetest/generic.txt
    for n in 03 04 05 06 07; do
        awk '/^[ \t]*\/\/>>/ { on = 1; next } /^[ \t]*\/\/<</ { on = 0; next }
             on && !/^[ \t]*\/\/\|/ { l = $0; gsub(/^[ \t]+|[ \t]+$/, "", l); if (length(l) >= 16) print l }' \
            solutions/$n-*/*.[ch]
    done | sort -u >$lines
    git ls-files | grep -v -E '^solutions/|^grader/autograder/|\.(npy|png|gz|jpg)$' |
        xargs awk '{ l = $0; gsub(/^[ \t]+|[ \t]+$/, "", l); print l }' | sort -u | comm -12 - $lines >$generic
    [ "$(comm -23 $lines $generic | wc -l)" -gt 100 ] || { echo "too few solution lines to search for"; return 1; }
    f=$(cd $r && git ls-files | grep -v -E '\.(npy|png|gz|jpg)$' | xargs awk -v L="$PWD/$lines" -v G="$PWD/$generic" '
        BEGIN { while ((getline l < L) > 0) want[l] = 1; while ((getline l < G) > 0) delete want[l] }
        { l = $0; gsub(/^[ \t]+|[ \t]+$/, "", l); if (l in want) print FILENAME ": " l }' | head -n 5)
    [ -z "$f" ] || { echo "solution lines in the release:"; echo "$f"; return 1; }
    echo "no file of the release holds any of $(comm -23 $lines $generic | wc -l) solution lines of chapters 03-07" \
         "($(wc -l <$generic) generic ones, also in the workbook's own files, not searched)"
    # make exits 2 for a grade below full marks (the grader's exit 1)
    (cd $r && make -s grade CH=03 >grade03.log 2>&1) && { echo "make grade CH=03: an untouched chapter passed"; return 1; }
    local score
    score=$(sed -n -E 's/^Chapter 03: ([0-9]+)\/([0-9]+) points.*/\1 \2/p' $r/grade03.log)
    [ -n "$score" ] && [ "${score% *}" -lt "${score#* }" ] || { echo "make grade CH=03 did not grade:"; tail -n 20 $r/grade03.log; return 1; }
    echo "make grade CH=03 in the release, untouched: ${score% *}/${score#* } points"
    out=$(cd $r && make -s grade CH=05 SOLUTION=1 2>&1)
    [[ "$out" == *"no reference solution of chapter 05"* ]] ||
        { echo "SOLUTION=1 on a released chapter does not say there is no reference: $out"; return 1; }
    (cd $r && make -s grade CH=02 SOLUTION=1 >/dev/null 2>&1) || { echo "chapter 02's shipped reference is not at full marks"; return 1; }
    rm -f $r/grade03.log
    # the commands that need the instructor's copy: not in the release's
    # help, and a clear refusal when typed anyway
    out=$(cd $r && make -s help 2>&1)
    for t in autograder release test-arm64 bench-grade-all; do
        ! grep -q "make $t " <<<"$out" || { echo "the release's make help lists make $t"; return 1; }
        out=$(cd $r && expect_exit 2 make -s $t CH=03 OUT=/nonexistent 2>&1) || { echo "make $t in the release: $out"; return 1; }
        [[ "$out" == *"student release"* ]] || { echo "make $t in the release does not say why it refuses: $out"; return 1; }
    done
    echo "make autograder, release, test-arm64, bench-grade-all in the release: not in its help, refused with the reason"
    # the GitHub Classroom workflow: well formed (it cannot run here)
    python3 grader/classroom-check.py $r/.github/workflows/classroom.yml 03 04 05 || return 1
    [ -z "$(git -C $r status --porcelain)" ] || { echo "grading left the release's git status unclean"; return 1; }
}
check "make release CHAPTERS=03-05: builds, grades below full, holds no solution" release_check
# Criterion's runner binds /tmp/criterion_<pid>.sock; a killed runner leaves
# its socket, and pids come round. With a stale socket waiting at each of the
# next 3000 pids, every test must still start (the sandbox removes it).
stale_socket_check() {
    local last max i p out
    last=$(cat /proc/sys/kernel/ns_last_pid 2>/dev/null) || { echo "no /proc/sys/kernel/ns_last_pid: skipped"; return 0; }
    max=$(cat /proc/sys/kernel/pid_max)
    for i in $(seq 1 3000); do p=$(( (last + i) % max )); [ -e "/tmp/criterion_$p.sock" ] || : >"/tmp/criterion_$p.sock"; done
    out=$(grader/grade.sh --solution 01 2>&1)
    for i in $(seq 1 3000); do p=$(( (last + i) % max )); [ -f "/tmp/criterion_$p.sock" ] && rm -f "/tmp/criterion_$p.sock"; done
    grep -Eq '^Chapter 01: ([0-9]+)/\1 points' <<<"$out" || { echo "with stale sockets waiting, chapter 01's solution lost points:"; tail -n 20 <<<"$out"; return 1; }
    echo "stale sockets at the next 3000 pids: $(tail -n 1 <<<"$out")"
}
check "a stale Criterion socket at the pid a test gets does not stop it" stale_socket_check
# A student's laptop has no sandbox user (the grader is not root): what a
# test leaves behind is then found as the grader's descendants, and a fork
# bomb is frozen before it is killed. Proved as an ordinary user, in a
# scratch copy of the workbook, on the cases that leave processes behind.
unprivileged_check() {
    [ "$(id -u)" = 0 ] || { echo "not root: this run is itself unprivileged (the check above proved it)"; return 0; }
    local user=cnn-student dir=/tmp/cnn-unprivileged rc
    id "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /bin/bash "$user" || return 1
    rm -rf "$dir"; mkdir -p "$dir"
    tar --exclude=./build --exclude=./.git -cf - . | tar -xf - -C "$dir" || return 1
    chown -R "$user" "$dir"
    runuser -u "$user" -- env -i PATH=/usr/bin:/bin HOME="$dir" bash -c \
        "cd '$dir' && bash grader/hostile.sh fork_bomb orphan block_signals"
    rc=$?
    # Whatever happened, nothing of that user may stay: frozen, then killed.
    local i
    for i in 1 2 3 4 5; do pkill -STOP -u "$user" 2>/dev/null; done
    pkill -KILL -u "$user" 2>/dev/null
    rm -rf "$dir"
    return $rc
}
check "without a sandbox user (not root), a fork bomb and orphans are still stopped" unprivileged_check
# In a scratch copy of the workbook: a changed or unknown test file stops the
# grade, and `make skeletons` never overwrites a student's work.
tamper_checks() {
    local t=build/tamper
    rm -rf "$t"; mkdir -p "$t"
    cp -r Makefile chapters solutions common grader datasets "$t"/ || return 1
    rm -rf "$t/datasets/fashion-mnist" "$t/datasets/cifar-10-batches-bin"
    (
        cd "$t" || exit 1
        local data out
        data=$(ls chapters/02-convolution/tests/data/*.npy | head -n 1)
        printf 'x' >>"$data"
        out=$(grader/grade.sh 02 2>&1); rc=$?
        [ $rc = 3 ] && [[ "$out" == *"$data has been changed"* ]] ||
            { echo "a changed $data was not refused (exit $rc): $out"; exit 1; }
        echo "changed test data: exit 3, '$(echo "$out" | sed -n 2p | sed 's/^ *//')'"
        git -C "$OLDPWD" show "HEAD:$data" >"$data" 2>/dev/null || cp "$OLDPWD/$data" "$data"
        echo 'GRADED_TEST(extra, free_points, 100, "x") {}' >chapters/02-convolution/tests/test_extra.c
        out=$(grader/grade.sh 02 2>&1); rc=$?
        [ $rc = 3 ] && [[ "$out" == *"test_extra.c is not one of the workbook's test files"* ]] ||
            { echo "an added test file was not refused (exit $rc): $out"; exit 1; }
        echo "added test file: exit 3, '$(echo "$out" | sed -n 2p | sed 's/^ *//')'"
        rm chapters/02-convolution/tests/test_extra.c
        echo '/* my work */' >>chapters/02-convolution/conv_single.c
        cp chapters/02-convolution/conv_single.c conv_single.before
        out=$(make -s skeletons 2>&1); rc=$?
        [ $rc != 0 ] && [[ "$out" == *"chapters/02-convolution/conv_single.c"* ]] &&
            cmp -s conv_single.before chapters/02-convolution/conv_single.c ||
            { echo "make skeletons overwrote (or did not name) an edited chapter file (exit $rc): $out"; exit 1; }
        echo "make skeletons with an edited file: exit $rc, the file kept, named in the message"
        make -s skeletons FORCE=1 >/dev/null && ! cmp -s conv_single.before chapters/02-convolution/conv_single.c ||
            { echo "make skeletons FORCE=1 did not regenerate the file"; exit 1; }
        echo "make skeletons FORCE=1 regenerates it"
    )
}
check "changed test files stop the grade; make skeletons keeps a student's work" tamper_checks

echo "== the student loop"
# make watch, driven as a student would in a terminal (tmux): it grades the
# untouched chapter 02, regrades when conv_single.c is saved, stops on Ctrl-C.
watch_check() {
    local t=build/watchtest sock=cnn-watch-$$ pane
    command -v tmux >/dev/null || { echo "tmux is not installed (apt-get install tmux)"; return 1; }
    rm -rf "$t"; mkdir -p "$t"
    cp -r Makefile chapters solutions common grader datasets "$t"/ || return 1
    rm -rf "$t"/datasets/fashion-mnist "$t"/datasets/cifar-10-batches-bin
    pane() { tmux -L "$sock" capture-pane -p -t watch 2>/dev/null; }
    wait_for() { # wait_for SECONDS REGEX
        local i
        for i in $(seq 1 "$1"); do grep -qE "$2" <<<"$(pane)" && return 0; sleep 1; done
        echo "after $1 s the watch screen does not show /$2/:"; pane | head -n 20; return 1
    }
    # remain-on-exit: the pane stays readable after Ctrl-C has ended it (make
    # itself is interrupted too, and says so; the watch must stop cleanly).
    (cd "$t" && tmux -L "$sock" new-session -d -s watch -x 160 -y 60 \; set-option -g remain-on-exit on \; \
        send-keys 'make watch CH=02' Enter) || return 1
    # score_at_least SECONDS MIN: the screen shows "Chapter 02: N/T points" with N >= MIN.
    score_at_least() {
        local i n
        for i in $(seq 1 "$1"); do
            n=$(pane | sed -n 's/^Chapter 02: \([0-9]*\)\/[0-9]* points.*/\1/p' | head -n 1)
            [ -n "$n" ] && [ "$n" -ge "$2" ] && { score=$n; return 0; }
            sleep 1
        done
        echo "after $1 s the watch screen shows no score of at least $2:"; pane | head -n 20; return 1
    }
    local ok=0 score=0 first
    if score_at_least 120 0; then
        first=$score
        echo "started: $(pane | grep -m1 '^Chapter 02')"
        cp "$t"/solutions/02-convolution/conv_single.c "$t"/chapters/02-convolution/conv_single.c
        if score_at_least 60 $((first + 1)); then
            echo "after saving conv_single.c: $(pane | grep -m1 '^Chapter 02'), first to fix: $(pane | grep -m1 'First to fix')"
            tmux -L "$sock" send-keys -t watch C-c
            wait_for 20 '^watch: stopped\.' && echo "Ctrl-C: $(pane | grep -m1 'watch: stopped')" && ok=1
        fi
    fi
    tmux -L "$sock" kill-server 2>/dev/null
    [ $ok = 1 ]
}
check "make watch regrades on every save and stops on Ctrl-C (in tmux)" watch_check
hint_check() {
    local out
    grader/grade.sh 02 >/dev/null
    rm -f build/grade/02-student/hints-used.txt
    out=$(make -s hint CH=02) && [[ "$out" == "Hint 1 of 3 for conv_naive/single_tutorial_example"* ]] ||
        { echo "first hint: $out"; return 1; }
    out=$(make -s hint CH=02) && [[ "$out" == "Hint 2 of 3 for"* ]] || { echo "second hint: $out"; return 1; }
    grep -q "2 hints used" <(make -s grade) || { echo "the progress table does not count the 2 hints"; return 1; }
    grader/grade.sh 02 >/dev/null
    grep -q '"hints_used": 2' build/grade/02-student/results.json || { echo "results.json does not count them"; return 1; }
    rm -f build/grade/02-student/hints-used.txt
    echo "make hint gave levels 1 and 2; the table and results.json counted 2 hints"
}
check "make hint gives the next level and the hints are counted" hint_check
lessons_check() {
    local ch bad=0
    for d in chapters/[0-9][0-9]-*; do
        ch=${d#chapters/}; ch=${ch%%-*}
        build/tools/grader grade --check-lesson "$ch" || bad=1
    done
    return $bad
}
check "every lesson's exercise table lists its tests, with their points, in the order they run" lessons_check

echo "== portability (macOS: bash 3.2, BSD tools, make 3.81)"
check "student scripts use nothing macOS lacks; make grade CH=01 works with only macOS's tools on PATH" grader/portable.sh

echo "== your own network"
check "the programs run your chapters: a broken function of yours breaks training" grader/yours.sh

echo "== command-line errors"
# cli_case EXIT "TEXT" COMMAND...: the command must exit with EXIT and say TEXT.
cli_case() {
    local want=$1 text=$2; shift 2
    local out rc
    out=$("$@" 2>&1 </dev/null); rc=$?
    echo "\$ $* -> exit $rc"; echo "$out" | tail -n 3
    [ "$rc" = "$want" ] || { echo "expected exit $want"; return 1; }
    [[ "$out" == *"$text"* ]] || { echo "expected the output to say: $text"; return 1; }
}
cli_checks() {
    local p=${BUILD:-build}/assembled/solution/bin
    make -s programs SOLUTION=1 >/dev/null || return 1
    cli_case 2 "whole number" $p/param_table --hidden x || return 1
    cli_case 2 "whole number" $p/param_table --hidden 0 || return 1
    cli_case 2 "usage" $p/param_table --bogus || return 1
    cli_case 2 "no chapter 99" grader/grade.sh 99 || return 1
    cli_case 2 "chapter number" grader/grade.sh abc || return 1
    cli_case 2 "has no test called 'nonexistent'" grader/grade.sh --test nonexistent 02 || return 1
    cli_case 2 "unknown option" grader/grade.sh --bogus 02 || return 1
    for f in solutions/*/maintainer/cli-checks.sh; do
        [ -f "$f" ] || continue
        # shellcheck disable=SC1090
        source "$f" || { echo "failed: $f"; return 1; }
    done
}
check "bad command-line values get a clear message and exit 2" cli_checks

echo "== figures (digits)"
figures_twice() {
    local a=build/figtest/a b=build/figtest/b
    rm -rf build/figtest
    make -s programs SOLUTION=1 || return 1
    FIGURES_NO_CIFAR=1 FIGURES_OUT=$PWD/$a common/figures/run.sh solution || return 1
    FIGURES_NO_CIFAR=1 FIGURES_OUT=$PWD/$b common/figures/run.sh solution || return 1
    local missing=0
    for f in $(awk '$2 == "digits" {print $1}' docs/figures.list); do
        [ -s "$a/$f" ] || { echo "missing digits figure: $f"; missing=1; }
    done
    [ $missing = 0 ] || return 1
    diff -r "$a" "$b" && echo "both runs wrote identical files: $(ls "$a" | wc -l) figures"
}
check "make figures (digits) writes every figure, identically twice" figures_twice

echo
if [ $failed -gt 0 ]; then
    echo "Failed:"; printf '  %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[ $failed = 0 ]
