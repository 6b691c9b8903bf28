# chapter.mk -- chapter 06 builds on the naive convolution (03), and links
# chapter 05's solution for the naive backward pass the tests compare with
# (05 itself needs 04's pooling and the network framework). Dependencies are
# not transitive: all are named.
CHAPTER_DEPS = 03-padding-stride 04-pooling 05-backprop
CHAPTER_NETWORK = model layers_naive epochs

# Portable flags: the intrinsics kernels carry their own target attributes
# and are picked at run time, so the same binary runs on any x86-64.
# -fopenmp-simd honours `#pragma omp simd` even where OpenMP threads are off.
CHAPTER_CFLAGS = -O3 -fopenmp-simd

# The benchmark compares with OpenBLAS when its development files exist,
FC_OPENBLAS := $(shell $(PKG_CONFIG) --exists openblas 2>/dev/null && echo yes)
ifeq ($(FC_OPENBLAS),yes)
CHAPTER_CFLAGS += -DHAVE_OPENBLAS $(shell $(PKG_CONFIG) --cflags openblas)
CHAPTER_LDLIBS = $(shell $(PKG_CONFIG) --libs openblas)
endif
# ... and with oneDNN (Debian: libdnnl-dev, no pkg-config file) when a test
# program compiles and links against it.
FC_DNNL_PROBE = printf '\043include <dnnl.h>\nint main(void){return dnnl_version()->major < 1;}\n' | \
             $(CC) -x c - -ldnnl -o /dev/null 2>/dev/null && echo yes
FC_DNNL := $(call cached_probe,dnnl,FC_DNNL_PROBE)
ifeq ($(FC_DNNL),yes)
CHAPTER_CFLAGS += -DHAVE_DNNL
CHAPTER_LDLIBS += -ldnnl
endif
