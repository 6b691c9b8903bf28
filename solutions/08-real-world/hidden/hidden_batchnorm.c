/* HIDDEN -- a hidden test of the autograders (grader/autograder/README.md).
 *
 * hidden_batchnorm.c -- chapter 08's hidden tests of batch normalisation:
 * the training and inference forwards and the backward pass on shapes,
 * momenta and eps drawn from the autograder's seed (N = 1, C = 1, odd and
 * 1-pixel planes among them), and a conv-BN-conv-BN-dense network built
 * twice, once on your batch norm and once on the reference's (ref_*), in
 * the same process. Every channel gets its own offset and scale, some of
 * them small enough that eps matters, so statistics over the wrong axes or
 * eps in the wrong place cannot pass.
 */
#include "batchnorm.h"
#include "layers_batchnorm.h"
#include "model.h"

#include "error.h"
#include "hidden.h"
#include "testing.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

REFERENCE(batchnorm2d_forward_train);
REFERENCE(batchnorm2d_forward_eval);
REFERENCE(batchnorm2d_backward);

/* The reference sums in double; a float sum of a few hundred values in
 * another order may differ in the last digits. Every planted mistake is off
 * by far more. */
#define BN_ATOL 1e-4f
#define BN_RTOL 1e-4f

typedef struct {
    int n, c, h, w;
} Shape;

/* A shape of at most 4 x 5 x 7 x 7. Rounds 0 and 1 take N = 1 and C = 1;
 * when one value per channel is not allowed (the training forward, whose
 * variance needs two), N*H*W >= 2. */
static Shape draw_shape(Rng *rng, int round, bool need_two)
{
    for (;;) {
        Shape s = {round == 0 ? 1 : hidden_size(rng, 1, 4), round == 1 ? 1 : hidden_size(rng, 1, 5),
                   hidden_size(rng, 1, 7), hidden_size(rng, 1, 7)};
        if (!need_two || s.n * s.h * s.w >= 2) return s;
    }
}

/* A [C] vector of uniform values in lo..hi. */
static Tensor *vec_uniform(Rng *rng, int c, float lo, float hi)
{
    Tensor *t = tensor_new_nd(1, (const int[]){c});
    cr_assert(t, "tensor_new_nd: %s", cnn_last_error());
    for (int i = 0; i < c; i++) t->data[i] = rng_uniform_range(rng, lo, hi);
    return t;
}

/* x [N,C,H,W] with values in [-1, 1) scaled and shifted per channel:
 * scales 0.05..3 (a small one has a variance eps is not negligible
 * against) and offsets -3..3. */
static Tensor *channel_input(Rng *rng, Shape s)
{
    Tensor *x = test_random_tensor(s.n, s.c, s.h, s.w, hidden_seed(rng));
    cr_assert(x, "test_random_tensor: %s", cnn_last_error());
    size_t plane = (size_t)s.h * (size_t)s.w;
    for (int c = 0; c < s.c; c++) {
        float scale = rng_uniform(rng) < 0.3f ? rng_uniform_range(rng, 0.05f, 0.2f) : rng_uniform_range(rng, 0.5f, 3);
        float shift = rng_uniform_range(rng, -3, 3);
        for (int n = 0; n < s.n; n++) {
            float *xc = tensor_at(x, n, c, 0, 0);
            for (size_t i = 0; i < plane; i++) xc[i] = scale * xc[i] + shift;
        }
    }
    return x;
}

/* PyTorch's eps, or a larger one (where eps outside the square root shows). */
static float draw_eps(Rng *rng)
{
    const float eps[] = {BN_EPS, 1e-3f, 0.05f};
    return eps[rng_below(rng, 3)];
}

