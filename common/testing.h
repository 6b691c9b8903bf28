/* GIVEN -- read it, don't edit it.
 *
 * testing.h -- helpers for the Criterion tests of every chapter.
 *
 * Four things live here:
 *
 * 1. GRADED_TEST, the one way a chapter declares a test worth points:
 *
 *        GRADED_TEST(conv2d, identity_kernel, 2,
 *                    "A delta kernel must return the input unchanged.")
 *        { ... }
 *
 *    It is a Criterion Test with a time limit (5 s, or GRADED_TEST_TIMEOUT's
 *    and GRADED_TEST_ALONE's)
 *    and a description "2|hint". The grader reads the suite, name, points,
 *    time limit and hint from this declaration in the source (never from the
 *    running binary), so a declaration must start at the beginning of a line.
 *
 * 2. tensor_close / expect_tensor_close, which compare two tensors with
 *    |got - expected| <= atol + rtol * |expected| and, on mismatch, explain:
 *
 *        conv2d output [1,1,3,3]: 3 of 9 values are wrong (atol 1e-05, rtol 1e-04)
 *          first bad index (n,c,h,w) = (0,0,0,2): expected 3, got 0
 *          max abs error 9 at (0,0,2,2); max rel error 1 at (0,0,0,2)
 *          positions wrong in any image/channel (X wrong, . right):
 *            . . X
 *            . . X
 *            . . X
 *
 *    A wrong border is usually padding; a wrong stripe, a stride or an
 *    off-by-one bound; everything wrong, a swapped index.
 *
 *    The map is drawn over what varies: a (h, w) plane for images, an
 *    n x c grid (rows = the first index, columns = the second) for a matrix
 *    [N, M] or a tensor [N, C, 1, 1], one row for a vector. The relative
 *    error is reported only over values whose |expected| is above 100 * atol
 *    (below that it measures nothing but the tolerance); when no value is,
 *    the report says so. When every value is one constant times the
 *    expected one, the report gives the factor, and names it when it is
 *    exactly a scale the `what` text mentions (gradcheck_name_factor).
 *
 * 3. The picture of a mismatch. When the grader gives a test a folder for
 *    pictures (GRADER_FAILURES_DIR, build/grade/NN-<variant>/failures when
 *    it grades), expect_tensor_close also draws the mismatch as one PNG,
 *    <suite>.<test>-<k>.png (k counts the pictures of one test), and the
 *    message names it ("picture: .../pooling.maxpool_ties-1.png"). Each row
 *    of the picture is one (n, c) plane with wrong values (four at most;
 *    a matrix or vector is one grid, as in the map), in three panels:
 *    expected | got | |difference|, upscaled. Got shares the expected
 *    plane's grey scale when its values lie near that range, else it gets
 *    its own (so a scaled or garbage plane still shows its pattern); the
 *    plane's label says which values are black and white. The difference
 *    is scaled so the largest error is white (right cells stay dark, wrong
 *    ones are at least grey); red is NaN or infinity. The labels are drawn
 *    with a font built into testing.c and the PNG is written with zlib
 *    (image_write_png), so no other program runs. Without the variable (a
 *    test binary run by hand) there is no picture; when the picture cannot
 *    be written, the message says why in one clause and the result of the
 *    test is the same.
 *
 * 4. Which tensor a bad address belongs to. Every tensor a test makes
 *    (tensor_new, tensor_new_like, tensor_new_nd, tensor_clone, test_tensor,
 *    test_random_tensor, test_load_npy, and the chapters' helpers that wrap
 *    them) is recorded with its address, shape and the line that made it:
 *    the macros below wrap those calls in test code. In a test binary built
 *    with AddressSanitizer (SANITIZE=1), when ASan stops the test on a heap
 *    address inside or near such a tensor, the test process prints, after
 *    ASan's own report, exactly one line to stderr:
 *
 *        grader-tensor: <explanation>
 *
 *    (the prefix "grader-tensor: " at the start of a line, then plain text
 *    up to the newline, at most 512 bytes), for example
 *
 *        grader-tensor: a write 3 floats past the end of y [2,3,4,5] (made by tensor_new at test_conv.c:41): index 122 of its 120, which the index formula reads as (n,c,h,w) = (2,0,0,2), and n = 2 is not below N = 2
 *        grader-tensor: a read 2 floats before the start of x [1,1,4,4] (made by test_tensor at test_pool.c:12): index -2, which the index formula reads as (n,c,h,w) = (-1,0,3,2), and n = -1 is below 0
 *        grader-tensor: a read inside dx [1,3,4,4] (made by tensor_new_like at test_x.c:9) at (n,c,h,w) = (0,1,2,3), after the tensor was freed
 *        grader-tensor: a write at a heap address that is in or next to none of the 12 tensors this test made: a buffer the code under test allocated itself?
 *
 *    The grader shows it beside ASan's reason. That line, from a process
 *    ASan is ending anyway, is the only thing testing.c ever prints.
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

/* A test that looks for races between threads: a race shows only while
 * the threads really run at once, so the grader runs this test with no
 * other test beside it (it runs two at a time otherwise) and the machine's
 * cores are its own. Otherwise the same as GRADED_TEST_TIMEOUT. */
