/* GIVEN -- read it, don't edit it.
 *
 * progress.h -- the state and the text of a training progress bar.
 *
 *     epoch 3/10 [#########-----------] batch 25/45  loss 0.4123  acc 87.5%  5120 img/s  ETA 0:12
 *
 * The core never prints (error.h), so this file keeps the counters and the
 * clock and formats the line; the program decides where it goes: redrawn in
 * place with '\r' when stderr is a terminal, one line per epoch when it is a
 * log file. Used by chapter 05's training programs.
 *
 * Speed is counted in training images per second since the start (so the
 * ETA includes evaluation pauses); the ETA assumes the same speed for the
 * images that remain.
 */
#ifndef CNN_PROGRESS_H
#define CNN_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct Progress {
    int epochs, batches;      /* totals: epochs, batches per epoch */
    long images_per_epoch;
    int epoch, batch;         /* current position, 1-based */
    long images_done;         /* since the start */
    double loss, accuracy;    /* running mean over the current epoch */
    double start, last_draw;  /* progress_now() timestamps */
} Progress;

/* Seconds on a monotonic clock (for timing only: the origin is arbitrary). */
double progress_now(void);

/* Starts the clock for `epochs` epochs of `batches` batches covering
 * images_per_epoch images. */
void progress_start(Progress *p, int epochs, int batches, long images_per_epoch);

/* Records that batch `batch` (1-based) of epoch `epoch` is done, that
 * images_done images have been trained on since the start, and the epoch's
 * running loss and accuracy (0..1). */
void progress_update(Progress *p, int epoch, int batch, long images_done, double loss,
                     double accuracy);

/* True at most every `interval` seconds, and always for the last batch of
 * an epoch: when to redraw without flooding a slow terminal. */
bool progress_due(Progress *p, double interval);

/* Seconds since progress_start, and training images per second. */
double progress_elapsed(const Progress *p);
double progress_images_per_second(const Progress *p);

/* Formats the bar into buf (at most size bytes, always terminated) and
 * returns buf. */
const char *progress_line(const Progress *p, char *buf, size_t size);

#endif
