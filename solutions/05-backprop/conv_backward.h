/* SOLUTION -- the reference; `make skeletons` generates chapters/05-backprop/conv_backward.h from it.
 *
 * conv_backward.h -- the backward pass of chapter 03's convolution.
 * Chapter 05.
 *
 * Forward (chapter 03), with h = p*stride_h - pad_h + r, w' = q*stride_w - pad_w + s:
 *
 *     y[n,k,p,q] = b[k] + sum over c, r, s of w[k,c,r,s] * x[n,c,h,w']
 *
 * (terms whose (h, w') falls in the zero padding are 0). Every term links one
 * input pixel, one weight and one output, so backward walks the same loops
 * and sends dy[n,k,p,q] back along each link:
 *
 *     dx[n,c,h,w']  += dy[n,k,p,q] * w[k,c,r,s]
 *     dw[k,c,r,s]   += dy[n,k,p,q] * x[n,c,h,w']
 *     db[k]         += dy[n,k,p,q]
 *
 * Neighbouring windows overlap (a 3x3 kernel at stride 1 sees each pixel up
 * to 9 times), which is why everything is accumulated with +=.
 */
#ifndef CH05_CONV_BACKWARD_H
#define CH05_CONV_BACKWARD_H

#include "conv.h"
#include "tensor.h"

/* x [N,C,H,W], w [K,C,R,S], dy [N,K,P,Q] with P, Q from conv_output_size.
 * Accumulates (+=) into dx [N,C,H,W], dw [K,C,R,S] and db [K]; each may be
 * NULL when it is not wanted (the first layer of a network needs no dx). */
int conv2d_backward(Tensor *dx, Tensor *dw, Tensor *db, const Tensor *dy, const Tensor *x,
                    const Tensor *w, Conv2dParams p);

#endif
