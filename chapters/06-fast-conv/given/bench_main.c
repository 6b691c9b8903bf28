/* GIVEN -- read it, don't edit it.
 *
 * bench_main.c -- chapter 06: `make bench`, the speed report.
 *
 *     bench [--csv FILE] [--machine-csv FILE] [--peer-csv FILE] [--variant NAME]
 *           [--only LIST] [--shapes LIST] [--threads LIST] [--budget SECONDS]
 *
 * For each layer shape, times the naive convolution of chapter 03, each
 * step of this chapter (im2col + gemm_naive, + gemm_blocked, + the packed
 * GEMM with the portable and the intrinsics micro-kernel), the threaded
 * conv2d_forward_fast, and two library peers when the build found them:
 * OpenBLAS (im2col + cblas_sgemm per image) and oneDNN's convolution
 * primitive in its own layouts (onednn_peer.h), at 1 and 2 threads; and
 * PyTorch's conv2d from a CSV that bench_torch.py wrote. Every result is first checked
 * against the naive convolution: a wrong implementation is reported as
 * WRONG, never with a speed.
 *
 * Each time is the median of several runs after a warm-up run (more runs
 * for fast implementations, at least 3). GFLOP/s counts 2*N*K*P*Q*C*R*S
 * flops (bias additions left out), and % peak divides by the FMA peak this
 * program measures at start-up with the same thread count. A stream-like
 * triad measures memory bandwidth, the second roof of the roofline plot.
 *
 * Output: a table per shape and a summary on stdout; one CSV row per
 * measurement (--csv) and the machine's peak and bandwidth (--machine-csv).
 * `bench --help` lists the options. The command line is checked before
 * anything is timed, with chapter 05's cli.c (linked in: chapter.mk).
 * Exit status, as for every program of the workbook: 0 done; 1 a runtime
 * error (out of memory, a failing call, an unwritable file) or an
 * implementation that gave wrong results (marked WRONG); 2 a bad command
 * line (an unknown option, a missing or bad value, an unknown name).
 */
#include "fastconv.h"
#include "onednn_peer.h"

#include "cli.h"
#include "error.h"
#include "memory.h"
#include "parallel.h"
#include "rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_OPENBLAS
#include <cblas.h>
char *openblas_get_corename(void);
void openblas_set_num_threads(int num_threads);
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define BENCH_X86 1
#endif

typedef struct Shape {
    const char *name;
    int n, c, hw, k, rs, pad, stride;
} Shape;

