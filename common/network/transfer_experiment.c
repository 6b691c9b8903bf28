/* GIVEN -- read it, don't edit it. Part of common/network/ (chapter 08's program support).
 *
 * transfer_experiment.c -- chapter 08's transfer experiment (see
 * transfer_experiment.h): the splits of the data, the pretrained backbone
 * and its cache, the nine runs on the new task and their table.
 */
#include "transfer_experiment.h"

#include "csv.h"
#include "epochs.h"
#include "error.h"
#include "run.h"
#include "transfer.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

const char *const transfer_method_names[TRANSFER_METHODS] = {"scratch", "probe", "finetune"};

TransferSetup transfer_setup_for(const char *data, int epochs)
{
    TransferSetup s = {.split = 5, .backbone_scale = 0.1f};
    if (strcmp(data, "digits") == 0) {
        /* 143-144 training digits per class: 10, 100 and all of them. */
        s = (TransferSetup){5, {10, 100, 0}, 15, 15, 720, 0, 0.1f};
    } else {
        /* 5,000 training photos (or clothes) per class: a few epochs of
         * pretraining on 25,000 of them, then runs of 6 epochs of 2,500
         * images, each measured on 2,000 test images (400 per class): on two
         * shared cores that keeps the nine runs to minutes. */
        s = (TransferSetup){5, {10, 100, 1000}, 4, 6, 2500, 400, 0.1f};
    }
    if (epochs > 0) s.pretrain_epochs = s.epochs = epochs;
    return s;
}

/* out = the examples of src whose label is in first..first+count-1,
 * relabelled 0..count-1: at most per_class of each (the first ones in the
 * set's order; 0: all), the whole selection repeated until it holds at
 * least min_images (0: no repeat). */
static int take_classes(Dataset *out, const Dataset *src, int first, int count, int per_class, int min_images)
{
    int *idx = malloc((size_t)src->count * sizeof *idx), taken[16] = {0}, n = 0;
    if (!idx) return cnn_error("transfer: out of memory");
    for (int i = 0; i < src->count; i++) {
        int c = src->labels[i] - first;
        if (c < 0 || c >= count || c >= 16 || (per_class > 0 && taken[c] >= per_class)) continue;
        taken[c]++;
        idx[n++] = i;
    }
    int rc = 0;
    if (n == 0) rc = cnn_error("transfer: %s holds no example of classes %d..%d", src->name, first, first + count - 1);
    /* The selection cycled through until it fills min_images. */
    int size = min_images > n ? min_images : n;
    int *all = rc == 0 ? malloc((size_t)size * sizeof *all) : NULL;
    if (rc == 0 && !all) rc = cnn_error("transfer: out of memory");
    for (int i = 0; rc == 0 && i < size; i++) all[i] = idx[i % n];
    if (rc == 0) rc = dataset_gather(out, src, all, size);
    free(idx);
    free(all);
    if (rc != 0) return -1;
    for (int i = 0; i < out->count; i++) out->labels[i] -= first;
    out->classes = count;
    out->class_names = src->class_names ? src->class_names + first : NULL;
    return 0;
}

/* The number of distinct images of a selection: its size before repeats. */
static int distinct_images(const Dataset *src, int first, int count, int per_class)
{
    int n = 0;
    for (int c = 0; c < count; c++) {
        int have = 0;
        for (int i = 0; i < src->count; i++) have += src->labels[i] == first + c;
        n += per_class > 0 && per_class < have ? per_class : have;
    }
    return n;
}

static size_t trained_params(const Model *m)
{
    size_t n = 0;
    for (int i = 0; i < m->nlayers; i++) {
        const Layer *l = &m->layers[i];
        if (l->frozen) continue;
        if (l->weight) n += tensor_size(l->weight->value);
        if (l->bias) n += tensor_size(l->bias->value);
    }
    return n;
}

/* TrainConfig.step: your sgd_step_groups inside the training step. */
static int group_step(float *loss, int *correct, Model *m, const Tensor *x, const int *labels, SgdParams p,
                      const void *ctx)
{
    return transfer_train_step(loss, correct, m, x, labels, p, (const LrGroups *)ctx);
}

/* The backbone: the CNN trained on the first task, or the run already in
 * dir when it was made with the same settings and code. */
