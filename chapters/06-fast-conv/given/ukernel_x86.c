/* GIVEN -- read it, don't edit it.
 *
 * ukernel_x86.c -- chapter 06, step 6.4 (given, optional reading): the
 * micro-kernel written with AVX2 and AVX-512 intrinsics, each with the
 * register tile that fits its instruction set, and the run-time choice of
 * the kernel, its tile and its cache blocks (fastconv.h: GemmKernel).
 *
 * Each intrinsics kernel is compiled for its instruction set with a target
 * attribute, so the rest of the workbook is built with portable flags and
 * the same binary runs on any x86-64: gemm_kernel_by_name asks the CPU
 * (__builtin_cpu_supports) which ones it can execute. On other machines
 * (arm64, ...) only the portable kernel exists.
 *
 * Why two tiles. A tile of C lives in vector registers for a whole run of
 * kc steps, and it needs enough independent accumulators to keep the FMA
 * units busy: an FMA has a latency of about 4 cycles and a core issues 2 a
 * cycle (Intel since Haswell, AMD since Zen 2), so 4 x 2 = 8 must be in
 * flight, and more hide the loads.
 *
 *   AVX-512: 32 registers of 16 floats. 8 x 32 = 16 accumulators, plus 2
 *            for the row of B and 1 for the broadcast of A: 19 registers.
 *   AVX2:    16 registers of 8 floats. 8 x 32 would need 32 accumulators;
 *            6 x 16 needs 12, plus 2 for B and 1 for A: 15 of the 16.
 *            Per step: 2 loads of B, 6 broadcasts of A, 12 FMAs.
 *   portable: the student's 8 x 32, vectorized by the compiler.
 *
 * The cache blocks follow the tile and the caches the CPU reports
 * (sysconf on Linux; the defaults below elsewhere): kc so that one B panel
 * (kc x nr) takes half the L1, mc so that the packed A block (mc x kc)
 * takes half the L2, nc so that the packed B block (kc x nc) takes a
 * quarter of the L3.
 *
 * FC_KERNEL=portable (or avx2, avx512) in the environment forces a kernel:
 * the tests of a machine without AVX2 run here that way. A kernel this CPU
 * cannot run is refused with a message, never run.
 */
#include "fastconv.h"

#include "error.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define FC_X86 1
#include <immintrin.h>

/* Each kernel is written once, as an inline body that reads row p of B
 * either from a packed panel (brow NULL: b + p*nr, 64-byte aligned) or in
 * place (its two vectors at b + brow[p] and bstep floats further on); the
 * two entry points below it compile it both ways, so the choice costs
 * nothing inside the loop. */
__attribute__((target("avx512f,fma"), always_inline)) static inline void
avx512_tile(int kc, const float *a, const float *b, int bstep, const int *brow, const float *bias, float *c,
            int ldc, const int ROWS, int rows)
{
    /* c [rows,32] (row stride ldc) += a-panel [kc][8] * B [kc][32], rows
     * <= ROWS <= 8: ROWS, a constant at each call, is how many rows are
     * computed (the others' code is dropped by the compiler), rows how many
     * are stored. */
    __m512 c0a = _mm512_setzero_ps(), c0b = _mm512_setzero_ps(), c1a = _mm512_setzero_ps(),
           c1b = _mm512_setzero_ps(), c2a = _mm512_setzero_ps(), c2b = _mm512_setzero_ps(),
           c3a = _mm512_setzero_ps(), c3b = _mm512_setzero_ps(), c4a = _mm512_setzero_ps(),
           c4b = _mm512_setzero_ps(), c5a = _mm512_setzero_ps(), c5b = _mm512_setzero_ps(),
           c6a = _mm512_setzero_ps(), c6b = _mm512_setzero_ps(), c7a = _mm512_setzero_ps(),
           c7b = _mm512_setzero_ps();
#define ROW_FMA(i, ca, cb)                                 \
    do {                                                   \
        __m512 ai_ = _mm512_set1_ps(a[i]);                 \
        ca = _mm512_fmadd_ps(ai_, b0, ca);                 \
        cb = _mm512_fmadd_ps(ai_, b1, cb);                 \
    } while (0)
    for (int p = 0; p < kc; p++) {
        __m512 b0, b1;
        if (brow) {
            const float *row = b + brow[p];
            b0 = _mm512_loadu_ps(row), b1 = _mm512_loadu_ps(row + bstep);
        } else {
            b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16);
            b += 32;
        }
        ROW_FMA(0, c0a, c0b);
        if (ROWS > 1) ROW_FMA(1, c1a, c1b);
        if (ROWS > 2) ROW_FMA(2, c2a, c2b);
        if (ROWS > 3) ROW_FMA(3, c3a, c3b);
        if (ROWS > 4) ROW_FMA(4, c4a, c4b);
        if (ROWS > 5) ROW_FMA(5, c5a, c5b);
        if (ROWS > 6) ROW_FMA(6, c6a, c6b);
        if (ROWS > 7) ROW_FMA(7, c7a, c7b);
        a += 8;
    }
