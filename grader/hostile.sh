#!/usr/bin/env bash
# hostile.sh -- proves grading stays honest and bounded whatever a student's
# code does. Each case of the table below adds one hostile file
# (grader/hostile/<case>.c) to a scratch copy of chapter 02 -- the untouched
# skeleton or the solution -- and makes the chapter's code call it: the
# shape check that every convolution runs first (given/conv_check.c) or only the
# single-channel convolution (conv_single.c). The copy is graded twice:
#
#   normal    as a student's code is graded: the check of what the code calls
#             must refuse it, naming the call (or, for code that calls
#             nothing forbidden, grade it honestly);
#   sandbox   with --no-symbol-check, so the sandbox alone must hold: the
#             failure must say what happened.
#
# Each grade must give an honest score (at most the base's, or exactly it),
# finish in bounded time, leave no process running, change no file outside
# build/, show no escape sequence on the terminal, and leave a valid
# results.json that nothing rewrites afterwards.
#
#   grader/hostile.sh [CASE...]     every case by default
# A maintainer's script (Linux CI, not a student's command): bash 4 and GNU
# tools are fine here; grader/portable.sh checks only what students run.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
root=$PWD
grader=build/tools/grader
make -s "$grader" >/dev/null || exit 1
export GRADE_TIMEOUT=2   # hanging cases cost 2 s (+2 s grace) per test, not 5 s

# case | base | hook file | normal: text the grade must print ('-': graded as usual) | sandbox: text | score
cases=(
"exit|skeleton|given/conv_check.c|uses exit, which ends the process|the test ended before its checks finished|at-most"
"forged_record|skeleton|given/conv_check.c|uses open, which opens|a forged result|at-most"
"fake_list|skeleton|given/conv_check.c|-|-|equal"
"rewrite_results|solution|conv_single.c|uses fork|processes behind after the test ended|below"
"overwrite_refs|skeleton|given/conv_check.c|uses fopen, which opens|-|at-most"
"fork_bomb|solution|conv_single.c|uses fork|-|below"
"orphan|solution|conv_single.c|uses fork|left 1 process behind|below"
"ctor_hang|skeleton|given/conv_check.c|never got to its tests|never got to its tests|at-most"
"block_signals|solution|conv_single.c|uses sigprocmask, which handles|took longer than its time limit of 2 s|below"
"control_chars|skeleton|given/conv_check.c|-|-|at-most"
"print_gb|solution|given/conv_check.c|-|-|equal"
"exec|skeleton|given/conv_check.c|uses system, which starts another process or program|-|at-most"
"assert_fails|solution|conv_single.c|the last it wrote to stderr: boxfort-worker: build/hostile/assert_fails/hostile.c:8: hostile_hook: Assertion|hostile: the shapes agree|below"
)

score_of() { sed -n -E 's/^Chapter 02: ([0-9]+)\/[0-9]+ points.*/\1/p' "$1" | tail -n 1; }
total_of() { sed -n -E 's/^Chapter 02: [0-9]+\/([0-9]+) points.*/\1/p' "$1" | tail -n 1; }
leftovers() { # "pid command" of every process still running a grading run's test binary
    local d cmd
    [ -r /proc/self/cmdline ] || { echo "no /proc: cannot look for leftover processes"; return; }
    for d in /proc/[0-9]*; do
        cmd=$({ tr '\0' ' ' <"$d/cmdline"; } 2>/dev/null) || continue
        # By the program it runs (a renamed process, like Criterion's
        # "boxfort-worker", still runs the scratch copy of the test binary).
        exe=$(readlink "$d/exe" 2>/dev/null)
        # Only this workbook's runs (scratch folders in its build/grade, or
        # in /tmp when that is not reachable), not another checkout's.
        for p in "$cmd" "$exe"; do
            if [[ "$p" == "$root/build/grade/.run-"*"/bin/tests"* || "$p" == "/tmp/.run-"*"/bin/tests"* ]]; then
                echo "${d#/proc/} $cmd"
                break
            fi
        done
    done
}
tree_state() { git status --porcelain --untracked-files=all 2>/dev/null; ls "$root"/HACKED* 2>/dev/null; }

