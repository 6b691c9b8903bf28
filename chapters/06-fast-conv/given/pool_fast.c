/* GIVEN -- read it, don't edit it.
 *
 * pool_fast.c -- chapter 06 (given): max pooling fast enough not to matter
 * next to the convolutions it sits between.
 *
 * Chapter 04's maxpool2d_forward visits one window at a time and keeps its
 * best value with a data-dependent branch; chapter 05's backward pass sends
 * each gradient to its argmax one element at a time. Both are right, and both
 * leave the vector units idle. For the common 2x2 window with stride 2 this
 * file computes many windows at once instead:
 *
 *   forward   four compares per window written as selects (no branch to
 *             mispredict), so `omp simd` turns one output row into vector code;
 *   backward  every input position of a window gets `g if it is the argmax,
 *             else 0` added: a dense, vectorizable pass instead of a scatter.
 *
 * A ReLU followed by max pooling takes one pass each way. Forward
 * (relu_maxpool2d_forward_fast): pool the ReLU's input, then apply the ReLU
 * to the maxima, four times fewer values; the max of a window is positive
 * exactly when the ReLU lets it through, so the values are those of the two
 * layers in turn. Backward, it can be undone in one sweep
 * (relu_maxpool2d_backward_fast): the gradient reaches an input only if it
 * won its window AND the ReLU let it through, and the result is written,
 * not added, so the model need not zero that buffer first. Two passes over
 * a batch of feature maps (and two zeroings of it) become one.
 *
 * Planes (n, c) are independent, so OpenMP splits them between threads.
 * Other windows and strides fall back to chapter 04's and chapter 05's
 * functions. The contracts are theirs: same shapes, same first-max tie rule,
 * same flat argmax, the backward pass accumulates (+=).
 */
#include "fastconv.h"

#include "error.h"
#include "pool_backward.h"
#include "pooling.h"

#include "parallel.h" /* OMP(...) */

#include <stdbool.h>

/* The plane functions stay functions of their own: inlined into the
 * OpenMP-outlined loop, GCC 12 no longer vectorizes their inner loop. */
#if defined(__GNUC__)
#define PF_NOINLINE __attribute__((noinline))
#else
#define PF_NOINLINE
#endif

/* Element counts below which one thread does the whole tensor. */
#define PF_MIN_PARALLEL 65536

static bool is_2x2_stride_2(Pool2dParams p)
{
    return p.window_h == 2 && p.window_w == 2 && p.stride_h == 2 && p.stride_w == 2;
}

/* One plane: x [H, W] -> y [P, Q] and argmax (flat indices, plane starting at
 * flat index base). Rows 2*ph and 2*ph + 1 of x feed row ph of y; with relu,
 * each maximum goes through a ReLU on its way out. */
static inline void maxpool2x2_rows(float *y, int32_t *argmax, const float *x, int W, int P, int Q, int32_t base,
                                   bool relu)
{
    for (int ph = 0; ph < P; ph++) {
        const float *r0 = x + (size_t)2 * ph * W, *r1 = r0 + W;
        float *yrow = y + (size_t)ph * Q;
        int32_t *arow = argmax + (size_t)ph * Q, top = base + 2 * ph * W;
#pragma omp simd
        for (int pw = 0; pw < Q; pw++) {
            /* Scan order a b / c d; a later value wins only if strictly larger. */
            float best = r0[2 * pw];
            int32_t at = top + 2 * pw;
            float v = r0[2 * pw + 1];
            bool larger = v > best;
            best = larger ? v : best;
            at = larger ? top + 2 * pw + 1 : at;
            v = r1[2 * pw];
            larger = v > best;
            best = larger ? v : best;
            at = larger ? top + W + 2 * pw : at;
            v = r1[2 * pw + 1];
            larger = v > best;
            best = larger ? v : best;
            at = larger ? top + W + 2 * pw + 1 : at;
            yrow[pw] = relu ? (best > 0.0f ? best : 0.0f) : best;
            arow[pw] = at;
        }
    }
}

/* The two ways as functions of their own (relu a constant in each). */
PF_NOINLINE static void maxpool2x2_plane(float *y, int32_t *argmax, const float *x, int W, int P, int Q, int32_t base)
{
    maxpool2x2_rows(y, argmax, x, W, P, Q, base, false);
}

PF_NOINLINE static void relu_maxpool2x2_plane(float *y, int32_t *argmax, const float *x, int W, int P, int Q,
                                              int32_t base)
{
    maxpool2x2_rows(y, argmax, x, W, P, Q, base, true);
}

