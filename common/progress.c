/* GIVEN -- read it, don't edit it.
 *
 * progress.c -- counters, clock and text of the training progress bar.
 * Chapter 05. See progress.h. */
#include "progress.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

enum { BAR_WIDTH = 20 };

double progress_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void progress_start(Progress *p, int epochs, int batches, long images_per_epoch)
{
    memset(p, 0, sizeof *p);
    p->epochs = epochs;
    p->batches = batches;
    p->images_per_epoch = images_per_epoch;
    p->start = progress_now();
    p->last_draw = -1e30;
}

void progress_update(Progress *p, int epoch, int batch, long images_done, double loss,
                     double accuracy)
{
    p->epoch = epoch;
    p->batch = batch;
    p->images_done = images_done;
    p->loss = loss;
    p->accuracy = accuracy;
}

bool progress_due(Progress *p, double interval)
{
    double now = progress_now();
    if (p->batch == p->batches || now - p->last_draw >= interval) {
        p->last_draw = now;
        return true;
    }
    return false;
}

double progress_elapsed(const Progress *p)
{
    return progress_now() - p->start;
}

double progress_images_per_second(const Progress *p)
{
    double t = progress_elapsed(p);
    return t > 0.0 ? (double)p->images_done / t : 0.0;
}

const char *progress_line(const Progress *p, char *buf, size_t size)
{
    char bar[BAR_WIDTH + 1];
    int filled = p->batches > 0 ? (int)((long)p->batch * BAR_WIDTH / p->batches) : 0;
    for (int i = 0; i < BAR_WIDTH; i++) bar[i] = i < filled ? '#' : '-';
    bar[BAR_WIDTH] = '\0';
    double speed = progress_images_per_second(p);
    long remaining = (long)p->epochs * p->images_per_epoch - p->images_done;
    long eta = speed > 0.0 && remaining > 0 ? (long)((double)remaining / speed + 0.5) : 0;
    snprintf(buf, size,
             "epoch %d/%d [%s] batch %d/%d  loss %.4f  acc %5.1f%%  %.0f img/s  ETA %ld:%02ld",
             p->epoch, p->epochs, bar, p->batch, p->batches, p->loss, 100.0 * p->accuracy, speed,
             eta / 60, eta % 60);
    return buf;
}
