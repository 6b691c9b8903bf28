/* scratch.h -- a scratch folder for the core's tests that write files.
 *
 * Each suite that writes files makes its own folder under /tmp in its .init
 * and removes it, with everything below it, in its .fini:
 *
 *     static void npy_suite_init(void) { scratch_make("npy"); }
 *     TestSuite(npy, .init = npy_suite_init, .fini = scratch_remove);
 *
 * Criterion runs every test in its own process, so the one folder name
 * below is per test process, never shared between tests running at once. */
#ifndef CNN_TESTS_SCRATCH_H
#define CNN_TESTS_SCRATCH_H

#include <stddef.h>

/* The folder of the running test, e.g. /tmp/cnn-npy-test-a1B2c3. */
extern char scratch_dir[64];

/* Makes /tmp/cnn-<what>-test-XXXXXX (fails the test when it cannot). */
void scratch_make(const char *what);

/* Removes scratch_dir and everything under it (nothing when it is absent). */
void scratch_remove(void);

/* scratch_dir/name into path (SCRATCH_PATH_MAX bytes); returns path. */
#define SCRATCH_PATH_MAX 512
const char *scratch_path(char *path, const char *name);

/* Writes n bytes to path exactly (fails the test when it cannot). */
void scratch_write(const char *path, const void *bytes, size_t n);

#endif
