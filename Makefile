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
STUDENT ?= 0
TEST ?=

# `CH=4` and `CH=04` both work; the slug is found from chapters/NN-*.
CH2 = $(if $(CH),$(shell printf '%02d' $$((10#$(CH))) 2>/dev/null))
SLUG = $(notdir $(firstword $(wildcard chapters/$(CH2)-*)))

.PHONY: help deps lib chapter grade skeletons check-skeletons test test-core figures datasets clean

help: ## print this help
	@echo "The CNN workbook. Targets (variables in CAPS):"
	@grep -h -E '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | \
	  awk -F':.*## ' '{ printf "  make %-16s %s\n", $$1, $$2 }'
	@echo "Options: SOLUTION=1 (grade/build solutions/), SANITIZE=1 (ASan+UBSan), CC=clang, CI=true (-Werror)"

deps: ## check the tools; install them with apt-get when root on Debian/Ubuntu
	@grader/deps.sh build

lib: $(LIB) $(TESTLIB) $(RECORD_OBJ) ## build the core library (common/)

$(BUILD)/bin/skelgen: grader/skelgen.c
	@mkdir -p $(@D)
	$(CC) -std=c11 $(WARNFLAGS) -O2 -o $@ $<

chapter: deps lib ## build a chapter's tests and programs: make chapter CH=05 [SOLUTION=1]
	@test -n "$(SLUG)" || { echo "make chapter: give a chapter number, e.g. make chapter CH=05" >&2; exit 2; }
	@$(MAKE) -f grader/chapter.mk CHAPTER=$(SLUG) \
	   SRC=$(if $(filter 1,$(SOLUTION)),solutions,chapters)/$(SLUG) \
	   OUT=$(BUILD)/$(if $(filter 1,$(SOLUTION)),solution,student)/$(SLUG) all

grade: deps ## grade a chapter: make grade CH=01 [SOLUTION=1] [TEST=name]; no CH: progress table
ifeq ($(CH),)
	@grader/progress.sh $(if $(filter 1,$(SOLUTION)),--solution)
else
	@grader/grade.sh $(if $(filter 1,$(SOLUTION)),--solution) $(if $(TEST),--test $(TEST)) $(CH)
endif

skeletons: $(BUILD)/bin/skelgen ## regenerate chapters/*/ skeleton files from solutions/
	@grader/skeletons.sh write $(BUILD)/bin/skelgen

check-skeletons: $(BUILD)/bin/skelgen ## fail if a committed skeleton differs from what skelgen makes
	@grader/skeletons.sh check $(BUILD)/bin/skelgen

test-core: deps lib ## run the core's unit tests (common/tests)
	@$(MAKE) $(BUILD)/common-tests
	@cd common/tests && ../../$(BUILD)/common-tests

COMMON_TEST_SRCS := $(wildcard common/tests/*.c)
COMMON_TEST_OBJS := $(COMMON_TEST_SRCS:%.c=$(BUILD)/obj/%.o)
$(COMMON_TEST_OBJS): CFLAGS_EXTRA := $(CRITERION_CFLAGS)
$(BUILD)/common-tests: $(COMMON_TEST_OBJS) $(TESTLIB) $(LIB)
	$(CC) $(LDFLAGS_ALL) -o $@ $(COMMON_TEST_OBJS) $(TESTLIB) $(CRITERION_LIBS) $(LIB) $(LDLIBS_ALL)
-include $(COMMON_TEST_OBJS:.o=.d)

test: ## the whole workbook holds: core tests, solutions full, skeletons below, planted bugs caught, figures
	@grader/deps.sh all
	@grader/test.sh

figures: ## regenerate every figure into docs/figures/ (STUDENT=1: from your chapter code)
	@grader/deps.sh all
	@common/figures/run.sh $(if $(filter 1,$(STUDENT)),--student)

datasets: ## fetch Fashion-MNIST and CIFAR-10 (CIFAR10_SRC=PATH for a local copy)
	@datasets/fetch.sh all

clean: ## remove build/ (your chapter files and datasets are kept)
	rm -rf build

include grader/lib.mk
-include $(wildcard chapters/*/targets.mk)
