/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * test_vis.c -- chapter 07: normalising, upscaling, grids, feature maps and
 * top patches.
 *
 * Every expected byte below is worked out by hand from the formulas in
 * vis.h; the feature maps are also checked against PyTorch (tests/data/,
 * made by make_refs.py). Tiles are never square and grids never full, so
 * swapped heights and widths, rows and columns, or planar and interleaved
 * layouts cannot pass.
 */
#include "vis.h"

#include "conv.h"
#include "testing.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

/* Compares n bytes and names the first difference (index, expected, got). */
static void expect_bytes(const uint8_t *got, const uint8_t *want, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        if (got[i] != want[i]) {
            cr_expect(false, "%s: byte %zu is %d, expected %d", what, i, got[i], want[i]);
            return;
        }
}

/* Normalises a [n,c,h,w] tensor holding `in` (at most 64 values) in `mode`
 * and compares the bytes with `want`. The output starts as 7s, so a byte
 * the code never writes shows. */
static void expect_normalized(int n, int c, int h, int w, const float *in, VisNorm mode, const uint8_t *want,
                              const char *what)
{
    Tensor *t = test_tensor(n, c, h, w, in);
    uint8_t got[64];
    size_t size = tensor_size(t);
    cr_assert(size <= sizeof got);
    memset(got, 7, sizeof got);
    cr_assert_eq(vis_normalize(got, t, mode), 0, "vis_normalize failed: %s", cnn_last_error());
    expect_bytes(got, want, size, what);
    tensor_free(t);
}

/* ---- 7.1 normalisation ---------------------------------------------------- */

GRADED_TEST(vis, normalize_per_tile, 3,
            "Each tile is stretched on its own: its minimum -> 0, its maximum -> 255, halves round up (TODO 7.1).")
{
    /* tile 0: lo -1, hi 3, step 63.75; tile 1: lo 10, hi 40, step 8.5 */
    expect_normalized(2, 1, 2, 2, (const float[]){-1, 0, 1, 3, 10, 20, 30, 40}, VIS_NORM_TILE,
                      (const uint8_t[]){0, 64, 128, 255, 0, 85, 170, 255},
                      "per-tile normalisation of {-1,0,1,3} and {10,20,30,40}");
}

GRADED_TEST(vis, normalize_rgb_tile_shares_one_range, 1,
            "The 3 channels of an RGB tile share one min and max, or the filter's colours change (TODO 7.1).")
{
    /* one tile [3,1,2]: R {0,1}, G {2,3}, B {4,5}; range 0..5, step 51 */
    expect_normalized(1, 3, 1, 2, (const float[]){0, 1, 2, 3, 4, 5}, VIS_NORM_TILE,
                      (const uint8_t[]){0, 51, 102, 153, 204, 255}, "RGB tile normalisation");
}

GRADED_TEST(vis, normalize_dead_tile_is_mid_grey, 2,
            "A constant tile has max == min: draw it 128 (mid-grey) instead of dividing by zero (TODO 7.1).")
{
    expect_normalized(2, 1, 2, 2, (const float[]){0.7f, 0.7f, 0.7f, 0.7f, 0, 1, 2, 3}, VIS_NORM_TILE,
                      (const uint8_t[]){128, 128, 128, 128, 0, 85, 170, 255}, "a dead tile followed by {0,1,2,3}");
    expect_normalized(1, 1, 1, 3, (const float[]){-2, -2, -2}, VIS_NORM_GLOBAL, (const uint8_t[]){128, 128, 128},
                      "a constant tensor in global mode");
}

GRADED_TEST(vis, normalize_global_keeps_magnitudes, 2,
            "VIS_NORM_GLOBAL uses one range for the whole tensor, so a weak tile stays dim (TODO 7.1).")
{
    /* global range 0..4, step 63.75: {0,1} -> {0,64}, {0,4} -> {0,255}, {1,1} -> 64 */
    expect_normalized(3, 1, 1, 2, (const float[]){0, 1, 0, 4, 1, 1}, VIS_NORM_GLOBAL,
                      (const uint8_t[]){0, 64, 0, 255, 64, 64}, "global normalisation");
}

