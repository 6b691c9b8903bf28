/* GIVEN -- read it, don't edit it.
 *
 * parallel.h -- OpenMP pragmas that vanish when OpenMP is not available.
 *
 * Chapter 05's training loops split work over independent outputs (images
 * of a batch, rows of a weight matrix), so every element is computed by
 * exactly one thread in the same order as without threads: results are
 * bit-identical for any thread count. Without -fopenmp the macros expand to
 * nothing and the code runs serially (no unknown-pragma warnings).
 *
 * PARALLEL_FOR_IF(cond): the next for loop runs on all threads when cond is
 * true (small loops stay serial: starting threads costs a few microseconds).
 */
#ifndef CH05_PARALLEL_H
#define CH05_PARALLEL_H

#ifdef _OPENMP
#define PARALLEL_PRAGMA_(x) _Pragma(#x)
#define PARALLEL_FOR_IF(cond) PARALLEL_PRAGMA_(omp parallel for schedule(static) if (cond))
#else
#define PARALLEL_FOR_IF(cond)
#endif

/* Loops with fewer multiply-adds than this stay on one thread. */
#define PARALLEL_MIN_WORK 200000L

#endif
