/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * test_tensor.c -- unit tests of tensor.h, rng.h and the comparison report
 * of testing.h. */
#include <criterion/criterion.h>

#include "error.h"
#include "rng.h"
#include "tensor.h"
#include "testing.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

Test(tensor, new_is_zeroed_aligned_and_shaped, .timeout = 5)
{
    Tensor *t = tensor_new(2, 3, 4, 5);
    cr_assert(t, "%s", cnn_last_error());
    cr_expect_eq(t->n, 2); cr_expect_eq(t->c, 3); cr_expect_eq(t->h, 4); cr_expect_eq(t->w, 5);
    cr_expect_eq(t->dim[0], 2); cr_expect_eq(t->dim[3], 5);
    cr_expect_eq(tensor_size(t), 120u);
    cr_expect_eq((uintptr_t)t->data % 64, 0u, "data must be 64-byte aligned");
    for (size_t i = 0; i < tensor_size(t); i++) cr_assert_eq(t->data[i], 0.0f);
    tensor_free(t);
    tensor_free(NULL);
}

Test(tensor, new_rejects_bad_dimensions, .timeout = 5)
{
    cr_expect_null(tensor_new(2, 0, 4, 5));
    cr_expect(strstr(cnn_last_error(), "dimension 1 is 0"), "got: %s", cnn_last_error());
    cr_expect_null(tensor_new(-1, 1, 1, 1));
    cr_expect_null(tensor_new_nd(5, (int[]){1, 1, 1, 1, 1}));
    cr_expect(strstr(cnn_last_error(), "5 dimensions"), "got: %s", cnn_last_error());
    cr_expect_null(tensor_new(1 << 30, 1 << 30, 1 << 30, 8), "an impossible size must fail, not wrap around");
}

Test(tensor, index_is_nchw, .timeout = 5)
{
    Tensor *t = tensor_new(2, 3, 4, 5);
    cr_assert(t);
    cr_expect_eq(tensor_index(t, 0, 0, 0, 1), 1u);
    cr_expect_eq(tensor_index(t, 0, 0, 1, 0), 5u);
    cr_expect_eq(tensor_index(t, 0, 1, 0, 0), 20u);
    cr_expect_eq(tensor_index(t, 1, 0, 0, 0), 60u);
    cr_expect_eq(tensor_index(t, 1, 2, 3, 4), 119u);
    *tensor_at(t, 1, 2, 3, 4) = 7.0f;
    cr_expect_eq(t->data[119], 7.0f);
    cr_expect_eq(tensor_image(t, 1), t->data + 60);
    cr_expect_eq(tensor_check_index(t, "t", 1, 2, 3, 4), 0);
    cr_expect_eq(tensor_check_index(t, "t", 1, 3, 0, 0), -1);
    cr_expect(strstr(cnn_last_error(), "c=3 but the size is 3"), "got: %s", cnn_last_error());
    tensor_free(t);
}

Test(tensor, view_shares_data_and_checks_size, .timeout = 5)
{
    Tensor *t = tensor_new(2, 3, 4, 5);
    cr_assert(t);
    Tensor flat;
    cr_assert_eq(tensor_view(&flat, t, 2, 2, 60, 1, 1), 0, "%s", cnn_last_error());
    cr_expect_eq(flat.data, t->data);
    cr_expect_eq(flat.ndim, 2);
    cr_expect_not(flat.owns_data);
    *tensor_at(&flat, 1, 59, 0, 0) = 3.0f;
    cr_expect_eq(*tensor_at(t, 1, 2, 3, 4), 3.0f, "a view must write through to the tensor it views");
    cr_expect_eq(tensor_view(&flat, t, 2, 2, 59, 1, 1), -1);
    cr_expect(strstr(cnn_last_error(), "cannot view [2,3,4,5]"), "got: %s", cnn_last_error());
    tensor_free(t);
}

Test(tensor, batch_views_images_in_place, .timeout = 5)
{
    Tensor *t = tensor_new(5, 2, 3, 4);
    cr_assert(t);
    for (size_t i = 0; i < tensor_size(t); i++) t->data[i] = (float)i;
    Tensor b = tensor_batch(t, 1, 3);
    cr_expect_eq(b.n, 3);
    cr_expect(b.c == 2 && b.h == 3 && b.w == 4 && b.ndim == 4, "a batch keeps C, H, W and ndim");
    cr_expect_eq(b.data, tensor_image(t, 1), "a batch starts at its first image, without a copy");
    cr_expect_not(b.owns_data);
    cr_expect_eq(*tensor_at(&b, 2, 1, 2, 3), *tensor_at(t, 3, 1, 2, 3));
    int dims[2] = {6, 7};
    Tensor *m = tensor_new_nd(2, dims);
    cr_assert(m);
    Tensor rows = tensor_batch(m, 4, 2);
    cr_expect(rows.ndim == 2 && rows.n == 2 && rows.c == 7, "the rows of a matrix stay a matrix");
    cr_expect_eq(rows.data, m->data + 28);
    tensor_free(m);
    tensor_free(t);
}