static const Shape shapes[] = {
    {"digits-conv1", 64, 1, 8, 8, 3, 1, 1},   {"digits-conv2", 64, 8, 4, 16, 3, 1, 1},
    {"cifar-conv1", 64, 3, 32, 32, 3, 1, 1},  {"cifar-conv2", 64, 32, 16, 64, 3, 1, 1},
    {"resnet-like", 8, 64, 56, 64, 3, 1, 1},  {"strided", 8, 64, 56, 128, 3, 1, 2},
};
enum { NSHAPES = sizeof shapes / sizeof shapes[0] };

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void set_threads(int t)
{
    parallel_set_num_threads(t);
#ifdef HAVE_OPENBLAS
    openblas_set_num_threads(t);
#endif
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ---- the machine: FMA peak and memory bandwidth ------------------------- */

#ifdef BENCH_X86
__attribute__((target("avx512f,fma"))) static float fma_loop_avx512(long iters)
{
    __m512 acc[12], m = _mm512_set1_ps(0.999999f), a = _mm512_set1_ps(1e-6f);
    for (int i = 0; i < 12; i++) acc[i] = _mm512_set1_ps((float)i);
    for (long it = 0; it < iters; it++)
        for (int i = 0; i < 12; i++) acc[i] = _mm512_fmadd_ps(acc[i], m, a);
    __m512 s = acc[0];
    for (int i = 1; i < 12; i++) s = _mm512_add_ps(s, acc[i]);
    return _mm512_reduce_add_ps(s);
}

__attribute__((target("avx2,fma"))) static float fma_loop_avx2(long iters)
{
    __m256 acc[12], m = _mm256_set1_ps(0.999999f), a = _mm256_set1_ps(1e-6f);
    for (int i = 0; i < 12; i++) acc[i] = _mm256_set1_ps((float)i);
    for (long it = 0; it < iters; it++)
        for (int i = 0; i < 12; i++) acc[i] = _mm256_fmadd_ps(acc[i], m, a);
    float out[8], sum = 0.0f;
    for (int i = 1; i < 12; i++) acc[0] = _mm256_add_ps(acc[0], acc[i]);
    _mm256_storeu_ps(out, acc[0]);
    for (int i = 0; i < 8; i++) sum += out[i];
    return sum;
}
#endif

static float fma_loop_portable(long iters)
{
    float acc[12][8];
    for (int i = 0; i < 12; i++)
        for (int j = 0; j < 8; j++) acc[i][j] = (float)i;
    for (long it = 0; it < iters; it++)
        for (int i = 0; i < 12; i++)
#pragma omp simd
            for (int j = 0; j < 8; j++) acc[i][j] = acc[i][j] * 0.999999f + 1e-6f;
    float sum = 0.0f;
    for (int i = 0; i < 12; i++)
        for (int j = 0; j < 8; j++) sum += acc[i][j];
    return sum;
}

/* Flops per iteration of the loop used, and its name. */
static const char *fma_isa(double *flops_per_iter)
{
#ifdef BENCH_X86
    if (gemm_ukernel_supported("avx512")) { *flops_per_iter = 12 * 16 * 2; return "avx512"; }
    if (gemm_ukernel_supported("avx2")) { *flops_per_iter = 12 * 8 * 2; return "avx2"; }
#endif
    *flops_per_iter = 12 * 8 * 2;
    return "portable";
}

static float fma_loop(const char *isa, long iters)
{
#ifdef BENCH_X86
    if (strcmp(isa, "avx512") == 0) return fma_loop_avx512(iters);
    if (strcmp(isa, "avx2") == 0) return fma_loop_avx2(iters);
#endif
    (void)isa;
    return fma_loop_portable(iters);
}

static volatile float bench_sink;

/* GFLOP/s of `threads` cores running the FMA loop together: best of 5. */
static double measure_peak(int threads)
{
    double fpi;
    const char *isa = fma_isa(&fpi);
    long iters = 20000000;
    double best = 0.0;
    set_threads(threads);
    for (int rep = 0; rep < 5; rep++) {
        double t0 = now();
        float sink = 0.0f;
        int team = 1;
        OMP(parallel)
        {
            OMP(single)
            team = parallel_num_threads();
            float s = fma_loop(isa, iters);
            OMP(atomic)
            sink += s;
        }
        double t = now() - t0;
        bench_sink = sink;
        double g = fpi * (double)iters * team / t * 1e-9;
        if (g > best) best = g;
    }
    return best;
}

/* Triad a = b + s*c over 3 x 32 MB: GB/s counting 12 bytes per element. */
static double measure_bandwidth(int threads)
{
    size_t n = (size_t)8 << 20;
    float *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *c = malloc(n * sizeof *c);
    if (!a || !b || !c) {
        free(a), free(b), free(c);
        return 0.0;
    }
    set_threads(threads);
    OMP(parallel for schedule(static))
    for (size_t i = 0; i < n; i++) a[i] = 0.0f, b[i] = 1.0f, c[i] = 2.0f;
    double best = 0.0;
    for (int rep = 0; rep < 6; rep++) {
        double t0 = now();
        OMP(parallel for schedule(static))
        for (size_t i = 0; i < n; i++) a[i] = b[i] + 0.5f * c[i];
        double t = now() - t0, g = 12.0 * (double)n / t * 1e-9;
        if (rep > 0 && g > best) best = g;
    }
    bench_sink = a[n / 2];
    free(a), free(b), free(c);
    return best;
}

/* ---- the implementations ------------------------------------------------ */

typedef struct Problem {
    const Shape *shape;
    Tensor *x, *w, *b, *y;
    Conv2dParams p;
    float *col;         /* im2col scratch for the OpenBLAS peer */
    OnednnConv *onednn; /* the oneDNN peer's primitive, built for onednn_threads */
    int onednn_threads;
} Problem;

static int packed_portable(float *c, int ldc, MatRef a, MatRef b, int M, int N, int K)
{
    return gemm_packed_with(gemm_ukernel_portable, c, ldc, a, b, M, N, K);
}

static int run_naive(Problem *pr) { return conv2d_forward(pr->y, pr->x, pr->w, pr->b, pr->p); }
static int run_gemm_naive(Problem *pr) { return conv2d_forward_gemm(pr->y, pr->x, pr->w, pr->b, pr->p, gemm_naive); }
static int run_gemm_blocked(Problem *pr) { return conv2d_forward_gemm(pr->y, pr->x, pr->w, pr->b, pr->p, gemm_blocked); }
static int run_packed_portable(Problem *pr) { return conv2d_forward_gemm(pr->y, pr->x, pr->w, pr->b, pr->p, packed_portable); }
static int run_packed_best(Problem *pr) { return conv2d_forward_gemm(pr->y, pr->x, pr->w, pr->b, pr->p, gemm_packed); }
static int run_fast(Problem *pr) { return conv2d_forward_fast(pr->y, pr->x, pr->w, pr->b, pr->p); }

#ifdef HAVE_OPENBLAS
/* OpenBLAS picks its kernels from the CPU model when it loads. A model newer
 * than the library (0.3.21, Debian 12's, does not know 5th-generation Xeons)
 * gets its SSE3 "Prescott" kernels, a fraction of what it can do. Then the
 * benchmark runs itself again with OPENBLAS_CORETYPE naming the best kernels
 * the CPU's features allow, so that the peer is timed at its best. Returns
 * only when nothing needs changing or the re-run could not start. */
static void openblas_use_best_kernels(char **argv)
{
    if (getenv("OPENBLAS_CORETYPE")) return; /* the user's choice, or this is the re-run */
    static const char *const vector_cores[] = {"Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids"};
    const char *core = openblas_get_corename();
    for (size_t i = 0; i < sizeof vector_cores / sizeof vector_cores[0]; i++)
        if (strcasecmp(core, vector_cores[i]) == 0) return;
    const char *best = NULL;
#ifdef BENCH_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
        best = "SkylakeX";
    else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        best = "Haswell";
#endif
    if (!best) return;
    setenv("OPENBLAS_CORETYPE", best, 1);
    setenv("BENCH_OPENBLAS_AUTO_CORE", core, 1);
    fflush(stdout);
    execv("/proc/self/exe", argv);
    unsetenv("OPENBLAS_CORETYPE"); /* could not re-run: go on with what OpenBLAS picked */
    unsetenv("BENCH_OPENBLAS_AUTO_CORE");
}

/* The peer keeps its own im2col, so its numbers never depend on yours. */
static void peer_im2col(float *col, const float *x, int C, int H, int W, int R, int S, int pad,
                        int stride, int P, int Q)
{
    for (int c = 0; c < C; c++)
        for (int r = 0; r < R; r++)
            for (int s = 0; s < S; s++) {
                float *row = col + ((size_t)(c * R + r) * S + s) * (size_t)P * Q;
                for (int oh = 0; oh < P; oh++) {
                    int h = oh * stride - pad + r;
                    for (int ow = 0; ow < Q; ow++) {
                        int wi = ow * stride - pad + s;
                        row[(size_t)oh * Q + ow] =
                            (h >= 0 && h < H && wi >= 0 && wi < W) ? x[((size_t)c * H + h) * W + wi] : 0.0f;
                    }
                }
            }
}

/* Caffe's recipe: per image, im2col then y_n = W * col (sgemm, beta 1 after
 * the bias). OpenBLAS threads inside each sgemm. */
static int run_openblas(Problem *pr)
{
    const Tensor *x = pr->x, *w = pr->w;
    int C = x->c, H = x->h, W = x->w, K = w->n, R = w->h, S = w->w, P = pr->y->h, Q = pr->y->w;
    int CRS = C * R * S, PQ = P * Q;
    for (int n = 0; n < x->n; n++) {
        float *yn = tensor_image(pr->y, n);
        for (int k = 0; k < K; k++)
            for (int i = 0; i < PQ; i++) yn[(size_t)k * PQ + i] = pr->b->data[k];
        peer_im2col(pr->col, tensor_image(x, n), C, H, W, R, S, pr->p.pad_h, pr->p.stride_h, P, Q);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, K, PQ, CRS, 1.0f, w->data, CRS, pr->col,
                    PQ, 1.0f, yn, PQ);
    }
    return 0;
}
#endif

