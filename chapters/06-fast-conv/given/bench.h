/* GIVEN -- read it, don't edit it.
 *
 * bench.h -- what the files of chapter 06's benchmark (`make bench`) share.
 * One job per file:
 *
 *   bench_main.c    the program: its options, the machine it runs on, the
 *                   files it reads and writes, the order of things
 *   bench_peak.c    the machine's two roofs: FMA peak and memory bandwidth
 *   bench_timing.c  the layer shapes and the implementations, and how one
 *                   is checked against the naive convolution and timed
 *   bench_peers.c   the library peers: OpenBLAS, oneDNN (onednn_peer.c) and
 *                   PyTorch's timings (bench/bench_torch.py)
 *   bench_report.c  what the benchmark prints and writes: the table rows,
 *                   the CSV rows, the summary
 *
 * Every file of given/ except the *_main.c programs is linked into every
 * program and into the chapter's test binary (grader/assemble.mk,
 * grader/chapter.mk). So every name here starts with bench_ or Bench, and
 * only bench_main.c opens files, reads the environment or starts a
 * program: the grader refuses such calls in the chapter's linked files
 * (grader/symcheck.h). The others print, compute and allocate.
 */
#ifndef BENCH_H
#define BENCH_H

#include "fastconv.h"
#include "onednn_peer.h"

#include <stdio.h>

#ifdef HAVE_OPENBLAS
/* OpenBLAS's own extensions (not every cblas.h declares them). */
char *openblas_get_corename(void);
void openblas_set_num_threads(int num_threads);
#endif

/* ---- bench_timing.c: what is timed, and how ----------------------------- */

/* One layer: N images of C channels, H = W = hw, K filters of rs x rs. */
typedef struct BenchShape {
    const char *name;
    int n, c, hw, k, rs, pad, stride;
} BenchShape;

extern const BenchShape bench_shapes[];
extern const int bench_nshapes;

/* One shape's tensors, allocated and filled by bench_problem_init. */
typedef struct BenchProblem {
    const BenchShape *shape;
    Tensor *x, *w, *b, *y; /* x [N,C,H,W], w [K,C,R,S], b [K], y [N,K,P,Q] */
    Tensor *ref;           /* [N,K,P,Q]: the naive convolution's y, which every implementation must match */
    Conv2dParams p;
    float *col;            /* im2col scratch for the OpenBLAS peer, [C*R*S, P*Q] */
    /* The oneDNN peer's primitives, one per thread count (index threads - 1):
     * oneDNN splits the work when a primitive is built, and the rounds switch
     * thread counts between runs, so each count keeps its own. */
    OnednnConv *onednn[2];
} BenchProblem;

typedef struct BenchImpl {
    const char *name;  /* in the CSV and --only */
    const char *label; /* in the table */
    int (*run)(BenchProblem *);
    int threaded;      /* also timed at 2 threads */
    /* NULL when run writes y itself; else brings run's result into y (NCHW),
     * untimed, before it is checked. */
    int (*finish)(BenchProblem *);
    int on_request;    /* timed only when --only names it (the fast path forced one way) */
} BenchImpl;

/* The naive convolution, the steps of the chapter, then the peers this
 * build has. */
extern const BenchImpl bench_impls[];
extern const int bench_nimpls;

/* The command line, parsed by bench_main.c. */
typedef struct BenchOptions {
    const char *csv, *machine_csv, *variant, *only, *shapes, *peer_csv;
    int threads[4], nthreads;
    const char *threads_text; /* as given, for messages */
    double budget;            /* seconds of timing per implementation, over all rounds */
    int rounds;               /* interleaved rounds per shape (BENCH_DEFAULT_ROUNDS) */
} BenchOptions;

/* Why 11 rounds: an odd count, so the median is one round's value; a
 * disturbance that lasts up to five rounds (another program, a change of
 * clock speed) cannot move the median; and the slowest implementation (the
 * naive convolution on the ResNet-like layer, about a second a run) keeps
 * `make bench` at a few minutes. */
enum { BENCH_DEFAULT_ROUNDS = 11, BENCH_MAX_ROUNDS = 51 };

/* A ratio measured round by round: in each round, the other's time over
 * this one's (above 1: this one is faster), then the median and the range
 * over the rounds. rounds 0: not measured (the other was not timed here). */
typedef struct BenchRatio {
    double median, min, max;
    int rounds;
} BenchRatio;

/* One measurement: a row of the table and of the CSV. ms and gflops come
 * from the median round; gflops_min and gflops_max from the slowest and the
 * fastest round. reps counts runs over all rounds. */
typedef struct BenchResult {
    const char *shape, *impl, *label;
    int threads, reps, wrong, rounds;
    double ms, gflops, pct, gflops_min, gflops_max;
    /* Against the naive convolution (1 thread), the two library peers at the
     * same thread count, the same implementation at 1 thread (for a
     * 2-thread row), and step 6.4's packed GEMM with the intrinsics kernel
     * (1 thread; the portable one where the CPU has no intrinsics kernel):
     * each round by round. */
    BenchRatio vs_naive, vs_openblas, vs_onednn, vs_1thread, vs_step64;
} BenchResult;

/* Every measurement of a run, for the summary. 6 shapes x 9 columns x 2
 * thread counts is 108. */
enum { BENCH_MAX_RESULTS = 256 };
typedef struct BenchResults {
    BenchResult items[BENCH_MAX_RESULTS];
    int count;
} BenchResults;

/* Seconds on a monotonic clock. */
double bench_now(void);

/* Threads for OpenMP (and for OpenBLAS, which keeps its own count). */
void bench_set_threads(int t);

