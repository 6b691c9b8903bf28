/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * test_pool_fast.c -- chapter 06 (given code): the vectorized max pooling
 * and the fused ReLU + max-pool forward and backward must agree with chapters 04 and 05
 * exactly (they compare and copy the same floats), keep the first-max tie
 * rule, cover odd sizes, reject corrupt argmax, and not depend on the
 * thread count. */
#include "fc_shapes.h"

#include "pool_backward.h"
#include "pooling.h"
#include "relu.h"

#include <stdint.h>
#include <stdlib.h>

static const Pool2dParams pool2 = {2, 2, 2, 2};

/* N, C, H, W: odd sizes leave a row and a column no window covers. */
static const int pool_shapes[][4] = {{1, 1, 2, 2}, {2, 3, 5, 7}, {4, 8, 16, 16}, {64, 32, 32, 32}, {3, 2, 9, 4}};
#define POOL_SHAPES ((int)(sizeof pool_shapes / sizeof pool_shapes[0]))

/* Random values rounded to a coarse grid, so windows hold ties too. */
static Tensor *tied_tensor(int n, int c, int h, int w, unsigned long long seed)
{
    Tensor *t = test_random_tensor(n, c, h, w, seed);
    for (size_t i = 0; i < tensor_size(t); i++) t->data[i] = roundf(t->data[i] * 4.0f) / 4.0f;
    return t;
}

/* The helpers' tensors are recorded as made by the line that calls them, so
 * an AddressSanitizer report names the caller's variable (testing.h). */
#define tied_tensor(...) TEST_TRACKED_(tied_tensor, __VA_ARGS__)

static void check_forward(const int *s, int threads, unsigned long long seed)
{
    int old = fc_set_threads(threads), P = s[2] / 2, Q = s[3] / 2;
    Tensor *x = tied_tensor(s[0], s[1], s[2], s[3], seed);
    Tensor *want = tensor_new(s[0], s[1], P, Q), *got = tensor_new(s[0], s[1], P, Q);
    size_t count = tensor_size(want);
    int32_t *want_at = malloc(count * sizeof *want_at), *got_at = malloc(count * sizeof *got_at);
    cr_assert(want && got && want_at && got_at);
    cr_assert_eq(maxpool2d_forward(want, want_at, x, pool2), 0, "%s", cnn_last_error());
    cr_assert_eq(maxpool2d_forward_fast(got, got_at, x, pool2), 0, "maxpool2d_forward_fast: %s", cnn_last_error());
    char what[128];
    snprintf(what, sizeof what, "maxpool2d_forward_fast [%d,%d,%d,%d], %d thread(s); y", s[0], s[1], s[2], s[3], threads);
    expect_tensor_close(got, want, 0.0f, 0.0f, what);
    size_t first_bad = count;
    for (size_t i = 0; i < count && first_bad == count; i++)
        if (got_at[i] != want_at[i]) first_bad = i;
    cr_expect_eq(first_bad, count, "%s: argmax[%zu] = %d, chapter 04 says %d (ties: the first maximum wins)", what,
                 first_bad, first_bad < count ? got_at[first_bad] : 0, first_bad < count ? want_at[first_bad] : 0);
    tensor_free(x);
    tensor_free(want);
    tensor_free(got);
    free(want_at);
    free(got_at);
    fc_set_threads(old);
}

/* Backward: maxpool2d_backward_fast against chapter 05, and the fused
 * ReLU + pool against relu_backward(maxpool2d_backward(...)). */
