/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * test_gemm.c -- chapter 06, steps 6.2-6.4: the GEMMs and the micro-kernel. */
#include "fc_shapes.h"
#include "memory.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* C += A*B in double, the reference for every GEMM test. */
static void gemm_reference(float *c, int ldc, MatRef a, MatRef b, int M, int N, int K)
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            double sum = c[(size_t)i * ldc + j];
            for (int p = 0; p < K; p++)
                sum += (double)a.data[(size_t)i * a.rs + (size_t)p * a.cs] * b.data[(size_t)p * b.rs + (size_t)j * b.cs];
            c[(size_t)i * ldc + j] = (float)sum;
        }
}

static float *random_floats(size_t count, unsigned long long seed)
{
    Tensor *t = test_random_tensor(1, 1, 1, (int)count, seed);
    float *v = malloc(count * sizeof *v);
    cr_assert(v);
    memcpy(v, t->data, count * sizeof *v);
    tensor_free(t);
    return v;
}

/* How a GEMM cuts C into blocks: rows and columns per block, 0 for none. A
 * wrong cell can only be blamed on "the remainder" when the GEMM has blocks. */
typedef struct {
    int rows, cols;
    const char *rows_name, *cols_name;
} Tiling;

/* Compares C (M rows of ldc floats; columns N..ldc-1 must be untouched) with
 * want, and fails once with a message that counts the wrong cells, names the
 * first, and adds a note only on its evidence: cells past N changed; every
 * wrong cell in the last, partial block of rows or columns while the full
 * blocks are right (a remainder); every wrong cell equal to A*B without C's
 * old value c0 (overwritten, not accumulated). */
static void expect_c_close(const float *c, const float *want, const float *c0, int ldc, int M, int N, float tol,
                           Tiling tiling, const char *past_n, const char *context)
{
    int bad = 0, outside = 0, first_i = -1, first_j = -1, overwritten = 0;
    /* The first row and column of the last, partial block (M or N when the
     * blocks divide C evenly, or C is smaller than one block). */
    const int edge_i = tiling.rows && M >= tiling.rows && M % tiling.rows ? M - M % tiling.rows : M;
    const int edge_j = tiling.cols && N >= tiling.cols && N % tiling.cols ? N - N % tiling.cols : N;
    int in_edge_rows = 0, in_edge_cols = 0;
    for (int i = 0; i < M; i++)
        for (int j = 0; j < ldc; j++) {
            size_t at = (size_t)i * ldc + j;
            float g = c[at], e = want[at];
            if (fabsf(g - e) <= tol + tol * fabsf(e)) continue;
            if (bad++ == 0) first_i = i, first_j = j;
            if (j >= N) {
                outside++;
                continue;
            }
            in_edge_rows += i >= edge_i;
            in_edge_cols += j >= edge_j;
            float product = e - c0[at]; /* A*B alone */
            overwritten += fabsf(g - product) <= tol + tol * fabsf(product);
        }
    if (bad == 0) return;
    const int inside = bad - outside;
    char note[512] = "";
    size_t used = 0;
    /* Appends to note; a note cut short stays terminated and stops growing. */
#define NOTE(...) (used < sizeof note ? used += (size_t)snprintf(note + used, sizeof note - used, __VA_ARGS__) : 0)
    if (outside)
        NOTE("; %d cell%s past column N=%d changed (%s)", outside, outside == 1 ? "" : "s", N, past_n);
    if (inside && in_edge_rows == inside && edge_i < M)
        NOTE("; every wrong cell is in rows %d..%d, the last, partial block of %s = %d rows, and the full blocks "
             "are right: the remainder rows are dropped or mishandled", edge_i, M - 1, tiling.rows_name, tiling.rows);
    else if (inside && in_edge_cols == inside && edge_j < N)
        NOTE("; every wrong cell is in columns %d..%d, the last, partial block of %s = %d columns, and the full "
             "blocks are right: the remainder columns are dropped or mishandled", edge_j, N - 1, tiling.cols_name,
             tiling.cols);
    if (inside && overwritten == inside)
        NOTE("; every wrong cell holds A*B without C's old value: C was overwritten (=), not accumulated (+=)");
#undef NOTE
    size_t first = (size_t)first_i * ldc + first_j;
    cr_expect(0, "%s: %d of %d cells wrong; the first, C(%d,%d), should be %g, got %g%s", context, bad, M * ldc,
              first_i, first_j, (double)want[first], (double)c[first], note);
}