static int pretrain(TransferTable *t, TrainConfig *cfg, const Dataset *train, const Dataset *test,
                    const float *mean, const float *std, const char *dir, volatile sig_atomic_t *stop)
{
    RunSummary done;
    if (run_summary_read(&done, dir) == 0 && run_summary_matches(&done, cfg)) {
        fprintf(stderr, "backbone: reusing the finished run in %s\n", dir);
        t->reused = 1;
        t->pretrain_acc = done.test_acc;
        return 0;
    }
    fprintf(stderr, "pretraining the backbone on %s (%d epochs, batch %d, lr %g)\n", cfg->data, cfg->epochs,
            cfg->batch, (double)cfg->sgd.lr);
    RunResult r;
    if (run_training(&r, cfg, train, test, mean, std, dir, stop) != 0) return -1;
    if (r.train.interrupted) return cnn_error("transfer: stopped by Ctrl-C");
    t->pretrain_acc = r.train.last.test_acc;
    return 0;
}

/* The model of the new task: the CNN's two convolution blocks (the
 * backbone, named as in the CNN so that its saved weights fit) and a new
 * head, one dense layer from their features to the new classes. */
static Model *transfer_model(const TrainConfig *cfg, const Dataset *train)
{
    const Tensor *x = train->images;
    bool tiny = x->h <= 8 && x->w <= 8;
    Model *m = model_new(cfg->layers, "transfer", x->c, x->h, x->w);
    if (!m) return NULL;
    int rc = model_add_conv(m, "conv1", tiny ? 8 : 32, 3, 1, 1);
    if (rc == 0) rc = model_add_relu(m);
    if (rc == 0) rc = model_add_maxpool(m, 2, 2);
    if (rc == 0) rc = model_add_conv(m, "conv2", tiny ? 16 : 64, 3, 1, 1);
    if (rc == 0) rc = model_add_relu(m);
    if (rc == 0) rc = model_add_maxpool(m, 2, 2);
    if (rc == 0) rc = model_add_dense(m, "head", train->classes);
    if (rc != 0) {
        model_free(m);
        return NULL;
    }
    model_init(m, cfg->seed);
    return m;
}

/* One run on the new task: a fresh CNN, the backbone loaded and frozen as
 * the method says, trained with a learning rate per group. */
static int transfer_one(TransferCell *cell, int method, const TrainConfig *base, const TransferSetup *s,
                        const Dataset *train, const Dataset *test, const float *mean, const float *std,
                        const char *backbone, const char *dir, volatile sig_atomic_t *stop)
{
    Model *m = transfer_model(base, train);
    if (!m) return -1;
    int head = m->nlayers - 1; /* the new head: the last dense layer */
    LrGroups groups = {head, method == 2 ? s->backbone_scale : 1.0f};
    int rc = 0;
    if (method > 0) rc = model_load_backbone(m, backbone, head);
    if (rc == 0) rc = model_freeze(m, method == 1 ? head : 0);
    TrainConfig cfg = *base;
    cfg.step = group_step;
    cfg.step_ctx = &groups;
    fprintf(stderr, "%s on %d images of %s (%d epochs, batch %d, lr %g%s)\n", transfer_method_names[method],
            train->count, cfg.data, cfg.epochs, cfg.batch, (double)cfg.sgd.lr,
            method == 1 ? ", only the head learns" : method == 2 ? ", the backbone at a tenth" : "");
    RunResult r;
    if (rc == 0) rc = run_training_model(&r, m, &cfg, train, test, mean, std, dir, stop);
    if (rc == 0 && r.train.interrupted) rc = cnn_error("transfer: stopped by Ctrl-C");
    if (rc == 0) *cell = (TransferCell){r.train.last.test_acc, r.train.last.train_seconds, trained_params(m)};
    model_free(m);
    return rc;
}

