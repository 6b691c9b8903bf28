/* GIVEN -- read it, don't edit it.
 *
 * pool_demo_main.c -- prints every number chapter 04's lesson quotes.
 *
 *     make pool-demo              # your chapter code
 *     make pool-demo SOLUTION=1   # the reference
 *
 * It prints the output sizes the lesson works out, pools the lesson's 4x4 example with a 2x2 window and stride 2 (max with
 * argmax, and average), then pools an 8x8 "F" and the same F moved one pixel
 * to the right and counts how many inputs, max-pooled outputs and
 * average-pooled outputs the move changed. It runs YOUR chapter code, so it also shows what your
 * functions do before the tests judge them. Exit status 1 on an error.
 */
#include "error.h"
#include "pooling.h"
#include "tensor.h"

#include <stdio.h>
#include <stdlib.h>

static void print_map(const char *title, const Tensor *t)
{
    printf("%s\n", title);
    for (int h = 0; h < t->h; h++) {
        for (int w = 0; w < t->w; w++) printf(" %6.4g", (double)*tensor_at(t, 0, 0, h, w));
        printf("\n");
    }
}

/* x [2,1,8,8]: image 0 is an "F" whose strokes brighten downwards, image 1
 * the same F shifted right by one pixel (the same picture as the tests'
 * data/shift_x.npy). */
static void draw_shifted_f(Tensor *x)
{
    for (int shift = 0; shift < 2; shift++)
        for (int h = 0; h < 8; h++) {
            const float v = 1.0f + (float)h / 8.0f;
            for (int w = 0; w < 8; w++) {
                const int u = w - shift; /* column in the unshifted F */
                const int on = u >= 0 && ((u == 2 && h >= 1 && h <= 6) ||
                                          (h == 1 && u >= 2 && u <= 5) || (h == 4 && u >= 2 && u <= 4));
                *tensor_at(x, shift, 0, h, w) = on ? v : 0.0f;
            }
        }
}

static size_t count_changed(const Tensor *t)
{
    const size_t plane = (size_t)t->h * (size_t)t->w;
    size_t changed = 0;
    for (size_t i = 0; i < plane; i++) changed += t->data[i] != t->data[plane + i];
    return changed;
}

/* The output sizes the lesson quotes: map size, window, stride. */
static int print_sizes(void)
{
    static const struct {
        int H, W;
        Pool2dParams p;
    } cases[] = {
        {4, 4, {2, 2, 2, 2}},
        {32, 32, {2, 2, 2, 2}},
        {5, 7, {2, 2, 2, 2}},
        {7, 9, {3, 3, 2, 2}},
        {6, 7, {3, 2, 1, 2}},
    };
    printf("Output sizes (pool2d_output_shape):\n");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int P, Q;
        if (pool2d_output_shape(&P, &Q, cases[i].H, cases[i].W, cases[i].p)) return -1;
        printf("  %2dx%-2d map, window %dx%d, stride %d,%d -> %dx%d\n", cases[i].H, cases[i].W,
               cases[i].p.window_h, cases[i].p.window_w, cases[i].p.stride_h, cases[i].p.stride_w, P, Q);
    }
    printf("\n");
    return 0;
}

int main(void)
{
    static const float example[16] = {1, 3, 2, 4, 5, 6, 1, 2, 7, 2, 9, 0, 8, 3, 4, 6};
    const Pool2dParams pool2 = {2, 2, 2, 2};
    int32_t argmax[4];
    Tensor *x = tensor_new(1, 1, 4, 4), *ymax = tensor_new(1, 1, 2, 2), *yavg = tensor_new(1, 1, 2, 2);
    Tensor *f = tensor_new(2, 1, 8, 8), *fmax = tensor_new(2, 1, 4, 4), *favg = tensor_new(2, 1, 4, 4);
    int status = 1;
    if (!x || !ymax || !yavg || !f || !fmax || !favg) goto done;
    if (print_sizes()) goto done;
    for (int i = 0; i < 16; i++) x->data[i] = example[i];
    if (maxpool2d_forward(ymax, argmax, x, pool2) || avgpool2d_forward(yavg, x, pool2)) goto done;
    print_map("The 4x4 example:", x);
    print_map("2x2 max pooling, stride 2:", ymax);
    printf("argmax (flat indices into x): %d %d %d %d\n", argmax[0], argmax[1], argmax[2], argmax[3]);
    print_map("2x2 average pooling, stride 2:", yavg);

    draw_shifted_f(f);
    if (maxpool2d_forward(fmax, NULL, f, pool2) || avgpool2d_forward(favg, f, pool2)) goto done;
    const size_t in_changed = count_changed(f), max_changed = count_changed(fmax);
    const size_t avg_changed = count_changed(favg);
    printf("\nShifting the 8x8 F one pixel right changes\n");
    printf("  %2zu of 64 inputs                  (%.2f%%)\n", in_changed, 100.0 * (double)in_changed / 64.0);
    printf("  %2zu of 16 max-pooled outputs      (%.2f%%)\n", max_changed, 100.0 * (double)max_changed / 16.0);
    printf("  %2zu of 16 average-pooled outputs  (%.2f%%)\n", avg_changed, 100.0 * (double)avg_changed / 16.0);
    status = 0;
done:
    if (status) fprintf(stderr, "pool_demo: %s\n", cnn_last_error());
    tensor_free(x), tensor_free(ymax), tensor_free(yavg), tensor_free(f), tensor_free(fmax), tensor_free(favg);
    return status;
}
