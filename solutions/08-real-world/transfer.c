/* SOLUTION -- the reference; `make skeletons` generates chapters/08-real-world/transfer.c from it.
 *
 * transfer.c -- chapter 08: loading a pretrained backbone into a new model,
 * freezing layers, and SGD with a learning rate per group (see transfer.h).
 *
 * The weights travel as model_save wrote them, one .npy per tensor named
 * after its layer ("conv1.weight"), so a backbone is found by name and any
 * model whose first layers are built the same way can take it.
 */
#include "transfer.h"

#include "error.h"
#include "npy.h"
#include "softmax_ce.h"
#include "train_step.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

enum { LAYER_TENSORS = 4, BACKBONE_TENSORS = LAYER_TENSORS * MODEL_MAX_LAYERS };

/* The tensors layer l saves (model_save's order: weight, bias, then batch
 * norm's running mean and variance), into t[] with their file names
 * (without .npy) into names[]. Returns how many (0 for ReLU and pooling). */
static int layer_saved_tensors(Tensor **t, char (*names)[48], const Layer *l)
{
    int n = 0;
    const Param *p[2] = {l->weight, l->bias};
    for (int k = 0; k < 2; k++)
        if (p[k]) {
            snprintf(names[n], 48, "%s", p[k]->name);
            t[n++] = p[k]->value;
        }
    if (l->kind == LAYER_BATCHNORM) {
        snprintf(names[n], 48, "%s.running_mean", l->name);
        t[n++] = l->running_mean;
        snprintf(names[n], 48, "%s.running_var", l->name);
        t[n++] = l->running_var;
    }
    return n;
}

static bool same_shape(const Tensor *a, const Tensor *b)
{
    return a->ndim == b->ndim && memcmp(a->dim, b->dim, sizeof a->dim) == 0;
}

int model_load_backbone(Model *m, const char *dir, int layers)
{
    if (!m || !dir) return cnn_error("model_load_backbone: a model and a folder are required");
    if (layers < 0 || layers > m->nlayers)
        return cnn_error("model_load_backbone: %d layers asked, model %s has %d", layers, m->name, m->nlayers);
    /* into[i] is the model's tensor, loaded[i] the file's, names[i] its name. */
    Tensor *into[BACKBONE_TENSORS], *loaded[BACKBONE_TENSORS] = {0};
    char names[BACKBONE_TENSORS][48];
    int count = 0, rc = 0;
    // TODO 8.7: for each of the first `layers` layers, append the tensors it
    // saves to into[] and names[] (layer_saved_tensors(into + count, names +
    // count, &m->layers[i]) returns how many), and load each from
    // dir/<name>.npy into loaded[] (npy_load_tensor: NULL means an error,
    // already explained). A file whose shape is not the model's tensor's
    // (same_shape) is an error naming the file and both shapes
    // (tensor_shape_str). Only when every file loaded and matched, copy
    // each loaded[i] into into[i] (tensor_copy): a failure copies nothing.
    // Keep the first error in rc; free every loaded tensor either way.
    //>> solution
    for (int i = 0; i < layers; i++) count += layer_saved_tensors(into + count, names + count, &m->layers[i]);
    for (int i = 0; i < count && rc == 0; i++) {
        char path[1024];
        if (snprintf(path, sizeof path, "%s/%s.npy", dir, names[i]) >= (int)sizeof path) {
            rc = cnn_error("model_load_backbone: %s: folder name too long", dir);
        } else if (!(loaded[i] = npy_load_tensor(path))) {
            rc = cnn_error_context("model_load_backbone");
        } else if (!same_shape(loaded[i], into[i])) {
            char a[64], b[64];
            rc = cnn_error("model_load_backbone: %s holds %s, but %s of model %s is %s: the backbone must be "
                           "built like the model that was saved", path, tensor_shape_str(loaded[i], a, sizeof a),
                           names[i], m->name, tensor_shape_str(into[i], b, sizeof b));
        }
    }
    for (int i = 0; i < count && rc == 0; i++) rc = tensor_copy(into[i], loaded[i]);
    //| (void)dir; (void)into; (void)names; (void)layer_saved_tensors; (void)same_shape;
    //<<
    for (int i = 0; i < count; i++) tensor_free(loaded[i]);
    return rc;
}

int model_freeze(Model *m, int layers)
{
    if (!m) return cnn_error("model_freeze: no model");
    if (layers < 0 || layers > m->nlayers)
        return cnn_error("model_freeze: %d layers asked, model %s has %d", layers, m->name, m->nlayers);
    // TODO 8.8: walk the layers from the first: layer i is frozen when
    // i < layers; it gets stop_grad when no layer before it learns (has
    // parameters, l->weight != NULL, and is not frozen). Set both flags on
    // every layer, true or false, so a second call undoes the first.
    // Hint: one bool, "some layer below learns", false at the start, set
    //       after looking at each layer.
    //>> solution
    bool learns_below = false;
    for (int i = 0; i < m->nlayers; i++) {
        Layer *l = &m->layers[i];
        l->frozen = i < layers;
        l->stop_grad = !learns_below;
        if (l->weight && !l->frozen) learns_below = true;
    }
    //<<
    return 0;
}

int sgd_step_groups(Model *m, SgdParams p, const LrGroups *g)
{
    if (!m || !g) return cnn_error("sgd_step_groups: a model and its groups are required");
    if (g->head < 0 || g->head > m->nlayers || !(g->backbone_scale > 0.0f))
        return cnn_error("sgd_step_groups: head %d must be 0..%d and backbone_scale %g positive", g->head,
                         m->nlayers, (double)g->backbone_scale);
    for (int i = 0; i < m->nlayers; i++) {
        Layer *l = &m->layers[i];
        Param *params[2] = {l->weight, l->bias};
        // TODO 8.9: skip a frozen layer. Otherwise its learning rate is
        // g->backbone_scale * p.lr in the backbone (i < g->head) and p.lr in
        // the head; call sgd_step(q->value, q->velocity, q->grad, ...) for
        // each of its two parameters that exists (a conv before batch norm
        // has no bias), with weight_decay 0 where q->decay is false.
        // Return -1 when a step fails.
        //>> solution
        if (l->frozen) continue;
        SgdParams group = p;
        if (i < g->head) group.lr = p.lr * g->backbone_scale;
        for (int k = 0; k < 2; k++) {
            Param *q = params[k];
            if (!q) continue;
            SgdParams pq = group;
            if (!q->decay) pq.weight_decay = 0.0f;
            if (sgd_step(q->value, q->velocity, q->grad, pq) != 0) return -1;
        }
        //| (void)l; (void)params; (void)p;
        //<<
    }
    return 0;
}

int transfer_train_step(float *loss, int *correct, Model *m, const Tensor *x, const int *labels,
                        SgdParams p, const LrGroups *g)
{
    /* x [N, C, H, W], labels [N] */
    if (!loss || !correct || !m || !x || !labels || !g)
        return cnn_error("transfer_train_step: every argument is required (one is NULL)");
    model_zero_grad(m);
    const Tensor *logits = model_forward(m, x);
    if (!logits) return -1;
    if (softmax_cross_entropy(loss, model_dlogits(m), logits, labels) != 0) return -1;
    *correct = count_correct(logits, labels);
    if (model_backward(m, x) != 0) return -1;
    return sgd_step_groups(m, p, g);
}