#ifdef HAVE_DNNL
/* oneDNN splits the work when the primitive is built, so it is rebuilt
 * (untimed: in time_impl's warm-up run) whenever the thread count changes. */
static int run_onednn(Problem *pr)
{
    if (!pr->onednn || pr->onednn_threads != parallel_max_threads()) {
        onednn_conv_free(pr->onednn);
        pr->onednn = onednn_conv_new(pr->x, pr->w, pr->b, pr->p);
        if (!pr->onednn) return -1;
        pr->onednn_threads = parallel_max_threads();
        printf("  %-40s     (oneDNN picked %s)\n", "", onednn_conv_describe(pr->onednn));
    }
    return onednn_conv_run(pr->onednn);
}

static int finish_onednn(Problem *pr) { return onednn_conv_result(pr->onednn, pr->y); }
#endif

typedef struct Impl {
    const char *name;  /* in the CSV and --only */
    const char *label; /* in the table */
    int (*run)(Problem *);
    int threaded;      /* also timed at 2 threads */
    /* NULL when run writes y itself; else brings run's result into y (NCHW),
     * untimed, before it is checked. */
    int (*finish)(Problem *);
} Impl;

static Impl impls[] = {
    {"naive", "naive conv2d_forward (ch03)", run_naive, 0, NULL},
    {"gemm_naive", "6.2 im2col + gemm_naive", run_gemm_naive, 0, NULL},
    {"gemm_blocked", "6.3 im2col + gemm_blocked", run_gemm_blocked, 0, NULL},
    {"packed_portable", "6.4 im2col + packed, portable kernel", run_packed_portable, 0, NULL},
    {"packed_simd", "6.4 im2col + packed, intrinsics kernel", run_packed_best, 0, NULL},
    {"fast", "6.5 conv2d_forward_fast", run_fast, 1, NULL},
#ifdef HAVE_OPENBLAS
    {"openblas", "OpenBLAS im2col + sgemm", run_openblas, 1, NULL},
#endif
#ifdef HAVE_DNNL
    {"onednn", "oneDNN conv, its own layouts", run_onednn, 1, finish_onednn},
#endif
};
enum { NIMPLS = sizeof impls / sizeof impls[0] };

