/* SOLUTION -- the reference; `make skeletons` generates chapters/05-backprop/pool_backward.c from it.
 *
 * pool_backward.c -- gradients of max and average pooling (the exercise).
 * Chapter 05. See pool_backward.h. */
#include "pool_backward.h"

#include "error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* dx [N,C,H,W] and dy [N,C,P,Q] must agree with the pooling parameters. */
static int pool_backward_shapes(const Tensor *dx, const Tensor *dy, Pool2dParams p, const char *fn)
{
    if (!dx || !dy) return cnn_error("%s: dx and dy are required (one is NULL)", fn);
    int P, Q;
    if (pool2d_output_shape(&P, &Q, dx->h, dx->w, p) != 0) return cnn_error_context("%s", fn);
    char name[64];
    snprintf(name, sizeof name, "%s: dy", fn);
    return tensor_check_shape(dy, name, dx->n, dx->c, P, Q);
}

int maxpool2d_backward(Tensor *dx, const Tensor *dy, const int32_t *argmax, Pool2dParams p)
{
    /* dy [N,C,P,Q], argmax [N*C*P*Q], dx [N,C,H,W] */
    if (pool_backward_shapes(dx, dy, p, "maxpool2d_backward") != 0) return -1;
    if (!argmax) return cnn_error("maxpool2d_backward: argmax is required (NULL)");
    int N = dx->n, C = dx->c, H = dx->h, W = dx->w, P = dy->h, Q = dy->w;
    // TODO 5.5: send each dy value back to the input that won its window.
    // Hint: visit the outputs (n, c, pp, qq) in order; i counts them, so
    //       argmax[i] is the flat index in dx of the winner: dx->data[argmax[i]] += dy->data[i].
    //       First check that the winner really lies in window (pp, qq) of
    //       plane (n, c): it must sit on one of the window's rows, between
    //       the flat indices of that row's first and last column (rows
    //       pp*stride_h .. +window_h-1, columns qq*stride_w .. +window_w-1).
    //       If not, return cnn_error(...) naming i, the index and the window.
    //>> solution
    size_t i = 0;
    for (int n = 0; n < N; n++) {
        for (int c = 0; c < C; c++) {
            long plane = ((long)n * C + c) * H * W; /* flat index of dx(n, c, 0, 0) */
            for (int pp = 0; pp < P; pp++) {
                for (int qq = 0; qq < Q; qq++, i++) {
                    int h0 = pp * p.stride_h, w0 = qq * p.stride_w;
                    int32_t kept = argmax[i];
                    /* Row by row, not by dividing kept by H*W and W: two
                     * comparisons per row cost far less than three divisions. */
                    bool inside = false;
                    for (int r = 0; r < p.window_h; r++) {
                        long first = plane + (long)(h0 + r) * W + w0;
                        inside |= kept >= first && kept < first + p.window_w;
                    }
                    if (!inside)
                        return cnn_error("maxpool2d_backward: argmax[%zu] = %d is not inside window "
                                         "(%d,%d,%d,%d)", i, (int)kept, n, c, pp, qq);
                    float g = dy->data[i];
                    dx->data[kept] += g;
                }
            }
        }
    }
    //| (void)N; (void)C; (void)H; (void)W; (void)P; (void)Q;
    //<<
    return 0;
}

int avgpool2d_backward(Tensor *dx, const Tensor *dy, Pool2dParams p)
{
    /* dy [N,C,P,Q], dx [N,C,H,W] */
    if (pool_backward_shapes(dx, dy, p, "avgpool2d_backward") != 0) return -1;
    int N = dx->n, C = dx->c, P = dy->h, Q = dy->w;
    // TODO 5.6: spread each dy value evenly over its window.
    // Hint: the forward pass divided the window's sum by window_h * window_w,
    //       so every input under window (pp, qq) gets dy[n,c,pp,qq] divided
    //       by that count. Windows may overlap: +=, never =.
    //>> solution
    float scale = 1.0f / (float)(p.window_h * p.window_w);
    for (int n = 0; n < N; n++) {
        for (int c = 0; c < C; c++) {
            for (int pp = 0; pp < P; pp++) {
                for (int qq = 0; qq < Q; qq++) {
                    float g = *tensor_at(dy, n, c, pp, qq) * scale;
                    for (int r = 0; r < p.window_h; r++)
                        for (int s = 0; s < p.window_w; s++)
                            *tensor_at(dx, n, c, pp * p.stride_h + r, qq * p.stride_w + s) += g;
                }
            }
        }
    }
    //| (void)N; (void)C; (void)P; (void)Q;
    //<<
    return 0;
}
