#!/usr/bin/env bash
# build.sh -- `make autograder CH=NN [SEED=N]`: one chapter's autograders.
#
#   build/autograder/NN/gradescope.zip   upload as a Gradescope programming
#                                        assignment's autograder (README.md)
#   build/autograder/NN/prairielearn/    Dockerfile (the grader image, with the
#                                        workbook built inside), tests/ (the
#                                        question's tests folder), info.json
#
# Both hold the workbook as committed or edited here (git's tracked and
# untracked files, not build/), with every chapter's reference and this
# chapter's hidden tests: they are for the instructor's upload, never for
# students. SEED is the hidden tests' seed (default: drawn now, and printed);
# it is written into grader/autograder/assignment.env of both.
set -euo pipefail
export LC_ALL=C
ch=${1:-}
seed=${2:-}
cd "$(dirname "$0")/../.."
die() { echo "make autograder: $*" >&2; exit 2; }
[[ "$ch" =~ ^[0-9]{1,2}$ ]] || die "give a chapter number, e.g. make autograder CH=02"
ch=$(printf '%02d' "$((10#$ch))")
slug=$(cd chapters && ls -d "$ch"-* 2>/dev/null | head -n 1) || true
[ -n "$slug" ] || die "there is no chapter $ch (chapters: $(cd chapters && ls -d [0-9][0-9]-* | cut -c1-2 | tr '\n' ' '))"
if [ -z "$seed" ]; then seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' '); fi
[[ "$seed" =~ ^[0-9]{1,18}$ ]] || die "SEED must be a number of at most 18 digits, not '$seed'"
command -v zip >/dev/null || die "zip is missing (apt-get install zip)"
command -v git >/dev/null && git rev-parse --git-dir >/dev/null 2>&1 || die "run me in the workbook's git checkout"

out=build/autograder/$ch
rm -rf "$out" && mkdir -p "$out/gradescope" "$out/prairielearn/tests"
# The workbook: what git knows of (tracked, and new files not ignored), as
# it is now in this folder.
git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done |
    tar --null -T - -cf - | tar -xf - -C "$out/gradescope"
printf 'CH=%s\nHIDDEN_SEED=%s\n' "$ch" "$seed" >"$out/gradescope/grader/autograder/assignment.env"
hidden=none
[ -d "solutions/$slug/hidden" ] && hidden=$(ls "solutions/$slug/hidden" | tr '\n' ' ')

# Gradescope: setup.sh and run_autograder at the zip's top, beside the workbook.
cp grader/autograder/gradescope/setup.sh grader/autograder/gradescope/run_autograder "$out/gradescope/"
(cd "$out/gradescope" && zip -qr -X ../gradescope.zip .)

# PrairieLearn: the image's workbook, the question's tests folder, and the
# info.json lines that name them.
cp -r "$out/gradescope" "$out/prairielearn/workbook"
rm -f "$out/prairielearn/workbook/setup.sh" "$out/prairielearn/workbook/run_autograder"
cp grader/autograder/prairielearn/run "$out/prairielearn/tests/run"
cp "$out/gradescope/grader/autograder/assignment.env" "$out/prairielearn/tests/"
cat >"$out/prairielearn/Dockerfile" <<DOCKER
# The grader image for chapter $ch ($slug) of the CNN workbook, made by
# make autograder CH=$ch. Build and push it, then name it in the question's
# info.json (info.json beside this file):
#   docker build -t YOUR_ORG/cnn-workbook-$ch .
FROM ubuntu:22.04
ENV DEBIAN_FRONTEND=noninteractive LC_ALL=C
RUN apt-get update -qq && apt-get install -y -qq make gcc binutils pkg-config ca-certificates >/dev/null
COPY workbook /workbook
RUN /workbook/grader/deps.sh build && /workbook/grader/autograder/prepare.sh
DOCKER
cat >"$out/prairielearn/info.json" <<JSON
{
    "gradingMethod": "External",
    "externalGradingOptions": {
        "enabled": true,
        "image": "YOUR_ORG/cnn-workbook-$ch",
        "entrypoint": "/grade/tests/run",
        "timeout": 600
    }
}
JSON
echo "make autograder: chapter $ch ($slug), hidden tests: $hidden(seed $seed)"
echo "  Gradescope:   $out/gradescope.zip ($(du -k "$out/gradescope.zip" | cut -f1) KB)"
echo "  PrairieLearn: $out/prairielearn/ (Dockerfile, tests/, info.json)"
echo "  upload steps: grader/autograder/README.md"