int maxpool2d_forward_fast(Tensor *y, int32_t *argmax, const Tensor *x, Pool2dParams p)
{
    /* x [N,C,H,W] -> y [N,C,P,Q]; argmax [N*C*P*Q] flat indices into x, or NULL */
    if (!x || !y || !argmax || !is_2x2_stride_2(p) || tensor_size(x) > (size_t)INT32_MAX)
        return maxpool2d_forward(y, argmax, x, p); /* its checks and its messages */
    int P, Q;
    if (pool2d_output_shape(&P, &Q, x->h, x->w, p) != 0) return cnn_error_context("maxpool2d_forward_fast");
    if (tensor_check_shape(y, "maxpool2d_forward_fast: y", x->n, x->c, P, Q) != 0) return -1;
    int planes = x->n * x->c, H = x->h, W = x->w;
    OMP(parallel for schedule(static) if (tensor_size(x) > PF_MIN_PARALLEL))
    for (int i = 0; i < planes; i++)
        maxpool2x2_plane(y->data + (size_t)i * P * Q, argmax + (size_t)i * P * Q, x->data + (size_t)i * H * W,
                         W, P, Q, (int32_t)((size_t)i * H * W));
    return 0;
}

int relu_maxpool2d_forward_fast(Tensor *y, int32_t *argmax, const Tensor *x, Pool2dParams p)
{
    /* x [N,C,H,W] (the ReLU's input) -> y [N,C,P,Q] = maxpool(relu(x)); argmax [N*C*P*Q] of x */
    if (!y || !argmax || !x)
        return cnn_error("relu_maxpool2d_forward_fast: y, argmax and x are required (one is NULL)");
    if (!is_2x2_stride_2(p))
        return cnn_error("relu_maxpool2d_forward_fast: only 2x2 windows with stride 2 (got %dx%d, stride %d,%d)",
                         p.window_h, p.window_w, p.stride_h, p.stride_w);
    if (tensor_size(x) > (size_t)INT32_MAX)
        return cnn_error("relu_maxpool2d_forward_fast: x has %zu elements, too many for int32 argmax",
                         tensor_size(x));
    int P, Q;
    if (pool2d_output_shape(&P, &Q, x->h, x->w, p) != 0) return cnn_error_context("relu_maxpool2d_forward_fast");
    if (tensor_check_shape(y, "relu_maxpool2d_forward_fast: y", x->n, x->c, P, Q) != 0) return -1;
    int planes = x->n * x->c, H = x->h, W = x->w;
    OMP(parallel for schedule(static) if (tensor_size(x) > PF_MIN_PARALLEL))
    for (int i = 0; i < planes; i++)
        relu_maxpool2x2_plane(y->data + (size_t)i * P * Q, argmax + (size_t)i * P * Q, x->data + (size_t)i * H * W,
                              W, P, Q, (int32_t)((size_t)i * H * W));
    return 0;
}

/* One plane: dx [H, W] += dy [P, Q] sent to the argmax of each window. Every
 * position of every window is updated (with 0 unless it is the winner), so
 * the loop has no scatter and vectorizes. Returns true if some argmax lies
 * outside its window. */
PF_NOINLINE static bool maxpool2x2_backward_plane(float *dx, const float *dy, const int32_t *argmax, int W, int P, int Q,
                                      int32_t base)
{
    int bad = 0;
    for (int ph = 0; ph < P; ph++) {
        float *d0 = dx + (size_t)2 * ph * W, *d1 = d0 + W;
        const float *grow = dy + (size_t)ph * Q;
        const int32_t *arow = argmax + (size_t)ph * Q;
        int32_t top = base + 2 * ph * W;
#pragma omp simd reduction(| : bad)
        for (int pw = 0; pw < Q; pw++) {
            int32_t k = arow[pw] - (top + 2 * pw); /* 0, 1, W or W+1 inside the window */
            float g = grow[pw];
            d0[2 * pw] += k == 0 ? g : 0.0f;
            d0[2 * pw + 1] += k == 1 ? g : 0.0f;
            d1[2 * pw] += k == W ? g : 0.0f;
            d1[2 * pw + 1] += k == W + 1 ? g : 0.0f;
            /* | not ||: a branch here would stop the vectorizer */
            int inside = (k == 0) | (k == 1) | (k == W) | (k == W + 1);
            bad |= !inside;
        }
    }
    return bad != 0;
}

int maxpool2d_backward_fast(Tensor *dx, const Tensor *dy, const int32_t *argmax, Pool2dParams p)
{
    /* dy [N,C,P,Q], argmax [N*C*P*Q], dx [N,C,H,W] += */
    if (!dx || !dy || !argmax || !is_2x2_stride_2(p) || tensor_size(dx) > (size_t)INT32_MAX)
        return maxpool2d_backward(dx, dy, argmax, p);
    int P, Q;
    if (pool2d_output_shape(&P, &Q, dx->h, dx->w, p) != 0) return cnn_error_context("maxpool2d_backward_fast");
    if (tensor_check_shape(dy, "maxpool2d_backward_fast: dy", dx->n, dx->c, P, Q) != 0) return -1;
    int planes = dx->n * dx->c, H = dx->h, W = dx->w;
    bool bad = false;
    OMP(parallel for schedule(static) reduction(| : bad) if (tensor_size(dx) > PF_MIN_PARALLEL))
    for (int i = 0; i < planes; i++)
        bad |= maxpool2x2_backward_plane(dx->data + (size_t)i * H * W, dy->data + (size_t)i * P * Q,
                                         argmax + (size_t)i * P * Q, W, P, Q, (int32_t)((size_t)i * H * W));
    if (!bad) return 0;
    /* Name the first bad entry (a corrupt argmax is a bug upstream). */
    for (size_t i = 0; i < tensor_size(dy); i++) {
        size_t plane = i / ((size_t)P * Q), ph = i % ((size_t)P * Q) / Q, pw = i % Q;
        long k = argmax[i] - (long)(plane * H * W + 2 * ph * W + 2 * pw);
        if (k != 0 && k != 1 && k != W && k != W + 1)
            return cnn_error("maxpool2d_backward_fast: argmax[%zu] = %d is not inside its 2x2 window "
                             "(plane %zu, row %zu, column %zu); dx is partly updated", i, (int)argmax[i],
                             plane, ph, pw);
    }
    return cnn_error("maxpool2d_backward_fast: an argmax entry is outside its window");
}

