/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * test_pooling.c -- chapter 04's graded tests: pooling output size, max
 * pooling (2x2 first, then general, with argmax and the tie rule) and
 * average pooling.
 *
 * Oracles: the 4x4 example of the lesson (worked by hand there), hand-made
 * ties and all-negative windows, and PyTorch's F.max_pool2d / F.avg_pool2d
 * on seeded random inputs (the .npy files in data/, made by make_refs.py; its argmax files
 * hold FLAT NCHW indices into x). Outputs start as NaN and argmax as -1, so
 * anything never written shows up as "got nan" / "got -1".
 */
#include <criterion/criterion.h>

#include "error.h"
#include "pool_expect.h"
#include "pooling.h"
#include "testing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* The lesson's 4x4 example: each 2x2 window has its maximum in a different
 * corner, so a swapped or window-local index cannot pass. */
static const float EXAMPLE[16] = {
    1, 3, 2, 4,
    5, 6, 1, 2,
    7, 2, 9, 0,
    8, 3, 4, 6,
};
static const Pool2dParams POOL2 = {2, 2, 2, 2};

/* The reference cases of make_refs.py: name, window (rows, cols), stride. */
typedef struct {
    const char *name;
    Pool2dParams p;
} RefCase;
static const RefCase SQUARE = {"square", {2, 2, 2, 2}};
static const RefCase ODD = {"odd", {2, 2, 2, 2}};
static const RefCase ODD3 = {"odd3", {3, 3, 2, 2}};
static const RefCase OVERLAP = {"overlap", {3, 2, 1, 2}};
static const RefCase RECT = {"rect", {2, 3, 1, 1}};
static const RefCase TIES = {"ties", {2, 3, 1, 1}};
static const RefCase SHIFT = {"shift", {2, 2, 2, 2}};

/* Runs maxpool2d_forward on a reference case and compares the values (and,
 * when check_argmax, the argmax indices) with PyTorch's. */
static void check_max_case(RefCase rc, bool check_argmax)
{
    Tensor *x = load_case(rc.name, "x"), *want = load_case(rc.name, "max");
    Tensor *y = new_pool_output(x, rc.p);
    int32_t *argmax = check_argmax ? new_argmax(tensor_size(y)) : NULL;
    char what[128];
    snprintf(what, sizeof what, "maxpool2d case '%s' (window %dx%d, stride %d,%d)", rc.name,
             rc.p.window_h, rc.p.window_w, rc.p.stride_h, rc.p.stride_w);
    cr_assert(maxpool2d_forward(y, argmax, x, rc.p) == 0, "%s returned an error: %s", what,
              cnn_last_error());
    expect_tensor_close(y, want, 0.0f, 0.0f, what);
    if (check_argmax) {
        int32_t *want_idx = load_case_argmax(rc.name, tensor_size(y));
        expect_argmax_equal(argmax, want_idx, x, y, rc.p, what);
        free(want_idx);
    }
    free(argmax);
    tensor_free(x), tensor_free(want), tensor_free(y);
}

static void check_avg_case(RefCase rc)
{
    Tensor *x = load_case(rc.name, "x"), *want = load_case(rc.name, "avg");
    Tensor *y = new_pool_output(x, rc.p);
    char what[128];
    snprintf(what, sizeof what, "avgpool2d case '%s' (window %dx%d, stride %d,%d)", rc.name,
             rc.p.window_h, rc.p.window_w, rc.p.stride_h, rc.p.stride_w);
    cr_assert(avgpool2d_forward(y, x, rc.p) == 0, "%s returned an error: %s", what, cnn_last_error());
    expect_tensor_close(y, want, TEST_ATOL, TEST_RTOL, what);
    tensor_free(x), tensor_free(want), tensor_free(y);
}

/* ---- 4.1 the output size ------------------------------------------------ */

