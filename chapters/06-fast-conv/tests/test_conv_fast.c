/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * test_conv_fast.c -- chapter 06, steps 6.2-6.7 end to end: every fast
 * convolution against chapter 03's naive conv2d_forward and chapter 05's
 * naive conv2d_backward, over the shape grid, at 1 and 2 threads. */
#define _GNU_SOURCE /* sched_setaffinity and cpu_set_t, for the race tests */
#include "fc_shapes.h"

#include "conv_backward.h"

#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <dirent.h>
#include <sched.h>
#endif

typedef struct Case {
    Tensor *x, *w, *b, *want, *got;
} Case;

static Case make_case(const FcShape *sh, unsigned long long seed)
{
    Case c;
    c.x = test_random_tensor(sh->n, sh->c, sh->h, sh->w, seed);
    c.w = test_random_tensor(sh->k, sh->c, sh->r, sh->s, seed + 1);
    c.b = test_random_tensor(sh->k, 1, 1, 1, seed + 2);
    c.b->ndim = 1;
    c.want = tensor_new(sh->n, sh->k, fc_out_h(sh), fc_out_w(sh));
    c.got = tensor_new(sh->n, sh->k, fc_out_h(sh), fc_out_w(sh));
    cr_assert(c.want && c.got);
    cr_assert_eq(conv2d_forward(c.want, c.x, c.w, c.b, sh->p), 0, "the naive conv2d_forward failed: %s", cnn_last_error());
    return c;
}

static void free_case(Case *c)
{
    tensor_free(c->x);
    tensor_free(c->w);
    tensor_free(c->b);
    tensor_free(c->want);
    tensor_free(c->got);
}

/* conv2d_forward_fast has four ways through the same task loop: packing
 * the columns (im2col_pack), or, with an intrinsics kernel, reading them in
 * place from the padded image, numbered as in y where the rows allow it
 * (in-place) or always as wide columns (wide), or from a copy of the batch
 * with the images innermost (batched). FC_CONV forces one; every test of
 * it runs all four. With the portable kernel (no in-place twin) all four
 * are the packed one. */
static const char *const fc_conv_modes[] = {"packed", "in-place", "wide", "batched"};
enum { FC_CONV_MODES = 4 };

/* Runs a forward implementation over the whole grid at `threads` threads
 * (conv2d_forward_fast: each way, named in a failure). */
typedef int (*ForwardFn)(Case *c, const FcShape *sh);

static void check_forward_grid(ForwardFn run, const char *name, int threads, bool every_way)
{
    int old = fc_set_threads(threads);
    for (int m = 0; m < (every_way ? FC_CONV_MODES : 1); m++) {
        if (every_way) setenv("FC_CONV", fc_conv_modes[m], 1);
        for (int g = 0; g < FC_GRID_SIZE; g++) {
            const FcShape *sh = &fc_grid[g];
            Case c = make_case(sh, 1000 + 10 * g);
            tensor_fill(c.got, NAN);
            cr_assert_eq(run(&c, sh), 0, "%s failed: %s", name, cnn_last_error());
            char what[256], desc[160];
            snprintf(what, sizeof what, "%s%s%s, %d thread(s), %s; output", name, every_way ? ", FC_CONV=" : "",
                     every_way ? fc_conv_modes[m] : "", threads, fc_describe(sh, desc, sizeof desc));
            expect_tensor_close(c.got, c.want, fc_tol(sh), fc_tol(sh), what);
            free_case(&c);
        }
    }
    unsetenv("FC_CONV");
    fc_set_threads(old);
}

static int run_gemm_naive(Case *c, const FcShape *sh) { return conv2d_forward_gemm(c->got, c->x, c->w, c->b, sh->p, gemm_naive); }
static int run_gemm_blocked(Case *c, const FcShape *sh) { return conv2d_forward_gemm(c->got, c->x, c->w, c->b, sh->p, gemm_blocked); }
static int run_gemm_packed(Case *c, const FcShape *sh) { return conv2d_forward_gemm(c->got, c->x, c->w, c->b, sh->p, gemm_packed); }
static int run_fast(Case *c, const FcShape *sh) { return conv2d_forward_fast(c->got, c->x, c->w, c->b, sh->p); }

GRADED_TEST(forward, im2col_gemm_naive, 3,
            "conv2d_forward_gemm with gemm_naive: y_n = bias, then y_n += W * im2col(x_n), image by image.")
{
    check_forward_grid(run_gemm_naive, "im2col + gemm_naive", 1, false);
}

