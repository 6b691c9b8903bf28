#!/usr/bin/env bash
# plant.sh -- proves a chapter's tests bite: plants each classic mistake of
# solutions/NN-slug/maintainer/planted-bugs.txt into a scratch copy of the solution,
# grades the copy, and fails unless every planted bug loses points.
#
#   grader/plant.sh NN
#
# A bug is an exact, single-line edit ("find" must occur exactly once in
# "file"), so a stale entry is reported instead of silently passing. A copy
# that no longer compiles does not count as caught: the bug must be the kind
# of mistake that compiles and runs.
# A maintainer's script (Linux CI, not a student's command): bash 4 and GNU
# tools are fine here; grader/portable.sh checks only what students run.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
ch=$(printf '%02d' "$((10#${1:?usage: grader/plant.sh NN}))")
dir=$(ls -d chapters/"$ch"-* 2>/dev/null | head -n 1)
[ -n "$dir" ] || { echo "plant: no chapter $ch" >&2; exit 2; }
slug=${dir#chapters/}
list="solutions/$slug/maintainer/planted-bugs.txt"
[ -f "$list" ] || { echo "plant: $list is missing: every chapter keeps a list of planted bugs" >&2; exit 1; }

# Parse the list into parallel arrays (blocks of bug:/file:/find:/replace:).
descs=() files=() finds=() repls=()
desc="" file="" find="" repl=""
flush() {
    if [ -n "$desc$file$find$repl" ]; then
        descs+=("$desc"); files+=("$file"); finds+=("$find"); repls+=("$repl")
    fi
    desc="" file="" find="" repl=""
}
while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
        '#'*) ;;
        '') flush ;;
        'bug: '*) desc=${line#bug: } ;;
        'file: '*) file=${line#file: } ;;
        'find: '*) find=${line#find: } ;;
        'replace: '*) repl=${line#replace: } ;;
        *) echo "plant: $list: cannot read the line: $line" >&2; exit 1 ;;
    esac
done <"$list"
flush

failed=0 caught=0
root_scratch="build/planted/$slug"
rm -rf "$root_scratch"
for i in "${!descs[@]}"; do
    k=$((i + 1))
    d=${descs[$i]} f=${files[$i]} fi=${finds[$i]} re=${repls[$i]}
    src="$root_scratch/$k"
    mkdir -p "$src"
    cp solutions/"$slug"/* "$src"/ 2>/dev/null
    # A bug in the chapter's given code (file: given/x.c) plants into a copy
    # of chapters/NN/given, which the build then takes instead.
    [[ "$f" == given/* ]] && cp -r chapters/"$slug"/given "$src"/given
    target="$src/$f"
    if [ -z "$d" ] || [ -z "$f" ] || [ -z "$fi" ] || [ ! -f "$target" ]; then
        echo "  bug $k: incomplete entry or no file '$f' in solutions/$slug (or its given/)" ; failed=1; continue
    fi
    content=$(cat "$target"; printf x); content=${content%x}
    rest=${content#*"$fi"}
    if [ "$rest" = "$content" ]; then
        echo "  bug $k ($d): 'find' text not found in $f: update planted-bugs.txt"; failed=1; continue
    fi
    if [[ "$rest" == *"$fi"* ]]; then
        echo "  bug $k ($d): 'find' text occurs more than once in $f: make it unique"; failed=1; continue
    fi
    printf '%s' "${content/"$fi"/"$re"}" >"$target"
    # Planted copies build without -Werror (CI=false): a planted mistake may
    # leave a variable unused, and a warning is not what the tests must catch.
    out=$(CI=false grader/grade.sh --quiet --src "$src" "$ch" 2>&1)
    rc=$?
    score=$(echo "$out" | tail -n 1 | sed -E 's/.*: ([0-9]+\/[0-9]+) points.*/\1/')
    case $rc in
        1) echo "  caught   bug $k: $d ($score)"; caught=$((caught + 1)) ;;
        0) echo "  MISSED   bug $k: $d (full marks $score: the tests do not notice this mistake)"; failed=1 ;;
        3) echo "  BROKEN   bug $k: $d (the planted copy does not compile: fix the entry)"; failed=1 ;;
        *) echo "  ERROR    bug $k: $d (grader exit $rc)"; echo "$out" | tail -n 5; failed=1 ;;
    esac
done
echo "Chapter $ch planted bugs: $caught of ${#descs[@]} caught"
[ ${#descs[@]} -gt 0 ] || failed=1
exit $failed
