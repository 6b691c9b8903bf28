/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * test_network_bn.c -- chapter 08: your batch norm inside a network.
 *
 * common/network's model calls batch norm through its table of layer
 * operations (layers_batchnorm.h adds yours to the naive table of chapters
 * 03-05's reference). These tests train nothing: they check that gradients
 * flow through your layer into the convolution below it, and that a
 * network in inference mode answers for one image what it answers for it
 * inside a batch, also after its weights are saved and loaded.
 */
#include "layers_batchnorm.h"
#include "model.h"

#include "error.h"
#include "gradcheck.h"
#include "testing.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* conv(1->4, 3x3, pad 1, no bias) - BN - dense(4*5*5 -> 3) for [N,1,5,5]
 * (no ReLU: its kink would disturb the central differences). */
static Model *small_model(const LayerOps *ops)
{
    Model *m = model_new(ops, "conv-bn", 1, 5, 5);
    cr_assert(m, "%s", cnn_last_error());
    cr_assert_eq(model_add_conv_nobias(m, "conv1", 4, 3, 1, 1), 0, "%s", cnn_last_error());
    cr_assert_eq(model_add_batchnorm(m, "bn1"), 0, "%s", cnn_last_error());
    cr_assert_eq(model_add_dense(m, "fc1", 3), 0, "%s", cnn_last_error());
    model_init(m, 8);
    return m;
}

typedef struct {
    Model *m;
    const Tensor *x, *g;
} NetLoss;

static double net_loss(void *ctx)
{
    NetLoss *l = ctx;
    const Tensor *logits = model_forward(l->m, l->x);
    cr_assert(logits, "model_forward: %s", cnn_last_error());
    return gradcheck_dot(logits, l->g);
}

static Param *param_named(Model *m, const char *name)
{
    for (int i = 0; i < m->nparams; i++)
        if (strcmp(m->params[i].name, name) == 0) return &m->params[i];
    cr_assert_fail("the model has no parameter %s", name);
    return NULL;
}

GRADED_TEST(network, conv_bn_gradients_reach_the_conv, 2,
            "In a conv-BN-dense network the gradient of the conv's weights passes through your batch-norm "
            "backward: wrong dx there and the conv below learns the wrong thing (TODOs 8.1, 8.3).")
{
    LayerOps ops = layers_with_batchnorm(&layers_naive);
    Model *m = small_model(&ops);
    Tensor *x = test_random_tensor(4, 1, 5, 5, 83), *g = test_random_tensor(4, 3, 1, 1, 84);
    NetLoss l = {m, x, g};
    model_zero_grad(m);
    cr_assert(model_forward(m, x), "%s", cnn_last_error());
    Tensor *dlogits = model_dlogits(m);
    for (size_t i = 0; i < tensor_size(dlogits); i++) dlogits->data[i] = g->data[i];
    cr_assert_eq(model_backward(m, x), 0, "%s", cnn_last_error());
    const char *names[] = {"conv1.weight", "bn1.weight", "bn1.bias"};
    for (int k = 0; k < 3; k++) {
        Param *p = param_named(m, names[k]);
        Tensor *numeric = tensor_new_like(p->value);
        cr_assert(numeric, "out of memory");
        cr_assert_eq(gradcheck_numeric(numeric, p->value, net_loss, &l, GRADCHECK_EPS), 0, "%s", cnn_last_error());
        float lo, hi;
        tensor_minmax(numeric, &lo, &hi);
        cr_expect(hi - lo > 1e-4f, "conv-BN-dense network: the logits do not move when %s is nudged (central "
                  "differences all %g): batch norm's training forward must write y", names[k], (double)lo);
        char what[96], report[2048];
        snprintf(what, sizeof what, "conv-BN-dense network: gradient of %s", names[k]);
        cr_expect(gradcheck_compare(NULL, p->grad, numeric, GRADCHECK_TOL, GRADCHECK_FLOOR, what, report, sizeof report),
                  "%s", report);
        tensor_free(numeric);
    }
    tensor_free(x); tensor_free(g);
    model_free(m);
}

GRADED_TEST(network, inference_is_per_image_and_survives_saving, 2,
            "After training steps, a network in inference mode gives one image alone the logits it gave it in "
            "its batch, and a saved and reloaded network the same again: the running statistics are used and "
            "kept (TODOs 8.1, 8.2).")
{
    Model *plain = model_new(&layers_naive, "plain", 1, 5, 5);
    cr_assert(plain, "%s", cnn_last_error());
    cr_expect_eq(model_add_batchnorm(plain, "bn1"), -1, "a table without batch norm must refuse a batch-norm layer");
    model_free(plain);
    LayerOps ops = layers_with_batchnorm(&layers_naive);
    Model *m = small_model(&ops);
    /* Five training forwards on batches whose channels sit far from mean 0,
     * variance 1: the running statistics move. */
    Tensor *x = test_random_tensor(6, 1, 5, 5, 85);
    for (size_t i = 0; i < tensor_size(x); i++) x->data[i] = 3 * x->data[i] + 2;
    for (int step = 0; step < 5; step++) cr_assert(model_forward(m, x), "%s", cnn_last_error());
    const Layer *bn = &m->layers[1];
    cr_expect(fabsf(bn->running_mean->data[0]) > 1e-3f,
              "bn1 running_mean[0] is still %g after five training forwards: were the running averages updated?",
              (double)bn->running_mean->data[0]);
    model_set_inference(m, true);
    const Tensor *all = model_forward(m, x);
    cr_assert(all, "%s", cnn_last_error());
    Tensor *batch_logits = tensor_clone(all);
    Tensor one = tensor_batch(x, 2, 1);
    const Tensor *alone = model_forward(m, &one);
    cr_assert(alone, "%s", cnn_last_error());
    Tensor want = tensor_batch(batch_logits, 2, 1);
    expect_tensor_close(alone, &want, 1e-5f, 1e-4f, "inference logits of image 2 alone vs in its batch of 6");
    char dir[256];
    snprintf(dir, sizeof dir, "%s", test_temp_path("ch08-bn-model"));
    mkdir(dir, 0700);
    cr_assert_eq(model_save(m, dir), 0, "model_save: %s", cnn_last_error());
    Model *copy = small_model(&ops);
    cr_assert_eq(model_load(copy, dir), 0, "model_load: %s", cnn_last_error());
    model_set_inference(copy, true);
    const Tensor *again = model_forward(copy, x);
    cr_assert(again, "%s", cnn_last_error());
    expect_tensor_close(again, batch_logits, 1e-6f, 0, "inference logits of a saved and reloaded network");
    const char *files[] = {"conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
                           "fc1.weight", "fc1.bias"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[400];
        snprintf(path, sizeof path, "%s/%s.npy", dir, files[i]);
        remove(path);
    }
    rmdir(dir);
    tensor_free(x); tensor_free(batch_logits);
    model_free(m); model_free(copy);
}
