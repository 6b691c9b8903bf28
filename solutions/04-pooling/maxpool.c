/* SOLUTION -- the reference; `make skeletons` generates chapters/04-pooling/maxpool.c from it.
 *
 * maxpool.c -- max pooling, forward pass (chapter 04, exercises 4.2 and 4.3).
 *
 * Each output value is the largest input under its window; the general
 * version also records where that largest input sits (argmax), because
 * chapter 05's backward pass sends the whole gradient of an output back to
 * that one position. Shapes, the tie rule and the argmax layout are stated in
 * pooling.h.
 */
#include "pooling.h"

#include "error.h"

int maxpool2x2_forward(Tensor *y, const Tensor *x)
{
    // x [N,C,H,W] -> y [N,C,H/2,W/2]
    if (!x || !y) return cnn_error("maxpool2x2_forward: x or y is NULL");
    if (x->h < 2 || x->w < 2)
        return cnn_error("maxpool2x2_forward: a 2x2 window does not fit in a %dx%d input", x->h, x->w);
    const int P = x->h / 2, Q = x->w / 2; /* integer division is the floor */
    if (tensor_check_shape(y, "maxpool2x2_forward: y", x->n, x->c, P, Q) < 0) return -1;

    // TODO 4.2: for every image n, channel c and output position (ph, pw),
    // write into y the largest of the four inputs
    //     (2*ph, 2*pw)    (2*ph, 2*pw+1)
    //     (2*ph+1, 2*pw)  (2*ph+1, 2*pw+1)
    // of the same image and channel.
    // Hint: tensor_at(x, n, c, h, w) points at x(n, c, h, w). Loop over the
    // OUTPUT positions (ph < P, pw < Q), not the input ones: that drops an
    // odd last row or column by itself.
    //>> solution
    for (int n = 0; n < x->n; n++)
        for (int c = 0; c < x->c; c++)
            for (int ph = 0; ph < P; ph++)
                for (int pw = 0; pw < Q; pw++) {
                    const int h = 2 * ph, w = 2 * pw; /* top-left corner of the window */
                    float best = *tensor_at(x, n, c, h, w);
                    if (*tensor_at(x, n, c, h, w + 1) > best) best = *tensor_at(x, n, c, h, w + 1);
                    if (*tensor_at(x, n, c, h + 1, w) > best) best = *tensor_at(x, n, c, h + 1, w);
                    if (*tensor_at(x, n, c, h + 1, w + 1) > best) best = *tensor_at(x, n, c, h + 1, w + 1);
                    *tensor_at(y, n, c, ph, pw) = best;
                }
    //| (void)P; (void)Q;
    //<<
    return 0;
}

int maxpool2d_forward(Tensor *y, int32_t *argmax, const Tensor *x, Pool2dParams p)
{
    // x [N,C,H,W] -> y [N,C,P,Q]; argmax [N*C*P*Q] flat indices into x, or NULL
    if (!x || !y) return cnn_error("maxpool2d_forward: x or y is NULL");
    int P, Q;
    if (pool2d_output_shape(&P, &Q, x->h, x->w, p) < 0) return cnn_error_context("maxpool2d_forward");
    if (tensor_check_shape(y, "maxpool2d_forward: y", x->n, x->c, P, Q) < 0) return -1;
    if (argmax && tensor_size(x) > (size_t)INT32_MAX)
        return cnn_error("maxpool2d_forward: x has %zu elements, too many for int32 argmax indices",
                         tensor_size(x));

    // TODO 4.3: the general max pooling. For every (n, c, ph, pw) of y, the
    // window covers the input rows ph*stride_h ... ph*stride_h + window_h - 1
    // and the columns pw*stride_w ... pw*stride_w + window_w - 1. Write its
    // largest value into y and, when argmax is not NULL, the flat index of
    // that value in x into argmax at y's flat index of (n, c, ph, pw).
    // Hint: start the search with the window's top-left value (never with 0:
    // a window can be all negative), scan rows then columns, and replace the
    // best only when a value is STRICTLY larger: that makes the first maximum
    // win a tie. tensor_index(x, n, c, h, w) is the flat index into x;
    // tensor_index(y, n, c, ph, pw) is the position in argmax.
    //>> solution
    for (int n = 0; n < x->n; n++)
        for (int c = 0; c < x->c; c++)
            for (int ph = 0; ph < P; ph++)
                for (int pw = 0; pw < Q; pw++) {
                    const int h0 = ph * p.stride_h, w0 = pw * p.stride_w; /* window's top-left */
                    float best = *tensor_at(x, n, c, h0, w0);
                    size_t best_at = tensor_index(x, n, c, h0, w0);
                    for (int r = 0; r < p.window_h; r++)
                        for (int s = 0; s < p.window_w; s++) {
                            const float v = *tensor_at(x, n, c, h0 + r, w0 + s);
                            if (v > best) { /* strictly larger: the first max keeps a tie */
                                best = v;
                                best_at = tensor_index(x, n, c, h0 + r, w0 + s);
                            }
                        }
                    *tensor_at(y, n, c, ph, pw) = best;
                    if (argmax) argmax[tensor_index(y, n, c, ph, pw)] = (int32_t)best_at;
                }
    //<<
    return 0;
}