GRADED_TEST(vis, normalize_rounds_exact_halves_up, 1,
            "Values that land exactly on a half (0.5, 2.5, 126.5, 254.5) round up, those just below or above a half "
            "round to the nearest byte: floor(q + 0.5), not rint/lrint, which send halves to the even neighbour (TODO 7.1).")
{
    /* One tile with lo = -3, hi = 507: a range of 510, so the step is
     * exactly 0.5 and v - lo = 1, 5, 253, 509 give the halves 0.5, 2.5,
     * 126.5, 254.5 (exactly, in float, whichever order the formula takes).
     * Their floors are even, so round-half-to-even drops them; 0.98 and
     * 1.02 above lo give 0.49 and 0.51, one on each side of the half. */
    Tensor *t = test_tensor(1, 1, 2, 4, (const float[]){-3, -2.02f, -2, -1.98f, 2, 250, 506, 507});
    uint8_t got[8];
    memset(got, 7, sizeof got);
    cr_assert_eq(vis_normalize(got, t, VIS_NORM_TILE), 0, "vis_normalize failed: %s", cnn_last_error());
    static const float q[8] = {0, 0.49f, 0.5f, 0.51f, 2.5f, 126.5f, 254.5f, 255};
    static const uint8_t want[8] = {0, 0, 1, 1, 3, 127, 255, 255};
    for (int i = 0; i < 8; i++)
        cr_expect(got[i] == want[i], "byte %d: (v - lo) * 255 / (hi - lo) = %g must round to %d, got %d%s", i,
                  (double)q[i], want[i], got[i],
                  got[i] + 1 == want[i] && q[i] - (float)(int)q[i] == 0.5f
                      ? " (an exact half rounded down: rint/lrint/nearbyint round halves to even)"
                      : "");
    tensor_free(t);
}

/* ---- 7.2 upscaling -------------------------------------------------------- */

GRADED_TEST(vis, upscale_nearest_neighbour, 2,
            "Destination pixel (ch, y, x) copies source pixel (ch, y/scale, x/scale) (TODO 7.2).")
{
    /* two planar channels of a 2x3 tile, scaled by 2 -> 2 x 4x6 */
    const uint8_t src[12] = {1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 16};
    const uint8_t want[48] = {
        1,  1,  2,  2,  3,  3,  1,  1,  2,  2,  3,  3,  4,  4,  5,  5,  6,  6,  4,  4,  5,  5,  6,  6,
        11, 11, 12, 12, 13, 13, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15, 16, 16, 14, 14, 15, 15, 16, 16,
    };
    uint8_t got[48];
    memset(got, 0, sizeof got);
    cr_assert_eq(vis_upscale(got, src, 2, 2, 3, 2), 0, "vis_upscale failed: %s", cnn_last_error());
    expect_bytes(got, want, 48, "2 channels of a 2x3 tile scaled by 2");
    uint8_t same[6];
    memset(same, 0, sizeof same);
    cr_assert_eq(vis_upscale(same, src, 1, 2, 3, 1), 0, "vis_upscale failed: %s", cnn_last_error());
    expect_bytes(same, src, 6, "scale 1 (a plain copy)");
}

/* ---- 7.3 grids ------------------------------------------------------------ */

GRADED_TEST(vis, grid_layout_with_border, 3,
            "Tile i goes to row i/cols, column i%cols, at x = border + col*(w+border), y = border + row*(h+border) (TODO 7.3).")
{
    /* three 2x3 grey tiles, 2 per row, border 1 of value 200: a 9x7 image
     * whose fourth cell is empty (border colour) */
    const uint8_t tiles[18] = {1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 16, 21, 22, 23, 24, 25, 26};
    const uint8_t B = 200;
    const uint8_t want[63] = {
        B, B,  B,  B,  B, B,  B,  B,  B,
        B, 1,  2,  3,  B, 11, 12, 13, B,
        B, 4,  5,  6,  B, 14, 15, 16, B,
        B, B,  B,  B,  B, B,  B,  B,  B,
        B, 21, 22, 23, B, B,  B,  B,  B,
        B, 24, 25, 26, B, B,  B,  B,  B,
        B, B,  B,  B,  B, B,  B,  B,  B,
    };
    VisImage *img = NULL;
    cr_assert_eq(vis_grid(&img, tiles, 3, 1, 2, 3, (VisGrid){2, 1, B}), 0, "vis_grid failed: %s",
                 cnn_last_error());
    cr_assert(img && img->pixels, "vis_grid returned no image");
    cr_assert(img->width == 9 && img->height == 7 && img->channels == 1,
              "a grid of 3 tiles (2x3), 2 columns, border 1 is 9 wide and 7 high with 1 channel; got %dx%d, %d",
              img->width, img->height, img->channels);
    expect_bytes(img->pixels, want, 63, "grid pixels (row by row)");
    vis_image_free(img);
}

