/* EXERCISE -- fill in the TODOs, then `make grade CH=06`.
 * (Generated from solutions/06-fast-conv/gemm.c by `make skeletons`.)
 *
 * gemm.c -- chapter 06, steps 6.2 and 6.3: the matrix multiply
 * C[M,N] += A[M,K] * B[K,N], first plainly, then cache-blocked.
 *
 * Both take A and B as MatRef views (element (i,j) at data[i*rs + j*cs]),
 * so they multiply transposed operands too, and both ACCUMULATE into C.
 * They are single-threaded and allocate nothing (they always return 0).
 */
#include "fastconv.h"

static inline int imin(int a, int b) { return a < b ? a : b; }

int gemm_naive(float *c, int ldc, MatRef a, MatRef b, int M, int N, int K)
{
    /* c [M,N] (row stride ldc) += a [M,K] * b [K,N] */
    // TODO 6.2: the textbook triple loop. For every (i, j), add the dot
    // product of row i of A and column j of B to c[i*ldc + j].
    // Hint: element (i, p) of A is a.data[i*a.rs + p*a.cs]; sum in a local
    // float and add it to C once.
    (void)c; (void)ldc; (void)a; (void)b; (void)M; (void)N; (void)K;
    return 0;
}

int gemm_blocked(float *c, int ldc, MatRef a, MatRef b, int M, int N, int K)
{
    /* c [M,N] (row stride ldc) += a [M,K] * b [K,N] */
    // TODO 6.3: two changes to gemm_naive, each measured by `make bench`.
    // (1) Loop order i, p, j: the innermost loop then walks a row of B and a
    //     row of C with unit stride (whole cache lines, and the compiler can
    //     vectorize it), while A(i,p) stays in a register.
    // (2) Cache blocking: loop over GEMM_BM x GEMM_BK blocks of A and
    //     GEMM_BK x GEMM_BN blocks of B, so the block of B is reused from
    //     cache by all the rows of the A block instead of being streamed
    //     from memory once per row of C.
    // Hint: the last block in each direction may be smaller: its end is
    // imin(start + block, size). Dropping that remainder is the classic bug.
    (void)imin;
    (void)c; (void)ldc; (void)a; (void)b; (void)M; (void)N; (void)K;
    return 0;
}
