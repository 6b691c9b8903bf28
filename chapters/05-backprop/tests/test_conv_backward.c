/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * test_conv_backward.c -- chapter 05: the convolution's backward pass. */
#include "conv_backward.h"
#include "grad_helpers.h"
#include "parallel.h"

/* Runs conv2d_backward on a committed PyTorch case and compares dx, dw, db. */
static void check_conv_case(const char *name, Conv2dParams p, bool want_dx)
{
    char key[64];
    Tensor *t[7];
    const char *parts[7] = {"x", "w", "dy", "dx", "dw", "db", "b"};
    for (int i = 0; i < 7; i++) {
        snprintf(key, sizeof key, "%s_%s", name, parts[i]);
        t[i] = ref(key);
    }
    Tensor *dx = tensor_new_like(t[0]), *dw = tensor_new_like(t[1]), *db = tensor_new_like(t[6]);
    cr_assert(dx && dw && db);
    cr_assert_eq(conv2d_backward(want_dx ? dx : NULL, dw, db, t[2], t[0], t[1], p), 0,
                 "conv2d_backward failed: %s", cnn_last_error());
    char what[128];
    if (want_dx) {
        snprintf(what, sizeof what, "%s (pad %d,%d stride %d,%d): dx", name, p.pad_h, p.pad_w, p.stride_h, p.stride_w);
        expect_tensor_close(dx, t[3], REF_ATOL, REF_RTOL, what);
    }
    snprintf(what, sizeof what, "%s (pad %d,%d stride %d,%d): dw", name, p.pad_h, p.pad_w, p.stride_h, p.stride_w);
    expect_tensor_close(dw, t[4], REF_ATOL, REF_RTOL, what);
    snprintf(what, sizeof what, "%s: db", name);
    expect_tensor_close(db, t[5], REF_ATOL, REF_RTOL, what);
    for (int i = 0; i < 7; i++) tensor_free(t[i]);
    tensor_free(dx); tensor_free(dw); tensor_free(db);
}

GRADED_TEST(conv_backward, pytorch_padding_1, 2,
            "3x3 conv, pad 1, stride 1: every tap links x[n,c,p-1+r,q-1+s], w[k,c,r,s] and dy[n,k,p,q]; skip padded taps.")
{
    check_conv_case("conv_pad1", (Conv2dParams){1, 1, 1, 1}, true);
}

GRADED_TEST(conv_backward, pytorch_stride_2_nonsquare, 2,
            "3x2 kernel, pad (1,2), stride (2,1), 9x8 input: use stride_h/pad_h for rows and stride_w/pad_w for columns.")
{
    check_conv_case("conv_stride2", (Conv2dParams){1, 2, 2, 1}, true);
}

GRADED_TEST(conv_backward, pytorch_stride_2_no_padding, 2,
            "2x2 kernel, stride 2, no padding, 6x7 input (the last column is never read, so its dx is 0).")
{
    check_conv_case("conv_s2nopad", (Conv2dParams){0, 0, 2, 2}, true);
}

GRADED_TEST(conv_backward, null_dx_is_skipped, 1,
            "conv2d_backward(NULL, dw, db, ...) must still compute dw and db (the first layer needs no dx).")
{
    check_conv_case("conv_pad1", (Conv2dParams){1, 1, 1, 1}, false);
}

typedef struct {
    Tensor *x, *w, *b, *y, *g;
    Conv2dParams p;
} ConvCase;

static double conv_loss(void *ctx)
{
    ConvCase *c = ctx;
    cr_assert_eq(conv2d_forward(c->y, c->x, c->w, c->b, c->p), 0, "%s", cnn_last_error());
    return gradcheck_dot(c->y, c->g);
}

