/* assemble.h -- `grader assemble [--solution] [--build DIR]`: decides whose
 * code each chapter of "your workbook" is.
 *
 * Every program a student runs (train, verdict, the figures, bench, the
 * chapter demos) is built from your code for every chapter you have
 * started, and from the reference in solutions/ for every chapter whose
 * exercise files are still the skeletons the workbook shipped
 * (grader/checksums.txt). --solution (SOLUTION=1) takes the reference
 * throughout; --all-yours every chapter's chapters/ folder, started or not
 * (make test builds the untouched skeletons into programs with it). It
 * writes, under DIR/assembled/<student|solution|yours>/:
 *
 *   sources.mk     CHAPTERS and SRC_<slug> (the folder each chapter builds
 *                  from), for grader/assemble.mk
 *   provenance.c   the same choice as data the programs print
 *                  (common/network/provenance.h)
 *
 * each rewritten only when it changes, so an unchanged choice rebuilds
 * nothing.
 */
#ifndef GRADER_ASSEMBLE_H
#define GRADER_ASSEMBLE_H

#include "manifest.h"
#include "text.h"

int assemble_command(int argc, char **argv);

/* Appends to *changed the names of chapters/<slug>'s files that are not the
 * skeletons the workbook shipped (comma-separated; "x.c (deleted)" for one
 * that is gone). Empty: the chapter is untouched, not started. */
void chapter_changes(const Checksums *sums, const char *slug, Buf *changed);

#endif
