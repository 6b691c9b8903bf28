/* GIVEN -- read it, don't edit it.
 *
 * memory.h -- one process-wide setting of the C library's allocator.
 *
 * The training loop and the benchmark allocate the same large scratch
 * buffers (padded inputs, packed panels, column matrices) on every call and
 * free them at the end. By default glibc hands blocks of more than about
 * 128 KiB back to the kernel when they are freed, so the next call gets
 * fresh pages, and the kernel must zero and map every 4 KiB page again on
 * first touch: on a virtual machine that page-fault traffic can cost as
 * much as the arithmetic, and with two threads they queue behind each other
 * on the process's memory map. PyTorch avoids it with its own caching
 * allocator; we ask the C library to keep freed memory for reuse instead.
 *
 * Call memory_keep_freed() once, at the start of a program's main(). The
 * core never calls it: a library must not change its caller's allocator.
 *
 * Aligned blocks. The fast kernels want 64-byte aligned buffers (one cache
 * line, one AVX-512 vector). C11's aligned_alloc gets them from glibc by
 * over-allocating and cutting off the misaligned head and tail, and those
 * offcuts fragment the heap: a freed block is then too small for the next
 * request of the same size, the heap grows, and every call touches fresh
 * pages after all. memory_alloc_aligned asks for a plain malloc block 64
 * bytes larger and aligns inside it, so equal requests reuse equal blocks.
 */
#ifndef CNN_MEMORY_H
#define CNN_MEMORY_H

/* Keep freed memory in the process for the next allocation (glibc: serve
 * blocks up to 32 MiB from the heap and never trim it). A hint, not a
 * requirement: returns 1 when the allocator took it, 0 when it does not
 * support it (another C library, or a sanitizer's own allocator), in which
 * case everything still works, only with more page faults. */
int memory_keep_freed(void);

#include <stddef.h>

/* MEMORY_EXACT is 1 in a build with AddressSanitizer (SANITIZE=1). There a
 * block is exactly the bytes asked for, from the sanitizer's own aligned
 * allocator, which marks every byte after it as out of bounds: an access
 * one float past a tensor is then reported, where the slack of the block
 * described above (up to 64 bytes, and tensor.c's rounding up to 64 more)
 * would hide it. The sanitizer's allocator has no offcuts to fear. */
#if defined(__SANITIZE_ADDRESS__)
#define MEMORY_EXACT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MEMORY_EXACT 1
#endif
#endif
#ifndef MEMORY_EXACT
#define MEMORY_EXACT 0
#endif

/* A 64-byte aligned block of at least `bytes` bytes (uninitialised), or NULL
 * when out of memory. Release it with memory_free_aligned, never free(). */
void *memory_alloc_aligned(size_t bytes);

/* Releases a block from memory_alloc_aligned; NULL is allowed (no-op). */
void memory_free_aligned(void *p);

#endif
