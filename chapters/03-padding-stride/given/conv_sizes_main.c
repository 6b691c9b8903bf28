/* GIVEN -- read it, don't edit it.
 *
 * conv_sizes_main.c -- prints chapter 03's numbers, computed by the
 * chapter's own conv_output_size and conv2d_forward:
 *
 *     make conv-sizes                        # the lesson's size table and
 *                                            # the 5x5 example's three outputs
 *     make conv-sizes SIZE="224 7 3 2"       # one size: n k pad stride
 *     make conv-sizes SOLUTION=1             # the reference
 *
 * Exit status 1 (with the message) when a size is rejected or a
 * convolution fails, 2 on a usage error.
 */
#include "conv.h"
#include "tutorial_example.h" /* chapter 02's, see chapter.mk */

#include "error.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int print_size(int n, int k, int pad, int stride)
{
    const int out = conv_output_size(n, k, pad, stride);
    if (out < 0) {
        printf("  n=%3d k=%d pad=%d stride=%d:  no output (%s)\n", n, k, pad, stride, cnn_last_error());
        return -1;
    }
    printf("  n=%3d k=%d pad=%d stride=%d:  floor((%d + %d - %d) / %d) + 1 = %d\n", n, k, pad, stride, n,
           2 * pad, k, stride, out);
    return 0;
}

/* The 5x5 example through the 3x3 edge kernel with the given pad and stride. */
static int print_example(int pad, int stride)
{
    const int P = conv_output_size(5, 3, pad, stride);
    if (P < 0) return -1;
    Tensor *x = tensor_new(1, 1, 5, 5), *w = tensor_new(1, 1, 3, 3), *y = tensor_new(1, 1, P, P);
    int status = -1;
    if (x && w && y) {
        memcpy(x->data, tutorial_input, sizeof tutorial_input);
        memcpy(w->data, tutorial_kernel, sizeof tutorial_kernel);
        status = conv2d_forward(y, x, w, NULL, (Conv2dParams){pad, pad, stride, stride});
    }
    if (status == 0) {
        printf("pad %d, stride %d: 5x5 -> %dx%d\n", pad, stride, P, P);
        for (int i = 0; i < P; i++) {
            for (int j = 0; j < P; j++) printf(" %4g", (double)*tensor_at(y, 0, 0, i, j));
            printf("\n");
        }
        printf("\n");
    }
    tensor_free(x);
    tensor_free(w);
    tensor_free(y);
    return status;
}

int main(int argc, char **argv)
{
    if (argc == 5) {
        int v[4];
        for (int i = 0; i < 4; i++) {
            char *end;
            v[i] = (int)strtol(argv[i + 1], &end, 10);
            if (*end || end == argv[i + 1]) {
                fprintf(stderr, "conv_sizes: '%s' is not a whole number\n", argv[i + 1]);
                return 2;
            }
        }
        return print_size(v[0], v[1], v[2], v[3]) ? 1 : 0;
    }
    if (argc != 1) {
        fprintf(stderr, "usage: %s [n k pad stride]\n", argv[0]);
        return 2;
    }
    static const int table[][4] = {
        {5, 3, 0, 1}, {5, 3, 1, 1}, {5, 3, 1, 2}, {32, 3, 1, 1}, {32, 3, 1, 2}, {28, 5, 0, 1},
        {6, 3, 0, 2}, {7, 3, 0, 2}, {224, 7, 3, 2}, {3, 5, 1, 1}, {3, 5, 0, 1},
    };
    printf("output sizes, out = floor((n + 2*pad - k) / stride) + 1:\n");
    int failed = 0;
    for (size_t t = 0; t < sizeof table / sizeof table[0]; t++) {
        const int *c = table[t];
        const bool fits = c[1] <= c[0] + 2 * c[2]; /* the last row has no output on purpose */
        if (print_size(c[0], c[1], c[2], c[3]) && fits) failed = 1;
    }
    printf("\nthe 5x5 example, 3x3 vertical-edge kernel:\n");
    if (print_example(0, 1) || print_example(1, 1) || print_example(1, 2)) {
        fprintf(stderr, "conv_sizes: %s\n", cnn_last_error());
        return 1;
    }
    return failed;
}
