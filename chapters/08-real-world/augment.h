/* GIVEN -- read it, don't edit it.
 * (Generated from solutions/08-real-world/augment.h by `make skeletons`.)
 *
 * augment.h -- data augmentation of training images: a random crop after
 * zero padding, and a random horizontal flip. Chapter 08.
 *
 * Each training image is changed a little every time it is seen, so the
 * network cannot memorise its exact pixels: shifted by up to `pad` pixels
 * (pad with zeros on every side, then cut an H x W window at a random
 * offset) and, half of the time, mirrored left to right. Labels never
 * change: a shifted or mirrored "cat" is still a cat. (A mirrored digit is
 * not always the same digit: for digits the flip is left off.)
 *
 * x is a batch [N,C,H,W]; image n is changed on its own. Randomness comes
 * from an Rng the caller seeds, so a run repeats exactly.
 */
#ifndef CH08_AUGMENT_H
#define CH08_AUGMENT_H

#include "rng.h"
#include "tensor.h"

#include <stdbool.h>

typedef struct AugmentParams {
    int pad;     /* the largest shift, in pixels (0: no crop) */
    bool flip;   /* mirror half of the images left to right */
} AugmentParams;

/* Mirrors image n of x [N,C,H,W] left to right, in place: (c, h, w) takes
 * the value of (c, h, W-1-w). -1 with a message when n is not an image of x. */
int augment_flip(Tensor *x, int n);

/* The crop after zero padding, for one image: image n of y [N,C,H,W] gets
 *     y(n,c,h,w) = x(n,c, h + dy - pad, w + dx - pad), 0 where that is outside x,
 * i.e. the H x W window at (dy, dx) of x padded by pad on every side.
 * 0 <= dy, dx <= 2*pad; dy = dx = pad is the image itself. y and x are
 * different tensors of the same shape. -1 with a message otherwise. */
int augment_crop(Tensor *y, const Tensor *x, int n, int pad, int dy, int dx);

/* Augments every image of x [N,C,H,W] in place. For each image in turn it
 * draws, in this order, dy = rng_below(rng, 2*pad + 1), dx = the same,
 * then (when p->flip) flip = rng_below(rng, 2); crops by (dy, dx) and
 * mirrors when flip is 1. With pad 0 no offsets are drawn. -1 with a
 * message on a negative pad or an allocation failure (x unchanged). */
int augment_batch(Tensor *x, Rng *rng, const AugmentParams *p);

#endif
