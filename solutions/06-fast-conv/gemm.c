/* SOLUTION -- the reference; `make skeletons` generates chapters/06-fast-conv/gemm.c from it.
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
    //>> solution
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            float sum = 0.0f;
            for (int p = 0; p < K; p++)
                sum += a.data[(size_t)i * a.rs + (size_t)p * a.cs] * b.data[(size_t)p * b.rs + (size_t)j * b.cs];
            c[(size_t)i * ldc + j] += sum;
        }
    //| (void)c; (void)ldc; (void)a; (void)b; (void)M; (void)N; (void)K;
    //<<
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
    //>> solution
    for (int i0 = 0; i0 < M; i0 += GEMM_BM)
        for (int p0 = 0; p0 < K; p0 += GEMM_BK)
            for (int j0 = 0; j0 < N; j0 += GEMM_BN) {
                int i1 = imin(i0 + GEMM_BM, M), p1 = imin(p0 + GEMM_BK, K), j1 = imin(j0 + GEMM_BN, N);
                for (int i = i0; i < i1; i++) {
                    float *crow = c + (size_t)i * ldc;
                    for (int p = p0; p < p1; p++) {
                        float aip = a.data[(size_t)i * a.rs + (size_t)p * a.cs];
                        const float *brow = b.data + (size_t)p * b.rs;
                        if (b.cs == 1)
                            for (int j = j0; j < j1; j++) crow[j] += aip * brow[j];
                        else
                            for (int j = j0; j < j1; j++) crow[j] += aip * brow[(size_t)j * b.cs];
                    }
                }
            }
    //| (void)imin;
    //| (void)c; (void)ldc; (void)a; (void)b; (void)M; (void)N; (void)K;
    //<<
    return 0;
}
