/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * grad_helpers.h -- shared fixtures of chapter 05's tests: comparing a
 * backward pass with PyTorch's and with central differences.
 *
 * The scalar checked is always L = sum(y * g) for a fixed random g, so
 * dL/dy = g is what each backward pass receives as dy (common/gradcheck.h).
 */
#ifndef CH05_GRAD_HELPERS_H
#define CH05_GRAD_HELPERS_H

#include <criterion/criterion.h>

#include "error.h"
#include "gradcheck.h"
#include "rng.h"
#include "testing.h"

#include <stdio.h>

/* Tolerances against PyTorch: float32 sums in another order. */
#define REF_ATOL 1e-5f
#define REF_RTOL 1e-4f

/* Loads data/<name>.npy (a committed PyTorch reference). */
static inline Tensor *ref(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "data/%s.npy", name);
    return test_load_npy(path);
}

/* Compares an analytic gradient with central differences of f w.r.t. x and
 * turns a disagreement into a Criterion failure that explains it. */
static inline void expect_gradcheck(const Tensor *analytic, Tensor *x, GradcheckFn f, void *ctx,
                                    const char *what)
{
    Tensor *numeric = tensor_new_like(x);
    cr_assert(numeric, "out of memory");
    cr_assert_eq(gradcheck_numeric(numeric, x, f, ctx, GRADCHECK_EPS), 0, "%s", cnn_last_error());
    static char report[2048];
    cr_expect(gradcheck_compare(NULL, analytic, numeric, GRADCHECK_TOL, GRADCHECK_FLOOR, what,
                                report, sizeof report),
              "%s", report);
    tensor_free(numeric);
}

/* A tensor of seeded values in [-1, 1) whose magnitudes are at least
 * `gap` (no value sits near ReLU's kink at 0). */
static inline Tensor *random_away_from_zero(int n, int c, int h, int w, uint64_t seed, float gap)
{
    Tensor *t = tensor_new(n, c, h, w);
    cr_assert(t, "out of memory");
    Rng rng;
    rng_seed(&rng, seed);
    for (size_t i = 0; i < tensor_size(t); i++) {
        float v = rng_uniform_range(&rng, gap, 1.0f);
        t->data[i] = rng_uniform(&rng) < 0.5f ? -v : v;
    }
    return t;
}

/* A tensor holding a seeded shuffle of the evenly spaced values
 * 0.05 * (i - size/2): all distinct and 0.05 apart, more than the 2 * eps
 * that central differences move a value, so no nudge changes which value
 * of a max-pooling window wins. */
static inline Tensor *random_distinct(int n, int c, int h, int w, uint64_t seed)
{
    Tensor *t = tensor_new(n, c, h, w);
    cr_assert(t, "out of memory");
    int size = (int)tensor_size(t);
    int *order = malloc((size_t)size * sizeof *order);
    cr_assert(order, "out of memory");
    for (int i = 0; i < size; i++) order[i] = i;
    Rng rng;
    rng_seed(&rng, seed);
    rng_shuffle_ints(&rng, order, size);
    for (int i = 0; i < size; i++) t->data[i] = 0.05f * (float)(order[i] - size / 2);
    free(order);
    return t;
}

/* The helpers' tensors are recorded as made by the line that calls them, so
 * an AddressSanitizer report names the caller's variable (testing.h, "which
 * tensor a bad address belongs to"). Defined after the helpers, so their
 * definitions are not wrapped. */
#define ref(...) TEST_TRACKED_(ref, __VA_ARGS__)
#define random_away_from_zero(...) TEST_TRACKED_(random_away_from_zero, __VA_ARGS__)
#define random_distinct(...) TEST_TRACKED_(random_distinct, __VA_ARGS__)

#endif
