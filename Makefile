# The CNN workbook -- the one entry point. `make` alone prints the help.
#
# Everything builds into build/ (build/san/ with SANITIZE=1); `make clean`
# removes it. Chapter builds are delegated to grader/chapter.mk, so the
# student's, the solution's and every planted-bug build keep their own objects
# and `make -j2` is safe.

SHELL := /bin/bash
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

include grader/flags.mk

CH ?=
SOLUTION ?= 0
TEST ?=

# `CH=4` and `CH=04` both work; the slug is found from chapters/NN-*.
CH2 = $(if $(CH),$(shell printf '%02d' $$((10#$(CH))) 2>/dev/null))
SLUG = $(notdir $(firstword $(wildcard chapters/$(CH2)-*)))

.PHONY: help deps lib chapter programs grade grade-all autograder watch hint compdb grader skeletons check-skeletons manifest check-manifest solution-objects test test-core test-arm64 figures datasets release bench-grade-all clean

help: ## print this help
	@echo "The CNN workbook. Commands for students (variables in CAPS):"
	@grep -h -E '^[a-z][a-z0-9-]*:.*## ' $(MAKEFILE_LIST) | \
	  awk -F':.*## ' '{ printf "  make %-16s %s\n", $$1, $$2 }'
	@echo "Options: SOLUTION=1 (the reference solution instead of your code), SANITIZE=1 (ASan+UBSan), CC=clang"
	@echo
	@echo "For instructors and maintainers:"
	@grep -h -E '^[a-z][a-z0-9-]*:.*##! ' $(MAKEFILE_LIST) | \
	  awk -F':.*##! ' '{ printf "  make %-16s %s\n", $$1, $$2 }'
	@$(if $(IN_RELEASE),:,grep -h -E '^[a-z][a-z0-9-]*:.*##@ ' $(MAKEFILE_LIST) | \
	  awk -F':.*##@ ' '{ printf "  make %-16s %s\n", $$1, $$2 }')
	@echo "Options: CI=true (-Werror), FORCE=1 (make skeletons: overwrite edited chapter files)"

# A student release (make release) ships without the maintainers' scripts
# (grader/release.sh is one of them): the commands that need them (marked
# ##@ above) are left out of its help and, when typed anyway, say why
# instead of failing on a missing file.
IN_RELEASE := $(if $(wildcard grader/release.sh),,1)
define full_workbook_only
@if [ -n "$(IN_RELEASE)" ]; then \
   echo "make $@: this is a student release of the workbook; $@ needs the solutions and the maintainers' scripts, which stay in the instructor's copy" >&2; \
   exit 2; fi
endef

deps: ##! check the tools; install them with apt-get when root on Debian/Ubuntu
	@grader/deps.sh build

lib: $(LIB) $(TESTLIB) $(RECORD_OBJ) ##! build the core library (common/)

# The grader (grader/*.c but record.c, which is linked into test binaries):
# one program, built with the host compiler, whatever CC or SANITIZE say.
HOSTCC ?= cc
GRADER := build/tools/grader
GRADER_SRCS := $(filter-out grader/record.c,$(wildcard grader/*.c))
$(GRADER): $(GRADER_SRCS) $(wildcard grader/*.h)
	@mkdir -p $(@D)
	$(HOSTCC) -std=c11 $(WARNFLAGS) -O2 -g -D_DEFAULT_SOURCE -D_DARWIN_C_SOURCE -o $@ $(GRADER_SRCS)
grader: $(GRADER)

chapter: deps lib ##! build a chapter's tests (as grading does): make chapter CH=05 [SOLUTION=1]
	@test -n "$(SLUG)" || { echo "make chapter: give a chapter number, e.g. make chapter CH=05" >&2; exit 2; }
	@$(MAKE) -f grader/chapter.mk CHAPTER=$(SLUG) \
	   SRC=$(if $(filter 1,$(SOLUTION)),solutions,chapters)/$(SLUG) \
	   OUT=$(BUILD)/$(if $(filter 1,$(SOLUTION)),solution,student)/$(SLUG) all

grade: deps $(GRADER) ## grade a chapter: make grade CH=01 [SOLUTION=1] [TEST=name]; no CH: your progress over all chapters
ifeq ($(CH),)
	@$(GRADER) progress $(if $(filter 1,$(SOLUTION)),--solution)
else
	@$(GRADER) grade $(if $(filter 1,$(SOLUTION)),--solution) $(if $(TEST),--test $(TEST)) $(CH)
endif

watch: deps $(GRADER) ## grade a chapter again on every save of its files: make watch CH=02 (Ctrl-C stops)
	@test -n "$(CH)" || { echo "make watch: which chapter? e.g. make watch CH=02" >&2; exit 2; }
	@$(GRADER) watch $(CH)

hint: $(GRADER) ## the next hint for the first failing test: make hint CH=02 [TEST=name]
	@test -n "$(CH)" || { echo "make hint: which chapter? e.g. make hint CH=02" >&2; exit 2; }
	@$(GRADER) hint $(CH) $(if $(TEST),--test $(TEST))

JOBS ?= 2
grade-all: deps lib $(GRADER) ##! grade a class into build/grade-all/gradebook.csv: make grade-all SUBMISSIONS=DIR [CH=02] [JOBS=2] [OUT=file.csv]
	@test -n "$(SUBMISSIONS)" || { echo "make grade-all: give SUBMISSIONS=DIR (a folder, git repository or .zip per student) [CH=NN]" >&2; exit 2; }
	@grader/deps.sh batch
	@$(GRADER) batch $(CH) "$(SUBMISSIONS)" --jobs "$(JOBS)" $(if $(OUT),--out "$(OUT)")

bench-grade-all: ##@ batch grading's speed: 100 chapter-02 submissions (N=), at JOBS=1 and 2: submissions a minute, peak memory
	$(full_workbook_only)
	@grader/bench-grade-all.sh

autograder: $(GRADER) ##@ a chapter's Gradescope zip and PrairieLearn grader: make autograder CH=02 [SEED=N] (grader/autograder/README.md)
	$(full_workbook_only)
	@grader/deps.sh maintainer
	@grader/autograder/build.sh "$(CH)" "$(SEED)"

# compile_commands.json for clangd (and any editor that reads it): every
# chapter's files as grading compiles them.
compdb: deps lib ## write compile_commands.json, so your editor (clangd) knows how each file is compiled
	@for d in chapters/[0-9][0-9]-*; do n=$${d#chapters/}; \
	   $(MAKE) -s -f grader/chapter.mk CHAPTER=$$n SRC=$$d OUT=$(BUILD)/student/$$n compdb; done | \
	 sed -e 's|@ROOT@|$(CURDIR)|g' -e '$$ s/,$$//' | { echo "["; cat; echo "]"; } >compile_commands.json
	@echo "wrote compile_commands.json ($$(grep -c '"file"' compile_commands.json) files)"

skeletons: $(GRADER) ##! regenerate chapters/*/ skeletons from solutions/ (refuses to overwrite edited files; FORCE=1)
	@$(GRADER) skeletons write $(if $(filter 1,$(FORCE)),--force)

check-skeletons: $(GRADER) ##! fail if a committed skeleton differs from what the generator makes
	@$(GRADER) skeletons check

# The grader's record of the workbook's files (checksums of every test file
# and shipped skeleton) and of what each reference file calls: both made
# from the solutions, so those are built first.
solution-objects:
	@for d in solutions/[0-9][0-9]-*; do n=$${d#solutions/}; $(MAKE) -s chapter CH=$${n%%-*} SOLUTION=1 >/dev/null || exit 1; done

manifest: deps $(GRADER) solution-objects ##! rewrite grader/checksums.txt and grader/allowed-symbols.txt after changing tests or solutions
	@$(GRADER) manifest write

check-manifest: deps $(GRADER) solution-objects ##! fail if grader/checksums.txt or allowed-symbols.txt is out of date
	@$(GRADER) manifest check

test-core: deps lib ##! run the core's unit tests (common/tests)
	@$(MAKE) $(BUILD)/common-tests
	@cd common/tests && LSAN_OPTIONS=suppressions=$(CURDIR)/common/tests/lsan.supp:print_suppressions=0 \
	   ../../$(BUILD)/common-tests

COMMON_TEST_SRCS := $(wildcard common/tests/*.c)
COMMON_TEST_OBJS := $(COMMON_TEST_SRCS:%.c=$(BUILD)/obj/%.o)
$(COMMON_TEST_OBJS): CFLAGS_EXTRA := $(CRITERION_CFLAGS)
$(BUILD)/common-tests: $(COMMON_TEST_OBJS) $(TESTLIB) $(LIB)
	$(CC) $(LDFLAGS_ALL) -o $@ $(COMMON_TEST_OBJS) $(TESTLIB) $(CRITERION_LIBS) $(LIB) $(LDLIBS_ALL)
-include $(COMMON_TEST_OBJS:.o=.d)

# The programs a student runs (train, verdict, bench, the chapter demos and
# the figure programs) are "your workbook": every chapter you have started
# is your code, every chapter you have not is the reference (grader
# assemble decides; SOLUTION=1 takes the reference throughout), built by
# grader/assemble.mk into $(BUILD)/assembled/<student|solution>/bin.
VARIANT := $(if $(filter 1,$(SOLUTION)),solution,$(if $(filter 1,$(ALL_YOURS)),yours,student))
PROGRAMS := $(BUILD)/assembled/$(VARIANT)/bin
programs: deps lib $(GRADER) ##! build every program a student runs, from their own chapters (SOLUTION=1: the reference's)
	@$(GRADER) assemble $(if $(filter 1,$(SOLUTION)),--solution,$(if $(filter 1,$(ALL_YOURS)),--all-yours)) --build $(BUILD)
	@test -x $(PROGRAMS)/train || echo "Building your workbook's programs from your chapters (the first time takes a minute)..."
	@$(MAKE) -s -f grader/assemble.mk VARIANT=$(VARIANT) all >$(BUILD)/assembled/$(VARIANT).log 2>&1 || \
	  { grep -E 'error|undefined' $(BUILD)/assembled/$(VARIANT).log | head -n 20 >&2; \
	    echo "The programs did not build (above; all of it in $(BUILD)/assembled/$(VARIANT).log):" \
	         "a chapter you have started does not compile; make grade CH=NN shows why." >&2; exit 1; }

# In a student release (make release) the maintainers' grader/test.sh, which
# needs every solution, is not shipped: its `make test` checks the release.
test: ##! the whole workbook holds: core tests, solutions full, skeletons below, planted bugs caught, figures
	@if [ -f grader/test.sh ]; then grader/deps.sh maintainer && grader/test.sh; \
	 else grader/deps.sh all && grader/release-check.sh; fi

release: ##@ write a student repository without solutions: make release OUT=DIR [CHAPTERS=03-05]
	$(full_workbook_only)
	@grader/release.sh "$(OUT)" "$(CHAPTERS)"

# Not part of `make test`: under emulation it takes several minutes.
test-arm64: ##@ the workbook on arm64: cross-compiled, core tests and every chapter graded under qemu (Debian; root installs)
	$(full_workbook_only)
	@grader/test-arm64.sh

figures: programs ## regenerate every figure from your workbook (into docs/figures/ when every chapter is the reference)
	@grader/deps.sh all
	@common/figures/run.sh $(VARIANT)

datasets: ## fetch Fashion-MNIST and CIFAR-10 (CIFAR10_SRC=PATH for a local copy)
	@datasets/fetch.sh all

clean: ## remove build/ (your chapter files and datasets are kept)
	rm -rf build

include grader/lib.mk
-include $(wildcard chapters/*/targets.mk)