GRADED_TEST(forward, im2col_gemm_blocked, 2,
            "conv2d_forward_gemm with gemm_blocked must match the naive convolution on every shape of the grid.")
{
    check_forward_grid(run_gemm_blocked, "im2col + gemm_blocked", 1, false);
}

GRADED_TEST(forward, im2col_gemm_packed, 2,
            "conv2d_forward_gemm with gemm_packed (your micro-kernel or the intrinsics one) must match the naive convolution.")
{
    check_forward_grid(run_gemm_packed, "im2col + gemm_packed", 1, false);
}

GRADED_TEST(forward, fast_one_thread, 3,
            "conv2d_forward_fast on 1 thread: forward_tasks must run every task (column block t / ngroups, channel group t % ngroups), the last block and group cut short.")
{
    check_forward_grid(run_fast, "conv2d_forward_fast", 1, true);
}

GRADED_TEST(forward, fast_two_threads, 3,
            "conv2d_forward_fast on 2 threads: forward_tasks shares the tasks with `omp for`; each thread packs into its own slice of plan->bpack (parallel_thread_num()).")
{
    check_forward_grid(run_fast, "conv2d_forward_fast", 2, true);
}

/* Runs conv2d_forward_fast on each shape at each thread count and compares
 * it with the naive convolution; `why` says what the shapes are for. */
static void check_forward_shapes(const FcShape *shapes, int count, const int *threads, int nthreads, const char *why)
{
    for (int m = 0; m < FC_CONV_MODES; m++) {
        setenv("FC_CONV", fc_conv_modes[m], 1);
        for (int t = 0; t < nthreads; t++) {
            int old = fc_set_threads(threads[t]);
            for (int g = 0; g < count; g++) {
                const FcShape *sh = &shapes[g];
                Case c = make_case(sh, 5000 + 10 * g);
                tensor_fill(c.got, NAN);
                cr_assert_eq(conv2d_forward_fast(c.got, c.x, c.w, c.b, sh->p), 0, "conv2d_forward_fast failed: %s",
                             cnn_last_error());
                char what[320], desc[160];
                snprintf(what, sizeof what, "conv2d_forward_fast, FC_CONV=%s, %d thread(s), %s (%s); output",
                         fc_conv_modes[m], threads[t], fc_describe(sh, desc, sizeof desc), why);
                expect_tensor_close(c.got, c.want, fc_tol(sh), fc_tol(sh), what);
                free_case(&c);
            }
            fc_set_threads(old);
        }
    }
    unsetenv("FC_CONV");
}

GRADED_TEST(forward, fast_channel_groups, 2,
            "A small batch has fewer column blocks than threads, so conv2d_forward_fast splits the filters into channel groups: "
            "task t is column block t / ngroups and channel group t % ngroups, the last group cut short at mpanels.")
{
    /* N*P*Q of at most 32 columns (one or two blocks of the kernel's NR) and
     * many filters (K / MR panels): with T threads the plan makes min(mpanels, T)
     * groups of whole panels. Inputs and kernels are not square. */
    static const FcShape shapes[] = {
        {1, 3, 5, 4, 44, 3, 2, {1, 0, 1, 1}},    /* 15 columns, 6 panels (the last half full) */
        {1, 2, 3, 7, 21, 2, 3, {0, 1, 1, 2}},    /* 8 columns, 3 panels: with 2 groups the last has 1 */
        {2, 4, 3, 3, 40, 3, 3, {1, 1, 1, 1}},    /* 2 images in one block of 18 columns, 5 panels */
        {1, 128, 4, 4, 96, 3, 3, {1, 1, 1, 1}},  /* 16 columns, 12 panels, 1.8 M multiply-adds: threads start */
    };
    static const int threads[] = {2, 3, 4};
    check_forward_shapes(shapes, sizeof shapes / sizeof *shapes, threads, 3,
                         "few columns, many filters: channel groups");
}

