/* manifest.h -- the grader's record of the workbook's own files.
 *
 * grader/checksums.txt holds one line per file whose bytes the grade
 * depends on, written by `make manifest` (and `make skeletons`):
 *
 *     test      <sha256>  chapters/02-convolution/tests/data/ref.npy
 *     skeleton  <sha256>  chapters/02-convolution/conv_single.c
 *
 * "test" lines cover everything in a chapter's tests/ folder (sources,
 * headers, reference data): the grader refuses to grade with a test file
 * that is missing, changed or unknown, and restores any that a test run
 * changes. "skeleton" lines are the files as the workbook ships them, so
 * `make skeletons` can tell an untouched skeleton (safe to regenerate) from
 * a student's work (never overwritten unless forced).
 *
 * grader/allowed-symbols.txt lists, per solution file, the symbols its
 * reference uses beyond what every exercise may (see symcheck.h).
 */
#ifndef GRADER_MANIFEST_H
#define GRADER_MANIFEST_H

#include <stddef.h>

#define CHECKSUMS_PATH "grader/checksums.txt"
#define ALLOWED_SYMBOLS_PATH "grader/allowed-symbols.txt"

typedef struct {
    char kind[12];
    char sha[65];
    char path[400];
} Checksum;

typedef struct {
    Checksum *items;
    size_t count;
} Checksums;

/* Reads grader/checksums.txt (a missing file is an empty list). 0 or -1. */
int checksums_load(Checksums *c, const char *path, char *error, size_t error_size);
const Checksum *checksums_find(const Checksums *c, const char *kind, const char *path);
void checksums_free(Checksums *c);

/* The subcommands `grader manifest write|check` and
 * `grader skeletons write [--force]|check`; they return the exit status. */
int manifest_command(int argc, char **argv);
int skeletons_command(int argc, char **argv);

#endif
