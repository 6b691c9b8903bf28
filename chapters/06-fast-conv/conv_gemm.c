/* EXERCISE -- fill in the TODOs, then `make grade CH=06`.
 * (Generated from solutions/06-fast-conv/conv_gemm.c by `make skeletons`.)
 *
 * conv_gemm.c -- chapter 06: the convolution as one matrix multiply per
 * image (steps 6.2-6.4 plug their GEMM in here), and the shape check that
 * every fast convolution shares.
 *
 * Single-threaded. Needs C*R*S*P*Q floats of scratch for the im2col matrix
 * of one image (allocated per call).
 */
#include "fastconv.h"

#include "error.h"

#include <stdlib.h>

int fastconv_check_shapes(const char *fn, const Tensor *y, const Tensor *x, const Tensor *w,
                          const Tensor *b, Conv2dParams p, int *P, int *Q)
{
    if (!x || !w || !y) return cnn_error("%s: x, w and y must not be NULL", fn);
    if (p.stride_h < 1 || p.stride_w < 1 || p.pad_h < 0 || p.pad_w < 0)
        return cnn_error("%s: stride must be >= 1 and padding >= 0 (got stride %d,%d pad %d,%d)", fn,
                         p.stride_h, p.stride_w, p.pad_h, p.pad_w);
    if (w->c != x->c)
        return cnn_error("%s: w has %d input channels but x has %d", fn, w->c, x->c);
    if (b && (int)tensor_size(b) != w->n)
        return cnn_error("%s: b has %zu values but w has %d filters", fn, tensor_size(b), w->n);
    int oh = conv_output_size(x->h, w->h, p.pad_h, p.stride_h);
    int ow = conv_output_size(x->w, w->w, p.pad_w, p.stride_w);
    if (oh < 1 || ow < 1)
        return cnn_error("%s: a %dx%d kernel does not fit a %dx%d input with padding %d,%d", fn,
                         w->h, w->w, x->h, x->w, p.pad_h, p.pad_w);
    if (tensor_check_shape(y, "y", x->n, w->n, oh, ow) != 0) return cnn_error_context("%s", fn);
    *P = oh;
    *Q = ow;
    return 0;
}

int conv2d_forward_gemm(Tensor *y, const Tensor *x, const Tensor *w, const Tensor *b,
                        Conv2dParams p, GemmFn gemm)
{
    /* x [N,C,H,W], w [K,C,R,S], b [K] or NULL -> y [N,K,P,Q] */
    int P, Q;
    if (fastconv_check_shapes("conv2d_forward_gemm", y, x, w, b, p, &P, &Q) != 0) return -1;
    int N = x->n, C = x->c, H = x->h, W = x->w, K = w->n, R = w->h, S = w->w;
    int CRS = C * R * S, PQ = P * Q;
    float *col = malloc((size_t)CRS * PQ * sizeof *col);
    if (!col) return cnn_error("conv2d_forward_gemm: out of memory for a [%d,%d] im2col matrix", CRS, PQ);
    int status = 0;
    for (int n = 0; n < N && status == 0; n++) {
        float *yn = tensor_image(y, n);
        for (int k = 0; k < K; k++)
            for (int i = 0; i < PQ; i++) yn[(size_t)k * PQ + i] = b ? b->data[k] : 0.0f;
        // TODO 6.2 (second part): the convolution of image n as one GEMM.
        // Unfold image n into col, then y_n [K, P*Q] += W [K, C*R*S] * col.
        // Hint: W and col are row-major: mat_rows(w->data, CRS) and
        // mat_rows(col, PQ); y_n's leading dimension is PQ.
        (void)gemm; (void)H; (void)W;
    }
    free(col);
    return status;
}
