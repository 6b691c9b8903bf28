/* Starts a child that leaves the test's process group and sleeps for ever. */
#include <unistd.h>
int hostile_hook(void)
{
    if (fork() == 0) {
        setsid();
        for (;;) pause();
    }
    return 0;
}
