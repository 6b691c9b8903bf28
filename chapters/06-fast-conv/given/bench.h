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
    OnednnConv *onednn;    /* the oneDNN peer's primitive, built for onednn_threads */
    int onednn_threads;
} BenchProblem;

typedef struct BenchImpl {
    const char *name;  /* in the CSV and --only */
    const char *label; /* in the table */
    int (*run)(BenchProblem *);
    int threaded;      /* also timed at 2 threads */
    /* NULL when run writes y itself; else brings run's result into y (NCHW),
     * untimed, before it is checked. */
    int (*finish)(BenchProblem *);
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
    double budget;
} BenchOptions;

/* One measurement: a row of the table and of the CSV. */
typedef struct BenchResult {
    const char *shape, *impl, *label;
    int threads, reps, wrong;
    double ms, gflops, pct;
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

/* Whether im is timed at t threads (kname: the micro-kernel picked at run
 * time). Single-threaded code gains nothing from a second thread, and the
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

/* Runs im once (warm-up) and checks y against ref (*wrong = 1 if it
 * differs: then nothing is timed), then times the median of at least 3
 * runs (more while the total stays within budget seconds, at most 25).
 * 0, or -1 when a run fails (its message in cnn_last_error). */
int bench_time_impl(const BenchImpl *im, BenchProblem *pr, double budget, int *reps, double *median,
                    int *wrong);

/* Times every implementation opt->only lists on shape sh at every thread
 * count of opt: prints the shape's table, writes a CSV row per measurement
 * (csv may be NULL), keeps the results and ORs 1 into *any_wrong for a
 * wrong one. peak: GFLOP/s at 1 and 2 threads. 0; 1 when an implementation
 * failed to run (the message is printed, the remaining ones are skipped);
 * -1 when the shape could not be set up (the message is printed). */
int bench_time_shape(const BenchShape *sh, const BenchOptions *opt, const char *kname, const double peak[2],
                     FILE *csv, BenchResults *results, int *any_wrong);

/* ---- bench_peak.c: the machine ------------------------------------------ */

/* The FMA loop used for the peak ("avx512", "avx2" or "portable") and its
 * flops per iteration. */
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

/* The heading of a shape's table. */
void bench_print_shape(const BenchShape *sh, int P, int Q);

/* One row of a shape's table (naive_gflops 0: not timed). */
void bench_print_row(const BenchResult *r, double naive_gflops);

/* The CSV's header line, and one row (reps < 0: left empty). */
void bench_csv_header(FILE *csv);
void bench_csv_row(FILE *csv, const char *variant, const BenchShape *sh, const char *impl, int threads,
                   int reps, double ms, double gflops, double pct, const char *status);

/* The machine's CSV: the peak and bandwidth at 1 and 2 threads. */
void bench_machine_csv(FILE *f, const double peak[2], const double bw[2], const char *isa);

/* GFLOP/s, one row per shape of the shapes list, one column per
 * implementation and thread count. */
void bench_print_summary(const BenchResults *results, const char *shapes, const double peak[2]);

#endif