Test(tensor, copy_fill_clone, .timeout = 5)
{
    Tensor *a = tensor_new(1, 2, 2, 2), *b = tensor_new(1, 1, 2, 4), *c = tensor_new(1, 1, 1, 3);
    cr_assert(a && b && c);
    tensor_fill(a, 2.5f);
    cr_expect_eq(tensor_copy(b, a), 0, "same size, other shape: copy is allowed");
    cr_expect_eq(b->data[7], 2.5f);
    cr_expect_eq(tensor_copy(c, a), -1);
    cr_expect(strstr(cnn_last_error(), "differ in size"), "got: %s", cnn_last_error());
    Tensor *d = tensor_clone(a);
    cr_assert(d);
    cr_expect_neq(d->data, a->data);
    cr_expect_eq(d->data[3], 2.5f);
    tensor_zero(d);
    cr_expect_eq(d->data[3], 0.0f);
    float lo, hi;
    a->data[5] = -1.0f;
    tensor_minmax(a, &lo, &hi);
    cr_expect_eq(lo, -1.0f);
    cr_expect_eq(hi, 2.5f);
    tensor_free(a); tensor_free(b); tensor_free(c); tensor_free(d);
}

Test(tensor, check_shape_names_expected_and_got, .timeout = 5)
{
    Tensor *t = tensor_new(2, 1, 5, 5);
    cr_assert(t);
    cr_expect_eq(tensor_check_shape(t, "x", 2, -1, 5, 5), 0);
    cr_expect_eq(tensor_check_shape(t, "x", 2, 3, -1, -1), -1);
    cr_expect_str_eq(cnn_last_error(), "x: expected shape [2,3,*,*], got [2,1,5,5]");
    cr_expect_eq(tensor_check_shape(NULL, "w", 1, 1, 1, 1), -1);
    cr_expect(strstr(cnn_last_error(), "w: tensor is missing"), "got: %s", cnn_last_error());
    tensor_free(t);
}

Test(error, context_prefixes_the_message, .timeout = 5)
{
    cnn_error("file.npy: truncated");
    cnn_error_context("loading weights");
    cr_expect_str_eq(cnn_last_error(), "loading weights: file.npy: truncated");
    cnn_clear_error();
    cr_expect_str_eq(cnn_last_error(), "");
}

Test(rng, same_seed_same_numbers_everywhere, .timeout = 5)
{
    /* These values are fixed by the algorithm (xoshiro256** seeded through
     * splitmix64): a change here means every figure and curve changes too. */
    Rng a, b;
    rng_seed(&a, 42);
    rng_seed(&b, 42);
    for (int i = 0; i < 1000; i++) cr_assert_eq(rng_next_u64(&a), rng_next_u64(&b));
    rng_seed(&a, 0);
    uint64_t first = rng_next_u64(&a);
    rng_seed(&b, 0);
    cr_expect_eq(first, rng_next_u64(&b));
    rng_seed(&b, 1);
    cr_expect_neq(first, rng_next_u64(&b), "different seeds must give different streams");
    rng_seed(&a, 0);
    float u = rng_uniform(&a);
    cr_expect(u >= 0.0f && u < 1.0f);
    cr_expect_eq(u * 16777216.0f, floorf(u * 16777216.0f), "uniforms are exact multiples of 2^-24");
}

Test(rng, distributions_have_the_right_moments, .timeout = 5)
{
    Rng rng;
    rng_seed(&rng, 7);
    double sum = 0, sum2 = 0, usum = 0;
    const int n = 200000;
    for (int i = 0; i < n; i++) {
        double x = rng_normal(&rng);
        sum += x;
        sum2 += x * x;
        usum += rng_uniform(&rng);
    }
    cr_expect(fabs(sum / n) < 0.01, "normal mean %g", sum / n);
    cr_expect(fabs(sum2 / n - 1.0) < 0.02, "normal variance %g", sum2 / n);
    cr_expect(fabs(usum / n - 0.5) < 0.005, "uniform mean %g", usum / n);
    int counts[5] = {0};
    for (int i = 0; i < 50000; i++) counts[rng_below(&rng, 5)]++;
    for (int k = 0; k < 5; k++) cr_expect(abs(counts[k] - 10000) < 500, "rng_below(5) gave %d %d times", k, counts[k]);
}