# The bases' honest scores.
declare -A base_score
for base in skeleton solution; do
    dir=build/hostile/base-$base
    rm -rf "$dir"; mkdir -p "$dir"
    if [ $base = skeleton ]; then cp chapters/02-convolution/*.[ch] "$dir"/; else cp solutions/02-convolution/*.[ch] "$dir"/; fi
    "$grader" grade --quiet --src "$dir" 02 >"$dir.log" 2>&1
    base_score[$base]=$(score_of "$dir.log")
    echo "base $base: ${base_score[$base]}/$(total_of "$dir.log")"
done

failed=0
want=("$@")
for row in "${cases[@]}"; do
    IFS='|' read -r name base hook normal_text sandbox_text relation <<<"$row"
    if [ ${#want[@]} -gt 0 ] && [[ " ${want[*]} " != *" $name "* ]]; then continue; fi
    dir=build/hostile/$name
    rm -rf "$dir"; mkdir -p "$dir"
    if [ $base = skeleton ]; then cp chapters/02-convolution/*.[ch] "$dir"/; else cp solutions/02-convolution/*.[ch] "$dir"/; fi
    cp -r chapters/02-convolution/given "$dir"/given   # the hook may go into given code
    cp "grader/hostile/$name.c" "$dir/hostile.c"
    results="$root/build/grade/02-planted_$(echo "$dir" | tr '/' '_')/results.json"
    printf '#define HOSTILE_REPO "%s"\n#define HOSTILE_RESULTS "%s"\n' "$root" "$results" >"$dir/hostile_paths.h"
    # The hook: the chapter's code calls hostile_hook() first thing.
    case $hook in
        given/conv_check.c) line='    /* x [N,C,H,W], w [K,C,R,S], b [K] or NULL, y [N,K,H-R+1,W-S+1] */' ;;
        conv_single.c) line='    /* x [1,1,H,W], w [1,1,R,S] -> y [1,1,P,Q] with P = H-R+1, Q = W-S+1 */' ;;
    esac
    grep -qF -- "$line" "$dir/$hook" || { echo "FAIL $name: the hook line is not in $hook"; failed=1; continue; }
    awk -v line="$line" '$0 == line { print "    if (hostile_hook()) return -1;"; next }
        /^#include "conv_naive.h"/ { print; print "int hostile_hook(void);"; next } { print }' \
        "$dir/$hook" >"$dir/$hook.new" && mv "$dir/$hook.new" "$dir/$hook"

    for mode in normal sandbox; do
        flag=(); text=$normal_text
        [ $mode = sandbox ] && { flag=(--no-symbol-check); text=$sandbox_text; }
        before=$(tree_state)
        start=$(date +%s)
        CI=false timeout 300 "$grader" grade "${flag[@]}" --src "$dir" 02 >"$dir.$mode.log" 2>&1
        rc=$? took=$(( $(date +%s) - start ))
        score=$(score_of "$dir.$mode.log")
        json_before=$(cksum <"$results" 2>/dev/null)
        sleep 4   # long enough for anything left behind to act
        problems=()
        [ "$rc" = 124 ] && problems+=("the grader did not finish within 300 s")
        [ -n "$score" ] || problems+=("no 'Chapter 02: X/Y points' line (exit $rc)")
        case $relation in
            equal) [ "${score:--1}" = "${base_score[$base]}" ] || problems+=("score $score, not the base's ${base_score[$base]}") ;;
            at-most) [ "${score:-99}" -le "${base_score[$base]}" ] || problems+=("score $score, above the base's ${base_score[$base]}") ;;
            below) [ "${score:-99}" -lt "${base_score[$base]}" ] || problems+=("score $score, not below the base's ${base_score[$base]}") ;;
        esac
        [ "$text" = - ] || grep -qF -- "$text" "$dir.$mode.log" || problems+=("the grade does not say: $text")
        grep -q $'\033' "$dir.$mode.log" && problems+=("an escape sequence reached the terminal")
        "$grader" check-json "$results" >/dev/null 2>&1 || problems+=("results.json is not valid JSON")
        [ "$(cksum <"$results" 2>/dev/null)" = "$json_before" ] || problems+=("results.json changed after grading ended")
        left=$(leftovers)
        [ -z "$left" ] || problems+=("processes left running: $(echo "$left" | head -n 3 | tr '\n' ';')")
        [ "$(tree_state)" = "$before" ] || problems+=("files outside build/ changed: $(diff <(echo "$before") <(tree_state) | head -n 3 | tr '\n' ';')")
        if [ ${#problems[@]} -eq 0 ]; then
            printf '  ok    %-16s %-8s %2s/%s in %3d s: %s\n' "$name" "$mode" "$score" "$(total_of "$dir.$mode.log")" "$took" \
                "$(grep -m1 -oE '(FAIL|pass) .*' "$dir.$mode.log" | cut -c1-70)"
        else
            failed=1
            printf '  FAIL  %-16s %-8s (log: %s)\n' "$name" "$mode" "$dir.$mode.log"
            printf '          %s\n' "${problems[@]}"
            # Clean up whatever was left, so later cases start clean.
            leftovers | while read -r pid _; do kill -9 "$pid" 2>/dev/null; done
        fi
    done
done

# After all of it, the untouched chapter 02 grades as before.
"$grader" grade --quiet --src build/hostile/base-skeleton 02 >build/hostile/after.log 2>&1
after=$(score_of build/hostile/after.log)
if [ "$after" = "${base_score[skeleton]}" ]; then
    echo "  ok    afterwards, the untouched skeleton still gets ${after}/$(total_of build/hostile/base-skeleton.log)"
else
    echo "  FAIL  afterwards, the untouched skeleton gets ${after:-?}/$(total_of build/hostile/base-skeleton.log) instead of ${base_score[skeleton]}"
    failed=1
fi
exit $failed