GRADED_TEST(forward, fast_wide_padded_images, 2,
            "Images 48 or more columns wide are packed straight from x, padding and all (no padded copy): the runs that "
            "hang over the left or right border are clipped, for column strides 1, 2 and 3. Read in place, a tall one "
            "takes several blocks of rows.")
{
    static const FcShape shapes[] = {
        {2, 3, 5, 50, 4, 3, 3, {1, 1, 1, 1}},  /* stride 1: clipped at both borders */
        {1, 2, 6, 53, 5, 3, 4, {1, 2, 1, 2}},  /* column stride 2, even kernel width, pad 2 */
        {1, 3, 7, 64, 6, 2, 5, {0, 2, 2, 3}},  /* column stride 3, padding only left and right */
        {2, 1, 4, 49, 3, 5, 3, {2, 0, 1, 2}},  /* padding only above and below, column stride 2 */
        /* Read in place, these take several blocks of output rows an image,
         * each block splitting the input rows it reads, the rows it shares
         * with the next block included; the last block is short. */
        {1, 2, 30, 50, 5, 3, 3, {1, 1, 1, 1}},  /* stride 1: 52 wide columns a row, blocks of 9 rows */
        {1, 3, 70, 60, 9, 3, 3, {1, 1, 2, 2}},  /* stride 2: phase rows of 31, blocks of 16 rows */
    };
    static const int threads[] = {1, 2};
    check_forward_shapes(shapes, sizeof shapes / sizeof *shapes, threads, 2,
                         "a wide image, packed without a padded copy");
}

GRADED_TEST(forward, fast_dense_rows, 2,
            "Where the output width Q is a multiple of half the kernel's tile, conv2d_forward_fast reads in place with the "
            "columns numbered as in y and writes whole tiles straight into y: tiles cut short at the end of a block or "
            "past the last filter go through scratch, and the two halves of a tile may sit in two rows of the image.")
{
    /* Q of 8, 16 and 32 (dense for the AVX2 kernel's halves of 8 and the
     * AVX-512 one's of 16); K not a multiple of 6 or 8; blocks whose last
     * tile is half full (P*Q = 240 or 56); a stride; C*R*S over one slice
     * of 256; an image of two blocks. */
    static const FcShape shapes[] = {
        {2, 3, 16, 16, 13, 3, 3, {1, 1, 1, 1}},  /* Q 16, K 13: the last panel cut short */
        {1, 4, 15, 16, 8, 3, 3, {1, 1, 1, 1}},   /* P*Q = 240: the last tile of 32 half full */
        {1, 2, 7, 8, 5, 3, 3, {1, 1, 1, 1}},     /* Q 8, P*Q = 56: the last tile of 16 half full */
        {2, 3, 32, 32, 10, 3, 3, {1, 1, 2, 2}},  /* stride 2: Q 16 from the phase planes */
        {1, 40, 8, 16, 9, 3, 3, {1, 1, 1, 1}},   /* C*R*S = 360: two slices */
        {1, 17, 3, 32, 19, 1, 1, {0, 0, 1, 1}},  /* 1x1, Q 32 */
        {1, 2, 40, 16, 6, 3, 3, {1, 1, 1, 1}},   /* P 40: an image of two blocks */
    };
    static const int threads[] = {1, 2};
    check_forward_shapes(shapes, sizeof shapes / sizeof *shapes, threads, 2, "dense columns, tiles into y");
}

/* The race tests. A data race only shows when one thread writes shared
 * scratch while another is between writing and reading it. On two idle cores
 * that happens whenever both threads are inside the loop at once; on a busy
 * machine the two threads may instead run one after the other and never
 * meet, and a shared buffer goes unnoticed. So three runs in four
 * confine the whole process to one CPU: the kernel then takes turns between
 * the two threads every few milliseconds, each run is several times longer
 * than a turn, and a thread stopped in the middle of a task comes back to
 * scratch the other thread has overwritten, however busy the machine is.
 * The fourth runs free, where the threads truly overlap. The oracle is
 * the same function on 1 thread (checked against the naive convolution by
 * the grid tests): the result must not depend on the thread count. */
typedef struct Turns {
#ifdef __linux__
    cpu_set_t saved;
#endif
    bool on;
} Turns;

#ifdef __linux__
/* Sets the CPU mask of every thread of this process (OpenMP's pool threads
 * keep their own mask, so setting only the calling thread's is not enough). */
static void set_mask_of_all_threads(const cpu_set_t *mask)
{
    DIR *tasks = opendir("/proc/self/task");
    if (!tasks) {
        sched_setaffinity(0, sizeof *mask, mask);
        return;
    }
    struct dirent *e;
    while ((e = readdir(tasks)) != NULL)
        if (e->d_name[0] != '.') sched_setaffinity((pid_t)atoi(e->d_name), sizeof *mask, mask);
    closedir(tasks);
}
#endif

