/* GIVEN -- read it, don't edit it.
 *
 * testing.h -- helpers for the Criterion tests of every chapter.
 *
 * Two things live here:
 *
 * 1. GRADED_TEST, the one way a chapter declares a test worth points:
 *
 *        GRADED_TEST(conv2d, identity_kernel, 2,
 *                    "A delta kernel must return the input unchanged.")
 *        { ... }
 *
 *    It is a Criterion Test with a time limit (5 s, or GRADED_TEST_TIMEOUT's)
 *    and a description "2|hint". The grader reads the suite, name, points,
 *    time limit and hint from this declaration in the source (never from the
 *    running binary), so a declaration must start at the beginning of a line.
 *
 * 2. tensor_close / expect_tensor_close, which compare two tensors with
 *    |got - expected| <= atol + rtol * |expected| and, on mismatch, explain:
 *
 *        conv2d output [1,1,3,3]: 3 of 9 values are wrong (atol 1e-05, rtol 1e-04)
 *          first bad index (n,c,h,w) = (0,0,0,2): expected 3, got 0
 *          max abs error 3 at (0,0,2,2); max rel error 1
 *          positions wrong in any image/channel (X wrong, . right):
 *            . . X
 *            . . X
 *            . . X
 *
 *    A wrong border is usually padding; a wrong stripe, a stride or an
 *    off-by-one bound; everything wrong, a swapped index.
 */
#ifndef CNN_TESTING_H
#define CNN_TESTING_H

#include "error.h"
#include "tensor.h"

#include <stdbool.h>
#include <stddef.h>

#define GRADED_TEST_TIMEOUT(suite, name, points, seconds, hint)                  \
    Test(suite, name, .description = #points "|" hint, .timeout = (seconds), \
         .fini = grader_test_finished)

/* Runs after a graded test's body has reached its end, and tells the grader
 * so (grader/record.c): a test whose body never finished, because the code
 * under test ended the process, cannot pass. */
void grader_test_finished(void);

#define GRADED_TEST(suite, name, points, hint) GRADED_TEST_TIMEOUT(suite, name, points, 5.0, hint)

/* Default tolerances for float32 results computed in a different order. */
#define TEST_ATOL 1e-5f
#define TEST_RTOL 1e-4f

/* True when got matches expected in shape and within tolerance. Otherwise
 * false, with the explanation above written into report (what names the
 * tensor in the first line). report may be NULL. */
bool tensor_close(const Tensor *got, const Tensor *expected, float atol, float rtol,
                  const char *what, char *report, size_t report_size);

/* A Criterion expectation around tensor_close. */
#define expect_tensor_close(got, expected, atol, rtol, what)                             \
    do {                                                                                 \
        static char report_[8192];                                                       \
        cr_expect(tensor_close((got), (expected), (atol), (rtol), (what), report_,       \
                               sizeof report_),                                          \
                  "%s", report_);                                                        \
    } while (0)

/* A tensor of the given shape from a row-major list of values (ndim 4). The
 * caller frees it. Aborts the test (cr_assert) when allocation fails. */
Tensor *test_tensor(int n, int c, int h, int w, const float *values);

/* A tensor filled with seeded uniform values in [-1, 1). */
Tensor *test_random_tensor(int n, int c, int h, int w, unsigned long long seed);

/* The datasets folder: the grader's verified copy ($CNN_DATASETS) when it
 * runs the test, else the workbook's (a test binary run by hand from
 * chapters/NN-slug/tests). */
const char *test_datasets_dir(void);

/* A path for a file a test writes and removes: in $TMPDIR (the grader gives
 * each run a private one), else /tmp. The string is static: copy it before
 * the next call. */
const char *test_temp_path(const char *name);

/* Loads a committed reference .npy (float32) relative to the directory the
 * test binary runs in; cr_asserts with the loader's message when it fails. */
Tensor *test_load_npy(const char *path);

#endif
