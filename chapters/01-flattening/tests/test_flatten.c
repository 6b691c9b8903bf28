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
