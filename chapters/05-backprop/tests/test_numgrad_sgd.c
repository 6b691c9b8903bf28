/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * test_numgrad_sgd.c -- chapter 05: your gradient checker, the SGD update
 * and the mini-batch shuffle. */
#include "grad_helpers.h"
#include "numgrad.h"
#include "sgd.h"

#include <math.h>
#include <string.h>

/* f(x) = sum_i c_i x_i^3 + x_0 x_1: the gradient is known exactly. */
typedef struct {
    Tensor *x;
    int calls;
} Cubic;

static double cubic(void *ctx)
{
    Cubic *c = ctx;
    c->calls++;
    double f = (double)c->x->data[0] * c->x->data[1];
    for (size_t i = 0; i < tensor_size(c->x); i++) f += (double)(i + 1) * pow(c->x->data[i], 3);
    return f;
}

GRADED_TEST(numgrad, central_differences, 2,
            "numgrad_central: (f(x+eps) - f(x-eps)) / (2 eps), one element at a time, two calls of f each.")
{
    Cubic c = {test_random_tensor(2, 3, 1, 1, 3), 0};
    Tensor *num = tensor_new_like(c.x);
    cr_assert(num);
    cr_assert_eq(numgrad_central(num, c.x, cubic, &c, 1e-2f), 0, "%s", cnn_last_error());
    cr_expect_eq(c.calls, 12, "6 elements need 12 evaluations of f (two each), got %d", c.calls);
    for (size_t i = 0; i < tensor_size(c.x); i++) {
        double x = c.x->data[i];
        double want = 3.0 * (double)(i + 1) * x * x + (i == 0 ? c.x->data[1] : i == 1 ? c.x->data[0] : 0.0);
        /* Central differences of a cubic are off by exactly (i+1) * eps^2. */
        cr_expect(fabs(num->data[i] - want) < 2e-3 * (double)(i + 1) + 1e-3,
                  "element %zu (x = %g): expected about %.6g, got %.6g", i, x, want, (double)num->data[i]);
    }
    tensor_free(c.x);
    tensor_free(num);
}

GRADED_TEST(numgrad, restores_x_exactly, 1,
            "numgrad_central must leave x bit-for-bit as it was: save x[i], nudge, then put the saved value back.")
{
    Cubic c = {test_random_tensor(1, 50, 1, 1, 4), 0};
    Tensor *copy = tensor_clone(c.x), *num = tensor_new_like(c.x);
    cr_assert(copy && num);
    cr_assert_eq(numgrad_central(num, c.x, cubic, &c, 3e-3f), 0, "%s", cnn_last_error());
    cr_expect(memcmp(copy->data, c.x->data, tensor_size(c.x) * sizeof(float)) == 0,
              "x changed during numgrad_central (x[i] + eps - eps is not always x[i] in float)");
    cr_expect(c.calls == 100, "expected 100 evaluations of f, got %d", c.calls);
    tensor_free(c.x); tensor_free(copy); tensor_free(num);
}

GRADED_TEST(numgrad, relative_error, 1,
            "numgrad_rel_error: |a-b| / max(|a|, |b|, floor).")
{
    struct { double a, b, floor, want; } t[] = {
        {1.0, 1.0, 1e-3, 0.0}, {1.0, 0.99, 1e-3, 0.01}, {-2.0, 2.0, 1e-3, 2.0},
        {1e-6, 2e-6, 1e-3, 1e-3}, {0.0, 0.0, 1e-3, 0.0}, {-0.5, -1.0, 1e-3, 0.5},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        double got = numgrad_rel_error(t[i].a, t[i].b, t[i].floor);
        cr_expect(fabs(got - t[i].want) < 1e-9, "rel_error(%g, %g, floor %g): expected %g, got %g", t[i].a, t[i].b,
                  t[i].floor, t[i].want, got);
    }
}

GRADED_TEST(sgd, momentum_and_weight_decay, 2,
            "sgd_step: g = grad + wd*w; v = momentum*v + g; w -= lr*v (PyTorch's SGD).")
{
    const float w0[] = {1.0f, -2.0f, 0.5f}, gr[] = {0.1f, 0.2f, -0.3f};
    Tensor *w = test_tensor(1, 3, 1, 1, w0), *v = tensor_new(1, 3, 1, 1), *g = test_tensor(1, 3, 1, 1, gr);
    cr_assert(v);
    SgdParams p = {.lr = 0.1f, .momentum = 0.9f, .weight_decay = 0.01f};
    double ww[3], vv[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++) ww[i] = w0[i];
    for (int step = 1; step <= 3; step++) {
        cr_assert_eq(sgd_step(w, v, g, p), 0, "%s", cnn_last_error());
        for (int i = 0; i < 3; i++) {
            double gi = gr[i] + 0.01 * ww[i];
            vv[i] = 0.9 * vv[i] + gi;
            ww[i] -= 0.1 * vv[i];
            cr_expect(fabs(w->data[i] - ww[i]) < 1e-5 && fabs(v->data[i] - vv[i]) < 1e-5,
                      "after step %d, element %d: expected w %.6f v %.6f, got w %.6f v %.6f", step, i, ww[i],
                      vv[i], (double)w->data[i], (double)v->data[i]);
        }
    }
    tensor_free(w); tensor_free(v); tensor_free(g);
}

GRADED_TEST(shuffle, seeded_permutation, 2,
            "shuffle_indices: a permutation of 0..n-1; the same seed gives the same order, another seed another.")
{
    enum { N = 200 };
    int a[N], b[N], c[N];
    Rng r1, r2, r3;
    rng_seed(&r1, 7);
    rng_seed(&r2, 7);
    rng_seed(&r3, 8);
    shuffle_indices(a, N, &r1);
    shuffle_indices(b, N, &r2);
    shuffle_indices(c, N, &r3);
    bool seen[N] = {false};
    int fixed = 0;
    for (int i = 0; i < N; i++) {
        cr_assert(a[i] >= 0 && a[i] < N && !seen[a[i]], "order[%d] = %d: not a permutation of 0..%d", i, a[i], N - 1);
        seen[a[i]] = true;
        fixed += a[i] == i;
    }
    cr_expect(fixed < N / 4, "%d of %d indices stayed in place: the order is not shuffled", fixed, N);
    cr_expect(memcmp(a, b, sizeof a) == 0, "the same seed must give the same order");
    cr_expect(memcmp(a, c, sizeof a) != 0, "seeds 7 and 8 gave the same order: use the rng");
}

GRADED_TEST(shuffle, every_order_equally_likely, 1,
            "Fisher-Yates: swap order[i] with order[j], j drawn from 0..i (not 0..n-1, which is biased).")
{
    /* 24,000 shuffles of 4 items: each of the 24 orders should come up about
     * 1,000 times (standard deviation about 31). */
    int counts[256] = {0};
    Rng rng;
    rng_seed(&rng, 2024);
    for (int t = 0; t < 24000; t++) {
        int o[4];
        shuffle_indices(o, 4, &rng);
        counts[o[0] * 64 + o[1] * 16 + o[2] * 4 + o[3]]++;
    }
    int lo = 1 << 30, hi = 0, distinct = 0;
    for (int i = 0; i < 256; i++) {
        if (!counts[i]) continue;
        distinct++;
        lo = counts[i] < lo ? counts[i] : lo;
        hi = counts[i] > hi ? counts[i] : hi;
    }
    cr_expect(distinct == 24 && lo > 880 && hi < 1120,
              "24,000 shuffles of 4 items gave %d different orders, each between %d and %d times; "
              "a fair shuffle gives all 24 about 1,000 times each (880..1120)", distinct, lo, hi);
}
