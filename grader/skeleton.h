/* skeleton.h -- makes a student's skeleton file from a solution file.
 *
 * Copies the solution line by line, except inside a marked region:
 *
 *     //>> solution          start of the code the student writes (dropped)
 *     ...                    the solution's code (dropped)
 *     //| return 0;          skeleton-only code: emitted as "return 0;",
 *                            indented like the //>> marker
 *     //<<                   end of the region (dropped)
 *
 * Everything outside regions, including the TODO and hint comments above
 * them, is kept, so the skeleton reads like the solution with holes. An
 * unterminated or nested region is an error (with file:line), so a marker
 * typo cannot silently leak a solution into chapters/.
 */
#ifndef GRADER_SKELETON_H
#define GRADER_SKELETON_H

#include "text.h"

#include <stdbool.h>

/* Appends the skeleton of the solution file at path to *out. Returns 0, or -1
 * with a message (file:line) in error. *has_regions tells whether the file
 * had any marked region (an exercise file) or none (a given file). */
int skeleton_make(const char *path, Buf *out, bool *has_regions, char *error, size_t error_size);

#endif
