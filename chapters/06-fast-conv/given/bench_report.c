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
}

void bench_print_header(void)
{
    printf("  %-40s %3s %9s %8s %13s %7s %9s  %s\n", "implementation", "thr", "median ms", "GFLOP/s",
           "(min-max)", "% peak", "vs naive", "vs oneDNN (min-max)");
}

/* "0.63 (0.60-0.70)", or "-" when the ratio was not measured. */
static const char *ratio_text(char *buf, size_t size, const BenchRatio *r)
{
    if (r->rounds == 0) snprintf(buf, size, "-");
    else snprintf(buf, size, "%.2f (%.2f-%.2f)", r->median, r->min, r->max);
    return buf;
}

void bench_print_row(const BenchResult *r)
{
    if (r->wrong) {
        printf("  %-40s %3d   WRONG: differs from the naive convolution, not timed\n", r->label, r->threads);
        return;
    }
    char range[32], naive[16] = "-", onednn[40];
    snprintf(range, sizeof range, "(%.1f-%.1f)", r->gflops_min, r->gflops_max);
    if (r->vs_naive.rounds) snprintf(naive, sizeof naive, "%.1fx", r->vs_naive.median);
    printf("  %-40s %3d %9.3f %8.1f %13s %6.1f%% %9s  %s\n", r->label, r->threads, r->ms, r->gflops, range,
           r->pct, strcmp(r->impl, "naive") == 0 ? "1.0x" : naive, ratio_text(onednn, sizeof onednn, &r->vs_onednn));
}

/* The ratio columns of the CSV, after the columns figures.sh reads. */
static const char *const ratio_columns[] = {"vs_naive", "vs_openblas", "vs_onednn", "vs_1thread", "vs_step64"};

void bench_csv_header(FILE *csv)
{
    fprintf(csv, "variant,shape,n,c,hw,k,rs,pad,stride,impl,threads,reps,median_ms,gflops,pct_peak,"
                 "flops,min_bytes,intensity,status,rounds,gflops_min,gflops_max");
    for (size_t i = 0; i < sizeof ratio_columns / sizeof ratio_columns[0]; i++)
        fprintf(csv, ",%s,%s_min,%s_max", ratio_columns[i], ratio_columns[i], ratio_columns[i]);
    fprintf(csv, "\n");
}

static void csv_ratio(FILE *csv, const BenchRatio *r)
{
    if (r->rounds == 0) fprintf(csv, ",,,");
    else fprintf(csv, ",%.4f,%.4f,%.4f", r->median, r->min, r->max);
}

void bench_csv_row(FILE *csv, const char *variant, const BenchShape *sh, const BenchResult *r, const char *status)
{
    int P = conv_output_size(sh->hw, sh->rs, sh->pad, sh->stride), Q = P;
    double fl = bench_shape_flops(sh, P, Q), by = bench_shape_bytes(sh, P, Q);
    fprintf(csv, "%s,%s,%d,%d,%d,%d,%d,%d,%d,%s,%d,", variant, sh->name, sh->n, sh->c, sh->hw, sh->k, sh->rs,
            sh->pad, sh->stride, r->impl, r->threads);
    if (r->reps >= 0) fprintf(csv, "%d", r->reps); /* PyTorch's rows: its script counted them */
    fprintf(csv, ",%.4f,%.3f,%.2f,%.0f,%.0f,%.3f,%s,", r->ms, r->gflops, r->pct, fl, by, fl / by, status);
    if (r->rounds > 0) fprintf(csv, "%d,%.3f,%.3f", r->rounds, r->gflops_min, r->gflops_max);
    else fprintf(csv, ",,");
    csv_ratio(csv, &r->vs_naive);
    csv_ratio(csv, &r->vs_openblas);
    csv_ratio(csv, &r->vs_onednn);
    csv_ratio(csv, &r->vs_1thread);
    csv_ratio(csv, &r->vs_step64);
    fprintf(csv, "\n");
}

void bench_machine_csv(FILE *f, const double peak[2], const double bw[2], const char *isa, const char *kernel,
                       const char *cpu, const char *date)
{
    fprintf(f, "threads,peak_gflops,bandwidth_gbs,isa,ridge_flop_per_byte,kernel,cpu,date\n");
    for (int t = 1; t <= 2; t++)
        fprintf(f, "%d,%.2f,%.2f,%s,%.2f,%s,%s,%s\n", t, peak[t - 1], bw[t - 1], isa,
                bw[t - 1] > 0 ? peak[t - 1] / bw[t - 1] : 0.0, kernel, cpu, date);
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

/* The result of impl at t threads on shape, or NULL. */
static const BenchResult *find_result(const BenchResults *results, const char *shape, const char *impl, int t)
{
    const BenchResult *found = NULL;
    for (int i = 0; i < results->count; i++) {
        const BenchResult *r = &results->items[i];
        if (strcmp(r->shape, shape) == 0 && strcmp(r->impl, impl) == 0 && r->threads == t) found = r;
    }
    return found;
}

/* The numbers the lesson quotes: conv2d_forward_fast against each peer,
 * round by round, and its 2-thread speed-up. */
static void print_fast_ratios(const BenchResults *results, const char *shapes)
{
    int any = 0;
    for (int i = 0; i < results->count; i++) any |= strcmp(results->items[i].impl, "fast") == 0;
    if (!any) return;
    printf("\nconv2d_forward_fast's ratios, round by round: median (min-max) of the per-round ratios; above 1 "
           "it is faster\n");
    printf("  %-13s %-19s %-19s %-19s %-19s %-19s %-19s %s\n", "shape", "vs oneDNN 1t", "vs oneDNN 2t",
           "vs OpenBLAS 1t", "vs OpenBLAS 2t", "vs naive 1t", "vs step 6.4 1t", "2t vs 1t");
    for (int s = 0; s < bench_nshapes; s++) {
        const char *name = bench_shapes[s].name;
        if (!bench_listed(shapes, name)) continue;
        const BenchResult *f1 = find_result(results, name, "fast", 1), *f2 = find_result(results, name, "fast", 2);
        if (!f1 && !f2) continue;
        const BenchRatio none = {0};
        const BenchRatio *cells[] = {f1 && !f1->wrong ? &f1->vs_onednn : &none, f2 && !f2->wrong ? &f2->vs_onednn : &none,
                                     f1 && !f1->wrong ? &f1->vs_openblas : &none, f2 && !f2->wrong ? &f2->vs_openblas : &none,
                                     f1 && !f1->wrong ? &f1->vs_naive : &none, f1 && !f1->wrong ? &f1->vs_step64 : &none,
                                     f2 && !f2->wrong ? &f2->vs_1thread : &none};
        printf("  %-13s", name);
        for (size_t c = 0; c < sizeof cells / sizeof cells[0]; c++) {
            char buf[40];
            printf(c + 1 < sizeof cells / sizeof cells[0] ? " %-19s" : " %s", ratio_text(buf, sizeof buf, cells[c]));
        }
        printf("\n");
    }
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
                const BenchResult *found = find_result(results, bench_shapes[s].name, cols[c][0], t);
                if (!found) printf(" %10s", "-");
                else if (found->wrong) printf(" %10s", "WRONG");
                else printf(" %10.1f", found->gflops);
            }
        }
        printf("\n");
    }
    print_fast_ratios(results, shapes);
}
