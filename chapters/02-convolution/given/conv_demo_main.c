/* GIVEN -- read it, don't edit it.
 *
 * conv_demo_main.c -- prints chapter 02's worked example, computed by the
 * chapter's own conv2d_single_channel:
 *
 *     make conv-demo             # your conv_single.c
 *     make conv-demo SOLUTION=1  # the reference
 *
 * Shows the 5x5 input, the vertical-edge kernel, the 3x3 output, and the
 * sum behind every output value, so each number quoted in the lesson can
 * be re-measured. Exit status 1 (with the message) if the convolution fails.
 */
#include "conv_naive.h"
#include "tutorial_example.h"

#include "error.h"

#include <stdio.h>
#include <string.h>

static void print_grid(const char *title, const Tensor *t)
{
    /* t [1,1,H,W] */
    printf("%s (%dx%d):\n", title, t->h, t->w);
    for (int h = 0; h < t->h; h++) {
        for (int w = 0; w < t->w; w++) printf(" %4g", (double)*tensor_at(t, 0, 0, h, w));
        printf("\n");
    }
    printf("\n");
}

int main(void)
{
    Tensor *x = tensor_new(1, 1, 5, 5), *w = tensor_new(1, 1, 3, 3), *y = tensor_new(1, 1, 3, 3);
    if (!x || !w || !y || (memcpy(x->data, tutorial_input, sizeof tutorial_input),
                           memcpy(w->data, tutorial_kernel, sizeof tutorial_kernel),
                           conv2d_single_channel(y, x, w))) {
        fprintf(stderr, "conv_demo: %s\n", cnn_last_error());
        tensor_free(x); tensor_free(w); tensor_free(y);
        return 1;
    }
    print_grid("input x", x);
    print_grid("kernel w", w);
    print_grid("output y = x correlated with w", y);
    printf("each output value, as the sum over its 3x3 window:\n");
    for (int i = 0; i < y->h; i++)
        for (int j = 0; j < y->w; j++) {
            printf("  y(%d,%d) =", i, j);
            for (int r = 0; r < 3; r++)
                for (int s = 0; s < 3; s++) {
                    const float wv = *tensor_at(w, 0, 0, r, s);
                    if (wv != 0.0f)
                        printf(" %s%g*%g", r + s ? "+ " : "", (double)wv, (double)*tensor_at(x, 0, 0, i + r, j + s));
                }
            printf(" = %g\n", (double)*tensor_at(y, 0, 0, i, j));
        }
    tensor_free(x);
    tensor_free(w);
    tensor_free(y);
    return 0;
}