#undef ROW_FMA
#define ROW_STORE(i, ca, cb)                                                     \
    do {                                                                         \
        float *ci_ = c + (size_t)(i) * ldc;                                      \
        __m512 ba_ = bias ? _mm512_set1_ps(bias[i]) : _mm512_loadu_ps(ci_);      \
        __m512 bb_ = bias ? ba_ : _mm512_loadu_ps(ci_ + 16);                     \
        _mm512_storeu_ps(ci_, _mm512_add_ps(ba_, ca));                           \
        _mm512_storeu_ps(ci_ + 16, _mm512_add_ps(bb_, cb));                      \
    } while (0)
    ROW_STORE(0, c0a, c0b);
    if (rows > 1) ROW_STORE(1, c1a, c1b);
    if (rows > 2) ROW_STORE(2, c2a, c2b);
    if (rows > 3) ROW_STORE(3, c3a, c3b);
    if (rows > 4) ROW_STORE(4, c4a, c4b);
    if (rows > 5) ROW_STORE(5, c5a, c5b);
    if (rows > 6) ROW_STORE(6, c6a, c6b);
    if (rows > 7) ROW_STORE(7, c7a, c7b);
#undef ROW_STORE
}

__attribute__((target("avx512f,fma"))) static void gemm_ukernel_avx512(int kc, const float *a, const float *b,
                                                                        float *c, int ldc)
{
    avx512_tile(kc, a, b, 16, NULL, NULL, c, ldc, 8, 8);
}

/* A tile cut short in M (the last panel of 10 or 20 rows) costs what its
 * rows cost: an even number of rows at least `rows` is computed. */
__attribute__((target("avx512f,fma"))) static void gemm_ukernel_avx512_rows(int kc, const float *a, const float *b,
                                                                             int bstep, const int *brow,
                                                                             const float *bias, float *c, int ldc,
                                                                             int rows)
{
    if (rows > 6) avx512_tile(kc, a, b, bstep, brow, bias, c, ldc, 8, rows);
    else if (rows > 4) avx512_tile(kc, a, b, bstep, brow, bias, c, ldc, 6, rows);
    else if (rows > 2) avx512_tile(kc, a, b, bstep, brow, bias, c, ldc, 4, rows);
    else avx512_tile(kc, a, b, bstep, brow, bias, c, ldc, 2, rows);
}

__attribute__((target("avx2,fma"), always_inline)) static inline void
avx2_tile(int kc, const float *a, const float *b, int bstep, const int *brow, const float *bias, float *c, int ldc,
          const int ROWS, int rows)
{
    /* c [rows,16] (row stride ldc) += a-panel [kc][6] * B [kc][16]:
     * 12 accumulators, one pass over the panels; ROWS rows computed,
     * rows <= ROWS stored, as in avx512_tile */
    __m256 c0a = _mm256_setzero_ps(), c0b = _mm256_setzero_ps(), c1a = _mm256_setzero_ps(),
           c1b = _mm256_setzero_ps(), c2a = _mm256_setzero_ps(), c2b = _mm256_setzero_ps(),
           c3a = _mm256_setzero_ps(), c3b = _mm256_setzero_ps(), c4a = _mm256_setzero_ps(),
           c4b = _mm256_setzero_ps(), c5a = _mm256_setzero_ps(), c5b = _mm256_setzero_ps();
#define ROW_FMA(i, ca, cb)                                 \
    do {                                                   \
        __m256 ai_ = _mm256_broadcast_ss(a + (i));         \
        ca = _mm256_fmadd_ps(ai_, b0, ca);                 \
        cb = _mm256_fmadd_ps(ai_, b1, cb);                 \
    } while (0)
    for (int p = 0; p < kc; p++) {
        __m256 b0, b1;
        if (brow) {
            const float *row = b + brow[p];
            b0 = _mm256_loadu_ps(row), b1 = _mm256_loadu_ps(row + bstep);
        } else {
            b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
            b += 16;
        }
        ROW_FMA(0, c0a, c0b);
        if (ROWS > 1) ROW_FMA(1, c1a, c1b);
        if (ROWS > 2) ROW_FMA(2, c2a, c2b);
        if (ROWS > 3) ROW_FMA(3, c3a, c3b);
        if (ROWS > 4) ROW_FMA(4, c4a, c4b);
        if (ROWS > 5) ROW_FMA(5, c5a, c5b);
        a += 6;
    }
#undef ROW_FMA
#define ROW_STORE(i, ca, cb)                                                    \
    do {                                                                        \
        float *ci_ = c + (size_t)(i) * ldc;                                     \
        __m256 ba_ = bias ? _mm256_set1_ps(bias[i]) : _mm256_loadu_ps(ci_);     \
        __m256 bb_ = bias ? ba_ : _mm256_loadu_ps(ci_ + 8);                     \
        _mm256_storeu_ps(ci_, _mm256_add_ps(ba_, ca));                          \
        _mm256_storeu_ps(ci_ + 8, _mm256_add_ps(bb_, cb));                      \
    } while (0)
    ROW_STORE(0, c0a, c0b);
    if (rows > 1) ROW_STORE(1, c1a, c1b);
    if (rows > 2) ROW_STORE(2, c2a, c2b);
    if (rows > 3) ROW_STORE(3, c3a, c3b);
    if (rows > 4) ROW_STORE(4, c4a, c4b);
    if (rows > 5) ROW_STORE(5, c5a, c5b);
#undef ROW_STORE
}

