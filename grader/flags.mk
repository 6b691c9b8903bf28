# flags.mk -- compiler flags shared by the top-level Makefile and chapter.mk.
#
# CC=clang works as well as gcc. CI=true adds -Werror. SANITIZE=1 builds
# everything with AddressSanitizer and UBSan into build/san/ so the ordinary
# build stays fast. OpenMP is used when the compiler can link it.
#
# A cross build (grader/test-arm64.sh) names its target's tools and
# libraries in the environment: CC, AR, PKG_CONFIG (the target's, so that
# chapter 06 finds the target's OpenBLAS or none), CRITERION_CFLAGS and
# CRITERION_LIBS when its Criterion is not where pkg-config looks (with an
# -rpath, so the tests find it as they run), and a BUILD of its own.

CC ?= cc
ifeq ($(origin CC),default)
CC := cc
endif

ifeq ($(SANITIZE),1)
BUILD ?= build/san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD ?= build
SANFLAGS :=
endif

WARNFLAGS := -Wall -Wextra
ifeq ($(CI),true)
WARNFLAGS += -Werror
endif

# The folder of chapter $(1)'s reference code, for the chapters that build on
# it: solutions/NN-slug; in a student release (make release) that hands the
# chapter out as an exercise and so has no solution for it, the student's own
# chapters/NN-slug stands in (a later chapter then runs on their code).
reference_dir = $(if $(wildcard solutions/$(1)/.),solutions/$(1),chapters/$(1))

# Probes: does a test program compile and link? A yes is kept in
# build/tools/probes/ (one small file per question and compiler), so a make
# with nothing to build does not compile a test program each time (about
# 50 ms each, and a grade runs make three times); a no is asked again every
# time, so installing the missing package is noticed at once. `make clean`
# forgets them all. Use: $(call cached_probe,NAME,VARIABLE) where VARIABLE
# holds a shell command that prints the answer (nothing for no).
PROBE_DIR := build/tools/probes
probe_file = $(PROBE_DIR)/$(1)-$(subst /,_,$(CC))
cached_probe = $(shell cat '$(call probe_file,$(1))' 2>/dev/null || { r=$$($($(2))); \
                 if [ -n "$$r" ]; then mkdir -p $(PROBE_DIR) && printf '%s\n' "$$r" >'$(call probe_file,$(1))'; fi; \
                 printf '%s' "$$r"; })

OPENMP_TEST := printf '\043include <omp.h>\nint main(void){return omp_get_max_threads() < 1;}\n'
OPENMP_PROBE = $(OPENMP_TEST) | $(CC) -fopenmp -x c - -o /dev/null 2>/dev/null && echo -fopenmp

# macOS (Darwin): Homebrew's packages live under its prefix, which Apple
# clang does not search: /opt/homebrew on Apple Silicon, /usr/local on
# Intel (`brew --prefix` says which; it takes a second, so the answer is
# kept like a probe's). Apple clang has no OpenMP runtime of its own: it
# preprocesses OpenMP pragmas when asked (-Xpreprocessor -fopenmp) and
# links Homebrew's libomp. A compiler with a -fopenmp of its own (Homebrew's
# gcc or llvm) is asked first. Untested on a real Mac: see the README.
UNAME_S := $(shell uname -s 2>/dev/null)
ifeq ($(UNAME_S),Darwin)
BREW_PROBE = brew --prefix 2>/dev/null || for p in /opt/homebrew /usr/local; do \
               if [ -d "$$p/opt" ]; then echo "$$p"; break; fi; done
BREW_PREFIX := $(call cached_probe,brew-prefix,BREW_PROBE)
LIBOMP := $(BREW_PREFIX)/opt/libomp
OPENMP_PROBE = { $(OPENMP_TEST) | $(CC) -fopenmp -x c - -o /dev/null 2>/dev/null && echo -fopenmp; } || \
               { $(OPENMP_TEST) | $(CC) -Xpreprocessor -fopenmp -I'$(LIBOMP)/include' -x c - -o /dev/null \
                   -L'$(LIBOMP)/lib' -lomp 2>/dev/null && echo libomp; }
endif
OPENMP_FLAG := $(call cached_probe,openmp,OPENMP_PROBE)
ifeq ($(OPENMP_FLAG),libomp)
OPENMP_CFLAGS := -Xpreprocessor -fopenmp -I$(LIBOMP)/include
OPENMP_LDFLAGS :=
OPENMP_LDLIBS := -L$(LIBOMP)/lib -lomp
else
OPENMP_CFLAGS := $(OPENMP_FLAG)
OPENMP_LDFLAGS := $(OPENMP_FLAG)
OPENMP_LDLIBS :=
endif
# Criterion and zlib from Homebrew: found by pkg-config when it is
# Homebrew's, else by the prefix's include and lib folders.
ifneq ($(BREW_PREFIX),)
BREW_CFLAGS := -I$(BREW_PREFIX)/include
BREW_LDFLAGS := -L$(BREW_PREFIX)/lib
ifneq ($(wildcard $(BREW_PREFIX)/opt/zlib/lib),)
BREW_CFLAGS += -I$(BREW_PREFIX)/opt/zlib/include
BREW_LDFLAGS += -L$(BREW_PREFIX)/opt/zlib/lib
endif
endif

PKG_CONFIG ?= pkg-config
ifeq ($(origin CRITERION_CFLAGS),undefined)
CRITERION_CFLAGS := $(shell $(PKG_CONFIG) --cflags criterion 2>/dev/null)
endif
ifeq ($(origin CRITERION_LIBS),undefined)
CRITERION_LIBS := $(or $(shell $(PKG_CONFIG) --libs criterion 2>/dev/null),-lcriterion)
endif

CFLAGS_ALL := -std=c11 $(WARNFLAGS) -O2 -g -D_POSIX_C_SOURCE=200809L \
              $(OPENMP_CFLAGS) $(SANFLAGS) -Icommon $(BREW_CFLAGS) $(EXTRA_CFLAGS)
LDFLAGS_ALL := $(OPENMP_LDFLAGS) $(SANFLAGS) $(BREW_LDFLAGS)
LDLIBS_ALL := -lz -lm $(OPENMP_LDLIBS)

# The core library, and the test helpers (which need Criterion) beside it.
LIB := $(BUILD)/lib/libcnn.a
TESTLIB := $(BUILD)/lib/libcnn_testing.a
CORE_SRCS := $(filter-out common/testing.c,$(wildcard common/*.c))
CORE_OBJS := $(CORE_SRCS:%.c=$(BUILD)/obj/%.o)
TESTLIB_OBJS := $(BUILD)/obj/common/testing.o
# The grader's report hook is linked as an object, not from an archive: no
# symbol of it is ever called, so the linker would leave it out of a library.
RECORD_OBJ := $(BUILD)/obj/grader/record.o
