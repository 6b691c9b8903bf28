/* verify.h -- the tests' files are the workbook's, before and after every test.
 *
 * Before grading, every file in a chapter's tests/ folder and every shipped
 * dataset must match its SHA-256 in grader/checksums.txt (manifest.h): a
 * changed, missing or unknown file means a grade would mean nothing, and the
 * grade stops with the files named. The verified bytes are kept (a
 * Snapshot); the tests run on a copy of them, and after each test both that
 * copy and the workbook's files are compared with the snapshot and put back
 * where anything changed them.
 */
#ifndef GRADER_VERIFY_H
#define GRADER_VERIFY_H

#include "text.h"

#include <stddef.h>

typedef struct {
    char *path;     /* in the workbook: chapters/04-pooling/tests/data/x.npy */
    char *copy;     /* in the scratch folder: tests/data/x.npy */
    char *bytes;
    size_t size;
} Pristine;

typedef struct {
    Pristine *files;
    size_t count;
} Snapshot;

/* Verifies chapter_dir/tests/ and the shipped datasets (chapter is "04",
 * for messages) and fills *snap. 0, or -1 after printing why not. */
int snapshot_verify(Snapshot *snap, const char *chapter_dir, const char *chapter);

/* Compares the scratch copies (scratch/<copy>) and the workbook's files with
 * the snapshot and rewrites every one that differs; appends the changed
 * files' names to *changed (comma-separated). */
void snapshot_restore(const Snapshot *snap, const char *scratch, Buf *changed);

void snapshot_free(Snapshot *s);

#endif
