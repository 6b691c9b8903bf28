/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * test_dense_fast.c -- chapter 06 (given code): the dense layer on the
 * packed GEMM must agree with chapter 05's dense_forward / dense_backward,
 * accumulate like them, reject the same bad shapes, and not depend on the
 * thread count. */
#include "fc_shapes.h"

#include "dense.h"

typedef struct DenseCase {
    int n, d, m;
} DenseCase;

/* Odd sizes, fewer rows than one tile, more than one K slice (D > 256),
 * the CIFAR-10 CNN's fc1 (64 x 4096 -> 64) and a batch of one. */
static const DenseCase dense_cases[] = {{3, 5, 7}, {1, 300, 10}, {17, 33, 65}, {64, 4096, 64}, {70, 64, 10}};
#define DENSE_CASES ((int)(sizeof dense_cases / sizeof dense_cases[0]))

static void check_dense(const DenseCase *dc, int threads, unsigned long long seed)
{
    int old = fc_set_threads(threads);
    Tensor *x = test_random_tensor(dc->n, dc->d, 1, 1, seed), *w = test_random_tensor(dc->m, dc->d, 1, 1, seed + 1);
    Tensor *b = test_random_tensor(dc->m, 1, 1, 1, seed + 2), *dy = test_random_tensor(dc->n, dc->m, 1, 1, seed + 3);
    b->ndim = 1;
    Tensor *want_y = tensor_new(dc->n, dc->m, 1, 1), *got_y = tensor_new(dc->n, dc->m, 1, 1);
    /* The gradients start at 0.5: both versions must ADD to them. */
    Tensor *want_dx = tensor_new(dc->n, dc->d, 1, 1), *got_dx = tensor_new(dc->n, dc->d, 1, 1);
    Tensor *want_dw = tensor_new(dc->m, dc->d, 1, 1), *got_dw = tensor_new(dc->m, dc->d, 1, 1);
    Tensor *want_db = tensor_new(dc->m, 1, 1, 1), *got_db = tensor_new(dc->m, 1, 1, 1);
    Tensor *grads[] = {want_dx, got_dx, want_dw, got_dw, want_db, got_db};
    for (int i = 0; i < 6; i++) tensor_fill(grads[i], 0.5f);
    tensor_fill(got_y, NAN);
    cr_assert_eq(dense_forward(want_y, x, w, b), 0, "%s", cnn_last_error());
    cr_assert_eq(dense_forward_fast(got_y, x, w, b), 0, "dense_forward_fast: %s", cnn_last_error());
    cr_assert_eq(dense_backward(want_dx, want_dw, want_db, dy, x, w), 0, "%s", cnn_last_error());
    cr_assert_eq(dense_backward_fast(got_dx, got_dw, got_db, dy, x, w), 0, "dense_backward_fast: %s", cnn_last_error());
    char what[160];
    float tol_d = 1e-4f * sqrtf((float)dc->d), tol_n = 1e-4f * sqrtf((float)dc->n);
    snprintf(what, sizeof what, "dense_forward_fast, N=%d D=%d M=%d, %d thread(s); y", dc->n, dc->d, dc->m, threads);
    expect_tensor_close(got_y, want_y, tol_d, tol_d, what);
    snprintf(what, sizeof what, "dense_backward_fast, N=%d D=%d M=%d, %d thread(s); dx", dc->n, dc->d, dc->m, threads);
    expect_tensor_close(got_dx, want_dx, tol_d, tol_d, what);
    snprintf(what, sizeof what, "dense_backward_fast, N=%d D=%d M=%d, %d thread(s); dw", dc->n, dc->d, dc->m, threads);
    expect_tensor_close(got_dw, want_dw, tol_n, tol_n, what);
    snprintf(what, sizeof what, "dense_backward_fast, N=%d D=%d M=%d, %d thread(s); db", dc->n, dc->d, dc->m, threads);
    expect_tensor_close(got_db, want_db, tol_n, tol_n, what);
    Tensor *all[] = {x, w, b, dy, want_y, got_y, want_dx, got_dx, want_dw, got_dw, want_db, got_db};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) tensor_free(all[i]);
    fc_set_threads(old);
}

GRADED_TEST(dense, matches_chapter05_one_thread, 1,
            "dense_forward_fast / dense_backward_fast (given) must match chapter 05's dense layer: "
            "they run on gemm_packed, so a failure here points at pack_a, pack_b or the micro-kernel.")
{
    for (int i = 0; i < DENSE_CASES; i++) check_dense(&dense_cases[i], 1, 500 + 10 * (unsigned long long)i);
}

GRADED_TEST(dense, matches_chapter05_two_threads, 1,
            "dense_forward_fast / dense_backward_fast on 2 threads (given): same results as on one.")
{
    for (int i = 0; i < DENSE_CASES; i++) check_dense(&dense_cases[i], 2, 600 + 10 * (unsigned long long)i);
}

GRADED_TEST(dense, rejects_bad_shapes, 1,
            "dense_forward_fast / dense_backward_fast (given) reject mismatched shapes with a message.")
{
    Tensor *x = tensor_new(4, 6, 1, 1), *w = tensor_new(3, 5, 1, 1), *y = tensor_new(4, 3, 1, 1);
    Tensor *w_ok = tensor_new(3, 6, 1, 1), *y_bad = tensor_new(4, 2, 1, 1), *dx_bad = tensor_new(4, 5, 1, 1);
    cr_expect_eq(dense_forward_fast(y, x, w, NULL), -1, "w has 5 inputs per unit but x has 6: must fail");
    cr_expect(strstr(cnn_last_error(), "dense_forward_fast") != NULL, "the message names the function: got \"%s\"", cnn_last_error());
    cr_expect_eq(dense_forward_fast(y_bad, x, w_ok, NULL), -1, "y [4,2] but w has 3 units: must fail");
    cr_expect_eq(dense_forward_fast(NULL, x, w_ok, NULL), -1, "y NULL: must fail");
    cr_expect_eq(dense_backward_fast(dx_bad, NULL, NULL, y, x, w_ok), -1, "dx with 20 elements for x's 24: must fail");
    cr_expect_eq(dense_backward_fast(NULL, NULL, NULL, y_bad, x, w_ok), -1, "dy [4,2] but w has 3 units: must fail");
    Tensor *all[] = {x, w, y, w_ok, y_bad, dx_bad};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) tensor_free(all[i]);
}
