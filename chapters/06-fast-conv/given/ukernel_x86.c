/* GIVEN -- read it, don't edit it.
 *
 * ukernel_x86.c -- chapter 06, step 6.4 (given, optional reading): the
 * micro-kernel written with AVX2 and AVX-512 intrinsics, and the run-time
 * choice between them and the portable C kernel.
 *
 * Each intrinsics kernel is compiled for its instruction set with a target
 * attribute, so the rest of the workbook is built with portable flags and
 * the same binary runs on any x86-64: gemm_ukernel_best asks the CPU
 * (__builtin_cpu_supports) which ones it can execute. On other machines
 * (arm64, ...) only the portable kernel exists and the two names below fall
 * back to it.
 *
 * The AVX-512 kernel holds the 8 x 32 tile of C in 16 zmm registers: per
 * step p it loads two vectors of B, broadcasts 8 values of A and issues 16
 * fused multiply-adds, which keeps both FMA units of a core busy (4-cycle
 * latency x 2 units needs at least 8 independent accumulators). The AVX2
 * kernel has only 16 ymm registers, so it covers the tile in four 4 x 16
 * passes of 8 accumulators each.
 */
#include "fastconv.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

__attribute__((target("avx512f,fma"))) void gemm_ukernel_avx512(int kc, const float *a, const float *b,
                                                                 float *c, int ldc)
{
    /* c [8,32] (row stride ldc) += a-panel [kc][8] * b-panel [kc][32] */
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
        __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16);
        ROW_FMA(0, c0a, c0b);
        ROW_FMA(1, c1a, c1b);
        ROW_FMA(2, c2a, c2b);
        ROW_FMA(3, c3a, c3b);
        ROW_FMA(4, c4a, c4b);
        ROW_FMA(5, c5a, c5b);
        ROW_FMA(6, c6a, c6b);
        ROW_FMA(7, c7a, c7b);
        a += GEMM_MR;
        b += GEMM_NR;
    }
#undef ROW_FMA
#define ROW_STORE(i, ca, cb)                                                     \
    do {                                                                         \
        float *ci_ = c + (size_t)(i) * ldc;                                      \
        _mm512_storeu_ps(ci_, _mm512_add_ps(_mm512_loadu_ps(ci_), ca));          \
        _mm512_storeu_ps(ci_ + 16, _mm512_add_ps(_mm512_loadu_ps(ci_ + 16), cb)); \
    } while (0)
    ROW_STORE(0, c0a, c0b);
    ROW_STORE(1, c1a, c1b);
    ROW_STORE(2, c2a, c2b);
    ROW_STORE(3, c3a, c3b);
    ROW_STORE(4, c4a, c4b);
    ROW_STORE(5, c5a, c5b);
    ROW_STORE(6, c6a, c6b);
    ROW_STORE(7, c7a, c7b);
#undef ROW_STORE
}

__attribute__((target("avx2,fma"))) void gemm_ukernel_avx2(int kc, const float *a, const float *b,
                                                            float *c, int ldc)
{
    /* c [8,32] (row stride ldc) += a-panel [kc][8] * b-panel [kc][32],
     * as four passes over 4 rows x 16 columns */
    for (int i0 = 0; i0 < GEMM_MR; i0 += 4)
        for (int j0 = 0; j0 < GEMM_NR; j0 += 16) {
            __m256 r0a = _mm256_setzero_ps(), r0b = _mm256_setzero_ps(), r1a = _mm256_setzero_ps(),
                   r1b = _mm256_setzero_ps(), r2a = _mm256_setzero_ps(), r2b = _mm256_setzero_ps(),
                   r3a = _mm256_setzero_ps(), r3b = _mm256_setzero_ps();
            const float *ap = a + i0, *bp = b + j0;
            for (int p = 0; p < kc; p++) {
                __m256 b0 = _mm256_load_ps(bp), b1 = _mm256_load_ps(bp + 8);
                __m256 x0 = _mm256_broadcast_ss(ap), x1 = _mm256_broadcast_ss(ap + 1);
                r0a = _mm256_fmadd_ps(x0, b0, r0a);
                r0b = _mm256_fmadd_ps(x0, b1, r0b);
                r1a = _mm256_fmadd_ps(x1, b0, r1a);
                r1b = _mm256_fmadd_ps(x1, b1, r1b);
                __m256 x2 = _mm256_broadcast_ss(ap + 2), x3 = _mm256_broadcast_ss(ap + 3);
                r2a = _mm256_fmadd_ps(x2, b0, r2a);
                r2b = _mm256_fmadd_ps(x2, b1, r2b);
                r3a = _mm256_fmadd_ps(x3, b0, r3a);
                r3b = _mm256_fmadd_ps(x3, b1, r3b);
                ap += GEMM_MR;
                bp += GEMM_NR;
            }
            __m256 acc[8] = {r0a, r0b, r1a, r1b, r2a, r2b, r3a, r3b};
            for (int i = 0; i < 4; i++) {
                float *ci = c + (size_t)(i0 + i) * ldc + j0;
                _mm256_storeu_ps(ci, _mm256_add_ps(_mm256_loadu_ps(ci), acc[2 * i]));
                _mm256_storeu_ps(ci + 8, _mm256_add_ps(_mm256_loadu_ps(ci + 8), acc[2 * i + 1]));
            }
        }
}

int gemm_ukernel_supported(const char *name)
{
    if (strcmp(name, "portable") == 0) return 1;
    __builtin_cpu_init();
    if (strcmp(name, "avx2") == 0)
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (strcmp(name, "avx512") == 0)
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
    return 0;
}

#else /* not x86-64: the portable kernel stands in for both */

void gemm_ukernel_avx512(int kc, const float *a, const float *b, float *c, int ldc)
{
    gemm_ukernel_portable(kc, a, b, c, ldc);
}

void gemm_ukernel_avx2(int kc, const float *a, const float *b, float *c, int ldc)
{
    gemm_ukernel_portable(kc, a, b, c, ldc);
}

int gemm_ukernel_supported(const char *name)
{
    return strcmp(name, "portable") == 0;
}

#endif

GemmUkernel gemm_ukernel_by_name(const char *name)
{
    if (!gemm_ukernel_supported(name)) return NULL;
    if (strcmp(name, "avx512") == 0) return gemm_ukernel_avx512;
    if (strcmp(name, "avx2") == 0) return gemm_ukernel_avx2;
    return gemm_ukernel_portable;
}

GemmUkernel gemm_ukernel_best(const char **name)
{
    static const char *const order[] = {"avx512", "avx2", "portable"};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        GemmUkernel k = gemm_ukernel_by_name(order[i]);
        if (k) {
            if (name) *name = order[i];
            return k;
        }
    }
    if (name) *name = "portable";
    return gemm_ukernel_portable;
}
