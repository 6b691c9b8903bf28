/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * test_transfer.c -- chapter 08: a pretrained backbone loaded into a new
 * model, frozen layers, and a learning rate per group.
 *
 * The models are chapter 05's CNN on [N,1,8,8] images (conv1, relu, pool,
 * conv2, relu, pool, fc1, relu, fc2: layers 0..8, the head is layer 8),
 * built from different seeds so that every copied weight can be told from
 * one that stayed. The gradient work is seen through a table of layer
 * operations that records every backward call it passes on.
 */
#include "transfer.h"

#include "error.h"
#include "testing.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { HEAD = 8 };

static Model *cnn(const LayerOps *ops, int c1, int c2, unsigned long long seed)
{
    Model *m = model_cnn(ops, 1, 8, 8, c1, c2, 5, seed);
    cr_assert(m, "model_cnn: %s", cnn_last_error());
    cr_assert_eq(m->nlayers, 9, "the test expects the CNN's 9 layers");
    return m;
}

/* Saves m into a fresh scratch folder; returns the folder (static buffer). */
static const char *save_model(const Model *m, const char *name)
{
    static char dir[256];
    snprintf(dir, sizeof dir, "%s", test_temp_path(name));
    mkdir(dir, 0700);
    cr_assert_eq(model_save(m, dir), 0, "model_save: %s", cnn_last_error());
    return dir;
}

static void remove_saved(const Model *m, const char *dir)
{
    char path[400];
    for (int i = 0; i < m->nparams; i++) {
        snprintf(path, sizeof path, "%s/%s.npy", dir, m->params[i].name);
        remove(path);
    }
    rmdir(dir);
}

static Tensor **snapshot(const Model *m)
{
    static Tensor *copies[MODEL_MAX_PARAMS];
    for (int i = 0; i < m->nparams; i++) {
        copies[i] = tensor_clone(m->params[i].value);
        cr_assert(copies[i], "out of memory");
    }
    return copies;
}

static void free_snapshot(Tensor **copies, int n)
{
    for (int i = 0; i < n; i++) tensor_free(copies[i]);
}

/* ---- 8.7 loading the backbone ---------------------------------------------- */

GRADED_TEST(transfer, load_copies_the_backbone_not_the_head, 3,
            "model_load_backbone(m, dir, 8) gives layers 0..7 of m (conv1, conv2, fc1: weights and biases) the "
            "saved values exactly, and leaves the head (fc2, layer 8) as m had it (TODO 8.7).")
{
    Model *saved = cnn(&layers_naive, 4, 6, 1), *m = cnn(&layers_naive, 4, 6, 2);
    const char *dir = save_model(saved, "ch08-backbone-a");
    Tensor **before = snapshot(m);
    cr_assert_eq(model_load_backbone(m, dir, HEAD), 0, "model_load_backbone failed: %s", cnn_last_error());
    for (int i = 0; i < m->nparams; i++) {
        const Param *p = &m->params[i];
        bool head = strncmp(p->name, "fc2.", 4) == 0;
        char what[128];
        snprintf(what, sizeof what, "%s after model_load_backbone(m, dir, 8): %s", p->name,
                 head ? "the head keeps the new model's values" : "the backbone takes the saved values");
        expect_tensor_close(p->value, head ? before[i] : saved->params[i].value, 0, 0, what);
    }
    /* Zero layers: nothing is read, nothing changes. */
    Model *fresh = cnn(&layers_naive, 4, 6, 2);
    cr_expect_eq(model_load_backbone(fresh, "/nonexistent-ch08-folder", 0), 0,
                 "model_load_backbone with 0 layers must read nothing and succeed: %s", cnn_last_error());
    expect_tensor_close(fresh->params[0].value, before[0], 0, 0, "conv1.weight after loading 0 layers");
    remove_saved(saved, dir);
    free_snapshot(before, m->nparams);
    model_free(saved); model_free(m); model_free(fresh);
}