static const GemmKernel *kernel_under_test;
static int packed_with_kernel_under_test(float *c, int ldc, MatRef a, MatRef b, int M, int N, int K);

/* The blocks of the GEMM under test, for expect_c_close's remainder note. */
static Tiling tiling_of(GemmFn gemm)
{
    if (gemm == gemm_blocked) return (Tiling){GEMM_BM, GEMM_BN, "GEMM_BM", "GEMM_BN"};
    const GemmKernel *k = gemm == gemm_packed ? gemm_kernel_active() : kernel_under_test;
    if ((gemm == gemm_packed || gemm == packed_with_kernel_under_test) && k)
        return (Tiling){k->mr, k->nr, "the kernel's MR", "the kernel's NR"};
    return (Tiling){0, 0, "", ""}; /* gemm_naive: no blocks */
}

/* Checks gemm on an M x N x K problem with C starting non-zero, ldc > N
 * (the padding columns must stay untouched), and A, B plain or transposed. */
static void check_gemm(GemmFn gemm, const char *name, int M, int N, int K, int transa, int transb,
                       unsigned long long seed)
{
    int ldc = N + 3;
    float *a = random_floats((size_t)M * K, seed), *b = random_floats((size_t)K * N, seed + 1);
    float *c = random_floats((size_t)M * ldc, seed + 2), *want = malloc((size_t)M * ldc * sizeof *want);
    float *c0 = malloc((size_t)M * ldc * sizeof *c0);
    cr_assert(want && c0);
    memcpy(want, c, (size_t)M * ldc * sizeof *c);
    memcpy(c0, c, (size_t)M * ldc * sizeof *c);
    MatRef am = transa ? mat_transposed(a, M) : mat_rows(a, K);
    MatRef bm = transb ? mat_transposed(b, K) : mat_rows(b, N);
    gemm_reference(want, ldc, am, bm, M, N, K);
    cr_assert_eq(gemm(c, ldc, am, bm, M, N, K), 0, "%s failed: %s", name, cnn_last_error());
    char context[160];
    snprintf(context, sizeof context, "%s, M=%d N=%d K=%d%s%s", name, M, N, K, transa ? ", A transposed" : "",
             transb ? ", B transposed" : "");
    expect_c_close(c, want, c0, ldc, M, N, 1e-4f * sqrtf((float)K), tiling_of(gemm),
                   "the padding columns of ldc: written out of bounds", context);
    free(a);
    free(b);
    free(c);
    free(c0);
    free(want);
}

GRADED_TEST(gemm, naive_by_hand, 2,
            "gemm_naive: C[i][j] += sum over p of A(i,p) * B(p,j); C's old value is kept (accumulate).")
{
    const float a[6] = {1, 2, 3, 4, 5, 6};   /* 2x3 */
    const float b[6] = {7, 8, 9, 10, 11, 12}; /* 3x2 */
    float c[4] = {1, 1, 1, 1};
    gemm_naive(c, 2, mat_rows(a, 3), mat_rows(b, 2), 2, 2, 3);
    const float want[4] = {59, 65, 140, 155}; /* 1 + [58 64; 139 154] */
    for (int i = 0; i < 4; i++)
        cr_expect_eq(c[i], want[i], "[1 2 3; 4 5 6] * [7 8; 9 10; 11 12] added to ones: C(%d,%d) should be %g, got %g%s",
                     i / 2, i % 2, (double)want[i], (double)c[i], c[i] == want[i] - 1 ? " (C was overwritten, not accumulated)" : "");
}