GRADED_TEST(vis, grid_rgb_is_interleaved, 2,
            "Tiles are planar (RRGGBB) but PPM pixels are interleaved (RGBRGB): pixel (y,x) channel ch is at (y*width+x)*3+ch (TODO 7.3).")
{
    /* two RGB tiles of 1x2, one column, no border: a 2x2 image */
    const uint8_t tiles[12] = {10, 11, 20, 21, 30, 31, 40, 41, 50, 51, 60, 61};
    const uint8_t want[12] = {10, 20, 30, 11, 21, 31, 40, 50, 60, 41, 51, 61};
    VisImage *img = NULL;
    cr_assert_eq(vis_grid(&img, tiles, 2, 3, 1, 2, (VisGrid){1, 0, 0}), 0, "vis_grid failed: %s",
                 cnn_last_error());
    cr_assert(img && img->width == 2 && img->height == 2 && img->channels == 3,
              "expected a 2x2 RGB image");
    expect_bytes(img->pixels, want, 12, "interleaved RGB grid");
    vis_image_free(img);
}

GRADED_TEST(vis, pgm_and_ppm_files_written, 1,
            "vis_render_tiles + vis_image_write must give a P5 (grey) or P6 (RGB) file holding the grid (TODO 7.1-7.3).")
{
    /* two 1x2 grey tiles {0,1} {2,2}: per tile -> {0,255} {128,128}; scale 1,
     * 2 columns, border 1 of 255: a 7x3 image */
    Tensor *t = test_tensor(2, 1, 1, 2, (const float[]){0, 1, 2, 2});
    VisImage *img = NULL;
    cr_assert_eq(vis_render_tiles(&img, t, VIS_NORM_TILE, 1, (VisGrid){2, 1, 255}), 0,
                 "vis_render_tiles failed: %s", cnn_last_error());
    const char *path = test_temp_path("cnn-test-ch07-grid.pgm");
    cr_assert_eq(vis_image_write(path, img), 0, "vis_image_write failed: %s", cnn_last_error());
    unsigned char buf[64];
    FILE *f = fopen(path, "rb");
    cr_assert(f, "cannot reopen %s", path);
    size_t got = fread(buf, 1, sizeof buf, f);
    fclose(f);
    remove(path);
    const char *head = "P5\n7 3\n255\n";
    size_t hl = strlen(head);
    cr_assert_eq(got, hl + 21, "%s holds %zu bytes, expected %zu", path, got, hl + 21);
    cr_expect(memcmp(buf, head, hl) == 0, "the file does not start with a P5 7x3 header");
    const uint8_t row1[7] = {255, 0, 255, 255, 128, 128, 255};
    expect_bytes(buf + hl + 7, row1, 7, "middle row of the written PGM");
    vis_image_free(img);
    tensor_free(t);

    Tensor *rgb = test_tensor(1, 3, 1, 1, (const float[]){0, 1, 2});
    cr_assert_eq(vis_render_tiles(&img, rgb, VIS_NORM_TILE, 2, (VisGrid){1, 0, 0}), 0,
                 "vis_render_tiles (RGB) failed: %s", cnn_last_error());
    path = test_temp_path("cnn-test-ch07-grid.ppm");
    cr_assert_eq(vis_image_write(path, img), 0, "vis_image_write failed: %s", cnn_last_error());
    f = fopen(path, "rb");
    cr_assert(f, "cannot reopen %s", path);
    got = fread(buf, 1, sizeof buf, f);
    fclose(f);
    remove(path);
    head = "P6\n2 2\n255\n";
    hl = strlen(head);
    cr_assert_eq(got, hl + 12, "%s holds %zu bytes, expected %zu", path, got, hl + 12);
    cr_expect(memcmp(buf, head, hl) == 0, "the file does not start with a P6 2x2 header");
    expect_bytes(buf + hl, (const uint8_t[]){0, 128, 255, 0, 128, 255}, 6, "first row of the PPM");
    vis_image_free(img);
    tensor_free(rgb);
}