int transfer_run(TransferTable *t, const TransferSetup *s, const char *data, const Dataset *train,
                 const Dataset *test, const float *mean, const float *std, const LayerOps *layers,
                 const char *root, volatile sig_atomic_t *stop)
{
    memset(t, 0, sizeof *t);
    int split = s->split, rest = train->classes - split;
    if (split < 2 || rest < 2) return cnn_error("transfer: split %d of %d classes leaves a task of one class",
                                                split, train->classes);
    t->split = split;
    t->classes = train->classes;
    Dataset a_train = {0}, a_test = {0}, b_test = {0};
    int rc = take_classes(&a_train, train, 0, split, 0, 0);
    if (rc == 0) rc = take_classes(&a_test, test, 0, split, 0, 0);
    if (rc == 0) rc = take_classes(&b_test, test, split, rest, s->test_per_class, 0);
    TrainConfig cfg;
    if (rc == 0) rc = train_config_defaults(&cfg, "cnn", data);
    char backbone[1024];
    snprintf(backbone, sizeof backbone, "%s/%s-backbone", root, data);
    if (rc == 0) {
        cfg.layers = layers;
        cfg.epochs = s->pretrain_epochs;
        snprintf(cfg.data, sizeof cfg.data, "%s classes 0-%d", data, split - 1);
        t->pretrain_images = a_train.count;
        t->pretrain_epochs = cfg.epochs;
        t->test_images = b_test.count;
        rc = pretrain(t, &cfg, &a_train, &a_test, mean, std, backbone, stop);
    }
    if (rc == 0) rc = train_config_defaults(&cfg, "cnn", data);
    cfg.layers = layers;
    cfg.epochs = s->epochs;
    snprintf(cfg.data, sizeof cfg.data, "%s classes %d-%d", data, split, train->classes - 1);
    for (int k = 0; k < TRANSFER_SIZES && rc == 0; k++) {
        Dataset b_train = {0};
        t->labels[k] = s->labels[k];
        t->images[k] = distinct_images(train, split, rest, s->labels[k]);
        rc = take_classes(&b_train, train, split, rest, s->labels[k], s->epoch_images);
        for (int method = 0; method < TRANSFER_METHODS && rc == 0; method++) {
            char dir[1100];
            snprintf(dir, sizeof dir, "%s/%s-transfer-%d-%s", root, data, t->images[k], transfer_method_names[method]);
            rc = transfer_one(&t->cell[k][method], method, &cfg, s, &b_train, &b_test, mean, std, backbone, dir, stop);
        }
        dataset_free(&b_train);
    }
    dataset_free(&a_train);
    dataset_free(&a_test);
    dataset_free(&b_test);
    return rc;
}

void transfer_print(FILE *out, const TransferTable *t, const TransferSetup *s, const char *data)
{
    fprintf(out, "\nTransfer on %s: a backbone pretrained on classes 0-%d (%d training images, %d epochs, test "
            "accuracy %.1f %% on those classes%s),\nthen classes %d-%d from few labels (%d test images); every run "
            "%d epochs of at least %d images\n\n", data, t->split - 1, t->pretrain_images, t->pretrain_epochs,
            100.0 * t->pretrain_acc, t->reused ? ", reused" : "", t->split, t->classes - 1, t->test_images,
            s->epochs, s->epoch_images);
    fprintf(out, "  labels/class   images   from scratch        linear probe        fine-tuning      fine-tuning - scratch\n");
    for (int k = 0; k < TRANSFER_SIZES; k++) {
        char labels[16];
        if (t->labels[k] > 0) snprintf(labels, sizeof labels, "%d", t->labels[k]);
        else snprintf(labels, sizeof labels, "all");
        fprintf(out, "  %12s   %6d", labels, t->images[k]);
        for (int m = 0; m < TRANSFER_METHODS; m++)
            fprintf(out, "   %5.1f %% %6.1f s", 100.0 * t->cell[k][m].test_acc, t->cell[k][m].train_seconds);
        fprintf(out, "   %+8.1f points\n", 100.0 * (t->cell[k][2].test_acc - t->cell[k][0].test_acc));
    }
    fprintf(out, "\n  Parameters trained: from scratch %zu, linear probe %zu (the new head alone), fine-tuning %zu "
            "(the backbone at %gx the head's learning rate).\n", t->cell[0][0].trained_params,
            t->cell[0][1].trained_params, t->cell[0][2].trained_params, (double)s->backbone_scale);
}

int transfer_write_csv(const char *path, const TransferTable *t)
{
    CsvFile *f = csv_open(path, "labels_per_class,images,scratch_acc,probe_acc,finetune_acc,scratch_s,probe_s,"
                                "finetune_s");
    for (int k = 0; k < TRANSFER_SIZES; k++) {
        /* "all": the images per class, for a plot against labels per class */
        csv_num(f, t->labels[k] > 0 ? t->labels[k] : (double)t->images[k] / (t->classes - t->split));
        csv_num(f, t->images[k]);
        for (int m = 0; m < TRANSFER_METHODS; m++) csv_num(f, t->cell[k][m].test_acc);
        for (int m = 0; m < TRANSFER_METHODS; m++) csv_num(f, t->cell[k][m].train_seconds);
        csv_end_row(f);
    }
    return csv_close(f);
}