GRADED_TEST(gemm, naive_sizes_and_transposes, 2,
            "gemm_naive must work for any M, N, K, with ldc > N and with transposed views (element (i,j) at i*rs + j*cs).")
{
    check_gemm(gemm_naive, "gemm_naive", 1, 1, 1, 0, 0, 1);
    check_gemm(gemm_naive, "gemm_naive", 7, 13, 5, 0, 0, 2);
    check_gemm(gemm_naive, "gemm_naive", 9, 4, 11, 1, 0, 3);
    check_gemm(gemm_naive, "gemm_naive", 5, 17, 3, 0, 1, 4);
}

GRADED_TEST(gemm, blocked_matches_reference_at_edges, 4,
            "gemm_blocked: blocks at the bottom/right edge are smaller; their end is imin(start + block, size).")
{
    check_gemm(gemm_blocked, "gemm_blocked", 1, 1, 1, 0, 0, 11);
    check_gemm(gemm_blocked, "gemm_blocked", 65, 257, 129, 0, 0, 12);
    check_gemm(gemm_blocked, "gemm_blocked", 130, 300, 7, 0, 0, 13);
    check_gemm(gemm_blocked, "gemm_blocked", 3, 513, 200, 0, 1, 14);
    check_gemm(gemm_blocked, "gemm_blocked", 70, 40, 260, 1, 0, 15);
}

/* The micro-kernel on a tile of a bigger C (ldc > nr), starting non-zero.
 * mr x nr: the kernel's tile (8 x 32 for the portable one). */
static void check_ukernel(GemmUkernel kernel, int mr, int nr, const char *name, int kc, unsigned long long seed)
{
    int ldc = nr + 5;
    float *a = aligned_alloc(64, ((size_t)kc * mr * sizeof(float) + 63) / 64 * 64);
    float *b = aligned_alloc(64, ((size_t)kc * nr * sizeof(float) + 63) / 64 * 64);
    cr_assert(a && b);
    float *ar = random_floats((size_t)kc * mr, seed), *br = random_floats((size_t)kc * nr, seed + 1);
    memcpy(a, ar, (size_t)kc * mr * sizeof *a);
    memcpy(b, br, (size_t)kc * nr * sizeof *b);
    float *c = random_floats((size_t)mr * ldc, seed + 2), *want = malloc((size_t)mr * ldc * sizeof *want);
    cr_assert(want);
    memcpy(want, c, (size_t)mr * ldc * sizeof *c);
    /* The packed A panel is A^T stored row-major: element (i,p) at p*mr + i. */
    gemm_reference(want, ldc, mat_transposed(a, mr), mat_rows(b, nr), mr, nr, kc);
    float *c0 = malloc((size_t)mr * ldc * sizeof *c0);
    cr_assert(c0);
    memcpy(c0, c, (size_t)mr * ldc * sizeof *c);
    kernel(kc, a, b, c, ldc);
    char context[96];
    snprintf(context, sizeof context, "micro-kernel %s, kc=%d (tile %dx%d, ldc %d)", name, kc, mr, nr, ldc);
    expect_c_close(c, want, c0, ldc, mr, nr, 1e-4f * sqrtf((float)kc), (Tiling){0, 0, "", ""},
                   "outside the tile: must not be touched", context);
    free(c0);
    free(a);
    free(b);
    free(ar);
    free(br);
    free(c);
    free(want);
}

GRADED_TEST(ukernel, portable_updates_its_tile, 3,
            "gemm_ukernel_portable: c[i*ldc + j] += sum over p of a[p*MR + i] * b[p*NR + j], for the MR x NR tile only.")
{
    check_ukernel(gemm_ukernel_portable, GEMM_MR, GEMM_NR, "portable", 1, 21);
    check_ukernel(gemm_ukernel_portable, GEMM_MR, GEMM_NR, "portable", 9, 22);
    check_ukernel(gemm_ukernel_portable, GEMM_MR, GEMM_NR, "portable", 300, 23);
}