/* ---- 7.4 feature maps ----------------------------------------------------- */

GRADED_TEST(vis, feature_maps_are_same_padded_conv, 3,
            "Feature maps = conv2d_forward with pad R/2, S/2 and stride 1, so they keep the input's H x W (TODO 7.4).")
{
    Tensor *x = test_random_tensor(1, 3, 6, 5, 71);
    Tensor *w = test_random_tensor(4, 3, 3, 5, 72); /* 3x5 kernel: pad 1 and 2 */
    Tensor *b = test_random_tensor(4, 1, 1, 1, 73);
    b->ndim = 1;
    Tensor *want = tensor_new(1, 4, 6, 5);
    Tensor *got = tensor_new(1, 4, 6, 5);
    cr_assert(want && got);
    cr_assert_eq(conv2d_forward(want, x, w, b, (Conv2dParams){1, 2, 1, 1}), 0,
                 "the reference conv failed: %s", cnn_last_error());
    cr_assert_eq(vis_feature_maps(got, x, w, b, false), 0, "vis_feature_maps failed: %s",
                 cnn_last_error());
    expect_tensor_close(got, want, TEST_ATOL, TEST_RTOL, "feature maps (no ReLU)");
    cr_assert_eq(vis_feature_maps(got, x, w, b, true), 0, "vis_feature_maps failed: %s",
                 cnn_last_error());
    for (size_t i = 0; i < tensor_size(want); i++)
        if (want->data[i] < 0) want->data[i] = 0;
    expect_tensor_close(got, want, TEST_ATOL, TEST_RTOL, "feature maps with ReLU");
    tensor_free(x);
    tensor_free(w);
    tensor_free(b);
    tensor_free(want);
    tensor_free(got);
}

GRADED_TEST(vis, feature_maps_match_pytorch, 2,
            "conv1 + ReLU of a digits CNN on one digit must match PyTorch (tests/data, made by make_refs.py) (TODO 7.4).")
{
    Tensor *x = test_load_npy("data/probe_digit.npy");
    Tensor *w = test_load_npy("data/digits-cnn/conv1.weight.npy");
    Tensor *b = test_load_npy("data/digits-cnn/conv1.bias.npy");
    Tensor *want = test_load_npy("data/probe_maps_relu.npy");
    Tensor *got = tensor_new_like(want);
    cr_assert(got);
    cr_assert_eq(vis_feature_maps(got, x, w, b, true), 0, "vis_feature_maps failed: %s",
                 cnn_last_error());
    expect_tensor_close(got, want, TEST_ATOL, TEST_RTOL, "digits conv1 feature maps vs PyTorch");
    tensor_free(x);
    tensor_free(w);
    tensor_free(b);
    tensor_free(want);
    tensor_free(got);
}

/* ---- 7.5 top patches ------------------------------------------------------ */

/* Five 4x4 grey images with planted maxima (see the comments) and two 3x3
 * filters: filter 0 averages, filter 1 is a centre tap of 2 with bias -1, so
 * filter 1's activation at a pixel is 2 * pixel - 1. */
static Tensor *planted_images(void)
{
    Tensor *x = tensor_new(5, 1, 4, 4);
    cr_assert(x);
    tensor_fill(x, 0.5f);
    *tensor_at(x, 0, 0, 1, 2) = 5; /* image 0: best 5 at (1,2)                  */
    *tensor_at(x, 1, 0, 3, 0) = 9; /* image 1: best 9 at (3,0)                  */
    *tensor_at(x, 2, 0, 0, 0) = 5; /* image 2: 5 twice: (0,0) comes first        */
    *tensor_at(x, 2, 0, 2, 3) = 5;
    *tensor_at(x, 3, 0, 2, 1) = 7; /* image 3: best 7 at (2,1)                  */
    *tensor_at(x, 4, 0, 0, 3) = 9; /* image 4: 9 at (0,3), ties with image 1     */
    return x;
}

