/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * test_flatten.c -- chapter 01: flatten/unflatten index maths. */
#include <criterion/criterion.h>

#include "flatten.h"
#include "testing.h"

GRADED_TEST(flatten, index_of_first_elements, 2,
            "flat_index: w moves fastest, then h, then c, then n.")
{
    /* A [2, 3, 4, 5] tensor: one image is 3*4*5 = 60 values. */
    cr_expect_eq(flat_index(0, 0, 0, 0, 3, 4, 5), 0, "(0,0,0,0) must be offset 0, got %zu", flat_index(0, 0, 0, 0, 3, 4, 5));
    cr_expect_eq(flat_index(0, 0, 0, 1, 3, 4, 5), 1, "(0,0,0,1), the next w, must be offset 1, got %zu", flat_index(0, 0, 0, 1, 3, 4, 5));
    cr_expect_eq(flat_index(0, 0, 1, 0, 3, 4, 5), 5, "(0,0,1,0), the next row, must be offset W = 5, got %zu", flat_index(0, 0, 1, 0, 3, 4, 5));
    cr_expect_eq(flat_index(0, 1, 0, 0, 3, 4, 5), 20, "(0,1,0,0), the next channel, must be offset H*W = 20, got %zu", flat_index(0, 1, 0, 0, 3, 4, 5));
    cr_expect_eq(flat_index(1, 0, 0, 0, 3, 4, 5), 60, "(1,0,0,0), the next image, must be offset C*H*W = 60, got %zu", flat_index(1, 0, 0, 0, 3, 4, 5));
}

GRADED_TEST(flatten, index_matches_core_layout, 2,
            "flat_index must agree with the core's tensor_index for every element of a non-square tensor.")
{
    Tensor *t = tensor_new(2, 3, 4, 7);
    cr_assert(t);
    for (int n = 0; n < 2; n++)
        for (int c = 0; c < 3; c++)
            for (int h = 0; h < 4; h++)
                for (int w = 0; w < 7; w++) {
                    size_t want = tensor_index(t, n, c, h, w), got = flat_index(n, c, h, w, 3, 4, 7);
                    cr_assert_eq(got, want, "flat_index(%d,%d,%d,%d) with C=3 H=4 W=7: expected %zu, got %zu",
                                 n, c, h, w, want, got);
                }
    tensor_free(t);
}

GRADED_TEST(flatten, index_beyond_32_bits, 2,
            "flat_index must compute in size_t: a large batch has offsets past 2^31 and 2^32, where an int wraps.")
{
    /* Batches of 224x224 RGB images: one image is 3*224*224 = 150,528 floats,
     * so image 20,000 starts past 2^31 (where a signed int overflows) and
     * image 40,000 past 2^32 (where even an unsigned int wraps). Nothing is
     * allocated: only the index is computed. */
    const struct { int n, c, h, w, C, H, W; size_t want; } cases[] = {
        {20000, 0, 0, 0, 3, 224, 224, 3010560000u},                  /* past 2^31 */
        {40000, 0, 0, 0, 3, 224, 224, 6021120000u},                  /* past 2^32 */
        {40000, 2, 223, 223, 3, 224, 224, 6021270527u},              /* the last pixel of that image */
        {0, 1000, 100, 7, 2000, 1000, 3000, 3000300007u},            /* a channel far along: c*H*W alone is 3e9 */
        {1, 0, 0, 5, 1, 65536, 65536, 4294967301u},                  /* one 65536x65536 map: 2^32 + 5 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t got = flat_index(cases[i].n, cases[i].c, cases[i].h, cases[i].w, cases[i].C, cases[i].H, cases[i].W);
        cr_expect_eq(got, cases[i].want,
                     "flat_index(%d,%d,%d,%d) with C=%d H=%d W=%d: expected %zu, got %zu%s",
                     cases[i].n, cases[i].c, cases[i].h, cases[i].w, cases[i].C, cases[i].H, cases[i].W,
                     cases[i].want, got,
                     got == (size_t)(unsigned)cases[i].want || got == (size_t)(long long)(int)(unsigned)cases[i].want
                         ? " (the offset wrapped at 32 bits: multiply in size_t, not int)" : "");
    }
}

GRADED_TEST(flatten, unflatten_beyond_32_bits, 1,
            "unflatten_index must keep the whole size_t offset: past 2^32 a 32-bit remainder gives the wrong column.")
{
    const struct { size_t i; int C, H, W, n, c, h, w; } cases[] = {
        {6021270527u, 3, 224, 224, 40000, 2, 223, 223}, /* the last pixel of image 40,000 */
        {4294967301u, 1, 65536, 65536, 1, 0, 0, 5},     /* 2^32 + 5 in one 65536x65536 map */
        {4294967296u + 1000u, 3, 7, 5, 40904459, 2, 6, 1}, /* small images, a huge batch */
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        int n = -1, c = -1, h = -1, w = -1;
        unflatten_index(cases[k].i, cases[k].C, cases[k].H, cases[k].W, &n, &c, &h, &w);
        cr_expect(n == cases[k].n && c == cases[k].c && h == cases[k].h && w == cases[k].w,
                  "unflatten_index(%zu) with C=%d H=%d W=%d: expected (%d,%d,%d,%d), got (%d,%d,%d,%d)",
                  cases[k].i, cases[k].C, cases[k].H, cases[k].W, cases[k].n, cases[k].c, cases[k].h, cases[k].w,
                  n, c, h, w);
    }
}