GRADED_TEST(pooling, output_shape, 3,
            "pool2d_output_shape: P = floor((H - window_h) / stride_h) + 1, the same for Q; "
            "-1 when the window does not fit or a size is not positive.")
{
    static const struct {
        int H, W;
        Pool2dParams p;
        int P, Q;
    } ok[] = {
        {4, 4, {2, 2, 2, 2}, 2, 2}, /* the lesson's example */
        {5, 7, {2, 2, 2, 2}, 2, 3}, /* odd sizes: floor drops the last row and column */
        {7, 9, {3, 3, 2, 2}, 3, 4}, /* overlapping 3x3 windows */
        {6, 7, {3, 2, 1, 2}, 4, 3}, /* rows and columns differ */
        {28, 28, {2, 2, 2, 2}, 14, 14},
        {8, 3, {8, 3, 1, 1}, 1, 1}, /* one window covering everything */
        {10, 5, {3, 1, 3, 2}, 3, 3},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        int P = -7, Q = -7;
        int rc = pool2d_output_shape(&P, &Q, ok[i].H, ok[i].W, ok[i].p);
        cr_expect(rc == 0 && P == ok[i].P && Q == ok[i].Q,
                  "%dx%d input, window %dx%d, stride %d,%d: expected P=%d Q=%d, got P=%d Q=%d "
                  "(returned %d%s%s)",
                  ok[i].H, ok[i].W, ok[i].p.window_h, ok[i].p.window_w, ok[i].p.stride_h,
                  ok[i].p.stride_w, ok[i].P, ok[i].Q, P, Q, rc, rc ? ": " : "",
                  rc ? cnn_last_error() : "");
    }
    static const struct {
        int H, W;
        Pool2dParams p;
        const char *why;
    } bad[] = {
        {2, 5, {3, 2, 1, 1}, "a 3-row window in a 2-row input"},
        {5, 2, {2, 3, 2, 2}, "a 3-column window in a 2-column input"},
        {4, 4, {0, 2, 2, 2}, "a window of height 0"},
        {4, 4, {2, 2, 2, 0}, "a stride of 0"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int P = 0, Q = 0;
        cnn_clear_error();
        int rc = pool2d_output_shape(&P, &Q, bad[i].H, bad[i].W, bad[i].p);
        cr_expect(rc == -1 && cnn_last_error()[0] != '\0',
                  "%s has no output: expected -1 and an error message, got %d (P=%d Q=%d, "
                  "message \"%s\")",
                  bad[i].why, rc, P, Q, cnn_last_error());
    }
}

/* ---- 4.2 the warm-up: 2x2 max pooling, stride 2 --------------------------- */

GRADED_TEST(pooling, maxpool2x2_example, 2,
            "maxpool2x2_forward on the lesson's 4x4 example must give [[6,4],[8,9]].")
{
    Tensor *x = test_tensor(1, 1, 4, 4, EXAMPLE);
    Tensor *want = test_tensor(1, 1, 2, 2, (const float[]){6, 4, 8, 9});
    Tensor *y = new_pool_output(x, POOL2);
    cr_assert(maxpool2x2_forward(y, x) == 0, "maxpool2x2_forward returned an error: %s",
              cnn_last_error());
    expect_tensor_close(y, want, 0.0f, 0.0f, "maxpool2x2 of the 4x4 example");
    tensor_free(x), tensor_free(want), tensor_free(y);
}

GRADED_TEST(pooling, maxpool2x2_batches_and_odd_sizes, 2,
            "maxpool2x2_forward on several images and channels, and on 5x7 maps whose last "
            "row and column are left out (compared with PyTorch).")
{
    RefCase cases[] = {SQUARE, ODD};
    for (int i = 0; i < 2; i++) {
        Tensor *x = load_case(cases[i].name, "x"), *want = load_case(cases[i].name, "max");
        Tensor *y = new_pool_output(x, POOL2);
        char what[96];
        snprintf(what, sizeof what, "maxpool2x2 case '%s'", cases[i].name);
        cr_assert(maxpool2x2_forward(y, x) == 0, "%s returned an error: %s", what, cnn_last_error());
        expect_tensor_close(y, want, 0.0f, 0.0f, what);
        tensor_free(x), tensor_free(want), tensor_free(y);
    }
}

/* ---- 4.3 general max pooling with argmax ---------------------------------- */

GRADED_TEST(pooling, maxpool_example, 2,
            "maxpool2d_forward, window 2x2 stride 2, on the 4x4 example: values [[6,4],[8,9]] "
            "and argmax [5,3,12,10] (flat indices into x).")
{
    Tensor *x = test_tensor(1, 1, 4, 4, EXAMPLE);
    Tensor *want = test_tensor(1, 1, 2, 2, (const float[]){6, 4, 8, 9});
    const int32_t want_idx[4] = {5, 3, 12, 10};
    Tensor *y = new_pool_output(x, POOL2);
    int32_t *argmax = new_argmax(4);
    cr_assert(maxpool2d_forward(y, argmax, x, POOL2) == 0, "maxpool2d_forward returned an error: %s",
              cnn_last_error());
    expect_tensor_close(y, want, 0.0f, 0.0f, "maxpool2d of the 4x4 example");
    expect_argmax_equal(argmax, want_idx, x, y, POOL2, "maxpool2d argmax of the 4x4 example");
    free(argmax);
    tensor_free(x), tensor_free(want), tensor_free(y);
}

GRADED_TEST(pooling, maxpool_pytorch_square_and_odd, 2,
            "maxpool2d_forward against PyTorch: 2x2 stride 2 on 6x8 and 5x7 maps, 3x3 stride 2 "
            "on 7x9 (argmax passed as NULL, which must be allowed).")
{
    check_max_case(SQUARE, false);
    check_max_case(ODD, false);
    check_max_case(ODD3, false);
}

GRADED_TEST(pooling, maxpool_pytorch_overlapping, 2,
            "maxpool2d_forward against PyTorch with windows that overlap (stride smaller than "
            "the window) and differ in height and width: 3x2 stride 1,2 and 2x3 stride 1,1.")
{
    check_max_case(OVERLAP, false);
    check_max_case(RECT, false);
}

GRADED_TEST(pooling, maxpool_argmax_pytorch, 2,
            "argmax must hold, for every output, the flat NCHW index into x of its maximum "
            "(compared with PyTorch's indices on every reference case).")
{
    check_max_case(SQUARE, true);
    check_max_case(ODD, true);
    check_max_case(ODD3, true);
    check_max_case(OVERLAP, true);
    check_max_case(RECT, true);
}

GRADED_TEST(pooling, maxpool_ties, 2,
            "When a window holds its maximum twice, the first one in row-major window order "
            "wins: replace the best only on a strictly larger value.")
{
    /* Every window has a tie: all four equal; 7 at (0,1) and (1,0) of the
     * window; 3 three times; 4 on a diagonal. The first max sits at flat
     * indices 0, 3, 9, 10; the last one would be at 5, 6, 13, 15. */
    static const float tied[16] = {
        5, 5, 1, 7,
        5, 5, 7, 2,
        0, 3, 4, 2,
        3, 3, 1, 4,
    };
    Tensor *x = test_tensor(1, 1, 4, 4, tied);
    Tensor *want = test_tensor(1, 1, 2, 2, (const float[]){5, 7, 3, 4});
    const int32_t want_idx[4] = {0, 3, 9, 10};
    Tensor *y = new_pool_output(x, POOL2);
    int32_t *argmax = new_argmax(4);
    cr_assert(maxpool2d_forward(y, argmax, x, POOL2) == 0, "maxpool2d_forward returned an error: %s",
              cnn_last_error());
    expect_tensor_close(y, want, 0.0f, 0.0f, "maxpool2d of the tied 4x4 input");
    expect_argmax_equal(argmax, want_idx, x, y, POOL2, "maxpool2d argmax of the tied 4x4 input");
    free(argmax);
    tensor_free(x), tensor_free(want), tensor_free(y);
    /* Overlapping 2x3 windows over values from {0, 1, 2}: ties everywhere. */
    check_max_case(TIES, true);
}

GRADED_TEST(pooling, maxpool_negative_windows, 1,
            "A window whose values are all negative has a negative maximum: start the search "
            "from a value of the window, not from 0.")
{
    /* x(i) = i - size - 0.5 for flat index i: all negative, increasing, so
     * each window's maximum is its bottom-right value. */
    Tensor *x = tensor_new(2, 2, 5, 6);
    cr_assert(x, "%s", cnn_last_error());
    for (size_t i = 0; i < tensor_size(x); i++) x->data[i] = (float)i - (float)tensor_size(x) - 0.5f;
    const Pool2dParams cases[] = {{2, 2, 2, 2}, {3, 2, 1, 2}};
    for (int k = 0; k < 2; k++) {
        Pool2dParams p = cases[k];
        Tensor *y = new_pool_output(x, p), *want = new_pool_output(x, p);
        int32_t *argmax = new_argmax(tensor_size(y)), *want_idx = new_argmax(tensor_size(y));
        for (int n = 0; n < y->n; n++)
            for (int c = 0; c < y->c; c++)
                for (int ph = 0; ph < y->h; ph++)
                    for (int pw = 0; pw < y->w; pw++) {
                        int h = ph * p.stride_h + p.window_h - 1, w = pw * p.stride_w + p.window_w - 1;
                        *tensor_at(want, n, c, ph, pw) = *tensor_at(x, n, c, h, w);
                        want_idx[tensor_index(want, n, c, ph, pw)] = (int32_t)tensor_index(x, n, c, h, w);
                    }
        char what[96];
        snprintf(what, sizeof what, "maxpool2d of an all-negative 5x6 input (window %dx%d, stride %d,%d)",
                 p.window_h, p.window_w, p.stride_h, p.stride_w);
        cr_assert(maxpool2d_forward(y, argmax, x, p) == 0, "%s returned an error: %s", what,
                  cnn_last_error());
        expect_tensor_close(y, want, 0.0f, 0.0f, what);
        expect_argmax_equal(argmax, want_idx, x, y, p, what);
        if (p.window_h == 2 && p.stride_h == 2) {
            tensor_fill(y, NAN);
            cr_assert(maxpool2x2_forward(y, x) == 0, "maxpool2x2_forward returned an error: %s",
                      cnn_last_error());
            expect_tensor_close(y, want, 0.0f, 0.0f, "maxpool2x2 of an all-negative 5x6 input");
        }
        free(argmax), free(want_idx);
        tensor_free(y), tensor_free(want);
    }
    tensor_free(x);
}

GRADED_TEST(pooling, maxpool_shift_invariance, 2,
            "Max pooling an \"F\" and the same F moved one pixel right: the pooled maps must match "
            "PyTorch's and differ in fewer places than the inputs do.")
{
    /* Image 0 is the F, image 1 the same F shifted right by one pixel. */
    check_max_case(SHIFT, false);
    Tensor *x = load_case(SHIFT.name, "x");
    Tensor *y = new_pool_output(x, SHIFT.p);
    cr_assert(maxpool2d_forward(y, NULL, x, SHIFT.p) == 0, "maxpool2d_forward returned an error: %s",
              cnn_last_error());
    const size_t in_plane = (size_t)x->h * x->w, out_plane = (size_t)y->h * y->w;
    size_t in_changed = 0, out_changed = 0;
    for (size_t i = 0; i < in_plane; i++) in_changed += x->data[i] != x->data[in_plane + i];
    for (size_t i = 0; i < out_plane; i++) out_changed += !(y->data[i] == y->data[out_plane + i]);
    const double in_frac = (double)in_changed / (double)in_plane;
    const double out_frac = (double)out_changed / (double)out_plane;
    cr_expect(out_frac < in_frac,
              "shifting the F one pixel right changes %zu of %zu inputs (%.1f%%) but %zu of %zu "
              "pooled outputs (%.1f%%): max pooling should change a smaller share",
              in_changed, in_plane, 100 * in_frac, out_changed, out_plane, 100 * out_frac);
    tensor_free(x), tensor_free(y);
}

/* ---- 4.4 average pooling ---------------------------------------------------- */

GRADED_TEST(pooling, avgpool_example, 2,
            "avgpool2d_forward, window 2x2 stride 2, on the 4x4 example must give "
            "[[3.75,2.25],[5,4.75]].")
{
    Tensor *x = test_tensor(1, 1, 4, 4, EXAMPLE);
    Tensor *want = test_tensor(1, 1, 2, 2, (const float[]){3.75f, 2.25f, 5.0f, 4.75f});
    Tensor *y = new_pool_output(x, POOL2);
    cr_assert(avgpool2d_forward(y, x, POOL2) == 0, "avgpool2d_forward returned an error: %s",
              cnn_last_error());
    expect_tensor_close(y, want, TEST_ATOL, TEST_RTOL, "avgpool2d of the 4x4 example");
    tensor_free(x), tensor_free(want), tensor_free(y);
}

GRADED_TEST(pooling, avgpool_pytorch_square_and_odd, 2,
            "avgpool2d_forward against PyTorch: 2x2 stride 2 on 6x8 and 5x7 maps, 3x3 stride 2 "
            "on 7x9.")
{
    check_avg_case(SQUARE);
    check_avg_case(ODD);
    check_avg_case(ODD3);
}

GRADED_TEST(pooling, avgpool_pytorch_overlapping, 2,
            "avgpool2d_forward against PyTorch with overlapping, non-square windows (3x2 stride "
            "1,2 and 2x3 stride 1,1): divide by the window's size, not the stride's.")
{
    check_avg_case(OVERLAP);
    check_avg_case(RECT);
}

/* ---- every step: writes stay inside y ---------------------------------------- */

/* Checks that the guard images around y (block images 0 and last) still
 * hold `guard` and that y holds no NaN, naming the function in `what`. */
static void expect_only_y_written(const Tensor *block, float guard, const char *what)
{
    const Tensor y = tensor_batch(block, 1, block->n - 2);
    size_t unwritten = 0, before = 0, after = 0, first_after = 0;
    for (size_t i = 0; i < tensor_size(&y); i++) unwritten += isnan(y.data[i]);
    const size_t image = tensor_size(block) / (size_t)block->n;
    for (size_t i = 0; i < image; i++) before += block->data[i] != guard;
    const float *tail = y.data + tensor_size(&y);
    for (size_t i = 0; i < image; i++)
        if (tail[i] != guard && after++ == 0) first_after = i;
    cr_expect(unwritten == 0, "%s: %zu of the %zu values of y were never written (still NaN)", what, unwritten,
              tensor_size(&y));
    cr_expect(after == 0,
              "%s wrote %zu value(s) past the end of y, the first %zu float(s) after its last one: an output loop "
              "runs one step too far (ph <= P or pw <= Q instead of <)", what, after, first_after + 1);
    cr_expect(before == 0, "%s wrote %zu value(s) before the start of y", what, before);
}

GRADED_TEST(pooling, writes_only_inside_y, 1,
            "Every pooling function writes each value of y (and of argmax) and nothing past them: the output "
            "loops stop at ph < P and pw < Q, and the memory after y keeps its guard value.")
{
    /* y is images 1..2 of a block whose images 0 and 3 are guards: a loop
     * that runs to ph <= P or pw <= Q writes an extra row or column, which
     * the next channel's values hide, except after the last channel. The
     * 7x9 input is pooled with a 3x2 window at stride (2,3), so the
     * windows leave gaps between columns and drop the last row. */
    const float GUARD = 12345.0f;
    Tensor *x = test_random_tensor(2, 2, 7, 9, 41);
    const Pool2dParams p = {3, 2, 2, 3}; /* P = (7-3)/2 + 1 = 3, Q = (9-2)/3 + 1 = 3 */
    Tensor *block = tensor_new(4, 2, 3, 3);
    cr_assert(block, "%s", cnn_last_error());

    tensor_fill(block, GUARD);
    Tensor y = tensor_batch(block, 1, 2);
    tensor_fill(&y, NAN);
    cr_assert(avgpool2d_forward(&y, x, p) == 0, "avgpool2d_forward returned an error: %s", cnn_last_error());
    expect_only_y_written(block, GUARD, "avgpool2d_forward (window 3x2, stride 2,3)");

    /* argmax gets guards of its own, 18 entries each side */
    enum { COUNT = 2 * 2 * 3 * 3, PAD = COUNT };
    int32_t idx[PAD + COUNT + PAD];
    for (int i = 0; i < PAD + COUNT + PAD; i++) idx[i] = (i >= PAD && i < PAD + COUNT) ? -1 : -7;
    tensor_fill(block, GUARD);
    tensor_fill(&y, NAN);
    cr_assert(maxpool2d_forward(&y, idx + PAD, x, p) == 0, "maxpool2d_forward returned an error: %s",
              cnn_last_error());
    expect_only_y_written(block, GUARD, "maxpool2d_forward (window 3x2, stride 2,3)");
    int bad_before = 0, bad_after = 0, unset = 0;
    for (int i = 0; i < PAD; i++) bad_before += idx[i] != -7, bad_after += idx[PAD + COUNT + i] != -7;
    for (int i = 0; i < COUNT; i++) unset += idx[PAD + i] == -1;
    cr_expect(unset == 0, "maxpool2d_forward left %d of the %d argmax entries unwritten (-1)", unset, COUNT);
    cr_expect(bad_after == 0 && bad_before == 0,
              "maxpool2d_forward wrote %d argmax entries past the end of the array and %d before it: argmax has "
              "one entry per output, N*C*P*Q = %d", bad_after, bad_before, COUNT);

    Tensor *block2 = tensor_new(4, 2, 3, 4); /* 2x2 windows: P = 7/2 = 3, Q = 9/2 = 4 */
    cr_assert(block2, "%s", cnn_last_error());
    tensor_fill(block2, GUARD);
    Tensor y2 = tensor_batch(block2, 1, 2);
    tensor_fill(&y2, NAN);
    cr_assert(maxpool2x2_forward(&y2, x) == 0, "maxpool2x2_forward returned an error: %s", cnn_last_error());
    expect_only_y_written(block2, GUARD, "maxpool2x2_forward");
    tensor_free(x), tensor_free(block), tensor_free(block2);
}