static void planted_filters(Tensor **w, Tensor **b)
{
    *w = tensor_new(2, 1, 3, 3);
    *b = tensor_new(2, 1, 1, 1);
    cr_assert(*w && *b);
    (*b)->ndim = 1;
    for (int i = 0; i < 9; i++) (*w)->data[i] = 1.0f / 9.0f;
    *tensor_at(*w, 1, 0, 1, 1) = 2;
    (*b)->data[1] = -1;
}

static void expect_hit(VisHit got, int rank, int n, int h, int w, float act)
{
    cr_expect(got.n == n && got.h == h && got.w == w && got.activation == act,
              "hit %d: expected image %d at (%d,%d) with activation %g, got image %d at (%d,%d) with %g",
              rank, n, h, w, (double)act, got.n, got.h, got.w, (double)got.activation);
}

GRADED_TEST(vis, top_patches_ranked_with_ties, 3,
            "One candidate per image (its first strongest position); best first; equal activations keep the smaller image index first (TODO 7.5).")
{
    Tensor *x = planted_images(), *w, *b;
    planted_filters(&w, &b);
    VisHit hits[5];
    memset(hits, 0xff, sizeof hits);
    cr_assert_eq(vis_top_patches(hits, 3, x, w, b, 1), 0, "vis_top_patches failed: %s",
                 cnn_last_error());
    expect_hit(hits[0], 0, 1, 3, 0, 17);
    expect_hit(hits[1], 1, 4, 0, 3, 17);
    expect_hit(hits[2], 2, 3, 2, 1, 13);
    memset(hits, 0xff, sizeof hits);
    cr_assert_eq(vis_top_patches(hits, 5, x, w, b, 1), 0, "vis_top_patches failed: %s",
                 cnn_last_error());
    expect_hit(hits[0], 0, 1, 3, 0, 17);
    expect_hit(hits[1], 1, 4, 0, 3, 17);
    expect_hit(hits[2], 2, 3, 2, 1, 13);
    expect_hit(hits[3], 3, 0, 1, 2, 9);
    expect_hit(hits[4], 4, 2, 0, 0, 9);
    tensor_free(x);
    tensor_free(w);
    tensor_free(b);
}

GRADED_TEST(vis, top_patches_weaker_candidates_drop_out, 1,
            "With topk = 1 only the single strongest image survives; later, weaker images must not replace it (TODO 7.5).")
{
    Tensor *x = planted_images(), *w, *b;
    planted_filters(&w, &b);
    /* make image 0 the clear winner */
    *tensor_at(x, 0, 0, 1, 2) = 20;
    VisHit hit;
    memset(&hit, 0xff, sizeof hit);
    cr_assert_eq(vis_top_patches(&hit, 1, x, w, b, 1), 0, "vis_top_patches failed: %s",
                 cnn_last_error());
    expect_hit(hit, 0, 0, 1, 2, 39);
    tensor_free(x);
    tensor_free(w);
    tensor_free(b);
}

/* Five 4x6 images of 0.5 whose strongest pixel (one per image) is given;
 * under planted filter 1 a pixel p fires 2 * p - 1. */
static Tensor *images_with_maxima(const float best[5])
{
    static const int at[5][2] = {{0, 0}, {3, 5}, {1, 2}, {2, 0}, {0, 5}};
    Tensor *x = tensor_new(5, 1, 4, 6);
    cr_assert(x);
    tensor_fill(x, 0.5f);
    for (int n = 0; n < 5; n++) *tensor_at(x, n, 0, at[n][0], at[n][1]) = best[n];
    return x;
}

