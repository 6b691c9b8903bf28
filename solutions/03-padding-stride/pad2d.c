/* SOLUTION -- the reference; `make skeletons` generates chapters/03-padding-stride/pad2d.c from it.
 *
 * pad2d.c -- chapter 03, step 3.2: zero padding, made explicit.
 *
 * Copies each H x W map into the middle of a (H + 2*pad_h) x (W + 2*pad_w)
 * map of zeros. A convolution of the padded map without padding equals the
 * padded convolution of the original map, which is how the tests check
 * conv2d_forward's borders. Real layers avoid the copy (conv2d_forward
 * treats out-of-range reads as zeros), but seeing the padded map makes the
 * output-size formula obvious.
 */
#include "conv.h"

#include "error.h"

int pad2d_zero(Tensor *y, const Tensor *x, int pad_h, int pad_w)
{
    /* x [N,C,H,W] -> y [N,C,H+2*pad_h,W+2*pad_w] */
    if (pad_h < 0 || pad_w < 0)
        return cnn_error("pad2d_zero: padding (%d, %d) is negative", pad_h, pad_w);
    if (tensor_check_shape(x, "x", -1, -1, -1, -1)) return cnn_error_context("pad2d_zero");
    const int N = x->n, C = x->c, H = x->h, W = x->w;
    if (tensor_check_shape(y, "y", N, C, H + 2 * pad_h, W + 2 * pad_w))
        return cnn_error_context("pad2d_zero: y must be [N, C, H+2*pad_h, W+2*pad_w]");

    // TODO 3.2: make y the zero-padded copy of x: y(n,c,h+pad_h,w+pad_w) =
    // x(n,c,h,w) for every element of x, and 0 everywhere else.
    // Hint: y may hold old values (the tests fill it with 7s first), so write
    // the zeros yourself (tensor_zero(y)) before copying. pad_h shifts the
    // rows, pad_w the columns.
    //>> solution
    tensor_zero(y);
    for (int n = 0; n < N; n++)
        for (int c = 0; c < C; c++)
            for (int h = 0; h < H; h++)
                for (int w = 0; w < W; w++)
                    *tensor_at(y, n, c, h + pad_h, w + pad_w) = *tensor_at(x, n, c, h, w);
    //| (void)N; (void)C; (void)H; (void)W;
    //<<
    return 0;
}
