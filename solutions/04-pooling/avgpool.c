/* SOLUTION -- the reference; `make skeletons` generates chapters/04-pooling/avgpool.c from it.
 *
 * avgpool.c -- average pooling, forward pass (chapter 04, exercise 4.4).
 *
 * Each output value is the mean of the window_h * window_w inputs under its
 * window: a box blur sampled every stride pixels. Without padding every
 * window is full, so every mean divides by the same count. Shapes are stated
 * in pooling.h.
 */
#include "pooling.h"

#include "error.h"

int avgpool2d_forward(Tensor *y, const Tensor *x, Pool2dParams p)
{
    // x [N,C,H,W] -> y [N,C,P,Q]
    if (!x || !y) return cnn_error("avgpool2d_forward: x or y is NULL");
    int P, Q;
    if (pool2d_output_shape(&P, &Q, x->h, x->w, p) < 0) return cnn_error_context("avgpool2d_forward");
    if (tensor_check_shape(y, "avgpool2d_forward: y", x->n, x->c, P, Q) < 0) return -1;

    // TODO 4.4: for every (n, c, ph, pw) of y, write the mean of the window
    // whose top-left input is (ph*stride_h, pw*stride_w): the same windows
    // as max pooling, summed instead of searched.
    // Hint: the mean divides by the number of values in the window, which is
    // not the same as the number of positions the window moves by.
    //>> solution
    const float count = (float)(p.window_h * p.window_w);
    for (int n = 0; n < x->n; n++)
        for (int c = 0; c < x->c; c++)
            for (int ph = 0; ph < P; ph++)
                for (int pw = 0; pw < Q; pw++) {
                    const int h0 = ph * p.stride_h, w0 = pw * p.stride_w; /* window's top-left */
                    float sum = 0.0f;
                    for (int r = 0; r < p.window_h; r++)
                        for (int s = 0; s < p.window_w; s++)
                            sum += *tensor_at(x, n, c, h0 + r, w0 + s);
                    *tensor_at(y, n, c, ph, pw) = sum / count;
                }
    //<<
    return 0;
}
