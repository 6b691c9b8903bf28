#!/usr/bin/env bash
# grade-submission.sh -- grades one submission of an autograder's chapter
# with the workbook's grader; Gradescope's run_autograder and PrairieLearn's
# run call it.
#
#   grader/autograder/grade-submission.sh SUBMISSION GRADESCOPE_JSON PRAIRIELEARN_JSON
#
# SUBMISSION is a folder holding either the student's whole repository
# (chapters/NN-slug/...) or just the chapter's exercise files, at its top or
# one folder down. Only the exercise files (first line EXERCISE) are taken,
# each a regular file (not a link) of at most 256 KB whose #include lines
# name plain headers; they are copied over a pristine copy of the chapter
# (build/autograder-src/NN-slug), and nothing else of the submission reaches
# the grade. A file that is missing or refused leaves the skeleton's in its
# place, and the student reads why. The grader (root: each test as a sandbox
# user of its own, time and memory limits, symbol check, verified tests)
# writes both JSON files; either path may be /dev/null. When the grader
# could not grade at all, a results file saying so is written here, from
# fixed text only. Exit status: the grader's (0 full marks, 1 below, 3 not
# gradable).
set -uo pipefail
export LC_ALL=C
submission=$1 gradescope=$2 prairielearn=$3
cd "$(dirname "$0")/../.." || exit 3
. grader/autograder/assignment.env
slug=$(cd chapters && ls -d "$CH"-* | head -n 1)
src=build/autograder-src/$slug
hidden=solutions/$slug/hidden
[ -d "$hidden" ] || hidden=

rm -rf "$src" && mkdir -p "$src" || exit 3
for f in chapters/"$slug"/*; do [ -f "$f" ] && cp "$f" "$src/"; done

# An #include that names a path, a macro or a C file could pull the
# reference solution (it is in this tree) into the compiler's messages: the
# directive must be `#include <path.h>` or `#include "name.h"`. Lines are
# spliced first (a backslash-newline can split a directive), and digraphs
# and trigraphs count as '#'.
bad_include() { # bad_include FILE: prints "line:directive" of the first refused one
    local spliced
    spliced=$(sed -e ':a' -e '/\\$/{N;s/\\\n//;ba' -e '}' "$1")
    printf '%s\n' "$spliced" | grep -nE '^[[:space:]]*(#|%:|\?\?=)[[:space:]]*[a-z_]*(include|import|embed)' |
        grep -vE '^[0-9]+:[[:space:]]*#[[:space:]]*include[[:space:]]*(<[A-Za-z0-9_][A-Za-z0-9_./-]*\.h>|"[A-Za-z0-9_-]+\.h")[[:space:]]*(//.*|/\*.*)?$' |
        grep -m1 . && return 0
    # a <path.h> that climbs out (<../../solutions/x.h>); a comment after
    # the directive may say anything ("OMP(...)" in chapter 06's conv_fast.c)
    printf '%s\n' "$spliced" | grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<[^>]*\.\.' | grep -m1 .
}

notes=
find_file() { # find_file NAME: the submission's copy of an exercise file
    local name=$1 p
    for p in "$submission/chapters/$slug/$name" "$submission/$name" "$submission"/*/"chapters/$slug/$name" \
             "$submission"/*/"$name"; do
        if [ -e "$p" ] || [ -L "$p" ]; then printf '%s\n' "$p"; return 0; fi
    done
    return 1
}
taken=0
for skeleton in chapters/"$slug"/*.c; do
    head -n 1 "$skeleton" | grep -q '^/\* EXERCISE' || continue
    name=${skeleton##*/}
    [ "${SKELETON_ONLY:-0}" = 1 ] && continue
    if ! file=$(find_file "$name"); then
        notes+="$name: not in the submission, so the untouched skeleton was graded in its place."$'\n'
        continue
    fi
    if [ -L "$file" ] || [ ! -f "$file" ]; then
        notes+="$name: not a regular file (a link?), so the skeleton was graded in its place."$'\n'
        continue
    fi
    if [ "$(wc -c <"$file")" -gt 262144 ]; then
        notes+="$name: larger than 256 KB, so the skeleton was graded in its place."$'\n'
        continue
    fi
    if why=$(bad_include "$file"); then
        notes+="$name: line ${why%%:*} includes something other than a header by its name (#include \"name.h\" or <path.h>), so the skeleton was graded in its place."$'\n'
        continue
    fi
    cp "$file" "$src/$name" && taken=$((taken + 1))
done
[ "${SKELETON_ONLY:-0}" = 1 ] || notes="Graded: $taken exercise file(s) of chapter $CH from the submission."$'\n'"$notes"

flat=planted_$(printf '%s' "$src" | tr / _)${hidden:++hidden}
results=build/grade/$CH-$flat
rm -f "$results/results.json" "$results/prairielearn.json"
args=(grade --quiet --leaderboard --src "$src" --prairielearn "$results/prairielearn.json")
[ -n "$notes" ] && args+=(--note "${notes%$'\n'}")
[ -n "$hidden" ] && args+=(--hidden "$hidden")
mkdir -p "$results"
# The whole grade is bounded too (each test already is): 30 minutes.
HIDDEN_SEED=$HIDDEN_SEED timeout -k 10 1800 build/tools/grader "${args[@]}" "$CH"
status=$?
if [ -f "$results/results.json" ] && [ -f "$results/prairielearn.json" ]; then
    cp "$results/results.json" "$gradescope" 2>/dev/null || [ "$gradescope" = /dev/null ]
    cp "$results/prairielearn.json" "$prairielearn" 2>/dev/null || [ "$prairielearn" = /dev/null ]
else
    message="The autograder could not grade this submission (the grader stopped with status $status). Please tell your instructor."
    printf '{"score": 0, "output": "%s", "tests": []}\n' "$message" >"$gradescope" 2>/dev/null
    printf '{"gradable": false, "score": 0, "message": "%s", "tests": []}\n' "$message" >"$prairielearn" 2>/dev/null
    [ "$status" = 0 ] && status=3
fi
exit "$status"
