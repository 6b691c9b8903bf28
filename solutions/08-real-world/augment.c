/* SOLUTION -- the reference; `make skeletons` generates chapters/08-real-world/augment.c from it.
 *
 * augment.c -- chapter 08: random crops after zero padding and horizontal
 * flips of training images (see augment.h).
 *
 * Nothing here is padded for real: a crop reads x at (h + dy - pad,
 * w + dx - pad) and writes 0 where that falls outside, which is what a
 * padded copy would hold there.
 */
#include "augment.h"

#include "error.h"

#include <stdlib.h>
#include <string.h>

int augment_flip(Tensor *x, int n)
{
    // x [N,C,H,W], image n mirrored in place
    if (tensor_check_shape(x, "x", -1, -1, -1, -1)) return cnn_error_context("augment_flip");
    if (n < 0 || n >= x->n) return cnn_error("augment_flip: image %d of a batch of %d", n, x->n);
    for (int c = 0; c < x->c; c++)
        for (int h = 0; h < x->h; h++) {
            float *row = tensor_at(x, n, c, h, 0);
            // TODO 8.4: mirror this row of W values in place: swap row[w]
            // with row[W-1-w] for the first half of the row only (swapping
            // every pair twice would put it back).
            //>> solution
            for (int w = 0; w < x->w / 2; w++) {
                float t = row[w];
                row[w] = row[x->w - 1 - w];
                row[x->w - 1 - w] = t;
            }
            //| (void)row;
            //<<
        }
    return 0;
}

int augment_crop(Tensor *y, const Tensor *x, int n, int pad, int dy, int dx)
{
    // x [N,C,H,W], image n -> image n of y [N,C,H,W]
    if (tensor_check_shape(x, "x", -1, -1, -1, -1) || tensor_check_shape(y, "y", x->n, x->c, x->h, x->w))
        return cnn_error_context("augment_crop");
    if (y->data == x->data) return cnn_error("augment_crop: y and x must be different tensors");
    if (n < 0 || n >= x->n) return cnn_error("augment_crop: image %d of a batch of %d", n, x->n);
    if (pad < 0 || dy < 0 || dx < 0 || dy > 2 * pad || dx > 2 * pad)
        return cnn_error("augment_crop: offsets (%d, %d) must lie in 0..2*pad = 0..%d", dy, dx, 2 * pad);
    for (int c = 0; c < x->c; c++)
        for (int h = 0; h < x->h; h++) {
            float *out = tensor_at(y, n, c, h, 0);
            // TODO 8.5: out[w] = x(n, c, h + dy - pad, w + dx - pad) for every
            // w of the row, and 0 where that row or column lies outside x.
            // Hint: the source row is the same for the whole row: check it
            // once; then each w needs its own column check.
            //>> solution
            int sh = h + dy - pad;
            if (sh < 0 || sh >= x->h) {
                memset(out, 0, (size_t)x->w * sizeof *out);
                continue;
            }
            const float *src = tensor_at(x, n, c, sh, 0);
            for (int w = 0; w < x->w; w++) {
                int sw = w + dx - pad;
                out[w] = sw >= 0 && sw < x->w ? src[sw] : 0.0f;
            }
            //| (void)out;
            //<<
        }
    return 0;
}

int augment_batch(Tensor *x, Rng *rng, const AugmentParams *p)
{
    // x [N,C,H,W], every image augmented in place
    if (tensor_check_shape(x, "x", -1, -1, -1, -1)) return cnn_error_context("augment_batch");
    if (!rng || !p) return cnn_error("augment_batch: missing rng or parameters");
    if (p->pad < 0) return cnn_error("augment_batch: pad must be >= 0, got %d", p->pad);
    /* A scratch batch of one image for the crop: image 0 of `one` is image
     * n of x, and the crop writes image 0 of `cropped`. */
    Tensor *cropped = tensor_new(1, x->c, x->h, x->w);
    if (!cropped) return cnn_error_context("augment_batch");
    size_t image = (size_t)x->c * (size_t)x->h * (size_t)x->w;
    int rc = 0;
    for (int n = 0; n < x->n && rc == 0; n++) {
        Tensor one = tensor_batch(x, n, 1);
        // TODO 8.6: draw dy, dx (when pad > 0) and flip (when p->flip) in
        // the order augment.h gives, crop image 0 of `one` into `cropped` and
        // copy it back into image n of x, then mirror image n when flip is 1.
        // Keep any error code in rc.
        //>> solution
        if (p->pad > 0) {
            int dy = rng_below(rng, 2 * p->pad + 1), dx = rng_below(rng, 2 * p->pad + 1);
            rc = augment_crop(cropped, &one, 0, p->pad, dy, dx);
            if (rc == 0) memcpy(tensor_image(x, n), cropped->data, image * sizeof *cropped->data);
        }
        if (rc == 0 && p->flip && rng_below(rng, 2) == 1) rc = augment_flip(x, n);
        //| (void)one; (void)image;
        //<<
    }
    tensor_free(cropped);
    return rc;
}
