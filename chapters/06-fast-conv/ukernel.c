/* EXERCISE -- fill in the TODOs, then `make grade CH=06`.
 * (Generated from solutions/06-fast-conv/ukernel.c by `make skeletons`.)
 *
 * ukernel.c -- chapter 06, step 6.4: the register-blocked micro-kernel, the
 * packing that feeds it, and the packed GEMM built from them.
 *
 * Why a micro-kernel. gemm_blocked keeps blocks in cache, but each
 * multiply-add still loads and stores its C element. The micro-kernel keeps
 * an MR x NR = 8 x 32 tile of C in registers for a whole run of kc
 * multiply-adds: per step p it loads NR values of B (two AVX-512 vectors),
 * broadcasts MR values of A, and does MR*NR multiply-adds (16 vector FMAs)
 * without touching C at all.
 *
 * Why packing. The kernel wants its A values MR apart and its B values NR
 * apart, in exactly the order it reads them, aligned, and with no cache-line
 * or TLB misses: pack_a and pack_b copy blocks of A and B into that order
 * once, and every tile that uses the block reuses the copy. Packing also
 * absorbs strides (a transposed operand packs as easily as a plain one) and
 * pads the edges with zeros so the kernel never needs a bounds check.
 *
 * Limits: single-threaded; gemm_packed_with allocates its packing buffers
 * on every call (cheap next to the multiply for the sizes used here).
 */
#include "fastconv.h"

#include "error.h"
#include "memory.h"

#include <stdlib.h>
#include <string.h>

/* Blocking of gemm_packed_with: a KC x NC block of B (<= 1 MB, the L2 cache)
 * is packed once and reused by every MC x KC block of A (<= 128 KB). */
enum { PACK_KC = 256, PACK_MC = 128, PACK_NC = 1024 };

static inline int imin(int a, int b) { return a < b ? a : b; }

FC_SIMD_CLONES void gemm_ukernel_portable(int kc, const float *restrict a, const float *restrict b,
                                          float *restrict c, int ldc)
{
    /* c [MR,NR] (row stride ldc) += a-panel [kc][MR] * b-panel [kc][NR] */
    // TODO 6.4: keep the MR x NR tile of C in a local array acc (the compiler
    // can hold it in vector registers), run the kc multiply-add steps on it,
    // and add it to c at the end.
    // Hint: at step p, row i of acc gains a[p*MR + i] * b[p*NR + j] for all
    // j: put `#pragma omp simd` on that j loop. restrict (above) promises
    // the compiler that a, b and c never overlap.
    (void)kc; (void)a; (void)b; (void)c; (void)ldc;
}

void pack_a(float *dst, MatRef a, int i0, int mc, int p0, int kc)
{
    for (int ip = 0; ip < mc; ip += GEMM_MR) {
        int mr = imin(GEMM_MR, mc - ip);
        float *panel = dst + (size_t)ip * kc;
        for (int p = 0; p < kc; p++) {
            const float *src = a.data + (size_t)(p0 + p) * a.cs + (size_t)(i0 + ip) * a.rs;
            float *out = panel + (size_t)p * GEMM_MR;
            int i = 0;
            for (; i < mr; i++) out[i] = src[(size_t)i * a.rs];
            for (; i < GEMM_MR; i++) out[i] = 0.0f;
        }
    }
}

void pack_b(float *dst, MatRef b, int p0, int kc, int j0, int nc)
{
    for (int jp = 0; jp < nc; jp += GEMM_NR) {
        int nr = imin(GEMM_NR, nc - jp);
        float *panel = dst + (size_t)jp * kc;
        for (int p = 0; p < kc; p++) {
            const float *src = b.data + (size_t)(p0 + p) * b.rs + (size_t)(j0 + jp) * b.cs;
            float *out = panel + (size_t)p * GEMM_NR;
            int j = 0;
            if (b.cs == 1)
                for (; j < nr; j++) out[j] = src[j];
            else
                for (; j < nr; j++) out[j] = src[(size_t)j * b.cs];
            for (; j < GEMM_NR; j++) out[j] = 0.0f;
        }
    }
}

/* One MR x NR tile of C (mr x nr of it real): straight into C when the tile
 * is whole, else through a zeroed scratch tile of which only the real part
 * is added (the padding rows/columns of the panels are zeros anyway). */
static void tile_update(GemmUkernel kernel, int kc, const float *a, const float *b, float *c,
                        int ldc, int mr, int nr)
{
    if (mr == GEMM_MR && nr == GEMM_NR) {
        kernel(kc, a, b, c, ldc);
        return;
    }
    _Alignas(64) float tile[GEMM_MR * GEMM_NR] = {0};
    kernel(kc, a, b, tile, GEMM_NR);
    for (int i = 0; i < mr; i++)
        for (int j = 0; j < nr; j++) c[(size_t)i * ldc + j] += tile[i * GEMM_NR + j];
}

int gemm_packed_with(GemmUkernel kernel, float *c, int ldc, MatRef a, MatRef b, int M, int N, int K)
{
    /* c [M,N] (row stride ldc) += a [M,K] * b [K,N] */
    if (M <= 0 || N <= 0 || K <= 0) return 0;
    int kcmax = imin(PACK_KC, K);
    size_t asize = (size_t)(imin(PACK_MC, M) + GEMM_MR) * kcmax;
    size_t bsize = (size_t)(imin(PACK_NC, N) + GEMM_NR) * kcmax;
    float *apack = memory_alloc_aligned(asize * sizeof(float)); /* 64-byte aligned */
    float *bpack = memory_alloc_aligned(bsize * sizeof(float));
    if (!apack || !bpack) {
        memory_free_aligned(apack);
        memory_free_aligned(bpack);
        return cnn_error("gemm_packed: out of memory for packing buffers (M=%d N=%d K=%d)", M, N, K);
    }
    for (int jc = 0; jc < N; jc += PACK_NC) {
        int nc = imin(PACK_NC, N - jc);
        for (int pc = 0; pc < K; pc += PACK_KC) {
            int kc = imin(PACK_KC, K - pc);
            pack_b(bpack, b, pc, kc, jc, nc);
            for (int ic = 0; ic < M; ic += PACK_MC) {
                int mc = imin(PACK_MC, M - ic);
                pack_a(apack, a, ic, mc, pc, kc);
                for (int jr = 0; jr < nc; jr += GEMM_NR)
                    for (int ir = 0; ir < mc; ir += GEMM_MR)
                        tile_update(kernel, kc, apack + (size_t)ir * kc, bpack + (size_t)jr * kc,
                                    c + (size_t)(ic + ir) * ldc + jc + jr, ldc,
                                    imin(GEMM_MR, mc - ir), imin(GEMM_NR, nc - jr));
            }
        }
    }
    memory_free_aligned(apack);
    memory_free_aligned(bpack);
    return 0;
}

int gemm_packed(float *c, int ldc, MatRef a, MatRef b, int M, int N, int K)
{
    return gemm_packed_with(gemm_ukernel_best(NULL), c, ldc, a, b, M, N, K);
}