/* Confines the process to one CPU (Linux; elsewhere a no-op, and the run
 * stays free). Returns whether it did. */
static bool turns_begin(Turns *t)
{
    t->on = false;
#ifdef __linux__
    if (sched_getaffinity(0, sizeof t->saved, &t->saved) != 0) return false;
    cpu_set_t one;
    CPU_ZERO(&one);
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
        if (CPU_ISSET(cpu, &t->saved)) {
            CPU_SET(cpu, &one);
            break;
        }
    set_mask_of_all_threads(&one);
    t->on = true;
#endif
    return t->on;
}

static void turns_end(Turns *t)
{
#ifdef __linux__
    if (t->on) set_mask_of_all_threads(&t->saved);
#endif
    t->on = false;
}

GRADED_TEST_ALONE(forward, fast_threads_do_not_race, 4, 20.0,
                  "conv2d_forward_fast, 2 threads, repeated: it must equal the 1-thread result every time. Shared scratch between threads corrupts it.")
{
    /* 1.2 billion multiply-adds a run: about 10 ms per thread on a fast core. */
    const FcShape sh = {64, 32, 32, 32, 32, 3, 3, {1, 1, 1, 1}};
    Tensor *x = test_random_tensor(sh.n, sh.c, sh.h, sh.w, 71), *w = test_random_tensor(sh.k, sh.c, 3, 3, 72);
    Tensor *one = tensor_new(sh.n, sh.k, fc_out_h(&sh), fc_out_w(&sh)), *two = tensor_new_like(one);
    cr_assert(one && two);
    int old = fc_set_threads(1);
    cr_assert_eq(conv2d_forward_fast(one, x, w, NULL, sh.p), 0, "%s", cnn_last_error());
    fc_set_threads(2);
    /* Each way in turn (FC_CONV): dense columns and the batch innermost
     * write whole tiles straight into y, so only the packed and wide ways
     * fill the whole scratch slice. The first two rounds take turns on one
     * CPU; the last round runs each way free. */
    enum { RUNS = 3 * FC_CONV_MODES };
    bool same = true;
    for (int rep = 0; rep < RUNS && same; rep++) {
        setenv("FC_CONV", fc_conv_modes[rep % FC_CONV_MODES], 1);
        Turns turns;
        bool taking_turns = rep < 2 * FC_CONV_MODES && turns_begin(&turns);
        tensor_fill(two, NAN);
        int rc = conv2d_forward_fast(two, x, w, NULL, sh.p);
        if (taking_turns) turns_end(&turns);
        cr_assert_eq(rc, 0, "%s", cnn_last_error());
        static char report[8192];
        char what[160];
        snprintf(what, sizeof what, "conv2d_forward_fast, FC_CONV=%s, 2 threads (run %d of %d%s) vs 1 thread; output",
                 fc_conv_modes[rep % FC_CONV_MODES], rep + 1, RUNS, taking_turns ? ", taking turns on one CPU" : "");
        same = tensor_close_pictured(two, one, fc_tol(&sh), fc_tol(&sh), what, report, sizeof report);
        cr_expect(same, "%s", report);
    }
    unsetenv("FC_CONV");
    fc_set_threads(old);
    tensor_free(x);
    tensor_free(w);
    tensor_free(one);
    tensor_free(two);
}

GRADED_TEST(forward, fast_rejects_bad_shapes, 1,
            "conv2d_forward_fast must return -1 with a message, not crash, when y has the wrong shape "
            "(or FC_CONV names none of packed, in-place, wide and batched).")
{
    Tensor *x = test_random_tensor(2, 3, 8, 8, 1), *w = test_random_tensor(4, 3, 3, 3, 2);
    Tensor *y = tensor_new(2, 4, 8, 8); /* right for pad 1, wrong for pad 0 */
    cr_assert(y);
    cnn_clear_error();
    cr_expect_eq(conv2d_forward_fast(y, x, w, NULL, (Conv2dParams){0, 0, 1, 1}), -1,
                 "y [2,4,8,8] is wrong for a 3x3 kernel without padding (needs [2,4,6,6]): expected -1");
    cr_expect(cnn_last_error()[0] != '\0', "the -1 must come with a cnn_error message");
    setenv("FC_CONV", "sideways", 1);
    cnn_clear_error();
    tensor_fill(y, 7.0f);
    cr_expect_eq(conv2d_forward_fast(y, x, w, NULL, (Conv2dParams){1, 1, 1, 1}), -1, "FC_CONV=sideways: expected -1");
    cr_expect(strstr(cnn_last_error(), "FC_CONV=sideways") != NULL, "FC_CONV=sideways: the message must name it, got: %s",
              cnn_last_error());
    cr_expect(y->data[0] == 7.0f, "FC_CONV=sideways: y must be left as it was");
    unsetenv("FC_CONV");
    tensor_free(x);
    tensor_free(w);
    tensor_free(y);
}

