/* HIDDEN -- a hidden test of the autograders (grader/autograder/README.md).
 *
 * hidden_transfer.c -- chapter 08's hidden tests of transfer learning:
 * loading a backbone, freezing layers and SGD with a learning rate per
 * group, on models drawn from the autograder's seed (a pooling layer before
 * the first convolution, one or two convolutions with or without batch
 * norm, zero to two hidden dense layers, 3 to 14 layers in all), with the
 * backbone's end, the freeze point, the head and the rates drawn too. Each
 * model is built twice from one seed; your function works on one copy, the
 * reference's (ref_*) on the other, and the two copies must agree exactly:
 * every weight and running statistic after a load, every layer's flags and
 * every gradient after a freeze, every value and velocity after a step.
 * Batch norm runs the reference's (ref_batchnorm2d_*), so a mistake in
 * exercises 8.1-8.3 cannot cost points here.
 */
#include "transfer.h"
#include "batchnorm.h"
#include "layers_batchnorm.h"

#include "error.h"
#include "hidden.h"
#include "testing.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

REFERENCE(model_load_backbone);
REFERENCE(model_freeze);
REFERENCE(sgd_step_groups);
REFERENCE(batchnorm2d_forward_train);
REFERENCE(batchnorm2d_forward_eval);
REFERENCE(batchnorm2d_backward);

/* ---- models drawn from the seed ------------------------------------------- */

/* [N, c, h, w] input; an optional 2x2 pooling layer first; nconv blocks
 * conv(k[i], 3x3, pad 1) (no bias and batch norm after it when bn[i]),
 * ReLU, then a 2x2 max pooling when pool[i]; ndense blocks dense(d[i])-ReLU;
 * the head dense(classes). */
typedef struct {
    int c, h, w;
    bool lead_pool;
    int nconv, k[2];
    bool bn[2], pool[2];
    int ndense, d[2];
    int classes;
} Arch;

static Arch draw_arch(Rng *rng)
{
    Arch a = {.c = hidden_size(rng, 1, 3), .h = 2 * hidden_size(rng, 2, 4), .w = 2 * hidden_size(rng, 2, 4)};
    a.lead_pool = rng_below(rng, 3) == 0;
    a.nconv = hidden_size(rng, 1, 2);
    for (int i = 0; i < 2; i++) {
        a.k[i] = hidden_size(rng, 1, 4);
        a.bn[i] = rng_below(rng, 2) == 1;
        a.pool[i] = rng_below(rng, 2) == 1;
    }
    a.ndense = hidden_size(rng, 0, 2);
    for (int i = 0; i < 2; i++) a.d[i] = hidden_size(rng, 2, 6);
    a.classes = hidden_size(rng, 2, 5);
    return a;
}

/* The table every model of this file runs: chapters 03-05's layers and the
 * reference's batch norm. */
static const LayerOps *ops(void)
{
    static LayerOps t;
    t = layers_with_batchnorm(&layers_naive);
    t.batchnorm_forward_train = ref_batchnorm2d_forward_train;
    t.batchnorm_forward_eval = ref_batchnorm2d_forward_eval;
    t.batchnorm_backward = ref_batchnorm2d_backward;
    return &t;
}

#define ADD(call) cr_assert_eq((call), 0, "building a hidden model: %s", cnn_last_error())

static Model *build(Arch a, uint64_t seed)
{
    Model *m = model_new(ops(), "hidden-tl", a.c, a.h, a.w);
    cr_assert(m, "model_new: %s", cnn_last_error());
    int h = a.h, w = a.w;
    if (a.lead_pool) {
        ADD(model_add_avgpool(m, 2, 2));
        h /= 2, w /= 2;
    }
    char name[16];
    for (int i = 0; i < a.nconv; i++) {
        snprintf(name, sizeof name, "conv%d", i + 1);
        if (a.bn[i]) {
            ADD(model_add_conv_nobias(m, name, a.k[i], 3, 1, 1));
            snprintf(name, sizeof name, "bn%d", i + 1);
            ADD(model_add_batchnorm(m, name));
        } else {
            ADD(model_add_conv(m, name, a.k[i], 3, 1, 1));
        }
        ADD(model_add_relu(m));
        if (a.pool[i] && h >= 2 && w >= 2) {
            ADD(model_add_maxpool(m, 2, 2));
            h /= 2, w /= 2;
        }
    }
    for (int i = 0; i < a.ndense; i++) {
        snprintf(name, sizeof name, "fc%d", i + 1);
        ADD(model_add_dense(m, name, a.d[i]));
        ADD(model_add_relu(m));
    }
    snprintf(name, sizeof name, "fc%d", a.ndense + 1);
    ADD(model_add_dense(m, name, a.classes));
    model_init(m, seed);
    return m;
}

