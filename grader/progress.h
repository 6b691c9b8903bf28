/* progress.h -- the `grader progress` subcommand (see progress.c). */
#ifndef GRADER_PROGRESS_H
#define GRADER_PROGRESS_H

int progress_command(int argc, char **argv);

#endif
