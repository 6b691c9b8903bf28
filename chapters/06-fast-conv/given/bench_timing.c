/* GIVEN -- read it, don't edit it.
 *
 * bench_timing.c -- chapter 06's benchmark: what it times and how (see
 * bench.h).
 *
 * The shapes are the layers of the workbook's networks (digits, CIFAR-10)
 * and two larger ones (a ResNet-like 56x56 layer, the same with stride 2).
 * The implementations are the naive convolution of chapter 03, every step
 * of this chapter, and the library peers this build found (bench_peers.c).
 *
 * Every implementation is run once before it is timed: that run warms the
 * caches, lets the allocator settle, and is checked against the naive
 * convolution, so a wrong result is reported as WRONG and never with a
 * speed.
 *
 * Then the implementations are timed in interleaved rounds: each round runs
 * every one of them once, in an order that rotates from round to round.
 * Timing them one after another would let a change of the machine between
 * them (another program starting, the clock speed changing with the heat)
 * pass for a difference between them: on a shared 2-core machine that moved
 * the ratio of two implementations from 0.53 to 0.81 between two runs of
 * the same code. In a round they all meet the same machine, so a ratio is
 * computed within each round, and the table gives the median over the
 * rounds (not the mean: a round hit by a disturbance does not move it) and
 * the range, which says how far the number can be trusted.
 */
#include "bench.h"

#include "conv.h"
#include "error.h"
#include "parallel.h"
#include "rng.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const BenchShape bench_shapes[] = {
    {"digits-conv1", 64, 1, 8, 8, 3, 1, 1},   {"digits-conv2", 64, 8, 4, 16, 3, 1, 1},
    {"cifar-conv1", 64, 3, 32, 32, 3, 1, 1},  {"cifar-conv2", 64, 32, 16, 64, 3, 1, 1},
    {"resnet-like", 8, 64, 56, 64, 3, 1, 1},  {"strided", 8, 64, 56, 128, 3, 1, 2},
};
const int bench_nshapes = sizeof bench_shapes / sizeof bench_shapes[0];

/* ---- the implementations ------------------------------------------------ */

static int packed_portable(float *c, int ldc, MatRef a, MatRef b, int M, int N, int K)
{
    return gemm_packed_with(gemm_kernel_by_name("portable"), c, ldc, a, b, M, N, K);
}

static int run_naive(BenchProblem *pr) { return conv2d_forward(pr->y, pr->x, pr->w, pr->b, pr->p); }
static int run_gemm_naive(BenchProblem *pr) { return conv2d_forward_gemm(pr->y, pr->x, pr->w, pr->b, pr->p, gemm_naive); }
static int run_gemm_blocked(BenchProblem *pr) { return conv2d_forward_gemm(pr->y, pr->x, pr->w, pr->b, pr->p, gemm_blocked); }
static int run_packed_portable(BenchProblem *pr) { return conv2d_forward_gemm(pr->y, pr->x, pr->w, pr->b, pr->p, packed_portable); }
static int run_packed_best(BenchProblem *pr) { return conv2d_forward_gemm(pr->y, pr->x, pr->w, pr->b, pr->p, gemm_packed); }
static int run_fast(BenchProblem *pr) { return conv2d_forward_fast(pr->y, pr->x, pr->w, pr->b, pr->p); }

/* The fast path forced one way (FC_CONV, read at each call), to time the
 * ways side by side in the same rounds: FC_CONV is set for the call and
 * put back as it was after it, so that `fast` keeps the caller's. */
static int run_fast_forced(BenchProblem *pr, const char *how)
{
    const char *was = getenv("FC_CONV");
    char saved[32] = "";
    bool had = was != NULL && strlen(was) < sizeof saved;
    if (had) strcpy(saved, was);
    setenv("FC_CONV", how, 1);
    int status = conv2d_forward_fast(pr->y, pr->x, pr->w, pr->b, pr->p);
    if (had) setenv("FC_CONV", saved, 1);
    else unsetenv("FC_CONV");
    return status;
}
static int run_fast_packed(BenchProblem *pr) { return run_fast_forced(pr, "packed"); }
static int run_fast_in_place(BenchProblem *pr) { return run_fast_forced(pr, "in-place"); }
static int run_fast_wide(BenchProblem *pr) { return run_fast_forced(pr, "wide"); }
static int run_fast_batched(BenchProblem *pr) { return run_fast_forced(pr, "batched"); }

