/* HIDDEN -- a hidden test of the autograders (grader/autograder/README.md).
 *
 * hidden_vis.c -- chapter 07's hidden tests: normalising, upscaling, grids,
 * feature maps and top patches on shapes and values drawn from the
 * autograder's seed, compared with the reference (ref_*) in the same
 * process. Tiles are drawn with h != w and grids are rarely full, so a
 * swapped height and width, or a layout that fits only the visible tests'
 * sizes, fails here.
 */
#include "vis.h"

#include "error.h"
#include "hidden.h"
#include "testing.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

REFERENCE(vis_normalize);
REFERENCE(vis_upscale);
REFERENCE(vis_grid);
REFERENCE(vis_image_free);
REFERENCE(vis_feature_maps);
REFERENCE(vis_top_patches);
REFERENCE(vis_extract_patch);

/* Compares n bytes and names the first difference (index, expected, got). */
static void expect_same_bytes(const uint8_t *got, const uint8_t *want, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        if (got[i] != want[i]) {
            cr_expect(false, "%s: byte %zu is %d, expected %d", what, i, got[i], want[i]);
            return;
        }
}

/* Two different sizes from lo..hi, so a swapped height and width shows. */
static void draw_hw(Rng *rng, int lo, int hi, int *h, int *w)
{
    *h = hidden_size(rng, lo, hi);
    do *w = hidden_size(rng, lo, hi); while (*w == *h);
}

/* A malloc'd buffer of n bytes, all 7 (so a byte never written shows). */
static uint8_t *sevens(size_t n)
{
    uint8_t *p = malloc(n);
    cr_assert(p, "out of memory");
    memset(p, 7, n);
    return p;
}

GRADED_TEST(hidden_vis, normalize_fresh_tiles, 2,
            "7.1 on tiles you have not seen: per tile or global min-max to 0..255, halves up, a dead tile 128")
{
    Rng rng = hidden_rng(1);
    for (int round = 0; round < 6; round++) {
        int k = hidden_size(&rng, 2, 6), c = round % 2 ? 3 : 1, h, w;
        draw_hw(&rng, 1, 6, &h, &w);
        Tensor *t = test_random_tensor(k, c, h, w, hidden_seed(&rng));
        cr_assert(t, "test_random_tensor: %s", cnn_last_error());
        size_t per_tile = (size_t)c * h * w, n = tensor_size(t);
        /* tile 1 scaled down (dim under global ranges); one tile constant (dead) */
        for (size_t i = per_tile; i < 2 * per_tile; i++) t->data[i] *= 0.1f;
        int dead = rng_below(&rng, k);
        for (size_t i = 0; i < per_tile; i++) t->data[(size_t)dead * per_tile + i] = 0.25f;
        VisNorm mode = round < 3 ? VIS_NORM_TILE : VIS_NORM_GLOBAL;
        uint8_t *got = sevens(n), *want = sevens(n);
        cr_assert_eq(ref_vis_normalize(want, t, mode), 0, "the reference failed: %s", cnn_last_error());
        cr_assert_eq(vis_normalize(got, t, mode), 0, "vis_normalize returned -1 for t [%d,%d,%d,%d]: %s", k, c, h, w,
                     cnn_last_error());
        char what[128];
        snprintf(what, sizeof what, "%s normalisation of t [%d,%d,%d,%d] (tile %d constant)",
                 mode == VIS_NORM_TILE ? "per-tile" : "global", k, c, h, w, dead);
        expect_same_bytes(got, want, n, what);
        free(got); free(want); tensor_free(t);
    }
}