/* "avgpool-conv(2->3)-BN-relu-pool-conv(3->4)-relu-fc(5)-relu-fc(3), [N,2,8,6]" */
static const char *arch_str(const Model *m)
{
    static char s[400];
    int len = 0;
    for (int i = 0; i < m->nlayers && len < (int)sizeof s - 40; i++) {
        const Layer *l = &m->layers[i];
        len += snprintf(s + len, sizeof s - (size_t)len, "%s%s", i ? "-" : "", l->name);
        if (l->kind == LAYER_CONV || l->kind == LAYER_DENSE) len += snprintf(s + len, sizeof s - (size_t)len, "(%d)", l->out[0]);
    }
    snprintf(s + len, sizeof s - (size_t)len, " on [N,%d,%d,%d] (%d layers)", m->in[0], m->in[1], m->in[2], m->nlayers);
    return s;
}

/* Every tensor model_save writes: the parameters, then the running
 * statistics, each with its file's name (without .npy). */
typedef struct {
    int n;
    Tensor *t[2 * MODEL_MAX_LAYERS + 2 * MODEL_MAX_LAYERS];
    char name[4 * MODEL_MAX_LAYERS][48];
    int layer[4 * MODEL_MAX_LAYERS];
} Saved;

static Saved saved_tensors(const Model *m)
{
    Saved s = {0};
    for (int i = 0; i < m->nlayers; i++) {
        const Layer *l = &m->layers[i];
        const Param *p[2] = {l->weight, l->bias};
        for (int k = 0; k < 2; k++)
            if (p[k]) {
                snprintf(s.name[s.n], 48, "%s", p[k]->name);
                s.layer[s.n] = i;
                s.t[s.n++] = p[k]->value;
            }
        if (l->kind == LAYER_BATCHNORM) {
            snprintf(s.name[s.n], 48, "%s.running_mean", l->name);
            s.layer[s.n] = i;
            s.t[s.n++] = l->running_mean;
            snprintf(s.name[s.n], 48, "%s.running_var", l->name);
            s.layer[s.n] = i;
            s.t[s.n++] = l->running_var;
        }
    }
    return s;
}

/* Random values in every saved tensor (biases and batch norm's gamma, beta
 * and running statistics too, which model_init sets to 0 or 1 in every
 * model alike), so a copied tensor can be told from one that stayed. */
static void randomize(Model *m, Rng *rng)
{
    Saved s = saved_tensors(m);
    for (int i = 0; i < s.n; i++) {
        bool var = strstr(s.name[i], "running_var") != NULL;
        for (size_t j = 0; j < tensor_size(s.t[i]); j++)
            s.t[i]->data[j] = var ? rng_uniform_range(rng, 0.2f, 2) : rng_uniform_range(rng, -1, 1);
    }
}

static const char *save_to(const Model *m, const char *name)
{
    static char dir[300];
    snprintf(dir, sizeof dir, "%s", test_temp_path(name));
    mkdir(dir, 0700);
    cr_assert_eq(model_save(m, dir), 0, "model_save: %s", cnn_last_error());
    return dir;
}

static void remove_saved(const Model *m, const char *dir)
{
    Saved s = saved_tensors(m);
    char path[400];
    for (int i = 0; i < s.n; i++) {
        snprintf(path, sizeof path, "%s/%s.npy", dir, s.name[i]);
        remove(path);
    }
    rmdir(dir);
}

/* Copies of every saved tensor of m, to compare with later. */
static Saved snapshot(const Model *m)
{
    Saved s = saved_tensors(m);
    for (int i = 0; i < s.n; i++) {
        s.t[i] = tensor_clone(s.t[i]);
        cr_assert(s.t[i], "out of memory");
    }
    return s;
}

