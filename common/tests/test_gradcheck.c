/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * test_gradcheck.c -- unit tests of the gradient checker (common/gradcheck.c):
 * central differences on functions with known gradients, the relative
 * error, and the explanations a failed comparison gives (each only on its
 * evidence). Also the progress
 * bar's text (common/progress.c). */
#include "error.h"
#include "gradcheck.h"
#include "progress.h"
#include "tensor.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

/* f(x) = sum_i (i+1) x_i^2 + x_0 x_2: gradient 2(i+1) x_i (+ the cross term). */
static double quadratic(void *ctx)
{
    const Tensor *x = ctx;
    double f = (double)x->data[0] * x->data[2];
    for (size_t i = 0; i < tensor_size(x); i++) f += (double)(i + 1) * x->data[i] * x->data[i];
    return f;
}

Test(gradcheck, numeric_matches_known_gradient)
{
    Tensor *x = tensor_new(1, 4, 1, 1), *num = tensor_new(1, 4, 1, 1), *want = tensor_new(1, 4, 1, 1);
    cr_assert(x && num && want);
    const float v[4] = {0.5f, -1.25f, 2.0f, 0.1f};
    memcpy(x->data, v, sizeof v);
    cr_assert_eq(gradcheck_numeric(num, x, quadratic, x, GRADCHECK_EPS), 0, "%s", cnn_last_error());
    for (int i = 0; i < 4; i++) want->data[i] = 2.0f * (float)(i + 1) * v[i];
    want->data[0] += v[2];
    want->data[2] += v[0];
    /* A quadratic's central difference is exact up to rounding. */
    for (int i = 0; i < 4; i++)
        cr_expect(fabsf(num->data[i] - want->data[i]) < 1e-4f, "element %d: expected %g, got %g", i,
                  (double)want->data[i], (double)num->data[i]);
    cr_expect(memcmp(x->data, v, sizeof v) == 0, "x must be restored exactly");
    cr_expect(gradcheck_compare(NULL, want, num, GRADCHECK_TOL, GRADCHECK_FLOOR, "q", NULL, 0));
    tensor_free(x); tensor_free(num); tensor_free(want);
}

Test(gradcheck, rejects_bad_arguments)
{
    Tensor *x = tensor_new(1, 4, 1, 1), *num = tensor_new(1, 3, 1, 1);
    cr_assert(x && num);
    cr_expect_eq(gradcheck_numeric(num, x, quadratic, x, GRADCHECK_EPS), -1);
    cr_expect(strstr(cnn_last_error(), "3 elements") != NULL, "message: %s", cnn_last_error());
    tensor_free(num);
    num = tensor_new(1, 4, 1, 1);
    cr_expect_eq(gradcheck_numeric(num, x, quadratic, x, 0.0f), -1, "eps 0 must be rejected");
    tensor_free(x); tensor_free(num);
}

Test(gradcheck, relative_error)
{
    cr_expect_float_eq(gradcheck_rel_error(1.0, 1.0, 1e-3), 0.0, 1e-12);
    cr_expect_float_eq(gradcheck_rel_error(2.0, -2.0, 1e-3), 2.0, 1e-12);
    cr_expect_float_eq(gradcheck_rel_error(1e-6, 3e-6, 1e-3), 2e-3, 1e-12);
    cr_expect_float_eq(gradcheck_rel_error(-4.0, -3.0, 1e-3), 0.25, 1e-12);
}

static char report[4096];

/* Compares analytic with numeric and returns the report (the comparison must fail). */
static const char *failed_report(const Tensor *analytic, const Tensor *numeric, const char *what)
{
    GradcheckResult r;
    cr_assert_not(gradcheck_compare(&r, analytic, numeric, GRADCHECK_TOL, GRADCHECK_FLOOR, what, report,
                                    sizeof report),
                  "the comparison should fail");
    return report;
}

/* A vector [n] (ndim 1). */
static Tensor *vector(int n)
{
    const int dims[1] = {n};
    Tensor *t = tensor_new_nd(1, dims);
    cr_assert(t);
    return t;
}

/* The generic hint, which must never be given for a wrong constant factor. */
#define GENERIC "= where += belongs"