/* One plane of the fused ReLU + max-pool backward: every position of
 * dx [H, W] is WRITTEN, with the window's gradient where it is the argmax
 * and the ReLU was open (x > 0 there), else 0. Returns true if some argmax
 * lies outside its window. */
PF_NOINLINE static bool relu_maxpool2x2_backward_plane(float *dx, const float *dy, const int32_t *argmax,
                                                      const float *x, int H, int W, int P, int Q,
                                                      int32_t base)
{
    int bad = 0;
    for (int ph = 0; ph < P; ph++) {
        float *d0 = dx + (size_t)2 * ph * W, *d1 = d0 + W;
        const float *x0 = x + (size_t)2 * ph * W, *x1 = x0 + W;
        const float *grow = dy + (size_t)ph * Q;
        const int32_t *arow = argmax + (size_t)ph * Q;
        int32_t top = base + 2 * ph * W;
#pragma omp simd reduction(| : bad)
        for (int pw = 0; pw < Q; pw++) {
            int32_t k = arow[pw] - (top + 2 * pw);
            float g = grow[pw];
            /* Every value loaded up front and only selects (no && or ||):
             * nothing branches, so the loop vectorizes. */
            float ga = x0[2 * pw] > 0.0f ? g : 0.0f, gb = x0[2 * pw + 1] > 0.0f ? g : 0.0f;
            float gc = x1[2 * pw] > 0.0f ? g : 0.0f, gd = x1[2 * pw + 1] > 0.0f ? g : 0.0f;
            d0[2 * pw] = k == 0 ? ga : 0.0f;
            d0[2 * pw + 1] = k == 1 ? gb : 0.0f;
            d1[2 * pw] = k == W ? gc : 0.0f;
            d1[2 * pw + 1] = k == W + 1 ? gd : 0.0f;
            int inside = (k == 0) | (k == 1) | (k == W) | (k == W + 1);
            bad |= !inside;
        }
        for (int w = 2 * Q; w < W; w++) d0[w] = d1[w] = 0.0f; /* a column no window covers */
    }
    for (int h = 2 * P; h < H; h++)
        for (int w = 0; w < W; w++) dx[(size_t)h * W + w] = 0.0f; /* a row no window covers */
    return bad != 0;
}

int relu_maxpool2d_backward_fast(Tensor *dx, const Tensor *dy, const int32_t *argmax, const Tensor *x,
                                 Pool2dParams p)
{
    /* x [N,C,H,W] (the ReLU's input), dy [N,C,P,Q], argmax [N*C*P*Q] -> dx [N,C,H,W] = */
    if (!dx || !dy || !argmax || !x)
        return cnn_error("relu_maxpool2d_backward_fast: dx, dy, argmax and x are required (one is NULL)");
    if (!is_2x2_stride_2(p))
        return cnn_error("relu_maxpool2d_backward_fast: only 2x2 windows with stride 2 (got %dx%d, stride %d,%d)",
                         p.window_h, p.window_w, p.stride_h, p.stride_w);
    if (tensor_check_shape(dx, "relu_maxpool2d_backward_fast: dx", x->n, x->c, x->h, x->w) != 0) return -1;
    if (tensor_size(dx) > (size_t)INT32_MAX)
        return cnn_error("relu_maxpool2d_backward_fast: dx has %zu elements, too many for int32 argmax",
                         tensor_size(dx));
    int P, Q;
    if (pool2d_output_shape(&P, &Q, dx->h, dx->w, p) != 0) return cnn_error_context("relu_maxpool2d_backward_fast");
    if (tensor_check_shape(dy, "relu_maxpool2d_backward_fast: dy", dx->n, dx->c, P, Q) != 0) return -1;
    int planes = dx->n * dx->c, H = dx->h, W = dx->w;
    bool bad = false;
    OMP(parallel for schedule(static) reduction(| : bad) if (tensor_size(dx) > PF_MIN_PARALLEL))
    for (int i = 0; i < planes; i++)
        bad |= relu_maxpool2x2_backward_plane(dx->data + (size_t)i * H * W, dy->data + (size_t)i * P * Q,
                                              argmax + (size_t)i * P * Q, x->data + (size_t)i * H * W, H, W,
                                              P, Q, (int32_t)((size_t)i * H * W));
    return bad ? cnn_error("relu_maxpool2d_backward_fast: an argmax entry is outside its 2x2 window") : 0;
}
