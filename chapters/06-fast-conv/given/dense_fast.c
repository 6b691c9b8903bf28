/* GIVEN -- read it, don't edit it.
 *
 * dense_fast.c -- chapter 06 (given): chapter 05's dense layer on the packed
 * GEMM of step 6.4, so that training spends its time in the convolutions.
 *
 * A dense layer is already a matrix multiply; only the orientation of each
 * product needs a thought. With x [N, D], w [M, D], dy [N, M]:
 *
 *     y  [N, M]  = b + x * w^T        (w^T is a view: mat_transposed)
 *     dx [N, D] += dy * w
 *     dw [M, D] += dy^T * x
 *
 * Threads split the rows of y (forward) and the columns d of dx and dw
 * (backward), so no two threads write one element and each element is
 * summed in the same order whatever the thread count.
 */
#include "fastconv.h"

#include "error.h"
#include "parallel.h" /* OMP(...), parallel_max_threads(), PARALLEL_MIN_WORK */

/* Checks x [N, D] (any [N,C,H,W] with C*H*W = D), w [M, D], b [M] or NULL and
 * the output-side tensor out [N, M]; fills N, D, M. */
static int dense_fast_shapes(int *N, int *D, int *M, const Tensor *out, const char *out_name,
                             const Tensor *x, const Tensor *w, const Tensor *b, const char *fn)
{
    if (!out || !x || !w) return cnn_error("%s: %s, x and w are required (one is NULL)", fn, out_name);
    *N = x->n;
    *D = x->c * x->h * x->w;
    *M = w->n;
    if (w->c * w->h * w->w != *D)
        return cnn_error("%s: w has %d inputs per unit but x has D = %d features per image", fn,
                         w->c * w->h * w->w, *D);
    if (b && (int)tensor_size(b) != *M)
        return cnn_error("%s: b has %zu values but w has M = %d units", fn, tensor_size(b), *M);
    if (out->n != *N || (int)(tensor_size(out) / (size_t)out->n) != *M)
        return cnn_error("%s: %s must be [%d, %d] (N, M), got %d images of %zu values", fn, out_name,
                         *N, *M, out->n, tensor_size(out) / (size_t)out->n);
    return 0;
}

/* Rows (or columns) 0..total-1 cut into `parts` blocks of whole GEMM_NR
 * multiples; block i is [*lo, *hi). */
static void block_range(int total, int parts, int i, int *lo, int *hi)
{
    int per = ((total + parts - 1) / parts + GEMM_NR - 1) / GEMM_NR * GEMM_NR;
    *lo = i * per < total ? i * per : total;
    *hi = *lo + per < total ? *lo + per : total;
}

int dense_forward_fast(Tensor *y, const Tensor *x, const Tensor *w, const Tensor *b)
{
    /* x [N, D], w [M, D], b [M] or NULL -> y [N, M] */
    int N, D, M;
    if (dense_fast_shapes(&N, &D, &M, y, "y", x, w, b, "dense_forward_fast") != 0) return -1;
    for (int n = 0; n < N; n++)
        for (int m = 0; m < M; m++) y->data[(size_t)n * M + m] = b ? b->data[m] : 0.0f;
    /* One block of rows (columns) per thread, or one block below
     * PARALLEL_MIN_WORK multiply-adds. A failing GEMM sets `failed`; the
     * reduction ORs every thread's copy into it at the end of the loop. */
    long work = (long)N * M * D;
    int parts = work > PARALLEL_MIN_WORK ? parallel_max_threads() : 1, failed = 0;
    OMP(parallel for schedule(static) reduction(| : failed) if (parts > 1))
    for (int i = 0; i < parts; i++) {
        int n0, n1;
        block_range(N, parts, i, &n0, &n1);
        if (n1 > n0 && gemm_packed(y->data + (size_t)n0 * M, M, mat_rows(x->data + (size_t)n0 * D, D),
                                   mat_transposed(w->data, D), n1 - n0, M, D) != 0)
            failed = 1;
    }
    return failed ? cnn_error_context("dense_forward_fast") : 0;
}

int dense_backward_fast(Tensor *dx, Tensor *dw, Tensor *db, const Tensor *dy, const Tensor *x,
                        const Tensor *w)
{
    /* dy [N, M]; x [N, D]; w [M, D] -> dx += like x, dw += [M, D], db += [M] (each may be NULL) */
    int N, D, M;
    if (dense_fast_shapes(&N, &D, &M, dy, "dy", x, w, db, "dense_backward_fast") != 0) return -1;
    if (dx && tensor_size(dx) != tensor_size(x))
        return cnn_error("dense_backward_fast: dx must have x's %zu elements, got %zu", tensor_size(x),
                         tensor_size(dx));
    if (dw && tensor_size(dw) != tensor_size(w))
        return cnn_error("dense_backward_fast: dw must have w's %zu elements, got %zu", tensor_size(w),
                         tensor_size(dw));
    if (db)
        for (int n = 0; n < N; n++)
            for (int m = 0; m < M; m++) db->data[m] += dy->data[(size_t)n * M + m];
    long work = (long)N * M * D;
    int parts = work > PARALLEL_MIN_WORK ? parallel_max_threads() : 1, failed = 0;
    OMP(parallel for schedule(static) reduction(| : failed) if (parts > 1))
    for (int i = 0; i < parts; i++) {
        int d0, d1;
        block_range(D, parts, i, &d0, &d1);
        if (d1 <= d0) continue;
        /* dx[:, d0:d1] += dy * w[:, d0:d1];  dw[:, d0:d1] += dy^T * x[:, d0:d1] */
        if (dx && gemm_packed(dx->data + d0, D, mat_rows(dy->data, M), mat_rows(w->data + d0, D), N,
                              d1 - d0, M) != 0)
            failed = 1;
        if (dw && gemm_packed(dw->data + d0, D, mat_transposed(dy->data, M), mat_rows(x->data + d0, D),
                              M, d1 - d0, N) != 0)
            failed = 1;
    }
    return failed ? cnn_error_context("dense_backward_fast") : 0;
}
