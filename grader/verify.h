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

#include <stdbool.h>
#include <stddef.h>

/* What stat() said of a file when it was last known to hold the snapshot's
 * bytes. Its change time (ctime) moves on every write, chmod or utime, and
 * no unprivileged program can set it back: while ctime, inode and size are
 * the same, the bytes are too, and need not be read again. */
typedef struct {
    bool known;
    unsigned long long dev, ino, size;
    long long ctime_s, ctime_ns;
} FileSeen;

typedef struct {
    char *path;     /* in the workbook: chapters/04-pooling/tests/data/x.npy */
    char *copy;     /* in the scratch folder: tests/data/x.npy */
    char *bytes;
    size_t size;
    FileSeen seen[2]; /* [0] the scratch copy, [1] the workbook's file */
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
void snapshot_restore(Snapshot *snap, const char *scratch, Buf *changed);

/* Records the files' stat (see FileSeen) once the scratch copies are
 * written, so that snapshot_restore reads only the files whose ctime,
 * inode or size has moved since. Call again after moving to another
 * scratch folder. */
void snapshot_note(Snapshot *snap, const char *scratch);

void snapshot_free(Snapshot *s);

#endif
