/* memory.c -- see memory.h. */
#include "memory.h"

#include <stdlib.h> /* defines __GLIBC__ on glibc */

#if defined(__GLIBC__)
#include <malloc.h>
#endif

int memory_keep_freed(void)
{
#if defined(__GLIBC__)
    /* 32 MiB is glibc's largest heap-served size on 64-bit machines; blocks
     * above it (a whole dataset) still come straight from the kernel, which
     * is right for memory allocated once. */
    return mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024) == 1 &&
           mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024) == 1;
#else
    return 0;
#endif
}
