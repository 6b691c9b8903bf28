# assemble.mk -- builds "your workbook": every program a student runs.
#
#   make -f grader/assemble.mk VARIANT=student|solution [all]
#
# `grader assemble` (grader/assemble.c) first writes $(DIR)/sources.mk: for
# each chapter, the folder it builds from -- chapters/NN-slug when you have
# started the chapter, solutions/NN-slug when its exercise files are still
# the shipped skeletons (VARIANT=solution: solutions/ throughout) -- and
# $(DIR)/provenance.c, the same choice as data the programs print.
#
# Every program links every chapter's library (its exercise files from that
# folder, plus its given/ files), the network framework (common/network)
# and the core, so the student's chapters run together as one network:
#
#   chapters/NN/given/*_main.c    -> $(DIR)/bin/<name>      (param_table, bench, ...)
#   common/network/*_main.c       -> $(DIR)/bin/<name>      (train, verdict)
#   chapters/NN/figures/figdata.c -> $(DIR)/bin/figdata-NN  (make figures)
#
# Objects live under $(BUILD)/assembled/obj/<source path>, shared by both
# variants: switching a chapter between yours and the reference relinks,
# and recompiles nothing that was compiled before.

include grader/flags.mk

VARIANT ?= student
DIR := $(BUILD)/assembled/$(VARIANT)
OBJ := $(BUILD)/assembled/obj

ifeq ($(wildcard $(DIR)/sources.mk),)
$(error $(DIR)/sources.mk is missing: run `build/tools/grader assemble` first (make does))
endif
include $(DIR)/sources.mk

lib_srcs = $(filter-out %_main.c,$(wildcard $(1)/*.c))
obj = $(patsubst %.c,$(OBJ)/%.o,$(1))

# Each chapter's sources and its own flags (its chapter.mk's CHAPTER_CFLAGS,
# CHAPTER_LDLIBS), read one chapter.mk at a time.
define chapter_vars
CHAPTER_DEPS :=
CHAPTER_CFLAGS :=
CHAPTER_LDLIBS :=
CHAPTER_NETWORK :=
-include chapters/$(1)/chapter.mk
SRCS_$(1) := $$(call lib_srcs,$$(SRC_$(1))) $$(call lib_srcs,chapters/$(1)/given)
MAINS_$(1) := $$(wildcard chapters/$(1)/given/*_main.c)
FIGS_$(1) := $$(wildcard chapters/$(1)/figures/*.c)
CFLAGS_$(1) := $$(CHAPTER_CFLAGS)
ALL_LDLIBS += $$(CHAPTER_LDLIBS)
endef
ALL_LDLIBS :=
$(foreach c,$(CHAPTERS),$(eval $(call chapter_vars,$(c))))

NET_SRCS := $(call lib_srcs,common/network)
NET_MAINS := $(wildcard common/network/*_main.c)
LIB_OBJS := $(foreach c,$(CHAPTERS),$(call obj,$(SRCS_$(c)))) $(call obj,$(NET_SRCS)) $(DIR)/provenance.o

INCLUDES := $(foreach c,$(CHAPTERS),-I$(SRC_$(c)) $(if $(wildcard chapters/$(c)/given/*.h),-Ichapters/$(c)/given)) \
            -Icommon/network
CFLAGS_BASE := $(CFLAGS_ALL) $(INCLUDES)

# A chapter's objects (library, programs, figure programs) get its flags.
$(foreach c,$(CHAPTERS),$(eval $(call obj,$(SRCS_$(c)) $(MAINS_$(c)) $(FIGS_$(c))): CFLAGS_EXTRA := $(CFLAGS_$(c))))

# The programs: name -> its main object.
prog_name = $(patsubst %_main,%,$(basename $(notdir $(1))))
PROGRAMS :=
define program
PROGRAMS += $(DIR)/bin/$(2)
$(DIR)/bin/$(2): $(call obj,$(1)) $(LIB_OBJS) $(LIB)
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS_ALL) -o $$@ $(call obj,$(1)) $$(LIB_OBJS) $$(LIB) $$(LDLIBS_ALL) $$(ALL_LDLIBS)
endef
$(foreach c,$(CHAPTERS),$(foreach m,$(MAINS_$(c)),$(eval $(call program,$(m),$(call prog_name,$(m))))))
$(foreach m,$(NET_MAINS),$(eval $(call program,$(m),$(call prog_name,$(m)))))
$(foreach c,$(CHAPTERS),$(foreach f,$(FIGS_$(c)),$(eval $(call program,$(f),$(basename $(notdir $(f)))-$(firstword $(subst -, ,$(c)))))))

.PHONY: all
.SECONDARY:
all: $(PROGRAMS)

# A change of compiler or flags rebuilds (see chapter.mk).
FLAGS_STAMP := $(OBJ)/flags.txt
$(shell mkdir -p $(OBJ) && printf '%s\n' '$(CC) $(CFLAGS_BASE) $(foreach c,$(CHAPTERS),$(CFLAGS_$(c))) $(ALL_LDLIBS)' > $(FLAGS_STAMP).$$$$ && \
  { cmp -s $(FLAGS_STAMP).$$$$ $(FLAGS_STAMP) && rm -f $(FLAGS_STAMP).$$$$ || mv $(FLAGS_STAMP).$$$$ $(FLAGS_STAMP); })

$(OBJ)/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) $(CFLAGS_EXTRA) -MMD -MP -c $< -o $@

$(DIR)/provenance.o: $(DIR)/provenance.c
	$(CC) $(CFLAGS_BASE) -MMD -MP -c $< -o $@

include grader/lib.mk

-include $(DIR)/provenance.d $(wildcard $(OBJ)/*/*/*.d $(OBJ)/*/*/*/*.d $(OBJ)/*/*/*/*/*.d)
