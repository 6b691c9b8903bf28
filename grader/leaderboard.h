/* leaderboard.h -- chapter 06's leaderboard in the autograders: how fast the
 * graded conv2d_forward_fast is, measured by the grader.
 *
 * Gradescope ranks submissions by numbers in results.json ("leaderboard":
 * [{"name", "value", "order"}]). Here they are the GFLOP/s of the student's
 * conv2d_forward_fast on one layer of `make bench` (cifar-conv2, one
 * thread) and its speed-up over the naive convolution of chapter 03 in the
 * same grading. The student's code is untrusted, so nothing it says or
 * measures counts:
 *
 *   - the grader keeps the clock. It sends a request (a 64-bit nonce drawn
 *     from /dev/urandom just then) and stamps CLOCK_MONOTONIC; the program
 *     makes the layer's inputs from the nonce, convolves, and sends y back
 *     whole; the grader stamps again when the last byte arrives. No answer
 *     can be ready before its nonce exists, and a timer inside the
 *     program, or a number it prints, is never read.
 *   - every timed answer is checked, value by value, against the reference
 *     conv2d_forward_fast's answer to the same nonce (fc_shapes.h's
 *     tolerance), so code that skips work once it sees the benchmark gets
 *     no entry (values 0) and the reason. No nonce is used twice with the
 *     graded program, so it has nothing to remember from one to the next.
 *   - the baseline is the reference's naive convolution, in a program built
 *     from the reference alone (leaderboard-reference), never in a process
 *     where the student's code runs, so it cannot be slowed from inside.
 *   - both programs run in the sandbox like the tests (sandbox user, time
 *     and memory limits, OMP_NUM_THREADS=1), pinned to one CPU, one after
 *     the other: a thread or process of the student's cannot take a second
 *     core, nor run beside the baseline.
 *   - only a chapter whose tests of conv2d_forward_fast all pass (the
 *     visible forward/fast_* and the hidden forward test) is measured.
 *
 * Timing (leaderboard.c): 3 rounds, each of one naive run and 3 fast runs
 * (after an untimed warm-up); GFLOP/s = 2*N*K*C*R*S*P*Q / the median fast
 * run, the speed-up the median over the rounds of (the round's naive run /
 * the round's median fast run), as `make bench` takes ratios within a
 * round. What a run costs besides the convolution (making the inputs,
 * sending y: 1.4-2 ms on the test machine, beside 10-30 ms for the
 * reference's fast run and 0.85-3 s for the naive one) is measured in the
 * reference program in the same round and taken off every run, so the
 * graded code cannot make it larger. 3-14 s in all on the 2-core test
 * machine (quiet or busy), nearly all of it the three naive runs; the
 * numbers agree with make bench's (grader/autograder/README.md).
 *
 * PrairieLearn has no leaderboard: the same numbers are a line of its
 * message (and of Gradescope's output).
 */
#ifndef GRADER_LEADERBOARD_H
#define GRADER_LEADERBOARD_H

#include "report.h"
#include "text.h"

#include <stdbool.h>
#include <stddef.h>

/* A chapter's leaderboard: the layer (a shape of make bench, checked by the
 * reference program against given/bench_timing.c) and the tests that must
 * pass first (a name ending in '_' is a prefix). */
typedef struct {
    const char *chapter;     /* "06" */
    const char *shape;       /* "cifar-conv2" */
    int n, c, hw, k, rs, pad, stride;
    const char *required[4]; /* suite/name, NULL-terminated */
} LeaderboardSpec;

/* The leaderboard of chapter NN, or NULL when it has none. */
const LeaderboardSpec *leaderboard_spec(const char *chapter);

typedef struct {
    bool measured;          /* false: no entry (both values 0); why says why */
    double gflops, speedup; /* the two values */
    double fast_ms, naive_ms, overhead_ms; /* medians; overhead: see leaderboard.h */
    int fast_runs, naive_runs;
    char why[600];          /* made safe for display by leaderboard_describe */
} LeaderboardResult;

/* Sets r to "no entry" with a reason (printf-style). */
void leaderboard_no_entry(LeaderboardResult *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Whether every required test is among outcomes[0..n) and passed; if not,
 * r is set to no entry and why names the first one that did not. */
bool leaderboard_tests_passed(const LeaderboardSpec *spec, const Outcome *outcomes, size_t n, LeaderboardResult *r);

/* Where and how the two programs run (grade.c fills it from a test slot). */
typedef struct {
    const char *fast_bin, *reference_bin;
    char *const *envp;       /* OMP_NUM_THREADS=1 among them */
    const char *cwd;
    const char *output_dir;  /* where the programs' stdout and stderr go (leaderboard-*.out) */
    size_t memory_bytes, file_bytes;
    long processes;
} LeaderboardRun;

/* Measures the graded program against the reference (the rounds above) and
 * fills *r. Returns 0, or -1 when interrupted. */
int leaderboard_measure(const LeaderboardSpec *spec, const LeaderboardRun *run, LeaderboardResult *r);

/* The line for the student (Gradescope's output, PrairieLearn's message,
 * the terminal): the numbers and the layer, or "no entry" and why. */
void leaderboard_describe(const LeaderboardSpec *spec, const LeaderboardResult *r, Buf *out);

/* Gradescope's two rows ("leaderboard" of results.json), into rows[0..1]. */
void leaderboard_rows(const LeaderboardSpec *spec, const LeaderboardResult *r, LeaderboardRow rows[2]);

#endif