static void free_snapshot(Saved *s)
{
    for (int i = 0; i < s->n; i++) tensor_free(s->t[i]);
}

/* Every saved tensor of m exactly as in want (a snapshot or the other copy). */
static void expect_same_tensors(const Model *m, const Saved *want, const char *context, const char *why_head,
                                const char *why_backbone, int layers)
{
    Saved got = saved_tensors(m);
    char what[700];
    for (int i = 0; i < got.n; i++) {
        bool backbone = got.layer[i] < layers;
        snprintf(what, sizeof what, "%s: %s (layer %d, %s)", context, got.name[i], got.layer[i],
                 backbone ? why_backbone : why_head);
        expect_tensor_close(got.t[i], want->t[i], 0, 0, what);
    }
}

/* ---- 8.7 loading -------------------------------------------------------------- */

GRADED_TEST(hidden_transfer, load_backbone_fresh_models, 3,
            "8.7 on models you have not seen: after model_load_backbone(m, dir, layers) every weight, bias and "
            "batch-norm running statistic of layers 0..layers-1 holds the saved value and every later one keeps "
            "m's own, for layers from 0 to all of them")
{
    Rng rng = hidden_rng(87);
    for (int round = 0; round < 6; round++) {
        Arch a = draw_arch(&rng);
        Model *src = build(a, hidden_seed(&rng));
        uint64_t seed = hidden_seed(&rng);
        Model *m = build(a, seed), *r = build(a, seed);
        randomize(src, &rng);
        Rng same = rng;
        randomize(m, &rng);
        randomize(r, &same);
        /* round 0: the backbone ends just before the head; round 1: every
         * layer; round 2: none; then anywhere, often right before a layer
         * with parameters (where a loop one layer too far shows) */
        int layers = round == 0 ? m->nlayers - 1 : round == 1 ? m->nlayers : round == 2 ? 0
                                                                           : hidden_size(&rng, 1, m->nlayers - 1);
        if (round > 2)
            while (layers < m->nlayers - 1 && !m->layers[layers].weight && rng_below(&rng, 4) != 0) layers++;
        const char *dir = save_to(src, "hidden-ch08-backbone");
        cr_assert_eq(ref_model_load_backbone(r, dir, layers), 0, "the reference failed: %s", cnn_last_error());
        cr_assert_eq(model_load_backbone(m, dir, layers), 0, "model_load_backbone(m, dir, %d) on %s returned -1: %s",
                     layers, arch_str(m), cnn_last_error());
        Saved want = saved_tensors(r);
        char context[600];
        snprintf(context, sizeof context, "after model_load_backbone(m, dir, %d) on %s", layers, arch_str(m));
        expect_same_tensors(m, &want, context, "the head: keeps m's own value",
                            "the backbone: takes the saved value", layers);
        remove_saved(src, dir);
        model_free(src); model_free(m); model_free(r);
    }
}