/* ---- options, results --------------------------------------------------- */

typedef struct Options {
    const char *csv, *machine_csv, *variant, *only, *shapes, *peer_csv;
    int threads[4], nthreads;
    const char *threads_text; /* as given, for messages */
    double budget;
} Options;

static int listed(const char *list, const char *name)
{
    if (!list) return 1;
    size_t len = strlen(name);
    for (const char *s = list; (s = strstr(s, name)) != NULL; s += len)
        if ((s == list || s[-1] == ',') && (s[len] == '\0' || s[len] == ',')) return 1;
    return 0;
}

typedef struct Result {
    const char *shape, *impl, *label;
    int threads, reps, wrong;
    double ms, gflops, pct;
} Result;

enum { MAX_RESULTS = 256 };
static Result results[MAX_RESULTS];
static int nresults;

static double shape_flops(const Shape *s, int P, int Q)
{
    return 2.0 * s->n * s->k * (double)P * Q * s->c * s->rs * s->rs;
}

/* The least memory traffic a convolution needs: read x and w, write y once. */
static double shape_bytes(const Shape *s, int P, int Q)
{
    return 4.0 * ((double)s->n * s->c * s->hw * s->hw + (double)s->k * s->c * s->rs * s->rs +
                  (double)s->n * s->k * P * Q);
}

/* Warm-up, check against ref, then the median of at least 3 timed runs
 * (more while the total stays within budget seconds). */
static int time_impl(const Impl *im, Problem *pr, const Tensor *ref, double budget, int *reps,
                     double *median, int *wrong)
{
    tensor_fill(pr->y, NAN);
    double t0 = now();
    if (im->run(pr) != 0) return -1;
    double first = now() - t0;
    if (im->finish && im->finish(pr) != 0) return -1;
    int crs = pr->x->c * pr->w->h * pr->w->w;
    float tol = 1e-3f * sqrtf((float)crs);
    *wrong = 0;
    for (size_t i = 0; i < tensor_size(ref); i++)
        if (!(fabsf(pr->y->data[i] - ref->data[i]) <= tol + tol * fabsf(ref->data[i]))) {
            *wrong = 1;
            break;
        }
    if (*wrong) {
        *reps = 0;
        *median = 0.0;
        return 0;
    }
    int n = first > 0 ? (int)(budget / first) : 20;
    n = n < 3 ? 3 : n > 25 ? 25 : n;
    double times[25];
    for (int r = 0; r < n; r++) {
        t0 = now();
        if (im->run(pr) != 0) return -1;
        times[r] = now() - t0;
    }
    qsort(times, (size_t)n, sizeof times[0], cmp_double);
    *reps = n;
    *median = n % 2 ? times[n / 2] : 0.5 * (times[n / 2 - 1] + times[n / 2]);
    return 0;
}

static void print_row(const Result *r, double naive_gflops)
{
    if (r->wrong) {
        printf("  %-40s %3d   WRONG: differs from the naive convolution, not timed\n", r->label, r->threads);
        return;
    }
    printf("  %-40s %3d %10.3f %9.1f %7.1f%%", r->label, r->threads, r->ms, r->gflops, r->pct);
    if (naive_gflops > 0) printf(" %8.1fx\n", r->gflops / naive_gflops);
    else printf(" %9s\n", "-"); /* the naive convolution was not timed (--only) */
}

/* Rows "shape,threads,median_ms" written by bench_torch.py become results
 * named "pytorch". Returns how many were read. */
static int read_peer_csv(const char *path, FILE *csv, const char *variant, const double *peak)
{
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char line[256], name[64];
    int count = 0, threads;
    double ms;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "%63[^,],%d,%lf", name, &threads, &ms) != 3 || threads < 1 || threads > 2) continue;
        for (int s = 0; s < NSHAPES; s++) {
            const Shape *sh = &shapes[s];
            if (strcmp(sh->name, name) != 0 || nresults >= MAX_RESULTS) continue;
            int P = conv_output_size(sh->hw, sh->rs, sh->pad, sh->stride), Q = P;
            double fl = shape_flops(sh, P, Q), by = shape_bytes(sh, P, Q);
            Result *r = &results[nresults++];
            *r = (Result){sh->name, "pytorch", "PyTorch conv2d", threads, 0, 0, ms, fl / (ms * 1e-3) * 1e-9, 0};
            r->pct = 100.0 * r->gflops / peak[threads - 1];
            if (csv)
                fprintf(csv, "%s,%s,%d,%d,%d,%d,%d,%d,%d,pytorch,%d,,%.4f,%.3f,%.2f,%.0f,%.0f,%.3f,ok\n", variant,
                        sh->name, sh->n, sh->c, sh->hw, sh->k, sh->rs, sh->pad, sh->stride, threads, ms,
                        r->gflops, r->pct, fl, by, fl / by);
            count++;
        }
    }
    fclose(f);
    return count;
}

