/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * test_padding_stride.c -- the graded tests of chapter 03 (padding, stride).
 *
 * The output-size formula on a table of edge cases; zero padding; 'same'
 * convolution and stride 2 on the 5x5 example of chapter 02 (hand-checked
 * numbers in the lesson); border values; and PyTorch references for a grid
 * of (padding, stride, kernel) combinations listed in data/cases.txt (made
 * by make_refs.py). Outputs start filled with NaN, so a position the code
 * never writes shows up as "got nan".
 */
#include "conv.h"
#include "tutorial_example.h"

#include "error.h"
#include "testing.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static Tensor *filled_tensor(int n, int c, int h, int w, float value)
{
    Tensor *t = tensor_new(n, c, h, w);
    cr_assert(t, "tensor_new: %s", cnn_last_error());
    tensor_fill(t, value);
    return t;
}

/* The helpers' tensors are recorded as made by the line that calls them, so
 * an AddressSanitizer report names the caller's variable (testing.h). */
#define filled_tensor(...) TEST_TRACKED_(filled_tensor, __VA_ARGS__)

/* Runs conv2d_forward into a NaN-filled y [N,K,P,Q] (sizes given by the
 * test, never computed with the code under test). */
static Tensor *run_conv(const Tensor *x, const Tensor *w, const Tensor *b, Conv2dParams p, int P, int Q)
{
    Tensor *y = filled_tensor(x->n, w->n, P, Q, NAN);
    cr_assert_eq(conv2d_forward(y, x, w, b, p), 0,
                 "conv2d_forward rejected a %dx%d output (it sizes y with conv_output_size: "
                 "does step 3.1 pass?): %s", P, Q, cnn_last_error());
    return y;
}

/* ---- step 3.1: the output size ------------------------------------------ */

typedef struct { int n, k, pad, stride, out; const char *why; } SizeCase;

GRADED_TEST(padding_stride, output_size_table, 3,
            "3.1: out = floor((n + 2*pad - k) / stride) + 1; the floor matters whenever "
            "stride does not divide n + 2*pad - k")
{
    static const SizeCase cases[] = {
        {5, 3, 0, 1, 3, "the 5x5 example: (5-3)/1 + 1"},
        {5, 3, 1, 1, 5, "'same': padding 1 keeps a 3x3 conv's size"},
        {5, 3, 1, 2, 3, "padding 1, stride 2: (5+2-3)/2 + 1"},
        {32, 3, 1, 1, 32, "CIFAR 'same' conv"},
        {32, 3, 1, 2, 16, "stride 2 halves 32"},
        {28, 5, 0, 1, 24, "LeNet's 5x5 conv shrinks by k-1 = 4"},
        {224, 7, 3, 2, 112, "a ResNet stem"},
        {7, 3, 0, 2, 3, "(7-3)/2 = 2 exactly"},
        {6, 3, 0, 2, 2, "(6-3)/2 = 1.5: floor gives 1, so 2 (not 3)"},
        {8, 3, 1, 2, 4, "(8+2-3)/2 = 3.5: floor gives 3, so 4"},
        {7, 2, 0, 2, 3, "(7-2)/2 = 2.5: the last row is never covered"},
        {9, 2, 0, 3, 3, "stride 3 > kernel 2: (9-2)/3 = 2.33"},
        {10, 1, 0, 4, 3, "1x1 kernel, stride 4: (10-1)/4 = 2.25"},
        {3, 5, 1, 1, 1, "kernel exactly as large as the padded input: one output"},
        {4, 3, 2, 1, 6, "more padding than 'same': the output grows"},
        {5, 5, 0, 3, 1, "kernel as large as the input, any stride: one output"},
        {1, 1, 0, 1, 1, "the smallest case"},
    };
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        const SizeCase *c = &cases[t];
        cnn_clear_error();
        const int got = conv_output_size(c->n, c->k, c->pad, c->stride);
        cr_expect_eq(got, c->out, "conv_output_size(n=%d, k=%d, pad=%d, stride=%d) = %d, expected %d (%s)%s%s",
                     c->n, c->k, c->pad, c->stride, got, c->out, c->why,
                     got < 0 ? ": it failed with " : "", got < 0 ? cnn_last_error() : "");
    }
}

