/* EXERCISE -- fill in the TODOs, then `make grade CH=04`.
 * (Generated from solutions/04-pooling/avgpool.c by `make skeletons`.)
 *
 * avgpool.c -- average pooling, forward pass (chapter 04, exercise 4.4).
 *
 * Each output value is the mean of the window_h * window_w inputs under its
 * window: a box blur sampled every stride pixels. Without padding every
 * window is full, so every mean divides by the same count. Shapes are stated
 * in pooling.h.
 */
#include "pooling.h"

#include "error.h"

int avgpool2d_forward(Tensor *y, const Tensor *x, Pool2dParams p)
{
    // x [N,C,H,W] -> y [N,C,P,Q]
    if (!x || !y) return cnn_error("avgpool2d_forward: x or y is NULL");
    int P, Q;
    if (pool2d_output_shape(&P, &Q, x->h, x->w, p) < 0) return cnn_error_context("avgpool2d_forward");
    if (tensor_check_shape(y, "avgpool2d_forward: y", x->n, x->c, P, Q) < 0) return -1;

    // TODO 4.4: for every (n, c, ph, pw) of y, write the mean of the window
    // whose top-left input is (ph*stride_h, pw*stride_w): the same windows
    // as max pooling, summed instead of searched.
    // Hint: the mean divides by the number of values in the window, which is
    // not the same as the number of positions the window moves by.
    return 0;
}
