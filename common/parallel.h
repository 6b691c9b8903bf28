/* GIVEN -- read it, don't edit it.
 *
 * parallel.h -- the workbook's one OpenMP wrapper: directives and thread
 * queries that vanish when OpenMP is not available.
 *
 * Every threaded loop of the workbook splits work over independent outputs
 * (images of a batch, rows of a weight matrix, column blocks of a GEMM), so
 * every element is computed by exactly one thread in the same order as
 * without threads: results are bit-identical for any thread count. Built
 * without -fopenmp, every OMP(...) expands to nothing, the helpers below
 * answer as a single thread would, and the code runs serially (with no
 * unknown-pragma warnings).
 *
 *   OMP(directive)   the OpenMP directive `#pragma omp directive`, e.g.
 *                        OMP(parallel for schedule(static) if (work > PARALLEL_MIN_WORK))
 *                        for (int n = 0; n < N; n++) ...
 *                    A macro can hold it where `#pragma` cannot (#pragma is
 *                    a whole line of its own; _Pragma is an operator), and
 *                    one #ifdef here replaces one around every loop. Every
 *                    name in the directive is written out where it is used:
 *                    OMP(parallel for reduction(| : failed)) says which
 *                    variable it reduces, no macro assumes one.
 *
 *   parallel_max_threads()      threads the next parallel region may use (1 without OpenMP)
 *   parallel_thread_num()       this thread's number in its team, 0 .. team-1 (0 without)
 *   parallel_num_threads()      threads in the current team (1 outside a region, or without)
 *   parallel_set_num_threads(n) threads for later parallel regions (nothing without)
 *
 * `#pragma omp simd` is written as it is, not through OMP(): chapter 06
 * builds with -fopenmp-simd, which honours simd directives without the
 * OpenMP runtime and without defining _OPENMP, so OMP(simd) would vanish
 * there.
 */
#ifndef PARALLEL_H
#define PARALLEL_H

#ifdef _OPENMP
#include <omp.h>
/* _Pragma wants one string literal: # makes it from the macro's arguments
 * (all of them: a directive may contain commas, as in private(a, b)). */
#define PARALLEL_PRAGMA_(...) _Pragma(#__VA_ARGS__)
#define OMP(...) PARALLEL_PRAGMA_(omp __VA_ARGS__)
static inline int parallel_max_threads(void) { return omp_get_max_threads(); }
static inline int parallel_thread_num(void) { return omp_get_thread_num(); }
static inline int parallel_num_threads(void) { return omp_get_num_threads(); }
static inline void parallel_set_num_threads(int n) { omp_set_num_threads(n); }
#else
#define OMP(...)
static inline int parallel_max_threads(void) { return 1; }
static inline int parallel_thread_num(void) { return 0; }
static inline int parallel_num_threads(void) { return 1; }
static inline void parallel_set_num_threads(int n) { (void)n; }
#endif

/* Loops with fewer multiply-adds than this stay on one thread: starting
 * threads costs a few microseconds. */
#define PARALLEL_MIN_WORK 200000L

#endif
