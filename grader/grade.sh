#!/usr/bin/env bash
# grade.sh -- builds one chapter's tests, runs each test alone, and scores it.
#
#   grader/grade.sh [options] NN
#     --solution       grade solutions/NN-* instead of chapters/NN-*
#     --src DIR        grade the chapter sources in DIR (used for planted bugs)
#     --test NAME      run one test alone with its full output (no scoring)
#     --quiet          print only the final "Chapter NN: X/Y points" line
#
# Environment: SANITIZE=1 builds with AddressSanitizer + UBSan; CC picks the
# compiler; GRADE_TIMEOUT overrides every test's time limit (seconds).
#
# Each test runs in its own process under a time limit, so a crash, a hang or
# a sanitizer report fails that one test with a plain-language reason while
# the rest are still graded. Points come from the tests (GRADED_TEST); the
# grader only adds them up. Results also go to
# build/grade/NN-<variant>/results.json in the Gradescope schema.
#
# Exit status: 0 full marks, 1 below full marks, 2 usage error,
# 3 the chapter did not compile.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 2
root=$PWD

die_usage() { echo "grade: $*" >&2; echo "usage: grader/grade.sh [--solution] [--src DIR] [--test NAME] [--quiet] NN" >&2; exit 2; }

solution=0 src="" only_test="" quiet=0 ch=""
while [ $# -gt 0 ]; do
    case "$1" in
        --solution) solution=1 ;;
        --src) [ $# -ge 2 ] || die_usage "--src needs a folder"; src=$2; shift ;;
        --test) [ $# -ge 2 ] || die_usage "--test needs a test name"; only_test=$2; shift ;;
        --quiet) quiet=1 ;;
        -*) die_usage "unknown option $1" ;;
        *) [ -z "$ch" ] || die_usage "one chapter at a time"; ch=$1 ;;
    esac
    shift
done
[ -n "$ch" ] || die_usage "which chapter? e.g. grader/grade.sh 01"
[[ "$ch" =~ ^[0-9]{1,2}$ ]] || die_usage "CH must be a chapter number like 01 or 4, not '$ch'"
ch=$(printf '%02d' "$((10#$ch))")

