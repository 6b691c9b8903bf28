/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * test_dense.c -- chapter 05: the dense layer's backward pass. */
#include "dense.h"
#include "grad_helpers.h"
#include "parallel.h"

GRADED_TEST(dense, backward_matches_pytorch, 3,
            "dense_backward: dx = dy w, dw = dy^T x, db = column sums of dy (PyTorch autograd is the reference).")
{
    Tensor *x = ref("dense_x"), *w = ref("dense_w"), *dy = ref("dense_dy");
    Tensor *dx = tensor_new_like(x), *dw = tensor_new_like(w), *db = tensor_new(3, 1, 1, 1);
    Tensor *want_dx = ref("dense_dx"), *want_dw = ref("dense_dw"), *want_db = ref("dense_db");
    cr_assert(dx && dw && db);
    cr_assert_eq(dense_backward(dx, dw, db, dy, x, w), 0, "dense_backward failed: %s", cnn_last_error());
    expect_tensor_close(dx, want_dx, REF_ATOL, REF_RTOL, "dense dx [5,7]");
    expect_tensor_close(dw, want_dw, REF_ATOL, REF_RTOL, "dense dw [3,7] (a transposed dw is wrong everywhere)");
    expect_tensor_close(db, want_db, REF_ATOL, REF_RTOL, "dense db [3]");
    Tensor *tensors[] = {x, w, dy, dx, dw, db, want_dx, want_dw, want_db};
    for (size_t i = 0; i < sizeof tensors / sizeof *tensors; i++) tensor_free(tensors[i]);
}

/* L = sum(dense(x; w, b) * g), evaluated at the current x, w, b. */
typedef struct {
    Tensor *x, *w, *b, *y, *g;
} DenseCase;

static double dense_loss(void *ctx)
{
    DenseCase *c = ctx;
    cr_assert_eq(dense_forward(c->y, c->x, c->w, c->b), 0, "%s", cnn_last_error());
    return gradcheck_dot(c->y, c->g);
}

GRADED_TEST(dense, gradcheck_random_shapes, 2,
            "dense_backward must agree with central differences for every x, w and b element.")
{
    /* (N, C, H, W) of x, and M; the last case feeds a [N,C,H,W] map, as after a conv. */
    const int shapes[][5] = {{1, 1, 1, 1, 1}, {3, 5, 1, 1, 4}, {4, 9, 1, 1, 2}, {2, 3, 2, 3, 5}};
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
        const int *sh = shapes[s];
        int D = sh[1] * sh[2] * sh[3], M = sh[4];
        DenseCase c = {test_random_tensor(sh[0], sh[1], sh[2], sh[3], 10 + s),
                       test_random_tensor(M, D, 1, 1, 20 + s), test_random_tensor(M, 1, 1, 1, 30 + s),
                       tensor_new(sh[0], M, 1, 1), test_random_tensor(sh[0], M, 1, 1, 40 + s)};
        Tensor *dx = tensor_new_like(c.x), *dw = tensor_new_like(c.w), *db = tensor_new_like(c.b);
        cr_assert(c.y && dx && dw && db);
        cr_assert_eq(dense_backward(dx, dw, db, c.g, c.x, c.w), 0, "%s", cnn_last_error());
        char what[96];
        snprintf(what, sizeof what, "dense N=%d D=%d M=%d: dx", sh[0], D, M);
        expect_gradcheck(dx, c.x, dense_loss, &c, what);
        snprintf(what, sizeof what, "dense N=%d D=%d M=%d: dw", sh[0], D, M);
        expect_gradcheck(dw, c.w, dense_loss, &c, what);
        snprintf(what, sizeof what, "dense N=%d D=%d M=%d: db", sh[0], D, M);
        expect_gradcheck(db, c.b, dense_loss, &c, what);
        Tensor *tensors[] = {c.x, c.w, c.b, c.y, c.g, dx, dw, db};
        for (size_t i = 0; i < sizeof tensors / sizeof *tensors; i++) tensor_free(tensors[i]);
    }
}

