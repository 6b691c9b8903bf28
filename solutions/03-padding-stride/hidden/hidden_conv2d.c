/* HIDDEN -- a hidden test of the autograders (grader/autograder/README.md).
 *
 * hidden_conv2d.c -- chapter 03's hidden tests: zero padding and the general
 * convolution on shapes, paddings and strides drawn from the autograder's
 * seed, compared with the reference (ref_*) in the same process.
 */
#include "conv.h"

#include "error.h"
#include "hidden.h"
#include "testing.h"

#include <criterion/criterion.h>
#include <math.h>

REFERENCE(conv_output_size);
REFERENCE(pad2d_zero);
REFERENCE(conv2d_forward);

/* A NaN-filled tensor (an unwritten position shows as "got nan"). */
static Tensor *nan_tensor(int n, int c, int h, int w)
{
    Tensor *t = tensor_new(n, c, h, w);
    cr_assert(t, "tensor_new: %s", cnn_last_error());
    tensor_fill(t, NAN);
    return t;
}

GRADED_TEST(hidden_conv2d, pad_fresh_shapes, 2,
            "3.2 on shapes you have not seen: y is [N,C,H+2*pad_h,W+2*pad_w], x in the middle, zeros around")
{
    Rng rng = hidden_rng(31);
    for (int round = 0; round < 4; round++) {
        int n = hidden_size(&rng, 1, 2), c = hidden_size(&rng, 1, 3), h = hidden_size(&rng, 1, 9),
            w = hidden_size(&rng, 1, 9), ph = hidden_size(&rng, 0, 3), pw = hidden_size(&rng, 0, 3);
        Tensor *x = test_random_tensor(n, c, h, w, hidden_seed(&rng));
        Tensor *y = nan_tensor(n, c, h + 2 * ph, w + 2 * pw), *expected = nan_tensor(n, c, h + 2 * ph, w + 2 * pw);
        cr_assert_eq(ref_pad2d_zero(expected, x, ph, pw), 0, "the reference failed: %s", cnn_last_error());
        cr_assert_eq(pad2d_zero(y, x, ph, pw), 0, "pad2d_zero returned -1 for x [%d,%d,%d,%d], pad %d,%d: %s", n, c,
                     h, w, ph, pw, cnn_last_error());
        expect_tensor_close(y, expected, 0.0f, 0.0f, "hidden padding case");
        tensor_free(x); tensor_free(y); tensor_free(expected);
    }
}

GRADED_TEST(hidden_conv2d, forward_fresh_pad_stride, 4,
            "3.4 on shapes, paddings and strides you have not seen: P = (H + 2*pad - R) / stride + 1")
{
    Rng rng = hidden_rng(32);
    for (int round = 0; round < 6; round++) {
        int n = hidden_size(&rng, 1, 2), c = hidden_size(&rng, 1, 3), k = hidden_size(&rng, 1, 4);
        int h = hidden_size(&rng, 3, 12), w = hidden_size(&rng, 3, 12);
        int r = hidden_size(&rng, 1, 4), s = hidden_size(&rng, 1, 4);
        Conv2dParams p = {hidden_size(&rng, 0, 2), hidden_size(&rng, 0, 2), hidden_size(&rng, 1, 3),
                          hidden_size(&rng, 1, 3)};
        int P = ref_conv_output_size(h, r, p.pad_h, p.stride_h), Q = ref_conv_output_size(w, s, p.pad_w, p.stride_w);
        if (P < 1 || Q < 1) { round--; continue; }
        Tensor *x = test_random_tensor(n, c, h, w, hidden_seed(&rng));
        Tensor *wt = test_random_tensor(k, c, r, s, hidden_seed(&rng));
        Tensor *b = test_random_tensor(k, 1, 1, 1, hidden_seed(&rng)); /* b [K] */
        b->ndim = 1;
        Tensor *y = nan_tensor(n, k, P, Q), *expected = nan_tensor(n, k, P, Q);
        cr_assert_eq(ref_conv2d_forward(expected, x, wt, b, p), 0, "the reference failed: %s", cnn_last_error());
        cr_assert_eq(conv2d_forward(y, x, wt, b, p), 0,
                     "conv2d_forward returned -1 for x [%d,%d,%d,%d], w [%d,%d,%d,%d], pad %d,%d, stride %d,%d: %s",
                     n, c, h, w, k, c, r, s, p.pad_h, p.pad_w, p.stride_h, p.stride_w, cnn_last_error());
        expect_tensor_close(y, expected, TEST_ATOL, TEST_RTOL, "hidden pad/stride case");
        tensor_free(x); tensor_free(wt); tensor_free(b); tensor_free(y); tensor_free(expected);
    }
}