GRADED_TEST(transfer, load_checks_every_shape_first, 2,
            "A saved model whose conv2 has other shapes is refused with a message naming the file and both "
            "shapes, and m is left exactly as it was (conv1, which fits, is not copied either); a missing "
            "file is refused the same way (TODO 8.7).")
{
    Model *saved = cnn(&layers_naive, 4, 7, 1), *m = cnn(&layers_naive, 4, 6, 2);
    const char *dir = save_model(saved, "ch08-backbone-b");
    Tensor **before = snapshot(m);
    cr_expect_eq(model_load_backbone(m, dir, HEAD), -1,
                 "conv2.weight was saved as [7,4,3,3] and the model's is [6,4,3,3]: model_load_backbone must "
                 "return -1");
    const char *msg = cnn_last_error();
    cr_expect(strstr(msg, "conv2.weight.npy") != NULL, "the message must name the file conv2.weight.npy; got: %s", msg);
    cr_expect(strstr(msg, "[7,4,3,3]") != NULL && strstr(msg, "[6,4,3,3]") != NULL,
              "the message must give both shapes, [7,4,3,3] (the file) and [6,4,3,3] (the model); got: %s", msg);
    for (int i = 0; i < m->nparams; i++) {
        char what[128];
        snprintf(what, sizeof what, "%s after a refused load (nothing may be copied)", m->params[i].name);
        expect_tensor_close(m->params[i].value, before[i], 0, 0, what);
    }
    /* The first layer alone fits: loading it works. */
    cr_expect_eq(model_load_backbone(m, dir, 1), 0, "conv1 alone fits and must load: %s", cnn_last_error());
    expect_tensor_close(m->params[0].value, saved->params[0].value, 0, 0, "conv1.weight after loading layer 0 only");
    /* A missing file. */
    char path[400];
    snprintf(path, sizeof path, "%s/fc1.bias.npy", dir);
    remove(path);
    Model *other = cnn(&layers_naive, 4, 7, 3);
    Tensor *conv1 = tensor_clone(other->params[0].value);
    cr_expect_eq(model_load_backbone(other, dir, HEAD), -1, "fc1.bias.npy is missing: model_load_backbone must fail");
    msg = cnn_last_error();
    cr_expect(strstr(msg, "fc1.bias.npy") != NULL, "the message must name the missing fc1.bias.npy; got: %s", msg);
    expect_tensor_close(other->params[0].value, conv1, 0, 0, "conv1.weight after a load that failed on fc1.bias.npy");
    cr_expect_eq(model_load_backbone(other, dir, HEAD + 2), -1, "10 layers of a 9-layer model must be refused");
    remove_saved(saved, dir);
    free_snapshot(before, m->nparams);
    tensor_free(conv1);
    model_free(saved); model_free(m); model_free(other);
}

/* ---- 8.8 freezing ------------------------------------------------------------ */

static void expect_flags(const Model *m, int layers, const bool *frozen, const bool *stop)
{
    for (int i = 0; i < m->nlayers; i++) {
        const Layer *l = &m->layers[i];
        cr_expect_eq(l->frozen, frozen[i], "model_freeze(m, %d): layer %d (%s) must %sbe frozen", layers, i, l->name,
                     frozen[i] ? "" : "not ");
        cr_expect_eq(l->stop_grad, stop[i],
                     "model_freeze(m, %d): layer %d (%s): stop_grad must be %s (%s)", layers, i, l->name,
                     stop[i] ? "true" : "false",
                     stop[i] ? "no layer below it learns, so its input gradient is wasted work"
                             : "a layer below it learns and needs the gradient it passes down");
    }
}

GRADED_TEST(transfer, freeze_marks_frozen_and_stop_grad, 2,
            "model_freeze(m, k): layers 0..k-1 frozen, the others not; stop_grad on every layer below which "
            "nothing learns; a second call replaces the first (TODO 8.8).")
{
    Model *m = cnn(&layers_naive, 4, 6, 1);
    const bool T = true, F = false;
    /* Linear probe: everything but fc2 frozen; nothing below fc2 learns. */
    cr_assert_eq(model_freeze(m, HEAD), 0, "%s", cnn_last_error());
    expect_flags(m, HEAD, (const bool[]){T, T, T, T, T, T, T, T, F}, (const bool[]){T, T, T, T, T, T, T, T, T});
    /* conv1 block frozen: conv2 learns, so the layers above it pass gradients down. */
    cr_assert_eq(model_freeze(m, 3), 0, "%s", cnn_last_error());
    expect_flags(m, 3, (const bool[]){T, T, T, F, F, F, F, F, F}, (const bool[]){T, T, T, T, F, F, F, F, F});
    /* Nothing frozen: only the first layer has no input to pass a gradient to. */
    cr_assert_eq(model_freeze(m, 0), 0, "%s", cnn_last_error());
    expect_flags(m, 0, (const bool[]){F, F, F, F, F, F, F, F, F}, (const bool[]){T, F, F, F, F, F, F, F, F});
    cr_expect_eq(model_freeze(m, 10), -1, "model_freeze(m, 10) on 9 layers must be refused");
    cr_expect_eq(model_freeze(m, -1), -1, "model_freeze(m, -1) must be refused");
    model_free(m);
}

