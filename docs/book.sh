#!/usr/bin/env bash
# book.sh -- `make docs`: renders the workbook as a small HTML book.
#
#   docs/book.sh [OUT_DIR]        (default build/book)
#
# One page per Markdown source, in reading order:
#   index.html         docs/index.md (the table of contents)
#   NN-slug.html       chapters/NN-slug/README.md, every chapter's lesson
#   figures.html       docs/figures.md (every figure and the command that makes it)
#   performance.html   docs/performance.md (the measurements, with date, CPU and command)
#   readme.html        README.md;  architecture.html  docs/ARCHITECTURE.md
# Each page is standalone HTML with the book's style sheet (docs/book/style.css)
# and previous / index / next links. Links between the .md files become links
# between pages and docs/figures/*.png is copied into OUT_DIR/figures/, so
# images load (docs/book/links.lua does the rewriting). Figures that
# `make figures` has not drawn yet show as broken images: `make check-docs`
# lists them. Needs pandoc: as root on Debian/Ubuntu it installs it, like
# the rest of the workbook's tools; otherwise it says how and exits 1.
set -euo pipefail
cd "$(dirname "$0")/.." || exit 2
out=${1:-build/book}
if ! command -v pandoc >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "make docs: installing pandoc (apt-get install pandoc) ..."
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pandoc; } >/dev/null 2>&1 || true
fi
if ! command -v pandoc >/dev/null 2>&1; then
    echo "make docs: pandoc is not installed, so the book cannot be rendered." >&2
    echo "  Debian/Ubuntu: sudo apt-get install pandoc;  macOS: brew install pandoc" >&2
    echo "  (every lesson is also readable as Markdown: chapters/NN-*/README.md)" >&2
    exit 1
fi
mkdir -p "$out/figures"
cp docs/book/style.css "$out/style.css"
if compgen -G "docs/figures/*.png" >/dev/null; then cp docs/figures/*.png "$out/figures/"; fi

# The reading order: source and page, one pair a line.
pages=()
add() { [ -f "$1" ] && pages+=("$1|$2"); return 0; }
add docs/index.md index.html
for readme in chapters/[0-9][0-9]-*/README.md; do
    [ -f "$readme" ] || continue
    slug=${readme#chapters/}
    add "$readme" "${slug%/README.md}.html"
done
add docs/figures.md figures.html
add docs/performance.md performance.html
add README.md readme.html
add docs/ARCHITECTURE.md architecture.html
[ ${#pages[@]} -gt 0 ] || { echo "make docs: nothing to render" >&2; exit 1; }

# nav CLASS PREV NEXT: the navigation bar of a page.
nav() {
    local prev="<span></span>" next="<span></span>"
    [ -n "$2" ] && prev="<a href=\"$2\">&larr; previous</a>"
    [ -n "$3" ] && next="<a href=\"$3\">next &rarr;</a>"
    printf '<nav class="%s">%s<a href="index.html">contents</a>%s</nav>\n' "$1" "$prev" "$next"
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cnn-book.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for i in "${!pages[@]}"; do
    src=${pages[$i]%%|*} page=${pages[$i]#*|}
    prev="" next=""
    [ "$i" -gt 0 ] && prev=${pages[$((i - 1))]#*|}
    [ "$i" -lt $((${#pages[@]} - 1)) ] && next=${pages[$((i + 1))]#*|}
    nav "book" "$prev" "$next" >"$tmp/before.html"
    nav "book bottom" "$prev" "$next" >"$tmp/after.html"
    title=$(sed -n 's/^# //p' "$src" | head -n 1)
    pandoc "$src" --from gfm+tex_math_dollars --to html5 --standalone \
        --metadata source="$src" --metadata pagetitle="${title:-$page}" \
        --lua-filter docs/book/links.lua --css style.css --mathml \
        --include-before-body "$tmp/before.html" --include-after-body "$tmp/after.html" \
        --output "$out/$page"
    echo "  $src -> $out/$page"
done
echo "The book: $out/index.html (check it with: make check-docs)"
