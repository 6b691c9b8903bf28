#!/usr/bin/env bash
# release-readme.sh -- prints the README of a student release (grader/release.sh):
#
#   grader/release-readme.sh NN-MM RELEASED_SLUG... -- EARLIER_SLUG...
#
# The student loop and the chapters table come from the workbook's README
# (one text to keep up to date), the table cut down to the chapters shipped;
# the rest is said here, for a copy that has no solution of its exercises.
set -euo pipefail
cd "$(dirname "$0")/.."
range=$1; shift
released=() before=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do released+=("$1"); shift; done
[ $# -gt 0 ] && shift
before=("$@")
first=${released[0]%%-*}

shipped_rows() { # the table's header and the rows of the chapters shipped
    local re
    re=$(printf '%s|' "${before[@]}" "${released[@]}"); re=${re%|}
    awk -v re="chapters/($re)/" '/^\| chapter \|/ || /^\|---/ { print; next }
                                 /^\| \[/ && $0 ~ re { print }' README.md
}

cat <<EOF
# The CNN workbook: chapters $range

Convolutional neural networks from pixels to feature maps, in C, one small
exercise at a time. This copy hands out chapters $range as exercises: you
write their code, the tests in each chapter's \`tests/\` folder say what is
expected, and the grader tells you where you stand.

## Set up and go (Debian or Ubuntu)

    make grade CH=$first    # installs what is missing, builds, grades chapter $first
    make test           # checks this copy holds: core tests, every exercise builds and grades

Run as root (or in a container) and \`make\` installs the tools it needs with
apt-get (a C compiler, Criterion, zlib, OpenMP, gnuplot, ImageMagick). As a
normal user, or on macOS, it prints the exact \`apt-get\` / \`brew\` line to run
and stops. \`make\` alone lists every command.

\`make test\` does not grade your work: it checks that this copy of the
workbook is whole (the core library's unit tests pass, and every chapter
handed out here compiles and grades). Run it after cloning, or when the grader says something is amiss.

EOF
# `make docs` (the rendered book) is a target of the chapter that ships
# its renderer; without that chapter, the loop does not offer it.
docs_slug=$(grep -l '^docs:' chapters/*/targets.mk 2>/dev/null | head -n 1 | cut -d/ -f2)
awk '/^## The student loop/ { on = 1 } /^\| chapter \|/ { exit } on' README.md |
    if [[ " ${before[*]} ${released[*]} " == *" $docs_slug "* ]]; then cat; else
        sed -e ':a' -e 'N' -e '$!ba' -e 's/ (or the rendered\n   book: `make docs`, then open `build\/book\/index.html`)//'; fi
shipped_rows
cat <<EOF

Everything in the last column runs **your** code for the chapters handed out
here (the untouched skeleton until you start one, so a program may fail or
print zeros until then). $(if [ ${#before[@]} -gt 0 ]; then
echo "The earlier chapters come with their reference solutions, in
\`solutions/\`: a program or a later chapter's tests use them wherever you
have not written your own (\`make grade CH=${before[0]%%-*} SOLUTION=1\` grades the reference)."
fi)$(if [ ${#released[@]} -gt 1 ]; then
echo " A chapter handed out here builds on your own code of the earlier
chapters of this release that it uses (their tests link it), so finish
those first."
fi)

Each chapter folder holds the lesson, your exercise files (a first line
saying so) and their tests; the code you read but do not edit is in its
\`given/\` folder and, for the network that joins the chapters, in
[common/network/](common/network/README.md).

Grading treats your code as untrusted: each test runs alone, with time,
memory and process limits, and code that ends the process, starts programs,
catches signals or writes files is refused with the line named (exercise code
computes and returns). Do not edit the tests: the grader knows each test
file's checksum (grader/checksums.txt) and refuses a changed one.

## Handing in

Commit and push your work. When this repository is a GitHub Classroom
assignment, every push runs \`.github/workflows/classroom.yml\`, which grades
each chapter handed out here with \`make grade CH=NN\` (the same table you see)
and reports the points to Classroom.
EOF