/* A table of layer operations that records each conv and dense backward
 * call (which of dx and dw it was asked for) and passes it on. */
typedef struct {
    char kind; /* 'c' conv, 'd' dense */
    bool dx, dw;
} Call;
static Call calls[32];
static int ncalls;

static int conv_backward_rec(Tensor *dx, Tensor *dw, Tensor *db, const Tensor *dy, const Tensor *x, const Tensor *w,
                             Conv2dParams p)
{
    if (ncalls < 32) calls[ncalls++] = (Call){'c', dx != NULL, dw != NULL};
    return layers_naive.conv_backward(dx, dw, db, dy, x, w, p);
}

static int dense_backward_rec(Tensor *dx, Tensor *dw, Tensor *db, const Tensor *dy, const Tensor *x, const Tensor *w)
{
    if (ncalls < 32) calls[ncalls++] = (Call){'d', dx != NULL, dw != NULL};
    return layers_naive.dense_backward(dx, dw, db, dy, x, w);
}

/* One forward and backward of m on x with dlogits g. */
static void backward_once(Model *m, const Tensor *x, const Tensor *g)
{
    ncalls = 0;
    model_zero_grad(m);
    cr_assert(model_forward(m, x), "%s", cnn_last_error());
    Tensor *dlogits = model_dlogits(m);
    memcpy(dlogits->data, g->data, tensor_size(g) * sizeof(float));
    cr_assert_eq(model_backward(m, x), 0, "%s", cnn_last_error());
}

GRADED_TEST(transfer, frozen_layers_cost_no_gradient_work, 3,
            "After model_freeze, backward computes no gradient of a frozen layer's parameters (their grads stay "
            "exactly 0, dw is never asked for) and stops where nothing below learns, while the layers that "
            "learn get exactly the gradients of the unfrozen model (TODO 8.8).")
{
    LayerOps ops = layers_naive;
    ops.conv_backward = conv_backward_rec;
    ops.dense_backward = dense_backward_rec;
    ops.relu_maxpool2x2_backward = NULL;
    Model *m = cnn(&ops, 4, 6, 1), *full = cnn(&ops, 4, 6, 1);
    Tensor *x = test_random_tensor(3, 1, 8, 8, 91), *g = test_random_tensor(3, 5, 1, 1, 92);
    cr_assert_eq(model_freeze(full, 0), 0, "%s", cnn_last_error());
    backward_once(full, x, g);
    struct {
        int layers, ncalls;
        Call want[4];
        const char *what;
    } cases[] = {
        {HEAD, 1, {{'d', false, true}}, "linear probe (8 layers frozen): only fc2's dw, no dx below it"},
        {3, 3, {{'d', true, true}, {'d', true, true}, {'c', false, true}},
         "conv1 block frozen: fc2 and fc1 with dx and dw, conv2 with dw but no dx, conv1 not at all"},
    };
    for (int k = 0; k < 2; k++) {
        cr_assert_eq(model_freeze(m, cases[k].layers), 0, "%s", cnn_last_error());
        backward_once(m, x, g);
        cr_expect_eq(ncalls, cases[k].ncalls, "%s: %d conv/dense backward calls expected, %d made", cases[k].what,
                     cases[k].ncalls, ncalls);
        for (int i = 0; i < ncalls && i < cases[k].ncalls; i++) {
            Call w = cases[k].want[i], got = calls[i];
            cr_expect(got.kind == w.kind && got.dx == w.dx && got.dw == w.dw,
                      "%s: backward call %d (from the top) asked for dx %s and dw %s; expected dx %s and dw %s",
                      cases[k].what, i + 1, got.dx ? "yes" : "no", got.dw ? "yes" : "no", w.dx ? "yes" : "no",
                      w.dw ? "yes" : "no");
        }
        for (int i = 0; i < m->nparams; i++) {
            const Param *p = &m->params[i];
            bool frozen = (cases[k].layers == HEAD && strncmp(p->name, "fc2.", 4) != 0) ||
                          (cases[k].layers == 3 && strncmp(p->name, "conv1.", 6) == 0);
            char what[160];
            snprintf(what, sizeof what, "%s: gradient of %s (%s)", cases[k].what, p->name,
                     frozen ? "frozen: never computed, still 0" : "learns: as without freezing");
            if (frozen) {
                Tensor *zero = tensor_new_like(p->grad);
                cr_assert(zero, "out of memory");
                expect_tensor_close(p->grad, zero, 0, 0, what);
                tensor_free(zero);
            } else {
                expect_tensor_close(p->grad, full->params[i].grad, 1e-6f, 1e-5f, what);
            }
        }
    }
    tensor_free(x); tensor_free(g);
    model_free(m); model_free(full);
}

