/* testlist.h -- a chapter's graded tests, read from its test sources.
 *
 * The grader learns which tests exist, their points and their time limits
 * from the GRADED_TEST / _TIMEOUT / _ALONE declarations in the workbook's
 * test files, never from the test binary: a binary runs student code, and
 * what it prints about itself (its --list, say) could be anything.
 *
 *     GRADED_TEST(conv2d, identity_kernel, 2, "hint ...")
 *     GRADED_TEST_TIMEOUT(train, cnn_overfits, 3, 10.0, "hint ...")
 *     GRADED_TEST_ALONE(forward, threads_do_not_race, 4, 20.0, "hint ...")
 *
 * A declaration starts at the beginning of a line and may continue over
 * several; the hint may be several adjacent string literals.
 */
#ifndef GRADER_TESTLIST_H
#define GRADER_TESTLIST_H

#include "text.h"

#include <stddef.h>

typedef struct {
    char suite[64], name[96];
    char full[161];        /* "suite/name", as --filter takes it */
    int points;
    double timeout;        /* seconds: GRADED_TEST's 5, or GRADED_TEST_TIMEOUT's */
    bool alone;            /* GRADED_TEST_ALONE: no other test may run beside it */
    bool hidden;           /* a hidden test of the autograders (grader grade --hidden) */
    char hint[512];
    char file[256];        /* the source file and line of the declaration */
    int line;
} GradedTest;

typedef struct {
    GradedTest *tests;
    size_t count;
} TestList;

/* Reads the declarations of each file in files[0..n) in that order (tests
 * keep their order within a file). Returns 0, or -1 with a message naming the
 * file and line in error: a malformed declaration, a duplicate name, or a
 * plain Criterion Test( that would run without being graded. */
int testlist_read(TestList *list, char *const *files, size_t n, char *error, size_t error_size);

void testlist_free(TestList *list);

/* Reorders the tests as the chapter's lesson lists them: the lesson's
 * exercise table names every test as `name` (points) -- or `suite/name`
 * (points) -- step by step, so the unit test of each step comes before
 * anything that uses it, and the first failure shown is the first thing to
 * fix. Tests the lesson does not name keep their source order, after the
 * others. When problems is not NULL, it receives one line per disagreement
 * between the lesson and the tests (a test it does not name, a name that is
 * no test, points that differ) -- `make test` fails on any. */
void testlist_order_by_lesson(TestList *list, const char *lesson_path, Buf *problems);

/* The index of the test called name ("suite/name" or just "name" when that is
 * unique), or -1. */
long testlist_find(const TestList *list, const char *name);

#endif
