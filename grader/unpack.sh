#!/usr/bin/env bash
# unpack.sh -- for `grader batch`: turns one submission into a folder of
# files the batch takes exercise files from.
#
#   grader/unpack.sh SUBMISSION DEST
#
# SUBMISSION is one entry of the submissions folder:
#   - a git repository (a work tree with .git, or a bare one): its HEAD's
#     files (git archive), so uncommitted or unpushed work is not graded;
#   - a .zip: extracted with unzip, which skips absolute paths and "../"
#     components; refused above 50 MB uncompressed (the listed sizes) and
#     bounded by a 50 MB file-size limit while extracting; links removed;
#   - a plain folder: copied.
# Exits 0 with DEST filled, or 1 with one line saying why on stderr. The
# batch gives that submission its row with the reason and goes on.
set -uo pipefail
sub=$1 dest=$2
limit_mb=50
rm -rf "$dest" && mkdir -p "$dest" || { echo "cannot create $dest" >&2; exit 1; }
fail() { echo "$*" >&2; rm -rf "$dest"; mkdir -p "$dest"; exit 1; }

if [ -d "$sub" ] && { [ -e "$sub/.git" ] || { [ -f "$sub/HEAD" ] && [ -d "$sub/objects" ]; }; }; then
    command -v git >/dev/null || fail "a git repository, and git is not installed"
    gitdir=$sub; [ -e "$sub/.git" ] && gitdir=$sub/.git
    git --git-dir="$gitdir" rev-parse --verify -q HEAD >/dev/null || fail "a git repository with no commit"
    (ulimit -f $((limit_mb * 2048)); git --git-dir="$gitdir" archive --format=tar HEAD | tar -x -C "$dest" -f -) ||
        fail "its git HEAD could not be read (or is over $limit_mb MB)"
elif [ -f "$sub" ] && [[ $sub == *.zip || $sub == *.ZIP ]]; then
    command -v unzip >/dev/null || fail "a .zip, and unzip is not installed (apt-get install unzip)"
    total=$(unzip -Z -t "$sub" 2>/dev/null | sed -n -E 's/^[0-9]+ files?, ([0-9]+) bytes uncompressed.*/\1/p')
    [ -n "$total" ] || fail "not a readable .zip"
    [ "$total" -le $((limit_mb * 1024 * 1024)) ] || fail "the .zip unpacks to $total bytes, over $limit_mb MB"
    # unzip exits non-zero (and extracts no such entry) for a path outside
    # DEST: the whole .zip is refused then, with unzip's word for it.
    why=$( (ulimit -f $((limit_mb * 2048)); unzip -qq -o "$sub" -d "$dest" </dev/null 2>&1 >/dev/null) ) ||
        fail "the .zip could not be extracted: $(printf '%s' "$why" | head -n 1 | tr -cd '[:print:]' | cut -c1-160)"
    find "$dest" -type l -delete
elif [ -d "$sub" ]; then
    cp -R "$sub"/. "$dest"/ 2>/dev/null || fail "could not copy the folder"
    find "$dest" -type l -delete
else
    fail "not a folder, git repository or .zip"
fi
exit 0
