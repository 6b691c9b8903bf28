#!/usr/bin/env bash
# classroom.sh -- prints the GitHub Classroom autograding workflow of a
# student release (grader/release.sh writes it to .github/workflows/classroom.yml):
#
#   grader/classroom.sh RELEASED_SLUG...
#
# The layout is the one GitHub Classroom writes for its own tests: one
# classroom-resources/autograding-command-grader step per test (here: per
# chapter, running `make grade CH=NN`), then the
# classroom-resources/autograding-grading-reporter step, which reads each
# step's result from an environment variable <ID>_RESULTS and reports the
# points. The command grader gives a step its max-score when the command
# exits 0, nothing otherwise: `make grade` exits 0 only at full marks, so
# each chapter counts as done or not (its table, in the step's log, shows
# the points). Not run here: it needs GitHub's runners.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: grader/classroom.sh RELEASED_SLUG..." >&2; exit 2; }

cat <<'EOF'
# GitHub Classroom autograding (written by the workbook's `make release`):
# each chapter handed out is one test, `make grade CH=NN`, worth 10 points
# at full marks. The grader's table is in each step's log.
name: Autograding Tests
'on':
  - push
  - repository_dispatch
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    steps:
      - name: Checkout code
        uses: actions/checkout@v4
      - name: Install the tools the workbook needs
        run: sudo grader/deps.sh build
EOF
ids=()
for slug in "$@"; do
    n=${slug%%-*}
    id=chapter-$n
    ids+=("$id")
    cat <<EOF
      - name: Chapter $n (${slug#*-})
        id: $id
        uses: classroom-resources/autograding-command-grader@v1
        with:
          test-name: Chapter $n (${slug#*-})
          setup-command: ''
          command: make grade CH=$n
          timeout: 15
          max-score: 10
EOF
done
cat <<'EOF'
      - name: Autograding Reporter
        uses: classroom-resources/autograding-grading-reporter@v1
        env:
EOF
for id in "${ids[@]}"; do
    # the reporter reads <ID in capitals>_RESULTS, hyphens kept (as the
    # workflows GitHub Classroom writes: GRADING-TEST_RESULTS)
    var=$(printf '%s' "$id" | tr 'a-z' 'A-Z')_RESULTS
    printf '          %s: "${{steps.%s.outputs.result}}"\n' "$var" "$id"
done
printf '        with:\n          runners: %s\n' "$(IFS=,; echo "${ids[*]}")"