/* ---- backward ---- */

typedef struct Grads {
    Tensor *dx, *dw, *db;
} Grads;

/* Gradients pre-filled with a constant, so accumulation (+=) is checked. */
static Grads grads_new(const FcShape *sh, float start)
{
    Grads g = {tensor_new(sh->n, sh->c, sh->h, sh->w), tensor_new(sh->k, sh->c, sh->r, sh->s),
               tensor_new(sh->k, 1, 1, 1)};
    cr_assert(g.dx && g.dw && g.db);
    g.db->ndim = 1;
    tensor_fill(g.dx, start);
    tensor_fill(g.dw, start);
    tensor_fill(g.db, start);
    return g;
}

static void grads_free(Grads *g)
{
    tensor_free(g->dx);
    tensor_free(g->dw);
    tensor_free(g->db);
}

/* Each way of the forward pass (FC_CONV) in turn: the stride-1 shortcut
 * for dx is a forward pass that adds into dx. */
static void check_backward(const FcShape *sh, int threads, unsigned long long seed, const char *label)
{
    Tensor *x = test_random_tensor(sh->n, sh->c, sh->h, sh->w, seed);
    Tensor *w = test_random_tensor(sh->k, sh->c, sh->r, sh->s, seed + 1);
    Tensor *dy = test_random_tensor(sh->n, sh->k, fc_out_h(sh), fc_out_w(sh), seed + 2);
    Grads want = grads_new(sh, 0.5f);
    cr_assert_eq(conv2d_backward(want.dx, want.dw, want.db, dy, x, w, sh->p), 0, "naive conv2d_backward: %s", cnn_last_error());
    char desc[160];
    fc_describe(sh, desc, sizeof desc);
    /* dw and db sum over the batch and all positions as well. */
    float tx = fc_tol(sh), twb = 1e-4f * sqrtf((float)(sh->n * fc_out_h(sh) * fc_out_w(sh) * sh->k));
    for (int m = 0; m < FC_CONV_MODES; m++) {
        setenv("FC_CONV", fc_conv_modes[m], 1);
        Grads got = grads_new(sh, 0.5f);
        int old = fc_set_threads(threads);
        cr_assert_eq(conv2d_backward_fast(got.dx, got.dw, got.db, dy, x, w, sh->p), 0, "conv2d_backward_fast: %s",
                     cnn_last_error());
        fc_set_threads(old);
        char what[320];
        snprintf(what, sizeof what, "%s, FC_CONV=%s, %d thread(s), %s; dx (started at 0.5)", label, fc_conv_modes[m],
                 threads, desc);
        expect_tensor_close(got.dx, want.dx, tx, tx, what);
        snprintf(what, sizeof what, "%s, FC_CONV=%s, %d thread(s), %s; dw (started at 0.5)", label, fc_conv_modes[m],
                 threads, desc);
        expect_tensor_close(got.dw, want.dw, twb, twb, what);
        snprintf(what, sizeof what, "%s, FC_CONV=%s, %d thread(s), %s; db (started at 0.5)", label, fc_conv_modes[m],
                 threads, desc);
        expect_tensor_close(got.db, want.db, twb, twb, what);
        grads_free(&got);
    }
    unsetenv("FC_CONV");
    grads_free(&want);
    tensor_free(x);
    tensor_free(w);
    tensor_free(dy);
}

GRADED_TEST(backward, fast_one_thread, 4,
            "conv2d_backward_fast: dx_n += col2im(W^T * dy_n) (your TODO 6.7 runs on the strided shapes), db += sums of dy; all accumulate.")
{
    for (int g = 0; g < FC_GRID_SIZE; g++) check_backward(&fc_grid[g], 1, 2000 + 10 * g, "conv2d_backward_fast");
}

