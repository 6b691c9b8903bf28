/* EXERCISE -- fill in the TODOs, then `make grade CH=02`.
 * (Generated from solutions/02-convolution/conv_multi.c by `make skeletons`.)
 *
 * conv_multi.c -- chapter 02, step 2.2: C input channels into one output map.
 *
 * A filter of a real layer spans every input channel: for an RGB image it is
 * three R x S slices, one per colour. Each slice is correlated with its own
 * channel and the C results are added into ONE output value, which is how a
 * filter can respond to colour combinations. Still no padding, stride 1.
 */
#include "conv_naive.h"

#include "error.h"

int conv2d_multi_channel(Tensor *y, const Tensor *x, const Tensor *w)
{
    /* x [1,C,H,W], w [1,C,R,S] -> y [1,1,P,Q] with P = H-R+1, Q = W-S+1 */
    if (conv_naive_check_shapes("conv2d_multi_channel", y, x, w, NULL)) return -1;
    if (x->n != 1 || w->n != 1)
        return cnn_error("conv2d_multi_channel: takes one image and one filter, got N=%d, K=%d "
                         "(use conv2d_valid)", x->n, w->n);
    const int C = x->c, P = y->h, Q = y->w, R = w->h, S = w->w;

    // TODO 2.2: y(0,0,i,j) = sum over c < C, r < R, s < S of
    //           x(0,c,i+r,j+s) * w(0,c,r,s).
    // Hint: step 2.1 with one more loop, over c, inside the (i, j) loops.
    // Start the sum at zero once per output value, not once per channel,
    // or only the last channel survives.
    (void)C; (void)P; (void)Q; (void)R; (void)S;
    return 0;
}
