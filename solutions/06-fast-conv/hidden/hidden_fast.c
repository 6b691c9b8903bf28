/* HIDDEN -- a hidden test of the autograders (grader/autograder/README.md).
 *
 * hidden_fast.c -- chapter 06's hidden tests: the fast forward and backward
 * convolutions on shapes, paddings and strides drawn from the autograder's
 * seed (sizes that are no multiple of any block or vector width), compared
 * with the reference's fast ones (ref_*) in the same process.
 */
#include "fastconv.h"

#include "error.h"
#include "hidden.h"
#include "testing.h"

#include <criterion/criterion.h>
#include <math.h>

REFERENCE(conv2d_forward_fast);
REFERENCE(conv2d_backward_fast);

/* The sums run in another order than the reference's. */
#define FAST_ATOL 1e-4f

typedef struct {
    int n, c, k, h, w, r, s, P, Q;
    Conv2dParams p;
} Shape;

static Shape draw_shape(Rng *rng)
{
    for (;;) {
        Shape z = {hidden_size(rng, 1, 3), hidden_size(rng, 1, 5), hidden_size(rng, 1, 19), hidden_size(rng, 3, 17),
                   hidden_size(rng, 3, 17), hidden_size(rng, 1, 5), hidden_size(rng, 1, 5), 0, 0,
                   {hidden_size(rng, 0, 2), hidden_size(rng, 0, 2), hidden_size(rng, 1, 2), hidden_size(rng, 1, 2)}};
        z.P = conv_output_size(z.h, z.r, z.p.pad_h, z.p.stride_h);
        z.Q = conv_output_size(z.w, z.s, z.p.pad_w, z.p.stride_w);
        if (z.P >= 1 && z.Q >= 1) return z;
    }
}

GRADED_TEST(hidden_fast, forward_fresh_shapes, 3,
            "6.5 on shapes you have not seen: every remainder of your blocks and vectors handled")
{
    Rng rng = hidden_rng(61);
    for (int round = 0; round < 5; round++) {
        Shape z = draw_shape(&rng);
        Tensor *x = test_random_tensor(z.n, z.c, z.h, z.w, hidden_seed(&rng));
        Tensor *wt = test_random_tensor(z.k, z.c, z.r, z.s, hidden_seed(&rng));
        Tensor *b = test_random_tensor(z.k, 1, 1, 1, hidden_seed(&rng)); /* b [K] */
        b->ndim = 1;
        Tensor *y = tensor_new(z.n, z.k, z.P, z.Q), *expected = tensor_new(z.n, z.k, z.P, z.Q);
        cr_assert(y && expected, "tensor_new: %s", cnn_last_error());
        tensor_fill(y, NAN);
        cr_assert_eq(ref_conv2d_forward_fast(expected, x, wt, b, z.p), 0, "the reference failed: %s",
                     cnn_last_error());
        cr_assert_eq(conv2d_forward_fast(y, x, wt, b, z.p), 0,
                     "conv2d_forward_fast returned -1 for x [%d,%d,%d,%d], w [%d,%d,%d,%d], pad %d,%d, stride %d,%d: %s",
                     z.n, z.c, z.h, z.w, z.k, z.c, z.r, z.s, z.p.pad_h, z.p.pad_w, z.p.stride_h, z.p.stride_w,
                     cnn_last_error());
        expect_tensor_close(y, expected, FAST_ATOL, TEST_RTOL, "hidden fast forward case");
        tensor_free(x); tensor_free(wt); tensor_free(b); tensor_free(y); tensor_free(expected);
    }
}

GRADED_TEST(hidden_fast, backward_fresh_shapes, 3,
            "6.7 on shapes you have not seen: dx, dw and db of the fast backward pass match the reference")
{
    Rng rng = hidden_rng(62);
    for (int round = 0; round < 4; round++) {
        Shape z = draw_shape(&rng);
        Tensor *x = test_random_tensor(z.n, z.c, z.h, z.w, hidden_seed(&rng));
        Tensor *wt = test_random_tensor(z.k, z.c, z.r, z.s, hidden_seed(&rng));
        Tensor *dy = test_random_tensor(z.n, z.k, z.P, z.Q, hidden_seed(&rng));
        Tensor *dx = tensor_new_like(x), *dw = tensor_new_like(wt), *db = tensor_new(z.k, 1, 1, 1);
        Tensor *rdx = tensor_new_like(x), *rdw = tensor_new_like(wt), *rdb = tensor_new(z.k, 1, 1, 1);
        cr_assert(dx && dw && db && rdx && rdw && rdb, "tensor_new: %s", cnn_last_error());
        db->ndim = rdb->ndim = 1;
        cr_assert_eq(ref_conv2d_backward_fast(rdx, rdw, rdb, dy, x, wt, z.p), 0, "the reference failed: %s",
                     cnn_last_error());
        cr_assert_eq(conv2d_backward_fast(dx, dw, db, dy, x, wt, z.p), 0,
                     "conv2d_backward_fast returned -1 for x [%d,%d,%d,%d], w [%d,%d,%d,%d], pad %d,%d, stride %d,%d: %s",
                     z.n, z.c, z.h, z.w, z.k, z.c, z.r, z.s, z.p.pad_h, z.p.pad_w, z.p.stride_h, z.p.stride_w,
                     cnn_last_error());
        expect_tensor_close(dx, rdx, FAST_ATOL, TEST_RTOL, "hidden fast backward case: dx");
        expect_tensor_close(dw, rdw, FAST_ATOL, TEST_RTOL, "hidden fast backward case: dw");
        expect_tensor_close(db, rdb, FAST_ATOL, TEST_RTOL, "hidden fast backward case: db");
        tensor_free(x); tensor_free(wt); tensor_free(dy);
        tensor_free(dx); tensor_free(dw); tensor_free(db); tensor_free(rdx); tensor_free(rdw); tensor_free(rdb);
    }
}