GRADED_TEST(padding_stride, output_size_rejects, 2,
            "3.1: no output (kernel larger than the padded input), stride <= 0, pad < 0, or a "
            "size <= 0 must return -1 with a cnn_error message; check before dividing")
{
    static const SizeCase cases[] = {
        {3, 5, 0, 1, -1, "kernel 5 larger than input 3"},
        {2, 4, 0, 3, -1, "(2-4)/3 truncates to 0 in C: must still be rejected"},
        {4, 7, 1, 2, -1, "kernel 7 larger than the padded input 4+2 = 6"},
        {5, 3, 0, 0, -1, "stride 0 never moves"},
        {5, 3, 0, -1, -1, "negative stride"},
        {5, 3, -1, 1, -1, "negative padding"},
        {5, 0, 0, 1, -1, "kernel size 0"},
        {0, 3, 1, 1, -1, "input size 0"},
    };
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        const SizeCase *c = &cases[t];
        cnn_clear_error();
        const int got = conv_output_size(c->n, c->k, c->pad, c->stride);
        cr_expect_eq(got, -1, "conv_output_size(n=%d, k=%d, pad=%d, stride=%d) = %d, expected -1 (%s)",
                     c->n, c->k, c->pad, c->stride, got, c->why);
        if (got == -1)
            cr_expect(cnn_last_error()[0] != '\0',
                      "conv_output_size(n=%d, k=%d, pad=%d, stride=%d) returned -1 without a "
                      "cnn_error message (%s)", c->n, c->k, c->pad, c->stride, c->why);
    }
}

/* ---- step 3.2: zero padding --------------------------------------------- */

GRADED_TEST(padding_stride, pad2d_zero_by_hand, 2,
            "3.2: pad (1 row, 2 columns) puts the 2x3 input at rows 1-2, columns 2-4 of a 4x7 "
            "map of zeros; y arrives full of 7s, so every zero must be written")
{
    const float xv[2 * 3] = {1, 2, 3, 4, 5, 6};
    const float ev[4 * 7] = {
        0, 0, 0, 0, 0, 0, 0,
        0, 0, 1, 2, 3, 0, 0,
        0, 0, 4, 5, 6, 0, 0,
        0, 0, 0, 0, 0, 0, 0,
    };
    Tensor *x = test_tensor(1, 1, 2, 3, xv);
    Tensor *expected = test_tensor(1, 1, 4, 7, ev);
    Tensor *y = filled_tensor(1, 1, 4, 7, 7.0f);
    cr_assert_eq(pad2d_zero(y, x, 1, 2), 0, "pad2d_zero returned -1: %s", cnn_last_error());
    expect_tensor_close(y, expected, 0.0f, 0.0f, "2x3 padded by (1,2)");
    tensor_free(x); tensor_free(expected); tensor_free(y);
}

GRADED_TEST(padding_stride, pad2d_zero_batch, 1,
            "3.2: every image and channel is padded the same way: y(n,c,h+pad_h,w+pad_w) = "
            "x(n,c,h,w), zero elsewhere")
{
    Tensor *x = test_random_tensor(2, 3, 4, 5, 61);
    Tensor *y = filled_tensor(2, 3, 4 + 4, 5 + 2, 7.0f);
    Tensor *expected = tensor_new(2, 3, 8, 7);
    cr_assert(expected, "%s", cnn_last_error());
    for (int n = 0; n < 2; n++)
        for (int c = 0; c < 3; c++)
            for (int h = 0; h < 4; h++)
                for (int w = 0; w < 5; w++)
                    *tensor_at(expected, n, c, h + 2, w + 1) = *tensor_at(x, n, c, h, w);
    cr_assert_eq(pad2d_zero(y, x, 2, 1), 0, "pad2d_zero returned -1: %s", cnn_last_error());
    expect_tensor_close(y, expected, 0.0f, 0.0f, "[2,3,4,5] padded by (2,1)");
    tensor_free(x); tensor_free(y); tensor_free(expected);
}

/* ---- step 3.3: the general convolution ---------------------------------- */

GRADED_TEST(padding_stride, same_padding_keeps_size, 3,
            "3.3: padding 1 with a 3x3 kernel keeps 5x5 at 5x5; the zeros of the padding "
            "contribute nothing, so the border sees only the in-range pixels")
{
    for (int n = 1; n <= 40; n++)
        cr_expect_eq(conv_output_size(n, 3, 1, 1), n, "conv_output_size(%d, 3, 1, 1) = %d: 'same' "
                     "must keep %d", n, conv_output_size(n, 3, 1, 1), n);
    const float ev[5 * 5] = {
        -18, 0, 15, 16, 3,
        -26, 0, 22, 25, 4,
        -26, -2, 23, 24, 3,
        -24, -1, 21, 25, 3,
        -16, -1, 14, 16, 2,
    };
    Tensor *x = test_tensor(1, 1, 5, 5, tutorial_input);
    Tensor *w = test_tensor(1, 1, 3, 3, tutorial_kernel);
    Tensor *expected = test_tensor(1, 1, 5, 5, ev);
    Tensor *y = run_conv(x, w, NULL, (Conv2dParams){1, 1, 1, 1}, 5, 5);
    expect_tensor_close(y, expected, TEST_ATOL, TEST_RTOL, "5x5 example, pad 1, stride 1");
    tensor_free(x); tensor_free(w); tensor_free(expected); tensor_free(y);
}

