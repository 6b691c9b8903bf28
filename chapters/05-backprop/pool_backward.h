/* GIVEN -- read it, don't edit it.
 * (Generated from solutions/05-backprop/pool_backward.h by `make skeletons`.)
 *
 * pool_backward.h -- backward passes of chapter 04's pooling. Chapter 05.
 *
 * Max pooling copies one input per window to the output, so its gradient
 * goes back to that one input (the one argmax recorded) and nowhere else.
 * Average pooling spreads each output evenly over its window, so its gradient
 * is spread back evenly: dy / (window_h * window_w) to every position.
 * When windows overlap (stride < window), one input receives gradient from
 * several outputs: accumulate with +=.
 */
#ifndef CH05_POOL_BACKWARD_H
#define CH05_POOL_BACKWARD_H

#include "pooling.h"
#include "tensor.h"

#include <stdint.h>

/* dy [N,C,P,Q]; argmax [N*C*P*Q] as filled by maxpool2d_forward (flat
 * indices into x); dx [N,C,H,W] like the forward pass's x: accumulates (+=).
 * Fails when an argmax entry is not inside its own window. */
int maxpool2d_backward(Tensor *dx, const Tensor *dy, const int32_t *argmax, Pool2dParams p);

/* dy [N,C,P,Q]; dx [N,C,H,W]: accumulates (+=). */
int avgpool2d_backward(Tensor *dx, const Tensor *dy, Pool2dParams p);

#endif