GRADED_TEST(flatten, unflatten_inverts_flatten, 3,
            "unflatten_index(flat_index(n,c,h,w)) must give back (n,c,h,w).")
{
    const int C = 3, H = 5, W = 2; /* H != W catches a swapped h and w */
    for (size_t i = 0; i < 2u * C * H * W; i++) {
        int n = -1, c = -1, h = -1, w = -1;
        unflatten_index(i, C, H, W, &n, &c, &h, &w);
        cr_assert(n >= 0 && c >= 0 && c < C && h >= 0 && h < H && w >= 0 && w < W,
                  "unflatten_index(%zu) with C=%d H=%d W=%d gave (%d,%d,%d,%d), which is out of range",
                  i, C, H, W, n, c, h, w);
        size_t back = (((size_t)n * C + c) * H + h) * W + w;
        cr_assert_eq(back, i, "unflatten_index(%zu) gave (%d,%d,%d,%d), but that element sits at offset %zu",
                     i, n, c, h, w, back);
    }
}

/* An asymmetric [2, 2, 3, 4] batch: element value = its own NCHW offset + 1,
 * so any misplaced element shows which offset it came from. */
static Tensor *numbered_batch(void)
{
    Tensor *x = tensor_new(2, 2, 3, 4);
    cr_assert(x);
    for (size_t i = 0; i < tensor_size(x); i++) x->data[i] = (float)(i + 1) * (i % 2 ? 1.0f : -1.0f);
    return x;
}

GRADED_TEST(flatten, flatten_images_copies_in_order, 3,
            "flatten_images: row n of the output is image n read channel by channel, row by row.")
{
    Tensor *x = numbered_batch();
    Tensor *out = tensor_new(2, 24, 1, 1);
    cr_assert(out);
    cr_assert_eq(flatten_images(out, x), 0, "flatten_images failed: %s", cnn_last_error());
    /* NCHW is already flattened in memory: the core's zero-copy view is the oracle. */
    Tensor view;
    cr_assert_eq(tensor_view(&view, x, 2, 2, 24, 1, 1), 0);
    expect_tensor_close(out, &view, 0.0f, 0.0f, "flatten_images output");
    tensor_free(out);
    tensor_free(x);
}

GRADED_TEST(flatten, flatten_images_rejects_wrong_shape, 1,
            "flatten_images must return -1 (with a message) when out is not [N, C*H*W].")
{
    Tensor *x = numbered_batch();
    Tensor *out = tensor_new(2, 23, 1, 1);
    cr_assert(out);
    cr_expect_eq(flatten_images(out, x), -1, "flatten_images accepted an output of shape [2,23] for a [2,2,3,4] input");
    cr_expect(strstr(cnn_last_error(), "[2,23") != NULL, "the error should name the bad shape, got: %s", cnn_last_error());
    tensor_free(out);
    tensor_free(x);
}

GRADED_TEST(flatten, unflatten_images_round_trip, 3,
            "unflatten_images(flatten_images(x)) must give back x exactly.")
{
    Tensor *x = numbered_batch();
    Tensor *flat = tensor_new(2, 24, 1, 1), *back = tensor_new(2, 2, 3, 4);
    cr_assert(flat && back);
    cr_assert_eq(flatten_images(flat, x), 0, "flatten_images failed: %s", cnn_last_error());
    cr_assert_eq(unflatten_images(back, flat), 0, "unflatten_images failed: %s", cnn_last_error());
    expect_tensor_close(back, x, 0.0f, 0.0f, "unflatten_images(flatten_images(x))");
    tensor_free(back);
    tensor_free(flat);
    tensor_free(x);
}

GRADED_TEST(flatten, neighbours_drift_apart, 2,
            "flat_distance: right neighbour 1, neighbour below W, next channel H*W.")
{
    /* A 32x32 RGB image, as in the tutorial. */
    cr_expect_eq(flat_distance(0, 0, 1, 32, 32), 1, "right-hand neighbour: expected 1, got %ld", flat_distance(0, 0, 1, 32, 32));
    cr_expect_eq(flat_distance(0, 1, 0, 32, 32), 32, "neighbour below: expected 32 (= W), got %ld", flat_distance(0, 1, 0, 32, 32));
    cr_expect_eq(flat_distance(1, 0, 0, 32, 32), 1024, "same pixel, next channel: expected 1024 (= H*W), got %ld", flat_distance(1, 0, 0, 32, 32));
    cr_expect_eq(flat_distance(0, -1, 1, 32, 20), -19, "up and right with W=20: expected -19, got %ld", flat_distance(0, -1, 1, 32, 20));
    cr_expect_eq(flat_distance(0, 1, 0, 10, 20), 20, "neighbour below with H=10 W=20: expected 20 (= W, not H), got %ld", flat_distance(0, 1, 0, 10, 20));
}

GRADED_TEST(flatten, distance_beyond_32_bits, 1,
            "flat_distance must compute in long: channels of a large map are more than 2^31 elements apart.")
{
    /* 8192x8192 maps hold 2^26 values, so 40 channels apart is 2^31 + 2^29,
     * past what an int holds; -40 the same distance backwards. */
    const struct { int dc, dh, dw, H, W; long want; } cases[] = {
        {40, 0, 0, 8192, 8192, 2684354560L},
        {-40, 0, 0, 8192, 8192, -2684354560L},
        {100, 3, -2, 8192, 4096, 3355455486L}, /* 100*8192*4096 + 3*4096 - 2, a non-square map */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        long got = flat_distance(cases[i].dc, cases[i].dh, cases[i].dw, cases[i].H, cases[i].W);
        cr_expect_eq(got, cases[i].want,
                     "flat_distance(dc=%d, dh=%d, dw=%d) with H=%d W=%d: expected %ld, got %ld%s",
                     cases[i].dc, cases[i].dh, cases[i].dw, cases[i].H, cases[i].W, cases[i].want, got,
                     got == (long)(int)(unsigned)cases[i].want ? " (the product wrapped at 32 bits: multiply in long)" : "");
    }
}
