/* report.h -- what the grader prints, and its results.json.
 *
 * Everything shown comes from untrusted places (a test's messages hold
 * whatever the student's code put into them), so the table and the details
 * are made safe for a terminal, and results.json is valid JSON whatever the
 * bytes (text.h). results.json follows Gradescope's schema and is written
 * once, at the end, atomically (a temporary file renamed over the old one).
 */
#ifndef GRADER_REPORT_H
#define GRADER_REPORT_H

#include "testlist.h"

#include <stdbool.h>
#include <stdio.h>

typedef struct {
    const GradedTest *test;
    bool passed;
    int got;          /* points earned */
    char *reason;     /* why it failed (untrusted text, owned); NULL when passed */
} Outcome;

/* One row of Gradescope's leaderboard (results.json's "leaderboard",
 * leaderboard.h): a number, ranked high first ("desc") or low first ("asc"). */
typedef struct {
    char name[96];
    double value;
    const char *order;
} LeaderboardRow;

/* The table: one row per test (name, points, pass/FAIL, the reason's first
 * line), in the order given. */
void report_table(FILE *out, const Outcome *outcomes, size_t n);

/* Every failure's whole reason, under its test's name; at most max_lines. */
void report_details(FILE *out, const Outcome *outcomes, size_t n, const char *chapter, int max_lines);

/* Writes path (results.json) for these outcomes; summary is the top-level
 * "output"; hints_used (make hint) goes into Gradescope's "extra_data";
 * board[0..board_n) is the "leaderboard" (none when board_n is 0).
 * Returns 0, or -1 when the file could not be written. */
int report_write_json(const char *path, const Outcome *outcomes, size_t n, int score, int total,
                      const char *summary, int hints_used, const LeaderboardRow *board, size_t board_n);

/* Writes path in PrairieLearn's external-grader format: gradable, score as
 * a fraction, message, and per test name, description (its hint), points,
 * max_points, message (the reason's first line), output (all of it) and, for
 * a failing tensor test, its picture (a PNG in pictures_dir, which the
 * reason names) as an image with a data: URI. 0 or -1. */
int report_write_prairielearn(const char *path, const Outcome *outcomes, size_t n, int score, int total,
                              const char *summary, const char *pictures_dir);

/* Writes path: one line per test, "suite/name<TAB>got<TAB>points<TAB>pass|fail
 * <TAB>kind" (kind: - when passed, else compile, rejected, timeout, crash or
 * fail), in the order given (grader batch reads it into the gradebook and
 * its flags). 0 or -1. */
int report_write_tsv(const char *path, const Outcome *outcomes, size_t n);

#endif
