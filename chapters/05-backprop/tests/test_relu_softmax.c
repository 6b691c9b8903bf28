/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * test_relu_softmax.c -- chapter 05: ReLU's backward pass and the fused
 * softmax-cross-entropy loss. */
#include "grad_helpers.h"
#include "relu.h"
#include "softmax_ce.h"

#include <math.h>

GRADED_TEST(relu, backward_uses_input_mask, 2,
            "relu_backward: dx += dy where the INPUT x > 0, and nothing where x <= 0 (never dy * y).")
{
    const float xs[] = {-2.0f, -0.5f, 0.0f, 0.25f, 3.0f, -1.0f, 2.5f, 0.75f};
    const float dys[] = {1.0f, -2.0f, 3.0f, -4.0f, 5.0f, 6.0f, -7.0f, 8.0f};
    const float want[] = {0.0f, 0.0f, 0.0f, -4.0f, 5.0f, 0.0f, -7.0f, 8.0f};
    Tensor *x = test_tensor(1, 2, 2, 2, xs), *dy = test_tensor(1, 2, 2, 2, dys);
    Tensor *expected = test_tensor(1, 2, 2, 2, want), *dx = tensor_new(1, 2, 2, 2);
    cr_assert(dx);
    cr_assert_eq(relu_backward(dx, dy, x), 0, "%s", cnn_last_error());
    expect_tensor_close(dx, expected, 0.0f, 0.0f, "relu dx (gradient passes only where x > 0)");
    tensor_free(x); tensor_free(dy); tensor_free(expected); tensor_free(dx);
}

typedef struct {
    Tensor *x, *y, *g;
} ReluCase;

static double relu_loss(void *ctx)
{
    ReluCase *c = ctx;
    cr_assert_eq(relu_forward(c->y, c->x), 0, "%s", cnn_last_error());
    return gradcheck_dot(c->y, c->g);
}

GRADED_TEST(relu, gradcheck_and_accumulates, 1,
            "relu_backward must agree with central differences and ADD (+=) into dx.")
{
    ReluCase c = {random_away_from_zero(2, 3, 4, 5, 7, 0.05f), tensor_new(2, 3, 4, 5),
                  test_random_tensor(2, 3, 4, 5, 8)};
    Tensor *dx = tensor_new(2, 3, 4, 5), *dx_acc = tensor_new(2, 3, 4, 5);
    cr_assert(c.y && dx && dx_acc);
    cr_assert_eq(relu_backward(dx, c.g, c.x), 0, "%s", cnn_last_error());
    expect_gradcheck(dx, c.x, relu_loss, &c, "relu [2,3,4,5]: dx");
    tensor_fill(dx_acc, 0.5f);
    cr_assert_eq(relu_backward(dx_acc, c.g, c.x), 0, "%s", cnn_last_error());
    for (size_t i = 0; i < tensor_size(dx); i++) dx->data[i] += 0.5f;
    expect_tensor_close(dx_acc, dx, 1e-6f, 0.0f, "relu dx started at 0.5: expected 0.5 + dL/dx");
    tensor_free(c.x); tensor_free(c.y); tensor_free(c.g); tensor_free(dx); tensor_free(dx_acc);
}

/* Runs softmax_cross_entropy on a committed PyTorch case and compares. */
static void check_ce_case(const char *name, float loss_rtol)
{
    char key[64];
    snprintf(key, sizeof key, "%s_logits", name);
    Tensor *z = ref(key);
    snprintf(key, sizeof key, "%s_labels", name);
    Tensor *lab = ref(key);
    snprintf(key, sizeof key, "%s_loss", name);
    Tensor *want_loss = ref(key);
    snprintf(key, sizeof key, "%s_dlogits", name);
    Tensor *want_dz = ref(key);
    int labels[16];
    cr_assert(z->n <= 16);
    for (int n = 0; n < z->n; n++) labels[n] = (int)lab->data[n];
    Tensor *dz = tensor_new_like(z);
    cr_assert(dz);
    float loss = NAN;
    cr_assert_eq(softmax_cross_entropy(&loss, dz, z, labels), 0, "%s", cnn_last_error());
    float want = want_loss->data[0];
    cr_expect(isfinite(loss), "%s: the loss is %g: exp() of a large logit overflowed; subtract the row's max first",
              name, (double)loss);
    cr_expect(fabsf(loss - want) <= 1e-5f + loss_rtol * fabsf(want),
              "%s: mean loss over N = %d: expected %.7g (PyTorch), got %.7g%s", name, z->n, (double)want,
              (double)loss, fabsf(loss * z->n - want) < 1e-3f * fabsf(want) ? " (N times too small: sum, then divide by N once)"
              : fabsf(loss - want * z->n) < 1e-3f * fabsf(want * z->n) ? " (N times too large: divide the sum by N)" : "");
    snprintf(key, sizeof key, "%s dlogits [%d,%d]", name, z->n, z->c);
    expect_tensor_close(dz, want_dz, REF_ATOL, REF_RTOL, key);
    tensor_free(z); tensor_free(lab); tensor_free(want_loss); tensor_free(want_dz); tensor_free(dz);
}