const BenchImpl bench_impls[] = {
    {"naive", "naive conv2d_forward (ch03)", run_naive, 0, NULL, 0},
    {"gemm_naive", "6.2 im2col + gemm_naive", run_gemm_naive, 0, NULL, 0},
    {"gemm_blocked", "6.3 im2col + gemm_blocked", run_gemm_blocked, 0, NULL, 0},
    {"packed_portable", "6.4 im2col + packed, portable kernel", run_packed_portable, 0, NULL, 0},
    {"packed_simd", "6.4 im2col + packed, intrinsics kernel", run_packed_best, 0, NULL, 0},
    {"fast", "6.5 conv2d_forward_fast", run_fast, 1, NULL, 0},
    {"fast_packed", "6.5 fast path, FC_CONV=packed", run_fast_packed, 1, NULL, 1},
    {"fast_in_place", "6.5 fast path, FC_CONV=in-place", run_fast_in_place, 1, NULL, 1},
    {"fast_wide", "6.5 fast path, FC_CONV=wide", run_fast_wide, 1, NULL, 1},
    {"fast_batched", "6.5 fast path, FC_CONV=batched", run_fast_batched, 1, NULL, 1},
#ifdef HAVE_OPENBLAS
    {"openblas", "OpenBLAS im2col + sgemm", bench_run_openblas, 1, NULL, 0},
#endif
#ifdef HAVE_DNNL
    {"onednn", "oneDNN conv, its own layouts", bench_run_onednn, 1, bench_finish_onednn, 0},
#endif
};
const int bench_nimpls = sizeof bench_impls / sizeof bench_impls[0];

/* ---- small helpers ------------------------------------------------------ */

double bench_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

void bench_set_threads(int t)
{
    parallel_set_num_threads(t);
#ifdef HAVE_OPENBLAS
    openblas_set_num_threads(t);
#endif
}

int bench_listed(const char *list, const char *name)
{
    if (!list) return 1;
    size_t len = strlen(name);
    for (const char *s = list; (s = strstr(s, name)) != NULL; s += len)
        if ((s == list || s[-1] == ',') && (s[len] == '\0' || s[len] == ',')) return 1;
    return 0;
}

int bench_wanted(const BenchOptions *opt, const BenchImpl *im)
{
    return bench_listed(opt->only, im->name) && (!im->on_request || opt->only);
}

int bench_runs(const BenchImpl *im, int t, const char *kname)
{
    if (t > 1 && !im->threaded) return 0;
    return !(strcmp(im->name, "packed_simd") == 0 && strcmp(kname, "portable") == 0);
}

double bench_shape_flops(const BenchShape *s, int P, int Q)
{
    return 2.0 * s->n * s->k * (double)P * Q * s->c * s->rs * s->rs;
}

