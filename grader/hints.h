/* hints.h -- `grader hint NN [--test NAME]` (`make hint CH=NN [TEST=name]`):
 * the next hint for the first failing test, one level at a time.
 *
 * Each chapter's tests/hints.txt holds up to three levels per test, written
 * for that test:
 *
 *     [conv_naive/single_tutorial_example]
 *     1: where to look (which function, which loop)
 *     2: the idea the code needs
 *     3: close to the code
 *
 * (a level may continue on lines that start with two spaces). Each call
 * gives the next level of that test; build/grade/NN-student/hints-used.txt
 * remembers how far each test has gone, and the progress table and
 * results.json count the hints used. A test without written hints falls
 * back on the hint of its GRADED_TEST declaration.
 */
#ifndef GRADER_HINTS_H
#define GRADER_HINTS_H

#include "testlist.h"
#include "text.h"

int hint_command(int argc, char **argv);

/* How many hints chapter "NN" has used so far (0 when none). */
int hints_used_total(const char *chapter);

/* Checks a chapter's hints.txt against its tests: every entry names a test,
 * its levels run 1, 2, 3 without gaps; with require_all, every test has all
 * three. Problems go into *problems, one per line. */
void hints_check(const char *hints_path, const TestList *tests, bool require_all, Buf *problems);

#endif