GRADED_TEST(hidden_vis, upscale_and_grid_fresh_layouts, 3,
            "7.2 and 7.3 on sizes you have not seen: scale x scale blocks; tile i at row i / cols, column i % cols")
{
    Rng rng = hidden_rng(2);
    for (int round = 0; round < 6; round++) {
        int c = round % 2 ? 3 : 1, h, w, k = hidden_size(&rng, 1, 7), scale = hidden_size(&rng, 1, 4);
        draw_hw(&rng, 1, 5, &h, &w);
        VisGrid g = {hidden_size(&rng, 1, 4), hidden_size(&rng, 0, 3), (uint8_t)hidden_size(&rng, 0, 255)};
        size_t tile_bytes = (size_t)c * h * w, big_bytes = tile_bytes * scale * scale;
        uint8_t *tiles = malloc(tile_bytes * k);
        cr_assert(tiles, "out of memory");
        for (size_t i = 0; i < tile_bytes * k; i++) tiles[i] = (uint8_t)rng_below(&rng, 256);

        uint8_t *got = sevens(big_bytes), *want = sevens(big_bytes);
        cr_assert_eq(ref_vis_upscale(want, tiles, c, h, w, scale), 0, "the reference failed: %s", cnn_last_error());
        cr_assert_eq(vis_upscale(got, tiles, c, h, w, scale), 0, "vis_upscale returned -1 for c %d, h %d, w %d, "
                     "scale %d: %s", c, h, w, scale, cnn_last_error());
        char what[160];
        snprintf(what, sizeof what, "vis_upscale of a [%d][%d][%d] tile by %d", c, h, w, scale);
        expect_same_bytes(got, want, big_bytes, what);
        free(got); free(want);

        VisImage *img = NULL, *expected = NULL;
        cr_assert_eq(ref_vis_grid(&expected, tiles, k, c, h, w, g), 0, "the reference failed: %s", cnn_last_error());
        cr_assert_eq(vis_grid(&img, tiles, k, c, h, w, g), 0, "vis_grid returned -1 for %d tiles [%d][%d][%d], "
                     "cols %d, border %d: %s", k, c, h, w, g.cols, g.border, cnn_last_error());
        cr_assert(img && img->pixels, "vis_grid returned 0 but no image");
        snprintf(what, sizeof what, "vis_grid of %d tiles [%d][%d][%d], cols %d, border %d (value %d)", k, c, h, w,
                 g.cols, g.border, g.border_value);
        cr_assert(img->width == expected->width && img->height == expected->height &&
                      img->channels == expected->channels,
                  "%s: the image is %dx%d with %d channels, expected %dx%d with %d", what, img->width, img->height,
                  img->channels, expected->width, expected->height, expected->channels);
        expect_same_bytes(img->pixels, expected->pixels, (size_t)img->width * img->height * img->channels, what);
        vis_image_free(img); ref_vis_image_free(expected); free(tiles);
    }
}

/* A tensor of small whole numbers (-2..2 times step): sums stay exact, so
 * equal activations really are equal and the tie rules are tested. */
static Tensor *whole_tensor(Rng *rng, int n, int c, int h, int w, float step)
{
    Tensor *t = tensor_new(n, c, h, w);
    cr_assert(t, "tensor_new: %s", cnn_last_error());
    for (size_t i = 0; i < tensor_size(t); i++) t->data[i] = step * (float)(hidden_size(rng, 0, 4) - 2);
    return t;
}

/* An odd kernel size 1, 3 or 5. */
static int odd_size(Rng *rng) { return 1 + 2 * hidden_size(rng, 0, 2); }

GRADED_TEST(hidden_vis, feature_maps_fresh_layers, 2,
            "7.4 on layers you have not seen: same padding (R/2, S/2), stride 1, then ReLU when asked")
{
    Rng rng = hidden_rng(3);
    for (int round = 0; round < 4; round++) {
        int c = hidden_size(&rng, 1, 3), k = hidden_size(&rng, 1, 5), h, wd, r = odd_size(&rng), s = odd_size(&rng);
        draw_hw(&rng, 5, 12, &h, &wd);
        Tensor *x = test_random_tensor(1, c, h, wd, hidden_seed(&rng));
        Tensor *w = test_random_tensor(k, c, r, s, hidden_seed(&rng));
        Tensor *b = test_random_tensor(k, 1, 1, 1, hidden_seed(&rng));
        cr_assert(x && w && b, "test_random_tensor: %s", cnn_last_error());
        b->ndim = 1;
        const Tensor *bias = round % 2 ? b : NULL;
        bool relu = round < 2;
        Tensor *maps = tensor_new(1, k, h, wd), *expected = tensor_new(1, k, h, wd);
        cr_assert(maps && expected, "tensor_new: %s", cnn_last_error());
        tensor_fill(maps, NAN);
        cr_assert_eq(ref_vis_feature_maps(expected, x, w, bias, relu), 0, "the reference failed: %s", cnn_last_error());
        cr_assert_eq(vis_feature_maps(maps, x, w, bias, relu), 0, "vis_feature_maps returned -1 for x [1,%d,%d,%d], "
                     "w [%d,%d,%d,%d]: %s", c, h, wd, k, c, r, s, cnn_last_error());
        expect_tensor_close(maps, expected, TEST_ATOL, TEST_RTOL, relu ? "hidden feature maps with ReLU"
                                                                       : "hidden feature maps without ReLU");
        tensor_free(x); tensor_free(w); tensor_free(b); tensor_free(maps); tensor_free(expected);
    }
}