GRADED_TEST(padding_stride, stride2_halves, 3,
            "3.3: stride 2 computes every other output of stride 1: output (i,j) starts its "
            "window at input row 2i - pad, column 2j - pad")
{
    for (int m = 1; m <= 20; m++) {
        cr_expect_eq(conv_output_size(2 * m, 3, 1, 2), m, "conv_output_size(%d, 3, 1, 2) = %d, expected %d",
                     2 * m, conv_output_size(2 * m, 3, 1, 2), m);
        cr_expect_eq(conv_output_size(2 * m, 2, 0, 2), m, "conv_output_size(%d, 2, 0, 2) = %d, expected %d",
                     2 * m, conv_output_size(2 * m, 2, 0, 2), m);
    }
    /* The 5x5 example with pad 1, stride 2: rows and columns 0, 2, 4 of the 'same' output. */
    const float ev[3 * 3] = {-18, 15, 3, -26, 23, 3, -16, 14, 2};
    Tensor *x = test_tensor(1, 1, 5, 5, tutorial_input);
    Tensor *w = test_tensor(1, 1, 3, 3, tutorial_kernel);
    Tensor *expected = test_tensor(1, 1, 3, 3, ev);
    Tensor *y = run_conv(x, w, NULL, (Conv2dParams){1, 1, 2, 2}, 3, 3);
    expect_tensor_close(y, expected, TEST_ATOL, TEST_RTOL, "5x5 example, pad 1, stride 2");

    /* A random 8x6 input, 3x2 kernel, pad (1,0): stride 2 = stride 1 subsampled. */
    Tensor *xr = test_random_tensor(2, 2, 8, 6, 71);
    Tensor *wr = test_random_tensor(3, 2, 3, 2, 72);
    Tensor *y1 = run_conv(xr, wr, NULL, (Conv2dParams){1, 0, 1, 1}, 8, 5);
    Tensor *y2 = run_conv(xr, wr, NULL, (Conv2dParams){1, 0, 2, 2}, 4, 3);
    Tensor *sub = tensor_new(2, 3, 4, 3);
    cr_assert(sub, "%s", cnn_last_error());
    for (int n = 0; n < 2; n++)
        for (int k = 0; k < 3; k++)
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 3; j++) *tensor_at(sub, n, k, i, j) = *tensor_at(y1, n, k, 2 * i, 2 * j);
    expect_tensor_close(y2, sub, TEST_ATOL, TEST_RTOL, "stride 2 vs stride-1 output at (2i, 2j)");
    tensor_free(x); tensor_free(w); tensor_free(expected); tensor_free(y);
    tensor_free(xr); tensor_free(wr); tensor_free(y1); tensor_free(y2); tensor_free(sub);
}

GRADED_TEST(padding_stride, border_sums, 3,
            "3.3: with an all-ones 3x3 kernel and padding 1, each output is the sum of the "
            "input pixels inside its window; a corner sees only 4, an edge 6")
{
    const float xv[3 * 4] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    const float ones[3 * 3] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    const float ev[3 * 4] = {
        14, 24, 30, 22, /* 1+2+5+6, 1+2+3+5+6+7, ... */
        33, 54, 63, 45,
        30, 48, 54, 38,
    };
    Tensor *x = test_tensor(1, 1, 3, 4, xv);
    Tensor *w = test_tensor(1, 1, 3, 3, ones);
    Tensor *expected = test_tensor(1, 1, 3, 4, ev);
    Tensor *y = run_conv(x, w, NULL, (Conv2dParams){1, 1, 1, 1}, 3, 4);
    expect_tensor_close(y, expected, TEST_ATOL, TEST_RTOL, "3x4 input, ones kernel, pad 1");
    tensor_free(x); tensor_free(w); tensor_free(expected); tensor_free(y);
}

