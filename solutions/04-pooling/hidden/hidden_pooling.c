/* HIDDEN -- a hidden test of the autograders (grader/autograder/README.md).
 *
 * hidden_pooling.c -- chapter 04's hidden tests: max pooling (with its
 * argmax) and average pooling on shapes, windows and strides drawn from the
 * autograder's seed, compared with the reference (ref_*) in the same process.
 */
#include "pooling.h"

#include "error.h"
#include "hidden.h"
#include "testing.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

REFERENCE(pool2d_output_shape);
REFERENCE(maxpool2d_forward);
REFERENCE(avgpool2d_forward);

/* Draws x and a window that fits it; P, Q from the reference. */
static Tensor *draw(Rng *rng, Pool2dParams *p, int *P, int *Q)
{
    int n = hidden_size(rng, 1, 2), c = hidden_size(rng, 1, 3), h = hidden_size(rng, 3, 11),
        w = hidden_size(rng, 3, 11);
    *p = (Pool2dParams){hidden_size(rng, 1, 3), hidden_size(rng, 1, 3), hidden_size(rng, 1, 3),
                        hidden_size(rng, 1, 3)};
    cr_assert_eq(ref_pool2d_output_shape(P, Q, h, w, *p), 0, "the reference failed: %s", cnn_last_error());
    Tensor *x = test_random_tensor(n, c, h, w, hidden_seed(rng));
    return x;
}

static Tensor *nan_tensor(int n, int c, int h, int w)
{
    Tensor *t = tensor_new(n, c, h, w);
    cr_assert(t, "tensor_new: %s", cnn_last_error());
    tensor_fill(t, NAN);
    return t;
}

GRADED_TEST(hidden_pooling, max_fresh_windows, 3,
            "4.3 on windows and strides you have not seen: the max of each window, and its flat index in x")
{
    Rng rng = hidden_rng(41);
    for (int round = 0; round < 6; round++) {
        Pool2dParams p;
        int P, Q;
        Tensor *x = draw(&rng, &p, &P, &Q);
        Tensor *y = nan_tensor(x->n, x->c, P, Q), *expected = nan_tensor(x->n, x->c, P, Q);
        size_t count = tensor_size(y);
        int32_t *argmax = malloc(count * sizeof *argmax), *ref_argmax = malloc(count * sizeof *ref_argmax);
        cr_assert(argmax && ref_argmax, "out of memory");
        for (size_t i = 0; i < count; i++) argmax[i] = -1;
        cr_assert_eq(ref_maxpool2d_forward(expected, ref_argmax, x, p), 0, "the reference failed: %s", cnn_last_error());
        cr_assert_eq(maxpool2d_forward(y, argmax, x, p), 0,
                     "maxpool2d_forward returned -1 for x [%d,%d,%d,%d], window %dx%d, stride %d,%d: %s", x->n,
                     x->c, x->h, x->w, p.window_h, p.window_w, p.stride_h, p.stride_w, cnn_last_error());
        expect_tensor_close(y, expected, 0.0f, 0.0f, "hidden max-pooling case");
        for (size_t i = 0; i < count; i++) {
            cr_expect_eq(argmax[i], ref_argmax[i],
                         "argmax of output %zu (x [%d,%d,%d,%d], window %dx%d, stride %d,%d): expected %d, got %d", i,
                         x->n, x->c, x->h, x->w, p.window_h, p.window_w, p.stride_h, p.stride_w, ref_argmax[i],
                         argmax[i]);
            if (argmax[i] != ref_argmax[i]) break;
        }
        free(argmax); free(ref_argmax);
        tensor_free(x); tensor_free(y); tensor_free(expected);
    }
}

GRADED_TEST(hidden_pooling, avg_fresh_windows, 2,
            "4.4 on windows and strides you have not seen: the mean of each window's window_h*window_w values")
{
    Rng rng = hidden_rng(42);
    for (int round = 0; round < 6; round++) {
        Pool2dParams p;
        int P, Q;
        Tensor *x = draw(&rng, &p, &P, &Q);
        Tensor *y = nan_tensor(x->n, x->c, P, Q), *expected = nan_tensor(x->n, x->c, P, Q);
        cr_assert_eq(ref_avgpool2d_forward(expected, x, p), 0, "the reference failed: %s", cnn_last_error());
        cr_assert_eq(avgpool2d_forward(y, x, p), 0,
                     "avgpool2d_forward returned -1 for x [%d,%d,%d,%d], window %dx%d, stride %d,%d: %s", x->n,
                     x->c, x->h, x->w, p.window_h, p.window_w, p.stride_h, p.stride_w, cnn_last_error());
        expect_tensor_close(y, expected, TEST_ATOL, TEST_RTOL, "hidden average-pooling case");
        tensor_free(x); tensor_free(y); tensor_free(expected);
    }
}
