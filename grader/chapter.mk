# chapter.mk -- builds one chapter's Criterion test binary, for grading.
#
#   make -f grader/chapter.mk CHAPTER=04-pooling SRC=chapters/04-pooling \
#        OUT=build/student/04-pooling [tests]
#
# SRC is the folder whose .c files are compiled as the chapter (the student's
# chapters/NN-slug, solutions/NN-slug, or a scratch copy with a planted bug),
# with the chapter's given code (SRC/given/ if the copy has one, else
# chapters/NN-slug/given/); the tests always come from chapters/NN-slug. The
# chapter's own chapter.mk may name earlier chapters (CHAPTER_DEPS) whose
# SOLUTION files are linked in (in a student release without that solution,
# the student's own files: grader/flags.mk's reference_dir), files of the network framework
# (CHAPTER_NETWORK, common/network/NAME.c), and add flags. The programs a
# student runs are built by grader/assemble.mk, from their own chapters.

include grader/flags.mk

ifeq ($(CHAPTER),)
$(error CHAPTER is not set: use `make grade CH=NN` or `make chapter CH=NN`)
endif
ifeq ($(wildcard chapters/$(CHAPTER)/.),)
$(error chapters/$(CHAPTER) does not exist)
endif
SRC ?= chapters/$(CHAPTER)
OUT ?= $(BUILD)/student/$(CHAPTER)

CHAPTER_DEPS :=
CHAPTER_NETWORK :=
CHAPTER_CFLAGS :=
CHAPTER_LDLIBS :=
-include chapters/$(CHAPTER)/chapter.mk

TESTDIR := chapters/$(CHAPTER)/tests

