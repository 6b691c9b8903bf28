/* GIVEN -- read it, don't edit it. Part of common/network/.
 *
 * epochs.c -- defaults, standardisation, model choice and the epoch loop.
 * See epochs.h. */
#include "epochs.h"

#include "error.h"
#include "progress.h"
#include "rng.h"
#include "train_step.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int train_config_defaults(TrainConfig *cfg, const char *model, const char *data)
{
    memset(cfg, 0, sizeof *cfg);
    /* cnn-bn (chapter 08) trains with the CNN's settings, so the two compare
     * at the same epochs, batch and learning rate. */
    bool mlp = strcmp(model, "mlp") == 0, cnn = strcmp(model, "cnn") == 0 || strcmp(model, "cnn-bn") == 0;
    if (!mlp && !cnn) return cnn_error("unknown model '%s' (choose mlp, cnn or cnn-bn)", model);
    snprintf(cfg->model, sizeof cfg->model, "%s", model);
    snprintf(cfg->data, sizeof cfg->data, "%s", data);
    cfg->seed = 42;
    cfg->sgd.momentum = 0.9f;
    cfg->sgd.weight_decay = 5e-4f;
    cfg->lr_final = 0.05f;
    if (strcmp(data, "digits") == 0) {
        cfg->epochs = mlp ? 12 : 15;
        cfg->batch = mlp ? 32 : 16;
        cfg->sgd.lr = mlp ? 0.02f : 0.05f;
    } else if (strcmp(data, "fashion-mnist") == 0) {
        cfg->epochs = 5;
        cfg->batch = 64;
        cfg->sgd.lr = mlp ? 0.02f : 0.03f;
    } else if (strcmp(data, "cifar10") == 0) {
        cfg->epochs = 6;
        cfg->batch = 64;
        cfg->sgd.lr = mlp ? 0.01f : 0.03f;
    } else {
        return cnn_error("unknown dataset '%s' (choose digits, fashion-mnist or cifar10)", data);
    }
    return 0;
}

int standardize_datasets(float *mean, float *std, Dataset *train, Dataset *test)
{
    const Tensor *x = train->images;
    int C = x->c;
    if (C > 3) return cnn_error("standardize_datasets: %d channels, at most 3 supported", C);
    size_t plane = (size_t)x->h * (size_t)x->w;
    for (int c = 0; c < C; c++) {
        double sum = 0.0, sq = 0.0;
        for (int n = 0; n < x->n; n++) {
            const float *p = tensor_at(x, n, c, 0, 0);
            for (size_t i = 0; i < plane; i++) {
                sum += p[i];
                sq += (double)p[i] * p[i];
            }
        }
        double count = (double)x->n * (double)plane;
        mean[c] = (float)(sum / count);
        double var = sq / count - (sum / count) * (sum / count);
        std[c] = (float)(var > 1e-12 ? sqrt(var) : 1.0);
    }
    Dataset *sets[2] = {train, test};
    for (int s = 0; s < 2; s++) {
        Tensor *t = sets[s]->images;
        if (t->c != C) return cnn_error("standardize_datasets: train has %d channels, test %d", C, t->c);
        for (int n = 0; n < t->n; n++)
            for (int c = 0; c < C; c++) {
                float *p = tensor_at(t, n, c, 0, 0);
                for (size_t i = 0; i < plane; i++) p[i] = (p[i] - mean[c]) / std[c];
            }
    }
    return 0;
}

Model *build_model(const TrainConfig *cfg, const Dataset *train)
{
    const Tensor *x = train->images;
    if (!cfg->layers) return cnn_error("build_model: no layers chosen (set cfg->layers)"), NULL;
    if (strcmp(cfg->model, "mlp") == 0)
        return model_mlp(cfg->layers, x->c, x->h, x->w, train->classes, cfg->seed);
    bool tiny = x->h <= 8 && x->w <= 8;
    if (strcmp(cfg->model, "cnn") == 0)
        return model_cnn(cfg->layers, x->c, x->h, x->w, tiny ? 8 : 32, tiny ? 16 : 64, train->classes,
                         cfg->seed);
    if (strcmp(cfg->model, "cnn-bn") == 0)
        return model_cnn_bn(cfg->layers, x->c, x->h, x->w, tiny ? 8 : 32, tiny ? 16 : 64, train->classes,
                            cfg->seed);
    return cnn_error("unknown model '%s' (choose mlp, cnn or cnn-bn)", cfg->model), NULL;
}

