#!/usr/bin/env python3
"""check_book.py -- the verdict of `make check-docs` on the rendered book.

    check_book.py BOOK_DIR PAGE.html... [--dom PAGE.html=DUMP.html ...]

For every page, reads the HTML (or, when given, the DOM headless Chromium
dumped after loading it) and reports:
  * an <img> that did not load: Chromium marked it data-loaded="no" (the
    file is missing or not an image), or, without a DOM dump, its file is
    missing;
  * a relative link (<a href>, <link href>) whose file does not exist, or
    whose #fragment names no id in the target page.
Absolute URLs and mailto: are not followed (the book must work offline).
Exit status: 0 when nothing is broken, 1 otherwise. Standard library only.
"""
import os
import sys
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images, self.links, self.ids = [], [], set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "img":
            self.images.append((a.get("src", ""), a.get("data-loaded")))
        elif tag in ("a", "link") and a.get("href"):
            self.links.append(a["href"])


def parse(path):
    p = Page()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    return p


def main(argv):
    book, pages, doms = argv[0], [], {}
    args = iter(argv[1:])
    for a in args:
        if a == "--dom":
            page, dump = next(args).split("=", 1)
            doms[page] = dump
        else:
            pages.append(a)
    broken, cache = [], {}

    def ids_of(path):
        if path not in cache:
            cache[path] = parse(path).ids
        return cache[path]

    for page in pages:
        page_path = os.path.join(book, page)
        dom = parse(doms.get(page, page_path))
        base = os.path.dirname(page_path)
        for src, loaded in dom.images:
            target = os.path.normpath(os.path.join(base, unquote(urlsplit(src).path)))
            if loaded == "no" or not os.path.isfile(target):
                broken.append(f"{page}: image {src} does not load (no file {os.path.relpath(target)})")
        for href in dom.links:
            u = urlsplit(href)
            if u.scheme or href.startswith("//"):
                continue
            target = os.path.normpath(os.path.join(base, unquote(u.path))) if u.path else page_path
            if not os.path.exists(target):
                broken.append(f"{page}: link {href} leads nowhere (no file {os.path.relpath(target)})")
            elif u.fragment and target.endswith(".html") and unquote(u.fragment) not in ids_of(target):
                broken.append(f"{page}: link {href}: no id '{u.fragment}' in {os.path.basename(target)}")
        print(f"  {page}: {len(dom.images)} images, {len(dom.links)} links")
    for b in broken:
        print("BROKEN " + b)
    print(f"{len(pages)} pages checked, {len(broken)} broken images/links")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]) if len(sys.argv) > 2 else 2)
