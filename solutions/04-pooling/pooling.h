/* SOLUTION -- the reference; `make skeletons` generates chapters/04-pooling/pooling.h from it.
 *
 * pooling.h -- max and average pooling, forward pass (chapter 04).
 *
 * Pooling slides a window of window_h x window_w over every channel of every
 * image, stride_h rows and stride_w columns at a time, and replaces each
 * window by one number: its largest value (max pooling) or its mean (average
 * pooling). Channels never mix, and there are no weights to learn.
 *
 * Output size. No padding is used, so a window must fit inside the input:
 *
 *     P = floor((H - window_h) / stride_h) + 1
 *     Q = floor((W - window_w) / stride_w) + 1
 *
 * which is chapter 03's conv_output_size(n, k, 0, s). Rows or columns left
 * over at the bottom or right (when the windows do not tile the input
 * exactly) are dropped, as PyTorch does by default (ceil_mode=False).
 *
 * Argmax. maxpool2d_forward can record, for every output value, where in x
 * it came from: argmax[i] is the flat NCHW index into x.data of the maximum
 * behind y.data[i]. Chapter 05's backward pass sends each gradient back to
 * exactly that position.
 *
 * Ties. When a window holds its maximum more than once, the FIRST one in
 * row-major window order wins: scanning rows top to bottom and, within a
 * row, columns left to right, a later value replaces the current best only if
 * it is strictly larger. PyTorch's CPU max_pool2d breaks ties the same way.
 *
 * Errors. Every function returns 0, or -1 after cnn_error() with a message
 * naming the bad argument (a non-positive window or stride, a window larger
 * than the input, a y of the wrong shape). NaN inputs get no special care.
 */
#ifndef CNN_POOLING_H
#define CNN_POOLING_H

#include "tensor.h"

#include <stdint.h>

typedef struct Pool2dParams {
    int window_h, window_w; /* the window: window_h rows by window_w columns */
    int stride_h, stride_w; /* how far the window moves down / right per step */
} Pool2dParams;

/* The output size of pooling an H x W map: *P rows and *Q columns (see the
 * formula above). Fails when a window or stride is not positive or the window
 * does not fit in H x W. */
int pool2d_output_shape(int *P, int *Q, int H, int W, Pool2dParams p);

/* The warm-up: 2x2 max pooling with stride 2.
 * x [N,C,H,W] -> y [N,C,H/2,W/2] (integer division: an odd last row or
 * column is dropped). The caller allocates y. */
int maxpool2x2_forward(Tensor *y, const Tensor *x);

/* General max pooling.
 * x [N,C,H,W] -> y [N,C,P,Q]; the caller allocates y. argmax may be NULL;
 * otherwise it holds N*C*P*Q entries, in the same order as y.data, and
 * receives the flat index into x.data of each maximum (first max wins ties).
 * Fails if x has more than INT32_MAX elements (argmax could not hold them). */
int maxpool2d_forward(Tensor *y, int32_t *argmax, const Tensor *x, Pool2dParams p);

/* General average pooling: every output value is the mean of the
 * window_h * window_w inputs under its window.
 * x [N,C,H,W] -> y [N,C,P,Q]; the caller allocates y. */
int avgpool2d_forward(Tensor *y, const Tensor *x, Pool2dParams p);

#endif
