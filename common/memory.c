/* GIVEN -- read it, don't edit it.
 *
 * memory.c -- see memory.h. */
#include "memory.h"

#include <stdint.h>
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

enum { MEMORY_ALIGNMENT = 64 };

#if MEMORY_EXACT
void *memory_alloc_aligned(size_t bytes)
{
    /* ASan ends the process on a request above its maximum (1 TiB) instead
     * of failing it; such a request fails here, as it would without ASan. */
    if ((uint64_t)bytes > ((uint64_t)1 << 40)) return NULL;
    void *p;
    return posix_memalign(&p, MEMORY_ALIGNMENT, bytes ? bytes : 1) == 0 ? p : NULL;
}

void memory_free_aligned(void *p) { free(p); }
#else
void *memory_alloc_aligned(size_t bytes)
{
    /* The block: [slack][pointer to the start][aligned part of `bytes`]. */
    size_t extra = MEMORY_ALIGNMENT + sizeof(void *);
    if (bytes > SIZE_MAX - extra) return NULL;
    char *raw = malloc(bytes + extra);
    if (!raw) return NULL;
    uintptr_t start = ((uintptr_t)raw + sizeof(void *) + MEMORY_ALIGNMENT - 1) & ~(uintptr_t)(MEMORY_ALIGNMENT - 1);
    void **aligned = (void **)start;
    aligned[-1] = raw; /* where memory_free_aligned finds the malloc block */
    return aligned;
}

void memory_free_aligned(void *p)
{
    if (p) free(((void **)p)[-1]);
}
#endif