/* gemm_packed_with(k) on M x N x K through check_gemm: a GemmFn cannot
 * carry its kernel, so the kernel under test waits in kernel_under_test. */
static int packed_with_kernel_under_test(float *c, int ldc, MatRef a, MatRef b, int M, int N, int K)
{
    return gemm_packed_with(kernel_under_test, c, ldc, a, b, M, N, K);
}

static void check_packed_with(const GemmKernel *k, int M, int N, int K, int ta, int tb, unsigned long long seed)
{
    char name[96];
    snprintf(name, sizeof name, "gemm_packed_with(%s kernel: tile %dx%d, kc %d, mc %d)", k->name, k->mr, k->nr, k->kc,
             k->mc);
    kernel_under_test = k;
    check_gemm(packed_with_kernel_under_test, name, M, N, K, ta, tb, seed);
}

/* The in-place twin of a kernel (run_rows) against the kernel itself: the
 * rows of a packed B panel copied to scattered, unaligned places of a
 * larger buffer, brow pointing at each, and each row's second half bstep
 * floats after its first (right after it, or further on, as when the two
 * halves of a tile sit in two rows of an image); both must give the same
 * tile, bit for bit (the same multiply-adds in the same order), in the
 * first `rows` rows, and the twin must leave the rows below those alone
 * (a panel cut short in M). */
static void check_rows_twin(const GemmKernel *k, int kc, int gap, int rows, unsigned long long seed)
{
    int mr = k->mr, nr = k->nr, half = nr / 2, bstep = half + gap, stride = bstep + half + 7;
    Tensor *a = test_random_tensor(1, 1, kc, mr, seed), *b = test_random_tensor(1, 1, kc, nr, seed + 1);
    size_t room = (size_t)kc * stride + 64;
    float *apanel = memory_alloc_aligned((size_t)kc * mr * sizeof(float));
    float *bpanel = memory_alloc_aligned((size_t)kc * nr * sizeof(float));
    float *scattered = memory_alloc_aligned(room * sizeof(float));
    int *brow = malloc((size_t)kc * sizeof *brow);
    float *want = memory_alloc_aligned((size_t)mr * 40 * sizeof(float)), *got = memory_alloc_aligned((size_t)mr * 40 * sizeof(float));
    cr_assert(a && b && apanel && bpanel && scattered && brow && want && got, "out of memory");
    memcpy(apanel, a->data, (size_t)kc * mr * sizeof(float));
    memcpy(bpanel, b->data, (size_t)kc * nr * sizeof(float));
    for (size_t i = 0; i < room; i++) scattered[i] = NAN;
    /* Row p goes backwards through the buffer at a stride of bstep + half
     * + 7, so no row is 64-byte aligned the way a packed one is; NaN in
     * the gap between its halves would show in the tile if it were read. */
    for (int p = 0; p < kc; p++) {
        brow[p] = (kc - 1 - p) * stride + 3;
        memcpy(scattered + brow[p], bpanel + (size_t)p * nr, (size_t)half * sizeof(float));
        memcpy(scattered + brow[p] + bstep, bpanel + (size_t)p * nr + half, (size_t)half * sizeof(float));
    }
    for (int i = 0; i < mr * 40; i++) want[i] = got[i] = (float)(i % 11) - 5.0f; /* it accumulates */
    k->run(kc, apanel, bpanel, want, 40);
    k->run_rows(kc, apanel, scattered, bstep, brow, NULL, got, 40, rows);
    int bad = -1;
    for (int i = 0; i < mr * 40 && bad < 0; i++) {
        float expect = i / 40 < rows ? want[i] : (float)(i % 11) - 5.0f;
        if (memcmp(&expect, &got[i], sizeof(float)) != 0) bad = i;
    }
    cr_expect(bad < 0, "kernel %s: run_rows (B rows read in place at brow, halves %d apart, %d of %d rows) must give "
              "what run gives on the packed panel in those rows and leave the others alone, kc %d; tile element "
              "(%d, %d): run %g, run_rows %g", k->name, bstep, rows, mr, kc, bad / 40, bad % 40,
              bad >= 0 ? (double)want[bad] : 0.0, bad >= 0 ? (double)got[bad] : 0.0);
    /* With a bias: the tile is stored as bias[i] + the product, whatever c
     * held (NaN here), and the columns past the tile are left alone. */
    float bias[GEMM_MR];
    for (int i = 0; i < mr; i++) bias[i] = 0.25f * (float)(i + 1);
    for (int i = 0; i < mr * 40; i++) want[i] = 0.0f, got[i] = NAN;
    k->run(kc, apanel, bpanel, want, 40);
    k->run_rows(kc, apanel, scattered, bstep, brow, bias, got, 40, rows);
    bad = -1;
    for (int i = 0; i < mr * 40 && bad < 0; i++) {
        bool inside = i % 40 < nr && i / 40 < rows;
        float expect = inside ? bias[i / 40] + want[i] : NAN;
        if (inside ? memcmp(&expect, &got[i], sizeof(float)) != 0 : !isnan(got[i])) bad = i;
    }
    cr_expect(bad < 0, "kernel %s: run_rows with a bias must store bias[i] + the product in the tile's first %d of "
              "%d rows and touch nothing else, halves %d apart, kc %d; element (%d, %d) is %g", k->name, rows, mr,
              bstep, kc, bad / 40, bad % 40, bad >= 0 ? (double)got[bad] : 0.0);
    tensor_free(a);
    tensor_free(b);
    memory_free_aligned(apanel);
    memory_free_aligned(bpanel);
    memory_free_aligned(scattered);
    memory_free_aligned(want);
    memory_free_aligned(got);
    free(brow);
}

