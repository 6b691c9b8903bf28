/* EXERCISE -- fill in the TODOs, then `make grade CH=01`.
 * (Generated from solutions/01-flattening/flatten.c by `make skeletons`.)
 *
 * flatten.c -- chapter 01: flatten/unflatten index maths on NCHW tensors. */
#include "flatten.h"

#include "error.h"

size_t flat_index(int n, int c, int h, int w, int C, int H, int W)
{
    // TODO 1.1: return the offset of (n, c, h, w) in an NCHW array.
    // Hint: w moves fastest. One step in h skips a row of W values, one step
    // in c a whole H*W map, one step in n a whole C*H*W image. Work in
    // size_t so that large batches do not overflow an int.
    (void)n; (void)c; (void)h; (void)w; (void)C; (void)H; (void)W;
    return 0;
}

void unflatten_index(size_t i, int C, int H, int W, int *n, int *c, int *h, int *w)
{
    // TODO 1.2: undo flat_index. Peel the dimensions off from the fastest:
    // the remainder of i divided by W is w; divide i by W and repeat for H,
    // then C; what is left is n.
    (void)i; (void)C; (void)H; (void)W;
    *n = *c = *h = *w = 0;
}

int flatten_images(Tensor *out, const Tensor *x)
{
    // x is [N, C, H, W]; out is [N, D] with D = C*H*W (stored as [N, D, 1, 1]).
    int N = x->n, C = x->c, H = x->h, W = x->w;
    if (tensor_check_shape(out, "flatten_images: out", N, C * H * W, 1, 1) != 0) return -1;
    // TODO 1.3: for every (n, c, h, w), copy x's element into out at row n,
    // feature d = (c*H + h)*W + w. Use tensor_at() (common/tensor.h) to reach
    // an element of x and of out (out's element (n, d) is tensor_at(out, n, d, 0, 0)).
    return 0;
}

int unflatten_images(Tensor *out, const Tensor *x)
{
    // x is [N, D]; out is [N, C, H, W] and must satisfy C*H*W = D.
    int N = out->n, C = out->c, H = out->h, W = out->w;
    if (tensor_check_shape(x, "unflatten_images: x", N, C * H * W, 1, 1) != 0) return -1;
    // TODO 1.4: the reverse copy of 1.3: out's (n, c, h, w) comes from x's
    // row n, feature (c*H + h)*W + w.
    return 0;
}

long flat_distance(int dc, int dh, int dw, int H, int W)
{
    // TODO 1.5: the difference between the flat offsets of (c+dc, h+dh, w+dw)
    // and (c, h, w). Write out flat_index for both and subtract: n, c, h and
    // w themselves cancel.
    (void)dc; (void)dh; (void)dw; (void)H; (void)W;
    return 0;
}
