/* GIVEN -- read it, don't edit it.
 *
 * conv_check.c -- the shape check shared by chapter 02's three convolutions.
 *
 * Given code, not an exercise: it runs before any loop so that a wrong shape
 * is reported as a message instead of becoming an out-of-bounds read.
 */
#include "conv_naive.h"

#include "error.h"

int conv_naive_check_shapes(const char *fn, const Tensor *y, const Tensor *x, const Tensor *w,
                            const Tensor *b)
{
    /* x [N,C,H,W], w [K,C,R,S], b [K] or NULL, y [N,K,H-R+1,W-S+1] */
    if (tensor_check_shape(x, "x", -1, -1, -1, -1) ||
        tensor_check_shape(w, "w", -1, -1, -1, -1) ||
        tensor_check_shape(y, "y", -1, -1, -1, -1))
        return cnn_error_context("%s", fn);
    const int N = x->n, C = x->c, H = x->h, W = x->w, K = w->n, R = w->h, S = w->w;
    if (tensor_check_shape(w, "w", K, C, -1, -1))
        return cnn_error_context("%s: the kernel must have one slice per input channel", fn);
    if (R > H || S > W)
        return cnn_error("%s: the %dx%d kernel does not fit in the %dx%d input: no valid output",
                         fn, R, S, H, W);
    if (b && tensor_check_shape(b, "b", K, 1, 1, 1))
        return cnn_error_context("%s: one bias per filter", fn);
    if (tensor_check_shape(y, "y", N, K, H - R + 1, W - S + 1))
        return cnn_error_context("%s: y must be [N, K, H-R+1, W-S+1]", fn);
    return 0;
}