GRADED_TEST(padding_stride, padding_equals_explicit_pad, 2,
            "3.3: convolving with padding (2,1) equals padding first (pad2d_zero) and then "
            "convolving without padding, also with stride (2,1)")
{
    Tensor *x = test_random_tensor(2, 2, 5, 6, 81);
    Tensor *w = test_random_tensor(3, 2, 3, 4, 82);
    Tensor *xp = filled_tensor(2, 2, 9, 8, 7.0f);
    cr_assert_eq(pad2d_zero(xp, x, 2, 1), 0, "pad2d_zero returned -1: %s", cnn_last_error());
    /* P = (5+4-3)/2 + 1 = 4, Q = (6+2-4)/1 + 1 = 5 */
    Tensor *y = run_conv(x, w, NULL, (Conv2dParams){2, 1, 2, 1}, 4, 5);
    Tensor *expected = run_conv(xp, w, NULL, (Conv2dParams){0, 0, 2, 1}, 4, 5);
    expect_tensor_close(y, expected, TEST_ATOL, TEST_RTOL, "pad (2,1) stride (2,1)");
    tensor_free(x); tensor_free(w); tensor_free(xp); tensor_free(y); tensor_free(expected);
}

GRADED_TEST(padding_stride, bias_per_filter, 2,
            "3.3: b[k] is added to every output of filter k, in every image; b = NULL means "
            "no bias")
{
    Tensor *x = test_random_tensor(2, 1, 5, 5, 91);
    Tensor *w = test_random_tensor(3, 1, 3, 3, 92);
    const float bv[3] = {1.5f, -2.0f, 0.25f};
    Tensor *b = test_tensor(3, 1, 1, 1, bv);
    b->ndim = 1;
    const Conv2dParams p = {1, 1, 2, 2};
    Tensor *y0 = run_conv(x, w, NULL, p, 3, 3);
    Tensor *y1 = run_conv(x, w, b, p, 3, 3);
    Tensor *expected = tensor_clone(y0);
    cr_assert(expected, "%s", cnn_last_error());
    for (size_t i = 0; i < tensor_size(expected); i++) expected->data[i] += bv[i / 9 % 3];
    expect_tensor_close(y1, expected, TEST_ATOL, TEST_RTOL, "y with bias vs y without + b[k]");
    cr_expect(!isnan(y0->data[0]), "conv2d_forward never wrote y(0,0,0,0)");
    tensor_free(x); tensor_free(w); tensor_free(b); tensor_free(y0); tensor_free(y1);
    tensor_free(expected);
}

/* Reads the case list written by make_refs.py and checks every case whose
 * shape is rectangular (or square, per want_rect) against PyTorch. */
static void check_references(bool want_rect)
{
    FILE *f = fopen("data/cases.txt", "r");
    cr_assert(f, "cannot open data/cases.txt (run the tests from chapters/03-padding-stride/tests)");
    char line[256], name[64];
    int checked = 0;
    while (fgets(line, sizeof line, f)) {
        int d[11];
        if (line[0] == '#') continue;
        cr_assert_eq(sscanf(line, "%63s %d %d %d %d %d %d %d %d %d %d %d", name, &d[0], &d[1], &d[2],
                            &d[3], &d[4], &d[5], &d[6], &d[7], &d[8], &d[9], &d[10]),
                     12, "data/cases.txt: cannot read the line: %s", line);
        const int H = d[2], W = d[3], R = d[5], S = d[6];
        const Conv2dParams p = {d[7], d[8], d[9], d[10]};
        const bool rect = H != W || R != S || p.pad_h != p.pad_w || p.stride_h != p.stride_w;
        if (rect != want_rect) continue;
        char path[128], what[160];
        Tensor *t[4];
        static const char *const keys[4] = {"x", "w", "b", "y"};
        for (int i = 0; i < 4; i++) {
            snprintf(path, sizeof path, "data/%s_%s.npy", name, keys[i]);
            t[i] = test_load_npy(path);
        }
        Tensor *y = run_conv(t[0], t[1], t[2], p, t[3]->h, t[3]->w);
        snprintf(what, sizeof what, "torch '%s' (%dx%d, k %dx%d, pad (%d,%d), stride (%d,%d))", name,
                 H, W, R, S, p.pad_h, p.pad_w, p.stride_h, p.stride_w);
        expect_tensor_close(y, t[3], TEST_ATOL, TEST_RTOL, what);
        for (int i = 0; i < 4; i++) tensor_free(t[i]);
        tensor_free(y);
        checked++;
    }
    fclose(f);
    cr_assert(checked >= 4, "data/cases.txt holds only %d %s cases", checked,
              want_rect ? "rectangular" : "square");
}

