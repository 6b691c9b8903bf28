/* leaderboard.c -- see leaderboard.h. */
#include "leaderboard.h"

#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum {
    ROUNDS = 3,    /* odd: the median speed-up is one round's */
    FAST_RUNS = 3, /* timed runs of the graded code per round, after a warm-up */
    EMPTY_RUNS = 3 /* runs of the reference that only make inputs and send y */
};
/* Each program's time limit. The reference's: three fast runs and one
 * naive run (about 2 s on the 2-core test machine). The graded one's: four
 * runs, so a conv2d_forward_fast slower than about 7 s a run gets no entry
 * instead of holding the grade up. */
static const double PROGRAM_SECONDS = 30;

static const LeaderboardSpec specs[] = {
    /* make bench's cifar-conv2 (given/bench_timing.c): x [64,32,16,16],
     * w [64,32,3,3], pad 1, stride 1. */
    {"06", "cifar-conv2", 64, 32, 16, 64, 3, 1, 1, {"forward/fast_", "hidden_fast/forward_fresh_shapes", NULL}},
};

const LeaderboardSpec *leaderboard_spec(const char *chapter)
{
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++)
        if (strcmp(specs[i].chapter, chapter) == 0) return &specs[i];
    return NULL;
}

void leaderboard_no_entry(LeaderboardResult *r, const char *fmt, ...)
{
    memset(r, 0, sizeof *r);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->why, sizeof r->why, fmt, ap);
    va_end(ap);
}

static bool name_matches(const char *pattern, const char *name)
{
    size_t len = strlen(pattern);
    return len && pattern[len - 1] == '_' ? strncmp(pattern, name, len) == 0 : strcmp(pattern, name) == 0;
}

bool leaderboard_tests_passed(const LeaderboardSpec *spec, const Outcome *o, size_t n, LeaderboardResult *r)
{
    size_t matched = 0;
    for (size_t i = 0; i < n; i++) {
        bool required = false;
        for (int k = 0; spec->required[k] && !required; k++) required = name_matches(spec->required[k], o[i].test->full);
        if (!required) continue;
        matched++;
        if (!o[i].passed) {
            leaderboard_no_entry(r, "conv2d_forward_fast must pass its tests first, and %s did not; only a "
                                    "convolution that is right is timed", o[i].test->full);
            return false;
        }
    }
    if (matched == 0) {
        leaderboard_no_entry(r, "no test of conv2d_forward_fast ran, so it was not timed");
        return false;
    }
    return true;
}

/* ---- one program, one conversation --------------------------------------------- */

/* The square root, without libm (the grader links none): Newton's method. */
static double square_root(double v)
{
    double x = v > 1 ? v : 1;
    for (int i = 0; i < 40; i++) x = 0.5 * (x + v / x);
    return x;
}

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

typedef struct {
    char op;              /* 'f' conv2d_forward_fast, 'n' the naive conv2d_forward, 'z' nothing */
    uint64_t nonce;       /* the inputs: drawn by the grader, just before */
    float *keep;          /* NULL, or where the answer is copied (the reference's) */
    const float *expect;  /* NULL, or what the answer must match (the graded code's) */
    double seconds;       /* from the request sent to the answer's last byte */
} Request;

typedef struct {
    const LeaderboardSpec *spec;
    int P;
    size_t ybytes;
    float tol;
    Request *requests;
    int count, next;
    bool waiting;         /* a request is out */
    double sent_at;
    bool done;            /* every request answered (and matched) */
    char why[480];        /* what went wrong, else empty */
} Conversation;

static int send_request(Conversation *c, int fd)
{
    const Request *q = &c->requests[c->next];
    unsigned char msg[9];
    msg[0] = (unsigned char)q->op;
    for (int i = 0; i < 8; i++) msg[1 + i] = (unsigned char)(q->nonce >> (8 * i));
    ssize_t sent = write(fd, msg, sizeof msg);
    c->sent_at = now_seconds();
    c->waiting = true;
    if (sent != (ssize_t)sizeof msg) {
        snprintf(c->why, sizeof c->why, "it stopped reading its requests");
        return -1;
    }
    return 0;
}