GRADED_TEST(vis, top_patches_tie_at_last_kept_slot, 1,
            "When the list is full, a candidate only as strong as the last one kept stays out: it must be strictly "
            "stronger to enter, so of equal activations the earliest image keeps the last place (TODO 7.5).")
{
    Tensor *w, *b;
    planted_filters(&w, &b);
    /* Activations 13, 9, 17, 9, 9: with topk 3 the list is 17, 13, 9
     * (image 1) by image 3, and images 3 and 4 tie with its last place. */
    Tensor *x = images_with_maxima((const float[]){7, 5, 9, 5, 5});
    VisHit hits[5];
    memset(hits, 0xff, sizeof hits);
    cr_assert_eq(vis_top_patches(hits, 3, x, w, b, 1), 0, "vis_top_patches failed: %s", cnn_last_error());
    expect_hit(hits[0], 0, 2, 1, 2, 17);
    expect_hit(hits[1], 1, 0, 0, 0, 13);
    expect_hit(hits[2], 2, 1, 3, 5, 9);
    tensor_free(x);
    /* Five equal images: topk 1 keeps image 0 and topk 2 images 0 and 1,
     * however many equal ones come after. */
    x = images_with_maxima((const float[]){5, 5, 5, 5, 5});
    memset(hits, 0xff, sizeof hits);
    cr_assert_eq(vis_top_patches(hits, 1, x, w, b, 1), 0, "vis_top_patches failed: %s", cnn_last_error());
    expect_hit(hits[0], 0, 0, 0, 0, 9);
    memset(hits, 0xff, sizeof hits);
    cr_assert_eq(vis_top_patches(hits, 2, x, w, b, 1), 0, "vis_top_patches failed: %s", cnn_last_error());
    expect_hit(hits[0], 0, 0, 0, 0, 9);
    expect_hit(hits[1], 1, 1, 3, 5, 9);
    tensor_free(x);
    tensor_free(w);
    tensor_free(b);
}

GRADED_TEST(vis, top_patches_count_stops_at_topk, 1,
            "Once the list holds topk hits it stays that long: a stronger image takes a place, and a weaker one that "
            "comes after it is still refused (TODO 7.5).")
{
    Tensor *w, *b;
    planted_filters(&w, &b);
    /* Activations 9, 13, 17, 1, 11 with topk 2: image 2 enters the full
     * list and pushes image 0 out; images 3 and 4, weaker than both kept,
     * must stay out. If the count grew past topk, the full-list check no
     * longer fires and they overwrite the last place. */
    Tensor *x = images_with_maxima((const float[]){5, 7, 9, 1, 6});
    VisHit hits[2];
    memset(hits, 0xff, sizeof hits);
    cr_assert_eq(vis_top_patches(hits, 2, x, w, b, 1), 0, "vis_top_patches failed: %s", cnn_last_error());
    expect_hit(hits[0], 0, 2, 1, 2, 17);
    expect_hit(hits[1], 1, 1, 3, 5, 13);
    tensor_free(x);
    tensor_free(w);
    tensor_free(b);
}

/* ---- 7.6 patches ---------------------------------------------------------- */

GRADED_TEST(vis, extract_patch_with_zero_outside, 2,
            "Patch (c,i,j) = x(n, c, h - P/2 + i, w - P/2 + j), and 0 outside the image (TODO 7.6).")
{
    /* image 1 of 2, 2 channels of 3x4, value 100*c + 10*h + w (+1000 for n=1) */
    Tensor *x = tensor_new(2, 2, 3, 4);
    cr_assert(x);
    for (int n = 0; n < 2; n++)
        for (int c = 0; c < 2; c++)
            for (int h = 0; h < 3; h++)
                for (int w = 0; w < 4; w++) *tensor_at(x, n, c, h, w) = 1000 * n + 100 * c + 10 * h + w;
    Tensor *patch = tensor_new(1, 2, 3, 3);
    cr_assert(patch);
    tensor_fill(patch, -1);
    cr_assert_eq(vis_extract_patch(patch, x, (VisHit){1, 0, 3, 0}), 0,
                 "vis_extract_patch failed: %s", cnn_last_error());
    Tensor *want = test_tensor(1, 2, 3, 3, (const float[]){
        0, 0, 0,  1002, 1003, 0,  1012, 1013, 0,
        0, 0, 0,  1102, 1103, 0,  1112, 1113, 0,
    });
    expect_tensor_close(patch, want, 0, 0, "3x3 patch at the top-right corner of image 1");
    tensor_free(x);
    tensor_free(patch);
    tensor_free(want);
}

