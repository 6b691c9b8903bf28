/* SOLUTION -- the reference; `make skeletons` generates chapters/05-backprop/dense.h from it.
 *
 * dense.h -- the fully connected (dense) layer, forward and backward.
 * Chapter 05.
 *
 * y[n, m] = b[m] + sum_d w[m, d] * x[n, d]
 *
 * x may be any [N, C, H, W] tensor: the layer reads image n as the flat
 * vector of its D = C*H*W values (chapter 01: NCHW is already flattened in
 * memory), so a dense layer can follow a conv layer without a copy.
 */
#ifndef CH05_DENSE_H
#define CH05_DENSE_H

#include "tensor.h"

/* x [N, D] (or [N,C,H,W] with C*H*W = D), w [M, D], b [M] or NULL, y [N, M].
 * Overwrites y. -1 with an error naming the mismatch when shapes disagree. */
int dense_forward(Tensor *y, const Tensor *x, const Tensor *w, const Tensor *b);

/* dy [N, M] = dL/dy; x and w as in the forward pass.
 * Accumulates (+=) dL/dx into dx (like x), dL/dw into dw [M, D] and dL/db
 * into db [M]; any of the three may be NULL when it is not wanted. */
int dense_backward(Tensor *dx, Tensor *dw, Tensor *db, const Tensor *dy, const Tensor *x,
                   const Tensor *w);

#endif
