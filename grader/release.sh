#!/usr/bin/env bash
# release.sh -- `make release OUT=DIR [CHAPTERS=NN-MM]`: writes a student
# repository at DIR, a fresh git repository with one commit, ready to push.
#
# What a course hands out for chapters NN..MM (docs/instructors.md):
#   - every chapter up to MM as chapters/ holds it (lessons, skeletons as
#     generated, tests, given code, figures); chapters after MM are left out
#     (their lessons would come with their tests, and a later release hands
#     them out);
#   - the reference solutions of the chapters BEFORE NN (last weeks'
#     answers), so what the released chapters build on links; none of
#     chapters NN..MM, and no maintainer files of any chapter (planted bugs
#     quote solution lines, make_refs.py is the reference generator), no
#     hidden tests, no autograder;
#   - common/, grader/ (without the maintainers' test scripts, which need
#     every solution), datasets/ (the scripts and the small digits file),
#     docs/, LICENSE, the student README (written here) and the GitHub
#     Classroom workflow;
#   - grader/checksums.txt and allowed-symbols.txt cut down to what is shipped.
# `make test` in the release runs grader/release-check.sh instead of the
# maintainers' grader/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "make release: $*" >&2; exit 2; }

out=${1:-}
range=${2:-}
[ -n "$out" ] || die "give the folder to write: make release OUT=DIR [CHAPTERS=NN-MM]"

all=()
for d in chapters/[0-9][0-9]-*/; do d=${d%/}; all+=("${d#chapters/}"); done
[ ${#all[@]} -gt 0 ] || die "no chapters/NN-slug folders here"
first_all=${all[0]%%-*} last_all=${all[-1]%%-*}
[ -n "$range" ] || range=$first_all-$last_all
[[ $range =~ ^([0-9]{2})-([0-9]{2})$ ]] ||
    die "CHAPTERS='$range' is not a range of two chapter numbers such as 03-05 (chapters here: $first_all-$last_all)"
first=$((10#${BASH_REMATCH[1]})) last=$((10#${BASH_REMATCH[2]}))
[ $first -le $last ] || die "CHAPTERS=$range: the first chapter comes after the last (did you mean $(printf '%02d-%02d' $last $first)?)"
for n in $first $last; do
    compgen -G "chapters/$(printf '%02d' $n)-*" >/dev/null ||
        die "CHAPTERS=$range: there is no chapter $(printf '%02d' $n) (chapters here: $first_all-$last_all)"
done

if [ -e "$out" ]; then
    [ -d "$out" ] || die "OUT=$out exists and is not a folder"
    [ -z "$(ls -A "$out")" ] || die "OUT=$out exists and is not empty: give a new or empty folder (nothing was written)"
fi
command -v git >/dev/null || die "git is needed (apt-get install git)"
git rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
    die "this copy of the workbook is not a git work tree: the release takes the files git tracks (and new ones it does not ignore)"

released=() before=()
for slug in "${all[@]}"; do
    n=$((10#${slug%%-*}))
    if [ $n -lt $first ]; then before+=("$slug")
    elif [ $n -le $last ]; then released+=("$slug")
    fi
done
range=$(printf '%02d-%02d' $first $last)

# keep PATH: is this tracked file part of the release?
keep() {
    local p=$1 slug n
    case $p in
        chapters/[0-9][0-9]-*)
            slug=${p#chapters/}; slug=${slug%%/*}; n=$((10#${slug%%-*}))
            [ $n -le $last ] ;;
        solutions/*/maintainer/* | solutions/*/hidden/*) return 1 ;;
        solutions/[0-9][0-9]-*)
            slug=${p#solutions/}; slug=${slug%%/*}; n=$((10#${slug%%-*}))
            [ $n -lt $first ] ;;
        grader/autograder/* | grader/hostile/* | grader/test.sh | grader/plant.sh | grader/hostile.sh | \
        grader/yours.sh | grader/test-arm64.sh | grader/release.sh | grader/release-readme.sh | \
        grader/classroom.sh | grader/classroom-check.py | grader/bench-grade-all.sh | docs/instructors.md | .ci/* | .notes/* | README.md) return 1 ;;
        *) return 0 ;;
    esac
}

mkdir -p "$out"
out=$(cd "$out" && pwd)
count=0
while IFS= read -r -d '' p; do
    [ -e "$p" ] || continue            # deleted in the work tree, not yet committed
    keep "$p" || continue
    mkdir -p "$out/$(dirname "$p")"
    cp -p "$p" "$out/$p"
    count=$((count + 1))
done < <(git ls-files -z --cached --others --exclude-standard)

# The grader's manifest, cut down to the files shipped: the grader refuses
# test files it does not know, and knows no file that is not there.
{ grep '^#' grader/checksums.txt
  grep -v '^#' grader/checksums.txt | while read -r kind sum path; do
      if [ -e "$out/$path" ]; then printf '%s %s %s\n' "$kind" "$sum" "$path"; fi
  done; } >"$out/grader/checksums.txt"
{ grep '^#' grader/allowed-symbols.txt
  grep -v '^#' grader/allowed-symbols.txt | while read -r file rest; do
      if [ -d "$out/chapters/${file%%/*}" ]; then printf '%s %s\n' "$file" "$rest"; fi
  done; } >"$out/grader/allowed-symbols.txt"

grader/release-readme.sh "$range" "${released[@]}" -- "${before[@]}" >"$out/README.md"
mkdir -p "$out/.github/workflows"
grader/classroom.sh "${released[@]}" >"$out/.github/workflows/classroom.yml"

cd "$out"
git init -q
git add -A
git -c user.name="CNN workbook release" -c user.email="release@localhost" \
    commit -q -m "Release of chapters $range"
echo "make release: wrote $out: chapters $range as exercises" \
     "(${released[*]}), ${#before[@]} earlier chapter(s) with their reference;" \
     "$(git ls-files | wc -l) files, one commit ($(git rev-parse --short HEAD)). Push it: git -C $out remote add origin URL && git -C $out push -u origin HEAD"