GRADED_TEST(ukernel, intrinsics_kernels_agree, 1,
            "Every micro-kernel this CPU supports (AVX2 6x16, AVX-512 8x32) must update its tile like the portable one, "
            "its in-place twin (run_rows) like itself, and gemm_packed_with it must be right with remainders in M, N and K.")
{
    const char *names[] = {"portable", "avx2", "avx512"};
    for (int i = 0; i < 3; i++) {
        const GemmKernel *k = gemm_kernel_by_name(names[i]);
        cr_expect(i > 0 || k, "gemm_kernel_by_name(\"portable\") must never be NULL");
        if (!k) continue;
        cr_expect(k->mr <= GEMM_MR && k->nr <= GEMM_NR && k->kc > 0 && k->mc >= k->mr && k->nc >= k->nr,
                  "kernel %s: tile %dx%d, kc %d, mc %d, nc %d (the tile must fit GEMM_MR x GEMM_NR, the blocks hold "
                  "a tile)", k->name, k->mr, k->nr, k->kc, k->mc, k->nc);
        check_ukernel(k->run, k->mr, k->nr, names[i], 37, 30 + i);
        cr_expect(i == 0 ? k->run_rows == NULL : k->run_rows != NULL,
                  "kernel %s: %s", k->name, i == 0 ? "the portable kernel has no in-place twin" : "no in-place twin (run_rows)");
        if (k->run_rows) {
            for (int gap = 0; gap <= 13; gap += 13) { /* halves side by side, or apart */
                check_rows_twin(k, 1, gap, k->mr, 140 + i);
                check_rows_twin(k, 37, gap, k->mr, 150 + i);
                check_rows_twin(k, 256, gap, k->mr, 160 + i);
            }
            /* A panel cut short in M: every count of rows short of a tile. */
            for (int rows = 1; rows < k->mr; rows++) check_rows_twin(k, 37, 13, rows, 170 + i);
        }
        /* Remainders in every dimension: M and N one past and one short of
         * whole tiles, K across the kernel's kc slice and M across mc. */
        check_packed_with(k, 2 * k->mr + 1, 3 * k->nr - 1, k->kc + 5, 0, 0, 100 + i);
        check_packed_with(k, k->mr - 1, k->nr + 1, 3, 1, 0, 110 + i);
        check_packed_with(k, k->mc + k->mr + 2, 2 * k->nr + 7, 2 * k->kc + 1, 0, 1, 120 + i);
    }
    /* FC_KERNEL's value: nothing picks the best this CPU runs; a kernel this
     * CPU lacks, or no kernel at all, is refused with a message. */
    const GemmKernel *best = gemm_kernel_choose(NULL);
    cr_assert(best, "gemm_kernel_choose(NULL) returned no kernel");
    cr_expect(gemm_kernel_by_name(best->name) == best, "gemm_kernel_choose(NULL) picked %s, which this CPU cannot run",
              best->name);
    for (int i = 0; i < 3; i++) {
        const GemmKernel *k = gemm_kernel_choose(names[i]);
        cr_expect(k == gemm_kernel_by_name(names[i]), "FC_KERNEL=%s: got %s", names[i], k ? k->name : "NULL");
        if (!k)
            cr_expect(strstr(cnn_last_error(), "cannot run") != NULL, "FC_KERNEL=%s refused, but the message says: %s",
                      names[i], cnn_last_error());
    }
    cr_expect(gemm_kernel_choose("sse9") == NULL && strstr(cnn_last_error(), "no such micro-kernel") != NULL,
              "FC_KERNEL=sse9 must be refused as no such kernel; message: %s", cnn_last_error());
}

