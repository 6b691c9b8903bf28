/* watch.h -- `grader watch NN` (`make watch CH=NN`): grades the chapter
 * again on every save of its files, the score line and the first thing to
 * fix on top. See watch.c. */
#ifndef GRADER_WATCH_H
#define GRADER_WATCH_H

int watch_command(int argc, char **argv);

#endif