/* ---- 8.9 a learning rate per group ----------------------------------------- */

GRADED_TEST(transfer, sgd_groups_rates_decay_and_frozen, 3,
            "sgd_step_groups: frozen layers untouched (values and velocities); the backbone (layers before "
            "g.head) at backbone_scale * lr, the head at lr; weight decay on weights only (TODO 8.9).")
{
    Model *m = cnn(&layers_naive, 4, 6, 1);
    /* Known gradients: 0.5 everywhere; velocities 0; biases 0.2 (not 0, so
     * that weight decay on a bias would show). */
    for (int i = 0; i < m->nparams; i++) {
        tensor_fill(m->params[i].grad, 0.5f);
        if (!m->params[i].decay) tensor_fill(m->params[i].value, 0.2f);
    }
    Tensor **before = snapshot(m);
    cr_assert_eq(model_freeze(m, 3), 0, "%s", cnn_last_error());
    SgdParams p = {.lr = 0.1f, .momentum = 0.9f, .weight_decay = 0.01f};
    LrGroups g = {.head = HEAD, .backbone_scale = 0.25f};
    cr_assert_eq(sgd_step_groups(m, p, &g), 0, "sgd_step_groups failed: %s", cnn_last_error());
    for (int i = 0; i < m->nparams; i++) {
        const Param *q = &m->params[i];
        bool frozen = strncmp(q->name, "conv1.", 6) == 0, head = strncmp(q->name, "fc2.", 4) == 0;
        float lr = head ? 0.1f : 0.025f, wd = q->decay ? 0.01f : 0.0f;
        Tensor *want = tensor_clone(before[i]), *wantv = tensor_new_like(q->velocity);
        cr_assert(want && wantv, "out of memory");
        if (!frozen)
            for (size_t j = 0; j < tensor_size(want); j++) {
                /* first step from velocity 0: v = g + wd * w, w -= lr * v */
                wantv->data[j] = 0.5f + wd * before[i]->data[j];
                want->data[j] = before[i]->data[j] - lr * wantv->data[j];
            }
        char what[200];
        snprintf(what, sizeof what, "%s after one sgd_step_groups (%s)", q->name,
                 frozen ? "frozen: unchanged"
                 : head ? (q->decay ? "head: lr 0.1, decay 0.01" : "head: lr 0.1, no decay on a bias")
                        : (q->decay ? "backbone: lr 0.25 * 0.1, decay 0.01" : "backbone: lr 0.025, no decay on a bias"));
        expect_tensor_close(q->value, want, 1e-7f, 1e-6f, what);
        snprintf(what, sizeof what, "velocity of %s after one sgd_step_groups%s", q->name,
                 frozen ? " (frozen: still 0)" : "");
        expect_tensor_close(q->velocity, wantv, 1e-7f, 1e-6f, what);
        tensor_free(want); tensor_free(wantv);
    }
    LrGroups bad = {.head = HEAD, .backbone_scale = 0.0f};
    cr_expect_eq(sgd_step_groups(m, p, &bad), -1, "backbone_scale 0 must be refused");
    free_snapshot(before, m->nparams);
    model_free(m);
}
