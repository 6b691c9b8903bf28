/* GIVEN -- read it, don't edit it. Part of common/network/.
 *
 * run.h -- one training run as the programs show and record it.
 *
 * Program support for train, verdict and the figure program: this is the
 * one chapter file that prints (the progress bar on stderr) and writes
 * files. A run writes into its folder (ARCHITECTURE.md, "Trained models"):
 *
 *     <name>.npy     every parameter, rewritten after each finished epoch
 *                    (so Ctrl-C keeps the last finished epoch's weights)
 *     loss.csv       epoch,step,images,loss,mean_loss,mean_acc   one row a batch
 *     epochs.csv     epoch,train_loss,train_acc,test_loss,test_acc,train_seconds,images_per_s
 *     summary.txt    the settings and the final numbers, "key: value" lines
 */
#ifndef NETWORK_RUN_H
#define NETWORK_RUN_H

#include "epochs.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct RunResult {
    size_t params;
    TrainResult train;
} RunResult;

/* summary.txt: the settings and the final numbers of a run, one
 * "key: value" line each. One writer (run_training) and one reader. */
typedef struct RunSummary {
    char model[8], data[32];
    char layers[8];          /* "naive" or "fast" */
    char code[96];           /* whose code: "yours: 03 05; reference: 04 06" (provenance) */
    size_t params;
    int epochs, epochs_done, batch;
    bool interrupted;
    double lr, lr_final, momentum, weight_decay;
    unsigned long long seed;
    int channels;            /* entries of input_mean / input_std */
    float input_mean[3], input_std[3];
    double train_loss, train_acc, test_loss, test_acc, train_seconds, images_per_second;
} RunSummary;

/* Reads dir/summary.txt. -1 with an error when it is missing or a line the
 * writer always writes is absent or malformed. */
int run_summary_read(RunSummary *s, const char *dir);

/* True when s is a finished run of exactly cfg's settings, on the same
 * layers and the same code (yours / the reference per chapter) as this
 * program: a run that can be reused instead of trained again. */
bool run_summary_matches(const RunSummary *s, const TrainConfig *cfg);

/* Prints whose code the run will use (provenance.h): every layer operation
 * of cfg->layers, the loss, SGD and training step (chapter 05). When the
 * layers are the naive ones because chapter 06 is untouched, it measures
 * one training step and says how long an epoch of train takes that way, and
 * how to choose chapter 06's fast layers instead. */
void run_print_whose_code(FILE *out, const TrainConfig *cfg, const Dataset *train);

/* Creates dir (and its parents) if needed. */
int make_dirs(const char *dir);

/* Builds cfg's model, trains it on train (already standardised with mean and
 * std, which summary.txt records) while drawing progress on stderr, and
 * records everything in out_dir. stop may be NULL. */
int run_training(RunResult *r, const TrainConfig *cfg, const Dataset *train,
                  const Dataset *test, const float *mean, const float *std, const char *out_dir,
                  volatile sig_atomic_t *stop);

/* run_training for a model the caller has built (and perhaps changed: chapter
 * 08 loads a pretrained backbone into it and freezes layers). m is not freed;
 * it holds the trained weights afterwards. */
int run_training_model(RunResult *r, Model *m, const TrainConfig *cfg, const Dataset *train,
                       const Dataset *test, const float *mean, const float *std, const char *out_dir,
                       volatile sig_atomic_t *stop);

/* One row of a comparison table (verdict, realworld): a finished run's size,
 * accuracy and time. */
typedef struct RunRow {
    const char *name;         /* "mlp", "cnn-bn", ...: not owned */
    size_t params;
    double test_acc;          /* 0..1 */
    double train_seconds, images_per_second;
    int epochs;               /* finished epochs */
} RunRow;

/* Trains the models cfg[0..count-1] one after the other on the same data,
 * cfg[i] into root/<cfg[i].data>-<names[i]>/, announcing each on stderr
 * ("training cnn on digits (15 epochs, ...)") under its progress bar, and
 * fills rows[i]. With reuse, a model whose folder already holds a finished
 * run of the same settings and code (run_summary_matches) is read from its
 * summary.txt instead of trained again. Stops at the first error or when
 * *stop is set (stop may be NULL); the rows not reached stay zero. */
int run_compare(RunRow *rows, const TrainConfig *cfg, const char *const *names, int count,
                const Dataset *train, const Dataset *test, const float *mean, const float *std,
                const char *root, bool reuse, volatile sig_atomic_t *stop);

/* The comparison table on out, its first column headed first_column
 * ("model", "run"):
 *     model      params   test accuracy   epochs   train time    images/s
 *     mlp        564106           97.2 %       12        0.7 s       24000 */
void run_print_table(FILE *out, const char *first_column, const RunRow *rows, int count);

/* The same table as CSV at path, header
 * "<first_column>,params,test_acc,epochs,train_seconds,images_per_s". */
int run_write_table(const char *path, const char *first_column, const RunRow *rows, int count);

#endif
