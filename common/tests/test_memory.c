/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * test_memory.c -- unit test of memory.h. */
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

Test(memory, aligned_blocks_are_aligned_and_writable, .timeout = 5)
{
    size_t sizes[] = {0, 1, 63, 64, 65, 4096, (size_t)3 << 20};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        unsigned char *p = memory_alloc_aligned(sizes[i]);
        cr_assert(p, "memory_alloc_aligned(%zu) returned NULL", sizes[i]);
        cr_expect_eq((uintptr_t)p % 64, 0, "memory_alloc_aligned(%zu) = %p is not 64-byte aligned", sizes[i], (void *)p);
        memset(p, 0xab, sizes[i]); /* ASan checks the whole block is ours */
        memory_free_aligned(p);
    }
    memory_free_aligned(NULL); /* a no-op, like free(NULL) */
    cr_expect_null(memory_alloc_aligned(SIZE_MAX), "an impossible size must give NULL, not wrap around");
}

Test(memory, aligned_blocks_of_one_size_reuse_one_block, .timeout = 5)
{
    if (!memory_keep_freed())
        cr_skip_test("this allocator ignores the hint (not glibc, or a sanitizer's allocator)");
    /* What C11's aligned_alloc does not manage on glibc: the same request,
     * freed and made again, gets the same already-mapped memory, however
     * many times (aligned_alloc's offcuts make the heap creep upwards). */
    size_t bytes = (size_t)7 << 20;
    void *(*volatile allocate)(size_t) = memory_alloc_aligned;
    void (*volatile release)(void *) = memory_free_aligned;
    char *first = allocate(bytes), *small = allocate((size_t)1 << 20);
    cr_assert(first && small);
    uintptr_t first_address = (uintptr_t)first;
    release(first);
    release(small);
    for (int round = 0; round < 4; round++) {
        char *again = allocate(bytes), *other = allocate((size_t)1 << 20);
        cr_assert(again && other);
        cr_expect_eq((uintptr_t)again, first_address, "round %d: the 7 MiB block moved", round);
        release(again);
        release(other);
    }
}
