/* EXERCISE -- fill in the TODOs, then `make grade CH=07`.
 * (Generated from solutions/07-visualization/normalize.c by `make skeletons`.)
 *
 * normalize.c -- chapter 07: float tensors to display bytes (min-max).
 *
 * A learned filter holds small signed numbers (-0.4 .. 0.6, say); a screen
 * wants 0..255. Min-max normalisation stretches a range [lo, hi] linearly
 * onto 0..255. Which range you pick decides what the picture can show: per
 * tile, every tile uses the full contrast (good for shapes); globally, tiles
 * can be compared with each other (good for magnitudes). See vis.h.
 */
#include "vis.h"

#include "error.h"

#include <math.h>
#include <stddef.h>

/* Smallest and largest of v[0..n-1]. */
static void range_of(const float *v, size_t n, float *lo, float *hi)
{
    *lo = v[0];
    *hi = v[0];
    for (size_t i = 1; i < n; i++) {
        if (v[i] < *lo) *lo = v[i];
        if (v[i] > *hi) *hi = v[i];
    }
}

/* Maps v[0..n-1] from [lo, hi] onto out[0..n-1] in 0..255. */
static void stretch(uint8_t *out, const float *v, size_t n, float lo, float hi)
{
    // TODO 7.1: map each value linearly so that lo -> 0 and hi -> 255,
    // rounding halves up: q = (v - lo) * 255 / (hi - lo), byte = floor(q + 0.5).
    // Hint: a dead tile has hi == lo. Dividing by zero would give NaN (or
    // infinity), and casting that to a byte is undefined behaviour: draw such
    // a tile mid-grey (128) instead. Clamp q to 0..255 before the cast.
    (void)v; (void)lo; (void)hi;
    for (size_t i = 0; i < n; i++) out[i] = 0;
}

int vis_normalize(uint8_t *out, const Tensor *t, VisNorm mode)
{
    // t [K, C, H, W] -> out [K*C*H*W] bytes, same order.
    if (!out || !t || !t->data) return cnn_error("vis_normalize: missing output or tensor");
    if (mode != VIS_NORM_TILE && mode != VIS_NORM_GLOBAL)
        return cnn_error("vis_normalize: unknown mode %d", (int)mode);
    size_t per_tile = (size_t)t->c * (size_t)t->h * (size_t)t->w;
    float glo, ghi;
    range_of(t->data, tensor_size(t), &glo, &ghi);
    for (int k = 0; k < t->n; k++) {
        const float *tile = t->data + (size_t)k * per_tile;
        float lo = glo, hi = ghi;
        // TODO 7.1 (cont.): in VIS_NORM_TILE mode each tile uses its own range.
        stretch(out + (size_t)k * per_tile, tile, per_tile, lo, hi);
    }
    return 0;
}
