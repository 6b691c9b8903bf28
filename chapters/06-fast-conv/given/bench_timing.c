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
 * speed. The time is then the median of several runs: the median, not the
 * mean, so one run slowed by another program on the machine does not move
 * it.
 */
#include "bench.h"

#include "conv.h"
#include "error.h"
#include "parallel.h"
#include "rng.h"

#include <math.h>
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
    return gemm_packed_with(gemm_ukernel_portable, c, ldc, a, b, M, N, K);
}

static int run_naive(BenchProblem *pr) { return conv2d_forward(pr->y, pr->x, pr->w, pr->b, pr->p); }
static int run_gemm_naive(BenchProblem *pr) { return conv2d_forward_gemm(pr->y, pr->x, pr->w, pr->b, pr->p, gemm_naive); }
static int run_gemm_blocked(BenchProblem *pr) { return conv2d_forward_gemm(pr->y, pr->x, pr->w, pr->b, pr->p, gemm_blocked); }
static int run_packed_portable(BenchProblem *pr) { return conv2d_forward_gemm(pr->y, pr->x, pr->w, pr->b, pr->p, packed_portable); }
static int run_packed_best(BenchProblem *pr) { return conv2d_forward_gemm(pr->y, pr->x, pr->w, pr->b, pr->p, gemm_packed); }
static int run_fast(BenchProblem *pr) { return conv2d_forward_fast(pr->y, pr->x, pr->w, pr->b, pr->p); }

const BenchImpl bench_impls[] = {
    {"naive", "naive conv2d_forward (ch03)", run_naive, 0, NULL},
    {"gemm_naive", "6.2 im2col + gemm_naive", run_gemm_naive, 0, NULL},
    {"gemm_blocked", "6.3 im2col + gemm_blocked", run_gemm_blocked, 0, NULL},
    {"packed_portable", "6.4 im2col + packed, portable kernel", run_packed_portable, 0, NULL},
    {"packed_simd", "6.4 im2col + packed, intrinsics kernel", run_packed_best, 0, NULL},
    {"fast", "6.5 conv2d_forward_fast", run_fast, 1, NULL},
#ifdef HAVE_OPENBLAS
    {"openblas", "OpenBLAS im2col + sgemm", bench_run_openblas, 1, NULL},
#endif
#ifdef HAVE_DNNL
    {"onednn", "oneDNN conv, its own layouts", bench_run_onednn, 1, bench_finish_onednn},
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
                         NULL,
                         0};
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
    onednn_conv_free(pr->onednn);
#endif
    *pr = (BenchProblem){0};
}

int bench_time_impl(const BenchImpl *im, BenchProblem *pr, double budget, int *reps, double *median,
                    int *wrong)
{
    tensor_fill(pr->y, NAN); /* a result that writes nothing cannot pass */
    double t0 = bench_now();
    if (im->run(pr) != 0) return -1;
    double first = bench_now() - t0;
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
    if (*wrong) {
        *reps = 0;
        *median = 0.0;
        return 0;
    }
    int n = first > 0 ? (int)(budget / first) : 20;
    n = n < 3 ? 3 : n > 25 ? 25 : n;
    double times[25];
    for (int r = 0; r < n; r++) {
        t0 = bench_now();
        if (im->run(pr) != 0) return -1;
        times[r] = bench_now() - t0;
    }
    qsort(times, (size_t)n, sizeof times[0], cmp_double);
    *reps = n;
    *median = n % 2 ? times[n / 2] : 0.5 * (times[n / 2 - 1] + times[n / 2]);
    return 0;
}

int bench_time_shape(const BenchShape *sh, const BenchOptions *opt, const char *kname, const double peak[2],
                     FILE *csv, BenchResults *results, int *any_wrong)
{
    int P = conv_output_size(sh->hw, sh->rs, sh->pad, sh->stride), Q = P;
    double fl = bench_shape_flops(sh, P, Q);
    BenchProblem pr;
    if (bench_problem_init(&pr, sh, P, Q) != 0) {
        fprintf(stderr, "bench: %s\n", cnn_last_error());
        return -1;
    }
    bench_print_shape(sh, P, Q);
    double naive_gflops = 0.0;
    int status = 0;
    for (int i = 0; i < bench_nimpls && status == 0; i++) {
        const BenchImpl *im = &bench_impls[i];
        if (!bench_listed(opt->only, im->name)) continue;
        for (int ti = 0; ti < opt->nthreads; ti++) {
            int t = opt->threads[ti];
            if (!bench_runs(im, t, kname)) continue;
            bench_set_threads(t);
            int reps = 0, wrong = 0;
            double med = 0.0;
            if (bench_time_impl(im, &pr, opt->budget, &reps, &med, &wrong) != 0) {
                fprintf(stderr, "bench: %s on %s: %s\n", im->name, sh->name, cnn_last_error());
                status = 1;
                break;
            }
            BenchResult r = {sh->name, im->name, im->label, t, reps, wrong, med * 1e3, 0, 0};
            if (!wrong) {
                r.gflops = fl / med * 1e-9;
                r.pct = 100.0 * r.gflops / peak[t - 1];
            }
            bench_results_keep(results, &r);
            *any_wrong |= wrong;
            if (strcmp(im->name, "naive") == 0 && !wrong) naive_gflops = r.gflops;
            bench_print_row(&r, naive_gflops);
            if (csv)
                bench_csv_row(csv, opt->variant, sh, im->name, t, reps, r.ms, r.gflops, r.pct,
                              wrong ? "wrong" : "ok");
            fflush(stdout);
        }
    }
    bench_problem_free(&pr);
    return status;
}
