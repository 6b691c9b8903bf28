/* batch.h -- `grader batch`: grades a folder of submissions into a gradebook.
 *
 *   grader batch [NN] SUBMISSIONS [--out FILE] [--jobs N]
 *   make grade-all SUBMISSIONS=DIR [CH=NN] [JOBS=N] [OUT=FILE]
 *
 * SUBMISSIONS holds one entry per student, named as the gradebook should
 * name them (a student id, a login): a folder, a git repository (a work
 * tree or a bare one: its HEAD is graded) or a .zip (the name without
 * .zip). grader/unpack.sh turns each into a folder of files. It holds
 * either chapters' exercise files at its top level (as an upload arrives)
 * or a student's whole copy of the workbook (chapters/NN-slug/ is used).
 *
 * Chapters: NN alone; without it, every chapter any exercise file of which
 * is in the submission. Only exercise files (first line "EXERCISE") are
 * taken from it, into a pristine copy of the chapter under
 * build/grade-all/<student>/NN/src, so a submission's own tests, headers or
 * Makefile never reach its grade; an exercise file it lacks stays the
 * skeleton's and is listed. Each copy is graded by `grader grade --src`
 * exactly as one student's grade would be (sandbox, limits, symbol check,
 * one test at a time), N grades at a time (default 2). The tests' and the
 * dependencies' objects, the same for everyone, are built once per chapter
 * before the batch (grader/chapter.mk's SHARED_OBJ), not once per student.
 *
 * The gradebook (default build/grade-all/gradebook.csv) has one row per
 * student: name, each chapter's points, total, max_total, flags ("02: did
 * not compile", "02: 1 timeout", "crash", "rejected code", or why the
 * submission could not be read) and the missing exercise files. Each
 * student's feedback, the tables they would have seen, is
 * build/grade-all/<student>/feedback.txt. A bad submission gets its row and
 * its reason; it never stops the batch. Exit status: 0 when the batch ran
 * (whatever the scores), 2 usage, 3 when the batch itself could not run.
 */
#ifndef GRADER_BATCH_H
#define GRADER_BATCH_H

/* argv[0] is "batch"; returns the exit status. */
int batch_command(int argc, char **argv);

#endif