GRADED_TEST(hidden_transfer, load_refuses_and_leaves_model_untouched, 2,
            "8.7 on models you have not seen: a saved model whose later layer has another shape, or a missing "
            "file, gives -1 with a message naming the file (and both shapes), and m is exactly as before (the "
            "layers that did fit are not copied either); a backbone that stops before the misfit loads; a layer "
            "count outside 0..nlayers is refused")
{
    Rng rng = hidden_rng(88);
    for (int round = 0; round < 6; round++) {
        Arch a = draw_arch(&rng);
        a.nconv = 2;
        Arch b = a;
        /* the misfit: conv2's channels, or the first hidden dense layer's
         * width (then every convolution fits) */
        bool dense = a.ndense > 0 && rng_below(&rng, 2) == 1;
        if (dense) b.d[0]++;
        else b.k[1]++;
        Model *src = build(b, hidden_seed(&rng)), *m = build(a, hidden_seed(&rng));
        randomize(src, &rng);
        randomize(m, &rng);
        /* the first file whose shape differs, and the first layer it belongs to */
        Saved ss = saved_tensors(src), ms = saved_tensors(m);
        cr_assert_eq(ss.n, ms.n, "the hidden test's two models save as many tensors");
        int bad = 0;
        while (bad < ms.n && tensor_size(ss.t[bad]) == tensor_size(ms.t[bad])) bad++;
        cr_assert(bad < ms.n && bad > 0, "the hidden test's misfit is not where it should be");
        int misfit = ms.layer[bad];
        const char *dir = save_to(src, "hidden-ch08-misfit");
        Saved before = snapshot(m);
        char context[700], file[64], shape_file[64], shape_model[64];
        snprintf(file, sizeof file, "%s.npy", ms.name[bad]);
        tensor_shape_str(ss.t[bad], shape_file, sizeof shape_file);
        tensor_shape_str(ms.t[bad], shape_model, sizeof shape_model);
        int layers = hidden_size(&rng, misfit + 1, m->nlayers);

        cr_expect_eq(model_load_backbone(m, dir, layers), -1,
                     "model_load_backbone(m, dir, %d) on %s: %s was saved as %s and m's is %s: -1 expected", layers,
                     arch_str(m), file, shape_file, shape_model);
        const char *msg = cnn_last_error();
        cr_expect(strstr(msg, file) && strstr(msg, shape_file) && strstr(msg, shape_model),
                  "the message must name the file %s and give both shapes, %s (the file) and %s (the model); got: %s",
                  file, shape_file, shape_model, msg);
        snprintf(context, sizeof context, "after a refused model_load_backbone(m, dir, %d) on %s (%s misfits)", layers,
                 arch_str(m), file);
        expect_same_tensors(m, &before, context, "nothing may change", "nothing may be copied, even where it fits",
                            layers);

        /* the backbone up to the misfit's layer (not included) fits */
        int fits = hidden_size(&rng, ms.layer[0] + 1, misfit);
        Model *r = build(a, 0);
        Saved mine = saved_tensors(m), theirs = saved_tensors(r);
        for (int i = 0; i < mine.n; i++) cr_assert_eq(tensor_copy(theirs.t[i], mine.t[i]), 0, "%s", cnn_last_error());
        cr_assert_eq(ref_model_load_backbone(r, dir, fits), 0, "the reference failed: %s", cnn_last_error());
        cr_expect_eq(model_load_backbone(m, dir, fits), 0,
                     "model_load_backbone(m, dir, %d) on %s: the misfit %s is in layer %d, after the backbone: 0 "
                     "expected, got -1 (%s)", fits, arch_str(m), file, misfit, cnn_last_error());
        snprintf(context, sizeof context, "after model_load_backbone(m, dir, %d) on %s (the misfit %s is in layer %d, "
                 "not loaded)", fits, arch_str(m), file, misfit);
        expect_same_tensors(m, &theirs, context, "keeps m's own value", "takes the saved value", fits);

        /* a missing file in the backbone: remove one of layers 0..fits-1 */
        free_snapshot(&before);
        before = snapshot(m);
        int inside = 0;
        while (inside < ms.n && ms.layer[inside] < fits) inside++;
        int gone = rng_below(&rng, inside);
        char path[400];
        snprintf(path, sizeof path, "%s/%s.npy", dir, ms.name[gone]);
        remove(path);
        snprintf(file, sizeof file, "%s.npy", ms.name[gone]);
        cr_expect_eq(model_load_backbone(m, dir, fits), -1,
                     "model_load_backbone(m, dir, %d) on %s: %s is missing: -1 expected", fits, arch_str(m), file);
        msg = cnn_last_error();
        cr_expect(strstr(msg, file) != NULL, "the message must name the missing file %s; got: %s", file, msg);
        snprintf(context, sizeof context, "after model_load_backbone(m, dir, %d) on %s that found no %s", fits,
                 arch_str(m), file);
        expect_same_tensors(m, &before, context, "nothing may change", "nothing may be copied", fits);

        int out[] = {-1, m->nlayers + 1};
        for (int k = 0; k < 2; k++)
            cr_expect_eq(model_load_backbone(m, dir, out[k]), -1,
                         "model_load_backbone(m, dir, %d) on a model of %d layers must be refused", out[k], m->nlayers);
        remove_saved(src, dir);
        free_snapshot(&before);
        model_free(src); model_free(m); model_free(r);
    }
}

/* ---- 8.8 freezing ---------------------------------------------------------------- */