GRADED_TEST(hidden_vis, top_patches_fresh_sets, 2,
            "7.5 on image sets you have not seen: the topk best images, largest first, ties to the smaller index")
{
    Rng rng = hidden_rng(4);
    for (int round = 0; round < 4; round++) {
        int n = hidden_size(&rng, 6, 14), c = hidden_size(&rng, 1, 2), k = hidden_size(&rng, 1, 3), h, wd;
        draw_hw(&rng, 3, 6, &h, &wd);
        int r = odd_size(&rng), s = odd_size(&rng), f = rng_below(&rng, k), topk = hidden_size(&rng, 2, n);
        Tensor *x = whole_tensor(&rng, n, c, h, wd, 1.0f), *w = whole_tensor(&rng, k, c, r, s, 0.5f);
        VisHit got[14], want[14];
        memset(got, 0xff, sizeof got);
        cr_assert_eq(ref_vis_top_patches(want, topk, x, w, NULL, f), 0, "the reference failed: %s", cnn_last_error());
        cr_assert_eq(vis_top_patches(got, topk, x, w, NULL, f), 0, "vis_top_patches returned -1 for topk %d, "
                     "x [%d,%d,%d,%d], w [%d,%d,%d,%d], filter %d: %s", topk, n, c, h, wd, k, c, r, s, f,
                     cnn_last_error());
        for (int i = 0; i < topk; i++)
            cr_assert(got[i].n == want[i].n && got[i].h == want[i].h && got[i].w == want[i].w &&
                          fabsf(got[i].activation - want[i].activation) <= TEST_ATOL,
                      "top %d of filter %d over %d images [%d,%d,%d], w [%d,%d,%d,%d]: hit %d is image %d at "
                      "(%d, %d) with %g, expected image %d at (%d, %d) with %g",
                      topk, f, n, c, h, wd, k, c, r, s, i, got[i].n, got[i].h, got[i].w, got[i].activation,
                      want[i].n, want[i].h, want[i].w, want[i].activation);
        tensor_free(x); tensor_free(w);
    }
}

GRADED_TEST(hidden_vis, extract_patch_fresh_hits, 2,
            "7.6 on hits you have not seen: the P x P window centred on (h, w) of image n, 0 outside the image")
{
    Rng rng = hidden_rng(5);
    for (int round = 0; round < 8; round++) {
        int n = hidden_size(&rng, 1, 3), c = hidden_size(&rng, 1, 3), h, wd, p = odd_size(&rng) + 2 * (round % 2);
        draw_hw(&rng, 3, 9, &h, &wd);
        Tensor *x = test_random_tensor(n, c, h, wd, hidden_seed(&rng));
        cr_assert(x, "test_random_tensor: %s", cnn_last_error());
        VisHit hit = {rng_below(&rng, n), rng_below(&rng, h), rng_below(&rng, wd), 1.0f};
        Tensor *patch = tensor_new(1, c, p, p), *expected = tensor_new(1, c, p, p);
        cr_assert(patch && expected, "tensor_new: %s", cnn_last_error());
        tensor_fill(patch, NAN);
        cr_assert_eq(ref_vis_extract_patch(expected, x, hit), 0, "the reference failed: %s", cnn_last_error());
        cr_assert_eq(vis_extract_patch(patch, x, hit), 0, "vis_extract_patch returned -1 for x [%d,%d,%d,%d], "
                     "hit (n %d, h %d, w %d), P %d: %s", n, c, h, wd, hit.n, hit.h, hit.w, p, cnn_last_error());
        expect_tensor_close(patch, expected, 0.0f, 0.0f, "hidden patch");
        tensor_free(x); tensor_free(patch); tensor_free(expected);
    }
}