static void check_backward(const int *s, int threads, unsigned long long seed)
{
    int old = fc_set_threads(threads), P = s[2] / 2, Q = s[3] / 2;
    Tensor *x = tied_tensor(s[0], s[1], s[2], s[3], seed); /* the ReLU's input */
    Tensor *rx = tensor_new(s[0], s[1], s[2], s[3]), *y = tensor_new(s[0], s[1], P, Q);
    Tensor *dy = test_random_tensor(s[0], s[1], P, Q, seed + 1);
    int32_t *at = malloc(tensor_size(y) * sizeof *at);
    cr_assert(rx && y && at);
    cr_assert_eq(relu_forward(rx, x), 0, "%s", cnn_last_error());
    cr_assert_eq(maxpool2d_forward(y, at, rx, pool2), 0, "%s", cnn_last_error());
    char what[128];
    /* Plain pooling backward: both accumulate onto a start of 0.5. */
    Tensor *want = tensor_new(s[0], s[1], s[2], s[3]), *got = tensor_new(s[0], s[1], s[2], s[3]);
    tensor_fill(want, 0.5f);
    tensor_fill(got, 0.5f);
    cr_assert_eq(maxpool2d_backward(want, dy, at, pool2), 0, "%s", cnn_last_error());
    cr_assert_eq(maxpool2d_backward_fast(got, dy, at, pool2), 0, "maxpool2d_backward_fast: %s", cnn_last_error());
    snprintf(what, sizeof what, "maxpool2d_backward_fast [%d,%d,%d,%d], %d thread(s); dx", s[0], s[1], s[2], s[3], threads);
    expect_tensor_close(got, want, 0.0f, 0.0f, what);
    /* Fused: the two passes from zero, against one pass that overwrites. */
    Tensor *drelu = tensor_new(s[0], s[1], s[2], s[3]), *wantx = tensor_new(s[0], s[1], s[2], s[3]);
    cr_assert_eq(maxpool2d_backward(drelu, dy, at, pool2), 0, "%s", cnn_last_error());
    cr_assert_eq(relu_backward(wantx, drelu, x), 0, "%s", cnn_last_error());
    tensor_fill(got, NAN); /* every element must be written */
    cr_assert_eq(relu_maxpool2d_backward_fast(got, dy, at, x, pool2), 0, "relu_maxpool2d_backward_fast: %s",
                 cnn_last_error());
    snprintf(what, sizeof what, "relu_maxpool2d_backward_fast [%d,%d,%d,%d], %d thread(s); dx", s[0], s[1], s[2],
             s[3], threads);
    expect_tensor_close(got, wantx, 0.0f, 0.0f, what);
    /* Fused forward, straight from x: the values of relu then pool; its
     * argmax (of x) may differ where a window has no positive value, but
     * the fused backward through it must give the same dx. */
    Tensor *yf = tensor_new(s[0], s[1], P, Q);
    int32_t *atf = malloc(tensor_size(y) * sizeof *atf);
    cr_assert(yf && atf);
    tensor_fill(yf, NAN);
    cr_assert_eq(relu_maxpool2d_forward_fast(yf, atf, x, pool2), 0, "relu_maxpool2d_forward_fast: %s", cnn_last_error());
    snprintf(what, sizeof what, "relu_maxpool2d_forward_fast [%d,%d,%d,%d], %d thread(s); y", s[0], s[1], s[2], s[3],
             threads);
    expect_tensor_close(yf, y, 0.0f, 0.0f, what);
    tensor_fill(got, NAN);
    cr_assert_eq(relu_maxpool2d_backward_fast(got, dy, atf, x, pool2), 0, "relu_maxpool2d_backward_fast: %s",
                 cnn_last_error());
    snprintf(what, sizeof what, "relu_maxpool2d_backward_fast with the fused forward's argmax [%d,%d,%d,%d], %d "
             "thread(s); dx", s[0], s[1], s[2], s[3], threads);
    expect_tensor_close(got, wantx, 0.0f, 0.0f, what);
    Tensor *all[] = {x, rx, y, dy, want, got, drelu, wantx, yf};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) tensor_free(all[i]);
    free(at);
    free(atf);
    fc_set_threads(old);
}

GRADED_TEST(pool, forward_matches_chapter04, 1,
            "maxpool2d_forward_fast (given) must give chapter 04's values and argmax, ties included.")
{
    for (int i = 0; i < POOL_SHAPES; i++) {
        check_forward(pool_shapes[i], 1, 700 + 10 * (unsigned long long)i);
        check_forward(pool_shapes[i], 2, 800 + 10 * (unsigned long long)i);
    }
}