/* The summary's columns with a 1t and a 2t value: the threaded
 * implementations (the table's `threaded` flag) and the peers, including
 * those this build left out (PyTorch, and OpenBLAS or oneDNN when absent). */
static int timed_at_two_threads(const char *impl)
{
    for (int i = 0; i < NIMPLS; i++)
        if (strcmp(impls[i].name, impl) == 0) return impls[i].threaded;
    return 1;
}

/* The names --shapes and --only accept, comma-separated, for messages. */
static void shape_names(char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < NSHAPES && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", shapes[i].name);
}

static void impl_names(char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < NIMPLS && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", impls[i].name);
}

static void usage(FILE *f)
{
    char sn[256], in[256];
    shape_names(sn, sizeof sn);
    impl_names(in, sizeof in);
    fprintf(f,
            "usage: bench [--csv FILE] [--machine-csv FILE] [--peer-csv FILE] [--variant NAME]\n"
            "             [--only LIST] [--shapes LIST] [--threads LIST] [--budget SECONDS]\n"
            "Times chapter 06's convolutions, the naive one and the library peers of this build\n"
            "on each layer shape; prints a table per shape and a summary of GFLOP/s.\n"
            "  --csv FILE          write one CSV row per measurement\n"
            "  --machine-csv FILE  write the measured FMA peak and memory bandwidth\n"
            "  --peer-csv FILE     add PyTorch's timings from this CSV (bench/bench_torch.py)\n"
            "  --variant NAME      the variant column of the CSV (default: solution)\n"
            "  --only LIST         time only these implementations: %s\n"
            "  --shapes LIST       time only these shapes: %s\n"
            "  --threads LIST      thread counts for the threaded rows: 1, 2 or 1,2 (default 1,2)\n"
            "  --budget SECONDS    about this much timing per measurement (3 to 25 runs),\n"
            "                      0.001 to 3600 (default 1)\n"
            "LISTs are comma-separated, e.g. --only naive,fast --shapes cifar-conv1.\n",
            in, sn);
}

/* Peers this program knows but a build may leave out, and how to get them. */
static const char *missing_peer_hint(const char *name, size_t len)
{
    static const char *const peers[][2] = {{"openblas", "install libopenblas-dev and rebuild"},
                                           {"onednn", "install libdnnl-dev and rebuild"}};
    for (size_t i = 0; i < sizeof peers / sizeof peers[0]; i++)
        if (strlen(peers[i][0]) == len && strncmp(peers[i][0], name, len) == 0) return peers[i][1];
    return NULL;
}

/* Checks each comma-separated name of list (the value of option) against
 * the shapes (is_impl 0) or the implementations of this build (is_impl 1).
 * A typo must not quietly time nothing and exit 0 with an empty table. */
static int check_names(const char *option, const char *list, int is_impl)
{
    char valid[256];
    if (is_impl) impl_names(valid, sizeof valid);
    else shape_names(valid, sizeof valid);
    const char *what = is_impl ? "implementation" : "shape";
    for (const char *s = list;; s++) {
        size_t len = strcspn(s, ",");
        int found = 0;
        for (int i = 0; i < (is_impl ? NIMPLS : NSHAPES) && !found; i++) {
            const char *name = is_impl ? impls[i].name : shapes[i].name;
            found = strlen(name) == len && strncmp(name, s, len) == 0;
        }
        if (len == 0)
            return cnn_error("%s: an empty name in '%s' (expected comma-separated %ss: %s)", option, list,
                             what, valid);
        const char *hint = is_impl ? missing_peer_hint(s, len) : NULL;
        if (!found && hint)
            return cnn_error("%s: '%.*s' is not in this build (%s); the %ss here: %s", option, (int)len, s,
                             hint, what, valid);
        if (!found)
            return cnn_error("%s: unknown %s '%.*s' (the %ss: %s)", option, what, (int)len, s, what, valid);
        s += len;
        if (*s == '\0') return 0;
    }
}

/* --threads LIST: 1, 2 or both, each once. */
static int parse_threads(Options *o, const char *option, const char *list)
{
    o->nthreads = 0;
    for (const char *s = list;; s++) {
        size_t len = strcspn(s, ",");
        char item[16];
        int t = 0;
        snprintf(item, sizeof item, "%.*s", (int)(len < sizeof item ? len : sizeof item - 1), s);
        int bad = len >= sizeof item || cli_int(&t, option, item, 1, 2) != 0;
        for (int i = 0; i < o->nthreads && !bad; i++) bad = o->threads[i] == t;
        if (bad || o->nthreads == 2)
            return cnn_error("%s takes 1, 2 or 1,2 (each at most once), got '%s'", option, list);
        o->threads[o->nthreads++] = t;
        s += len;
        if (*s == '\0') return 0;
    }
}