Test(rng, shuffle_is_a_permutation, .timeout = 5)
{
    Rng rng;
    rng_seed(&rng, 3);
    int a[100], seen[100] = {0};
    for (int i = 0; i < 100; i++) a[i] = i;
    rng_shuffle_ints(&rng, a, 100);
    int moved = 0;
    for (int i = 0; i < 100; i++) {
        seen[a[i]]++;
        moved += a[i] != i;
    }
    for (int i = 0; i < 100; i++) cr_expect_eq(seen[i], 1);
    cr_expect_gt(moved, 80);
}

Test(rng, he_and_xavier_scales, .timeout = 5)
{
    Rng rng;
    rng_seed(&rng, 1);
    Tensor *w = tensor_new(64, 32, 3, 3);
    cr_assert(w);
    init_he_normal(w, &rng, 32 * 9);
    double sum2 = 0;
    for (size_t i = 0; i < tensor_size(w); i++) sum2 += (double)w->data[i] * w->data[i];
    double var = sum2 / (double)tensor_size(w);
    cr_expect(fabs(var - 2.0 / 288.0) < 0.1 * 2.0 / 288.0, "He variance %g, want %g", var, 2.0 / 288.0);
    init_xavier_uniform(w, &rng, 100, 50);
    float lo, hi, a = sqrtf(6.0f / 150.0f);
    tensor_minmax(w, &lo, &hi);
    cr_expect(lo >= -a && hi < a && hi > 0.9f * a, "Xavier range [%g, %g] for bound %g", lo, hi, a);
    tensor_free(w);
}

Test(testing, report_explains_a_mismatch, .timeout = 5)
{
    /* A 3x3 output whose right column is wrong: the map must show a stripe. */
    float want[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, got[9] = {1, 2, 0, 4, 5, 0, 7, 8, 0};
    Tensor *e = test_tensor(1, 1, 3, 3, want), *g = test_tensor(1, 1, 3, 3, got);
    char report[2048];
    cr_assert_not(tensor_close(g, e, 1e-5f, 1e-4f, "conv", report, sizeof report));
    cr_expect(strstr(report, "conv [1,1,3,3]: 3 of 9 values are wrong"), "report:\n%s", report);
    cr_expect(strstr(report, "first bad index (n,c,h,w) = (0,0,0,2): expected 3, got 0"), "report:\n%s", report);
    cr_expect(strstr(report, "max abs error 9 at (0,0,2,2)"), "report:\n%s", report);
    cr_expect(strstr(report, ". . X\n    . . X\n    . . X"), "report:\n%s", report);
    cr_expect(tensor_close(e, e, 0, 0, "same", report, sizeof report));
    tensor_free(e);
    tensor_free(g);
}

Test(testing, report_catches_shape_and_nan, .timeout = 5)
{
    Tensor *a = tensor_new(1, 1, 2, 3), *b = tensor_new(1, 1, 3, 2);
    cr_assert(a && b);
    char report[512];
    cr_expect_not(tensor_close(a, b, 1, 1, "y", report, sizeof report));
    cr_expect(strstr(report, "wrong shape: expected [1,1,3,2], got [1,1,2,3]"), "report: %s", report);
    Tensor *c = tensor_clone(a);
    c->data[4] = NAN;
    cr_expect_not(tensor_close(c, a, 1, 1, "y", report, sizeof report), "NaN must never compare close");
    cr_expect_not(tensor_close(NULL, a, 1, 1, "y", report, sizeof report));
    cr_expect(strstr(report, "no tensor was produced"), "report: %s", report);
    tensor_free(a); tensor_free(b); tensor_free(c);
}

Test(testing, report_measures_numbers_and_counts_nans, .timeout = 5)
{
    /* A NaN has no size: the largest error is that of the numbers, and the
     * NaNs are counted; when every value is NaN no error is quoted. */
    float want[4] = {1, 2, 3, 4}, some[4] = {1, NAN, 3, 1}, none[4] = {NAN, NAN, NAN, NAN};
    Tensor *e = test_tensor(1, 1, 2, 2, want), *g = test_tensor(1, 1, 2, 2, some), *n = test_tensor(1, 1, 2, 2, none);
    char report[2048];
    cr_assert_not(tensor_close(g, e, 1e-5f, 1e-4f, "y", report, sizeof report));
    cr_expect(strstr(report, "max abs error 3 at (0,0,1,1) (of the values that are not NaN)"), "report:\n%s", report);
    cr_expect(strstr(report, "1 of the values are NaN"), "report:\n%s", report);
    cr_expect_not(strstr(report, "inf"), "a NaN must not be reported as an infinite error:\n%s", report);
    cr_assert_not(tensor_close(n, e, 1e-5f, 1e-4f, "y", report, sizeof report));
    cr_expect(strstr(report, "every value is NaN"), "report:\n%s", report);
    cr_expect_not(strstr(report, "max abs error"), "no error can be measured on NaNs:\n%s", report);
    tensor_free(e);
    tensor_free(g);
    tensor_free(n);
}
