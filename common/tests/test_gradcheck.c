/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * test_gradcheck.c -- unit tests of the gradient checker (common/gradcheck.c):
 * central differences on functions with known gradients, the relative
 * error, and the explanations a failed comparison gives. Also the progress
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

Test(gradcheck, report_names_worst_element_and_factor)
{
    Tensor *a = tensor_new(1, 2, 2, 3), *b = tensor_new(1, 2, 2, 3);
    cr_assert(a && b);
    for (size_t i = 0; i < tensor_size(a); i++) {
        b->data[i] = 0.5f + (float)i;
        a->data[i] = 4.0f * b->data[i]; /* every element 4x too large: a missing 1/N */
    }
    char report[1024];
    GradcheckResult r;
    cr_expect_not(gradcheck_compare(&r, a, b, GRADCHECK_TOL, GRADCHECK_FLOOR, "dw", report, sizeof report));
    cr_expect_eq(r.bad, 12);
    cr_expect(strstr(report, "dw [1,2,2,3]") && strstr(report, "same factor 4"), "report: %s", report);
    tensor_zero(a);
    cr_expect_not(gradcheck_compare(&r, a, b, GRADCHECK_TOL, GRADCHECK_FLOOR, "dx", report, sizeof report));
    cr_expect(strstr(report, "all zeros") != NULL, "report: %s", report);
    memcpy(a->data, b->data, tensor_size(b) * sizeof(float));
    a->data[7] = NAN;
    cr_expect_not(gradcheck_compare(&r, a, b, GRADCHECK_TOL, GRADCHECK_FLOOR, "dx", report, sizeof report));
    cr_expect_eq(r.worst, 7, "a NaN gradient must be the worst element, got %zu", r.worst);
    cr_expect(strstr(report, "(0,1,0,1)") != NULL, "element 7 of [1,2,2,3] is (0,1,0,1); report: %s", report);
    tensor_free(a); tensor_free(b);
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
