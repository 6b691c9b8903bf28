/* EXERCISE -- fill in the TODOs, then `make grade CH=04`.
 * (Generated from solutions/04-pooling/pool_shape.c by `make skeletons`.)
 *
 * pool_shape.c -- how big a pooled map is (chapter 04, exercise 4.1).
 *
 * Pooling without padding is a convolution's output-size question with pad 0:
 * the window starts at rows 0, s, 2s, ... and must end inside the input, so
 * the number of positions is floor((H - window) / stride) + 1. Chapter 03's
 * conv_output_size already answers it (and refuses impossible sizes); this
 * file only asks it twice and puts the answer into pooling terms.
 */
#include "pooling.h"

#include "error.h"
#include "conv.h"

int pool2d_output_shape(int *P, int *Q, int H, int W, Pool2dParams p)
{
    // TODO 4.1: set *P (output rows) and *Q (output columns) for pooling an
    // H x W map with window p.window_h x p.window_w and stride
    // p.stride_h, p.stride_w. Return 0, or -1 when they do not exist.
    // Hint: conv_output_size(n, k, pad, stride) from chapter 03 computes
    // floor((n + 2*pad - k) / stride) + 1 and returns -1 (with an error
    // message) when k or stride is not positive or the window does not fit.
    // Pooling has no padding. Pass a failure on with
    // cnn_error_context("pool2d window %dx%d on a %dx%d map", ...).
    (void)H; (void)W; (void)p;
    *P = 0;
    *Q = 0;
    return cnn_error("pool2d_output_shape: TODO 4.1 is not written yet");
}
