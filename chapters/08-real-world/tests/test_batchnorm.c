/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * test_batchnorm.c -- chapter 08: batch normalisation for convolution
 * layers, training and inference forward, and the backward pass.
 *
 * Three kinds of evidence: a hand example whose numbers are worked out in
 * the comments, PyTorch's BatchNorm2d in train() and eval() mode
 * (tests/data/, made by solutions/08-real-world/maintainer/make_refs.py),
 * and central differences of L = sum(y * g) (common/gradcheck.h). Every
 * channel of the references has its own offset and scale, so statistics
 * taken over the wrong axes (per image, over all channels) cannot pass.
 */
#include "batchnorm.h"

#include "error.h"
#include "gradcheck.h"
#include "testing.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Tolerances against PyTorch: float32 sums in another order. */
#define REF_ATOL 1e-5f
#define REF_RTOL 1e-4f

/* data/<case>_<what>.npy, a committed PyTorch reference. */
static Tensor *ref(const char *name, const char *what)
{
    char path[256];
    snprintf(path, sizeof path, "data/%s_%s.npy", name, what);
    return test_load_npy(path);
}

/* A [C] vector holding values (C of them). */
static Tensor *vec(int c, const float *values)
{
    Tensor *t = tensor_new_nd(1, (const int[]){c});
    cr_assert(t, "out of memory");
    memcpy(t->data, values, (size_t)c * sizeof *t->data);
    return t;
}

static Tensor *zeros_c(int c)
{
    Tensor *t = tensor_new_nd(1, (const int[]){c});
    cr_assert(t, "out of memory");
    return t;
}

/* One training case: a layer's parameters and statistics, its input and the
 * tensors the forward pass writes. */
typedef struct {
    Tensor *x, *gamma, *beta, *running_mean, *running_var;
    Tensor *y, *save_mean, *save_invstd;
    float momentum;
} BnCase;

static BnCase load_case(const char *name, float momentum)
{
    BnCase b = {.x = ref(name, "x"), .gamma = ref(name, "gamma"), .beta = ref(name, "beta"),
                .running_mean = ref(name, "running_mean_in"), .running_var = ref(name, "running_var_in"),
                .momentum = momentum};
    b.y = tensor_new_like(b.x);
    b.save_mean = zeros_c(b.x->c);
    b.save_invstd = zeros_c(b.x->c);
    cr_assert(b.y, "out of memory");
    return b;
}

static void free_case(BnCase *b)
{
    Tensor *all[] = {b->x, b->gamma, b->beta, b->running_mean, b->running_var, b->y, b->save_mean, b->save_invstd};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) tensor_free(all[i]);
}

static void forward_train(BnCase *b)
{
    cr_assert_eq(batchnorm2d_forward_train(b->y, b->save_mean, b->save_invstd, b->running_mean, b->running_var,
                                           b->x, b->gamma, b->beta, b->momentum, BN_EPS),
                 0, "batchnorm2d_forward_train failed: %s", cnn_last_error());
}

/* ---- 8.1 training forward ------------------------------------------------ */

/* Two channels over N = 2 images of 1x2 pixels (M = 4 values each):
 *   channel 0: {1, 3} and {5, 7}: mean 4, biased var (9+1+1+9)/4 = 5
 *   channel 1: {0, 0} and {2, 2}: mean 1, biased var 1
 * gamma {2, 0.5}, beta {1, -1}. */
static const float hand_x[8] = {1, 3, 0, 0, 5, 7, 2, 2};

