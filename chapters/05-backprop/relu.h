/* GIVEN -- read it, don't edit it.
 * (Generated from solutions/05-backprop/relu.h by `make skeletons`.)
 *
 * relu.h -- the rectified linear unit, forward and backward. Chapter 05.
 *
 * y = max(0, x), element by element, for a tensor of any shape. Its slope is
 * 1 where x > 0 and 0 where x < 0 (at exactly 0 we pick 0, as PyTorch does).
 */
#ifndef CH05_RELU_H
#define CH05_RELU_H

#include "tensor.h"

/* x any shape, y the same element count. Overwrites y (y == x is allowed). */
int relu_forward(Tensor *y, const Tensor *x);

/* dy like y, x the forward pass's INPUT. Accumulates (+=) dL/dx into dx. */
int relu_backward(Tensor *dx, const Tensor *dy, const Tensor *x);

#endif
