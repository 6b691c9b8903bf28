/* conv_fast.c -- chapter 06, steps 6.5 and 6.7: the fast convolution,
 * forward and backward, threaded with OpenMP.
 *
 * Forward: the whole batch is one GEMM, y [K, N*P*Q] += W [K, C*R*S] *
 * col [C*R*S, N*P*Q], computed without ever building col: W is packed once
 * into MR-row panels, and each task packs a block of columns of col
 * straight from x (im2col_pack) and runs the micro-kernel over it. Tasks
 * are (column block, output-channel group) pairs; every output element
 * belongs to exactly one task and is summed in the same order whatever the
 * thread count, so the result is the same for 1 or 2 threads.
 *
 * Backward: per image, dw += dy_n * col_n^T, dcol = W^T * dy_n and
 * dx_n += col2im(dcol) on gemm_packed; images are split over threads, each
 * with its own scratch and its own partial dw, summed at the end.
 *
 * Without OpenMP everything runs on one thread. Scratch memory: the packed
 * weights plus, per thread, one packed column block (forward) or two
 * [C*R*S, P*Q] matrices and one dw (backward).
 */
#include "fastconv.h"

#include "error.h"

#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#define FC_PRAGMA_(x) _Pragma(#x)
#define FC_OMP(x) FC_PRAGMA_(omp x)
static int fc_max_threads(void) { return omp_get_max_threads(); }
static int fc_thread_num(void) { return omp_get_thread_num(); }
#else
#define FC_OMP(x)
static int fc_max_threads(void) { return 1; }
static int fc_thread_num(void) { return 0; }
#endif

/* Bytes of one packed column block (C*R*S x NC floats) we aim to keep in L2. */
enum { FC_BLOCK_BYTES = 256 * 1024, FC_NC_MAX = 1024, FC_KC = 256 };

static inline int imin(int a, int b) { return a < b ? a : b; }

static float *alloc_floats(size_t count)
{
    size_t bytes = ((count * sizeof(float) + 63) / 64) * 64;
    return aligned_alloc(64, bytes ? bytes : 64);
}

/* One zero-padded plane: x [H,W] -> xpad [H+2*ph, W+2*pw]. */
static void pad_plane(float *xpad, const float *x, int H, int W, int ph, int pw)
{
    int Wp = W + 2 * pw;
    memset(xpad, 0, (size_t)ph * Wp * sizeof *xpad);
    for (int h = 0; h < H; h++) {
        float *row = xpad + (size_t)(ph + h) * Wp;
        memset(row, 0, (size_t)pw * sizeof *row);
        memcpy(row + pw, x + (size_t)h * W, (size_t)W * sizeof *row);
        memset(row + pw + W, 0, (size_t)pw * sizeof *row);
    }
    memset(xpad + (size_t)(ph + H) * Wp, 0, (size_t)ph * Wp * sizeof *xpad);
}

/* y [K, N*P*Q] rows k0..k1-1, batch-wide columns j..j+nr-1 = the bias
 * (0 without one): the starting value the tiles accumulate onto. */
static void fill_bias(float *y, const Tensor *b, int K, int PQ, int k0, int k1, int j, int nr)
{
    int n = j / PQ, pq = j % PQ;
    for (int t = 0; t < nr;) {
        int len = imin(nr - t, PQ - pq);
        for (int k = k0; k < k1; k++) {
            float bias = b ? b->data[k] : 0.0f, *dst = y + ((size_t)n * K + k) * PQ + pq;
            for (int u = 0; u < len; u++) dst[u] = bias;
        }
        t += len;
        pq = 0;
        n++;
    }
}

/* The output tile for rows k0..k0+mr-1 and batch-wide columns j..j+nr-1 of
 * y [K, N*P*Q]: directly when it is whole and within one image, otherwise
 * through a scratch tile whose real part is scattered into y. */
static void tile_to_y(GemmUkernel kernel, int kc, const float *a, const float *b, float *y, int K,
                      int PQ, int k0, int mr, int j, int nr)
{
    int n = j / PQ, pq = j % PQ;
    float *yk = y + ((size_t)n * K + k0) * PQ;
    if (mr == GEMM_MR && nr == GEMM_NR && pq + nr <= PQ) {
        kernel(kc, a, b, yk + pq, PQ);
        return;
    }
    _Alignas(64) float tile[GEMM_MR * GEMM_NR] = {0};
    kernel(kc, a, b, tile, GEMM_NR);
    /* Scatter in runs of columns that stay within one image. */
    for (int t = 0; t < nr;) {
        int len = imin(nr - t, PQ - pq);
        for (int i = 0; i < mr; i++) {
            float *dst = yk + (size_t)i * PQ + pq;
            const float *src = tile + i * GEMM_NR + t;
            for (int u = 0; u < len; u++) dst[u] += src[u];
        }
        t += len;
        pq = 0;
        yk += (size_t)K * PQ; /* the same rows of the next image */
    }
}