GRADED_TEST(batchnorm, train_forward_hand_example, 3,
            "Training mode normalises each channel with the mean and BIASED variance of its N*H*W values in the "
            "batch: y = gamma * (x - mean) / sqrt(var + eps) + beta (TODO 8.1).")
{
    BnCase b = {.x = test_tensor(2, 2, 1, 2, hand_x), .gamma = vec(2, (const float[]){2, 0.5f}),
                .beta = vec(2, (const float[]){1, -1}), .running_mean = zeros_c(2),
                .running_var = vec(2, (const float[]){1, 1}), .momentum = BN_MOMENTUM};
    b.y = tensor_new_like(b.x);
    b.save_mean = zeros_c(2);
    b.save_invstd = zeros_c(2);
    forward_train(&b);
    double s0 = sqrt(5 + 1e-5), s1 = sqrt(1 + 1e-5);
    const float want[8] = {(float)(1 + 2 * (1 - 4) / s0), (float)(1 + 2 * (3 - 4) / s0),
                           (float)(-1 + 0.5 * (0 - 1) / s1), (float)(-1 + 0.5 * (0 - 1) / s1),
                           (float)(1 + 2 * (5 - 4) / s0), (float)(1 + 2 * (7 - 4) / s0),
                           (float)(-1 + 0.5 * (2 - 1) / s1), (float)(-1 + 0.5 * (2 - 1) / s1)};
    Tensor *expected = test_tensor(2, 2, 1, 2, want);
    expect_tensor_close(b.y, expected, 1e-5f, 1e-5f,
                        "batch norm y of the hand example (channel 0: mean 4, var 5; channel 1: mean 1, var 1)");
    Tensor *mean_want = vec(2, (const float[]){4, 1});
    Tensor *invstd_want = vec(2, (const float[]){(float)(1 / s0), (float)(1 / s1)});
    expect_tensor_close(b.save_mean, mean_want, 1e-6f, 0, "save_mean (the batch mean per channel)");
    expect_tensor_close(b.save_invstd, invstd_want, 1e-6f, 1e-6f,
                        "save_invstd = 1 / sqrt(biased var + eps) per channel: expected 1/sqrt(5), 1/sqrt(1)");
    tensor_free(expected); tensor_free(mean_want); tensor_free(invstd_want);
    free_case(&b);
}

GRADED_TEST(batchnorm, running_stats_use_momentum_and_unbiased_var, 2,
            "running = (1 - momentum) * running + momentum * batch statistic, and the running VARIANCE is the "
            "unbiased one, var * M / (M - 1), as in PyTorch (TODO 8.1).")
{
    /* The hand example, from running mean 0 and var 1 with momentum 0.1:
     *   mean: 0.9 * 0 + 0.1 * 4 = 0.4            and 0.1 * 1 = 0.1
     *   var:  0.9 * 1 + 0.1 * 5 * 4/3 = 1.5667   and 0.9 + 0.1 * 4/3 = 1.0333 */
    BnCase b = {.x = test_tensor(2, 2, 1, 2, hand_x), .gamma = vec(2, (const float[]){2, 0.5f}),
                .beta = vec(2, (const float[]){1, -1}), .running_mean = zeros_c(2),
                .running_var = vec(2, (const float[]){1, 1}), .momentum = BN_MOMENTUM};
    b.y = tensor_new_like(b.x);
    b.save_mean = zeros_c(2);
    b.save_invstd = zeros_c(2);
    forward_train(&b);
    float rv0 = b.running_var->data[0];
    Tensor *mean_want = vec(2, (const float[]){0.4f, 0.1f});
    Tensor *var_want = vec(2, (const float[]){0.9f + 0.1f * 5 * 4 / 3.0f, 0.9f + 0.1f * 4 / 3.0f});
    expect_tensor_close(b.running_mean, mean_want, 1e-6f, 1e-6f,
                        "running_mean after one step from 0 (momentum 0.1, batch means 4 and 1)");
    cr_expect(fabsf(rv0 - 1.4f) > 1e-4f, "running_var[0] is 1.4 = 0.9 + 0.1 * 5: the running variance takes "
              "the UNBIASED variance, 5 * M / (M - 1) = 5 * 4/3, not the biased 5");
    cr_expect(fabsf(rv0 - 0.1f * 5 * 4 / 3.0f) > 1e-4f && fabsf(rv0 - 0.5f) > 1e-4f,
              "running_var[0] is %g: the old running value was dropped; keep (1 - momentum) of it", (double)rv0);
    expect_tensor_close(b.running_var, var_want, 1e-6f, 1e-6f,
                        "running_var after one step from 1 (momentum 0.1, unbiased batch variances 20/3 and 4/3)");
    tensor_free(mean_want); tensor_free(var_want);
    free_case(&b);
}

