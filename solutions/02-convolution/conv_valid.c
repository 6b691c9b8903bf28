/* SOLUTION -- the reference; `make skeletons` generates chapters/02-convolution/conv_valid.c from it.
 *
 * conv_valid.c -- chapter 02, step 2.3: a batch of images through K filters.
 *
 * The full layer without padding or stride: N images of C channels, K
 * filters of shape [C,R,S], one bias per filter. Output channel k of image n
 * is the multi-channel correlation of image n with filter k, plus b[k] at
 * every position. The seven loops below are the whole of a conv layer's
 * forward pass; chapter 03 adds padding and stride to the same loop nest.
 */
#include "conv_naive.h"

int conv2d_valid(Tensor *y, const Tensor *x, const Tensor *w, const Tensor *b)
{
    /* x [N,C,H,W], w [K,C,R,S], b [K] or NULL -> y [N,K,P,Q], P = H-R+1, Q = W-S+1 */
    if (conv_naive_check_shapes("conv2d_valid", y, x, w, b)) return -1;
    const int N = x->n, C = x->c, K = w->n, R = w->h, S = w->w, P = y->h, Q = y->w;

    // TODO 2.3: for every image n < N, filter k < K and position (i, j):
    //   y(n,k,i,j) = b[k] + sum over c, r, s of x(n,c,i+r,j+s) * w(k,c,r,s)
    // with b[k] read as 0 when b is NULL. The bias vector's values are
    // b->data[0..K-1].
    // Hint: loops n, k, i, j outside, c, r, s inside. Every one of the
    // N*K*P*Q outputs gets its filter's bias exactly once.
    //>> solution
    for (int n = 0; n < N; n++)
        for (int k = 0; k < K; k++)
            for (int i = 0; i < P; i++)
                for (int j = 0; j < Q; j++) {
                    float acc = b ? b->data[k] : 0.0f;
                    for (int c = 0; c < C; c++)
                        for (int r = 0; r < R; r++)
                            for (int s = 0; s < S; s++)
                                acc += *tensor_at(x, n, c, i + r, j + s) * *tensor_at(w, k, c, r, s);
                    *tensor_at(y, n, k, i, j) = acc;
                }
    //| (void)b; (void)N; (void)C; (void)K; (void)R; (void)S; (void)P; (void)Q;
    //<<
    return 0;
}