int conv2d_forward_fast(Tensor *y, const Tensor *x, const Tensor *w, const Tensor *b,
                        Conv2dParams p)
{
    /* x [N,C,H,W], w [K,C,R,S], b [K] or NULL -> y [N,K,P,Q] */
    int P, Q;
    if (fastconv_check_shapes("conv2d_forward_fast", y, x, w, b, p, &P, &Q) != 0) return -1;
    int N = x->n, C = x->c, H = x->h, W = x->w, K = w->n, R = w->h, S = w->w;
    int CRS = C * R * S, PQ = P * Q;
    if ((size_t)N * PQ > (size_t)1 << 30)
        return cnn_error("conv2d_forward_fast: N*P*Q = %zu output columns is too many", (size_t)N * PQ);
    int ncols = N * PQ, threads = fc_max_threads();
    GemmUkernel kernel = gemm_ukernel_best(NULL);

    /* Column blocks: as wide as fits FC_BLOCK_BYTES, but at least one per thread. */
    int nc = (int)(FC_BLOCK_BYTES / sizeof(float) / (size_t)CRS) / GEMM_NR * GEMM_NR;
    nc = nc < GEMM_NR ? GEMM_NR : imin(nc, FC_NC_MAX);
    int per_thread = ((ncols + threads - 1) / threads + GEMM_NR - 1) / GEMM_NR * GEMM_NR;
    nc = imin(nc, per_thread);
    int nblocks = (ncols + nc - 1) / nc;
    /* Too few blocks for the threads (a small batch): split the output
     * channels too, in groups of whole MR panels. */
    int mpanels = (K + GEMM_MR - 1) / GEMM_MR;
    int ngroups = nblocks >= threads ? 1 : imin(mpanels, (threads + nblocks - 1) / nblocks);
    int group_panels = (mpanels + ngroups - 1) / ngroups;

    size_t block_floats = (size_t)CRS * ((nc + GEMM_NR - 1) / GEMM_NR) * GEMM_NR;
    float *wpack = alloc_floats((size_t)mpanels * GEMM_MR * CRS);
    float *bpack = alloc_floats(block_floats * (size_t)threads);
    if (!wpack || !bpack) {
        free(wpack);
        free(bpack);
        return cnn_error("conv2d_forward_fast: out of memory for packing buffers");
    }
    pack_a(wpack, mat_rows(w->data, CRS), 0, K, 0, CRS);
    /* The batch padded once, so packing needs no bounds checks. */
    int Hp = H + 2 * p.pad_h, Wp = W + 2 * p.pad_w;
    float *xpad = NULL;
    if (p.pad_h > 0 || p.pad_w > 0) {
        xpad = alloc_floats((size_t)N * C * Hp * Wp);
        if (!xpad) {
            free(wpack);
            free(bpack);
            return cnn_error("conv2d_forward_fast: out of memory for the padded input");
        }
    }
    const float *xp = xpad ? xpad : x->data;
    int nkc = (CRS + FC_KC - 1) / FC_KC;
    /* Threads pay off from about a million multiply-adds (tens of microseconds). */
    int use_threads = threads > 1 && (double)N * K * PQ * CRS > 1e6;

    FC_OMP(parallel if (use_threads))
    {
        if (xpad) {
            FC_OMP(for schedule(dynamic, 16))
            for (int i = 0; i < N * C; i++)
                pad_plane(xpad + (size_t)i * Hp * Wp, x->data + (size_t)i * H * W, H, W, p.pad_h, p.pad_w);
        }
        // TODO 6.5: share the tasks (column block, output-channel group)
        // among the threads of this parallel region. Task t covers columns
        // j0 = (t / ngroups) * nc .. + nc - 1 (fewer for the last block) and
        // the MR panels g*group_panels .. + group_panels - 1 (g = t % ngroups,
        // fewer for the last group). It packs its columns with im2col_pack
        // (from the padded batch xp [N,C,Hp,Wp]) into bpack; then, for each
        // NR panel jr, it writes the bias into its part of y (fill_bias) and,
        // for each of the nkc slices [pc, pc+kc) of the C*R*S rows, calls
        // tile_to_y for every MR panel of its group.
        // Hint: `omp for` over the tasks, FC_OMP(for schedule(dynamic)): a
        // thread takes the next task when it is free, so a thread that
        // starts late (the machine is busy) does not hold the others up.
        // Two threads must never share scratch: each packs into its own
        // slice, bpack + fc_thread_num() * block_floats. Writing y needs no
        // lock: no two tasks write the same element.
        (void)kernel; (void)tile_to_y; (void)fill_bias; (void)fc_thread_num; (void)xp; (void)R; (void)S; (void)nkc;
        (void)group_panels;
    }
    free(xpad);
    free(wpack);
    free(bpack);
    return 0;
}

