/* Runs another program through the shell. */
#include <stdlib.h>
int hostile_hook(void)
{
    return system("true") == 12345;
}