GRADED_TEST(backward, fast_two_threads, 3,
            "conv2d_backward_fast on 2 threads: each thread needs its own dcol scratch (strided shapes run your TODO 6.7 loop).")
{
    for (int g = 0; g < FC_GRID_SIZE; g++) check_backward(&fc_grid[g], 2, 3000 + 10 * g, "conv2d_backward_fast");
}

GRADED_TEST(backward, fast_other_branches, 2,
            "conv2d_backward_fast's other paths: stride 1 with padding as large as the kernel (your TODO 6.7 loop, not the "
            "shortcut), wide images (the shortcut's forward pass packs them without a padded copy), few columns, many filters.")
{
    static const FcShape shapes[] = {
        {2, 2, 5, 6, 3, 2, 3, {1, 3, 1, 1}},    /* stride 1, pad_w = S: the image loop, not the shortcut */
        {1, 3, 4, 7, 2, 3, 3, {3, 1, 1, 1}},    /* stride 1, only pad_h >= R */
        {1, 2, 4, 50, 3, 3, 3, {1, 1, 1, 1}},   /* stride 1, wide: dy is 50 wide and padded by 1 */
        {1, 2, 6, 53, 4, 3, 4, {1, 2, 1, 2}},   /* column stride 2, wide */
        {1, 40, 3, 5, 3, 3, 3, {1, 1, 1, 1}},   /* dx is a forward pass with 40 filters over 15 columns */
        {2, 8, 4, 16, 4, 3, 3, {1, 1, 1, 1}},   /* dx 16 wide: dense in place, whole tiles added straight into dx */
        {3, 16, 5, 6, 9, 3, 3, {1, 1, 1, 1}},   /* dw in place: window rows of 48 floats, C*R*S = 144, half a tile last */
        {2, 16, 6, 7, 5, 3, 3, {1, 1, 2, 2}},   /* the same, strided, K = 5 */
    };
    for (int t = 1; t <= 2; t++)
        for (size_t g = 0; g < sizeof shapes / sizeof *shapes; g++)
            check_backward(&shapes[g], t, 6000 + 10 * g, "conv2d_backward_fast");
}

GRADED_TEST(backward, large_filter_bank_on_two_threads, 1,
            "A filter bank of more than 65,536 weights sums its per-thread partial dw on threads too: each element of dw "
            "is summed by one thread, once.")
{
    /* w [64,128,3,3] = 73,728 weights: past the 65,536 at which the final
     * sum of the partial dw starts threads. A 4x5 image keeps it quick. */
    const FcShape sh = {2, 128, 4, 5, 64, 3, 3, {1, 1, 1, 1}};
    cr_assert((long)sh.k * sh.c * sh.r * sh.s > 65536, "the case must be big enough to start threads");
    check_backward(&sh, 2, 7000, "conv2d_backward_fast, a large filter bank");
    check_backward(&sh, 1, 7000, "conv2d_backward_fast, a large filter bank");
}