Test(gradcheck, report_names_worst_element_and_factor)
{
    Tensor *a = tensor_new(1, 2, 2, 3), *b = tensor_new(1, 2, 2, 3);
    cr_assert(a && b);
    for (size_t i = 0; i < tensor_size(a); i++) {
        b->data[i] = 0.5f + (float)i;
        a->data[i] = 4.0f * b->data[i]; /* every element 4x too large */
    }
    GradcheckResult r;
    cr_expect_not(gradcheck_compare(&r, a, b, GRADCHECK_TOL, GRADCHECK_FLOOR, "dw", report, sizeof report));
    cr_expect_eq(r.bad, 12);
    cr_expect(strstr(report, "dw [1,2,2,3]") && strstr(report, "every element is 4 times its central difference"),
              "report: %s", report);
    /* Nothing in "dw" or its shape says what 4 would be: no guess. */
    cr_expect(strstr(report, "a constant factor is missing or extra") && !strstr(report, "1/N") &&
                  !strstr(report, "window") && !strstr(report, GENERIC),
              "report: %s", report);
    tensor_free(a); tensor_free(b);
}

Test(gradcheck, zeros_and_nan_are_named)
{
    Tensor *a = tensor_new(1, 2, 2, 3), *b = tensor_new(1, 2, 2, 3);
    cr_assert(a && b);
    for (size_t i = 0; i < tensor_size(b); i++) b->data[i] = 0.5f + (float)i;
    failed_report(a, b, "dx");
    cr_expect(strstr(report, "left every element 0") && !strstr(report, GENERIC), "report: %s", report);
    memcpy(a->data, b->data, tensor_size(b) * sizeof(float));
    a->data[7] = NAN;
    GradcheckResult r;
    cr_expect_not(gradcheck_compare(&r, a, b, GRADCHECK_TOL, GRADCHECK_FLOOR, "dx", report, sizeof report));
    cr_expect_eq(r.worst, 7, "a NaN gradient must be the worst element, got %zu", r.worst);
    cr_expect(strstr(report, "(0,1,0,1)") != NULL, "element 7 of [1,2,2,3] is (0,1,0,1); report: %s", report);
    cr_expect(strstr(report, "1 of 12 backward values are NaN or infinite"), "report: %s", report);
    tensor_free(a); tensor_free(b);
}

Test(gradcheck, one_element_factor_fires_when_whole)
{
    /* A bias gradient [1] 9 times too large. */
    Tensor *a = vector(1), *b = vector(1);
    b->data[0] = 0.7f;
    a->data[0] = 6.3f;
    failed_report(a, b, "dense N=1 D=3 M=1: db");
    cr_expect(strstr(report, "the one element is 9 times its central difference") && !strstr(report, GENERIC),
              "report: %s", report);
    /* 0.37 times is just a wrong number: no factor claimed from one element. */
    a->data[0] = 0.259f;
    failed_report(a, b, "db");
    cr_expect(!strstr(report, "times its central difference") && strstr(report, "no element agrees"),
              "report: %s", report);
    tensor_free(a); tensor_free(b);
}

Test(gradcheck, relu_times_x_is_no_constant_factor)
{
    /* The ReLU backward pass multiplied by x: dx = x * dy where x > 0. */
    Tensor *x = tensor_new(2, 3, 4, 5), *num = tensor_new(2, 3, 4, 5), *a = tensor_new(2, 3, 4, 5);
    cr_assert(x && num && a);
    for (size_t i = 0; i < tensor_size(x); i++) {
        x->data[i] = (i % 3 == 0 ? -1.0f : 1.0f) * (0.1f + 0.8f * (float)((i * 37) % 23) / 23.0f);
        float dy = 0.2f + 0.7f * (float)((i * 11) % 17) / 17.0f;
        num->data[i] = x->data[i] > 0 ? dy : 0.0f;
        a->data[i] = x->data[i] > 0 ? x->data[i] * dy : 0.0f;
    }
    failed_report(a, num, "relu [2,3,4,5]: dx");
    cr_expect(!strstr(report, "times its central difference") && !strstr(report, "same factor"),
              "a factor that varies is not one factor: %s", report);
    cr_expect(strstr(report, "elements whose gradient is 0 are 0") && strstr(report, "varies from"),
              "report: %s", report);
    tensor_free(x); tensor_free(num); tensor_free(a);
}