GRADED_TEST(hidden_batchnorm, train_forward_fresh_shapes, 3,
            "8.1 on shapes, momenta and eps you have not seen: y, save_mean, save_invstd and both running "
            "averages (the running variance unbiased) match the reference")
{
    Rng rng = hidden_rng(81);
    for (int round = 0; round < 8; round++) {
        Shape s = draw_shape(&rng, round, true);
        /* the ends of 0..1 once each, else anything between (never 0.5, where
         * momentum the wrong way round gives the same answer) */
        float momentum = round == 2 ? 0.0f : round == 3 ? 1.0f : rng_uniform_range(&rng, 0.05f, 0.45f);
        if (round % 2 && round > 3) momentum = 1.0f - momentum;
        float eps = draw_eps(&rng);
        Tensor *x = channel_input(&rng, s);
        Tensor *gamma = vec_uniform(&rng, s.c, -2, 2), *beta = vec_uniform(&rng, s.c, -1, 1);
        Tensor *rmean = vec_uniform(&rng, s.c, -1, 1), *rvar = vec_uniform(&rng, s.c, 0.2f, 3);
        Tensor *ref_rmean = tensor_clone(rmean), *ref_rvar = tensor_clone(rvar);
        Tensor *y = tensor_new_like(x), *want_y = tensor_new_like(x);
        Tensor *mean = tensor_new_like(gamma), *invstd = tensor_new_like(gamma);
        Tensor *want_mean = tensor_new_like(gamma), *want_invstd = tensor_new_like(gamma);
        cr_assert(ref_rmean && ref_rvar && y && want_y && mean && invstd && want_mean && want_invstd,
                  "out of memory");
        tensor_fill(y, NAN);
        cr_assert_eq(ref_batchnorm2d_forward_train(want_y, want_mean, want_invstd, ref_rmean, ref_rvar, x, gamma,
                                                   beta, momentum, eps),
                     0, "the reference failed: %s", cnn_last_error());
        cr_assert_eq(batchnorm2d_forward_train(y, mean, invstd, rmean, rvar, x, gamma, beta, momentum, eps), 0,
                     "batchnorm2d_forward_train returned -1 for x [%d,%d,%d,%d], momentum %g, eps %g: %s", s.n, s.c,
                     s.h, s.w, (double)momentum, (double)eps, cnn_last_error());
        char what[160];
        const char *names[] = {"y", "save_mean", "save_invstd", "running_mean", "running_var"};
        const Tensor *got[] = {y, mean, invstd, rmean, rvar}, *want[] = {want_y, want_mean, want_invstd,
                                                                          ref_rmean, ref_rvar};
        for (int k = 0; k < 5; k++) {
            snprintf(what, sizeof what, "hidden training batch norm of x [%d,%d,%d,%d] (M = %d), momentum %g, "
                     "eps %g: %s", s.n, s.c, s.h, s.w, s.n * s.h * s.w, (double)momentum, (double)eps, names[k]);
            expect_tensor_close(got[k], want[k], BN_ATOL, BN_RTOL, what);
        }
        Tensor *all[] = {x, gamma, beta, rmean, rvar, ref_rmean, ref_rvar, y, want_y, mean, invstd, want_mean,
                         want_invstd};
        for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) tensor_free(all[i]);
    }
}

GRADED_TEST(hidden_batchnorm, eval_fresh_shapes, 2,
            "8.2 on shapes and running statistics you have not seen: y = gamma * (x - running_mean) / "
            "sqrt(running_var + eps) + beta, per channel, for any batch (one pixel, one image too)")
{
    Rng rng = hidden_rng(82);
    for (int round = 0; round < 8; round++) {
        Shape s = draw_shape(&rng, round, false);
        float eps = draw_eps(&rng);
        Tensor *x = channel_input(&rng, s);
        Tensor *gamma = vec_uniform(&rng, s.c, -2, 2), *beta = vec_uniform(&rng, s.c, -1, 1);
        /* running statistics far from the batch's own */
        Tensor *rmean = vec_uniform(&rng, s.c, -2, 2), *rvar = vec_uniform(&rng, s.c, 0.01f, 4);
        Tensor *y = tensor_new_like(x), *want = tensor_new_like(x);
        cr_assert(y && want, "out of memory");
        tensor_fill(y, NAN);
        cr_assert_eq(ref_batchnorm2d_forward_eval(want, x, gamma, beta, rmean, rvar, eps), 0,
                     "the reference failed: %s", cnn_last_error());
        cr_assert_eq(batchnorm2d_forward_eval(y, x, gamma, beta, rmean, rvar, eps), 0,
                     "batchnorm2d_forward_eval returned -1 for x [%d,%d,%d,%d], eps %g: %s", s.n, s.c, s.h, s.w,
                     (double)eps, cnn_last_error());
        char what[128];
        snprintf(what, sizeof what, "hidden inference batch norm of x [%d,%d,%d,%d], eps %g", s.n, s.c, s.h, s.w,
                 (double)eps);
        expect_tensor_close(y, want, BN_ATOL, BN_RTOL, what);
        Tensor *all[] = {x, gamma, beta, rmean, rvar, y, want};
        for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) tensor_free(all[i]);
    }
}