/* The answer y (unaligned, in data) against q->expect, with the tests'
 * tolerance (fc_shapes.h). */
static bool answer_matches(Conversation *c, const char *data, const Request *q)
{
    const LeaderboardSpec *s = c->spec;
    size_t count = c->ybytes / sizeof(float), wrong = 0, first = 0;
    float first_got = 0, first_want = 0;
    for (size_t i = 0; i < count; i++) {
        float got, want = q->expect[i];
        memcpy(&got, data + i * sizeof(float), sizeof got);
        float diff = got > want ? got - want : want - got, size = want < 0 ? -want : want;
        if (diff <= c->tol + c->tol * size) continue; /* a NaN is never close */
        if (wrong++ == 0) {
            first = i;
            first_got = got;
            first_want = want;
        }
    }
    if (!wrong) return true;
    size_t pq = (size_t)c->P * c->P;
    snprintf(c->why, sizeof c->why,
             "it gave a wrong y, %zu of %zu values, the first y[%zu,%zu,%zu,%zu] = %g where the reference gives "
             "%g (the inputs are new for every run, and every answer is checked against the reference's)",
             wrong, count, first / (pq * s->k), first / pq % s->k, first % pq / c->P, first % c->P,
             (double)first_got, (double)first_want);
    return false;
}

static long talk(void *ctx, int fd, const char *data, size_t len, double now)
{
    Conversation *c = ctx;
    if (!c->waiting) return send_request(c, fd) == 0 ? 0 : -1;
    if (len == 0) return 0;
    if (data[0] == 'E') {
        const char *nl = memchr(data, '\n', len);
        if (!nl && len < 300) return 0;
        size_t msg = nl ? (size_t)(nl - data - 1) : 299;
        snprintf(c->why, sizeof c->why, "it stopped: %.*s", (int)(msg < 300 ? msg : 300), data + 1);
        return -1;
    }
    if (data[0] != 'Y') {
        snprintf(c->why, sizeof c->why, "it answered something other than y");
        return -1;
    }
    if (len < 1 + c->ybytes) return 0;
    Request *q = &c->requests[c->next];
    q->seconds = now - c->sent_at;
    if (q->keep) memcpy(q->keep, data + 1, c->ybytes);
    if (q->expect && !answer_matches(c, data + 1, q)) return -1;
    c->waiting = false;
    if (++c->next == c->count) {
        c->done = true;
        return -1; /* every answer is in: the program is stopped */
    }
    if (send_request(c, fd) != 0) return -1;
    return (long)(1 + c->ybytes);
}

/* Runs program (the graded one or the reference) through c's requests.
 * 0 when every request was answered (and matched); 1 when not, with why
 * set; -1 when the grader was interrupted. */
static int converse(const LeaderboardRun *run, const char *program, const char *out_name, Conversation *c)
{
    const LeaderboardSpec *s = c->spec;
    char numbers[96], out_path[1200];
    snprintf(numbers, sizeof numbers, "%d,%d,%d,%d,%d,%d,%d", s->n, s->c, s->hw, s->k, s->rs, s->pad, s->stride);
    snprintf(out_path, sizeof out_path, "%s/%s", run->output_dir, out_name);
    char *argv[] = {(char *)program, (char *)s->shape, numbers, NULL};
    SandboxSpec spec;
    memset(&spec, 0, sizeof spec);
    spec.argv = argv;
    spec.envp = run->envp;
    spec.cwd = run->cwd;
    spec.output_path = out_path;
    spec.channel_fd = 9;
    spec.channel_max = 1 + c->ybytes + 65536;
    spec.wall_seconds = PROGRAM_SECONDS;
    spec.memory_bytes = run->memory_bytes;
    spec.processes = run->processes;
    spec.file_bytes = run->file_bytes;
    spec.as_sandbox_user = true;
    spec.one_cpu = true;
    spec.talk = talk;
    spec.talk_ctx = c;
    c->next = 0;
    c->waiting = c->done = false;
    c->why[0] = '\0';
    SandboxResult r;
    if (sandbox_run(&spec, &r) != 0) {
        snprintf(c->why, sizeof c->why, "it could not start: %s", r.error);
        sandbox_result_free(&r);
        return 1;
    }
    int status = 0;
    if (sandbox_interrupted()) status = -1;
    else if (c->done) status = 0;
    else {
        status = 1;
        char ended[160];
        if (r.timed_out) snprintf(ended, sizeof ended, "it took longer than %.0f s", PROGRAM_SECONDS);
        else if (r.exited) snprintf(ended, sizeof ended, "it exited with status %d", r.exit_code);
        else snprintf(ended, sizeof ended, "it was killed by signal %d (%s)", r.signal, strsignal(r.signal));
        if (!c->why[0])
            snprintf(c->why, sizeof c->why, "%s after %d of its %d runs", ended, c->next, c->count);
    }
    sandbox_result_free(&r);
    return status;
}