__attribute__((target("avx2,fma"))) static void gemm_ukernel_avx2(int kc, const float *a, const float *b,
                                                                   float *c, int ldc)
{
    avx2_tile(kc, a, b, 8, NULL, NULL, c, ldc, 6, 6);
}

/* 32 output channels are five 6-row panels and one of 2 rows: computed
 * as 6, that last panel would cost a tenth of the layer for nothing. */
__attribute__((target("avx2,fma"))) static void gemm_ukernel_avx2_rows(int kc, const float *a, const float *b,
                                                                        int bstep, const int *brow, const float *bias,
                                                                        float *c, int ldc, int rows)
{
    if (rows > 4) avx2_tile(kc, a, b, bstep, brow, bias, c, ldc, 6, rows);
    else if (rows > 2) avx2_tile(kc, a, b, bstep, brow, bias, c, ldc, 4, rows);
    else avx2_tile(kc, a, b, bstep, brow, bias, c, ldc, 2, rows);
}
#endif

/* ---- the kernels and their blocks ---------------------------------------- */

enum { KERNEL_AVX512, KERNEL_AVX2, KERNEL_PORTABLE, NKERNELS };

/* Best first. The blocks (kc, mc, nc, block_bytes) are filled in by
 * kernels_init from the caches. */
static GemmKernel kernels[NKERNELS] = {
#ifdef FC_X86
    /* rows_min_width from make bench's layers (2026-12-03, Zen 4, bench --only
     * fast,onednn with FC_CONV=packed and in-place in turn): in place, the
     * AVX-512 kernel gained or held on every layer it is taken for
     * (ResNet-like 0.83 of oneDNN against 0.72-0.77 packed); the AVX2 one
     * gained on the 58-wide rows of ResNet-like (0.73 against 0.63, three
     * runs each) and lost 3-14 % on the 18-, 29- and 34-wide rows of
     * cifar-conv2, strided and cifar-conv1, where its 16-wide tiles call the
     * kernel twice as often for the same copy of each row into y. Since
     * each task splits its own block's input (2026-12-08), the kernel
     * reads it from L2, and on a Xeon (model 207) the AVX2 twin took the
     * 29-wide rows of strided at 0.89 of oneDNN's speed against packing's
     * 0.78 at one thread, 0.84 against 0.78 at two (bench --only
     * fast_packed,fast_wide,onednn --shapes strided --rounds 21 with
     * FC_KERNEL=avx2 ONEDNN_MAX_CPU_ISA=AVX2; not measured on Zen since):
     * the bound is now 24, under the 29 measured (narrower wide rows were
     * not timed again). It
     * bounds the wide columns only: where the rows allow dense columns
     * (conv2d_forward_fast), there is no copy and both twins are taken. */
    [KERNEL_AVX512] = {.name = "avx512", .run = gemm_ukernel_avx512, .run_rows = gemm_ukernel_avx512_rows,
                       .rows_min_width = 0, .mr = 8, .nr = 32},
    [KERNEL_AVX2] = {.name = "avx2", .run = gemm_ukernel_avx2, .run_rows = gemm_ukernel_avx2_rows,
                     .rows_min_width = 24, .mr = 6, .nr = 16},
#else
    [KERNEL_AVX512] = {.name = "avx512", .mr = 8, .nr = 32},
    [KERNEL_AVX2] = {.name = "avx2", .mr = 6, .nr = 16},
#endif
    [KERNEL_PORTABLE] = {.name = "portable", .run = gemm_ukernel_portable, .mr = GEMM_MR, .nr = GEMM_NR},
};