GRADED_TEST(hidden_batchnorm, backward_fresh_shapes, 3,
            "8.3 on shapes you have not seen: dx, dgamma and dbeta ADDED (+=) to what they held, a NULL one "
            "skipped, all matching the reference")
{
    Rng rng = hidden_rng(83);
    for (int round = 0; round < 8; round++) {
        Shape s = draw_shape(&rng, round, true);
        float eps = draw_eps(&rng);
        Tensor *x = channel_input(&rng, s), *dy = test_random_tensor(s.n, s.c, s.h, s.w, hidden_seed(&rng));
        Tensor *gamma = vec_uniform(&rng, s.c, -2, 2), *beta = vec_uniform(&rng, s.c, -1, 1);
        Tensor *rmean = vec_uniform(&rng, s.c, 0, 0), *rvar = vec_uniform(&rng, s.c, 1, 1);
        Tensor *y = tensor_new_like(x), *mean = tensor_new_like(gamma), *invstd = tensor_new_like(gamma);
        cr_assert(dy && y && mean && invstd, "out of memory");
        /* the batch statistics the reference's forward saves, for both */
        cr_assert_eq(ref_batchnorm2d_forward_train(y, mean, invstd, rmean, rvar, x, gamma, beta, BN_MOMENTUM, eps), 0,
                     "the reference failed: %s", cnn_last_error());
        /* gradients that already hold something; rounds 4 and 5 pass NULL
         * for dgamma, then for dx, round 6 for dbeta */
        Tensor *dx = test_random_tensor(s.n, s.c, s.h, s.w, hidden_seed(&rng));
        Tensor *dgamma = vec_uniform(&rng, s.c, -1, 1), *dbeta = vec_uniform(&rng, s.c, -1, 1);
        Tensor *want_dx = tensor_clone(dx), *want_dgamma = tensor_clone(dgamma), *want_dbeta = tensor_clone(dbeta);
        cr_assert(dx && want_dx && want_dgamma && want_dbeta, "out of memory");
        Tensor *pass_dx = round == 5 ? NULL : dx, *pass_dgamma = round == 4 ? NULL : dgamma;
        Tensor *pass_dbeta = round == 6 ? NULL : dbeta;
        cr_assert_eq(ref_batchnorm2d_backward(pass_dx ? want_dx : NULL, pass_dgamma ? want_dgamma : NULL,
                                              pass_dbeta ? want_dbeta : NULL, dy, x, gamma, mean, invstd),
                     0, "the reference failed: %s", cnn_last_error());
        cr_assert_eq(batchnorm2d_backward(pass_dx, pass_dgamma, pass_dbeta, dy, x, gamma, mean, invstd), 0,
                     "batchnorm2d_backward returned -1 for x [%d,%d,%d,%d]%s: %s", s.n, s.c, s.h, s.w,
                     round == 4 ? " with dgamma NULL" : round == 5 ? " with dx NULL" : round == 6 ? " with dbeta NULL" : "",
                     cnn_last_error());
        char what[160];
        const char *names[] = {"dx", "dgamma", "dbeta"};
        const Tensor *got[] = {dx, dgamma, dbeta}, *want[] = {want_dx, want_dgamma, want_dbeta};
        for (int k = 0; k < 3; k++) {
            bool skipped = (k == 0 && !pass_dx) || (k == 1 && !pass_dgamma) || (k == 2 && !pass_dbeta);
            snprintf(what, sizeof what, "hidden batch-norm backward of x [%d,%d,%d,%d] (M = %d), eps %g: %s%s", s.n,
                     s.c, s.h, s.w, s.n * s.h * s.w, (double)eps, names[k],
                     skipped ? " (passed as NULL: never to be touched)" : " (started random: +=)");
            expect_tensor_close(got[k], want[k], BN_ATOL, BN_RTOL, what);
        }
        Tensor *all[] = {x, dy, gamma, beta, rmean, rvar, y, mean, invstd, dx, dgamma, dbeta, want_dx, want_dgamma,
                         want_dbeta};
        for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) tensor_free(all[i]);
    }
}

/* ---- batch norm inside a network ------------------------------------------ */

/* conv(C->K1, 3x3, pad 1, no bias)-BN-conv(K1->K2, 1x1 or 3x3, no bias)-BN-
 * dense(classes) on [N, C, H, W]: no ReLU, whose kink would turn a rounding
 * difference into a different gradient. */
typedef struct {
    int c, h, w, k1, k2, size2, classes;
} Net;

static Model *build(const LayerOps *ops, Net z, uint64_t seed)
{
    Model *m = model_new(ops, "hidden-bn", z.c, z.h, z.w);
    cr_assert(m, "model_new: %s", cnn_last_error());
    cr_assert_eq(model_add_conv_nobias(m, "conv1", z.k1, 3, 1, 1), 0, "%s", cnn_last_error());
    cr_assert_eq(model_add_batchnorm(m, "bn1"), 0, "%s", cnn_last_error());
    cr_assert_eq(model_add_conv_nobias(m, "conv2", z.k2, z.size2, z.size2 / 2, 1), 0, "%s", cnn_last_error());
    cr_assert_eq(model_add_batchnorm(m, "bn2"), 0, "%s", cnn_last_error());
    cr_assert_eq(model_add_dense(m, "fc1", z.classes), 0, "%s", cnn_last_error());
    model_init(m, seed);
    return m;
}