GRADED_TEST(ukernel, packed_gemm_edges_and_slices, 3,
            "gemm_packed_with(portable): edge tiles smaller than MR x NR, several K slices, transposed operands.")
{
    char name[64];
    snprintf(name, sizeof name, "gemm_packed_with(portable)");
    /* A GemmFn wrapper cannot capture the kernel, so call through a local. */
    struct { int M, N, K, ta, tb; } cases[] = {
        {8, 32, 1, 0, 0}, {13, 45, 300, 0, 0}, {1, 1, 1, 0, 0}, {17, 70, 33, 1, 0}, {40, 9, 513, 0, 1},
    };
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        int M = cases[t].M, N = cases[t].N, K = cases[t].K, ldc = N + 3;
        float *a = random_floats((size_t)M * K, 50 + t), *b = random_floats((size_t)K * N, 60 + t);
        float *c = random_floats((size_t)M * ldc, 70 + t), *want = malloc((size_t)M * ldc * sizeof *want);
        cr_assert(want);
        memcpy(want, c, (size_t)M * ldc * sizeof *c);
        MatRef am = cases[t].ta ? mat_transposed(a, M) : mat_rows(a, K);
        MatRef bm = cases[t].tb ? mat_transposed(b, K) : mat_rows(b, N);
        gemm_reference(want, ldc, am, bm, M, N, K);
        cr_assert_eq(gemm_packed_with(gemm_kernel_by_name("portable"), c, ldc, am, bm, M, N, K), 0, "%s",
                     cnn_last_error());
        float tol = 1e-4f * sqrtf((float)K);
        int bad = 0;
        for (int i = 0; i < M && !bad; i++)
            for (int j = 0; j < ldc && !bad; j++) {
                float g = c[(size_t)i * ldc + j], e = want[(size_t)i * ldc + j];
                if (!(fabsf(g - e) <= tol + tol * fabsf(e))) {
                    bad = 1;
                    cr_expect(0, "%s M=%d N=%d K=%d: C(%d,%d) should be %g, got %g", name, M, N, K, i, j,
                              (double)e, (double)g);
                }
            }
        free(a);
        free(b);
        free(c);
        free(want);
    }
    check_gemm(gemm_packed, "gemm_packed (best kernel)", 29, 77, 260, 0, 0, 80);
}
