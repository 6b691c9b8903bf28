#!/usr/bin/env bash
# check_book.sh -- `make check-docs`: opens every page of the rendered book in
# headless Chromium and fails on an image that does not load or a relative
# link that leads nowhere.
#
#   docs/check_book.sh [BOOK_DIR]        (default build/book; run `make docs` first)
#
# Each page is loaded from a copy beside it with a tiny script added that,
# once the page has loaded, marks every <img> data-loaded="yes" or "no"
# (complete with a natural width: the browser decoded it); Chromium dumps the
# resulting DOM and docs/check_book.py reads the marks and checks each link's
# file (and #fragment). Chromium is installed with apt-get when it is missing
# and we are root; without it the same links and image files are checked
# statically, and the check says so.
# A maintainer's script (Linux CI, not a student's command): bash 4 and GNU
# tools are fine here; grader/portable.sh checks only what students run.
set -euo pipefail
cd "$(dirname "$0")/.." || exit 2
book=${1:-build/book}
[ -f "$book/index.html" ] || { echo "check-docs: $book/index.html is missing: run make docs first" >&2; exit 1; }
PYTHON=${PYTHON:-python3}

find_chromium() {
    local c
    for c in chromium chromium-browser google-chrome chromium-headless-shell; do
        command -v "$c" >/dev/null 2>&1 && { command -v "$c"; return 0; }
    done
    return 1
}
chromium=$(find_chromium || true)
if [ -z "$chromium" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "check-docs: installing chromium (apt-get install chromium) ..."
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null 2>&1 || true
    chromium=$(find_chromium || true)
fi

pages=()
for f in "$book"/*.html; do
    case ${f##*/} in .check-*) continue ;; esac
    pages+=("${f##*/}")
done
dom_args=()
if [ -n "$chromium" ]; then
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-book.XXXXXX")
    trap 'rm -rf "$tmp" "$book"/.check-*.html' EXIT
    mark='<script>addEventListener("load",function(){for(const i of document.images)i.setAttribute("data-loaded",i.complete\&\&i.naturalWidth>0?"yes":"no")})</script>'
    echo "Loading ${#pages[@]} pages in $("$chromium" --version 2>/dev/null | head -n 1) (headless):"
    # load PAGE: Chromium's DOM of PAGE after loading, in $tmp/PAGE.
    load() {
        sed "s|</body>|$mark</body>|" "$book/$1" >"$book/.check-$1"
        # perl alarm, not timeout (GNU, absent on macOS): a hung Chromium dies after 120 s
        perl -e 'alarm shift; exec @ARGV or die "$ARGV[0]: $!\n"' 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
            --disable-extensions --disable-sync --no-first-run --allow-file-access-from-files \
            --user-data-dir="$tmp/profile-$1" --virtual-time-budget=2000 \
            --dump-dom "file://$PWD/$book/.check-$1" >"$tmp/$1" 2>"$tmp/$1.log"
    }
    # Four pages at a time: most of a headless start-up is waiting.
    pids=()
    for page in "${pages[@]}"; do
        load "$page" & pids+=($!)
        if [ ${#pids[@]} -ge 4 ]; then wait "${pids[0]}" || true; pids=("${pids[@]:1}"); fi
    done
    wait || true
    for page in "${pages[@]}"; do
        if ! grep -q "<body" "$tmp/$page"; then
            echo "BROKEN $page: Chromium could not load it:"; cat "$tmp/$page.log"; exit 1
        fi
        dom_args+=(--dom "$page=$tmp/$page")
    done
else
    echo "check-docs: headless Chromium is not available (install the chromium package);"
    echo "  checking the image files and links without a browser instead:"
fi
"$PYTHON" docs/check_book.py "$book" "${pages[@]}" "${dom_args[@]}"