#define GRADED_TEST_ALONE(suite, name, points, seconds, hint) GRADED_TEST_TIMEOUT(suite, name, points, seconds, hint)

/* Default tolerances for float32 results computed in a different order. */
#define TEST_ATOL 1e-5f
#define TEST_RTOL 1e-4f

/* True when got matches expected in shape and within tolerance. Otherwise
 * false, with the explanation above written into report (what names the
 * tensor in the first line). report may be NULL. Draws no picture. */
bool tensor_close(const Tensor *got, const Tensor *expected, float atol, float rtol,
                  const char *what, char *report, size_t report_size);

/* tensor_close, and on a mismatch also the picture (3. above) when
 * GRADER_FAILURES_DIR is set: the report then ends with a line
 * "  picture: PATH (...)" or "  picture: not drawn (why)". */
bool tensor_close_pictured(const Tensor *got, const Tensor *expected, float atol, float rtol,
                           const char *what, char *report, size_t report_size);

/* A Criterion expectation around tensor_close_pictured. */
#define expect_tensor_close(got, expected, atol, rtol, what)                                  \
    do {                                                                                      \
        static char report_[8192];                                                            \
        cr_expect(tensor_close_pictured((got), (expected), (atol), (rtol), (what), report_,   \
                                        sizeof report_),                                      \
                  "%s", report_);                                                             \
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

/* ---- which tensor an address belongs to (4. above) ------------------------ */

/* Records t (NULL is passed through) as made by `call` at file:line and
 * returns it. A tensor already recorded (a helper's tensor, wrapped again by
 * the helper's own macro) keeps its note (the .npy it came from) and takes
 * the new call and line, which name it better. Records the most recent
 * tensors (older records are forgotten first). Not thread-safe: tests make
 * their tensors on one thread. */
Tensor *test_track_tensor(Tensor *t, const char *call, const char *file, int line);

/* The explanation of a bad access (the text after "grader-tensor: "): of
 * access_size bytes at addr, a write or a read, with ASan's kind of error
 * ("heap-buffer-overflow", "heap-use-after-free", ...). Returns false, with
 * out untouched, when the kind is not about the heap. The death callback
 * of an ASan build prints this; tests call it directly. */
bool test_explain_address(char *out, size_t size, const void *addr, size_t access_size, bool is_write,
                          const char *kind);

/* The calls of test code go through test_track_tensor (a function-like
 * macro never expands inside its own expansion, so each one below calls the
 * real function). A file that includes this header and defines a function
 * of these names writes the name in parentheses: Tensor *(test_tensor)(...). */
#define TEST_TRACKED_(call, ...) test_track_tensor(call(__VA_ARGS__), #call, __FILE__, __LINE__)
#define tensor_new(...) TEST_TRACKED_(tensor_new, __VA_ARGS__)
#define tensor_new_like(...) TEST_TRACKED_(tensor_new_like, __VA_ARGS__)
#define tensor_new_nd(...) TEST_TRACKED_(tensor_new_nd, __VA_ARGS__)
#define tensor_clone(...) TEST_TRACKED_(tensor_clone, __VA_ARGS__)
#define test_tensor(...) TEST_TRACKED_(test_tensor, __VA_ARGS__)
#define test_random_tensor(...) TEST_TRACKED_(test_random_tensor, __VA_ARGS__)
#define test_load_npy(...) TEST_TRACKED_(test_load_npy, __VA_ARGS__)

#endif