GRADED_TEST(padding_stride, pytorch_square, 3,
            "3.3: matches torch.nn.functional.conv2d for square inputs and kernels with "
            "padding 0-2 and stride 1-3 (data/cases.txt lists them)")
{
    check_references(false);
}

GRADED_TEST(padding_stride, pytorch_rectangular, 3,
            "3.3: matches PyTorch when height and width differ: input, kernel, padding and "
            "stride each have their own value per direction (pad_h/stride_h go with rows)")
{
    check_references(true);
}

GRADED_TEST(padding_stride, rejects_bad_configs, 1,
            "3.3: conv2d_forward returns -1 with a message for a y of the wrong shape, a "
            "kernel larger than the padded input, or a stride of 0")
{
    Tensor *x = test_random_tensor(1, 2, 4, 4, 101);
    Tensor *w = test_random_tensor(3, 2, 3, 3, 102);
    Tensor *w7 = test_random_tensor(3, 2, 7, 7, 103);
    Tensor *y = filled_tensor(1, 3, 4, 4, NAN);
    cnn_clear_error();
    cr_expect_eq(conv2d_forward(y, x, w, NULL, (Conv2dParams){0, 0, 1, 1}), -1,
                 "y [1,3,4,4] accepted for pad 0 (the output is 2x2)");
    cr_expect(cnn_last_error()[0] != '\0', "-1 without a message");
    cr_expect_eq(conv2d_forward(y, x, w7, NULL, (Conv2dParams){1, 1, 1, 1}), -1,
                 "a 7x7 kernel accepted on a 4x4 input padded to 6x6");
    cr_expect_eq(conv2d_forward(y, x, w, NULL, (Conv2dParams){1, 1, 0, 1}), -1,
                 "stride_h 0 accepted");
    cr_expect(isnan(y->data[0]), "y was written although the call was rejected");
    tensor_free(x); tensor_free(w); tensor_free(w7); tensor_free(y);
}

/* Counts the values of t that differ from `guard` and returns the flat index
 * of the first (or the size of t when there is none). */
static size_t first_not(const Tensor *t, float guard, size_t *count)
{
    size_t first = tensor_size(t);
    *count = 0;
    for (size_t i = 0; i < tensor_size(t); i++)
        if (t->data[i] != guard) {
            if (*count == 0) first = i;
            (*count)++;
        }
    return first;
}

GRADED_TEST(padding_stride, writes_only_inside_y, 1,
            "3.3: conv2d_forward writes every value of y and nothing else: the output loops stop at i < P and "
            "j < Q, so the memory just before and after y keeps its guard value")
{
    /* y is images 1..2 of a [4,K,P,Q] block whose images 0 and 3 are
     * guards. A loop that runs to i <= P or j <= Q writes its extra row or
     * column into the next channel or image, where a later write hides it,
     * except after the last one: there it lands in the guard. The shape is
     * not square and pads and strides differ per direction, so the last row
     * and the last column both hang over a border. */
    const float GUARD = 12345.0f;
    Tensor *x = test_random_tensor(2, 2, 5, 7, 111);
    Tensor *w = test_random_tensor(3, 2, 3, 2, 112);
    const Conv2dParams p = {1, 2, 2, 1}; /* P = (5+2-3)/2 + 1 = 3, Q = (7+4-2)/1 + 1 = 10 */
    Tensor *block = filled_tensor(4, 3, 3, 10, GUARD);
    Tensor before = tensor_batch(block, 0, 1), y = tensor_batch(block, 1, 2), after = tensor_batch(block, 3, 1);
    tensor_fill(&y, NAN);
    cr_assert_eq(conv2d_forward(&y, x, w, NULL, p), 0, "conv2d_forward rejected y [2,3,3,10] (it sizes y with conv_output_size: does step 3.1 pass?): %s",
                 cnn_last_error());
    size_t unwritten = 0;
    for (size_t i = 0; i < tensor_size(&y); i++) unwritten += isnan(y.data[i]);
    cr_expect(unwritten == 0, "%zu of the %zu values of y [2,3,3,10] were never written (still NaN)", unwritten,
              tensor_size(&y));
    size_t n_after, n_before;
    size_t at = first_not(&after, GUARD, &n_after);
    first_not(&before, GUARD, &n_before);
    cr_expect(n_after == 0,
              "conv2d_forward wrote %zu value(s) past the end of y, the first %zu float(s) after its last one: the "
              "output loops run one step too far (i <= P or j <= Q instead of <)", n_after, at + 1);
    cr_expect(n_before == 0, "conv2d_forward wrote %zu value(s) before the start of y", n_before);
    tensor_free(x); tensor_free(w); tensor_free(block);
}
