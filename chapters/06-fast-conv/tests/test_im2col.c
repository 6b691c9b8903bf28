/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * test_im2col.c -- chapter 06, steps 6.1 and 6.6: im2col and col2im. */
#include "fc_shapes.h"

#include <stdlib.h>

/* col element (row (c*R + r)*S + s, column oh*Q + ow) straight from the
 * definition, independently of im2col. */
static float col_value(const FcShape *sh, const float *x, int c, int r, int s, int oh, int ow)
{
    int h = oh * sh->p.stride_h - sh->p.pad_h + r, w = ow * sh->p.stride_w - sh->p.pad_w + s;
    if (h < 0 || h >= sh->h || w < 0 || w >= sh->w) return 0.0f;
    return x[((size_t)c * sh->h + h) * sh->w + w];
}

GRADED_TEST(im2col, small_case_by_hand, 2,
            "im2col: row (r*S + s) holds what kernel tap (r,s) sees at every output position.")
{
    /* x = 1..9 as a 3x3 image, 2x2 kernel, no padding, stride 1: P = Q = 2. */
    const float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    const float want[4][4] = {{1, 2, 4, 5}, {2, 3, 5, 6}, {4, 5, 7, 8}, {5, 6, 8, 9}};
    float col[16];
    for (int i = 0; i < 16; i++) col[i] = -99.0f;
    im2col(col, x, 1, 3, 3, 2, 2, (Conv2dParams){0, 0, 1, 1});
    for (int row = 0; row < 4; row++)
        for (int j = 0; j < 4; j++)
            cr_expect_eq(col[row * 4 + j], want[row][j],
                         "3x3 input 1..9, 2x2 kernel: col[row %d (tap r=%d s=%d)][column %d] should be %g, got %g",
                         row, row / 2, row % 2, j, (double)want[row][j], (double)col[row * 4 + j]);
}

GRADED_TEST(im2col, padding_and_stride_on_the_grid, 3,
            "im2col: input row = oh*stride_h - pad_h + r (column likewise); positions in the padding are 0.")
{
    for (int g = 0; g < FC_GRID_SIZE; g++) {
        const FcShape *sh = &fc_grid[g];
        int P = fc_out_h(sh), Q = fc_out_w(sh), rows = sh->c * sh->r * sh->s;
        Tensor *x = test_random_tensor(1, sh->c, sh->h, sh->w, 100 + g);
        float *col = malloc((size_t)rows * P * Q * sizeof *col);
        cr_assert(col);
        for (size_t i = 0; i < (size_t)rows * P * Q; i++) col[i] = NAN;
        im2col(col, x->data, sh->c, sh->h, sh->w, sh->r, sh->s, sh->p);
        char desc[160];
        int bad = 0;
        for (int c = 0; c < sh->c && !bad; c++)
            for (int r = 0; r < sh->r && !bad; r++)
                for (int s = 0; s < sh->s && !bad; s++)
                    for (int oh = 0; oh < P && !bad; oh++)
                        for (int ow = 0; ow < Q && !bad; ow++) {
                            float want = col_value(sh, x->data, c, r, s, oh, ow);
                            float got = col[((size_t)(c * sh->r + r) * sh->s + s) * P * Q + (size_t)oh * Q + ow];
                            if (!(got == want)) {
                                bad = 1;
                                int h = oh * sh->p.stride_h - sh->p.pad_h + r, w = ow * sh->p.stride_w - sh->p.pad_w + s;
                                cr_expect(0, "%s: col at tap (c=%d,r=%d,s=%d), output (%d,%d) should be %s x[%d,%d,%d] = %g, got %g",
                                          fc_describe(sh, desc, sizeof desc), c, r, s, oh, ow,
                                          want == 0.0f && (h < 0 || h >= sh->h || w < 0 || w >= sh->w) ? "padding 0, not" : "",
                                          c, h, w, (double)want, (double)got);
                            }
                        }
        free(col);
        tensor_free(x);
    }
}

/* What a wrong pixel of overlaps_accumulate says, from its value alone: x
 * starts at 10 and every col value is 1, so each mistake leaves its own
 * number. */
static const char *col2im_diagnosis(float got, float want)
{
    if (got == 1.0f) return " (x = col instead of x += col: each window overwrote the pixel, and its old 10 is lost too)";
    if (got == want - 10.0f) return " (the windows were added up but x's old value was lost: was x cleared first?)";
    if (got == 11.0f && want > 11.0f) return " (one window's 1 was added, the others not: each window must add into the pixel)";
    return "";
}

GRADED_TEST(col2im, overlaps_accumulate, 3,
            "col2im must ADD (+=) into x: overlapping windows send several values to one pixel, and x's old value stays.")
{
    /* 3x3 image, 2x2 kernel, stride 1: the centre pixel is in all 4 windows,
     * edge middles in 2, corners in 1. x starts at 10, col is all ones. */
    float x[9], col[16];
    for (int i = 0; i < 9; i++) x[i] = 10.0f;
    for (int i = 0; i < 16; i++) col[i] = 1.0f;
    col2im(x, col, 1, 3, 3, 2, 2, (Conv2dParams){0, 0, 1, 1});
    const float want[9] = {11, 12, 11, 12, 14, 12, 11, 12, 11};
    for (int i = 0; i < 9; i++)
        cr_expect_eq(x[i], want[i],
                     "3x3 image starting at 10, 2x2 all-ones col: pixel (%d,%d) is in %g windows so should be %g, got %g%s",
                     i / 3, i % 3, (double)(want[i] - 10), (double)want[i], (double)x[i], col2im_diagnosis(x[i], want[i]));
}

GRADED_TEST(col2im, is_the_adjoint_of_im2col, 3,
            "col2im is the transpose of im2col: <im2col(x), c> must equal <x, col2im(c)>, padding included.")
{
    for (int g = 0; g < FC_GRID_SIZE; g++) {
        const FcShape *sh = &fc_grid[g];
        int P = fc_out_h(sh), Q = fc_out_w(sh);
        size_t csize = (size_t)sh->c * sh->r * sh->s * P * Q, xsize = (size_t)sh->c * sh->h * sh->w;
        Tensor *x = test_random_tensor(1, sh->c, sh->h, sh->w, 200 + g);
        Tensor *cv = test_random_tensor(1, 1, 1, (int)csize, 300 + g);
        float *col = calloc(csize, sizeof *col), *back = calloc(xsize, sizeof *back);
        cr_assert(col && back);
        im2col(col, x->data, sh->c, sh->h, sh->w, sh->r, sh->s, sh->p);
        col2im(back, cv->data, sh->c, sh->h, sh->w, sh->r, sh->s, sh->p);
        double lhs = 0.0, rhs = 0.0, mag = 0.0;
        for (size_t i = 0; i < csize; i++) lhs += (double)col[i] * cv->data[i], mag += fabs((double)col[i] * cv->data[i]);
        for (size_t i = 0; i < xsize; i++) rhs += (double)x->data[i] * back[i];
        char desc[160];
        cr_expect(mag > 0.0, "%s: im2col of a random image gave an all-zero matrix", fc_describe(sh, desc, sizeof desc));
        cr_expect(fabs(lhs - rhs) <= 1e-5 * (1.0 + mag), "%s: <im2col(x), c> = %.6f but <x, col2im(c)> = %.6f",
                  fc_describe(sh, desc, sizeof desc), lhs, rhs);
        free(col);
        free(back);
        tensor_free(x);
        tensor_free(cv);
    }
}
