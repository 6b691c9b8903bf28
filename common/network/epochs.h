/* GIVEN -- read it, don't edit it. Part of common/network/.
 *
 * epochs.h -- the epoch loop and what the programs share around it: default
 * hyperparameters, input standardisation, building the named model, and
 * train_epochs (shuffle, mini-batches, chapter 05's train_step, evaluate)
 * with hooks for progress and a stop flag.
 *
 * Nothing here prints or touches files: the hooks do (see run.h).
 */
#ifndef NETWORK_EPOCHS_H
#define NETWORK_EPOCHS_H

#include "dataset.h"
#include "model.h"
#include "rng.h"
#include "sgd.h"

#include <signal.h>
#include <stdint.h>

typedef struct TrainConfig {
    char model[8];    /* "mlp", "cnn" or "cnn-bn" (chapter 08: layers with batch norm) */
    char data[32];    /* "digits", "fashion-mnist", "cifar10" */
    int epochs;       /* >= 1 */
    int batch;        /* mini-batch size, >= 1 */
    SgdParams sgd;    /* lr, momentum, weight decay */
    float lr_final;   /* the learning rate falls linearly from sgd.lr to
                         lr_final * sgd.lr over the run (1 = constant) */
    uint64_t seed;    /* initial weights and the shuffles */
    const LayerOps *layers; /* the layers the model calls: &layers_naive or
                               &layers_fast (the program chooses; defaults: NULL) */
    /* Optional (NULL, the default: none): changes each training batch
     * xb [n,C,H,W] in place before its step, drawing from rng (its own
     * stream, seeded from seed) -- chapter 08's augmentation. Never called
     * on the test set, and the stored training images stay as they are:
     * the batch is a copy. ctx is passed through. */
    int (*augment)(Tensor *xb, Rng *rng, const void *ctx);
    const void *augment_ctx;
    /* Optional (NULL, the default: chapter 05's train_step): the training
     * step, for a run that updates its parameters its own way -- chapter
     * 08's fine-tuning (frozen layers, a learning rate per group of
     * layers). train_step's contract, p with the learning rate of this
     * step of the schedule; ctx is passed through. */
    int (*step)(float *loss, int *correct, Model *m, const Tensor *x, const int *labels, SgdParams p,
                const void *ctx);
    const void *step_ctx;
} TrainConfig;

/* The workbook's tuned settings for a model ("mlp", "cnn") on a dataset;
 * -1 with an error for an unknown name. */
int train_config_defaults(TrainConfig *cfg, const char *model, const char *data);

/* Standardises every channel of both datasets in place with the training
 * set's statistics: x' = (x - mean[c]) / std[c]. mean and std receive the
 * C values (C <= 3). Zero-mean, unit-variance inputs let one learning rate
 * suit every dataset. */
int standardize_datasets(float *mean, float *std, Dataset *train, Dataset *test);

/* The tutorial's model named cfg->model for images shaped like train's:
 * "mlp" or "cnn" (8/16 filters for 8x8 digits, 32/64 otherwise), or
 * "cnn-bn", the CNN with batch norm after each convolution and after the
 * first dense layer (cfg->layers must then have batch norm:
 * layers_batchnorm.h), calling cfg->layers. */
Model *build_model(const TrainConfig *cfg, const Dataset *train);

typedef struct EpochStats {
    int epoch;                        /* 1-based */
    double train_loss, train_acc;     /* means over the epoch's batches */
    double test_loss, test_acc;
    double train_seconds;             /* training time so far, no evaluation */
    double images_per_second;         /* training images / train_seconds */
} EpochStats;

typedef struct TrainHooks {
    void *ctx;
    /* After every batch (1-based), with the batch's loss and the epoch's
     * running means so far; images_done counts since the start. */
    void (*on_batch)(void *ctx, int epoch, int batch, int batches, float loss, double mean_loss,
                     double mean_acc, long images_done);
    /* After every finished epoch, once it is evaluated. Returning -1 stops
     * training with an error (e.g. the weights could not be saved). */
    int (*on_epoch)(void *ctx, const Model *m, const EpochStats *s);
    /* Polled after every batch; when it becomes non-zero training stops,
     * and the unfinished epoch is dropped (on_epoch is not called). */
    volatile sig_atomic_t *stop;
} TrainHooks;

typedef struct TrainResult {
    int epochs_done;
    int interrupted;     /* 1 when *stop ended the run */
    EpochStats last;     /* the last finished epoch (zeroed if none) */
} TrainResult;

/* Trains m on train for cfg->epochs epochs, evaluating on test after each. */
int train_epochs(TrainResult *result, Model *m, const Dataset *train, const Dataset *test,
                const TrainConfig *cfg, const TrainHooks *hooks);

#endif
