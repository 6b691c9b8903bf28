/* GIVEN -- read it, don't edit it.
 *
 * error.h -- how the core reports failure.
 *
 * Every function of common/ that can fail returns a status (0 on success,
 * -1 on failure) or a pointer (NULL on failure) and leaves a one-line,
 * human-readable explanation behind that cnn_last_error() returns, e.g.
 *
 *     datasets/digits.csv.gz: line 12: expected 65 fields, found 64
 *
 * Nothing in common/ prints or exits: programs decide what to do with the
 * message (print it and exit 1), tests assert on it. The message lives in a
 * per-thread buffer, so OpenMP workers cannot overwrite each other's errors.
 */
#ifndef CNN_ERROR_H
#define CNN_ERROR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

/* Records a printf-style message as the current error. Always returns -1 so
 * that a failing function can end with `return cnn_error("...", ...);`. */
int cnn_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prefixes the current error with more context ("loading weights: ..."). */
int cnn_error_context(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The last error recorded on this thread ("" when there is none). */
const char *cnn_last_error(void);

/* Forgets the last error. */
void cnn_clear_error(void);

/* Closes a file the caller has written; ok says whether every write
 * succeeded. 0, or -1 with "path: write failed: <reason>" when a write or
 * the close failed (a full disk shows only at fclose). f is closed either
 * way. The one ending of every writer in the core (npy, image). */
int cnn_close_written(FILE *f, bool ok, const char *path);

#endif
