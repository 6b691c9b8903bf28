/* batch.h -- `grader batch`: grades a folder of submissions into a gradebook.
 *
 *   grader batch NN SUBMISSIONS_DIR [--out FILE] [--jobs N]
 *   make grade-all CH=NN SUBMISSIONS=DIR [OUT=FILE]
 *
 * SUBMISSIONS_DIR holds one folder per submission, named as the gradebook
 * should name it (a student id, a login). A submission is either the
 * chapter's exercise files at its top level (as an upload arrives) or a
 * student's whole copy of the workbook (its chapters/NN-slug/ is used).
 * Only the chapter's exercise files (first line "EXERCISE") are taken from
 * it, into a pristine copy of the chapter under build/batch/NN/<name>/src,
 * so a submission's own tests, headers or Makefile never reach its grade;
 * an exercise file it lacks stays the skeleton's and is listed. Each copy
 * is graded by `grader grade --src` exactly as one student's grade would
 * be (sandbox, limits, symbol check), N at a time (default 2).
 *
 * The gradebook (default build/batch/NN/gradebook.csv) has one row per
 * submission: name, score, max_score, status ("full marks", "graded", "did
 * not compile", "not gradable"), the missing files, then the points of
 * every test in lesson order. Each grade's whole output is kept beside it
 * (build/batch/NN/<name>/grade.log). Exit status: 0 when every submission
 * was graded (whatever its score), 2 usage, 3 when one could not be.
 */
#ifndef GRADER_BATCH_H
#define GRADER_BATCH_H

/* argv[0] is "batch"; returns the exit status. */
int batch_command(int argc, char **argv);

#endif
