/* SOLUTION -- the reference; `make skeletons` generates chapters/02-convolution/conv_naive.h from it.
 *
 * conv_naive.h -- chapter 02: the convolution of deep learning, by hand.
 *
 * What PyTorch's conv2d (and every deep-learning library) calls a
 * convolution is a cross-correlation: the kernel is laid on the input as it
 * is, not flipped, and each output value is a local weighted sum
 *
 *     y(n, k, i, j) = b(k) + sum over c, r, s of x(n, c, i + r, j + s) * w(k, c, r, s)
 *
 * Here there is no padding and the stride is 1 (a "valid" convolution), so
 * an H x W input and an R x S kernel give a P x Q output with
 * P = H - R + 1 and Q = W - S + 1. Chapter 03 adds padding and stride and
 * provides the general conv2d_forward; the names here are distinct from it.
 *
 * The chapter builds the general case in three graded steps:
 *   2.1 conv2d_single_channel  one map, one kernel
 *   2.2 conv2d_multi_channel   C input maps summed into one output map
 *   2.3 conv2d_valid           a batch of N images through K filters, with bias
 *
 * Every function takes an output y allocated by the caller with the right
 * shape, checks all shapes first, and returns 0, or -1 with a cnn_error
 * message naming the function and the mismatch (y is then untouched).
 */
#ifndef CNN_CONV_NAIVE_H
#define CNN_CONV_NAIVE_H

#include "tensor.h"

/* x [1,1,H,W], w [1,1,R,S] -> y [1,1,H-R+1,W-S+1] */
int conv2d_single_channel(Tensor *y, const Tensor *x, const Tensor *w);

/* x [1,C,H,W], w [1,C,R,S] -> y [1,1,H-R+1,W-S+1]: one filter spans all C
 * input channels and sums them into a single output map. */
int conv2d_multi_channel(Tensor *y, const Tensor *x, const Tensor *w);

/* x [N,C,H,W], w [K,C,R,S], b [K] or NULL -> y [N,K,H-R+1,W-S+1]:
 * every image through every filter; filter k adds b[k] to each of its outputs. */
int conv2d_valid(Tensor *y, const Tensor *x, const Tensor *w, const Tensor *b);

/* The shape check the three functions share (given, not an exercise):
 * x [N,C,H,W], w [K,C,R,S] with 1 <= R <= H and 1 <= S <= W, b [K] or NULL,
 * y [N,K,H-R+1,W-S+1]. fn names the caller in the error message. */
int conv_naive_check_shapes(const char *fn, const Tensor *y, const Tensor *x, const Tensor *w,
                            const Tensor *b);

#endif
