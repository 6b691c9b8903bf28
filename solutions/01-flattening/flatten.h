/* SOLUTION -- the reference; `make skeletons` generates chapters/01-flattening/flatten.h from it.
 *
 * flatten.h -- chapter 01: how an image becomes the vector an MLP reads.
 *
 * An image tensor [N, C, H, W] is already one long row of floats in memory
 * (see common/tensor.h). "Flattening" for a dense layer means reading image n
 * as a vector of D = C*H*W features. These exercises make the index maths
 * explicit, because every later chapter leans on it.
 */
#ifndef CH01_FLATTEN_H
#define CH01_FLATTEN_H

#include "tensor.h"

#include <stddef.h>

/* Exercise 1.1. The offset of element (n, c, h, w) in a contiguous NCHW
 * array whose images have C channels of H rows of W values. */
size_t flat_index(int n, int c, int h, int w, int C, int H, int W);

/* Exercise 1.2. The inverse of flat_index: which (n, c, h, w) lives at
 * offset i. */
void unflatten_index(size_t i, int C, int H, int W, int *n, int *c, int *h, int *w);

/* Exercise 1.3. Copies x [N, C, H, W] into out [N, D] (ndim 2, D = C*H*W),
 * feature d of image n being element (n, c, h, w) with d = (c*H + h)*W + w.
 * Returns -1 with a message when out does not have shape [N, D]. */
int flatten_images(Tensor *out, const Tensor *x);

/* Exercise 1.4. The reverse: x [N, D] back into out [N, C, H, W]. */
int unflatten_images(Tensor *out, const Tensor *x);

/* Exercise 1.5. How far apart, in the flattened vector of one image, are
 * pixel (c, h, w) and its neighbour (c + dc, h + dh, w + dw)? Returns the
 * signed distance in elements: 1 for the right-hand neighbour, W for the one
 * below, H*W for the same pixel in the next channel. This is the locality a
 * dense layer cannot see. */
long flat_distance(int dc, int dh, int dw, int H, int W);

#endif
