# targets.mk -- chapter 07's top-level commands (included by the Makefile):
# the book. `make figures` draws the figures the pages show; `make docs` only
# renders the text around them, so run figures first for a complete book.
.PHONY: docs check-docs
docs: ## render the book: an HTML page per chapter lesson and an index, in build/book/ (pandoc)
	@docs/book.sh build/book

check-docs: ##! open every book page in headless Chromium; fail on a broken image or link
	@docs/check_book.sh build/book
