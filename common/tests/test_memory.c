/* test_memory.c -- unit test of memory.h. */
#include <criterion/criterion.h>

#include "memory.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Criterion runs every test in its own process, so the setting stays here. */
Test(memory, keep_freed_reuses_a_large_block, .timeout = 5)
{
    if (!memory_keep_freed())
        cr_skip_test("this allocator ignores the hint (not glibc, or a sanitizer's allocator)");
    /* 8 MiB: far above glibc's default 128 KiB mmap threshold, so without
     * the hint the block would be mapped from, and returned to, the kernel.
     * With it, the freed block stays in the heap and the next request of
     * the same size gets the same, already mapped, memory. */
    size_t bytes = (size_t)8 << 20;
    /* Called through volatile pointers, which the compiler cannot see
     * through: clang would otherwise remove a malloc whose block is only
     * written and freed, and then compare two made-up addresses. */
    void *(*volatile allocate)(size_t) = malloc;
    void (*volatile release)(void *) = free;
    char *first = allocate(bytes);
    cr_assert(first);
    memset(first, 1, bytes);
    uintptr_t first_address = (uintptr_t)first; /* compared after the free */
    release(first);
    char *second = allocate(bytes);
    cr_assert(second);
    cr_expect_eq((uintptr_t)second, first_address,
                 "a freed 8 MiB block should be reused, not returned to the kernel");
    release(second);
}
