/* HIDDEN -- a hidden test of the autograders (grader/autograder/README.md).
 *
 * hidden_conv_naive.c -- chapter 02's hidden tests: the three convolutions on
 * shapes and values drawn from the autograder's seed, compared with the
 * reference (ref_*) in the same process. A solution that passes only the
 * visible tests' fixed shapes (a hard-coded 5x5, a loop bound that happens
 * to fit) fails here.
 */
#include "conv_naive.h"

#include "error.h"
#include "hidden.h"
#include "testing.h"

#include <criterion/criterion.h>
#include <math.h>

REFERENCE(conv2d_single_channel);
REFERENCE(conv2d_multi_channel);
REFERENCE(conv2d_valid);

/* x [N,C,H,W] and w [K,C,R,S] of sizes drawn from rng, with R <= H, S <= W. */
static void draw_inputs(Rng *rng, Tensor **x, Tensor **w, Tensor **b, int n, int c, int k)
{
    int h = hidden_size(rng, 3, 13), wd = hidden_size(rng, 3, 13);
    int r = hidden_size(rng, 1, h < 5 ? h : 5), s = hidden_size(rng, 1, wd < 5 ? wd : 5);
    *x = test_random_tensor(n, c, h, wd, hidden_seed(rng));
    *w = test_random_tensor(k, c, r, s, hidden_seed(rng));
    if (b) *b = test_random_tensor(k, 1, 1, 1, hidden_seed(rng)); /* b [K] */
    cr_assert(*x && *w && (!b || *b), "test_random_tensor: %s", cnn_last_error());
    if (b) (*b)->ndim = 1;
}

/* A NaN-filled output (so an unwritten position shows as "got nan"). */
static Tensor *nan_output(int n, int k, const Tensor *x, const Tensor *w)
{
    Tensor *y = tensor_new(n, k, x->h - w->h + 1, x->w - w->w + 1);
    cr_assert(y, "tensor_new: %s", cnn_last_error());
    tensor_fill(y, NAN);
    return y;
}

GRADED_TEST(hidden_conv_naive, single_channel_fresh_shapes, 2,
            "2.1 on shapes you have not seen: P = H - R + 1, Q = W - S + 1, for any H, W, R, S")
{
    Rng rng = hidden_rng(1);
    for (int round = 0; round < 4; round++) {
        Tensor *x, *w;
        draw_inputs(&rng, &x, &w, NULL, 1, 1, 1);
        Tensor *y = nan_output(1, 1, x, w), *expected = nan_output(1, 1, x, w);
        cr_assert_eq(ref_conv2d_single_channel(expected, x, w), 0, "the reference failed: %s", cnn_last_error());
        cr_assert_eq(conv2d_single_channel(y, x, w), 0, "conv2d_single_channel returned -1 for x [1,1,%d,%d], "
                     "w [1,1,%d,%d]: %s", x->h, x->w, w->h, w->w, cnn_last_error());
        expect_tensor_close(y, expected, TEST_ATOL, TEST_RTOL, "hidden single-channel case");
        tensor_free(x); tensor_free(w); tensor_free(y); tensor_free(expected);
    }
}

GRADED_TEST(hidden_conv_naive, multi_channel_fresh_shapes, 2,
            "2.2 on shapes you have not seen: sum over every input channel c of the C")
{
    Rng rng = hidden_rng(2);
    for (int round = 0; round < 4; round++) {
        Tensor *x, *w;
        draw_inputs(&rng, &x, &w, NULL, 1, hidden_size(&rng, 2, 5), 1);
        Tensor *y = nan_output(1, 1, x, w), *expected = nan_output(1, 1, x, w);
        cr_assert_eq(ref_conv2d_multi_channel(expected, x, w), 0, "the reference failed: %s", cnn_last_error());
        cr_assert_eq(conv2d_multi_channel(y, x, w), 0, "conv2d_multi_channel returned -1 for x [1,%d,%d,%d], "
                     "w [1,%d,%d,%d]: %s", x->c, x->h, x->w, w->c, w->h, w->w, cnn_last_error());
        expect_tensor_close(y, expected, TEST_ATOL, TEST_RTOL, "hidden multi-channel case");
        tensor_free(x); tensor_free(w); tensor_free(y); tensor_free(expected);
    }
}

GRADED_TEST(hidden_conv_naive, valid_fresh_batches, 3,
            "2.3 on batches you have not seen: every image n through every filter k, plus b[k]")
{
    Rng rng = hidden_rng(3);
    for (int round = 0; round < 4; round++) {
        int n = hidden_size(&rng, 1, 3), c = hidden_size(&rng, 1, 4), k = hidden_size(&rng, 1, 5);
        Tensor *x, *w, *b;
        draw_inputs(&rng, &x, &w, &b, n, c, k);
        const Tensor *bias = round % 2 ? b : NULL;
        Tensor *y = nan_output(n, k, x, w), *expected = nan_output(n, k, x, w);
        cr_assert_eq(ref_conv2d_valid(expected, x, w, bias), 0, "the reference failed: %s", cnn_last_error());
        cr_assert_eq(conv2d_valid(y, x, w, bias), 0, "conv2d_valid returned -1 for x [%d,%d,%d,%d], "
                     "w [%d,%d,%d,%d]%s: %s", n, c, x->h, x->w, k, c, w->h, w->w, bias ? ", b [K]" : ", b NULL",
                     cnn_last_error());
        expect_tensor_close(y, expected, TEST_ATOL, TEST_RTOL, bias ? "hidden batch with bias" : "hidden batch");
        tensor_free(x); tensor_free(w); tensor_free(b); tensor_free(y); tensor_free(expected);
    }
}