GRADED_TEST(softmax_ce, matches_pytorch, 3,
            "softmax_cross_entropy: loss = mean of log(sum exp(z - max)) - (z_t - max); dlogits += (p - onehot) / N.")
{
    check_ce_case("ce", 1e-5f);
}

GRADED_TEST(softmax_ce, stable_for_logits_of_1000, 2,
            "exp(1000) is infinite in float: subtract each row's largest logit before exp().")
{
    check_ce_case("ce_large", 1e-5f);
    /* Equal huge logits: every class has p = 1/K, the loss is log K. */
    Tensor *z = tensor_new(2, 4, 1, 1), *dz = tensor_new(2, 4, 1, 1);
    cr_assert(z && dz);
    tensor_fill(z, 1000.0f);
    int labels[2] = {1, 3};
    float loss = NAN;
    cr_assert_eq(softmax_cross_entropy(&loss, dz, z, labels), 0, "%s", cnn_last_error());
    cr_expect(fabsf(loss - logf(4.0f)) < 1e-6f, "four equal logits of 1000: expected loss log 4 = %.6f, got %g",
              (double)logf(4.0f), (double)loss);
    float want = (0.25f - 1.0f) / 2.0f;
    cr_expect(fabsf(dz->data[1] - want) < 1e-6f, "dlogits[0][1] (the label) for equal logits of 1000: expected "
              "(1/4 - 1) / N = %g, got %g", (double)want, (double)dz->data[1]);
    tensor_free(z);
    tensor_free(dz);
}

typedef struct {
    Tensor *z;
    const int *labels;
} CeCase;

static double ce_loss(void *ctx)
{
    CeCase *c = ctx;
    float loss;
    cr_assert_eq(softmax_cross_entropy(&loss, NULL, c->z, c->labels), 0, "%s", cnn_last_error());
    return loss;
}

GRADED_TEST(softmax_ce, gradcheck_and_accumulates, 1,
            "dlogits must agree with central differences of the loss and be ADDED (+=) into dlogits.")
{
    const int labels[5] = {2, 0, 6, 6, 1};
    CeCase c = {test_random_tensor(5, 7, 1, 1, 11), labels};
    for (size_t i = 0; i < tensor_size(c.z); i++) c.z->data[i] *= 3.0f;
    Tensor *dz = tensor_new_like(c.z), *dz_acc = tensor_new_like(c.z);
    cr_assert(dz && dz_acc);
    float loss;
    cr_assert_eq(softmax_cross_entropy(&loss, dz, c.z, labels), 0, "%s", cnn_last_error());
    /* The definition, directly in double precision (fine for logits this small). */
    double want = 0.0;
    for (int n = 0; n < 5; n++) {
        double s = 0.0;
        for (int k = 0; k < 7; k++) s += exp(c.z->data[n * 7 + k]);
        want += (log(s) - c.z->data[n * 7 + labels[n]]) / 5.0;
    }
    cr_expect(fabs(loss - want) < 1e-5 * want, "loss of 5 random rows of 7 logits: expected %.7g, got %.7g", want,
              (double)loss);
    expect_gradcheck(dz, c.z, ce_loss, &c, "softmax-cross-entropy [5,7]: dlogits");
    tensor_fill(dz_acc, -0.25f);
    cr_assert_eq(softmax_cross_entropy(&loss, dz_acc, c.z, labels), 0, "%s", cnn_last_error());
    for (size_t i = 0; i < tensor_size(dz); i++) dz->data[i] -= 0.25f;
    expect_tensor_close(dz_acc, dz, 1e-6f, 0.0f, "dlogits started at -0.25: expected -0.25 + dL/dz");
    tensor_free(c.z); tensor_free(dz); tensor_free(dz_acc);
}