static void check_train_case(const char *name, float momentum)
{
    BnCase b = load_case(name, momentum);
    forward_train(&b);
    char what[128];
    Tensor *want = ref(name, "y");
    snprintf(what, sizeof what, "%s: y in training mode (PyTorch BatchNorm2d)", name);
    expect_tensor_close(b.y, want, REF_ATOL, REF_RTOL, what);
    tensor_free(want);
    want = ref(name, "save_mean");
    snprintf(what, sizeof what, "%s: save_mean (the batch mean per channel)", name);
    expect_tensor_close(b.save_mean, want, REF_ATOL, REF_RTOL, what);
    tensor_free(want);
    want = ref(name, "save_invstd");
    snprintf(what, sizeof what, "%s: save_invstd = 1 / sqrt(biased var + eps) per channel", name);
    expect_tensor_close(b.save_invstd, want, REF_ATOL, REF_RTOL, what);
    tensor_free(want);
    want = ref(name, "running_mean_out");
    snprintf(what, sizeof what, "%s: running_mean after the step (momentum %g)", name, (double)momentum);
    expect_tensor_close(b.running_mean, want, REF_ATOL, REF_RTOL, what);
    tensor_free(want);
    want = ref(name, "running_var_out");
    snprintf(what, sizeof what, "%s: running_var after the step (momentum %g, unbiased)", name, (double)momentum);
    expect_tensor_close(b.running_var, want, REF_ATOL, REF_RTOL, what);
    tensor_free(want);
    free_case(&b);
}

GRADED_TEST(batchnorm, train_matches_pytorch, 3,
            "batchnorm2d_forward_train against PyTorch's BatchNorm2d in train() mode: statistics per channel over "
            "N, H and W, never per image or over all channels (TODO 8.1).")
{
    check_train_case("train", 0.1f);
    check_train_case("train_m3", 0.3f);
}

/* ---- 8.2 inference forward ----------------------------------------------- */

GRADED_TEST(batchnorm, eval_matches_pytorch, 2,
            "Inference normalises with the RUNNING mean and variance: y = gamma * (x - running_mean) / "
            "sqrt(running_var + eps) + beta (TODO 8.2).")
{
    Tensor *x = ref("eval", "x"), *gamma = ref("eval", "gamma"), *beta = ref("eval", "beta");
    Tensor *rm = ref("eval", "running_mean_in"), *rv = ref("eval", "running_var_in");
    Tensor *want = ref("eval", "y"), *y = tensor_new_like(x);
    Tensor *rm0 = tensor_clone(rm), *rv0 = tensor_clone(rv);
    cr_assert(y && rm0 && rv0, "out of memory");
    cr_assert_eq(batchnorm2d_forward_eval(y, x, gamma, beta, rm, rv, BN_EPS), 0, "batchnorm2d_forward_eval failed: %s",
                 cnn_last_error());
    expect_tensor_close(y, want, REF_ATOL, REF_RTOL, "eval: y in eval() mode (PyTorch BatchNorm2d)");
    expect_tensor_close(rm, rm0, 0, 0, "running_mean after an inference pass (it must not change)");
    expect_tensor_close(rv, rv0, 0, 0, "running_var after an inference pass (it must not change)");
    /* One image alone gives the same answer as in its batch. */
    Tensor one = tensor_batch(x, 1, 1), y_one = tensor_batch(want, 1, 1);
    Tensor *got_one = tensor_new_like(&one);
    cr_assert(got_one, "out of memory");
    cr_assert_eq(batchnorm2d_forward_eval(got_one, &one, gamma, beta, rm, rv, BN_EPS), 0, "%s", cnn_last_error());
    expect_tensor_close(got_one, &y_one, REF_ATOL, REF_RTOL,
                        "eval: image 1 alone (a batch of one must give what it gave inside the batch)");
    Tensor *all[] = {x, gamma, beta, rm, rv, want, y, rm0, rv0, got_one};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) tensor_free(all[i]);
}

/* ---- 8.3 backward -------------------------------------------------------- */

/* The backward tests take the saved statistics from PyTorch, never from
 * your forward pass: they check the backward pass alone. */
static void load_saved_stats(BnCase *b, const char *name)
{
    tensor_free(b->save_mean);
    tensor_free(b->save_invstd);
    b->save_mean = ref(name, "save_mean");
    b->save_invstd = ref(name, "save_invstd");
}

static void check_backward_case(const char *name, float momentum)
{
    BnCase b = load_case(name, momentum);
    load_saved_stats(&b, name);
    Tensor *dy = ref(name, "dy"), *dx = tensor_new_like(b.x);
    Tensor *dgamma = zeros_c(b.x->c), *dbeta = zeros_c(b.x->c);
    cr_assert(dx, "out of memory");
    cr_assert_eq(batchnorm2d_backward(dx, dgamma, dbeta, dy, b.x, b.gamma, b.save_mean, b.save_invstd), 0,
                 "batchnorm2d_backward failed: %s", cnn_last_error());
    char what[128];
    const char *names[] = {"dx", "dgamma", "dbeta"};
    Tensor *got[] = {dx, dgamma, dbeta};
    for (int i = 0; i < 3; i++) {
        Tensor *want = ref(name, names[i]);
        snprintf(what, sizeof what, "%s: %s (PyTorch autograd)", name, names[i]);
        expect_tensor_close(got[i], want, REF_ATOL, REF_RTOL, what);
        tensor_free(want);
    }
    tensor_free(dy); tensor_free(dx); tensor_free(dgamma); tensor_free(dbeta);
    free_case(&b);
}