GRADED_TEST(conv_backward, gradcheck_random_shapes, 3,
            "conv2d_backward must agree with central differences for every element of x, w and b.")
{
    /* N, C, H, W, K, R, S, pad_h, pad_w, stride_h, stride_w */
    const int cases[][11] = {
        {1, 1, 5, 5, 1, 3, 3, 0, 0, 1, 1},
        {2, 2, 6, 4, 3, 3, 3, 1, 1, 1, 1}, /* non-square input, padding */
        {1, 3, 7, 7, 2, 3, 3, 1, 1, 2, 2}, /* stride 2 with padding */
        {2, 2, 5, 8, 2, 2, 3, 0, 2, 1, 2}, /* non-square kernel, mixed */
        {1, 1, 4, 4, 2, 4, 4, 1, 1, 3, 3}, /* big kernel, big stride */
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        const int *a = cases[k];
        ConvCase c = {.p = {a[7], a[8], a[9], a[10]}};
        int P = conv_output_size(a[2], a[5], a[7], a[9]), Q = conv_output_size(a[3], a[6], a[8], a[10]);
        cr_assert(P > 0 && Q > 0);
        c.x = test_random_tensor(a[0], a[1], a[2], a[3], 100 + k);
        c.w = test_random_tensor(a[4], a[1], a[5], a[6], 200 + k);
        c.b = test_random_tensor(a[4], 1, 1, 1, 300 + k);
        c.y = tensor_new(a[0], a[4], P, Q);
        c.g = test_random_tensor(a[0], a[4], P, Q, 400 + k);
        Tensor *dx = tensor_new_like(c.x), *dw = tensor_new_like(c.w), *db = tensor_new_like(c.b);
        cr_assert(c.y && dx && dw && db);
        cr_assert_eq(conv2d_backward(dx, dw, db, c.g, c.x, c.w, c.p), 0, "%s", cnn_last_error());
        char what[160];
        const char *names[3] = {"dx", "dw", "db"};
        Tensor *grads[3] = {dx, dw, db}, *vars[3] = {c.x, c.w, c.b};
        for (int i = 0; i < 3; i++) {
            snprintf(what, sizeof what, "conv x [%d,%d,%d,%d] w [%d,%d,%d,%d] pad (%d,%d) stride (%d,%d): %s",
                     a[0], a[1], a[2], a[3], a[4], a[1], a[5], a[6], a[7], a[8], a[9], a[10], names[i]);
            expect_gradcheck(grads[i], vars[i], conv_loss, &c, what);
        }
        Tensor *tensors[] = {c.x, c.w, c.b, c.y, c.g, dx, dw, db};
        for (size_t i = 0; i < sizeof tensors / sizeof *tensors; i++) tensor_free(tensors[i]);
    }
}

GRADED_TEST(conv_backward, accumulates_where_patches_overlap, 1,
            "Neighbouring 3x3 patches share pixels: dx and dw must be ADDED to (+=), never overwritten.")
{
    /* All ones: dx of an interior pixel collects 9 contributions, a corner 4. */
    Tensor *x = tensor_new(1, 1, 4, 5), *w = tensor_new(1, 1, 3, 3), *dy = tensor_new(1, 1, 4, 5);
    Tensor *dx = tensor_new(1, 1, 4, 5), *dw = tensor_new(1, 1, 3, 3);
    cr_assert(x && w && dy && dx && dw);
    tensor_fill(x, 1.0f);
    tensor_fill(w, 1.0f);
    tensor_fill(dy, 1.0f);
    tensor_fill(dx, 0.5f);
    cr_assert_eq(conv2d_backward(dx, dw, NULL, dy, x, w, (Conv2dParams){1, 1, 1, 1}), 0, "%s", cnn_last_error());
    const float want_dx[] = {4.5f, 6.5f, 6.5f, 6.5f, 4.5f, 6.5f, 9.5f, 9.5f, 9.5f, 6.5f,
                             6.5f, 9.5f, 9.5f, 9.5f, 6.5f, 4.5f, 6.5f, 6.5f, 6.5f, 4.5f};
    const float want_dw[] = {12, 15, 12, 16, 20, 16, 12, 15, 12};
    Tensor *edx = test_tensor(1, 1, 4, 5, want_dx), *edw = test_tensor(1, 1, 3, 3, want_dw);
    expect_tensor_close(dx, edx, 1e-5f, 0.0f,
                        "dx (started at 0.5; each pixel adds one 1 per 3x3 window covering it)");
    expect_tensor_close(dw, edw, 1e-5f, 0.0f, "dw (each tap sums the pixels it ever touched)");
    Tensor *tensors[] = {x, w, dy, dx, dw, edx, edw};
    for (size_t i = 0; i < sizeof tensors / sizeof *tensors; i++) tensor_free(tensors[i]);
}

