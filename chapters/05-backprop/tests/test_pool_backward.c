/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * test_pool_backward.c -- chapter 05: the backward passes of max and
 * average pooling. */
#include "grad_helpers.h"
#include "pool_backward.h"

#include <stdint.h>
#include <stdlib.h>

/* Forward (chapter 04's solution) then backward on a committed PyTorch case. */
static void check_pool_case(const char *name, bool max, int window, int stride)
{
    char key[64];
    snprintf(key, sizeof key, "%s_x", name);
    Tensor *x = ref(key);
    snprintf(key, sizeof key, "%s_dy", name);
    Tensor *dy = ref(key);
    snprintf(key, sizeof key, "%s_dx", name);
    Tensor *want = ref(key);
    Pool2dParams p = {window, window, stride, stride};
    Tensor *y = tensor_new_like(dy), *dx = tensor_new_like(x);
    int32_t *argmax = malloc(tensor_size(dy) * sizeof *argmax);
    cr_assert(y && dx && argmax);
    if (max) {
        cr_assert_eq(maxpool2d_forward(y, argmax, x, p), 0, "%s", cnn_last_error());
        cr_assert_eq(maxpool2d_backward(dx, dy, argmax, p), 0, "maxpool2d_backward failed: %s", cnn_last_error());
    } else {
        cr_assert_eq(avgpool2d_backward(dx, dy, p), 0, "avgpool2d_backward failed: %s", cnn_last_error());
    }
    char what[128];
    snprintf(what, sizeof what, "%s (window %d, stride %d): dx", name, window, stride);
    expect_tensor_close(dx, want, REF_ATOL, REF_RTOL, what);
    tensor_free(x); tensor_free(dy); tensor_free(want); tensor_free(y); tensor_free(dx);
    free(argmax);
}

GRADED_TEST(maxpool_backward, pytorch_2x2, 2,
            "maxpool2d_backward: dx[argmax[i]] += dy[i]; every other input gets nothing.")
{
    check_pool_case("maxpool_2x2", true, 2, 2);
}

GRADED_TEST(maxpool_backward, pytorch_overlapping_windows, 2,
            "Window 3, stride 2: windows overlap, one input can win two windows: +=, never =.")
{
    check_pool_case("maxpool_overlap", true, 3, 2);
}

typedef struct {
    Tensor *x, *y, *g;
    Pool2dParams p;
    bool max;
} PoolCase;

static double pool_loss(void *ctx)
{
    PoolCase *c = ctx;
    int rc = c->max ? maxpool2d_forward(c->y, NULL, c->x, c->p) : avgpool2d_forward(c->y, c->x, c->p);
    cr_assert_eq(rc, 0, "%s", cnn_last_error());
    return gradcheck_dot(c->y, c->g);
}