GRADED_TEST(hidden_transfer, freeze_fresh_models, 2,
            "8.8 on models you have not seen (a pooling layer first in some): after model_freeze(m, k), then "
            "model_freeze(m, k2), every layer's frozen and stop_grad are the reference's, and one backward "
            "gives the reference's gradients (exactly 0 in frozen layers); k outside 0..nlayers is refused")
{
    Rng rng = hidden_rng(89);
    for (int round = 0; round < 6; round++) {
        Arch a = draw_arch(&rng);
        uint64_t seed = hidden_seed(&rng);
        Model *m = build(a, seed), *r = build(a, seed);
        int ks[2] = {hidden_size(&rng, 0, m->nlayers), hidden_size(&rng, 0, m->nlayers)};
        if (round == 0) ks[1] = 0;
        if (round == 1) ks[1] = m->nlayers;
        if (round == 2) ks[1] = m->nlayers - 1;
        for (int call = 0; call < 2; call++) {
            int k = ks[call];
            cr_assert_eq(ref_model_freeze(r, k), 0, "the reference failed: %s", cnn_last_error());
            cr_assert_eq(model_freeze(m, k), 0, "model_freeze(m, %d) on %s returned -1: %s", k, arch_str(m),
                         cnn_last_error());
            for (int i = 0; i < m->nlayers; i++) {
                const Layer *l = &m->layers[i], *w = &r->layers[i];
                cr_expect_eq(l->frozen, w->frozen, "%s: model_freeze(m, %d)%s: layer %d (%s) must %sbe frozen",
                             arch_str(m), k, call ? " after another model_freeze" : "", i, l->name,
                             w->frozen ? "" : "not ");
                cr_expect_eq(l->stop_grad, w->stop_grad,
                             "%s: model_freeze(m, %d)%s: layer %d (%s): stop_grad must be %s (%s)", arch_str(m), k,
                             call ? " after another model_freeze" : "", i, l->name, w->stop_grad ? "true" : "false",
                             w->stop_grad ? "no layer before it has parameters that learn"
                                          : "a layer before it has parameters that learn");
            }
        }
        int n = hidden_size(&rng, 1, 3);
        Tensor *x = test_random_tensor(n, a.c, a.h, a.w, hidden_seed(&rng));
        Tensor *g = test_random_tensor(n, a.classes, 1, 1, hidden_seed(&rng));
        Model *both[2] = {m, r};
        for (int k = 0; k < 2; k++) {
            model_zero_grad(both[k]);
            cr_assert(model_forward(both[k], x), "model_forward: %s", cnn_last_error());
            memcpy(model_dlogits(both[k])->data, g->data, tensor_size(g) * sizeof(float));
            cr_assert_eq(model_backward(both[k], x), 0, "model_backward: %s", cnn_last_error());
        }
        for (int p = 0; p < m->nparams; p++) {
            int layer = 0;
            while (layer < r->nlayers && r->layers[layer].weight != &r->params[p] && r->layers[layer].bias != &r->params[p])
                layer++;
            char what[700];
            snprintf(what, sizeof what, "%s, after model_freeze(m, %d), model_freeze(m, %d) and one backward: the "
                     "gradient of %s (layer %d, %s)", arch_str(m), ks[0], ks[1], m->params[p].name, layer,
                     layer < ks[1] ? "frozen: never computed, still 0" : "learns: as without freezing");
            expect_tensor_close(m->params[p].grad, r->params[p].grad, 1e-6f, 1e-6f, what);
        }
        int out[] = {-1, m->nlayers + 1};
        for (int k = 0; k < 2; k++)
            cr_expect_eq(model_freeze(m, out[k]), -1, "model_freeze(m, %d) on a model of %d layers must be refused",
                         out[k], m->nlayers);
        tensor_free(x); tensor_free(g);
        model_free(m); model_free(r);
    }
}

/* ---- 8.9 a learning rate per group --------------------------------------------- */

