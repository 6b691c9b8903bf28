/* slots.h -- runs a list of jobs (one test each) side by side, in worker
 * processes.
 *
 * A chapter's tests are short (most take 20-60 ms, nearly all of it starting
 * the test program), so on a machine with two cores a grade takes half the
 * time when two tests run at once. Each test still runs alone in its own
 * sandbox: every slot is a worker process of its own, forked from the grader,
 * with its own scratch folder and sandbox user, and the subreaper of its own
 * runs, so killing what one test left behind never touches the other's.
 *
 * The grader hands out the jobs in order, one at a time, to whichever worker
 * is free, and gets back each job's Outcome through a pipe; outcomes[i] is
 * job i's, whatever order they finished in. A job that must run alone
 * waits until every slot is free, and nothing starts beside it.
 */
#ifndef GRADER_SLOTS_H
#define GRADER_SLOTS_H

#include "report.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    /* In the worker, right after fork: take over slot `slot`. 0, or -1
     * (the worker then ends and its jobs go to the others). */
    int (*start)(void *ctx, int slot);
    /* In the worker: run job `index` into *o (o->test is already set).
     * 0, or -1 when interrupted. */
    int (*job)(void *ctx, int slot, size_t index, Outcome *o);
    /* In the grader, after each finished job (may be NULL). */
    void (*progress)(void *ctx, size_t done, size_t n);
    /* In the grader: must job `index` run with no other job beside it (a
     * test that looks for races needs the cores to itself)? May be NULL. */
    bool (*alone)(void *ctx, size_t index);
    void *ctx;
} SlotJobs;

/* Runs jobs 0..n-1 on `slots` workers (slots >= 1) and fills outcomes[i]
 * (reason, passed, got; o->test must be set by the caller). A job whose
 * worker died is failed with a reason that says so. Returns 0, or -1 when
 * interrupted (SIGINT, SIGTERM, SIGHUP: the workers are stopped first). */
int slots_run(const SlotJobs *jobs, int slots, size_t n, Outcome *outcomes);

/* How many slots to use: GRADE_JOBS if set (1..8), else the number of
 * online processors, at most 2 (and never more than the jobs). */
int slots_default(size_t n);

#endif
