/* HIDDEN -- a hidden test of the autograders (grader/autograder/README.md).
 *
 * hidden_flatten.c -- chapter 01's hidden tests: indices, flattening,
 * distances and parameter counts on shapes drawn from the autograder's seed,
 * compared with the reference (ref_*) in the same process. Code that fits
 * only the visible tests' fixed [2,2,3,4] batch or the tutorial's three
 * images (a swapped H and W that happens to agree, a stride written for one
 * shape, a hard-coded count) fails here.
 */
#include "flatten.h"
#include "params.h"

#include "error.h"
#include "hidden.h"
#include "testing.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

REFERENCE(flat_index);
REFERENCE(unflatten_index);
REFERENCE(flatten_images);
REFERENCE(unflatten_images);
REFERENCE(flat_distance);
REFERENCE(dense_param_count);
REFERENCE(conv_param_count);
REFERENCE(print_param_table);

/* Dimensions C, H, W of one draw: never two equal, so a swapped pair shows;
 * `big` makes N*C*H*W pass 2^32 (no tensor is allocated at these sizes). */
static void draw_dims(Rng *rng, bool big, int *C, int *H, int *W)
{
    int lo = big ? 300 : 2, hi = big ? 3000 : 9;
    do {
        *C = hidden_size(rng, lo, hi);
        *H = hidden_size(rng, lo, hi);
        *W = hidden_size(rng, lo, hi);
    } while (*C == *H || *H == *W || *C == *W);
}

GRADED_TEST(hidden_flatten, index_fresh_shapes, 2,
            "1.1 and 1.2 on shapes you have not seen, some past 2^32 elements: offset = ((n*C + c)*H + h)*W + w, and back")
{
    Rng rng = hidden_rng(1);
    for (int round = 0; round < 40; round++) {
        int C, H, W;
        draw_dims(&rng, round % 4 == 3, &C, &H, &W);
        int N = hidden_size(&rng, 1, round % 4 == 3 ? 3000 : 6);
        int n = rng_below(&rng, N), c = rng_below(&rng, C), h = rng_below(&rng, H), w = rng_below(&rng, W);
        size_t want = ref_flat_index(n, c, h, w, C, H, W), got = flat_index(n, c, h, w, C, H, W);
        cr_assert_eq(got, want, "flat_index(n=%d, c=%d, h=%d, w=%d, C=%d, H=%d, W=%d) is %zu, expected %zu", n, c, h,
                     w, C, H, W, got, want);
        int rn = -1, rc = -1, rh = -1, rw = -1;
        unflatten_index(want, C, H, W, &rn, &rc, &rh, &rw);
        cr_assert(rn == n && rc == c && rh == h && rw == w,
                  "unflatten_index(%zu, C=%d, H=%d, W=%d) gave (n, c, h, w) = (%d, %d, %d, %d), expected (%d, %d, %d, %d)",
                  want, C, H, W, rn, rc, rh, rw, n, c, h, w);
    }
}

GRADED_TEST(hidden_flatten, flatten_fresh_batches, 3,
            "1.3 and 1.4 on batches you have not seen: out [N, C*H*W] row n is image n in NCHW order, and back")
{
    Rng rng = hidden_rng(2);
    for (int round = 0; round < 4; round++) {
        int C, H, W;
        draw_dims(&rng, false, &C, &H, &W);
        int N = hidden_size(&rng, 1, 4), D = C * H * W;
        Tensor *x = test_random_tensor(N, C, H, W, hidden_seed(&rng));
        Tensor *flat = tensor_new(N, D, 1, 1), *expected = tensor_new(N, D, 1, 1);
        Tensor *back = tensor_new(N, C, H, W);
        cr_assert(x && flat && expected && back, "tensor_new: %s", cnn_last_error());
        flat->ndim = expected->ndim = 2;
        tensor_fill(flat, NAN);
        tensor_fill(back, NAN);
        cr_assert_eq(ref_flatten_images(expected, x), 0, "the reference failed: %s", cnn_last_error());
        cr_assert_eq(flatten_images(flat, x), 0, "flatten_images returned -1 for x [%d,%d,%d,%d], out [%d,%d]: %s", N,
                     C, H, W, N, D, cnn_last_error());
        expect_tensor_close(flat, expected, 0.0f, 0.0f, "hidden flatten_images case");
        cr_assert_eq(unflatten_images(back, expected), 0, "unflatten_images returned -1 for x [%d,%d], out [%d,%d,%d,%d]: %s",
                     N, D, N, C, H, W, cnn_last_error());
        expect_tensor_close(back, x, 0.0f, 0.0f, "hidden unflatten_images(flatten_images(x))");
        tensor_free(x); tensor_free(flat); tensor_free(expected); tensor_free(back);
    }
}