GRADED_TEST(pool, backward_matches_chapter05, 1,
            "maxpool2d_backward_fast and the fused ReLU + max-pool forward and backward (given) must match chapters 04 "
            "and 05's passes.")
{
    for (int i = 0; i < POOL_SHAPES; i++) {
        check_backward(pool_shapes[i], 1, 900 + 10 * (unsigned long long)i);
        check_backward(pool_shapes[i], 2, 950 + 10 * (unsigned long long)i);
    }
}

GRADED_TEST(pool, other_windows_and_bad_input, 1,
            "The fast pooling (given) hands other windows to chapters 04/05 and rejects corrupt argmax and wrong shapes.")
{
    /* A 3x3 window with stride 2 (overlapping): the general functions answer. */
    Pool2dParams p3 = {3, 3, 2, 2};
    Tensor *x = test_random_tensor(2, 3, 9, 9, 61), *want = tensor_new(2, 3, 4, 4), *got = tensor_new(2, 3, 4, 4);
    int32_t want_at[96], got_at[96];
    cr_assert_eq(maxpool2d_forward(want, want_at, x, p3), 0, "%s", cnn_last_error());
    cr_assert_eq(maxpool2d_forward_fast(got, got_at, x, p3), 0, "%s", cnn_last_error());
    expect_tensor_close(got, want, 0.0f, 0.0f, "maxpool2d_forward_fast, 3x3 window stride 2");
    Tensor *dx = tensor_new(2, 3, 9, 9);
    cr_expect_eq(relu_maxpool2d_backward_fast(dx, got, got_at, x, p3), -1,
                 "the fused backward supports only 2x2 / stride 2 and must say so");
    cr_expect_eq(relu_maxpool2d_forward_fast(got, got_at, x, p3), -1,
                 "the fused forward supports only 2x2 / stride 2 and must say so");
    /* A corrupt argmax (pointing into the next window) must be reported. */
    Tensor *x2 = test_random_tensor(1, 1, 4, 4, 62), *y2 = tensor_new(1, 1, 2, 2), *dx2 = tensor_new(1, 1, 4, 4);
    int32_t at2[4];
    cr_assert_eq(maxpool2d_forward_fast(y2, at2, x2, pool2), 0, "%s", cnn_last_error());
    at2[1] = at2[0];
    cr_expect_eq(maxpool2d_backward_fast(dx2, y2, at2, pool2), -1, "argmax[1] points into window 0: must fail");
    cr_expect(strstr(cnn_last_error(), "argmax[1]") != NULL, "the message names the bad entry: got \"%s\"", cnn_last_error());
    cr_expect_eq(relu_maxpool2d_backward_fast(dx2, y2, at2, x2, pool2), -1, "fused, corrupt argmax: must fail");
    /* Wrong shapes. */
    Tensor *y_bad = tensor_new(1, 1, 3, 2);
    cr_expect_eq(maxpool2d_forward_fast(y_bad, at2, x2, pool2), -1, "y [1,1,3,2] for a 4x4 input: must fail");
    cr_expect_eq(relu_maxpool2d_backward_fast(dx2, y_bad, at2, x2, pool2), -1, "dy [1,1,3,2]: must fail");
    cr_expect_eq(relu_maxpool2d_forward_fast(y_bad, at2, x2, pool2), -1, "fused forward, y [1,1,3,2]: must fail");
    cr_expect(strstr(cnn_last_error(), "relu_maxpool2d_forward_fast") != NULL, "the message names the function: got "
              "\"%s\"", cnn_last_error());
    cr_expect_eq(relu_maxpool2d_backward_fast(NULL, y2, at2, x2, pool2), -1, "dx NULL: must fail");
    Tensor *all[] = {x, want, got, dx, x2, y2, dx2, y_bad};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) tensor_free(all[i]);
}
