/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * test_conv_naive.c -- the graded tests of chapter 02 (naive convolution).
 *
 * Hand-checked cases (the tutorial's 5x5 example, delta kernels, non-square
 * shapes), properties every convolution has (linearity, translation
 * equivariance, one bias per filter), and reference outputs computed by
 * PyTorch (the .npy files in data/, made by make_refs.py). Outputs start filled with NaN,
 * so a position the code never writes shows up as "got nan".
 */
#include "conv_naive.h"
#include "tutorial_example.h"

#include "error.h"
#include "testing.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* A fresh output tensor whose every value is NaN ("never written"). */
static Tensor *nan_tensor(int n, int c, int h, int w)
{
    Tensor *t = tensor_new(n, c, h, w);
    cr_assert(t, "tensor_new: %s", cnn_last_error());
    tensor_fill(t, NAN);
    return t;
}

/* An asymmetric ramp: x(n,c,h,w) = 100n + 10c + h + w/10, distinct everywhere. */
static Tensor *ramp_tensor(int n, int c, int h, int w)
{
    Tensor *t = tensor_new(n, c, h, w);
    cr_assert(t, "tensor_new: %s", cnn_last_error());
    for (int a = 0; a < n; a++)
        for (int b = 0; b < c; b++)
            for (int i = 0; i < h; i++)
                for (int j = 0; j < w; j++)
                    *tensor_at(t, a, b, i, j) = 100.0f * a + 10.0f * b + i + 0.1f * j;
    return t;
}

/* The helpers' tensors are recorded as made by the line that calls them, so
 * an AddressSanitizer report names the caller's variable (testing.h). */
#define nan_tensor(...) TEST_TRACKED_(nan_tensor, __VA_ARGS__)
#define ramp_tensor(...) TEST_TRACKED_(ramp_tensor, __VA_ARGS__)

/* y = x0 * a0 + x1 * a1, element-wise (same shapes). */
static Tensor *combine(const Tensor *x0, float a0, const Tensor *x1, float a1)
{
    Tensor *t = tensor_new_like(x0);
    cr_assert(t, "tensor_new_like: %s", cnn_last_error());
    for (size_t i = 0; i < tensor_size(t); i++) t->data[i] = a0 * x0->data[i] + a1 * x1->data[i];
    return t;
}

/* Runs conv2d_valid into a NaN-filled y of the right shape. With
 * all_written, stops the test at the first output it left unwritten (the
 * property tests compare two outputs of the student's code, where "expected
 * nan, got nan" would explain nothing). */
static Tensor *run_valid(const Tensor *x, const Tensor *w, const Tensor *b, bool all_written)
{
    Tensor *y = nan_tensor(x->n, w->n, x->h - w->h + 1, x->w - w->w + 1);
    cr_assert_eq(conv2d_valid(y, x, w, b), 0, "conv2d_valid returned -1: %s", cnn_last_error());
    for (size_t i = 0; all_written && i < tensor_size(y); i++) {
        const int j = (int)(i % (size_t)y->w), h = (int)(i / (size_t)y->w % (size_t)y->h);
        const int k = (int)(i / ((size_t)y->w * (size_t)y->h) % (size_t)y->c);
        const int n = (int)(i / ((size_t)y->w * (size_t)y->h * (size_t)y->c));
        cr_assert(!isnan(y->data[i]), "conv2d_valid never wrote y(%d,%d,%d,%d) of y [%d,%d,%d,%d]",
                  n, k, h, j, y->n, y->c, y->h, y->w);
    }
    return y;
}

/* ---- step 2.1: one channel ---------------------------------------------- */

GRADED_TEST(conv_naive, single_tutorial_example, 3,
            "2.1: the 5x5 input with the 3x3 vertical-edge kernel gives the lesson's 3x3 output; "
            "y(i,j) = sum of x(i+r,j+s) * w(r,s), kernel not flipped")
{
    Tensor *x = test_tensor(1, 1, 5, 5, tutorial_input);
    Tensor *w = test_tensor(1, 1, 3, 3, tutorial_kernel);
    Tensor *expected = test_tensor(1, 1, 3, 3, tutorial_output);
    Tensor *y = nan_tensor(1, 1, 3, 3);
    cr_assert_eq(conv2d_single_channel(y, x, w), 0, "conv2d_single_channel returned -1: %s",
                 cnn_last_error());
    expect_tensor_close(y, expected, TEST_ATOL, TEST_RTOL,
                        "5x5 example, edge kernel");
    tensor_free(x); tensor_free(w); tensor_free(expected); tensor_free(y);
}