/* Whether this CPU executes kernel i. */
static int kernel_runs_here(int i)
{
    if (i == KERNEL_PORTABLE) return 1;
#ifdef FC_X86
    __builtin_cpu_init();
    if (i == KERNEL_AVX2) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (i == KERNEL_AVX512) return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
#endif
    return 0;
}

/* A cache's size in bytes as the system reports it, or fallback (sysconf
 * answers 0 or -1 where it does not know, e.g. in some virtual machines). */
static long cache_bytes(int which, long fallback)
{
    long v = -1;
#if defined(__linux__) && defined(_SC_LEVEL1_DCACHE_SIZE)
    v = which == 1 ? sysconf(_SC_LEVEL1_DCACHE_SIZE) : which == 2 ? sysconf(_SC_LEVEL2_CACHE_SIZE)
                                                                   : sysconf(_SC_LEVEL3_CACHE_SIZE);
#else
    (void)which;
#endif
    return v > 0 ? v : fallback;
}

static int clamp_multiple(long v, int lo, int hi, int step)
{
    if (v < lo) v = lo;
    if (v > hi) v = hi;
    return (int)(v / step * step);
}

/* The blocks of every kernel, from its tile and this CPU's caches. */
static void kernels_init(void)
{
    long l1 = cache_bytes(1, 32 * 1024), l2 = cache_bytes(2, 512 * 1024), l3 = cache_bytes(3, 8 * 1024 * 1024);
    for (int i = 0; i < NKERNELS; i++) {
        GemmKernel *k = &kernels[i];
        k->kc = clamp_multiple(l1 / 2 / ((long)k->nr * 4), 64, 512, 16);
        k->mc = clamp_multiple(l2 / 2 / ((long)k->kc * 4), k->mr, 1024, k->mr);
        k->nc = clamp_multiple(l3 / 4 / ((long)k->kc * 4), k->nr, 4096, k->nr);
        k->block_bytes = (int)(l2 / 2 < (1L << 24) ? l2 / 2 : 1L << 24);
    }
}

/* kernels_init exactly once, whichever thread asks first: 0 not started,
 * 1 running, 2 done. */
static atomic_int kernels_state;

static void kernels_ready(void)
{
    int expected = 0;
    if (atomic_load_explicit(&kernels_state, memory_order_acquire) == 2) return;
    if (atomic_compare_exchange_strong(&kernels_state, &expected, 1)) {
        kernels_init();
        atomic_store_explicit(&kernels_state, 2, memory_order_release);
        return;
    }
    while (atomic_load_explicit(&kernels_state, memory_order_acquire) != 2) {
    }
}

const GemmKernel *gemm_kernel_by_name(const char *name)
{
    kernels_ready();
    for (int i = 0; i < NKERNELS; i++)
        if (name && strcmp(name, kernels[i].name) == 0) return kernel_runs_here(i) ? &kernels[i] : NULL;
    return NULL;
}

const GemmKernel *gemm_kernel_choose(const char *request)
{
    kernels_ready();
    if (!request || !*request) {
        for (int i = 0; i < NKERNELS; i++)
            if (kernel_runs_here(i)) return &kernels[i];
    }
    const GemmKernel *k = gemm_kernel_by_name(request);
    if (k) return k;
    char here[64] = "";
    for (int i = 0, used = 0; i < NKERNELS; i++)
        if (kernel_runs_here(i))
            used += snprintf(here + used, sizeof here - (size_t)used, "%s%s", used ? ", " : "", kernels[i].name);
    int known = 0;
    for (int i = 0; i < NKERNELS; i++) known |= strcmp(request, kernels[i].name) == 0;
    if (known)
        cnn_error("FC_KERNEL=%s: this CPU cannot run the %s micro-kernel (it runs: %s)", request, request, here);
    else
        cnn_error("FC_KERNEL=%s: no such micro-kernel (the kernels: avx512, avx2, portable; this CPU runs: %s)",
                  request, here);
    return NULL;
}

const GemmKernel *gemm_kernel_active(void)
{
    return gemm_kernel_choose(getenv("FC_KERNEL"));
}