chapter_dir=$(ls -d chapters/"$ch"-* 2>/dev/null | head -n 1)
[ -n "$chapter_dir" ] || die_usage "there is no chapter $ch (chapters: $(ls chapters | tr '\n' ' '))"
slug=${chapter_dir#chapters/}

if [ -n "$src" ]; then
    variant="planted/$(echo "$src" | tr '/' '_')"
elif [ "$solution" = 1 ]; then
    src="solutions/$slug"; variant=solution
else
    src="$chapter_dir"; variant=student
fi
[ -d "$src" ] || die_usage "no such folder: $src"

if [ "${SANITIZE:-0}" = 1 ]; then build=${BUILD:-build/san}; else build=${BUILD:-build}; fi
export BUILD=$build   # so the makes below build into the same tree
out="$build/$variant/$slug"
result_dir="build/grade/$ch-${variant//\//_}"
mkdir -p "$result_dir"

# ---- build -----------------------------------------------------------------
make -s lib >"$result_dir/build.log" 2>&1 || { cat "$result_dir/build.log" >&2; echo "grade: the core library (common/) did not build" >&2; exit 3; }
if ! make -s -f grader/chapter.mk CHAPTER="$slug" SRC="$src" OUT="$out" tests >>"$result_dir/build.log" 2>&1; then
    total=$(grep -ho 'GRADED_TEST[A-Z_]*([^,]*,[^,]*, *[0-9]*' "$chapter_dir"/tests/*.c 2>/dev/null |
            sed 's/.*, *//' | awk '{s += $1} END {print s + 0}')
    if [ "$quiet" = 0 ]; then
        echo "Chapter $ch did not compile, so no test could run. The compiler said:"
        echo
        grep -E 'error|warning|undefined reference' "$result_dir/build.log" | head -n 30 | sed 's/^/    /'
        echo
        echo "Fix the first error first: later ones are often caused by it."
    fi
    echo "Chapter $ch: 0/$total points (did not compile)"
    printf '{"score": 0, "max_score": %s, "output": "Chapter %s did not compile.", "tests": []}\n' "$total" "$ch" >"$result_dir/results.json"
    exit 3
fi
bin="$root/$out/tests"
testdir="$root/$chapter_dir/tests"

# ---- one test alone, everything shown ---------------------------------------
if [ -n "$only_test" ]; then
    filter="*/$only_test"
    [[ "$only_test" == */* ]] && filter=$only_test
    echo "Running $filter of chapter $ch ($src) with its full output:"
    cd "$testdir" && exec "$bin" --filter="$filter" -j1 --full-stats
fi

# ---- list the tests ------------------------------------------------------------
mapfile -t tests < <("$bin" --list 2>/dev/null | awk '
    /^[^ │├└].*: [0-9]+ tests?$/ { suite = $1; sub(/:$/, "", suite); next }
    /(├──|└──)/ { name = $NF; print suite "/" name }')
[ "${#tests[@]}" -gt 0 ] || { echo "grade: $bin lists no tests" >&2; exit 3; }

# ---- run each test alone ---------------------------------------------------------
signal_reason() {
    case "$1" in
        11) echo "crashed with a segmentation fault: something read or wrote outside an array or through a bad pointer (grade with SANITIZE=1 to see the line)" ;;
        6) echo "aborted: an assert() failed or the C library caught corrupted memory (grade with SANITIZE=1 to see where)" ;;
        8) echo "crashed with a floating-point exception: an integer division by zero?" ;;
        7) echo "crashed with a bus error: a misaligned or invalid memory access" ;;
        9) echo "was killed (out of memory, or a time limit)" ;;
        *) echo "crashed with signal $1" ;;
    esac
}

sanitizer_reason() { # first finding of ASan/UBSan in a stderr file, if any
    local f=$1 line
    line=$(grep -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$f") || return 1
    if [[ "$line" == *"runtime error:"* ]]; then
        echo "UBSan: ${line#*: runtime error: } at $(echo "$line" | cut -d: -f1-2 | sed "s|$root/||")"
    else
        local kind where
        kind=$(echo "$line" | sed -E 's/.*ERROR: (AddressSanitizer|LeakSanitizer): ([a-z-]+).*/\1: \2/')
        where=$(grep -m1 -E '#[0-9]+ .* in [a-z_0-9]+ .*\.c:[0-9]+' "$f" | grep -v -E 'libasan|criterion' |
                sed -E 's/.* in ([a-z_0-9]+) (.*)/\1 at \2/' | sed "s|$root/||")
        case "$kind" in
            *heap-buffer-overflow|*stack-buffer-overflow|*global-buffer-overflow)
                echo "$kind (a read or write past the end of an array) in ${where:-?}" ;;
            *) echo "$kind in ${where:-?}" ;;
        esac
    fi
    return 0
}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
records="$scratch/all.tsv"
: >"$records"
outer_limit=${GRADE_TIMEOUT:-60}
i=0
for t in "${tests[@]}"; do
    i=$((i + 1))
    rec="$scratch/rec"; err="$scratch/err.$i"
    rm -f "$rec"
    [ "$quiet" = 0 ] && [ -t 1 ] && printf '\r  running test %d/%d: %-50s' "$i" "${#tests[@]}" "$t"
    timeout_flag=()
    [ -n "${GRADE_TIMEOUT:-}" ] && timeout_flag=(--timeout "$GRADE_TIMEOUT")
    (cd "$testdir" && GRADER_RECORD="$rec" ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:${ASAN_OPTIONS:-}" \
        UBSAN_OPTIONS="print_stacktrace=1:${UBSAN_OPTIONS:-}" \
        timeout -k 5 "$outer_limit" "$bin" --filter="$t" -j1 "${timeout_flag[@]}" >"$scratch/out.$i" 2>"$err")
    rc=$?
    suite=${t%%/*}; name=${t#*/}
    if [ -s "$rec" ]; then
        IFS=$'\t' read -r _ _ points status sig code tout msg <"$rec"
    else
        points=$(grep -h -A0 -E "GRADED_TEST[A-Z_]*\( *$suite *, *$name *," "$chapter_dir"/tests/*.c | head -n1 |
                 sed -E 's/.*GRADED_TEST[A-Z_]*\([^,]*,[^,]*, *([0-9]+).*/\1/')
        status=FAILED sig=0 code=$rc tout=0
        if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then msg="the test program stopped responding for ${outer_limit} s and was stopped"
        else msg="the test program itself crashed (exit $rc) before it could report"; fi
    fi
    reason=""
    if [ "$status" != PASSED ]; then
        if reason=$(sanitizer_reason "$err"); then :
        elif [ "$tout" = 1 ]; then
            reason="took longer than its time limit: is a loop missing its increment, or is a bound wrong?"
        elif [ "$sig" != 0 ]; then reason=$(signal_reason "$sig")
        elif [ "$status" = SKIPPED ]; then reason="skipped: ${msg:-no reason given}"
        elif [ -n "$msg" ]; then reason=$msg
        elif [ "$code" != 0 ]; then reason="the test exited early with status $code"
        else reason="failed"
        fi
    fi
    [ "$status" = PASSED ] && got=$points || got=0
    printf '%s\t%s\t%s\t%s\t%s\n' "$t" "${points:-0}" "$got" "$status" "$reason" >>"$records"
done
[ "$quiet" = 0 ] && [ -t 1 ] && printf '\r%-80s\r' ""

# ---- report --------------------------------------------------------------------
score=$(awk -F'\t' '{s += $3} END {print s + 0}' "$records")
total=$(awk -F'\t' '{s += $2} END {print s + 0}' "$records")
who="your chapter"; [ "$variant" = solution ] && who="the solution"; [[ "$variant" == planted/* ]] && who="$src"
if [ "$quiet" = 0 ]; then
    echo "Grading chapter $ch ($slug): $who"
    echo
    awk -F'\t' '{
        first = $5; sub(/\\n.*/, "", first)
        if (length(first) > 90) first = substr(first, 1, 87) "..."
        printf "  %-44s %3d/%-3d %-5s %s\n", $1, $3, $2, ($4 == "PASSED" ? "pass" : "FAIL"), first
    }' "$records"
    echo
    if grep -q $'\tFAILED\t' "$records"; then
        echo "What went wrong (rerun one test alone with: make grade CH=$ch TEST=<name>):"
        awk -F'\t' '$4 != "PASSED" {
            msg = $5; gsub(/\\n/, "\n      ", msg); gsub(/\\\\/, "\\", msg)
            printf "\n  %s\n      %s\n", $1, msg
        }' "$records" | head -n 200
        echo
    fi
fi
echo "Chapter $ch: $score/$total points"

# Gradescope results.json: JSON-escape with awk (no jq needed).
awk -F'\t' -v score="$score" -v total="$total" -v ch="$ch" '
    # record.c already wrote newlines as \n and backslashes as \\ (valid
    # JSON escapes); only double quotes are left to escape.
    function esc(s) { gsub(/"/, "\\\"", s); return s }
    BEGIN { printf "{\n  \"score\": %s,\n  \"max_score\": %s,\n  \"output\": \"Chapter %s: %s/%s points\",\n  \"tests\": [", score, total, ch, score, total }
    { printf "%s\n    {\"name\": \"%s\", \"score\": %s, \"max_score\": %s, \"status\": \"%s\", \"output\": \"%s\"}",
             (NR > 1 ? "," : ""), esc($1), $3, $2, ($4 == "PASSED" ? "passed" : "failed"), esc($5) }
    END { printf "\n  ]\n}\n" }' "$records" >"$result_dir/results.json"

[ "$score" = "$total" ] && [ "$total" != 0 ] && exit 0
exit 1