GRADED_TEST(conv_naive, single_delta_kernel, 2,
            "2.1: a kernel holding a single 1 copies the input: at (0,0) of a 1x1 kernel it "
            "returns x, at (r0,s0) it returns x shifted so y(i,j) = x(i+r0, j+s0)")
{
    Tensor *x = ramp_tensor(1, 1, 4, 6);
    const float one[1] = {1.0f};
    Tensor *w1 = test_tensor(1, 1, 1, 1, one);
    Tensor *y1 = nan_tensor(1, 1, 4, 6);
    cr_assert_eq(conv2d_single_channel(y1, x, w1), 0, "%s", cnn_last_error());
    expect_tensor_close(y1, x, 0.0f, 0.0f, "1x1 kernel [1], y = x");

    /* A 2x3 kernel whose only 1 sits at row 1, column 2 (bottom right). */
    const float delta[2 * 3] = {0, 0, 0, 0, 0, 1};
    Tensor *wd = test_tensor(1, 1, 2, 3, delta);
    Tensor *yd = nan_tensor(1, 1, 3, 4);
    Tensor *expected = tensor_new(1, 1, 3, 4);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 4; j++) *tensor_at(expected, 0, 0, i, j) = *tensor_at(x, 0, 0, i + 1, j + 2);
    cr_assert_eq(conv2d_single_channel(yd, x, wd), 0, "%s", cnn_last_error());
    expect_tensor_close(yd, expected, 0.0f, 0.0f,
                        "delta at (1,2), y(i,j) = x(i+1,j+2)");
    tensor_free(x); tensor_free(w1); tensor_free(y1); tensor_free(wd); tensor_free(yd);
    tensor_free(expected);
}

GRADED_TEST(conv_naive, single_non_square, 2,
            "2.1: rectangular inputs and kernels: P = H-R+1 rows, Q = W-S+1 columns; "
            "i moves down the rows (h), j along the columns (w)")
{
    /* x is 3x4: rows 0..2, columns 0..3, values 10*row + column. */
    const float xv[3 * 4] = {0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23};
    Tensor *x = test_tensor(1, 1, 3, 4, xv);

    /* A 2x1 kernel [1; -1]: upper minus lower neighbour, always -10. */
    const float down[2] = {1, -1};
    const float down_out[2 * 4] = {-10, -10, -10, -10, -10, -10, -10, -10};
    Tensor *wv = test_tensor(1, 1, 2, 1, down);
    Tensor *yv = nan_tensor(1, 1, 2, 4);
    Tensor *ev = test_tensor(1, 1, 2, 4, down_out);
    cr_assert_eq(conv2d_single_channel(yv, x, wv), 0, "%s", cnn_last_error());
    expect_tensor_close(yv, ev, TEST_ATOL, TEST_RTOL, "3x4 input, 2x1 kernel");

    /* A 1x3 kernel [1 2 3]: x(i,j) + 2 x(i,j+1) + 3 x(i,j+2). */
    const float across[3] = {1, 2, 3};
    const float across_out[3 * 2] = {8, 14, 68, 74, 128, 134};
    Tensor *wh = test_tensor(1, 1, 1, 3, across);
    Tensor *yh = nan_tensor(1, 1, 3, 2);
    Tensor *eh = test_tensor(1, 1, 3, 2, across_out);
    cr_assert_eq(conv2d_single_channel(yh, x, wh), 0, "%s", cnn_last_error());
    expect_tensor_close(yh, eh, TEST_ATOL, TEST_RTOL, "3x4 input, 1x3 kernel");
    tensor_free(x); tensor_free(wv); tensor_free(yv); tensor_free(ev);
    tensor_free(wh); tensor_free(yh); tensor_free(eh);
}

GRADED_TEST(conv_naive, single_pytorch_reference, 2,
            "2.1: matches torch.nn.functional.conv2d on a random 6x7 input with a 3x2 kernel")
{
    Tensor *x = test_load_npy("data/single_x.npy");
    Tensor *w = test_load_npy("data/single_w.npy");
    Tensor *expected = test_load_npy("data/single_y.npy");
    Tensor *y = nan_tensor(1, 1, 4, 6);
    cr_assert_eq(conv2d_single_channel(y, x, w), 0, "%s", cnn_last_error());
    expect_tensor_close(y, expected, TEST_ATOL, TEST_RTOL, "torch 'single', w [1,1,3,2]");
    tensor_free(x); tensor_free(w); tensor_free(expected); tensor_free(y);
}

/* ---- step 2.2: C input channels ----------------------------------------- */