lib_srcs = $(filter-out %_main.c,$(wildcard $(1)/*.c))
given_dir = $(if $(wildcard $(1)/given/.),$(1)/given,chapters/$(2)/given)
CH_SRCS := $(call lib_srcs,$(SRC)) $(call lib_srcs,$(call given_dir,$(SRC),$(CHAPTER)))
DEP_SRCS := $(foreach d,$(CHAPTER_DEPS),$(call lib_srcs,$(call reference_dir,$(d))) $(call lib_srcs,chapters/$(d)/given))
NET_SRCS := $(addprefix common/network/,$(addsuffix .c,$(CHAPTER_NETWORK)))
TEST_SRCS := $(wildcard $(TESTDIR)/*.c)

# HIDDEN=solutions/NN-slug/hidden (the autograders, grader/autograder/): the
# hidden tests are compiled into the same binary as the visible ones, with
# HIDDEN_SEED (chosen when the autograder is built) for their inputs, and
# compare the graded code with the reference compiled in beside it: every
# global symbol of the reference's exercise files gets the prefix ref_
# (objcopy), so conv2d_valid is the graded code and ref_conv2d_valid the
# reference, in one process. The reference objects are in no object list
# below, so the symbol check refuses graded code that calls a ref_ function.
HIDDEN :=
HIDDEN_SEED ?= 1
ifneq ($(HIDDEN),)
ifeq ($(wildcard $(HIDDEN)/*.c),)
$(error HIDDEN=$(HIDDEN) holds no hidden test (*.c))
endif
TEST_SRCS += $(wildcard $(HIDDEN)/*.c)
EXERCISE_FILES := $(notdir $(shell grep -l '^/\* EXERCISE' $(wildcard chapters/$(CHAPTER)/*.c)))
REF_OBJS := $(patsubst %.c,$(OUT)/ref/%.o,$(EXERCISE_FILES))
OBJCOPY ?= objcopy
NM ?= nm
endif

# Every object of this build lives under OUT, so the student, solution and
# planted builds of a chapter never share (or race for) an object file.
# But batch grading (grader batch) sets SHARED_OBJ: the tests' and the
# dependencies' objects, the same for every submission, are built there once
# (`shared-objects`, before the batch starts) and only linked by each grade.
obj = $(patsubst %.c,$(OUT)/obj/%.o,$(1))
SHARED_OBJ ?=
SHARED := $(if $(SHARED_OBJ),$(SHARED_OBJ),$(OUT))
shared_obj = $(patsubst %.c,$(SHARED)/obj/%.o,$(1))
CH_OBJS := $(call obj,$(CH_SRCS))
DEP_OBJS := $(call shared_obj,$(DEP_SRCS)) $(call shared_obj,$(NET_SRCS))
TEST_OBJS := $(call shared_obj,$(TEST_SRCS))

INCLUDES := -I$(SRC) $(if $(HIDDEN),-Igrader/autograder) $(foreach d,$(CHAPTER_DEPS),-I$(call reference_dir,$(d))) $(if $(NET_SRCS),-Icommon/network) \
            $(foreach d,$(CHAPTER) $(CHAPTER_DEPS),$(if $(wildcard chapters/$(d)/given/*.h),-Ichapters/$(d)/given))
CFLAGS_CH := $(CFLAGS_ALL) $(INCLUDES) $(CHAPTER_CFLAGS)
LIBS_CH := $(LIB) $(LDLIBS_ALL) $(CHAPTER_LDLIBS)

.PHONY: all tests compdb shared-objects
# Keep every object (pattern-rule intermediates too) for incremental rebuilds.
.SECONDARY:
all: tests
# The grader checks what the student's objects call (grader/symcheck.h): it
# reads which objects are the graded chapter's and which its dependencies'.
tests: $(if $(TEST_SRCS),$(OUT)/tests)
	@printf '%s\n' $(CH_OBJS) >$(OUT)/student-objects.txt
	@printf '%s\n' $(DEP_OBJS) >$(OUT)/trusted-objects.txt

shared-objects: $(TEST_OBJS) $(DEP_OBJS)

$(OUT)/tests: $(TEST_OBJS) $(RECORD_OBJ) $(CH_OBJS) $(DEP_OBJS) $(REF_OBJS) $(TESTLIB) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS_ALL) -o $@ $(TEST_OBJS) $(RECORD_OBJ) $(CH_OBJS) $(DEP_OBJS) $(REF_OBJS) $(TESTLIB) $(CRITERION_LIBS) $(LIBS_CH)

$(TEST_OBJS): CFLAGS_EXTRA := $(CRITERION_CFLAGS) -I$(TESTDIR) $(if $(HIDDEN),-DHIDDEN_SEED=$(HIDDEN_SEED)ULL)

# A change of flags rebuilds everything: flags.txt is rewritten only when the
# compiler, flags or libraries differ from the last build's (e.g. a library
# that chapter 06's benchmark compares with was installed since, which adds a
# -DHAVE_... and a -l...).
FLAGS_STAMP := $(OUT)/flags.txt
$(shell mkdir -p $(OUT) && printf '%s\n' '$(CC) $(CFLAGS_CH) $(LIBS_CH) $(if $(HIDDEN),hidden=$(HIDDEN) seed=$(HIDDEN_SEED))' > $(FLAGS_STAMP).$$$$ && \
  { cmp -s $(FLAGS_STAMP).$$$$ $(FLAGS_STAMP) && rm -f $(FLAGS_STAMP).$$$$ || mv $(FLAGS_STAMP).$$$$ $(FLAGS_STAMP); })

# The compiler's messages for each object are kept beside it (<object>.log),
# so the grader shows a file's warnings on every grade, not only on the one
# that happened to compile it.
$(OUT)/obj/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_CH) $(CFLAGS_EXTRA) -MMD -MP -c $< -o $@ 2>$@.log; status=$$?; cat $@.log >&2; exit $$status
ifneq ($(SHARED),$(OUT))
# A grade of the batch only links the shared objects: they were built by
# `shared-objects` with SHARED as OUT (its flags.txt), so this rule runs only
# if one is missing.
$(SHARED)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_CH) $(CFLAGS_EXTRA) -MMD -MP -c $< -o $@ 2>$@.log; status=$$?; cat $@.log >&2; exit $$status
endif

# The reference's copy of an exercise file, its global symbols renamed ref_*:
# every symbol any of the reference's exercise files defines, so its calls
# between its own files (conv2d_forward -> conv_output_size) stay inside
# the reference.
REF_PLAIN := $(patsubst $(OUT)/ref/%,$(OUT)/ref-plain/%,$(REF_OBJS))
$(OUT)/ref-plain/%.o: solutions/$(CHAPTER)/%.c $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Isolutions/$(CHAPTER) $(INCLUDES) $(CHAPTER_CFLAGS) -MMD -MP -c $< -o $@
$(OUT)/ref/renames.txt: $(REF_PLAIN)
	@mkdir -p $(@D)
	$(NM) -g --defined-only $(REF_PLAIN) | awk 'NF == 3 { print $$3, "ref_" $$3 }' | sort -u >$@
$(OUT)/ref/%.o: $(OUT)/ref-plain/%.o $(OUT)/ref/renames.txt
	$(OBJCOPY) --redefine-syms=$(OUT)/ref/renames.txt $< $@

# LEADERBOARD=grader/autograder/leaderboard_bench.c (chapter 06's autograder,
# grader/leaderboard.h): the two programs the grader times for the
# leaderboard, `make -f grader/chapter.mk ... leaderboard`.
#   leaderboard-fast       the benchmark with the graded chapter (CH_OBJS, the
#                          very objects the tests ran)
#   leaderboard-reference  the same benchmark with the reference chapter,
#                          compiled apart from any graded file (solutions/ first
#                          on the include path), and the naive convolution of
#                          the dependencies: the baseline the student's code
#                          is compared with never shares a process with it
# A goal of its own, so a failure here costs the leaderboard, never the grade.
LEADERBOARD :=
ifneq ($(LEADERBOARD),)
LB_DIR := $(OUT)/leaderboard
LB_REF_SRCS := $(call lib_srcs,solutions/$(CHAPTER)) $(call lib_srcs,chapters/$(CHAPTER)/given)
LB_REF_OBJS := $(patsubst %.c,$(LB_DIR)/ref/%.o,$(LB_REF_SRCS))
CFLAGS_LB := $(CFLAGS_ALL) -Isolutions/$(CHAPTER) $(INCLUDES) $(CHAPTER_CFLAGS)
.PHONY: leaderboard
leaderboard: $(LB_DIR)/leaderboard-fast $(LB_DIR)/leaderboard-reference
$(LB_DIR)/ref/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_LB) -MMD -MP -c $< -o $@
$(LB_DIR)/fast.o: $(LEADERBOARD) $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_LB) -DLEADERBOARD_FAST -MMD -MP -c $< -o $@
$(LB_DIR)/reference.o: $(LEADERBOARD) $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_LB) -DLEADERBOARD_REFERENCE -MMD -MP -c $< -o $@
$(LB_DIR)/leaderboard-fast: $(LB_DIR)/fast.o $(CH_OBJS) $(DEP_OBJS) $(LIB)
	$(CC) $(LDFLAGS_ALL) -o $@ $(LB_DIR)/fast.o $(CH_OBJS) $(DEP_OBJS) $(LIBS_CH)
$(LB_DIR)/leaderboard-reference: $(LB_DIR)/reference.o $(LB_REF_OBJS) $(DEP_OBJS) $(LIB)
	$(CC) $(LDFLAGS_ALL) -o $@ $(LB_DIR)/reference.o $(LB_REF_OBJS) $(DEP_OBJS) $(LIBS_CH)
-include $(wildcard $(LB_DIR)/*.d $(LB_DIR)/ref/*/*.d $(LB_DIR)/ref/*/*/*.d $(LB_DIR)/ref/*/*/*/*.d)
endif

include grader/lib.mk

-include $(wildcard $(OUT)/ref-plain/*.d $(OUT)/obj/*.d $(OUT)/obj/*/*.d $(OUT)/obj/*/*/*.d $(OUT)/obj/*/*/*/*.d $(OUT)/obj/*/*/*/*/*.d $(OUT)/obj/*/*/*/*/*/*.d)

# compile_commands.json entries (make compdb), one per source this build
# compiles: @ROOT@ stands for the workbook's folder.
compdb:
	@$(foreach f,$(CH_SRCS) $(DEP_SRCS) $(NET_SRCS) $(TEST_SRCS),printf '{"directory": "@ROOT@", "file": "%s", "command": "%s -c %s"},\n' '$(f)' '$(CC) $(CFLAGS_CH) $(if $(filter $(TEST_SRCS),$(f)),$(CRITERION_CFLAGS) -I$(TESTDIR))' '$(f)';)