int conv2d_backward_fast(Tensor *dx, Tensor *dw, Tensor *db, const Tensor *dy,
                         const Tensor *x, const Tensor *w, Conv2dParams p)
{
    /* dy [N,K,P,Q], x [N,C,H,W], w [K,C,R,S] -> dx += [N,C,H,W],
     * dw += [K,C,R,S], db += [K] (each may be NULL) */
    int P, Q;
    if (fastconv_check_shapes("conv2d_backward_fast", dy, x, w, db, p, &P, &Q) != 0) return -1;
    if (dx && tensor_check_shape(dx, "dx", x->n, x->c, x->h, x->w) != 0)
        return cnn_error_context("conv2d_backward_fast");
    if (dw && tensor_check_shape(dw, "dw", w->n, w->c, w->h, w->w) != 0)
        return cnn_error_context("conv2d_backward_fast");
    int N = x->n, C = x->c, H = x->h, W = x->w, K = w->n, R = w->h, S = w->w;
    int CRS = C * R * S, PQ = P * Q, threads = fc_max_threads();
    size_t wsize = (size_t)K * CRS, colsize = (size_t)CRS * PQ;

    if (db) {
        /* db[k] += the sum of dy over the batch and all positions: each
         * thread owns whole channels k, so no two threads add to one db[k]. */
        size_t work = (size_t)N * K * PQ;
        FC_OMP(parallel for schedule(static) if (threads > 1 && work > 65536))
        for (int k = 0; k < K; k++) {
            float sum = 0.0f;
            for (int n = 0; n < N; n++) {
                const float *g = dy->data + ((size_t)n * K + k) * PQ;
                for (int i = 0; i < PQ; i++) sum += g[i];
            }
            db->data[k] += sum;
        }
    }
    if (!dx && !dw) return 0;

    float *scratch = alloc_floats(2 * colsize * (size_t)threads);
    float *partial = dw ? calloc(wsize * (size_t)threads, sizeof *partial) : NULL;
    if (!scratch || (dw && !partial)) {
        free(scratch);
        free(partial);
        return cnn_error("conv2d_backward_fast: out of memory for scratch ([%d,%d] per thread)", CRS, PQ);
    }
    int failed = 0;
    // TODO 6.7: split the images over the threads. For image n, with this
    // thread's own col and dcol (two slices of scratch) and its own partial
    // dw (a slice of partial):
    //   dw:  col = im2col(x_n); partial [K, CRS] += dy_n [K, PQ] * col^T
    //   dx:  dcol = W^T [CRS, K] * dy_n (zero dcol first); dx_n += col2im(dcol)
    // Record a failing gemm_packed in `failed` instead of returning from
    // inside the parallel loop.
    // Hint: transposes are views: mat_transposed(col, PQ) is col^T and
    // mat_transposed(w->data, CRS) is W^T. Images never share dx elements,
    // but every image adds to every dw element: that is why dw goes through
    // per-thread partials.
    (void)H; (void)W; (void)R; (void)S; (void)colsize; (void)wsize;
    if (dw && !failed) {
        FC_OMP(parallel for schedule(static) if (threads > 1 && wsize > 65536))
        for (size_t i = 0; i < wsize; i++) {
            float sum = 0.0f;
            for (int t = 0; t < threads; t++) sum += partial[(size_t)t * wsize + i];
            dw->data[i] += sum;
        }
    }
    free(scratch);
    free(partial);
    return failed ? cnn_error_context("conv2d_backward_fast") : 0;
}