GRADED_TEST(conv_naive, multi_sums_channels, 2,
            "2.2: the C per-channel correlations are ADDED into one output value; the sum "
            "starts at 0 once per output position, not once per channel. Got the edge "
            "response alone? channel 1 is missing. Got 9 everywhere? channel 0 is.")
{
    /* Channel 0: the tutorial image with the edge kernel. Channel 1: all ones
     * with an all-ones kernel, which adds 9 to every output value. */
    Tensor *x = tensor_new(1, 2, 5, 5);
    Tensor *w = tensor_new(1, 2, 3, 3);
    Tensor *expected = test_tensor(1, 1, 3, 3, tutorial_output);
    cr_assert(x && w, "%s", cnn_last_error());
    memcpy(x->data, tutorial_input, sizeof tutorial_input);
    memcpy(w->data, tutorial_kernel, sizeof tutorial_kernel);
    for (int i = 0; i < 25; i++) x->data[25 + i] = 1.0f;
    for (int i = 0; i < 9; i++) w->data[9 + i] = 1.0f;
    for (int i = 0; i < 9; i++) expected->data[i] += 9.0f;
    Tensor *y = nan_tensor(1, 1, 3, 3);
    cr_assert_eq(conv2d_multi_channel(y, x, w), 0, "%s", cnn_last_error());
    expect_tensor_close(y, expected, TEST_ATOL, TEST_RTOL,
                        "2 channels: edge + 9");
    tensor_free(x); tensor_free(w); tensor_free(expected); tensor_free(y);
}

GRADED_TEST(conv_naive, multi_pytorch_reference, 2,
            "2.2: matches torch.nn.functional.conv2d with 3 input channels and one 3x3x3 filter")
{
    Tensor *x = test_load_npy("data/multi_x.npy");
    Tensor *w = test_load_npy("data/multi_w.npy");
    Tensor *expected = test_load_npy("data/multi_y.npy");
    Tensor *y = nan_tensor(1, 1, 3, 4);
    cr_assert_eq(conv2d_multi_channel(y, x, w), 0, "%s", cnn_last_error());
    expect_tensor_close(y, expected, TEST_ATOL, TEST_RTOL, "torch 'multi', w [1,3,3,3]");
    tensor_free(x); tensor_free(w); tensor_free(expected); tensor_free(y);
}

GRADED_TEST(conv_naive, multi_non_square, 2,
            "2.2: rectangular inputs and kernels with several channels: r < R runs over the kernel's "
            "rows (w->h), s < S over its columns (w->w); a wide and a tall kernel on a 4x7 input")
{
    /* x(c,h,w) = 10c + h + w/10 on a 4x7 map. Each filter is a few deltas,
     * so every expected value is a short sum that can be checked by hand. */
    Tensor *x = ramp_tensor(1, 2, 4, 7);

    /* A wide 2x3 filter: channel 0 has a 1 at its bottom-right (1,2);
     * channel 1 has -2 at (0,0) and 0.5 at (1,0). */
    Tensor *ww = tensor_new(1, 2, 2, 3);
    cr_assert(ww, "%s", cnn_last_error());
    *tensor_at(ww, 0, 0, 1, 2) = 1.0f;
    *tensor_at(ww, 0, 1, 0, 0) = -2.0f;
    *tensor_at(ww, 0, 1, 1, 0) = 0.5f;
    Tensor *yw = nan_tensor(1, 1, 3, 5), *ew = tensor_new(1, 1, 3, 5);
    cr_assert(ew, "%s", cnn_last_error());
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 5; j++)
            *tensor_at(ew, 0, 0, i, j) = *tensor_at(x, 0, 0, i + 1, j + 2) - 2.0f * *tensor_at(x, 0, 1, i, j) +
                                         0.5f * *tensor_at(x, 0, 1, i + 1, j);
    cr_assert_eq(conv2d_multi_channel(yw, x, ww), 0, "%s", cnn_last_error());
    expect_tensor_close(yw, ew, TEST_ATOL, TEST_RTOL,
                        "x [1,2,4,7], wide w [1,2,2,3]: y(i,j) = x0(i+1,j+2) - 2 x1(i,j) + 0.5 x1(i+1,j)");

    /* A tall 3x1 filter: channel 0 has a 1 at its bottom (2,0), channel 1 a 3 at (0,0). */
    Tensor *wt = tensor_new(1, 2, 3, 1);
    cr_assert(wt, "%s", cnn_last_error());
    *tensor_at(wt, 0, 0, 2, 0) = 1.0f;
    *tensor_at(wt, 0, 1, 0, 0) = 3.0f;
    Tensor *yt = nan_tensor(1, 1, 2, 7), *et = tensor_new(1, 1, 2, 7);
    cr_assert(et, "%s", cnn_last_error());
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 7; j++)
            *tensor_at(et, 0, 0, i, j) = *tensor_at(x, 0, 0, i + 2, j) + 3.0f * *tensor_at(x, 0, 1, i, j);
    cr_assert_eq(conv2d_multi_channel(yt, x, wt), 0, "%s", cnn_last_error());
    expect_tensor_close(yt, et, TEST_ATOL, TEST_RTOL,
                        "x [1,2,4,7], tall w [1,2,3,1]: y(i,j) = x0(i+2,j) + 3 x1(i,j)");
    tensor_free(x); tensor_free(ww); tensor_free(yw); tensor_free(ew);
    tensor_free(wt); tensor_free(yt); tensor_free(et);
}