double bench_shape_bytes(const BenchShape *s, int P, int Q)
{
    return 4.0 * ((double)s->n * s->c * s->hw * s->hw + (double)s->k * s->c * s->rs * s->rs +
                  (double)s->n * s->k * P * Q);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ---- one shape ---------------------------------------------------------- */

int bench_problem_init(BenchProblem *pr, const BenchShape *sh, int P, int Q)
{
    *pr = (BenchProblem){sh,
                         tensor_new(sh->n, sh->c, sh->hw, sh->hw),
                         tensor_new(sh->k, sh->c, sh->rs, sh->rs),
                         tensor_new_nd(1, &sh->k),
                         tensor_new(sh->n, sh->k, P, Q),
                         tensor_new(sh->n, sh->k, P, Q),
                         {sh->pad, sh->pad, sh->stride, sh->stride},
                         malloc((size_t)sh->c * sh->rs * sh->rs * P * Q * sizeof(float)),
                         {NULL, NULL}};
    if (!pr->x || !pr->w || !pr->b || !pr->y || !pr->ref || !pr->col) {
        bench_problem_free(pr);
        return cnn_error("out of memory for shape %s", sh->name);
    }
    Rng rng;
    rng_seed(&rng, 6);
    tensor_fill_uniform(pr->x, &rng, -1.0f, 1.0f);
    init_he_normal(pr->w, &rng, sh->c * sh->rs * sh->rs);
    tensor_fill_uniform(pr->b, &rng, -0.1f, 0.1f);
    bench_set_threads(1);
    if (conv2d_forward(pr->ref, pr->x, pr->w, pr->b, pr->p) != 0) {
        bench_problem_free(pr);
        return -1;
    }
    return 0;
}

void bench_problem_free(BenchProblem *pr)
{
    tensor_free(pr->x);
    tensor_free(pr->w);
    tensor_free(pr->b);
    tensor_free(pr->y);
    tensor_free(pr->ref);
    free(pr->col);
#ifdef HAVE_DNNL
    onednn_conv_free(pr->onednn[0]);
    onednn_conv_free(pr->onednn[1]);
#endif
    *pr = (BenchProblem){0};
}

int bench_check_impl(const BenchImpl *im, BenchProblem *pr, double *seconds, int *wrong)
{
    tensor_fill(pr->y, NAN); /* a result that writes nothing cannot pass */
    double t0 = bench_now();
    if (im->run(pr) != 0) return -1;
    *seconds = bench_now() - t0;
    if (im->finish && im->finish(pr) != 0) return -1;
    /* The fast versions add the same products in another order: the
     * tolerance grows with the length of each sum. */
    int crs = pr->x->c * pr->w->h * pr->w->w;
    float tol = 1e-3f * sqrtf((float)crs);
    const Tensor *ref = pr->ref;
    *wrong = 0;
    for (size_t i = 0; i < tensor_size(ref); i++)
        if (!(fabsf(pr->y->data[i] - ref->data[i]) <= tol + tol * fabsf(ref->data[i]))) {
            *wrong = 1;
            break;
        }
    return 0;
}

void bench_stats(double *v, int n, double *median, double *min, double *max)
{
    qsort(v, (size_t)n, sizeof v[0], cmp_double);
    *median = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    *min = v[0];
    *max = v[n - 1];
}

/* ---- the rounds --------------------------------------------------------- */

/* One implementation at one thread count, as the rounds time it. */
typedef struct Entry {
    const BenchImpl *im;
    int threads, runs_per_turn, wrong;
    double seconds[BENCH_MAX_ROUNDS]; /* per round: the mean time of its runs */
} Entry;

enum { MAX_ENTRIES = 32 };

/* The entry of implementation name at `threads` threads that was timed, or
 * NULL (not listed, not run at that count, or wrong). */
static const Entry *find_entry(const Entry *e, int n, const char *name, int threads)
{
    for (int i = 0; i < n; i++)
        if (e[i].threads == threads && !e[i].wrong && strcmp(e[i].im->name, name) == 0) return &e[i];
    return NULL;
}

/* other's time over self's, round by round (nothing when other is absent
 * or is self). */
static BenchRatio ratio_between(const Entry *self, const Entry *other, int rounds)
{
    BenchRatio r = {0};
    if (!other || other == self) return r;
    double v[BENCH_MAX_ROUNDS];
    for (int i = 0; i < rounds; i++) v[i] = other->seconds[i] / self->seconds[i];
    bench_stats(v, rounds, &r.median, &r.min, &r.max);
    r.rounds = rounds;
    return r;
}

/* The checked warm-up run of every entry, which also sets how many runs
 * fill its turn in a round. 0, or -1 (message printed). */
static int check_entries(Entry *e, int n, BenchProblem *pr, const BenchOptions *opt, int *any_wrong)
{
    double turn = opt->budget / opt->rounds;
    for (int i = 0; i < n; i++) {
        bench_set_threads(e[i].threads);
        double first = 0.0;
        if (bench_check_impl(e[i].im, pr, &first, &e[i].wrong) != 0) {
            fprintf(stderr, "bench: %s on %s: %s\n", e[i].im->name, pr->shape->name, cnn_last_error());
            return -1;
        }
        *any_wrong |= e[i].wrong;
        int runs = first > 0 ? (int)(turn / first) : 25;
        e[i].runs_per_turn = runs < 1 ? 1 : runs > 25 ? 25 : runs;
    }
    return 0;
}

/* The rounds: round r starts with entry r mod n, so no implementation is
 * always the first (after a pause) or the last. A dot per round. 0, or -1
 * (message printed). */
static int run_rounds(Entry *e, int n, BenchProblem *pr, int rounds)
{
    printf("  %d rounds ", rounds);
    fflush(stdout);
    for (int r = 0; r < rounds; r++) {
        for (int j = 0; j < n; j++) {
            Entry *x = &e[(r + j) % n];
            if (x->wrong) continue;
            bench_set_threads(x->threads);
            double t0 = bench_now();
            for (int k = 0; k < x->runs_per_turn; k++)
                if (x->im->run(pr) != 0) {
                    fprintf(stderr, "\nbench: %s on %s: %s\n", x->im->name, pr->shape->name, cnn_last_error());
                    return -1;
                }
            x->seconds[r] = (bench_now() - t0) / x->runs_per_turn;
        }
        putchar('.');
        fflush(stdout);
    }
    printf("\n");
    return 0;
}

/* The result of entry e among all n, from its rounds. */
static BenchResult entry_result(const Entry *all, int n, const Entry *e, const BenchShape *sh, double flops,
                                const double peak[2], int rounds)
{
    BenchResult r = {.shape = sh->name, .impl = e->im->name, .label = e->im->label, .threads = e->threads,
                     .wrong = e->wrong};
    if (e->wrong) return r;
    double v[BENCH_MAX_ROUNDS], median, fastest, slowest;
    memcpy(v, e->seconds, sizeof v[0] * (size_t)rounds);
    bench_stats(v, rounds, &median, &fastest, &slowest);
    r.rounds = rounds;
    r.reps = rounds * e->runs_per_turn;
    r.ms = median * 1e3;
    r.gflops = flops / median * 1e-9;
    r.gflops_min = flops / slowest * 1e-9;
    r.gflops_max = flops / fastest * 1e-9;
    r.pct = 100.0 * r.gflops / peak[e->threads - 1];
    r.vs_naive = ratio_between(e, find_entry(all, n, "naive", 1), rounds);
    r.vs_openblas = ratio_between(e, find_entry(all, n, "openblas", e->threads), rounds);
    r.vs_onednn = ratio_between(e, find_entry(all, n, "onednn", e->threads), rounds);
    if (e->threads > 1) r.vs_1thread = ratio_between(e, find_entry(all, n, e->im->name, 1), rounds);
    const Entry *step64 = find_entry(all, n, "packed_simd", 1);
    r.vs_step64 = ratio_between(e, step64 ? step64 : find_entry(all, n, "packed_portable", 1), rounds);
    return r;
}

int bench_time_shape(const BenchShape *sh, const BenchOptions *opt, const char *kname, const double peak[2],
                     FILE *csv, BenchResults *results, int *any_wrong)
{
    int P = conv_output_size(sh->hw, sh->rs, sh->pad, sh->stride), Q = P;
    BenchProblem pr;
    if (bench_problem_init(&pr, sh, P, Q) != 0) {
        fprintf(stderr, "bench: %s\n", cnn_last_error());
        return -1;
    }
    bench_print_shape(sh, P, Q);
    Entry entries[MAX_ENTRIES];
    int n = 0;
    for (int i = 0; i < bench_nimpls; i++)
        for (int ti = 0; ti < opt->nthreads && n < MAX_ENTRIES; ti++)
            if (bench_wanted(opt, &bench_impls[i]) && bench_runs(&bench_impls[i], opt->threads[ti], kname))
                entries[n++] = (Entry){.im = &bench_impls[i], .threads = opt->threads[ti]};
    int status = 0;
    if (check_entries(entries, n, &pr, opt, any_wrong) != 0 || run_rounds(entries, n, &pr, opt->rounds) != 0)
        status = 1;
    else
        bench_print_header();
    for (int i = 0; i < n && status == 0; i++) {
        BenchResult r = entry_result(entries, n, &entries[i], sh, bench_shape_flops(sh, P, Q), peak, opt->rounds);
        bench_results_keep(results, &r);
        bench_print_row(&r);
        if (csv) bench_csv_row(csv, opt->variant, sh, &r, r.wrong ? "wrong" : "ok");
    }
    fflush(stdout);
    bench_problem_free(&pr);
    return status;
}