/* Whether name is in the comma-separated list (every name is, in a NULL list). */
int bench_listed(const char *list, const char *name);

/* Whether the options ask for im: listed in --only (every implementation
 * when it is absent), and, for one timed on request, named there. */
int bench_wanted(const BenchOptions *opt, const BenchImpl *im);

/* Whether im is timed at t threads (kname: the micro-kernel picked at run
 * time, gemm_kernel_active). Single-threaded code gains nothing from a second thread, and the
 * intrinsics kernel is the portable one on a CPU without AVX2 or AVX-512,
 * so neither is timed twice. */
int bench_runs(const BenchImpl *im, int t, const char *kname);

/* 2*N*K*P*Q*C*R*S, and the least memory traffic (read x and w, write y
 * once), in bytes. */
double bench_shape_flops(const BenchShape *s, int P, int Q);
double bench_shape_bytes(const BenchShape *s, int P, int Q);

/* Allocates pr's tensors for shape sh [N,C,H,W] -> [N,K,P,Q], fills x, w
 * and b from a fixed seed and computes ref with the naive convolution on
 * one thread. 0, or -1 with a cnn_error message (pr is then freed). */
int bench_problem_init(BenchProblem *pr, const BenchShape *sh, int P, int Q);
void bench_problem_free(BenchProblem *pr);

/* Runs im once at the current thread count (the warm-up) and checks y
 * against ref: *wrong = 1 when it differs. *seconds: how long that run took.
 * 0, or -1 when the run fails (its message in cnn_last_error). */
int bench_check_impl(const BenchImpl *im, BenchProblem *pr, double *seconds, int *wrong);

/* The median, smallest and largest of v[0..n) (n >= 1; v is reordered). */
void bench_stats(double *v, int n, double *median, double *min, double *max);

/* Times every implementation opt->only lists on shape sh at every thread
 * count of opt, in opt->rounds interleaved rounds: each implementation is
 * first run once and checked (a wrong one is not timed), then every round
 * runs each of them in turn, starting one further along each round, so that
 * a drift of the machine reaches all of them alike. In its turn an
 * implementation runs often enough to last about budget / rounds seconds
 * (at least once), and the round's time is the mean of those runs. Prints
 * the shape's table, writes a CSV row per measurement (csv may be NULL),
 * keeps the results and ORs 1 into *any_wrong for a wrong one. peak:
 * GFLOP/s at 1 and 2 threads. 0; 1 when an implementation failed to run
 * (the message is printed, the shape stops); -1 when the shape could not
 * be set up (the message is printed). */
int bench_time_shape(const BenchShape *sh, const BenchOptions *opt, const char *kname, const double peak[2],
                     FILE *csv, BenchResults *results, int *any_wrong);

/* ---- bench_peak.c: the machine ------------------------------------------ */

/* The FMA loop used for the peak ("avx512", "avx2" or "portable": that of
 * the active micro-kernel, see gemm_kernel_active) and its flops per
 * iteration. */
const char *bench_fma_isa(double *flops_per_iter);

/* GFLOP/s of `threads` cores running the FMA loop together: best of 5. */
double bench_measure_peak(int threads);

/* GB/s of a stream-like triad on `threads` threads (0 when out of memory). */
double bench_measure_bandwidth(int threads);

/* ---- bench_peers.c: the libraries --------------------------------------- */

#ifdef HAVE_OPENBLAS
int bench_run_openblas(BenchProblem *pr);
#endif
#ifdef HAVE_DNNL
int bench_run_onednn(BenchProblem *pr);
int bench_finish_onednn(BenchProblem *pr);
#endif

/* Prints which peers this build has (coretype, auto_core: the
 * OPENBLAS_CORETYPE and BENCH_OPENBLAS_AUTO_CORE environment variables, or
 * NULL). */
void bench_print_peers(const char *coretype, const char *auto_core);

/* How to get a peer this build left out, for the len-character name; NULL
 * when name is no such peer. */
const char *bench_missing_peer_hint(const char *name, size_t len);

/* One line "shape,threads,median_ms" of bench_torch.py's CSV becomes a
 * result named "pytorch" (and a row of csv, unless NULL). Returns 1 when
 * the line named a shape, else 0 (a header, a bad line). */
int bench_torch_row(const char *line, BenchResults *results, FILE *csv, const char *variant,
                    const double peak[2]);

/* ---- bench_report.c: what is printed and written ------------------------ */

/* Keeps r among the results (when there is room). */
void bench_results_keep(BenchResults *results, const BenchResult *r);

/* What a shape is (printed before it is timed), and its table's heading
 * (after the rounds). */
void bench_print_shape(const BenchShape *sh, int P, int Q);
void bench_print_header(void);

/* One row of a shape's table. */
void bench_print_row(const BenchResult *r);

/* The CSV's header line, and the row of one result (reps < 0: left empty;
 * a ratio not measured: its three columns empty). */
void bench_csv_header(FILE *csv);
void bench_csv_row(FILE *csv, const char *variant, const BenchShape *sh, const BenchResult *r, const char *status);

/* The machine's CSV: the peak, bandwidth and ridge point (peak / bandwidth,
 * flop/byte) at 1 and 2 threads, the FMA loop's ISA, the micro-kernel that
 * ran, the CPU and the date of the run (UTC). */
void bench_machine_csv(FILE *f, const double peak[2], const double bw[2], const char *isa, const char *kernel,
                       const char *cpu, const char *date);

/* GFLOP/s, one row per shape of the shapes list, one column per
 * implementation and thread count; then the ratios of conv2d_forward_fast
 * to its peers, round by round. */
void bench_print_summary(const BenchResults *results, const char *shapes, const double peak[2]);

#endif