static void gradcheck_pool(bool max)
{
    /* N, C, H, W, window_h, window_w, stride_h, stride_w */
    const int cases[][8] = {
        {1, 1, 4, 4, 2, 2, 2, 2},
        {2, 2, 7, 5, 3, 3, 2, 2}, /* overlapping, non-square input */
        {1, 3, 6, 7, 2, 3, 1, 2}, /* non-square window, stride 1 rows */
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        const int *a = cases[k];
        PoolCase c = {.p = {a[4], a[5], a[6], a[7]}, .max = max};
        int P, Q;
        cr_assert_eq(pool2d_output_shape(&P, &Q, a[2], a[3], c.p), 0);
        c.x = random_distinct(a[0], a[1], a[2], a[3], 500 + k);
        c.y = tensor_new(a[0], a[1], P, Q);
        c.g = test_random_tensor(a[0], a[1], P, Q, 600 + k);
        Tensor *dx = tensor_new_like(c.x);
        int32_t *argmax = malloc((size_t)a[0] * a[1] * P * Q * sizeof *argmax);
        cr_assert(c.y && dx && argmax);
        if (max) {
            cr_assert_eq(maxpool2d_forward(c.y, argmax, c.x, c.p), 0, "%s", cnn_last_error());
            cr_assert_eq(maxpool2d_backward(dx, c.g, argmax, c.p), 0, "%s", cnn_last_error());
        } else {
            cr_assert_eq(avgpool2d_backward(dx, c.g, c.p), 0, "%s", cnn_last_error());
        }
        char what[128];
        snprintf(what, sizeof what, "%s x [%d,%d,%d,%d] window %dx%d stride (%d,%d): dx", max ? "maxpool" : "avgpool",
                 a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
        expect_gradcheck(dx, c.x, pool_loss, &c, what);
        tensor_free(c.x); tensor_free(c.y); tensor_free(c.g); tensor_free(dx);
        free(argmax);
    }
}

GRADED_TEST(maxpool_backward, gradcheck_random_shapes, 1,
            "maxpool2d_backward must agree with central differences (inputs are distinct, so no ties).")
{
    gradcheck_pool(true);
}

GRADED_TEST(maxpool_backward, rejects_argmax_outside_window, 1,
            "Check that argmax[i] lies in output i's own window and plane; else return -1 with cnn_error.")
{
    Pool2dParams p = {2, 2, 2, 2};
    Tensor *dx = tensor_new(1, 1, 4, 4), *dy = tensor_new(1, 1, 2, 2);
    cr_assert(dx && dy);
    tensor_fill(dy, 1.0f);
    int32_t good[4] = {5, 2, 8, 15}, bad[4] = {5, 2, 8, 0}; /* 0 is in window (0,0), not (1,1) */
    cr_expect_eq(maxpool2d_backward(dx, dy, good, p), 0, "a valid argmax {5,2,8,15} was rejected: %s",
                 cnn_last_error());
    cr_expect_eq(dx->data[5] + dx->data[2] + dx->data[8] + dx->data[15], 4.0f,
                 "each of the four winners must receive its dy of 1");
    cr_expect_eq(maxpool2d_backward(dx, dy, bad, p), -1,
                 "argmax[3] = 0 lies outside window (0,0,1,1) (rows 2-3, columns 2-3): must fail");
    tensor_free(dx);
    tensor_free(dy);
}

GRADED_TEST(maxpool_backward, rejects_argmax_outside_nonsquare_window, 1,
            "The window check uses window_h for its rows and window_w for its columns: with a 2x3 or a 3x2 window, an "
            "index one row below or one column right of the window, or in another channel, must be refused.")
{
    /* N, C, H, W, window_h, window_w, stride_h, stride_w; windows tile the map. */
    const struct { int dims[8]; } shapes[] = {
        {{1, 2, 4, 6, 2, 3, 2, 3}}, /* wide windows: rows 2pp..2pp+1, columns 3qq..3qq+2 */
        {{1, 2, 6, 4, 3, 2, 3, 2}}, /* tall windows: rows 3pp..3pp+2, columns 2qq..2qq+1 */
    };
    for (size_t k = 0; k < sizeof shapes / sizeof *shapes; k++) {
        const int *a = shapes[k].dims;
        const Pool2dParams p = {a[4], a[5], a[6], a[7]};
        Tensor *dx = tensor_new(a[0], a[1], a[2], a[3]), *dy = tensor_new(a[0], a[1], a[2] / a[4], a[3] / a[5]);
        cr_assert(dx && dy, "out of memory");
        tensor_fill(dy, 1.0f);
        const int P = dy->h, Q = dy->w, outputs = (int)tensor_size(dy);
        /* A valid argmax: every window's bottom-right pixel. */
        int32_t good[8];
        cr_assert(outputs == 8);
        for (int c = 0, i = 0; c < a[1]; c++)
            for (int pp = 0; pp < P; pp++)
                for (int qq = 0; qq < Q; qq++, i++)
                    good[i] = (int32_t)tensor_index(dx, 0, c, pp * p.stride_h + p.window_h - 1,
                                                    qq * p.stride_w + p.window_w - 1);
        cr_expect_eq(maxpool2d_backward(dx, dy, good, p), 0, "window %dx%d on %dx%d: a valid argmax was rejected: %s",
                     p.window_h, p.window_w, a[2], a[3], cnn_last_error());
        /* Output 0's window is rows 0..window_h-1, columns 0..window_w-1 of channel 0. */
        const struct { int c, h, w; const char *where; } bad[] = {
            {0, p.window_h, 0, "one row below the window"},
            {0, p.window_h, p.window_w - 1, "one row below the window's bottom-right corner"},
            {0, 0, p.window_w, "one column right of the window"},
            {0, p.window_h - 1, p.window_w, "one column right of the window's bottom-right corner"},
            {1, 0, 0, "at the window's top-left, but in channel 1"},
        };
        for (size_t b = 0; b < sizeof bad / sizeof *bad; b++) {
            int32_t idx[8];
            for (int i = 0; i < 8; i++) idx[i] = good[i];
            idx[0] = (int32_t)tensor_index(dx, 0, bad[b].c, bad[b].h, bad[b].w);
            cnn_clear_error();
            cr_expect_eq(maxpool2d_backward(dx, dy, idx, p), -1,
                         "window %dx%d (stride %d,%d) on a %dx%d map: argmax[0] = %d is x(0,%d,%d,%d), %s of output "
                         "(0,0,0,0) (rows 0-%d, columns 0-%d of channel 0): it must be refused",
                         p.window_h, p.window_w, p.stride_h, p.stride_w, a[2], a[3], (int)idx[0], bad[b].c, bad[b].h,
                         bad[b].w, bad[b].where, p.window_h - 1, p.window_w - 1);
        }
        tensor_free(dx);
        tensor_free(dy);
    }
}

GRADED_TEST(avgpool_backward, pytorch_overlapping_windows, 2,
            "avgpool2d_backward: each input under a window gets dy / (window_h * window_w), added (+=).")
{
    check_pool_case("avgpool_overlap", false, 3, 2);
}

GRADED_TEST(avgpool_backward, gradcheck_random_shapes, 1,
            "avgpool2d_backward must agree with central differences, also for non-square windows.")
{
    gradcheck_pool(false);
}
