/* SOLUTION -- the reference; `make skeletons` generates chapters/05-backprop/conv_backward.c from it.
 *
 * conv_backward.c -- gradients of the convolution (the exercise).
 * Chapter 05. See conv_backward.h for the formulas. */
#include "conv_backward.h"

#include "error.h"
#include "parallel.h"

#include <stddef.h>

/* Checks every shape against x and w; fills the sizes. */
static int conv_backward_shapes(int size[8], const Tensor *dx, const Tensor *dw,
                                const Tensor *db, const Tensor *dy, const Tensor *x,
                                const Tensor *w, Conv2dParams p)
{
    if (!dy || !x || !w) return cnn_error("conv2d_backward: dy, x and w are required (one is NULL)");
    if (x->c != w->c)
        return cnn_error("conv2d_backward: x has %d channels but w expects C = %d", x->c, w->c);
    int P = conv_output_size(x->h, w->h, p.pad_h, p.stride_h);
    int Q = conv_output_size(x->w, w->w, p.pad_w, p.stride_w);
    if (P < 0 || Q < 0) return cnn_error_context("conv2d_backward");
    if (tensor_check_shape(dy, "conv2d_backward: dy", x->n, w->n, P, Q) != 0) return -1;
    if (dx && tensor_check_shape(dx, "conv2d_backward: dx", x->n, x->c, x->h, x->w) != 0) return -1;
    if (dw && tensor_check_shape(dw, "conv2d_backward: dw", w->n, w->c, w->h, w->w) != 0) return -1;
    if (db && (int)tensor_size(db) != w->n)
        return cnn_error("conv2d_backward: db has %zu values but there are K = %d filters",
                         tensor_size(db), w->n);
    int s[8] = {x->n, x->c, x->h, x->w, w->n, w->h, w->w, 0};
    for (int i = 0; i < 7; i++) size[i] = s[i];
    return 0;
}

int conv2d_backward(Tensor *dx, Tensor *dw, Tensor *db, const Tensor *dy, const Tensor *x,
                    const Tensor *w, Conv2dParams p)
{
    /* x [N,C,H,W], w [K,C,R,S], dy [N,K,P,Q]; dx like x, dw like w, db [K] */
    int size[8] = {0};
    if (conv_backward_shapes(size, dx, dw, db, dy, x, w, p) != 0) return -1;
    int N = size[0], C = size[1], H = size[2], W = size[3], K = size[4], R = size[5], S = size[6];
    int P = dy->h, Q = dy->w;
    long work = (long)N * K * P * Q * C * R * S;
    (void)work;
    // TODO 5.4: accumulate dx, dw and db (skip the ones that are NULL).
    // Hint: loop over every output (n, k, p, q) and every tap (c, r, s), as
    //       the forward pass does; g = dy[n,k,p,q]; the input row is
    //       h = p*stride_h - pad_h + r and the column w' = q*stride_w - pad_w + s;
    //       skip taps outside 0..H-1 / 0..W-1 (padding has no gradient).
    //       Then dx[n,c,h,w'] += g * w[k,c,r,s], dw[k,c,r,s] += g * x[n,c,h,w'],
    //       and db[k] += g once per output. Two loop nests keep it simple:
    //       one with k outermost for dw and db, one with n outermost for dx.
    //>> solution
    if (dw || db) {
        /* Each k owns dw[k] and db[k], so filters can run on different threads. */
        OMP(parallel for schedule(static) if (work > PARALLEL_MIN_WORK))
        for (int k = 0; k < K; k++) {
            for (int n = 0; n < N; n++) {
                for (int pp = 0; pp < P; pp++) {
                    for (int qq = 0; qq < Q; qq++) {
                        float g = *tensor_at(dy, n, k, pp, qq);
                        if (db) db->data[k] += g;
                        if (!dw) continue;
                        for (int c = 0; c < C; c++) {
                            for (int r = 0; r < R; r++) {
                                int ih = pp * p.stride_h - p.pad_h + r; /* the pixel this tap read */
                                if (ih < 0 || ih >= H) continue;
                                for (int s = 0; s < S; s++) {
                                    int iw = qq * p.stride_w - p.pad_w + s;
                                    if (iw < 0 || iw >= W) continue;
                                    *tensor_at(dw, k, c, r, s) += g * *tensor_at(x, n, c, ih, iw);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    if (dx) {
        OMP(parallel for schedule(static) if (work > PARALLEL_MIN_WORK)) /* each n owns dx[n] */
        for (int n = 0; n < N; n++) {
            for (int k = 0; k < K; k++) {
                for (int pp = 0; pp < P; pp++) {
                    for (int qq = 0; qq < Q; qq++) {
                        float g = *tensor_at(dy, n, k, pp, qq);
                        for (int c = 0; c < C; c++) {
                            for (int r = 0; r < R; r++) {
                                int h = pp * p.stride_h - p.pad_h + r; /* the pixel to receive it */
                                if (h < 0 || h >= H) continue;
                                for (int s = 0; s < S; s++) {
                                    int wc = qq * p.stride_w - p.pad_w + s;
                                    if (wc < 0 || wc >= W) continue;
                                    *tensor_at(dx, n, c, h, wc) += g * *tensor_at(w, k, c, r, s);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    //| (void)dx; (void)dw; (void)db; (void)N; (void)C; (void)H; (void)W; (void)K;
    //| (void)R; (void)S; (void)P; (void)Q;
    //<<
    return 0;
}
