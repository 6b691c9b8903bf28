/* SOLUTION -- the reference; `make skeletons` generates chapters/03-padding-stride/conv2d.c from it.
 *
 * conv2d.c -- chapter 03, step 3.3: the general convolution, naively.
 *
 * Chapter 02's seven loops with padding and stride folded into the input
 * index: output (i, j) looks at input rows i*stride_h - pad_h + r and
 * columns j*stride_w - pad_w + s, and a row or column outside the input is
 * a zero of the padding, so it is skipped (it would add 0 * weight).
 *
 * This is the reference every later chapter trusts (chapter 05 trains with
 * it, chapter 06 measures its fast versions against it), so it stays plain:
 * the loop order n, k, i, j, c, r, s and the one index helper, tensor_at.
 */
#include "conv.h"

#include "error.h"

int conv2d_forward(Tensor *y, const Tensor *x, const Tensor *w, const Tensor *b, Conv2dParams p)
{
    /* x [N,C,H,W], w [K,C,R,S], b [K] or NULL -> y [N,K,P,Q] */
    if (tensor_check_shape(x, "x", -1, -1, -1, -1) || tensor_check_shape(w, "w", -1, x->c, -1, -1))
        return cnn_error_context("conv2d_forward");
    const int N = x->n, C = x->c, H = x->h, W = x->w, K = w->n, R = w->h, S = w->w;
    const int P = conv_output_size(H, R, p.pad_h, p.stride_h);
    if (P < 0) return cnn_error_context("conv2d_forward: along the height");
    const int Q = conv_output_size(W, S, p.pad_w, p.stride_w);
    if (Q < 0) return cnn_error_context("conv2d_forward: along the width");
    if (b && tensor_check_shape(b, "b", K, 1, 1, 1))
        return cnn_error_context("conv2d_forward: one bias per filter");
    if (tensor_check_shape(y, "y", N, K, P, Q))
        return cnn_error_context("conv2d_forward: y must be [N, K, P, Q]");

    // TODO 3.3: for every n < N, k < K, i < P, j < Q:
    //   y(n,k,i,j) = b[k] (0 when b is NULL) + sum over c < C, r < R, s < S of
    //                x(n, c, ih, iw) * w(k, c, r, s)
    //   with ih = i*p.stride_h - p.pad_h + r and iw = j*p.stride_w - p.pad_w + s,
    //   where a term whose (ih, iw) lies outside 0 <= ih < H, 0 <= iw < W is
    //   a zero of the padding: skip it, never read x there.
    // Hint: chapter 02's conv2d_valid is this with pad 0 and stride 1. Test
    // the row once per r (skip the whole kernel row) and the column per s.
    //>> solution
    for (int n = 0; n < N; n++)
        for (int k = 0; k < K; k++)
            for (int i = 0; i < P; i++)
                for (int j = 0; j < Q; j++) {
                    float acc = b ? b->data[k] : 0.0f;
                    for (int c = 0; c < C; c++)
                        for (int r = 0; r < R; r++) {
                            const int ih = i * p.stride_h - p.pad_h + r;
                            if (ih < 0 || ih >= H) continue; /* a row of padding */
                            for (int s = 0; s < S; s++) {
                                const int iw = j * p.stride_w - p.pad_w + s;
                                if (iw < 0 || iw >= W) continue; /* a padding column */
                                acc += *tensor_at(x, n, c, ih, iw) * *tensor_at(w, k, c, r, s);
                            }
                        }
                    *tensor_at(y, n, k, i, j) = acc;
                }
    //| (void)N; (void)C; (void)H; (void)W; (void)K; (void)R; (void)S;
    //<<
    return 0;
}
