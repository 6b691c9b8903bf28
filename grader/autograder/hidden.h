/* GIVEN -- the autograders' hidden tests include this; students never see it.
 *
 * hidden.h -- what every hidden test (the .c files of solutions/NN-slug/hidden/) shares.
 *
 * A hidden test is an ordinary GRADED_TEST (common/testing.h: the same
 * points, time limits and failure messages as the visible tests) that is
 * compiled only into an autograder (grader/chapter.mk with HIDDEN=...). It
 * draws fresh shapes and inputs from HIDDEN_SEED, a number chosen when the
 * autograder is built (grader/autograder/build.sh), and compares the graded
 * code with the reference solution linked into the same binary under the
 * prefix ref_ (chapter.mk renames the reference's symbols with objcopy).
 *
 *     REFERENCE(conv2d_valid);   declares ref_conv2d_valid, of conv2d_valid's type
 */
#ifndef CNN_HIDDEN_H
#define CNN_HIDDEN_H

#include "rng.h"

#ifndef HIDDEN_SEED
#error "hidden tests are built by an autograder: grader/chapter.mk HIDDEN=... defines HIDDEN_SEED"
#endif

/* The reference's copy of fn: the same type, so the compiler checks every
 * call against the header the student's code is compiled with. */
#define REFERENCE(fn) extern __typeof__(fn) ref_##fn

/* A generator for one test: the autograder's seed mixed with the test's own
 * number, so each test draws its own inputs and adding a test changes no
 * other test's. */
static inline Rng hidden_rng(unsigned test_number)
{
    Rng rng;
    rng_seed(&rng, (uint64_t)HIDDEN_SEED * 0x9E3779B97F4A7C15ull + test_number);
    return rng;
}

/* A size drawn uniformly from lo..hi (both included). */
static inline int hidden_size(Rng *rng, int lo, int hi)
{
    return lo + rng_below(rng, hi - lo + 1);
}

/* A seed for test_random_tensor, drawn from rng. */
static inline unsigned long long hidden_seed(Rng *rng)
{
    return (unsigned long long)rng_next_u64(rng);
}

#endif
