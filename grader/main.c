/* main.c -- the grader: one program for everything that builds trust in a
 * grade. Written in C, not shell, so it behaves the same in every locale and
 * shell, and so time, memory and process limits are real system limits.
 *
 *   grader grade [options] NN         grade a chapter (grade.c)
 *   grader manifest write|check       grader/checksums.txt, allowed-symbols.txt
 *   grader skeletons write|check      chapters/ skeletons from solutions/
 *   grader check-json FILE            is FILE valid JSON? (for make test)
 *   grader assemble [--solution]      whose code each chapter of the programs is
 *   grader progress [--solution]      every chapter's score, cached (make grade)
 *   grader watch NN                   grade again on every save (make watch)
 *   grader hint NN [--test NAME]      the next hint (make hint)
 *   grader batch NN DIR               a folder of submissions -> a gradebook
 *
 * The Makefile builds it as build/bin/grader and runs it from the workbook's
 * top folder: `make grade`, `make manifest`, `make skeletons`.
 */
#include "assemble.h"
#include "batch.h"
#include "grade.h"
#include "hints.h"
#include "jsoncheck.h"
#include "manifest.h"
#include "progress.h"
#include "watch.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "grade") == 0) return grade_command(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "manifest") == 0) return manifest_command(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "skeletons") == 0) return skeletons_command(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "check-json") == 0) return check_json_command(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "assemble") == 0) return assemble_command(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "progress") == 0) return progress_command(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "watch") == 0) return watch_command(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "hint") == 0) return hint_command(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "batch") == 0) return batch_command(argc - 1, argv + 1);
    fprintf(stderr, "usage: grader grade [--solution | --src DIR] [--test NAME] [--quiet] NN\n"
                    "       grader manifest write|check [--checksums]\n"
                    "       grader skeletons write [--force] | check\n"
                    "       grader check-json FILE\n"
                    "       grader assemble [--solution] [--build DIR]\n"
                    "       grader progress [--solution]\n"
                    "       grader watch NN\n"
                    "       grader hint NN [--test NAME]\n"
                    "       grader batch NN SUBMISSIONS_DIR [--out FILE] [--jobs N]\n");
    return 2;
}
