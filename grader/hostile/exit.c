/* A student function that ends the process with exit(0) before any check:
 * Criterion saw a clean exit and counted the test as passed. */
#include <stdlib.h>
int hostile_hook(void)
{
    exit(0);
}