GRADED_TEST(hidden_transfer, sgd_groups_fresh_models, 3,
            "8.9 on models, freeze points, heads and rates you have not seen: after one sgd_step_groups every "
            "value and velocity is the reference's (frozen layers untouched, the backbone at backbone_scale * "
            "lr, the head at lr, momentum, weight decay on weights only); a head outside 0..nlayers or a "
            "backbone_scale <= 0 is refused")
{
    Rng rng = hidden_rng(90);
    for (int round = 0; round < 8; round++) {
        Arch a = draw_arch(&rng);
        uint64_t seed = hidden_seed(&rng);
        Model *m = build(a, seed), *r = build(a, seed);
        /* random values (biases too), gradients and velocities, alike in both */
        for (int p = 0; p < m->nparams; p++) {
            Tensor *t[3] = {m->params[p].value, m->params[p].grad, m->params[p].velocity};
            Tensor *u[3] = {r->params[p].value, r->params[p].grad, r->params[p].velocity};
            for (int k = 0; k < 3; k++)
                for (size_t j = 0; j < tensor_size(t[k]); j++) t[k]->data[j] = u[k]->data[j] = rng_uniform_range(&rng, -1, 1);
        }
        /* round 0 freezes nothing, round 1 everything but the head; the head
         * mostly after the frozen layers, so both groups learn */
        int freeze = round == 0 ? 0 : round == 1 ? m->nlayers - 1 : hidden_size(&rng, 0, m->nlayers - 2);
        LrGroups g = {.head = round == 2 ? m->nlayers : round == 3 ? 0 : hidden_size(&rng, freeze + 1, m->nlayers),
                      .backbone_scale = round == 4 ? 1.0f : rng_uniform_range(&rng, 0.05f, 0.6f)};
        SgdParams p = {.lr = rng_uniform_range(&rng, 0.01f, 0.5f),
                       .momentum = round == 5 ? 0.0f : rng_uniform_range(&rng, 0.5f, 0.95f),
                       .weight_decay = round == 6 ? 0.0f : rng_uniform_range(&rng, 0.01f, 0.2f)};
        cr_assert_eq(ref_model_freeze(m, freeze), 0, "the reference failed: %s", cnn_last_error());
        cr_assert_eq(ref_model_freeze(r, freeze), 0, "the reference failed: %s", cnn_last_error());
        cr_assert_eq(ref_sgd_step_groups(r, p, &g), 0, "the reference failed: %s", cnn_last_error());
        cr_assert_eq(sgd_step_groups(m, p, &g), 0,
                     "sgd_step_groups on %s (%d layers frozen), head %d, backbone_scale %g, lr %g returned -1: %s",
                     arch_str(m), freeze, g.head, (double)g.backbone_scale, (double)p.lr, cnn_last_error());
        for (int q = 0; q < m->nparams; q++) {
            const Param *mine = &m->params[q];
            int layer = 0;
            while (layer < m->nlayers && m->layers[layer].weight != mine && m->layers[layer].bias != mine) layer++;
            bool frozen = layer < freeze, backbone = layer < g.head;
            char why[200], what[900];
            if (frozen)
                snprintf(why, sizeof why, "frozen: value and velocity untouched");
            else
                snprintf(why, sizeof why, "%s: lr %g, momentum %g, weight decay %g", backbone ? "backbone" : "head",
                         (double)(backbone ? p.lr * g.backbone_scale : p.lr), (double)p.momentum,
                         mine->decay ? (double)p.weight_decay : 0.0);
            const char *names[] = {"value", "velocity"};
            const Tensor *got[] = {mine->value, mine->velocity}, *want[] = {r->params[q].value, r->params[q].velocity};
            for (int k = 0; k < 2; k++) {
                snprintf(what, sizeof what, "after one sgd_step_groups on %s, %d layers frozen, head %d, "
                         "backbone_scale %g: the %s of %s (layer %d, %s)", arch_str(m), freeze, g.head,
                         (double)g.backbone_scale, names[k], mine->name, layer, why);
                expect_tensor_close(got[k], want[k], 1e-6f, 1e-6f, what);
            }
        }
        LrGroups bad[] = {{-1, 0.5f}, {m->nlayers + 1, 0.5f}, {g.head, 0.0f}, {g.head, -0.5f}};
        for (int k = 0; k < 4; k++)
            cr_expect_eq(sgd_step_groups(m, p, &bad[k]), -1,
                         "sgd_step_groups with head %d, backbone_scale %g on a model of %d layers must be refused",
                         bad[k].head, (double)bad[k].backbone_scale, m->nlayers);
        model_free(m); model_free(r);
    }
}
