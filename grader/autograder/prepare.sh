#!/usr/bin/env bash
# prepare.sh -- builds, once, everything an autograder shares between
# submissions: the grader, the core, the chapter's dependencies, the
# reference (renamed ref_*) and the hidden tests, by grading the untouched
# skeleton in the very folder submissions are graded in (grade-submission.sh),
# so a submission recompiles only its own files.
#
#   grader/autograder/prepare.sh        (from the workbook's top folder)
#
# Run by Gradescope's setup.sh and by the PrairieLearn image's Dockerfile;
# reads grader/autograder/assignment.env (CH, HIDDEN_SEED: build.sh writes it).
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/../.."
. grader/autograder/assignment.env
make -s lib build/tools/grader >/dev/null
echo "prepare: building chapter $CH's tests, the reference and the hidden tests (seed $HIDDEN_SEED) once"
status=0
SKELETON_ONLY=1 grader/autograder/grade-submission.sh /dev/null /dev/null /dev/null >/dev/null || status=$?
# The skeleton is below full marks (1); anything else means it did not build.
if [ "$status" != 1 ]; then
    echo "prepare: grading the untouched skeleton of chapter $CH gave status $status, not 1 (below full marks)" >&2
    exit 1
fi
# Nobody but root may change the workbook: the tests run as sandbox users.
chmod -R go-w .
echo "prepare: ready"
