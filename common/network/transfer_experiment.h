/* GIVEN -- read it, don't edit it. Part of common/network/ (chapter 08's program support).
 *
 * transfer_experiment.h -- chapter 08's transfer experiment, run by
 * `realworld` after its batch-norm table: a backbone pretrained on one half
 * of a dataset's classes, then three ways to learn the other half from few
 * labels, with your model_load_backbone, model_freeze and sgd_step_groups.
 *
 *   pretraining   the CNN on classes 0..split-1 (every training image of
 *                 them), saved in <root>/<data>-backbone/ and reused by the
 *                 next run when its settings and code are the same
 *   the new task  classes split..9, relabelled 0..; for each number of
 *                 labels per class (the first that many training images of
 *                 each class), three models with the same new head:
 *                   scratch    every layer from random weights
 *                   probe      the backbone loaded and frozen: a linear
 *                              probe, only the last layer learns
 *                   finetune   the backbone loaded, every layer learns,
 *                              the backbone at backbone_scale x the rate
 *
 * Every run takes the same number of steps: a labelled set smaller than
 * epoch_images is repeated until an epoch holds that many images.
 * Nothing here is an exercise; it calls yours.
 */
#ifndef CH08_TRANSFER_EXPERIMENT_H
#define CH08_TRANSFER_EXPERIMENT_H

#include "dataset.h"
#include "layers.h"

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

enum { TRANSFER_SIZES = 3, TRANSFER_METHODS = 3 };

typedef struct TransferSetup {
    int split;                       /* classes 0..split-1 pretrain, split..classes-1 the new task */
    int labels[TRANSFER_SIZES];      /* labels per class of the new task; 0: all of them */
    int pretrain_epochs, epochs;     /* of the pretraining, of each run on the new task */
    int epoch_images;                /* the smallest epoch of a run on the new task */
    int test_per_class;              /* test images per class of the new task (0: all) */
    float backbone_scale;            /* fine-tuning: the backbone's share of the learning rate */
} TransferSetup;

/* The workbook's settings for a dataset (digits: 10, 100 and all labels per
 * class, every test image, seconds; cifar10: 10, 100 and 1,000 labels per
 * class, 400 test images per class, minutes). epochs > 0 overrides the
 * epochs of both the pretraining and the runs. */
TransferSetup transfer_setup_for(const char *data, int epochs);

typedef struct TransferCell {
    double test_acc, train_seconds;
    size_t trained_params;           /* of layers that are not frozen */
} TransferCell;

typedef struct TransferTable {
    int split, classes;
    int pretrain_images, pretrain_epochs;
    double pretrain_acc;             /* the backbone's test accuracy on its own classes */
    int reused;                      /* 1: the backbone was read from an earlier run */
    int labels[TRANSFER_SIZES], images[TRANSFER_SIZES]; /* labels per class and images of each size */
    int test_images;
    TransferCell cell[TRANSFER_SIZES][TRANSFER_METHODS]; /* [size][scratch, probe, finetune] */
} TransferTable;

extern const char *const transfer_method_names[TRANSFER_METHODS]; /* "scratch", "probe", "finetune" */

/* Runs the experiment on train and test (already standardised with mean
 * and std) with the given layers, writing every run under root/, and fills
 * t. -1 with an error; stop (may be NULL) ends it early (then -1 too). */
int transfer_run(TransferTable *t, const TransferSetup *s, const char *data, const Dataset *train,
                 const Dataset *test, const float *mean, const float *std, const LayerOps *layers,
                 const char *root, volatile sig_atomic_t *stop);

/* The table on out, and as CSV in path (one row per labels-per-class:
 * labels_per_class,images,scratch_acc,probe_acc,finetune_acc,scratch_s,
 * probe_s,finetune_s) for the figure. */
void transfer_print(FILE *out, const TransferTable *t, const TransferSetup *s, const char *data);
int transfer_write_csv(const char *path, const TransferTable *t);

#endif