/* Every option bench takes; each one takes a value. */
static int is_option(const char *o)
{
    static const char *const options[] = {"--csv",    "--machine-csv", "--variant", "--only",
                                          "--shapes", "--peer-csv",    "--threads", "--budget"};
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
        if (strcmp(o, options[i]) == 0) return 1;
    return 0;
}

/* Fills *o from the command line. Returns 0, 1 when --help was asked for
 * (the usage is printed), or -1 with an error for a bad command line. */
static int parse_options(int argc, char **argv, Options *o)
{
    *o = (Options){.variant = "solution", .threads = {1, 2}, .nthreads = 2, .threads_text = "1,2", .budget = 1.0};
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 1;
        }
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strncmp(a, "--", 2) != 0) return cnn_error("unexpected argument '%s' (options start with --)", a);
        if (!is_option(a)) return cnn_error("unknown option %s", a);
        /* "--csv --budget 2" means a forgotten value, not a file named "--budget". */
        if (!v || strncmp(v, "--", 2) == 0 || v[0] == '\0') return cnn_error("%s needs a value", a);
        int rc = 0;
        if (strcmp(a, "--csv") == 0) o->csv = v;
        else if (strcmp(a, "--machine-csv") == 0) o->machine_csv = v;
        else if (strcmp(a, "--peer-csv") == 0) o->peer_csv = v;
        else if (strcmp(a, "--variant") == 0) {
            o->variant = v;
            if (strpbrk(v, ",\"\n\r")) /* it is written into every CSV row as it is */
                rc = cnn_error("%s: expected a name without commas, quotes or newlines, got '%s'", a, v);
        } else if (strcmp(a, "--only") == 0) {
            o->only = v;
            rc = check_names(a, v, 1);
        } else if (strcmp(a, "--shapes") == 0) {
            o->shapes = v;
            rc = check_names(a, v, 0);
        } else if (strcmp(a, "--threads") == 0) {
            o->threads_text = v;
            rc = parse_threads(o, a, v);
        } else if (strcmp(a, "--budget") == 0) {
            float budget; /* cli_float refuses nan, inf and anything out of range */
            rc = cli_float(&budget, a, v, 1e-3, 3600.0);
            if (rc == 0) o->budget = budget;
        }
        if (rc != 0) return -1;
    }
    return 0;
}

static int bad_usage(const char *msg)
{
    fprintf(stderr, "bench: %s\n(bench --help lists the options)\n", msg);
    return 2;
}

/* Whether im is timed at t threads on this machine (kname: the micro-kernel
 * picked at run time). Single-threaded code gains nothing from a second
 * thread, and the intrinsics kernel is the portable one on a CPU without
 * AVX2 or AVX-512, so neither is timed twice. */
static int runs(const Impl *im, int t, const char *kname)
{
    if (t > 1 && !im->threaded) return 0;
    return !(strcmp(im->name, "packed_simd") == 0 && strcmp(kname, "portable") == 0);
}