GRADED_TEST(batchnorm, backward_matches_pytorch, 3,
            "dbeta = sum dy, dgamma = sum dy * xhat, dx = gamma * invstd / M * (M dy - sum dy - xhat sum(dy xhat)), "
            "each sum over the channel's N*H*W values (TODO 8.3).")
{
    check_backward_case("train", 0.1f);
    check_backward_case("train_m3", 0.3f);
}

/* The batch mean and 1 / sqrt(biased var + eps) of every channel of x,
 * by the formulas of batchnorm.h in double precision: the gradient check
 * below uses these, never your forward pass, so it checks the backward pass
 * alone. */
static void reference_stats(double *mean, double *invstd, const Tensor *x)
{
    size_t plane = (size_t)x->h * (size_t)x->w;
    double m = (double)x->n * (double)plane;
    for (int c = 0; c < x->c; c++) {
        double sum = 0.0, ss = 0.0;
        for (int n = 0; n < x->n; n++)
            for (size_t i = 0; i < plane; i++) sum += tensor_at(x, n, c, 0, 0)[i];
        mean[c] = sum / m;
        for (int n = 0; n < x->n; n++)
            for (size_t i = 0; i < plane; i++) ss += pow(tensor_at(x, n, c, 0, 0)[i] - mean[c], 2);
        invstd[c] = 1.0 / sqrt(ss / m + BN_EPS);
    }
}

/* L = sum(y * g) of the training forward, for central differences. */
typedef struct {
    Tensor *x, *gamma, *beta, *g;
} BnLoss;

enum { GRADCHECK_C = 2 };

static double bn_loss(void *ctx)
{
    BnLoss *l = ctx;
    double mean[GRADCHECK_C], invstd[GRADCHECK_C], loss = 0.0;
    reference_stats(mean, invstd, l->x);
    size_t plane = (size_t)l->x->h * (size_t)l->x->w;
    for (int n = 0; n < l->x->n; n++)
        for (int c = 0; c < GRADCHECK_C; c++)
            for (size_t i = 0; i < plane; i++) {
                double xhat = (tensor_at(l->x, n, c, 0, 0)[i] - mean[c]) * invstd[c];
                loss += (l->gamma->data[c] * xhat + l->beta->data[c]) * tensor_at(l->g, n, c, 0, 0)[i];
            }
    return loss;
}

static void expect_gradcheck(const Tensor *analytic, Tensor *wrt, BnLoss *l, const char *what)
{
    Tensor *numeric = tensor_new_like(wrt);
    cr_assert(numeric, "out of memory");
    cr_assert_eq(gradcheck_numeric(numeric, wrt, bn_loss, l, GRADCHECK_EPS), 0, "%s", cnn_last_error());
    static char report[2048];
    cr_expect(gradcheck_compare(NULL, analytic, numeric, GRADCHECK_TOL, GRADCHECK_FLOOR, what, report, sizeof report),
              "%s", report);
    tensor_free(numeric);
}

GRADED_TEST(batchnorm, backward_gradcheck, 2,
            "batchnorm2d_backward against central differences: dx needs the two terms through the mean and the "
            "variance, which every x of the channel moves (TODO 8.3).")
{
    /* x [3,2,2,3]: channel 1 scaled by 4 and shifted by 2. */
    BnLoss l = {.x = test_random_tensor(3, GRADCHECK_C, 2, 3, 81), .gamma = vec(2, (const float[]){1.5f, -0.7f}),
                .beta = vec(2, (const float[]){0.2f, 0.3f}), .g = test_random_tensor(3, GRADCHECK_C, 2, 3, 82)};
    for (int n = 0; n < 3; n++)
        for (int i = 0; i < 6; i++) tensor_at(l.x, n, 1, 0, 0)[i] = 4 * tensor_at(l.x, n, 1, 0, 0)[i] + 2;
    double mean[GRADCHECK_C], invstd[GRADCHECK_C];
    reference_stats(mean, invstd, l.x);
    Tensor *save_mean = zeros_c(2), *save_invstd = zeros_c(2);
    for (int c = 0; c < GRADCHECK_C; c++) {
        save_mean->data[c] = (float)mean[c];
        save_invstd->data[c] = (float)invstd[c];
    }
    Tensor *dx = tensor_new_like(l.x), *dgamma = zeros_c(2), *dbeta = zeros_c(2);
    cr_assert(dx, "out of memory");
    cr_assert_eq(batchnorm2d_backward(dx, dgamma, dbeta, l.g, l.x, l.gamma, save_mean, save_invstd), 0,
                 "batchnorm2d_backward failed: %s", cnn_last_error());
    expect_gradcheck(dx, l.x, &l, "batch norm [3,2,2,3] (N=3): dx");
    expect_gradcheck(dgamma, l.gamma, &l, "batch norm [3,2,2,3]: dgamma");
    expect_gradcheck(dbeta, l.beta, &l, "batch norm [3,2,2,3]: dbeta");
    Tensor *all[] = {l.x, l.gamma, l.beta, l.g, save_mean, save_invstd, dx, dgamma, dbeta};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) tensor_free(all[i]);
}