/* ---- step 2.3: batch, filters, bias ------------------------------------- */

GRADED_TEST(conv_naive, valid_bias_per_output, 2,
            "2.3: filter k adds b[k] to EVERY one of its outputs, in every image of the batch "
            "(not once per batch, not b[n])")
{
    Tensor *x = test_random_tensor(3, 2, 5, 6, 11);
    Tensor *w = test_random_tensor(4, 2, 3, 2, 12);
    const float bv[4] = {0.5f, -1.0f, 2.0f, 3.5f};
    Tensor *b = test_tensor(4, 1, 1, 1, bv);
    b->ndim = 1;
    Tensor *y0 = run_valid(x, w, NULL, true);
    Tensor *y1 = run_valid(x, w, b, false);
    Tensor *expected = tensor_clone(y0);
    cr_assert(expected, "%s", cnn_last_error());
    for (int n = 0; n < 3; n++)
        for (int k = 0; k < 4; k++)
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 5; j++) *tensor_at(expected, n, k, i, j) += bv[k];
    expect_tensor_close(y1, expected, TEST_ATOL, TEST_RTOL,
                        "y with bias vs y without + b[k]");
    tensor_free(x); tensor_free(w); tensor_free(b); tensor_free(y0); tensor_free(y1);
    tensor_free(expected);
}

GRADED_TEST(conv_naive, valid_linear_in_input, 2,
            "2.3: without bias, conv(2*x1 - 3*x2) = 2*conv(x1) - 3*conv(x2): every output is "
            "a weighted sum of inputs")
{
    Tensor *x1 = test_random_tensor(2, 3, 6, 5, 21);
    Tensor *x2 = test_random_tensor(2, 3, 6, 5, 22);
    Tensor *w = test_random_tensor(2, 3, 3, 2, 23);
    Tensor *xs = combine(x1, 2.0f, x2, -3.0f);
    Tensor *y1 = run_valid(x1, w, NULL, true), *y2 = run_valid(x2, w, NULL, true);
    Tensor *ys = run_valid(xs, w, NULL, true);
    Tensor *expected = combine(y1, 2.0f, y2, -3.0f);
    expect_tensor_close(ys, expected, 1e-4f, 1e-4f, "conv(2 x1 - 3 x2)");
    tensor_free(x1); tensor_free(x2); tensor_free(w); tensor_free(xs);
    tensor_free(y1); tensor_free(y2); tensor_free(ys); tensor_free(expected);
}

GRADED_TEST(conv_naive, valid_linear_in_weights, 2,
            "2.3: without bias, conv with (w1 + 0.5*w2) = conv with w1 + 0.5 * conv with w2")
{
    Tensor *x = test_random_tensor(2, 2, 5, 7, 31);
    Tensor *w1 = test_random_tensor(3, 2, 2, 3, 32);
    Tensor *w2 = test_random_tensor(3, 2, 2, 3, 33);
    Tensor *ws = combine(w1, 1.0f, w2, 0.5f);
    Tensor *y1 = run_valid(x, w1, NULL, true), *y2 = run_valid(x, w2, NULL, true);
    Tensor *ys = run_valid(x, ws, NULL, true);
    Tensor *expected = combine(y1, 1.0f, y2, 0.5f);
    expect_tensor_close(ys, expected, 1e-4f, 1e-4f, "conv with w1 + 0.5 w2");
    tensor_free(x); tensor_free(w1); tensor_free(w2); tensor_free(ws);
    tensor_free(y1); tensor_free(y2); tensor_free(ys); tensor_free(expected);
}

