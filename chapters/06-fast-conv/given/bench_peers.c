/* GIVEN -- read it, don't edit it.
 *
 * bench_peers.c -- chapter 06's benchmark: the libraries it compares with
 * (see bench.h). Each is a column of the table when the build found it:
 *
 *   OpenBLAS  Caffe's recipe, im2col then one cblas_sgemm per image: the
 *             plan of step 6.2 with a tuned GEMM (HAVE_OPENBLAS);
 *   oneDNN    its own convolution primitive, in the layouts it picks
 *             (onednn_peer.c; HAVE_DNNL);
 *   PyTorch   conv2d, timed by bench/bench_torch.py before this program
 *             starts; its CSV becomes results here.
 *
 * Whether OpenBLAS runs with its best kernels is settled before anything
 * else, in bench_main.c: it may mean running the program again.
 */
#include "bench.h"

#include "conv.h"
#include "error.h"
#include "parallel.h"

#include <string.h>

#ifdef HAVE_OPENBLAS
#include <cblas.h>

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
int bench_run_openblas(BenchProblem *pr)
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
/* oneDNN splits the work when the primitive is built, so each thread count
 * has its own, built (untimed: in the checked warm-up run) the first time
 * that count runs. */
int bench_run_onednn(BenchProblem *pr)
{
    int t = parallel_max_threads();
    if (t < 1 || t > 2) return cnn_error("oneDNN peer: %d threads (the benchmark times 1 or 2)", t);
    if (!pr->onednn[t - 1]) {
        pr->onednn[t - 1] = onednn_conv_new(pr->x, pr->w, pr->b, pr->p);
        if (!pr->onednn[t - 1]) return -1;
        printf("  (oneDNN picked %s at %d thread%s)\n", onednn_conv_describe(pr->onednn[t - 1]), t,
               t == 1 ? "" : "s");
    }
    return onednn_conv_run(pr->onednn[t - 1]);
}

int bench_finish_onednn(BenchProblem *pr)
{
    int t = parallel_max_threads();
    if (t < 1 || t > 2 || !pr->onednn[t - 1]) return cnn_error("oneDNN peer: no primitive for %d threads", t);
    return onednn_conv_result(pr->onednn[t - 1], pr->y);
}
#endif

void bench_print_peers(const char *coretype, const char *auto_core)
{
#ifdef HAVE_OPENBLAS
    printf("  OpenBLAS peer: kernels for %s\n", openblas_get_corename());
    if (coretype && auto_core)
        printf("    (set by the benchmark with OPENBLAS_CORETYPE=%s: on its own OpenBLAS picked %s, its\n"
               "    kernels for older CPUs, because it does not know this CPU model)\n", coretype, auto_core);
    else if (coretype)
        printf("    (forced by OPENBLAS_CORETYPE=%s in the environment: unset it to let OpenBLAS pick)\n", coretype);
#else
    (void)coretype;
    (void)auto_core;
    printf("  OpenBLAS peer: not built (install libopenblas-dev and rebuild)\n");
#endif
#ifdef HAVE_DNNL
    printf("  oneDNN peer: version %s, its convolution primitive on layouts it picks (input and filters\n"
           "    reordered once beforehand, untimed): the library's best case, not a like-for-like race\n",
           onednn_version_string());
#else
    printf("  oneDNN peer: not built (install libdnnl-dev and rebuild)\n");
#endif
}

const char *bench_missing_peer_hint(const char *name, size_t len)
{
    static const char *const peers[][2] = {{"openblas", "install libopenblas-dev and rebuild"},
                                           {"onednn", "install libdnnl-dev and rebuild"}};
    for (size_t i = 0; i < sizeof peers / sizeof peers[0]; i++)
        if (strlen(peers[i][0]) == len && strncmp(peers[i][0], name, len) == 0) return peers[i][1];
    return NULL;
}

int bench_torch_row(const char *line, BenchResults *results, FILE *csv, const char *variant,
                    const double peak[2])
{
    char name[64];
    int threads, count = 0;
    double ms;
    if (sscanf(line, "%63[^,],%d,%lf", name, &threads, &ms) != 3 || threads < 1 || threads > 2) return 0;
    for (int s = 0; s < bench_nshapes; s++) {
        const BenchShape *sh = &bench_shapes[s];
        if (strcmp(sh->name, name) != 0 || results->count >= BENCH_MAX_RESULTS) continue;
        int P = conv_output_size(sh->hw, sh->rs, sh->pad, sh->stride), Q = P;
        double fl = bench_shape_flops(sh, P, Q);
        /* Timed in another process, before this one started: no rounds,
         * so no ratios round by round (reps -1: its script counted them). */
        BenchResult r = {.shape = sh->name, .impl = "pytorch", .label = "PyTorch conv2d", .threads = threads,
                         .reps = -1, .ms = ms, .gflops = fl / (ms * 1e-3) * 1e-9};
        r.pct = 100.0 * r.gflops / peak[threads - 1];
        r.gflops_min = r.gflops_max = r.gflops;
        bench_results_keep(results, &r);
        if (csv) bench_csv_row(csv, variant, sh, &r, "ok");
        count++;
    }
    return count;
}
