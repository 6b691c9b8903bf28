/* Blocks every signal it can, then loops for ever: a time limit built on a
 * catchable signal never fires. */
#include <signal.h>
int hostile_hook(void)
{
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, 0);
    for (volatile int forever = 1; forever;) {}
    return 0;
}
