/* Prints a gigabyte once per process (printing is allowed, and must cost
 * neither the score nor unbounded time). */
#include <stdio.h>
#include <string.h>
int hostile_hook(void)
{
    static int printed;
    if (printed++) return 0;
    static char chunk[1 << 20];
    memset(chunk, 'x', sizeof chunk);
    for (int i = 0; i < 1024; i++) fwrite(chunk, 1, sizeof chunk, stdout);
    return 0;
}