/* Copies the images order[0..n-1] of src into xb [n, C, H, W] and their labels. */
static void gather(Tensor *xb, int *yb, const Dataset *src, const int *order, int n)
{
    size_t image = tensor_size(src->images) / (size_t)src->images->n;
    for (int i = 0; i < n; i++) {
        memcpy(tensor_image(xb, i), tensor_image(src->images, order[i]), image * sizeof(float));
        yb[i] = src->labels[order[i]];
    }
}

int train_epochs(TrainResult *result, Model *m, const Dataset *train, const Dataset *test,
                const TrainConfig *cfg, const TrainHooks *hooks)
{
    memset(result, 0, sizeof *result);
    if (cfg->epochs < 1 || cfg->batch < 1 || !(cfg->sgd.lr > 0.0f))
        return cnn_error("train_epochs: epochs %d, batch %d and lr %g must be positive", cfg->epochs,
                         cfg->batch, (double)cfg->sgd.lr);
    int count = train->count, batch = cfg->batch < count ? cfg->batch : count;
    int batches = (count + batch - 1) / batch;
    const Tensor *x = train->images;
    Tensor *xb = tensor_new(batch, x->c, x->h, x->w);
    int *yb = malloc((size_t)batch * sizeof *yb), *order = malloc((size_t)count * sizeof *order);
    if (!xb || !yb || !order) {
        tensor_free(xb);
        free(yb);
        free(order);
        return cnn_error("train_epochs: out of memory for a batch of %d", batch);
    }
    Rng rng, augment_rng;
    rng_seed(&rng, cfg->seed + 1000003); /* the shuffles' own stream, not the weights' */
    rng_seed(&augment_rng, cfg->seed + 2000003); /* and augmentation's */
    double train_seconds = 0.0;
    long images_done = 0;
    /* The layers' buffers exist before the clock starts (as PyTorch's timing
     * in make bench starts after one warm-up batch). */
    int rc = model_reserve(m, batch);
    long total_steps = (long)cfg->epochs * batches, step = 0;
    for (int epoch = 1; epoch <= cfg->epochs && rc == 0; epoch++) {
        shuffle_indices(order, count, &rng);
        double loss_sum = 0.0;
        long correct = 0, seen = 0;
        double t0 = progress_now();
        for (int b = 0; b < batches; b++, step++) {
            if (hooks && hooks->stop && *hooks->stop) break;
            int start = b * batch, n = count - start < batch ? count - start : batch;
            Tensor xv = tensor_batch(xb, 0, n);
            gather(&xv, yb, train, order + start, n);
            if (cfg->augment && (rc = cfg->augment(&xv, &augment_rng, cfg->augment_ctx)) != 0) break;
            /* Linear decay: the last steps take smaller, finer steps. */
            SgdParams p = cfg->sgd;
            double frac = total_steps > 1 ? (double)step / (double)(total_steps - 1) : 0.0;
            p.lr = (float)(cfg->sgd.lr * (1.0 - frac * (1.0 - cfg->lr_final)));
            float loss;
            int ok;
            rc = cfg->step ? cfg->step(&loss, &ok, m, &xv, yb, p, cfg->step_ctx)
                           : train_step(&loss, &ok, m, &xv, yb, p);
            if (rc != 0) break;
            if (!isfinite(loss)) {
                rc = cnn_error("train_epochs: the loss became %g at epoch %d, batch %d: the "
                               "learning rate %g is too large", (double)loss, epoch, b + 1,
                               (double)p.lr);
                break;
            }
            loss_sum += (double)loss * n;
            correct += ok;
            seen += n;
            images_done += n;
            if (hooks && hooks->on_batch)
                hooks->on_batch(hooks->ctx, epoch, b + 1, batches, loss, loss_sum / (double)seen,
                                (double)correct / (double)seen, images_done);
        }
        train_seconds += progress_now() - t0;
        if (rc != 0) break;
        if (hooks && hooks->stop && *hooks->stop) {
            result->interrupted = 1;
            break;
        }
        EpochStats s = {.epoch = epoch, .train_loss = loss_sum / (double)seen,
                        .train_acc = (double)correct / (double)seen, .train_seconds = train_seconds,
                        .images_per_second = train_seconds > 0 ? (double)images_done / train_seconds : 0};
        /* The test set is measured in inference mode: batch norm (chapter 08)
         * then uses its running statistics, not those of a test batch. */
        model_set_inference(m, true);
        rc = evaluate(&s.test_acc, &s.test_loss, m, test->images, test->labels, test->count, 256);
        model_set_inference(m, false);
        if (rc == 0 && hooks && hooks->on_epoch) rc = hooks->on_epoch(hooks->ctx, m, &s);
        if (rc == 0) {
            result->epochs_done = epoch;
            result->last = s;
        }
    }
    tensor_free(xb);
    free(yb);
    free(order);
    return rc;
}