GRADED_TEST(conv_naive, valid_translation_equivariance, 2,
            "2.3: shifting the input down 2 rows and right 3 columns shifts the output the "
            "same way (away from the border): the same kernel is used at every position")
{
    enum { H = 9, W = 10, DH = 2, DW = 3 };
    Tensor *x = test_random_tensor(1, 2, H, W, 41);
    Tensor *w = test_random_tensor(2, 2, 3, 3, 42);
    Tensor *xs = tensor_new(1, 2, H, W); /* x moved by (DH, DW), zeros enter */
    cr_assert(xs, "%s", cnn_last_error());
    for (int c = 0; c < 2; c++)
        for (int h = DH; h < H; h++)
            for (int v = DW; v < W; v++)
                *tensor_at(xs, 0, c, h, v) = *tensor_at(x, 0, c, h - DH, v - DW);
    Tensor *y = run_valid(x, w, NULL, true), *ys = run_valid(xs, w, NULL, true);
    const int P = H - 2, Q = W - 2;
    /* ys(i + DH, j + DW) must equal y(i, j) wherever both exist. */
    Tensor *got = tensor_new(1, 2, P - DH, Q - DW), *expected = tensor_new(1, 2, P - DH, Q - DW);
    cr_assert(got && expected, "%s", cnn_last_error());
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < P - DH; i++)
            for (int j = 0; j < Q - DW; j++) {
                *tensor_at(got, 0, k, i, j) = *tensor_at(ys, 0, k, i + DH, j + DW);
                *tensor_at(expected, 0, k, i, j) = *tensor_at(y, 0, k, i, j);
            }
    expect_tensor_close(got, expected, TEST_ATOL, TEST_RTOL,
                        "conv(shifted x)(i+2, j+3)");
    tensor_free(x); tensor_free(w); tensor_free(xs); tensor_free(y); tensor_free(ys);
    tensor_free(got); tensor_free(expected);
}

GRADED_TEST(conv_naive, valid_pytorch_references, 4,
            "2.3: matches torch.nn.functional.conv2d(x, w, b) for several shapes: a batch of "
            "3x3 filters, tall kernels, a kernel as large as the input, 1x1 kernels")
{
    static const char *const cases[] = {"batch", "tall", "full", "pointwise"};
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        char path[64], what[128];
        snprintf(path, sizeof path, "data/%s_x.npy", cases[t]);
        Tensor *x = test_load_npy(path);
        snprintf(path, sizeof path, "data/%s_w.npy", cases[t]);
        Tensor *w = test_load_npy(path);
        snprintf(path, sizeof path, "data/%s_b.npy", cases[t]);
        Tensor *b = test_load_npy(path);
        snprintf(path, sizeof path, "data/%s_y.npy", cases[t]);
        Tensor *expected = test_load_npy(path);
        Tensor *y = run_valid(x, w, b, false);
        snprintf(what, sizeof what, "torch '%s', w [%d,%d,%d,%d]", cases[t], w->n, w->c, w->h, w->w);
        expect_tensor_close(y, expected, TEST_ATOL, TEST_RTOL, what);
        tensor_free(x); tensor_free(w); tensor_free(b); tensor_free(expected); tensor_free(y);
    }
}

GRADED_TEST(conv_naive, valid_rejects_bad_shapes, 1,
            "2.3: a y of the wrong shape, a kernel larger than the input or a channel "
            "mismatch returns -1 with a message, before any loop runs")
{
    Tensor *x = test_random_tensor(1, 2, 4, 4, 51);
    Tensor *w = test_random_tensor(3, 2, 3, 3, 52);
    Tensor *wide = test_random_tensor(3, 2, 3, 5, 53);
    Tensor *w_c = test_random_tensor(3, 1, 3, 3, 54);
    Tensor *y_bad = nan_tensor(1, 3, 3, 2);
    Tensor *y = nan_tensor(1, 3, 2, 2);
    cnn_clear_error();
    cr_expect_eq(conv2d_valid(y_bad, x, w, NULL), -1,
                 "y [1,3,3,2] for an output [1,3,2,2] was accepted");
    cr_expect(strstr(cnn_last_error(), "y"), "the message should name y, got \"%s\"",
              cnn_last_error());
    cr_expect_eq(conv2d_valid(y, x, wide, NULL), -1, "a 3x5 kernel on a 4x4 input was accepted");
    cr_expect_eq(conv2d_valid(y, x, w_c, NULL), -1,
                 "a 1-channel kernel on a 2-channel input was accepted");
    cr_expect(isnan(y->data[0]) && isnan(y_bad->data[0]),
              "y was written although the shapes were wrong");
    tensor_free(x); tensor_free(w); tensor_free(wide); tensor_free(w_c);
    tensor_free(y_bad); tensor_free(y);
}