Test(gradcheck, batch_factor_is_named_n_only_when_it_is_n)
{
    const int dims[2] = {5, 7};
    Tensor *a = tensor_new_nd(2, dims), *b = tensor_new_nd(2, dims);
    cr_assert(a && b);
    for (size_t i = 0; i < tensor_size(b); i++) {
        b->data[i] = (i % 2 ? -0.3f : 0.2f) + 0.01f * (float)i;
        a->data[i] = 5.0f * b->data[i];
    }
    failed_report(a, b, "softmax-cross-entropy [5,7]: dlogits");
    cr_expect(strstr(report, "every element is 5 times") && strstr(report, "5 = N, the first dimension") &&
                  strstr(report, "a missing 1/N"),
              "report: %s", report);
    /* "N=4" in the text wins over the first dimension. */
    for (size_t i = 0; i < tensor_size(b); i++) a->data[i] = 4.0f * b->data[i];
    failed_report(a, b, "dense N=4 D=7 M=5: dx");
    cr_expect(strstr(report, "4 = N, the batch") && strstr(report, "a missing 1/N"), "report: %s", report);
    /* 3 is neither. */
    for (size_t i = 0; i < tensor_size(b); i++) a->data[i] = 3.0f * b->data[i];
    failed_report(a, b, "softmax-cross-entropy [5,7]: dlogits");
    cr_expect(strstr(report, "every element is 3 times") && !strstr(report, "1/N") &&
                  strstr(report, "a constant factor is missing or extra") && !strstr(report, GENERIC),
              "report: %s", report);
    /* An extra 1/N. */
    for (size_t i = 0; i < tensor_size(b); i++) a->data[i] = b->data[i] / 5.0f;
    failed_report(a, b, "softmax-cross-entropy [5,7]: dlogits");
    cr_expect(strstr(report, "1/5 = 1/N") && strstr(report, "(divided by N once too often?)"), "report: %s", report);
    tensor_free(a); tensor_free(b);
}

Test(gradcheck, window_factor_is_named_only_when_it_is_the_window)
{
    Tensor *a = tensor_new(1, 1, 4, 4), *b = tensor_new(1, 1, 4, 4);
    cr_assert(a && b);
    for (size_t i = 0; i < tensor_size(b); i++) b->data[i] = 0.05f * (float)(i + 1), a->data[i] = 4.0f * b->data[i];
    failed_report(a, b, "avgpool x [1,1,4,4] window 2x2 stride (2,2): dx");
    cr_expect(strstr(report, "4 = the window's size 2x2 (the sum not divided by it?)"), "report: %s", report);
    /* Divided by the height only: the width is left over. */
    for (size_t i = 0; i < tensor_size(b); i++) a->data[i] = 3.0f * b->data[i];
    failed_report(a, b, "avgpool x [1,3,6,7] window 2x3 stride (1,2): dx");
    cr_expect(strstr(report, "3 = the window's width (divided by the height only?)"), "report: %s", report);
    cr_expect(!strstr(report, "window's height"), "report: %s", report);
    failed_report(a, b, "avgpool_overlap (window 3, stride 2): dx");
    cr_expect(strstr(report, "3 = the window's height and width (divided by one of them only?)"), "report: %s", report);
    /* The same factor where no window is named: only the number. */
    failed_report(a, b, "conv x [1,1,4,4] pad (1,1) stride (1,1): dx");
    cr_expect(!strstr(report, "window") && strstr(report, "a constant factor is missing or extra"), "report: %s",
              report);
    tensor_free(a); tensor_free(b);
}

Test(gradcheck, right_values_in_wrong_places)
{
    /* A [3,4] gradient written transposed (read back as [3,4]). */
    const int dims[2] = {3, 4};
    Tensor *a = tensor_new_nd(2, dims), *b = tensor_new_nd(2, dims);
    cr_assert(a && b);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 4; j++) b->data[i * 4 + j] = 0.1f * (float)(i * 4 + j + 1);
    for (int k = 0; k < 12; k++) a->data[k] = b->data[(k % 3) * 4 + k / 3];
    failed_report(a, b, "dense: dw");
    cr_expect(strstr(report, "the right ones in the wrong places") && !strstr(report, "times its"),
              "report: %s", report);
    tensor_free(a); tensor_free(b);
}

