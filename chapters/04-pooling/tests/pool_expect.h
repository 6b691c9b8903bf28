/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * pool_expect.h -- test helpers for chapter 04: reference cases and argmax checks.
 *
 * A "case" is one input and the PyTorch outputs made for it by make_refs.py
 * (data/<case>_x.npy, _max.npy, _argmax.npy, _avg.npy); its window and stride
 * are listed in make_refs.py and in test_pooling.c.
 *
 * expect_argmax_equal compares argmax arrays exactly. Its message names the
 * first wrong output position (n, c, ph, pw), shows both indices decoded back
 * into x positions (n, c, h, w), and says what the wrong index is, from what
 * it holds: never written (-1), not an index into x, the maximum's offset
 * inside its window or its (h, w) plane (the flat index into x was not
 * formed), another position outside the window, an equal value later in
 * the window (a tie the last maximum won) or earlier, or a smaller value of
 * the window. When the wrong entries are of several kinds it counts each,
 * and it draws the map of wrong outputs like expect_tensor_close does.
 *
 * load_case and new_pool_output are recorded as made by the line that calls
 * them, so an AddressSanitizer report names the caller's variable
 * (testing.h, "which tensor a bad address belongs to").
 */
#ifndef POOL_EXPECT_H
#define POOL_EXPECT_H

#include "pooling.h"
#include "tensor.h"
#include "testing.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Loads data/<name>_<what>.npy (float32) as a tensor; cr_asserts on failure. */
Tensor *load_case(const char *name, const char *what);

/* Loads data/<name>_argmax.npy (int32) and checks it holds count entries.
 * Returns a malloc'ed array the caller frees; cr_asserts on failure. */
int32_t *load_case_argmax(const char *name, size_t count);

/* A new tensor of y's shape for pooling x with p, filled with NaN so that a
 * value the code under test never writes shows up as "got nan". */
Tensor *new_pool_output(const Tensor *x, Pool2dParams p);

/* count int32 entries set to -1 (no index), malloc'ed; cr_asserts. */
int32_t *new_argmax(size_t count);

/* True when got equals expected everywhere; otherwise false and report explains. */
bool argmax_equal(const int32_t *got, const int32_t *expected, const Tensor *x,
                  const Tensor *y, Pool2dParams p, const char *what, char *report,
                  size_t report_size);

/* The two makers of tensors, recorded at the caller's line (testing.h). */
#define load_case(...) TEST_TRACKED_(load_case, __VA_ARGS__)
#define new_pool_output(...) TEST_TRACKED_(new_pool_output, __VA_ARGS__)

#define expect_argmax_equal(got, expected, x, y, p, what)                              \
    do {                                                                               \
        static char areport_[8192];                                                    \
        cr_expect(argmax_equal((got), (expected), (x), (y), (p), (what), areport_,     \
                               sizeof areport_),                                       \
                  "%s", areport_);                                                     \
    } while (0)

#endif
