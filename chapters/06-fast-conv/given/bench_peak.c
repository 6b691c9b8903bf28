/* GIVEN -- read it, don't edit it.
 *
 * bench_peak.c -- chapter 06's benchmark: the machine's two roofs (see
 * bench.h), measured at start-up with the thread counts of the table.
 *
 * The FMA peak: a loop of 12 independent vector FMAs per iteration. An FMA
 * takes about 4 cycles and a core starts two per cycle, so at least 8 must
 * be in flight; 12 chains keep both units busy, and nothing is loaded or
 * stored inside the loop. The loop is written with AVX-512 or AVX2
 * intrinsics (each compiled with its own target attribute, called only
 * when the CPU has it) or, elsewhere, in plain C for the compiler to
 * vectorize; it uses the vectors of the micro-kernel the fast path runs.
 * % peak in the table divides by what this measures.
 *
 * The memory bandwidth: a stream-like triad, the roofline's second roof.
 */
#include "bench.h"

#include "parallel.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define BENCH_X86 1
#endif

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

/* The loop of the micro-kernel the fast path runs: the best this CPU has,
 * or the one FC_KERNEL forces (FC_KERNEL=avx2 on an AVX-512 machine: the
 * peak an AVX2 machine of this clock would have, which is what % peak of an
 * AVX2 run should divide by). */
const char *bench_fma_isa(double *flops_per_iter)
{
#ifdef BENCH_X86
    const GemmKernel *kernel = gemm_kernel_active();
    const char *name = kernel ? kernel->name : "";
    if (strcmp(name, "avx512") == 0) { *flops_per_iter = 12 * 16 * 2; return "avx512"; }
    if (strcmp(name, "avx2") == 0) { *flops_per_iter = 12 * 8 * 2; return "avx2"; }
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

/* Where the loops' results go, so that the compiler cannot drop the
 * loops as computing nothing anybody reads. */
static volatile float bench_sink;

/* Each thread runs the same loop; the team's size is read inside the
 * region (OMP(single): one thread writes it), as the runtime may give
 * fewer threads than asked for. */
double bench_measure_peak(int threads)
{
    double fpi;
    const char *isa = bench_fma_isa(&fpi);
    long iters = 20000000;
    double best = 0.0;
    bench_set_threads(threads);
    for (int rep = 0; rep < 5; rep++) {
        double t0 = bench_now();
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
        double t = bench_now() - t0;
        bench_sink = sink;
        double g = fpi * (double)iters * team / t * 1e-9;
        if (g > best) best = g;
    }
    return best;
}

/* Triad a = b + s*c over 3 x 32 MB, far more than any cache: GB/s counting
 * 12 bytes per element. The arrays are first written by the threads that
 * time them (the same static schedule), so each page sits near its core;
 * the first timed pass is dropped. */
double bench_measure_bandwidth(int threads)
{
    size_t n = (size_t)8 << 20;
    float *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *c = malloc(n * sizeof *c);
    if (!a || !b || !c) {
        free(a), free(b), free(c);
        return 0.0;
    }
    bench_set_threads(threads);
    OMP(parallel for schedule(static))
    for (size_t i = 0; i < n; i++) a[i] = 0.0f, b[i] = 1.0f, c[i] = 2.0f;
    double best = 0.0;
    for (int rep = 0; rep < 6; rep++) {
        double t0 = bench_now();
        OMP(parallel for schedule(static))
        for (size_t i = 0; i < n; i++) a[i] = b[i] + 0.5f * c[i];
        double t = bench_now() - t0, g = 12.0 * (double)n / t * 1e-9;
        if (rep > 0 && g > best) best = g;
    }
    bench_sink = a[n / 2];
    free(a), free(b), free(c);
    return best;
}
