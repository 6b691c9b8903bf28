#!/bin/sh
# grade.sh -- for scripts (make test, plant.sh, progress.sh): builds the
# grader if needed and runs `grader grade` with the same arguments:
#
#   grader/grade.sh [--solution | --src DIR] [--test NAME] [--quiet] [--no-symbol-check] NN
#
# The grader itself is C (grader/grade.c); see there for what it does.
cd "$(dirname "$0")/.." || exit 2
make -s build/tools/grader >/dev/null || { echo "grade: the grader did not build (make build/tools/grader)" >&2; exit 3; }
exec build/tools/grader grade "$@"
