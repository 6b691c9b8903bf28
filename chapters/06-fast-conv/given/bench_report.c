/* GIVEN -- read it, don't edit it.
 *
 * bench_report.c -- chapter 06's benchmark: what it prints and writes (see
 * bench.h). A table per shape as it is timed, one CSV row per measurement
 * and the machine's CSV (the two figures are drawn from them), and the
 * summary at the end: GFLOP/s, one row per shape, one column per
 * implementation and thread count.
 *
 * chapters/06-fast-conv/figures/figures.sh reads the CSV's columns
 * (bench_csv_header) by position: change both together.
 */
#include "bench.h"

#include "conv.h"

#include <string.h>

void bench_results_keep(BenchResults *results, const BenchResult *r)
{
    if (results->count < BENCH_MAX_RESULTS) results->items[results->count++] = *r;
}

void bench_print_shape(const BenchShape *sh, int P, int Q)
{
    double fl = bench_shape_flops(sh, P, Q), by = bench_shape_bytes(sh, P, Q);
    printf("\n%s: N=%d C=%d H=W=%d K=%d kernel %dx%d pad %d stride %d -> %dx%d; %.3f GFLOP, "
           "intensity %.1f flop/byte\n", sh->name, sh->n, sh->c, sh->hw, sh->k, sh->rs, sh->rs, sh->pad,
           sh->stride, P, Q, fl * 1e-9, fl / by);
    printf("  %-40s %3s %10s %9s %8s %9s\n", "implementation", "thr", "median ms", "GFLOP/s", "% peak",
           "vs naive");
}

void bench_print_row(const BenchResult *r, double naive_gflops)
{
    if (r->wrong) {
        printf("  %-40s %3d   WRONG: differs from the naive convolution, not timed\n", r->label, r->threads);
        return;
    }
    printf("  %-40s %3d %10.3f %9.1f %7.1f%%", r->label, r->threads, r->ms, r->gflops, r->pct);
    if (naive_gflops > 0) printf(" %8.1fx\n", r->gflops / naive_gflops);
    else printf(" %9s\n", "-"); /* the naive convolution was not timed (--only) */
}

void bench_csv_header(FILE *csv)
{
    fprintf(csv, "variant,shape,n,c,hw,k,rs,pad,stride,impl,threads,reps,median_ms,gflops,pct_peak,"
                 "flops,min_bytes,intensity,status\n");
}

void bench_csv_row(FILE *csv, const char *variant, const BenchShape *sh, const char *impl, int threads,
                   int reps, double ms, double gflops, double pct, const char *status)
{
    int P = conv_output_size(sh->hw, sh->rs, sh->pad, sh->stride), Q = P;
    double fl = bench_shape_flops(sh, P, Q), by = bench_shape_bytes(sh, P, Q);
    fprintf(csv, "%s,%s,%d,%d,%d,%d,%d,%d,%d,%s,%d,", variant, sh->name, sh->n, sh->c, sh->hw, sh->k, sh->rs,
            sh->pad, sh->stride, impl, threads);
    if (reps >= 0) fprintf(csv, "%d", reps); /* PyTorch's rows: its script counted them */
    fprintf(csv, ",%.4f,%.3f,%.2f,%.0f,%.0f,%.3f,%s\n", ms, gflops, pct, fl, by, fl / by, status);
}

void bench_machine_csv(FILE *f, const double peak[2], const double bw[2], const char *isa)
{
    fprintf(f, "threads,peak_gflops,bandwidth_gbs,isa\n");
    for (int t = 1; t <= 2; t++) fprintf(f, "%d,%.2f,%.2f,%s\n", t, peak[t - 1], bw[t - 1], isa);
}

/* The summary's columns with a 1t and a 2t value: the threaded
 * implementations (the table's `threaded` flag) and the peers, including
 * those this build left out (PyTorch, and OpenBLAS or oneDNN when absent). */
static int timed_at_two_threads(const char *impl)
{
    for (int i = 0; i < bench_nimpls; i++)
        if (strcmp(bench_impls[i].name, impl) == 0) return bench_impls[i].threaded;
    return 1;
}

void bench_print_summary(const BenchResults *results, const char *shapes, const double peak[2])
{
    /* Every column the benchmark knows, in the lesson's order: implementation, heading. */
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
    for (int s = 0; s < bench_nshapes; s++) {
        if (!bench_listed(shapes, bench_shapes[s].name)) continue;
        printf("  %-13s", bench_shapes[s].name);
        for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
            int two = timed_at_two_threads(cols[c][0]);
            for (int t = 1; t <= (two ? 2 : 1); t++) {
                /* The last result for this cell, should it have been measured twice. */
                const BenchResult *found = NULL;
                for (int i = 0; i < results->count; i++) {
                    const BenchResult *r = &results->items[i];
                    if (strcmp(r->shape, bench_shapes[s].name) == 0 && strcmp(r->impl, cols[c][0]) == 0 &&
                        r->threads == t)
                        found = r;
                }
                if (!found) printf(" %10s", "-");
                else if (found->wrong) printf(" %10s", "WRONG");
                else printf(" %10.1f", found->gflops);
            }
        }
        printf("\n");
    }
}