GRADED_TEST(hidden_flatten, distance_fresh_offsets, 2,
            "1.5 on offsets you have not seen, some past 2^31: dc*H*W + dh*W + dw, negative steps included")
{
    Rng rng = hidden_rng(3);
    for (int round = 0; round < 40; round++) {
        int C, H, W;
        draw_dims(&rng, round % 4 == 3, &C, &H, &W);
        int dc = hidden_size(&rng, -C + 1, C - 1), dh = hidden_size(&rng, -H + 1, H - 1);
        int dw = hidden_size(&rng, -W + 1, W - 1);
        long want = ref_flat_distance(dc, dh, dw, H, W), got = flat_distance(dc, dh, dw, H, W);
        cr_assert_eq(got, want, "flat_distance(dc=%d, dh=%d, dw=%d, H=%d, W=%d) is %ld, expected %ld", dc, dh, dw, H, W,
                     got, want);
    }
}

GRADED_TEST(hidden_flatten, counts_fresh_layers, 2,
            "1.6 and 1.7 on layers you have not seen: inputs*units + units, filters*channels*kh*kw + filters")
{
    Rng rng = hidden_rng(4);
    for (int round = 0; round < 20; round++) {
        long long inputs = hidden_size(&rng, 1, 200000), units = hidden_size(&rng, 1, 5000);
        long long want = ref_dense_param_count(inputs, units), got = dense_param_count(inputs, units);
        cr_assert_eq(got, want, "dense_param_count(%lld, %lld) is %lld, expected %lld", inputs, units, got, want);
        int ch = hidden_size(&rng, 1, 512), f = hidden_size(&rng, 1, 512);
        int kh = hidden_size(&rng, 1, 7), kw = hidden_size(&rng, 1, 7);
        want = ref_conv_param_count(ch, f, kh, kw);
        got = conv_param_count(ch, f, kh, kw);
        cr_assert_eq(got, want, "conv_param_count(channels=%d, filters=%d, %dx%d) is %lld, expected %lld", ch, f, kh,
                     kw, got, want);
    }
}

/* What fn prints for `hidden` units (malloc'd; *status gets its result). */
static char *table_of(int (*fn)(FILE *, int), int hidden, int *status)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    cr_assert(f, "open_memstream failed");
    *status = fn(f, hidden);
    fclose(f);
    return text;
}

GRADED_TEST(hidden_flatten, table_fresh_hidden_units, 2,
            "1.8 for a number of hidden units you have not seen: the same table, byte for byte")
{
    Rng rng = hidden_rng(5);
    int hidden = hidden_size(&rng, 2, 4000);
    if (hidden == 512 || hidden == 100) hidden++;
    int want_status, status;
    char *want = table_of(ref_print_param_table, hidden, &want_status);
    char *got = table_of(print_param_table, hidden, &status);
    cr_assert_eq(want_status, 0, "the reference failed: %s", cnn_last_error());
    cr_assert_eq(status, 0, "print_param_table(%d) returned -1: %s", hidden, cnn_last_error());
    cr_expect(strcmp(got, want) == 0, "print_param_table(%d) printed\n%s\nexpected\n%s", hidden, got, want);
    free(want);
    free(got);
}