GRADED_TEST(vis, extract_patch_at_every_border, 2,
            "Patches at all four corners, along all four edges and inside a 4x6 image, 3x3 and 5x5: each row and "
            "column is checked against its own bound (rows 0..H-1, columns 0..W-1) (TODO 7.6).")
{
    /* value 1000*n + 100*c + 10*h + w + 1: never 0, so a read from the image
     * cannot pass for a zero of the outside */
    Tensor *x = tensor_new(2, 2, 4, 6);
    cr_assert(x);
    for (int n = 0; n < 2; n++)
        for (int c = 0; c < 2; c++)
            for (int h = 0; h < 4; h++)
                for (int w = 0; w < 6; w++) *tensor_at(x, n, c, h, w) = 1000 * n + 100 * c + 10 * h + w + 1;
    static const int rows[3] = {0, 1, 3}, cols[3] = {0, 2, 5};
    for (int side = 3; side <= 5; side += 2) {
        Tensor *patch = tensor_new(1, 2, side, side), *want = tensor_new(1, 2, side, side);
        cr_assert(patch && want);
        for (int n = 0; n < 2; n++)
            for (int a = 0; a < 3; a++)
                for (int e = 0; e < 3; e++) {
                    const VisHit hit = {n, rows[a], cols[e], 1.0f};
                    for (int c = 0; c < 2; c++)
                        for (int i = 0; i < side; i++)
                            for (int j = 0; j < side; j++) {
                                int y = hit.h - side / 2 + i, xx = hit.w - side / 2 + j;
                                bool inside = y >= 0 && y < 4 && xx >= 0 && xx < 6;
                                *tensor_at(want, 0, c, i, j) = inside ? (float)(1000 * n + 100 * c + 10 * y + xx + 1) : 0;
                            }
                    tensor_fill(patch, -1);
                    cr_assert_eq(vis_extract_patch(patch, x, hit), 0, "vis_extract_patch failed: %s", cnn_last_error());
                    char what[160];
                    snprintf(what, sizeof what, "%dx%d patch at (%d,%d) of image %d (4x6)%s%s%s%s", side, side, hit.h,
                             hit.w, n, hit.h - side / 2 < 0 ? ", over the top" : "",
                             hit.h + side / 2 > 3 ? ", over the bottom" : "", hit.w - side / 2 < 0 ? ", over the left" : "",
                             hit.w + side / 2 > 5 ? ", over the right" : "");
                    expect_tensor_close(patch, want, 0, 0, what);
                }
        tensor_free(patch);
        tensor_free(want);
    }
    tensor_free(x);
}

/* ---- every step: writes stay inside the output ------------------------------ */

