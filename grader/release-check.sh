#!/usr/bin/env bash
# release-check.sh -- `make test` in a student release (make release): proves
# this copy of the workbook holds, without solutions of its exercises:
#
#   1. the core's unit tests pass;
#   2. every chapter with a reference here (solutions/NN-slug) gets full
#      marks from it;
#   3. every other chapter (an exercise of this release) builds and grades:
#      the grader gives it a score (any score: it may be started).
#
# Ends with "N passed, N failed"; exits non-zero on any failure. The
# maintainers' full check is grader/test.sh, in the workbook itself.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
passed=0 failed=0
logdir=build/test-logs
mkdir -p "$logdir"
check() { # check NAME COMMAND...: run, count, keep the log
    local name=$1; shift
    local log="$logdir/$(echo "$name" | tr ' /:' '___').log" start=$SECONDS
    if "$@" >"$log" 2>&1; then
        passed=$((passed + 1)); printf '  ok    %-55s %3ds\n' "$name" $((SECONDS - start))
    else
        failed=$((failed + 1)); printf '  FAIL  %-55s %3ds  (log: %s)\n' "$name" $((SECONDS - start)) "$log"
        tail -n 15 "$log" | sed 's/^/        /'
    fi
}
# grades_as CH: grade the student's chapter; exit 1 (below full marks) is a
# grade too, anything else (2: bad use, 3: the grader did not build, a
# build failure of what the chapter needs) is not.
grades_as() {
    grader/grade.sh --quiet "$1"; local rc=$?
    [ $rc = 0 ] || [ $rc = 1 ] || { echo "make grade CH=$1 did not grade (exit $rc)"; return 1; }
}
check "core unit tests" make -s test-core
for d in chapters/[0-9][0-9]-*/; do
    slug=${d#chapters/}; slug=${slug%/}; ch=${slug%%-*}
    if [ -d "solutions/$slug" ]; then
        check "ch$ch reference gets full marks" grader/grade.sh --quiet --solution "$ch"
    else
        check "ch$ch builds and grades" grades_as "$ch"
    fi
done
echo "$passed passed, $failed failed"
[ $failed = 0 ]