GRADED_TEST(dense, backward_accumulates, 1,
            "Backward passes ADD to the gradients (+=): the caller zeroes them once per step.")
{
    Tensor *x = ref("dense_x"), *w = ref("dense_w"), *dy = ref("dense_dy");
    Tensor *want_dx = ref("dense_dx"), *want_dw = ref("dense_dw"), *want_db = ref("dense_db");
    Tensor *dx = tensor_new_like(x), *dw = tensor_new_like(w), *db = tensor_new(3, 1, 1, 1);
    cr_assert(dx && dw && db);
    tensor_fill(dx, 1.0f);
    tensor_fill(dw, 1.0f);
    tensor_fill(db, 1.0f);
    cr_assert_eq(dense_backward(dx, dw, db, dy, x, w), 0, "%s", cnn_last_error());
    Tensor *grads[] = {want_dx, want_dw, want_db};
    for (int i = 0; i < 3; i++)
        for (size_t j = 0; j < tensor_size(grads[i]); j++) grads[i]->data[j] += 1.0f;
    expect_tensor_close(dx, want_dx, REF_ATOL, REF_RTOL, "dx started at 1: expected 1 + dL/dx");
    expect_tensor_close(dw, want_dw, REF_ATOL, REF_RTOL, "dw started at 1: expected 1 + dL/dw");
    expect_tensor_close(db, want_db, REF_ATOL, REF_RTOL, "db started at 1: expected 1 + dL/db");
    Tensor *tensors[] = {x, w, dy, dx, dw, db, want_dx, want_dw, want_db};
    for (size_t i = 0; i < sizeof tensors / sizeof *tensors; i++) tensor_free(tensors[i]);
}

GRADED_TEST(dense, null_gradients_are_skipped, 1,
            "dense_backward: a NULL dx (or dw, db) means 'not wanted': skip it, compute the others.")
{
    Tensor *x = ref("dense_x"), *w = ref("dense_w"), *dy = ref("dense_dy"), *want_dw = ref("dense_dw");
    Tensor *dw = tensor_new_like(w);
    cr_assert(dw);
    cr_assert_eq(dense_backward(NULL, dw, NULL, dy, x, w), 0, "dense_backward(NULL, dw, NULL, ...) failed: %s",
                 cnn_last_error());
    expect_tensor_close(dw, want_dw, REF_ATOL, REF_RTOL, "dense dw with dx and db NULL");
    tensor_free(x); tensor_free(w); tensor_free(dy); tensor_free(want_dw); tensor_free(dw);
}

GRADED_TEST(dense, same_bits_on_1_and_2_threads, 1,
            "Above PARALLEL_MIN_WORK the dense loops run on threads, one image (dx) or one unit (dw) per thread: "
            "2 threads must give the very bits of 1 thread.")
{
    /* x [64, 300], w [40, 300]: N*M*D = 768,000 multiply-adds, past the
     * 200,000 of PARALLEL_MIN_WORK, so the threaded branches run. */
    const int N = 64, D = 300, M = 40;
    cr_assert((long)N * M * D > PARALLEL_MIN_WORK, "the case must be big enough to start threads");
    Tensor *x = test_random_tensor(N, D, 1, 1, 911), *w = test_random_tensor(M, D, 1, 1, 912);
    Tensor *dy = test_random_tensor(N, M, 1, 1, 913);
    Tensor *g[2][3];
    for (int t = 0; t < 2; t++) {
        g[t][0] = tensor_new_like(x);
        g[t][1] = tensor_new_like(w);
        g[t][2] = tensor_new(M, 1, 1, 1);
        cr_assert(g[t][0] && g[t][1] && g[t][2], "out of memory");
        parallel_set_num_threads(t + 1);
        int rc = dense_backward(g[t][0], g[t][1], g[t][2], dy, x, w);
        parallel_set_num_threads(1);
        cr_assert_eq(rc, 0, "dense_backward on %d thread(s) failed: %s", t + 1, cnn_last_error());
    }
    static const char *const what[3] = {
        "dense dx on 2 threads vs 1 thread (bit for bit: each image's row of dx belongs to one thread)",
        "dense dw on 2 threads vs 1 thread (bit for bit: each unit's row of dw belongs to one thread)",
        "dense db on 2 threads vs 1 thread (bit for bit)",
    };
    for (int i = 0; i < 3; i++) expect_tensor_close(g[1][i], g[0][i], 0.0f, 0.0f, what[i]);
    for (int t = 0; t < 2; t++)
        for (int i = 0; i < 3; i++) tensor_free(g[t][i]);
    tensor_free(x); tensor_free(w); tensor_free(dy);
}