GRADED_TEST(vis, writes_only_inside_outputs, 2,
            "vis_normalize, vis_feature_maps, vis_top_patches and vis_extract_patch write their whole output and "
            "nothing after it: every loop stops at its last element (< n, not <= n) (TODO 7.1, 7.4-7.6).")
{
    /* Each output is followed by guard values; a loop that runs one step
     * too far leaves the output right (the extra write lands in the next
     * tile or channel, which is written again later) except after the last
     * one, where it changes a guard. */
    const uint8_t GB = 0xA5;
    const float GF = -12345.0f;

    /* 7.1: two 2x3 tiles, then a third the call does not see (values far
     * above both ranges, so reading it and writing its byte gives 255). */
    Tensor *tiles = test_tensor(3, 1, 2, 3, (const float[]){0, 1, 2, 3, 4, 5, 5, 4, 3, 2, 1, 0,
                                                           1000, 1000, 1000, 1000, 1000, 1000});
    Tensor two = tensor_batch(tiles, 0, 2);
    uint8_t bytes[12 + 8];
    memset(bytes, GB, sizeof bytes);
    cr_assert_eq(vis_normalize(bytes, &two, VIS_NORM_TILE), 0, "vis_normalize failed: %s", cnn_last_error());
    expect_bytes(bytes, (const uint8_t[]){0, 51, 102, 153, 204, 255, 255, 204, 153, 102, 51, 0}, 12,
                 "per-tile normalisation of two 2x3 tiles");
    for (int i = 12; i < 20; i++)
        cr_expect(bytes[i] == GB, "vis_normalize wrote byte %d of the output, past its 12 bytes (2 tiles of 2x3)",
                  i);
    tensor_free(tiles);

    /* 7.4: maps [1,3,3,5] as image 0 of a block whose image 1 is a
     * negative guard (an overrunning ReLU loop would set it to 0). */
    Tensor *x = test_random_tensor(1, 2, 3, 5, 81);
    Tensor *w = test_random_tensor(3, 2, 3, 1, 82);
    Tensor *want = tensor_new(1, 3, 3, 5), *block = tensor_new(2, 3, 3, 5);
    cr_assert(want && block);
    cr_assert_eq(conv2d_forward(want, x, w, NULL, (Conv2dParams){1, 0, 1, 1}), 0, "the reference conv failed: %s",
                 cnn_last_error());
    for (size_t i = 0; i < tensor_size(want); i++)
        if (want->data[i] < 0) want->data[i] = 0;
    tensor_fill(block, GF);
    Tensor maps = tensor_batch(block, 0, 1), past = tensor_batch(block, 1, 1);
    cr_assert_eq(vis_feature_maps(&maps, x, w, NULL, true), 0, "vis_feature_maps failed: %s", cnn_last_error());
    expect_tensor_close(&maps, want, TEST_ATOL, TEST_RTOL, "feature maps with ReLU, 3x1 kernel on 3x5");
    size_t changed = 0;
    for (size_t i = 0; i < tensor_size(&past); i++) changed += past.data[i] != GF;
    cr_expect(changed == 0, "vis_feature_maps changed %zu value(s) after the end of maps [1,3,3,5]", changed);
    tensor_free(x);
    tensor_free(w);
    tensor_free(want);
    tensor_free(block);

    /* 7.5: topk 3 of the planted images; images 3 and 4 enter a full list. */
    Tensor *imgs = planted_images(), *fw, *fb;
    planted_filters(&fw, &fb);
    VisHit hits[3 + 3];
    for (int i = 0; i < 6; i++) hits[i] = (VisHit){-77, -77, -77, -77.0f};
    cr_assert_eq(vis_top_patches(hits, 3, imgs, fw, fb, 1), 0, "vis_top_patches failed: %s", cnn_last_error());
    expect_hit(hits[0], 0, 1, 3, 0, 17);
    expect_hit(hits[1], 1, 4, 0, 3, 17);
    expect_hit(hits[2], 2, 3, 2, 1, 13);
    for (int i = 3; i < 6; i++)
        cr_expect(hits[i].n == -77 && hits[i].activation == -77.0f,
                  "vis_top_patches wrote hits[%d], past the topk = 3 entries it owns: when the list is full the "
                  "new candidate starts at index topk - 1", i);
    tensor_free(imgs);
    tensor_free(fw);
    tensor_free(fb);

    /* 7.6: a 3x3 patch of 2 channels at the bottom-right corner of a 4x6
     * image, as image 0 of a block whose image 1 is a guard. */
    Tensor *im = tensor_new(1, 2, 4, 6), *pblock = tensor_new(2, 2, 3, 3);
    cr_assert(im && pblock);
    for (int c = 0; c < 2; c++)
        for (int h = 0; h < 4; h++)
            for (int ww = 0; ww < 6; ww++) *tensor_at(im, 0, c, h, ww) = 100 * c + 10 * h + ww + 1;
    tensor_fill(pblock, GF);
    Tensor patch = tensor_batch(pblock, 0, 1), after = tensor_batch(pblock, 1, 1);
    cr_assert_eq(vis_extract_patch(&patch, im, (VisHit){0, 3, 5, 1.0f}), 0, "vis_extract_patch failed: %s",
                 cnn_last_error());
    Tensor *pwant = test_tensor(1, 2, 3, 3, (const float[]){25, 26, 0, 35, 36, 0, 0, 0, 0,
                                                           125, 126, 0, 135, 136, 0, 0, 0, 0});
    expect_tensor_close(&patch, pwant, 0, 0, "3x3 patch at the bottom-right corner (3,5) of a 4x6 image");
    changed = 0;
    for (size_t i = 0; i < tensor_size(&after); i++) changed += after.data[i] != GF;
    cr_expect(changed == 0, "vis_extract_patch changed %zu value(s) after the end of the patch [1,2,3,3]", changed);
    tensor_free(im);
    tensor_free(pblock);
    tensor_free(pwant);
}
