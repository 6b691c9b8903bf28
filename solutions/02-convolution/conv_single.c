/* SOLUTION -- the reference; `make skeletons` generates chapters/02-convolution/conv_single.c from it.
 *
 * conv_single.c -- chapter 02, step 2.1: one map, one kernel.
 *
 * The smallest convolution there is: slide an R x S kernel over an H x W
 * map, one step at a time, and at each stop write the sum of the element-wise
 * products into the output. No padding, stride 1.
 */
#include "conv_naive.h"

#include "error.h"

int conv2d_single_channel(Tensor *y, const Tensor *x, const Tensor *w)
{
    /* x [1,1,H,W], w [1,1,R,S] -> y [1,1,P,Q] with P = H-R+1, Q = W-S+1 */
    if (conv_naive_check_shapes("conv2d_single_channel", y, x, w, NULL)) return -1;
    if (x->n != 1 || x->c != 1 || w->n != 1)
        return cnn_error("conv2d_single_channel: takes one image of one channel and one kernel, "
                         "got N=%d, C=%d, K=%d (use conv2d_valid)", x->n, x->c, w->n);
    const int P = y->h, Q = y->w, R = w->h, S = w->w;

    // TODO 2.1: for every output position (i, j), 0 <= i < P, 0 <= j < Q,
    // write y(0,0,i,j) = sum over r < R, s < S of x(0,0,i+r,j+s) * w(0,0,r,s).
    // Hint: four nested loops (i, j, then r, s); sum into a local float and
    // store it once. tensor_at(t, n, c, h, w) points at element (n, c, h, w).
    // The kernel is NOT flipped: w(0,0,0,0) multiplies the window's top-left.
    //>> solution
    for (int i = 0; i < P; i++)
        for (int j = 0; j < Q; j++) {
            float acc = 0.0f;
            for (int r = 0; r < R; r++)
                for (int s = 0; s < S; s++)
                    acc += *tensor_at(x, 0, 0, i + r, j + s) * *tensor_at(w, 0, 0, r, s);
            *tensor_at(y, 0, 0, i, j) = acc;
        }
    //| (void)P; (void)Q; (void)R; (void)S;
    //<<
    return 0;
}
