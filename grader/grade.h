/* grade.h -- the `grader grade` subcommand (see grade.c). */
#ifndef GRADER_GRADE_H
#define GRADER_GRADE_H

/* argv[0] is "grade"; returns the exit status. */
int grade_command(int argc, char **argv);

#endif
