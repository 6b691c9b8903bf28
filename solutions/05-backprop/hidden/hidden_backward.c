/* HIDDEN -- a hidden test of the autograders (grader/autograder/README.md).
 *
 * hidden_backward.c -- chapter 05's hidden tests: the convolution's and the
 * pooling layers' backward passes on shapes, paddings and strides drawn from
 * the autograder's seed, compared with the reference (ref_*) in the same
 * process. Gradients start at zero, as the accumulate (+=) convention wants.
 */
#include "conv_backward.h"
#include "pool_backward.h"
#include "pooling.h"

#include "error.h"
#include "hidden.h"
#include "testing.h"

#include <criterion/criterion.h>
#include <stdlib.h>

REFERENCE(conv2d_backward);
REFERENCE(maxpool2d_backward);
REFERENCE(avgpool2d_backward);

/* Looser than TEST_ATOL: a gradient sums many products, in an order that
 * may differ from the reference's. */
#define GRAD_ATOL 1e-4f

GRADED_TEST(hidden_backward, conv_fresh_pad_stride, 4,
            "5.5 on shapes, paddings and strides you have not seen: dx, dw and db all match the reference")
{
    Rng rng = hidden_rng(51);
    for (int round = 0; round < 5; round++) {
        int n = hidden_size(&rng, 1, 2), c = hidden_size(&rng, 1, 3), k = hidden_size(&rng, 1, 3);
        int h = hidden_size(&rng, 3, 10), w = hidden_size(&rng, 3, 10);
        int r = hidden_size(&rng, 1, 3), s = hidden_size(&rng, 1, 3);
        Conv2dParams p = {hidden_size(&rng, 0, 1), hidden_size(&rng, 0, 1), hidden_size(&rng, 1, 2),
                          hidden_size(&rng, 1, 2)};
        int P = conv_output_size(h, r, p.pad_h, p.stride_h), Q = conv_output_size(w, s, p.pad_w, p.stride_w);
        if (P < 1 || Q < 1) { round--; continue; }
        Tensor *x = test_random_tensor(n, c, h, w, hidden_seed(&rng));
        Tensor *wt = test_random_tensor(k, c, r, s, hidden_seed(&rng));
        Tensor *dy = test_random_tensor(n, k, P, Q, hidden_seed(&rng));
        Tensor *dx = tensor_new_like(x), *dw = tensor_new_like(wt), *db = tensor_new(k, 1, 1, 1);
        Tensor *rdx = tensor_new_like(x), *rdw = tensor_new_like(wt), *rdb = tensor_new(k, 1, 1, 1);
        cr_assert(dx && dw && db && rdx && rdw && rdb, "tensor_new: %s", cnn_last_error());
        db->ndim = rdb->ndim = 1;
        cr_assert_eq(ref_conv2d_backward(rdx, rdw, rdb, dy, x, wt, p), 0, "the reference failed: %s",
                     cnn_last_error());
        cr_assert_eq(conv2d_backward(dx, dw, db, dy, x, wt, p), 0,
                     "conv2d_backward returned -1 for x [%d,%d,%d,%d], w [%d,%d,%d,%d], pad %d,%d, stride %d,%d: %s",
                     n, c, h, w, k, c, r, s, p.pad_h, p.pad_w, p.stride_h, p.stride_w, cnn_last_error());
        expect_tensor_close(dx, rdx, GRAD_ATOL, TEST_RTOL, "hidden case: dx");
        expect_tensor_close(dw, rdw, GRAD_ATOL, TEST_RTOL, "hidden case: dw");
        expect_tensor_close(db, rdb, GRAD_ATOL, TEST_RTOL, "hidden case: db");
        tensor_free(x); tensor_free(wt); tensor_free(dy);
        tensor_free(dx); tensor_free(dw); tensor_free(db); tensor_free(rdx); tensor_free(rdw); tensor_free(rdb);
    }
}

GRADED_TEST(hidden_backward, pooling_fresh_windows, 3,
            "5.6 on windows and strides you have not seen: max sends dy to its argmax, average spreads it evenly")
{
    Rng rng = hidden_rng(52);
    for (int round = 0; round < 5; round++) {
        int n = hidden_size(&rng, 1, 2), c = hidden_size(&rng, 1, 3), h = hidden_size(&rng, 3, 10),
            w = hidden_size(&rng, 3, 10);
        Pool2dParams p = {hidden_size(&rng, 1, 3), hidden_size(&rng, 1, 3), hidden_size(&rng, 1, 3),
                          hidden_size(&rng, 1, 3)};
        int P, Q;
        cr_assert_eq(pool2d_output_shape(&P, &Q, h, w, p), 0, "pool2d_output_shape: %s", cnn_last_error());
        Tensor *x = test_random_tensor(n, c, h, w, hidden_seed(&rng));
        Tensor *y = tensor_new(n, c, P, Q), *dy = test_random_tensor(n, c, P, Q, hidden_seed(&rng));
        int32_t *argmax = malloc(tensor_size(y) * sizeof *argmax);
        cr_assert(y && argmax, "out of memory");
        cr_assert_eq(maxpool2d_forward(y, argmax, x, p), 0, "maxpool2d_forward: %s", cnn_last_error());
        Tensor *dx = tensor_new_like(x), *rdx = tensor_new_like(x);
        cr_assert(dx && rdx, "tensor_new_like: %s", cnn_last_error());
        cr_assert_eq(ref_maxpool2d_backward(rdx, dy, argmax, p), 0, "the reference failed: %s", cnn_last_error());
        cr_assert_eq(maxpool2d_backward(dx, dy, argmax, p), 0,
                     "maxpool2d_backward returned -1 for x [%d,%d,%d,%d], window %dx%d, stride %d,%d: %s", n, c, h,
                     w, p.window_h, p.window_w, p.stride_h, p.stride_w, cnn_last_error());
        expect_tensor_close(dx, rdx, GRAD_ATOL, TEST_RTOL, "hidden max-pooling case: dx");
        tensor_fill(dx, 0.0f);
        tensor_fill(rdx, 0.0f);
        cr_assert_eq(ref_avgpool2d_backward(rdx, dy, p), 0, "the reference failed: %s", cnn_last_error());
        cr_assert_eq(avgpool2d_backward(dx, dy, p), 0,
                     "avgpool2d_backward returned -1 for x [%d,%d,%d,%d], window %dx%d, stride %d,%d: %s", n, c, h,
                     w, p.window_h, p.window_w, p.stride_h, p.stride_w, cnn_last_error());
        expect_tensor_close(dx, rdx, GRAD_ATOL, TEST_RTOL, "hidden average-pooling case: dx");
        free(argmax);
        tensor_free(x); tensor_free(y); tensor_free(dy); tensor_free(dx); tensor_free(rdx);
    }
}
