/* GIVEN -- read it, don't edit it.
 * (Generated from solutions/03-padding-stride/conv.h by `make skeletons`.)
 *
 * conv.h -- chapter 03: padding, stride and the general convolution.
 *
 * The convolution every later chapter uses: chapters 04, 05 and 06 include
 * this header and link chapter 03's solution. It extends chapter 02's valid
 * correlation with two knobs per direction:
 *
 *   padding  pad_h rows of zeros above and below the input, pad_w columns
 *            of zeros left and right of it;
 *   stride   the kernel moves stride_h rows / stride_w columns per step.
 *
 * Output size, the one formula of the workbook (per direction):
 *
 *     out = floor((n + 2*pad - k) / stride) + 1
 *
 *     y(n, k, i, j) = b(k) + sum over c, r, s of
 *                     w(k, c, r, s) * x(n, c, i*stride_h - pad_h + r, j*stride_w - pad_w + s)
 *
 * where an x position outside [0,H) x [0,W) reads as zero (the padding).
 * This is exactly torch.nn.functional.conv2d(x, w, b, stride, padding).
 */
#ifndef CNN_CONV_H
#define CNN_CONV_H

#include "tensor.h"

typedef struct Conv2dParams {
    int pad_h, pad_w;       /* zeros added on each side: top/bottom, left/right */
    int stride_h, stride_w; /* kernel step down the rows, along the columns */
} Conv2dParams;

/* Output length of a convolution (or pooling) along one direction: an input
 * of n, a kernel of k, pad zeros on each side, a step of stride. Returns
 * floor((n + 2*pad - k) / stride) + 1, or -1 with a cnn_error message when
 * n <= 0, k <= 0, pad < 0, stride <= 0, or the kernel does not fit in the
 * padded input (k > n + 2*pad: no output at all). */
int conv_output_size(int n, int k, int pad, int stride);

/* Zero padding made explicit: x [N,C,H,W] -> y [N,C,H+2*pad_h,W+2*pad_w],
 * x copied into the middle, zeros around it. y is allocated by the caller;
 * every element is written. -1 with a message on a negative pad or a wrong
 * y shape. (conv2d_forward pads implicitly and never calls this.) */
int pad2d_zero(Tensor *y, const Tensor *x, int pad_h, int pad_w);

/* The general convolution.
 * x [N,C,H,W], w [K,C,R,S], b [K] or NULL -> y [N,K,P,Q] with
 * P = conv_output_size(H, R, p.pad_h, p.stride_h),
 * Q = conv_output_size(W, S, p.pad_w, p.stride_w).
 * y is allocated by the caller; -1 with a message (from tensor_check_shape
 * or conv_output_size) when the shapes or parameters do not fit. */
int conv2d_forward(Tensor *y, const Tensor *x, const Tensor *w, const Tensor *b, Conv2dParams p);

#endif