/* conv2d_backward with the given number of threads, into fresh zeroed dx, dw, db. */
static void conv_backward_on_threads(Tensor *grads[3], int threads, const Tensor *dy, const Tensor *x,
                                     const Tensor *w, Conv2dParams p)
{
    grads[0] = tensor_new_like(x);
    grads[1] = tensor_new_like(w);
    grads[2] = tensor_new(w->n, 1, 1, 1);
    cr_assert(grads[0] && grads[1] && grads[2], "out of memory");
    parallel_set_num_threads(threads);
    int rc = conv2d_backward(grads[0], grads[1], grads[2], dy, x, w, p);
    parallel_set_num_threads(1);
    cr_assert_eq(rc, 0, "conv2d_backward on %d thread(s) failed: %s", threads, cnn_last_error());
}

GRADED_TEST(conv_backward, same_bits_on_1_and_2_threads, 2,
            "Above PARALLEL_MIN_WORK the loops run on threads: each thread must own whole outputs (dw[k] and db[k] per "
            "filter, dx[n] per image), so 2 threads give the very bits 1 thread gives.")
{
    /* x [4,8,12,10], w [16,8,3,3], pad 1: N*K*P*Q*C*R*S = 552,960 multiply-adds,
     * past the 200,000 of PARALLEL_MIN_WORK, so the threaded branch runs. */
    const int N = 4, C = 8, H = 12, W = 10, K = 16, R = 3, S = 3;
    const Conv2dParams p = {1, 1, 1, 1};
    cr_assert((long)N * K * H * W * C * R * S > PARALLEL_MIN_WORK, "the case must be big enough to start threads");
    Tensor *x = test_random_tensor(N, C, H, W, 901), *w = test_random_tensor(K, C, R, S, 902);
    Tensor *dy = test_random_tensor(N, K, H, W, 903);
    Tensor *one[3], *two[3];
    conv_backward_on_threads(one, 1, dy, x, w, p);
    conv_backward_on_threads(two, 2, dy, x, w, p);
    static const char *const what[3] = {
        ("dx on 2 threads vs 1 thread (bit for bit: a difference means a thread added into another's images, "
         "or every thread ran every image)"),
        "dw on 2 threads vs 1 thread (bit for bit: a difference means two threads added into one filter's dw)",
        "db on 2 threads vs 1 thread (bit for bit)",
    };
    for (int i = 0; i < 3; i++) expect_tensor_close(two[i], one[i], 0.0f, 0.0f, what[i]);
    /* And the 1-thread answer is the right one, not merely a repeatable one. */
    Tensor *num = tensor_new_like(one[2]);
    cr_assert(num, "out of memory");
    for (int k = 0; k < K; k++)
        for (int n = 0; n < N; n++)
            for (int i = 0; i < H * W; i++) num->data[k] += dy->data[((size_t)n * K + k) * H * W + i];
    expect_tensor_close(one[2], num, 1e-4f, 1e-5f, "db on 1 thread (the sum of dy over n, p, q)");
    for (int i = 0; i < 3; i++) tensor_free(one[i]), tensor_free(two[i]);
    tensor_free(num); tensor_free(x); tensor_free(w); tensor_free(dy);
}
