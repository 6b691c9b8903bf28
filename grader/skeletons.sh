#!/usr/bin/env bash
# skeletons.sh -- makes chapters/NN-slug/*.{c,h} from solutions/NN-slug/.
#
#   grader/skeletons.sh write SKELGEN   regenerate every skeleton file
#   grader/skeletons.sh check SKELGEN   exit 1 and list every file that differs
set -uo pipefail
mode=$1 skelgen=$2
cd "$(dirname "$0")/.." || exit 2
scratch=$(mktemp -d); trap 'rm -rf "$scratch"' EXIT
drift=0 count=0
for sol in solutions/*/*.c solutions/*/*.h; do
    [ -e "$sol" ] || continue
    slug=$(basename "$(dirname "$sol")")
    skel="chapters/$slug/$(basename "$sol")"
    "$skelgen" "$sol" "$scratch/out" || { echo "skeletons: $sol has broken markers" >&2; exit 1; }
    count=$((count + 1))
    if [ "$mode" = write ]; then
        mkdir -p "chapters/$slug"
        cmp -s "$scratch/out" "$skel" || { cp "$scratch/out" "$skel"; echo "  wrote $skel"; }
    elif ! cmp -s "$scratch/out" "$skel"; then
        echo "  $skel differs from what skelgen makes of $sol" >&2
        drift=1
    fi
done
# A skeleton file with no solution behind it is drift too.
for skel in chapters/*/*.c chapters/*/*.h; do
    [ -e "$skel" ] || continue
    [ -e "solutions/${skel#chapters/}" ] || { echo "  $skel has no solution file" >&2; drift=1; }
done
if [ "$mode" = check ]; then
    [ $drift = 0 ] && echo "skeletons: all $count skeleton files match their solutions" ||
        echo "skeletons: run 'make skeletons' and commit the result" >&2
fi
exit $drift