int main(int argc, char **argv)
{
#ifdef HAVE_OPENBLAS
    openblas_use_best_kernels(argv);
#endif
    memory_keep_freed(); /* reuse the per-batch scratch buffers' pages (see memory.h) */
    Options opt;
    int parsed = parse_options(argc, argv, &opt);
    if (parsed < 0) return bad_usage(cnn_last_error());
    if (parsed > 0) return 0; /* --help */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    const char *kname = NULL;
    gemm_ukernel_best(&kname);
    /* Known names can still leave nothing to time (--only naive --threads 2):
     * say so rather than print an empty table. */
    int timed = 0;
    for (int i = 0; i < NIMPLS; i++)
        for (int ti = 0; ti < opt.nthreads; ti++)
            timed += listed(opt.only, impls[i].name) && runs(&impls[i], opt.threads[ti], kname);
    if (!timed) {
        char two[128] = "", msg[512];
        for (int i = 0, used = 0; i < NIMPLS; i++)
            if (impls[i].threaded && used < (int)sizeof two)
                used += snprintf(two + used, sizeof two - (size_t)used, "%s%s", used ? ", " : "", impls[i].name);
        int one_thread = 0;
        for (int ti = 0; ti < opt.nthreads; ti++) one_thread |= opt.threads[ti] == 1;
        if (one_thread)
            snprintf(msg, sizeof msg, "--only %s leaves nothing to time: packed_simd needs an intrinsics "
                     "micro-kernel, and this CPU has only the portable one", opt.only ? opt.only : "");
        else
            snprintf(msg, sizeof msg, "--only %s with --threads %s leaves nothing to time: at 2 threads only "
                     "these run: %s; add --threads 1", opt.only ? opt.only : "", opt.threads_text, two);
        return bad_usage(msg);
    }
    double fpi;
    const char *isa = fma_isa(&fpi);

    printf("Chapter 06 benchmark (%s code): median of >= 3 runs after a warm-up\n", opt.variant);
    printf("  cores online: %ld; micro-kernel picked at run time: %s; FMA peak loop: %s\n", cores, kname, isa);
    const char *omp_env = getenv("OMP_NUM_THREADS");
    if (omp_env && atol(omp_env) > cores)
        printf("  WARNING: OMP_NUM_THREADS=%s is more than the %ld cores: threads will share cores "
               "(oversubscription) and the timings will suffer\n", omp_env, cores);
    for (int t = 0; t < opt.nthreads; t++)
        if (opt.threads[t] > cores)
            printf("  WARNING: timing %d threads on %ld core(s) oversubscribes the machine: "
                   "2-thread numbers are not meaningful here\n", opt.threads[t], cores);
    double load = 0.0;
    FILE *lf = fopen("/proc/loadavg", "r");
    if (lf) {
        if (fscanf(lf, "%lf", &load) != 1) load = 0.0;
        fclose(lf);
    }
    if (load > 0.5)
        printf("  WARNING: load average %.2f: other programs are running, so timings are noisy "
               "(rerun on an idle machine for numbers to quote)\n", load);
#ifdef HAVE_OPENBLAS
    const char *coretype = getenv("OPENBLAS_CORETYPE"), *auto_core = getenv("BENCH_OPENBLAS_AUTO_CORE");
    printf("  OpenBLAS peer: kernels for %s\n", openblas_get_corename());
    if (coretype && auto_core)
        printf("    (set by the benchmark with OPENBLAS_CORETYPE=%s: on its own OpenBLAS picked %s, its\n"
               "    kernels for older CPUs, because it does not know this CPU model)\n", coretype, auto_core);
    else if (coretype)
        printf("    (forced by OPENBLAS_CORETYPE=%s in the environment: unset it to let OpenBLAS pick)\n", coretype);
#else
    printf("  OpenBLAS peer: not built (install libopenblas-dev and rebuild)\n");
#endif
#ifdef HAVE_DNNL
    printf("  oneDNN peer: version %s, its convolution primitive on layouts it picks (input and filters\n"
           "    reordered once beforehand, untimed): the library's best case, not a like-for-like race\n",
           onednn_version_string());
#else
    printf("  oneDNN peer: not built (install libdnnl-dev and rebuild)\n");
#endif

    double peak[2] = {0, 0}, bw[2] = {0, 0};
    for (int t = 1; t <= 2; t++) {
        peak[t - 1] = measure_peak(t);
        bw[t - 1] = measure_bandwidth(t);
        printf("  measured peak, %d thread(s): %.1f GFLOP/s (%s FMA); memory bandwidth (triad) %.1f GB/s\n",
               t, peak[t - 1], isa, bw[t - 1]);
    }
    if (opt.machine_csv) {
        FILE *m = fopen(opt.machine_csv, "w");
        if (!m) {
            fprintf(stderr, "bench: cannot write %s\n", opt.machine_csv);
            return 1;
        }
        fprintf(m, "threads,peak_gflops,bandwidth_gbs,isa\n");
        for (int t = 1; t <= 2; t++) fprintf(m, "%d,%.2f,%.2f,%s\n", t, peak[t - 1], bw[t - 1], isa);
        fclose(m);
    }
    FILE *csv = NULL;
    if (opt.csv) {
        csv = fopen(opt.csv, "w");
        if (!csv) {
            fprintf(stderr, "bench: cannot write %s\n", opt.csv);
            return 1;
        }
        fprintf(csv, "variant,shape,n,c,hw,k,rs,pad,stride,impl,threads,reps,median_ms,gflops,pct_peak,"
                     "flops,min_bytes,intensity,status\n");
    }

    int any_wrong = 0, status = 0;
    for (int s = 0; s < NSHAPES && status == 0; s++) {
        const Shape *sh = &shapes[s];
        if (!listed(opt.shapes, sh->name)) continue;
        int P = conv_output_size(sh->hw, sh->rs, sh->pad, sh->stride), Q = P;
        double fl = shape_flops(sh, P, Q), by = shape_bytes(sh, P, Q);
        Problem pr = {sh, tensor_new(sh->n, sh->c, sh->hw, sh->hw), tensor_new(sh->k, sh->c, sh->rs, sh->rs),
                      tensor_new_nd(1, &sh->k), tensor_new(sh->n, sh->k, P, Q),
                      {sh->pad, sh->pad, sh->stride, sh->stride},
                      malloc((size_t)sh->c * sh->rs * sh->rs * P * Q * sizeof(float)), NULL, 0};
        Tensor *ref = tensor_new(sh->n, sh->k, P, Q);
        if (!pr.x || !pr.w || !pr.b || !pr.y || !ref || !pr.col) {
            fprintf(stderr, "bench: out of memory for shape %s\n", sh->name);
            return 1;
        }
        Rng rng;
        rng_seed(&rng, 6);
        tensor_fill_uniform(pr.x, &rng, -1.0f, 1.0f);
        init_he_normal(pr.w, &rng, sh->c * sh->rs * sh->rs);
        tensor_fill_uniform(pr.b, &rng, -0.1f, 0.1f);
        set_threads(1);
        if (conv2d_forward(ref, pr.x, pr.w, pr.b, pr.p) != 0) {
            fprintf(stderr, "bench: %s\n", cnn_last_error());
            return 1;
        }
        printf("\n%s: N=%d C=%d H=W=%d K=%d kernel %dx%d pad %d stride %d -> %dx%d; %.3f GFLOP, "
               "intensity %.1f flop/byte\n", sh->name, sh->n, sh->c, sh->hw, sh->k, sh->rs, sh->rs, sh->pad,
               sh->stride, P, Q, fl * 1e-9, fl / by);
        printf("  %-40s %3s %10s %9s %8s %9s\n", "implementation", "thr", "median ms", "GFLOP/s", "% peak",
               "vs naive");
        double naive_gflops = 0.0;
        for (int i = 0; i < NIMPLS && status == 0; i++) {
            const Impl *im = &impls[i];
            if (!listed(opt.only, im->name)) continue;
            for (int ti = 0; ti < opt.nthreads; ti++) {
                int t = opt.threads[ti];
                if (!runs(im, t, kname)) continue;
                set_threads(t);
                int reps = 0, wrong = 0;
                double med = 0.0;
                if (time_impl(im, &pr, ref, opt.budget, &reps, &med, &wrong) != 0) {
                    fprintf(stderr, "bench: %s on %s: %s\n", im->name, sh->name, cnn_last_error());
                    status = 1;
                    break;
                }
                Result *r = &results[nresults < MAX_RESULTS ? nresults++ : MAX_RESULTS - 1];
                *r = (Result){sh->name, im->name, im->label, t, reps, wrong, med * 1e3, 0, 0};
                if (!wrong) {
                    r->gflops = fl / med * 1e-9;
                    r->pct = 100.0 * r->gflops / peak[t - 1];
                }
                any_wrong |= wrong;
                if (strcmp(im->name, "naive") == 0 && !wrong) naive_gflops = r->gflops;
                print_row(r, naive_gflops);
                if (csv)
                    fprintf(csv, "%s,%s,%d,%d,%d,%d,%d,%d,%d,%s,%d,%d,%.4f,%.3f,%.2f,%.0f,%.0f,%.3f,%s\n",
                            opt.variant, sh->name, sh->n, sh->c, sh->hw, sh->k, sh->rs, sh->pad, sh->stride,
                            im->name, t, reps, r->ms, r->gflops, r->pct, fl, by, fl / by,
                            wrong ? "wrong" : "ok");
                fflush(stdout);
            }
        }
        tensor_free(pr.x);
        tensor_free(pr.w);
        tensor_free(pr.b);
        tensor_free(pr.y);
        tensor_free(ref);
        free(pr.col);
#ifdef HAVE_DNNL
        onednn_conv_free(pr.onednn);
#endif
    }
    if (opt.peer_csv && read_peer_csv(opt.peer_csv, csv, opt.variant, peak) == 0)
        printf("\n(no PyTorch timings in %s)\n", opt.peer_csv);

    /* Summary: GFLOP/s, one row per shape, one column per implementation/threads. */
    static const char *cols[][2] = {{"naive", "naive"}, {"gemm_naive", "6.2"}, {"gemm_blocked", "6.3"},
                                    {"packed_portable", "6.4c"}, {"packed_simd", "6.4simd"}, {"fast", "fast"},
                                    {"openblas", "openblas"}, {"onednn", "onednn"}, {"pytorch", "torch"}};
    printf("\nSummary, GFLOP/s (1t/2t = threads; %% of the measured peak: 1t %.0f, 2t %.0f GFLOP/s)\n", peak[0],
           peak[1]);
    printf("  %-13s", "shape");
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
        int two = timed_at_two_threads(cols[c][0]);
        if (two) printf(" %8s1t %8s2t", cols[c][1], cols[c][1]);
        else printf(" %10s", cols[c][1]);
    }
    printf("\n");
    for (int s = 0; s < NSHAPES; s++) {
        if (!listed(opt.shapes, shapes[s].name)) continue;
        printf("  %-13s", shapes[s].name);
        for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
            int two = timed_at_two_threads(cols[c][0]);
            for (int t = 1; t <= (two ? 2 : 1); t++) {
                const Result *found = NULL;
                for (int i = 0; i < nresults; i++)
                    if (strcmp(results[i].shape, shapes[s].name) == 0 && strcmp(results[i].impl, cols[c][0]) == 0 &&
                        results[i].threads == t)
                        found = &results[i];
                if (!found) printf(" %10s", "-");
                else if (found->wrong) printf(" %10s", "WRONG");
                else printf(" %10.1f", found->gflops);
            }
        }
        printf("\n");
    }
    if (csv) {
        fclose(csv);
        printf("\nCSV: %s\n", opt.csv);
    }
    if (any_wrong) {
        printf("Some implementations gave wrong results (marked WRONG): run `make grade CH=06` to see why.\n");
        return 1;
    }
    return status;
}