/* ---- the rounds --------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
    double sorted[ROUNDS * FAST_RUNS];
    memcpy(sorted, v, (size_t)n * sizeof *v);
    qsort(sorted, (size_t)n, sizeof *sorted, cmp_double);
    return n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
}

static double net_seconds(double seconds, double overhead)
{
    return seconds - overhead > 0.25 * seconds ? seconds - overhead : 0.25 * seconds;
}

/* Nonces nobody can guess: the kernel's random numbers. */
static int draw_nonces(int fd, uint64_t *v, int n)
{
    size_t want = (size_t)n * sizeof *v, got = 0;
    while (got < want) {
        ssize_t k = read(fd, (char *)v + got, want - got);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return -1;
        got += (size_t)k;
    }
    return 0;
}

int leaderboard_measure(const LeaderboardSpec *s, const LeaderboardRun *run, LeaderboardResult *r)
{
    leaderboard_no_entry(r, "not measured");
    int P = (s->hw + 2 * s->pad - s->rs) / s->stride + 1;
    Conversation c = {s, P, (size_t)s->n * s->k * P * P * sizeof(float), (float)(1e-4 * square_root((double)s->c * s->rs * s->rs)),
                      NULL, 0, 0, false, 0, false, ""};
    double flops = 2.0 * s->n * s->k * s->c * s->rs * s->rs * (double)P * P;
    float *expected[FAST_RUNS] = {NULL};
    int status = 0, urandom = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    double fast[ROUNDS * FAST_RUNS], naive[ROUNDS], ratio[ROUNDS], overhead[ROUNDS];
    for (int i = 0; i < FAST_RUNS; i++) expected[i] = malloc(c.ybytes);
    for (int i = 0; i < FAST_RUNS; i++)
        if (!expected[i]) {
            leaderboard_no_entry(r, "the grader is out of memory");
            goto done;
        }
    if (urandom < 0) {
        leaderboard_no_entry(r, "the grader cannot read /dev/urandom for the inputs' nonces");
        goto done;
    }
    for (int round = 0; round < ROUNDS; round++) {
        /* the checked fast runs, the naive run, the warm-up, the empty runs */
        uint64_t nonce[FAST_RUNS + 2 + EMPTY_RUNS];
        if (draw_nonces(urandom, nonce, FAST_RUNS + 2 + EMPTY_RUNS) != 0) {
            leaderboard_no_entry(r, "the grader cannot read /dev/urandom for the inputs' nonces");
            goto done;
        }
        /* The reference: the right answers for this round's fast runs (which
         * also warm it up), the empty runs, then the naive run, timed. */
        Request ref[FAST_RUNS + EMPTY_RUNS + 1];
        for (int i = 0; i < FAST_RUNS; i++) ref[i] = (Request){'f', nonce[i], expected[i], NULL, 0};
        for (int i = 0; i < EMPTY_RUNS; i++) ref[FAST_RUNS + i] = (Request){'z', nonce[FAST_RUNS + 2 + i], NULL, NULL, 0};
        ref[FAST_RUNS + EMPTY_RUNS] = (Request){'n', nonce[FAST_RUNS], NULL, NULL, 0};
        c.requests = ref;
        c.count = FAST_RUNS + EMPTY_RUNS + 1;
        status = converse(run, run->reference_bin, "leaderboard-reference.out", &c);
        if (status < 0) goto done;
        if (status > 0) {
            leaderboard_no_entry(r, "the grader's own reference benchmark failed, so nothing was timed (tell your "
                                    "instructor): %s", c.why);
            status = 0;
            goto done;
        }
        /* What a run costs besides the convolution (the inputs, sending y:
         * the same code in both programs) comes off every timed run. It is
         * measured in the reference, so the graded code cannot enlarge it;
         * a run is never counted as less than a quarter of its time. */
        double empty[EMPTY_RUNS];
        for (int i = 0; i < EMPTY_RUNS; i++) empty[i] = ref[FAST_RUNS + i].seconds;
        double extra = median(empty, EMPTY_RUNS);
        overhead[round] = extra;
        naive[round] = net_seconds(ref[FAST_RUNS + EMPTY_RUNS].seconds, extra);
        /* The graded code: an untimed warm-up (its memory, its threads),
         * then the runs whose answers the reference has just given. */
        Request graded[FAST_RUNS + 1];
        graded[0] = (Request){'f', nonce[FAST_RUNS + 1], NULL, NULL, 0};
        for (int i = 0; i < FAST_RUNS; i++) graded[1 + i] = (Request){'f', nonce[i], NULL, expected[i], 0};
        c.requests = graded;
        c.count = FAST_RUNS + 1;
        status = converse(run, run->fast_bin, "leaderboard-fast.out", &c);
        if (status < 0) goto done;
        if (status > 0) {
            leaderboard_no_entry(r, "your conv2d_forward_fast on make bench's layer %s: %s", s->shape, c.why);
            status = 0;
            goto done;
        }
        for (int i = 0; i < FAST_RUNS; i++) fast[round * FAST_RUNS + i] = net_seconds(graded[1 + i].seconds, extra);
        ratio[round] = naive[round] / median(&fast[round * FAST_RUNS], FAST_RUNS);
    }
    r->measured = true;
    r->why[0] = '\0';
    r->fast_runs = ROUNDS * FAST_RUNS;
    r->naive_runs = ROUNDS;
    r->fast_ms = 1e3 * median(fast, ROUNDS * FAST_RUNS);
    r->naive_ms = 1e3 * median(naive, ROUNDS);
    r->overhead_ms = 1e3 * median(overhead, ROUNDS);
    r->gflops = flops / (r->fast_ms * 1e-3) / 1e9;
    r->speedup = median(ratio, ROUNDS);
done:
    if (urandom >= 0) close(urandom);
    for (int i = 0; i < FAST_RUNS; i++) free(expected[i]);
    return status;
}