Test(gradcheck, gradient_where_none_belongs_and_none_where_it_does)
{
    /* Max pooling 2x2: only each window's winner (bottom-right here) has a
     * gradient; sending dy to the whole window spills it. */
    Tensor *a = tensor_new(1, 1, 4, 4), *b = tensor_new(1, 1, 4, 4);
    cr_assert(a && b);
    for (int h = 0; h < 4; h++)
        for (int w = 0; w < 4; w++) {
            float dy = 0.3f + 0.1f * (float)((h / 2) * 2 + w / 2);
            b->data[h * 4 + w] = (h % 2 && w % 2) ? dy : 0.0f;
            a->data[h * 4 + w] = dy;
        }
    failed_report(a, b, "maxpool x [1,1,4,4] window 2x2 stride (2,2): dx");
    cr_expect(strstr(report, "12 of the 12 wrong elements should get a gradient of about 0 but got one") &&
                  !strstr(report, GENERIC),
              "report: %s", report);
    /* Every other column never reached: a stride skipping them. */
    for (int i = 0; i < 16; i++) b->data[i] = 0.2f + 0.05f * (float)i, a->data[i] = i % 2 ? 0.0f : b->data[i];
    failed_report(a, b, "conv dx");
    cr_expect(strstr(report, "8 of the 8 wrong elements are 0 although their gradient is not") &&
                  !strstr(report, GENERIC),
              "report: %s", report);
    tensor_free(a); tensor_free(b);
}

Test(gradcheck, some_agree_shows_where_the_others_are)
{
    /* Overlapping windows: an "=" keeps one of two contributions on row 1. */
    Tensor *a = tensor_new(1, 1, 3, 3), *b = tensor_new(1, 1, 3, 3);
    cr_assert(a && b);
    for (size_t i = 0; i < 9; i++) b->data[i] = a->data[i] = 0.1f * (float)(i + 1);
    a->data[3] = 0.13f, a->data[4] = 0.9f, a->data[5] = 0.2f;
    failed_report(a, b, "dx");
    cr_expect(strstr(report, "6 of 9 elements agree and 3 do not") && strstr(report, GENERIC), "report: %s", report);
    cr_expect(strstr(report, "    . . .\n    X X X\n    . . ."), "the map shows row 1: %s", report);
    tensor_free(a); tensor_free(b);
}

Test(gradcheck, name_factor_and_whole_factor)
{
    char out[512];
    cr_expect_eq(gradcheck_name_factor(out, sizeof out, -1.0, 1e-3, NULL, "dx"), 1);
    cr_expect(strstr(out, "the sign is flipped"), "%s", out);
    cr_expect_eq(gradcheck_name_factor(out, sizeof out, 3.0, 1e-3, NULL, "case (window 3x2, stride 1,2)"), 2,
                 "both the height and the size over the stride's area: %s", out);
    cr_expect_eq(gradcheck_name_factor(out, sizeof out, 2.9, 1e-3, NULL, "case (window 3x2, stride 1,2)"), 0, "%s",
                 out);
    cr_expect_str_eq(out, "");
    cr_expect(gradcheck_whole_factor(9.0, 1e-3) && gradcheck_whole_factor(1.0 / 9.0, 1e-3) &&
              gradcheck_whole_factor(-1.0, 1e-3));
    cr_expect(!gradcheck_whole_factor(0.37, 1e-3) && !gradcheck_whole_factor(1.0, 1e-3) &&
              !gradcheck_whole_factor(2.5, 1e-3) && !gradcheck_whole_factor(NAN, 1e-3));
}

Test(progress, line_shows_position_speed_and_eta)
{
    Progress p;
    progress_start(&p, 4, 10, 1000);
    progress_update(&p, 2, 5, 1500, 0.6931, 0.875);
    char line[256];
    progress_line(&p, line, sizeof line);
    cr_expect(strstr(line, "epoch 2/4") && strstr(line, "batch 5/10") && strstr(line, "loss 0.6931") &&
              strstr(line, "acc  87.5%") && strstr(line, "img/s") && strstr(line, "ETA"),
              "line: %s", line);
    cr_expect(strstr(line, "[##########----------]") != NULL, "half an epoch is half a bar: %s", line);
    cr_expect(progress_due(&p, 1000.0), "the first redraw is always due");
    cr_expect_not(progress_due(&p, 1000.0), "a second redraw within the interval is not");
    p.batch = 10;
    cr_expect(progress_due(&p, 1000.0), "an epoch's last batch is always drawn");
}
