/* session.h -- one training run as the programs show and record it.
 * Chapter 05 (given).
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
#ifndef CH05_SESSION_H
#define CH05_SESSION_H

#include "trainer.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct SessionResult {
    size_t params;
    TrainResult train;
} SessionResult;

/* Creates dir (and its parents) if needed. */
int make_dirs(const char *dir);

/* Builds cfg's model, trains it on train (already standardised with mean and
 * std, which summary.txt records) while drawing progress on stderr, and
 * records everything in out_dir. stop may be NULL. */
int session_train(SessionResult *r, const TrainConfig *cfg, const Dataset *train,
                  const Dataset *test, const float *mean, const float *std, const char *out_dir,
                  volatile sig_atomic_t *stop);

#endif
