/* GIVEN -- the autograders' chapter 06 leaderboard program; students never see it.
 *
 * leaderboard_bench.c -- what the grader times for chapter 06's Gradescope
 * leaderboard (grader/leaderboard.h says how and why). grader/chapter.mk
 * (LEADERBOARD=) builds it twice:
 *
 *   leaderboard-fast       with the graded chapter 06: its conv2d_forward_fast
 *   leaderboard-reference  with the reference only: the reference's
 *                          conv2d_forward_fast and chapter 03's naive
 *                          conv2d_forward, and not one line of the student's
 *
 *     leaderboard-fast|reference SHAPE N,C,HW,K,RS,PAD,STRIDE
 *
 * SHAPE is a layer of `make bench` (given/bench_timing.c, bench_shapes) and
 * the numbers must be that layer's, so the leaderboard measures what the
 * lesson's benchmark measures: x [N,C,HW,HW], w [K,C,RS,RS], b [K], y
 * [N,K,P,Q], padding PAD and stride STRIDE on both axes.
 *
 * It measures nothing and prints no number. It reads requests on stdin, 9
 * bytes each: an operation, then a 64-bit nonce (little-endian) that the
 * grader has just drawn at random:
 *
 *   'f'  conv2d_forward_fast (the graded one in leaderboard-fast, the
 *        reference's in leaderboard-reference)
 *   'n'  chapter 03's naive conv2d_forward (leaderboard-reference only)
 *   'z'  nothing (leaderboard-reference only): the time of making the
 *        inputs and sending y, which the grader takes off the others'
 *
 * For each request it fills x, w and b with fresh values drawn from the
 * nonce (uniform in [-1, 1)), runs the operation once and answers on fd 9:
 * 'Y' and then y as raw float32 in the machine's byte order, or 'E', a
 * message and a newline. At the end of stdin it exits 0. The grader stamps
 * the time when it sends a request and when the last byte of the answer
 * arrives, and checks every answer of the graded program against the
 * reference's for the same nonce.
 */
#include "bench.h"
#include "conv.h"
#include "error.h"
#include "memory.h"
#include "rng.h"
#include "tensor.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(LEADERBOARD_REFERENCE) == defined(LEADERBOARD_FAST)
#error "build with -DLEADERBOARD_REFERENCE or -DLEADERBOARD_FAST (grader/chapter.mk, LEADERBOARD=)"
#endif

enum { ANSWER_FD = 9 };

/* Writes all of data[0..size) to fd; 0, or -1. */
static int write_all(int fd, const void *data, size_t size)
{
    const char *p = data;
    while (size > 0) {
        ssize_t n = write(fd, p, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n;
        size -= (size_t)n;
    }
    return 0;
}

/* Reads exactly size bytes; 1, 0 at the end of the input, -1 on a short read. */
static int read_all(int fd, void *data, size_t size)
{
    char *p = data;
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, p + got, size - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -1;
        if (n == 0) return got == 0 ? 0 : -1;
        got += (size_t)n;
    }
    return 1;
}

/* The answer 'E': what went wrong, on one line. Exit status 1. */
static int fail(const char *what)
{
    char line[400];
    int n = snprintf(line, sizeof line, "E%s\n", what);
    for (int i = 1; i < n - 1; i++)
        if (line[i] == '\n') line[i] = ' ';
    (void)write_all(ANSWER_FD, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    return 1;
}

/* The layer named on the command line, checked against make bench's. */
static const BenchShape *parse_shape(const char *name, const char *numbers, char *why, size_t size)
{
    BenchShape s = {0};
    char tail;
    if (sscanf(numbers, "%d,%d,%d,%d,%d,%d,%d%c", &s.n, &s.c, &s.hw, &s.k, &s.rs, &s.pad, &s.stride, &tail) != 7) {
        snprintf(why, size, "expected N,C,HW,K,RS,PAD,STRIDE, got '%.60s'", numbers);
        return NULL;
    }
    for (int i = 0; i < bench_nshapes; i++) {
        const BenchShape *b = &bench_shapes[i];
        if (strcmp(b->name, name) != 0) continue;
        if (b->n == s.n && b->c == s.c && b->hw == s.hw && b->k == s.k && b->rs == s.rs && b->pad == s.pad &&
            b->stride == s.stride)
            return b;
        snprintf(why, size, "%s is %d,%d,%d,%d,%d,%d,%d in make bench, not %.60s", name, b->n, b->c, b->hw, b->k,
                 b->rs, b->pad, b->stride, numbers);
        return NULL;
    }
    snprintf(why, size, "make bench has no layer called '%.40s'", name);
    return NULL;
}

int main(int argc, char **argv)
{
    char why[300];
    /* As make bench does (bench_main.c): the convolution's scratch buffers
     * reuse their pages from run to run instead of faulting them in anew,
     * so a run here costs what it costs there. */
    memory_keep_freed();
    if (argc != 3) return fail("usage: leaderboard-fast|reference SHAPE N,C,HW,K,RS,PAD,STRIDE");
    const BenchShape *sh = parse_shape(argv[1], argv[2], why, sizeof why);
    if (!sh) return fail(why);
    Conv2dParams p = {sh->pad, sh->pad, sh->stride, sh->stride};
    int P = conv_output_size(sh->hw, sh->rs, sh->pad, sh->stride);
    if (P < 1) return fail(cnn_last_error());
    Tensor *x = tensor_new(sh->n, sh->c, sh->hw, sh->hw), *w = tensor_new(sh->k, sh->c, sh->rs, sh->rs);
    Tensor *b = tensor_new_nd(1, &sh->k), *y = tensor_new(sh->n, sh->k, P, P);
    if (!x || !w || !b || !y) return fail("out of memory for the layer's tensors");
    size_t ybytes = tensor_size(y) * sizeof(float);
    for (;;) {
        unsigned char request[9];
        int got = read_all(0, request, sizeof request);
        if (got == 0) break;
        if (got < 0) return fail("a request was cut short");
        uint64_t nonce = 0;
        for (int i = 8; i >= 1; i--) nonce = nonce << 8 | request[i];
        Rng rng;
        rng_seed(&rng, nonce);
        tensor_fill_uniform(x, &rng, -1.0f, 1.0f);
        tensor_fill_uniform(w, &rng, -1.0f, 1.0f);
        tensor_fill_uniform(b, &rng, -1.0f, 1.0f);
        int rc;
        if (request[0] == 'f') rc = conv2d_forward_fast(y, x, w, b, p);
#ifdef LEADERBOARD_REFERENCE
        else if (request[0] == 'n') rc = conv2d_forward(y, x, w, b, p);
        else if (request[0] == 'z') rc = 0;
#endif
        else return fail("unknown request");
        if (rc != 0) {
            snprintf(why, sizeof why, "%s returned -1: %s", request[0] == 'f' ? "conv2d_forward_fast" : "conv2d_forward",
                     cnn_last_error());
            return fail(why);
        }
        if (write_all(ANSWER_FD, "Y", 1) != 0 || write_all(ANSWER_FD, y->data, ybytes) != 0) return 1;
    }
    tensor_free(x);
    tensor_free(w);
    tensor_free(b);
    tensor_free(y);
    return 0;
}