GRADED_TEST_ALONE(backward, fast_threads_do_not_race, 4, 20.0,
                  "conv2d_backward_fast, 2 threads, repeated: it must match the 1-thread result. No shared scratch, no shared accumulator.")
{
    /* Stride 2: stride 1 takes the given shortcut, so this runs your TODO 6.7
     * loop. 1.2 billion multiply-adds in that loop a run: about 10 ms per
     * thread on a fast core, several turns when the two share one CPU. */
    const FcShape sh = {128, 32, 32, 32, 64, 3, 3, {1, 1, 2, 2}};
    Tensor *x = test_random_tensor(sh.n, sh.c, sh.h, sh.w, 81), *w = test_random_tensor(sh.k, sh.c, 3, 3, 82);
    Tensor *dy = test_random_tensor(sh.n, sh.k, fc_out_h(&sh), fc_out_w(&sh), 83);
    Grads one = grads_new(&sh, 0.5f);
    int old = fc_set_threads(1);
    cr_assert_eq(conv2d_backward_fast(one.dx, one.dw, one.db, dy, x, w, sh.p), 0, "%s", cnn_last_error());
    int computed = 0;
    for (size_t i = 0; i < tensor_size(one.dw) && !computed; i++) computed = one.dw->data[i] != 0.5f;
    for (size_t i = 0; i < tensor_size(one.dx) && computed == 1; i++) computed = one.dx->data[i] != 0.5f ? 2 : 1;
    cr_expect_eq(computed, 2, "conv2d_backward_fast on 1 thread left dw or dx at their starting value 0.5: "
                              "finish TODO 6.7 first (this test compares 2 threads with 1)");
    fc_set_threads(2);
    /* dw and db add N*P*Q terms per element, in a thread-dependent order. */
    float tx = fc_tol(&sh), twb = 1e-4f * sqrtf((float)(sh.n * fc_out_h(&sh) * fc_out_w(&sh) * sh.k));
    /* Up to the first run that differs. */
    enum { RUNS = 8 };
    for (int rep = 0; rep < RUNS; rep++) {
        Grads two = grads_new(&sh, 0.5f);
        Turns turns;
        bool taking_turns = rep % 4 != 3 && turns_begin(&turns);
        int rc = conv2d_backward_fast(two.dx, two.dw, two.db, dy, x, w, sh.p);
        if (taking_turns) turns_end(&turns);
        cr_assert_eq(rc, 0, "%s", cnn_last_error());
        static char report[8192];
        char what[160];
        bool same = true;
        const Tensor *got[3] = {two.dx, two.dw, two.db}, *want[3] = {one.dx, one.dw, one.db};
        const char *names[3] = {"dx", "dw", "db"};
        for (int g = 0; g < 3 && same; g++) {
            float tol = g == 0 ? tx : twb;
            snprintf(what, sizeof what, "conv2d_backward_fast, 2 threads (run %d of %d%s) vs 1 thread; %s", rep + 1,
                     RUNS, taking_turns ? ", taking turns on one CPU" : "", names[g]);
            same = tensor_close_pictured(got[g], want[g], tol, tol, what, report, sizeof report);
            cr_expect(same, "%s", report);
        }
        grads_free(&two);
        if (!same) break;
    }
    /* db alone (dw NULL): with dw, db is summed on the weight gradient's
     * way; without, by a loop of its own, split over the channels. */
    Grads two = grads_new(&sh, 0.5f);
    cr_assert_eq(conv2d_backward_fast(NULL, NULL, two.db, dy, x, w, sh.p), 0, "%s", cnn_last_error());
    static char report[8192];
    cr_expect(tensor_close_pictured(two.db, one.db, twb, twb, "conv2d_backward_fast, 2 threads, db alone (dx, dw NULL) "
              "vs 1 thread with dw", report, sizeof report), "%s", report);
    grads_free(&two);
    fc_set_threads(old);
    grads_free(&one);
    tensor_free(x);
    tensor_free(w);
    tensor_free(dy);
}

GRADED_TEST(backward, null_gradients_are_skipped, 1,
            "conv2d_backward_fast: dx, dw and db may each be NULL (not wanted); the others are still computed.")
{
    const FcShape sh = {2, 3, 7, 7, 4, 3, 3, {1, 1, 2, 2}};
    Tensor *x = test_random_tensor(2, 3, 7, 7, 9), *w = test_random_tensor(4, 3, 3, 3, 10);
    Tensor *dy = test_random_tensor(2, 4, fc_out_h(&sh), fc_out_w(&sh), 11);
    Grads want = grads_new(&sh, 0.0f), got = grads_new(&sh, 0.0f);
    cr_assert_eq(conv2d_backward(want.dx, want.dw, want.db, dy, x, w, sh.p), 0, "%s", cnn_last_error());
    cr_assert_eq(conv2d_backward_fast(NULL, got.dw, NULL, dy, x, w, sh.p), 0, "dx = db = NULL: %s", cnn_last_error());
    cr_assert_eq(conv2d_backward_fast(got.dx, NULL, got.db, dy, x, w, sh.p), 0, "dw = NULL: %s", cnn_last_error());
    expect_tensor_close(got.dx, want.dx, fc_tol(&sh), fc_tol(&sh), "dx (dw NULL)");
    expect_tensor_close(got.dw, want.dw, fc_tol(&sh), fc_tol(&sh), "dw (dx, db NULL)");
    expect_tensor_close(got.db, want.db, fc_tol(&sh), fc_tol(&sh), "db (dw NULL)");
    grads_free(&want);
    grads_free(&got);
    tensor_free(x);
    tensor_free(w);
    tensor_free(dy);
}