GRADED_TEST(batchnorm, backward_accumulates_and_skips_null, 1,
            "Backward passes ADD (+=) into dx, dgamma and dbeta, and a NULL gradient is simply not computed "
            "(TODO 8.3).")
{
    BnCase b = load_case("train", 0.1f);
    load_saved_stats(&b, "train");
    Tensor *dy = ref("train", "dy"), *dx = tensor_new_like(b.x), *dbeta = zeros_c(b.x->c);
    cr_assert(dx, "out of memory");
    tensor_fill(dx, 0.5f);
    tensor_fill(dbeta, -1.0f);
    cr_assert_eq(batchnorm2d_backward(dx, NULL, dbeta, dy, b.x, b.gamma, b.save_mean, b.save_invstd), 0,
                 "batchnorm2d_backward with dgamma = NULL failed: %s", cnn_last_error());
    Tensor *want_dx = ref("train", "dx"), *want_dbeta = ref("train", "dbeta");
    for (size_t i = 0; i < tensor_size(want_dx); i++) want_dx->data[i] += 0.5f;
    for (size_t i = 0; i < tensor_size(want_dbeta); i++) want_dbeta->data[i] -= 1.0f;
    expect_tensor_close(dx, want_dx, REF_ATOL, REF_RTOL, "dx started at 0.5: expected 0.5 + dL/dx");
    expect_tensor_close(dbeta, want_dbeta, REF_ATOL, REF_RTOL, "dbeta started at -1: expected -1 + dL/dbeta");
    tensor_free(dy); tensor_free(dx); tensor_free(dbeta); tensor_free(want_dx); tensor_free(want_dbeta);
    free_case(&b);
}

GRADED_TEST(batchnorm, rejects_bad_shapes, 1,
            "A gamma with the wrong number of channels, a y of the wrong shape or one value per channel "
            "(N*H*W = 1) is an error with a message, and y is left as it was (given code).")
{
    BnCase b = load_case("train", 0.1f);
    Tensor *short_gamma = zeros_c(b.x->c - 1);
    tensor_fill(b.y, 7.0f);
    int rc = batchnorm2d_forward_train(b.y, b.save_mean, b.save_invstd, b.running_mean, b.running_var, b.x,
                                       short_gamma, b.beta, 0.1f, BN_EPS);
    cr_expect_eq(rc, -1, "a gamma of %d channels for x of %d: expected -1", b.x->c - 1, b.x->c);
    cr_expect(strstr(cnn_last_error(), "gamma") != NULL, "the message should name gamma, got: %s", cnn_last_error());
    cr_expect_eq(b.y->data[0], 7.0f, "y was written although the call failed");
    Tensor *one = tensor_new(1, 2, 1, 1), *y_one = tensor_new(1, 2, 1, 1);
    Tensor *g2 = vec(2, (const float[]){1, 1}), *z2[4] = {zeros_c(2), zeros_c(2), zeros_c(2), zeros_c(2)};
    cr_assert(one && y_one, "out of memory");
    cr_expect_eq(batchnorm2d_forward_train(y_one, z2[0], z2[1], z2[2], z2[3], one, g2, g2, 0.1f, BN_EPS), -1,
                 "x [1,2,1,1] has one value per channel (no variance): expected -1");
    tensor_free(short_gamma); tensor_free(one); tensor_free(y_one); tensor_free(g2);
    for (int i = 0; i < 4; i++) tensor_free(z2[i]);
    free_case(&b);
}