GRADED_TEST(hidden_network, conv_bn_network_fresh_shapes, 2,
            "8.1-8.3 inside a network you have not seen: logits, every parameter's gradient (through both batch "
            "norms into the convolutions), the running statistics and the inference logits match a network on "
            "the reference's batch norm")
{
    Rng rng = hidden_rng(84);
    LayerOps mine = layers_with_batchnorm(&layers_naive), theirs = mine;
    theirs.batchnorm_forward_train = ref_batchnorm2d_forward_train;
    theirs.batchnorm_forward_eval = ref_batchnorm2d_forward_eval;
    theirs.batchnorm_backward = ref_batchnorm2d_backward;
    for (int round = 0; round < 2; round++) {
        Net z = {hidden_size(&rng, 1, 3), hidden_size(&rng, 3, 7), hidden_size(&rng, 3, 7), hidden_size(&rng, 1, 4),
                 hidden_size(&rng, 1, 4), rng_below(&rng, 2) ? 3 : 1, hidden_size(&rng, 2, 4)};
        uint64_t seed = hidden_seed(&rng);
        Model *m = build(&mine, z, seed), *r = build(&theirs, z, seed);
        char shape[200], what[400];
        snprintf(shape, sizeof shape, "conv(%d->%d, 3x3)-BN-conv(%d->%d, %dx%d)-BN-dense(%d) on [N,%d,%d,%d]", z.c,
                 z.k1, z.k1, z.k2, z.size2, z.size2, z.classes, z.c, z.h, z.w);
        /* three training steps (forward, backward; no update) on batches
         * far from mean 0, variance 1, so the running statistics move */
        for (int step = 0; step < 3; step++) {
            int n = hidden_size(&rng, 2, 5);
            Tensor *x = test_random_tensor(n, z.c, z.h, z.w, hidden_seed(&rng));
            Tensor *g = test_random_tensor(n, z.classes, 1, 1, hidden_seed(&rng));
            cr_assert(x && g, "test_random_tensor: %s", cnn_last_error());
            for (size_t i = 0; i < tensor_size(x); i++) x->data[i] = 2 * x->data[i] + 1;
            model_zero_grad(m);
            model_zero_grad(r);
            const Tensor *logits = model_forward(m, x), *want = model_forward(r, x);
            cr_assert(logits && want, "model_forward: %s", cnn_last_error());
            snprintf(what, sizeof what, "%s, training step %d (N = %d): the logits", shape, step, n);
            expect_tensor_close(logits, want, BN_ATOL, BN_RTOL, what);
            Tensor *dm = model_dlogits(m), *dr = model_dlogits(r);
            for (size_t i = 0; i < tensor_size(g); i++) dm->data[i] = dr->data[i] = g->data[i];
            cr_assert_eq(model_backward(m, x), 0, "model_backward: %s", cnn_last_error());
            cr_assert_eq(model_backward(r, x), 0, "model_backward: %s", cnn_last_error());
            for (int p = 0; p < m->nparams; p++) {
                snprintf(what, sizeof what, "%s, training step %d (N = %d): the gradient of %s", shape, step, n,
                         m->params[p].name);
                expect_tensor_close(m->params[p].grad, r->params[p].grad, BN_ATOL, BN_RTOL, what);
            }
            tensor_free(x); tensor_free(g);
        }
        for (int l = 0; l < m->nlayers; l++) {
            if (m->layers[l].kind != LAYER_BATCHNORM) continue;
            snprintf(what, sizeof what, "%s, after 3 training forwards: %s.running_mean", shape, m->layers[l].name);
            expect_tensor_close(m->layers[l].running_mean, r->layers[l].running_mean, BN_ATOL, BN_RTOL, what);
            snprintf(what, sizeof what, "%s, after 3 training forwards: %s.running_var", shape, m->layers[l].name);
            expect_tensor_close(m->layers[l].running_var, r->layers[l].running_var, BN_ATOL, BN_RTOL, what);
        }
        model_set_inference(m, true);
        model_set_inference(r, true);
        Tensor *x = test_random_tensor(hidden_size(&rng, 1, 4), z.c, z.h, z.w, hidden_seed(&rng));
        cr_assert(x, "test_random_tensor: %s", cnn_last_error());
        const Tensor *logits = model_forward(m, x), *want = model_forward(r, x);
        cr_assert(logits && want, "model_forward: %s", cnn_last_error());
        snprintf(what, sizeof what, "%s in inference mode (N = %d): the logits", shape, x->n);
        expect_tensor_close(logits, want, BN_ATOL, BN_RTOL, what);
        tensor_free(x);
        model_free(m); model_free(r);
    }
}
