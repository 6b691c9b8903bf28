/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * fc_shapes.h -- chapter 06 tests: the grid of convolution shapes every
 * step is checked on, and the tolerance for comparing it with the naive
 * convolution of chapter 03.
 *
 * The grid covers odd sizes, H != W, stride 2 (also in one direction only),
 * padding (also asymmetric), 1x1 and 5x5 kernels, channel counts that are
 * not multiples of the vector width (16 floats), batch 1 and batch 64.
 *
 * Tolerance. The fast versions add the same C*R*S products in another
 * order, so float32 rounding differs by a few ulps per term; the error grows
 * like sqrt(C*R*S). A wrong index gives errors of order 0.1-1.
 */
#ifndef FC_SHAPES_H
#define FC_SHAPES_H

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "conv.h"
#include "error.h"
#include "fastconv.h"
#include "parallel.h"
#include "testing.h"

typedef struct FcShape {
    int n, c, h, w, k, r, s;
    Conv2dParams p; /* pad_h, pad_w, stride_h, stride_w */
} FcShape;

static const FcShape fc_grid[] = {
    {1, 1, 5, 5, 1, 3, 3, {0, 0, 1, 1}},     /* the smallest useful case */
    {2, 3, 7, 9, 5, 3, 3, {1, 1, 1, 1}},     /* odd sizes, H != W, padding */
    {2, 3, 9, 7, 5, 3, 3, {1, 1, 2, 2}},     /* stride 2 with padding */
    {2, 4, 8, 8, 6, 3, 3, {0, 0, 2, 2}},     /* stride 2, no padding, even size */
    {1, 17, 6, 6, 19, 1, 1, {0, 0, 1, 1}},   /* 1x1, C and K not multiples of 16 */
    {2, 2, 11, 11, 3, 5, 5, {2, 2, 1, 1}},   /* 5x5 'same' */
    {3, 5, 10, 8, 7, 5, 5, {2, 1, 2, 1}},    /* 5x5, asymmetric padding and stride */
    {1, 2, 6, 9, 3, 3, 2, {1, 0, 1, 2}},     /* R != S */
    {1, 1, 8, 8, 8, 3, 3, {1, 1, 1, 1}},     /* digits conv1, batch 1 */
    {64, 1, 8, 8, 8, 3, 3, {1, 1, 1, 1}},    /* digits conv1, batch 64 */
    {64, 8, 4, 4, 16, 3, 3, {1, 1, 1, 1}},   /* digits conv2, batch 64 */
    {2, 33, 12, 12, 20, 3, 3, {1, 1, 1, 1}}, /* C*R*S = 297 > one K slice */
};
#define FC_GRID_SIZE ((int)(sizeof fc_grid / sizeof fc_grid[0]))

static inline float fc_tol(const FcShape *s)
{
    return 1e-4f * sqrtf((float)(s->c * s->r * s->s));
}

static inline const char *fc_describe(const FcShape *s, char *buf, size_t size)
{
    snprintf(buf, size, "N=%d C=%d H=%d W=%d K=%d kernel %dx%d pad %d,%d stride %d,%d", s->n, s->c,
             s->h, s->w, s->k, s->r, s->s, s->p.pad_h, s->p.pad_w, s->p.stride_h, s->p.stride_w);
    return buf;
}

static inline int fc_out_h(const FcShape *s) { return conv_output_size(s->h, s->r, s->p.pad_h, s->p.stride_h); }
static inline int fc_out_w(const FcShape *s) { return conv_output_size(s->w, s->s, s->p.pad_w, s->p.stride_w); }

/* Sets the OpenMP thread count (no-op without OpenMP) and returns the old one. */
static inline int fc_set_threads(int n)
{
    int old = parallel_max_threads();
    parallel_set_num_threads(n);
    return old;
}

#endif
