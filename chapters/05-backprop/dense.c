/* EXERCISE -- fill in the TODOs, then `make grade CH=05`.
 * (Generated from solutions/05-backprop/dense.c by `make skeletons`.)
 *
 * dense.c -- the dense layer's forward pass (given) and backward pass (the
 * exercise). Chapter 05. See dense.h for the shapes. */
#include "dense.h"

#include "error.h"
#include "parallel.h"

#include <stddef.h>

/* Checks x [N, D], w [M, D], b [M] (or NULL) and the output-side tensor
 * ([N, M], named out_name); fills N, D, M. */
static int dense_shapes(int *N, int *D, int *M, const Tensor *out, const char *out_name,
                        const Tensor *x, const Tensor *w, const Tensor *b, const char *fn)
{
    if (!out || !x || !w)
        return cnn_error("%s: %s, x and w are required (one is NULL)", fn, out_name);
    *N = x->n;
    *D = x->c * x->h * x->w;
    *M = w->n;
    if (w->c * w->h * w->w != *D)
        return cnn_error("%s: w has %d inputs per unit but x has D = %d features per image", fn,
                         w->c * w->h * w->w, *D);
    if (b && (int)tensor_size(b) != *M)
        return cnn_error("%s: b has %zu values but w has M = %d units", fn, tensor_size(b), *M);
    if (out->n != *N || (int)(tensor_size(out) / (size_t)out->n) != *M)
        return cnn_error("%s: %s must be [%d, %d] (N, M), got %d images of %zu values", fn,
                         out_name, *N, *M, out->n, tensor_size(out) / (size_t)out->n);
    return 0;
}

int dense_forward(Tensor *y, const Tensor *x, const Tensor *w, const Tensor *b)
{
    /* x [N, D], w [M, D], b [M] or NULL, y [N, M] */
    int N, D, M;
    if (dense_shapes(&N, &D, &M, y, "y", x, w, b, "dense_forward") != 0) return -1;
    long work = (long)N * M * D;
    (void)work; /* read only by the OpenMP pragma */
    OMP(parallel for schedule(static) if (work > PARALLEL_MIN_WORK))
    for (int n = 0; n < N; n++) {
        const float *xn = x->data + (size_t)n * D;
        for (int m = 0; m < M; m++) {
            const float *wm = w->data + (size_t)m * D;
            /* Four partial sums let the compiler use vector registers without
             * reordering a single sum (which C forbids it to do). */
            float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
            int d = 0;
            for (; d + 4 <= D; d += 4) {
                s0 += wm[d] * xn[d];
                s1 += wm[d + 1] * xn[d + 1];
                s2 += wm[d + 2] * xn[d + 2];
                s3 += wm[d + 3] * xn[d + 3];
            }
            for (; d < D; d++) s0 += wm[d] * xn[d];
            y->data[(size_t)n * M + m] = (b ? b->data[m] : 0.0f) + ((s0 + s1) + (s2 + s3));
        }
    }
    return 0;
}

int dense_backward(Tensor *dx, Tensor *dw, Tensor *db, const Tensor *dy, const Tensor *x,
                   const Tensor *w)
{
    /* dy [N, M]; x [N, D]; w [M, D]; dx like x, dw like w, db [M] (each may be NULL) */
    int N, D, M;
    if (dense_shapes(&N, &D, &M, dy, "dy", x, w, db, "dense_backward") != 0) return -1;
    if (dx && tensor_size(dx) != tensor_size(x))
        return cnn_error("dense_backward: dx must have x's %zu elements, got %zu", tensor_size(x),
                         tensor_size(dx));
    if (dw && tensor_size(dw) != tensor_size(w))
        return cnn_error("dense_backward: dw must have w's %zu elements, got %zu", tensor_size(w),
                         tensor_size(dw));
    long work = (long)N * M * D;
    (void)work;
    // TODO 5.1: accumulate (+=) the three gradients of y = x w^T + b.
    // Hint: y[n,m] depends on x[n,d] through w[m,d], on w[m,d] through x[n,d],
    //       and on b[m] with slope 1. So, summing over what the forward summed:
    //         dx[n,d] += sum over m of dy[n,m] * w[m,d]
    //         dw[m,d] += sum over n of dy[n,m] * x[n,d]
    //         db[m]   += sum over n of dy[n,m]
    //       Skip each one whose pointer is NULL. Keep d innermost: it walks
    //       rows of w, x, dx and dw in memory order.
    (void)dx; (void)dw; (void)db;
    return 0;
}