/* ---- what is shown ----------------------------------------------------------------- */

void leaderboard_describe(const LeaderboardSpec *s, const LeaderboardResult *r, Buf *out)
{
    if (!r->measured) {
        buf_puts(out, "Leaderboard: no entry (both values 0): ");
        buf_add_display(out, r->why, false);
        buf_puts(out, ".");
        return;
    }
    buf_printf(out,
               "Leaderboard: %.1f GFLOP/s, %.1fx the naive convolution (make bench's layer %s, one thread; "
               "timed by the grader: your conv2d_forward_fast %.1f ms, the median of %d runs, each checked; "
               "the naive conv2d_forward %.0f ms, the median of %d; %.1f ms of making inputs and sending y "
               "taken off each).",
               r->gflops, r->speedup, s->shape, r->fast_ms, r->fast_runs, r->naive_ms, r->naive_runs, r->overhead_ms);
}

void leaderboard_rows(const LeaderboardSpec *s, const LeaderboardResult *r, LeaderboardRow rows[2])
{
    snprintf(rows[0].name, sizeof rows[0].name, "GFLOP/s (%s, 1 thread)", s->shape);
    rows[0].value = r->measured ? r->gflops : 0;
    rows[0].order = "desc";
    snprintf(rows[1].name, sizeof rows[1].name, "Speed-up over naive (%s)", s->shape);
    rows[1].value = r->measured ? r->speedup : 0;
    rows[1].order = "desc";
}
