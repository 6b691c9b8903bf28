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
 * Why the tile differs per instruction set. A tile must fill the vector
 * registers without spilling, and give the FMA units enough independent
 * accumulators: an FMA takes about 4 cycles and a core starts 2 per cycle,
 * so at least 4 x 2 = 8 accumulators must be in flight. AVX-512 has 32
 * registers of 16 floats: 8 x 32 is 16 accumulators, 2 for B, 1 for A.
 * AVX2 has 16 registers of 8 floats: 8 x 32 would need 32 accumulators, so
 * its kernel (given/ukernel_x86.c) has its own 6 x 16 tile, 12
 * accumulators + 2 for B + 1 for A = 15 registers. The portable kernel you
 * write keeps 8 x 32. pack_a, pack_b and gemm_packed_with take the tile and
 * the cache blocks from the GemmKernel they are given (fastconv.h).
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

/* One whole panel of MR rows of a row-major A (column stride 1): MR row
 * pointers, and for each p the MR floats in one unrolled group. MR is a
 * constant where it is called, so the inner loop disappears; against the
 * general loop below (rows times a row stride for every float) this packed
 * a batch's dy for the weight gradient 2.3-3.5 times as fast. */
static inline void pack_a_rows(float *restrict panel, const float *restrict a, size_t rs, int kc, int MR)
{
    const float *row[GEMM_MR];
    for (int i = 0; i < MR; i++) row[i] = a + (size_t)i * rs;
    for (int p = 0; p < kc; p++)
        for (int i = 0; i < MR; i++) panel[(size_t)p * MR + i] = row[i][p];
}

void pack_a(float *dst, MatRef a, int i0, int mc, int p0, int kc, int mr)
{
    for (int ip = 0; ip < mc; ip += mr) {
        int rows = imin(mr, mc - ip);
        float *panel = dst + (size_t)ip * kc;
        const float *first = a.data + (size_t)p0 * a.cs + (size_t)(i0 + ip) * a.rs;
        if (rows == mr && a.cs == 1 && (mr == 8 || mr == 6)) { /* the tiles of the kernels */
            if (mr == 8) pack_a_rows(panel, first, a.rs, kc, 8);
            else pack_a_rows(panel, first, a.rs, kc, 6);
            continue;
        }
        for (int p = 0; p < kc; p++) {
            const float *src = a.data + (size_t)(p0 + p) * a.cs + (size_t)(i0 + ip) * a.rs;
            float *out = panel + (size_t)p * mr;
            int i = 0;
            for (; i < rows; i++) out[i] = src[(size_t)i * a.rs];
            for (; i < mr; i++) out[i] = 0.0f;
        }
    }
}

void pack_b(float *dst, MatRef b, int p0, int kc, int j0, int nc, int nr)
{
    for (int jp = 0; jp < nc; jp += nr) {
        int cols = imin(nr, nc - jp);
        float *panel = dst + (size_t)jp * kc;
        if (b.rs == 1 && b.cs != 1) {
            /* A transposed view (B = W^T of a row-major W): each column of
             * the panel is a run of kc consecutive floats of W, so read it
             * that way and write down the panel's column. Row by row
             * instead, the nr floats of a panel row are nr rows of W
             * apart: with W's rows a multiple of 4 KB long they all fall
             * in one set of the L1 cache, and nearly every load missed
             * (the dense layer's forward pass spent 4 % of a CIFAR
             * training step here). */
            for (int j = 0; j < nr; j++) {
                const float *src = b.data + (size_t)p0 + (size_t)(j0 + jp + j) * b.cs;
                if (j < cols)
                    for (int p = 0; p < kc; p++) panel[(size_t)p * nr + j] = src[p];
                else
                    for (int p = 0; p < kc; p++) panel[(size_t)p * nr + j] = 0.0f;
            }
            continue;
        }
        for (int p = 0; p < kc; p++) {
            const float *src = b.data + (size_t)(p0 + p) * b.rs + (size_t)(j0 + jp) * b.cs;
            float *out = panel + (size_t)p * nr;
            int j = 0;
            if (b.cs == 1)
                for (; j < cols; j++) out[j] = src[j];
            else
                for (; j < cols; j++) out[j] = src[(size_t)j * b.cs];
            for (; j < nr; j++) out[j] = 0.0f;
        }
    }
}

/* One mr x nr tile of C (rows x cols of it real): straight into C when the
 * tile is whole, else through a zeroed scratch tile of which only the real
 * part is added (the padding rows/columns of the panels are zeros anyway). */
static void tile_update(const GemmKernel *k, int kc, const float *a, const float *b, float *c, int ldc,
                        int rows, int cols)
{
    if (rows == k->mr && cols == k->nr) {
        k->run(kc, a, b, c, ldc);
        return;
    }
    _Alignas(64) float tile[GEMM_MR * GEMM_NR] = {0}; /* no kernel's tile is larger */
    k->run(kc, a, b, tile, k->nr);
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++) c[(size_t)i * ldc + j] += tile[i * k->nr + j];
}

int gemm_packed_with(const GemmKernel *k, float *c, int ldc, MatRef a, MatRef b, int M, int N, int K)
{
    /* c [M,N] (row stride ldc) += a [M,K] * b [K,N] */
    if (!k) return -1; /* gemm_kernel_active refused FC_KERNEL (its message is set) */
    if (M <= 0 || N <= 0 || K <= 0) return 0;
    int MR = k->mr, NR = k->nr, KC = k->kc, MC = k->mc, NC = k->nc;
    int kcmax = imin(KC, K);
    size_t asize = (size_t)(imin(MC, M) + MR) * kcmax;
    size_t bsize = (size_t)(imin(NC, N) + NR) * kcmax;
    float *apack = memory_alloc_aligned(asize * sizeof(float)); /* 64-byte aligned */
    float *bpack = memory_alloc_aligned(bsize * sizeof(float));
    if (!apack || !bpack) {
        memory_free_aligned(apack);
        memory_free_aligned(bpack);
        return cnn_error("gemm_packed: out of memory for packing buffers (M=%d N=%d K=%d)", M, N, K);
    }
    /* B's block (kc x nc) is packed once and reused by every block of A;
     * within it, one B panel stays in L1 while it meets every A panel. */
    for (int jc = 0; jc < N; jc += NC) {
        int nc = imin(NC, N - jc);
        for (int pc = 0; pc < K; pc += KC) {
            int kc = imin(KC, K - pc);
            pack_b(bpack, b, pc, kc, jc, nc, NR);
            for (int ic = 0; ic < M; ic += MC) {
                int mc = imin(MC, M - ic);
                pack_a(apack, a, ic, mc, pc, kc, MR);
                for (int jr = 0; jr < nc; jr += NR)
                    for (int ir = 0; ir < mc; ir += MR)
                        tile_update(k, kc, apack + (size_t)ir * kc, bpack + (size_t)jr * kc,
                                    c + (size_t)(ic + ir) * ldc + jc + jr, ldc, imin(MR, mc - ir),
                                    imin(NR, nc - jr));
            }
        }
    }
    memory_free_aligned(apack);
    memory_free_aligned(bpack);
    return 0;
}

int gemm_packed(float *c, int ldc, MatRef a, MatRef b, int M, int N, int K)
{
    const GemmKernel *k = gemm_kernel_active();
    return k ? gemm_packed_with(k, c, ldc, a, b, M, N, K) : cnn_error_context("gemm_packed");
}
