/* GIVEN -- read it, don't edit it.
 * (Generated from solutions/06-fast-conv/fastconv.h by `make skeletons`.)
 *
 * fastconv.h -- chapter 06: the convolution of chapter 03, made fast.
 *
 * The naive convolution of chapters 02-03 is seven nested loops; it reaches
 * a few GFLOP/s. This chapter turns it into one matrix multiply and then
 * makes that multiply fast, one measured step at a time:
 *
 *   6.1 im2col          unfold every receptive field of an image into a column
 *   6.2 gemm_naive      C += A * B, three loops: the convolution is now a GEMM
 *   6.3 gemm_blocked    loop order i-p-j and cache blocking
 *   6.4 ukernel         a register-blocked MR x NR micro-kernel the compiler
 *                       vectorizes; packed panels feed it (gemm_packed)
 *   6.5 threads         the task loop of conv2d_forward_fast (forward_tasks):
 *                       OpenMP over the batch and the output channels,
 *                       without data races
 *   6.6 col2im          the adjoint of im2col: it ACCUMULATES (+=)
 *   6.7 backward        conv2d_backward_fast on the same machinery
 *
 * The GEMM convention used everywhere here:
 *
 *     C[M,N] += A[M,K] * B[K,N]        (accumulate: the caller initialises C)
 *
 * C is row-major with leading dimension ldc (element (i,j) at c[i*ldc + j]).
 * A and B are MatRef views: element (i,j) at data[i*rs + j*cs], so a
 * transposed matrix is the same data with rs and cs swapped, and no GEMM
 * needs a "transpose" flag (the backward pass uses W^T and col^T this way).
 *
 * Convolution as a GEMM, for one image n (x [C,H,W] -> y [K,P,Q]):
 *
 *     col [C*R*S, P*Q]   = im2col(x_n)
 *     y_n [K, P*Q]      += W [K, C*R*S] * col      (after y_n = bias)
 *
 * Errors: functions that allocate return 0, or -1 after cnn_error(); the
 * tensor-level functions check shapes like chapter 03's conv2d_forward.
 * Threads: everything is single-threaded except conv2d_forward_fast and
 * conv2d_backward_fast, which use OpenMP when the build has it; their
 * results do not depend on the thread count beyond float rounding.
 */
#ifndef CNN_FASTCONV_H
#define CNN_FASTCONV_H

#include "conv.h"
#include "pooling.h"
#include "tensor.h"

/* ---- 6.1, 6.6: im2col and col2im, for ONE image ---------------------------
 * x [C,H,W] (one image: tensor_image(x, n)), col [C*R*S, P*Q] with
 * P = conv_output_size(H, R, pad_h, stride_h), Q likewise. Row (c*R + r)*S + s
 * of col holds, for every output position (p, q), the input value that
 * kernel tap (c, r, s) sees there: x[c, p*stride_h - pad_h + r,
 * q*stride_w - pad_w + s], or 0 where that falls in the padding. */
void im2col(float *col, const float *x, int C, int H, int W, int R, int S, Conv2dParams p);

/* The adjoint: every col element is ADDED back to the x position it came
 * from (padding positions are dropped). Overlapping windows hit the same x
 * element several times, so this must accumulate. x [C,H,W], col as above. */
void col2im(float *x, const float *col, int C, int H, int W, int R, int S, Conv2dParams p);

/* ---- 6.2-6.4: GEMM ---------------------------------------------------------- */

/* A read-only matrix view: element (i, j) is data[i*rs + j*cs]. */
typedef struct MatRef {
    const float *data;
    int rs, cs;
} MatRef;

/* A row-major matrix with leading dimension ld, and its transpose. */
static inline MatRef mat_rows(const float *data, int ld) { return (MatRef){data, ld, 1}; }
static inline MatRef mat_transposed(const float *data, int ld) { return (MatRef){data, 1, ld}; }

/* Every GEMM of this chapter: C[M,N] += A[M,K] * B[K,N]; 0 or -1 (no memory). */
typedef int (*GemmFn)(float *c, int ldc, MatRef a, MatRef b, int M, int N, int K);

int gemm_naive(float *c, int ldc, MatRef a, MatRef b, int M, int N, int K);   /* 6.2 */
int gemm_blocked(float *c, int ldc, MatRef a, MatRef b, int M, int N, int K); /* 6.3 */

/* Cache blocks of gemm_blocked: a GEMM_BM x GEMM_BK block of A and a
 * GEMM_BK x GEMM_BN block of B are reused while they sit in cache. */
enum { GEMM_BM = 64, GEMM_BN = 256, GEMM_BK = 128 };

/* ---- 6.4: the micro-kernel and the packed GEMM ------------------------------
 * A micro-kernel updates one mr x nr tile of C from two packed panels:
 *
 *     c[i*ldc + j] += sum over p < kc of a[p*mr + i] * b[p*nr + j]
 *
 * a: an A panel, kc columns of mr consecutive values (packed by pack_a);
 * b: a B panel, kc rows of nr consecutive values (packed by pack_b).
 * Both panels are 64-byte aligned. The portable kernel's tile is
 * GEMM_MR x GEMM_NR = 8 x 32 (NR = 32 is two AVX-512 vectors); each
 * intrinsics kernel has the tile that fills its CPU's registers (GemmKernel
 * below), never larger than GEMM_MR x GEMM_NR, so a GEMM_MR * GEMM_NR
 * scratch tile fits any of them. */
enum { GEMM_MR = 8, GEMM_NR = 32 };
typedef void (*GemmUkernel)(int kc, const float *a, const float *b, float *c, int ldc);

/* The same tile with its B rows read in place rather than from a packed
 * panel: row p of B is two vectors of nr/2 floats, at b + brow[p] and
 * bstep floats after that (any alignment; bstep = nr/2 reads nr
 * consecutive floats). With b a zero-padded image and brow the offsets of
 * the convolution's taps, the kernel multiplies the im2col matrix without
 * building it (an "implicit GEMM"; conv2d_forward_fast, given); bstep lets
 * the two halves of a tile sit in two rows of the image. bias NULL: c +=
 * the product, as above; else c = bias[i] + the product for tile row i
 * (the first slice of a sum, stored without reading c). rows (1 .. mr):
 * the tile rows that count, the only ones stored; a panel cut short in M
 * (32 channels in 6-row panels: five, and one of 2 rows) then costs about
 * what its rows cost, not a whole tile. */
typedef void (*GemmUkernelRows)(int kc, const float *a, const float *b, int bstep, const int *brow,
                                const float *bias, float *c, int ldc, int rows);

/* 6.4: portable C, vectorized by the compiler (#pragma omp simd). Always built.
 * With GCC on x86-64 Linux, FC_SIMD_CLONES asks the compiler for three
 * copies of it (AVX-512, AVX+FMA, baseline SSE2) and the program loader
 * picks the one this CPU runs: portable source, vector code for the machine
 * at hand (the macro goes on the definition only). Elsewhere it is empty. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define FC_SIMD_CLONES __attribute__((target_clones("avx512f", "fma", "default")))
#else
#define FC_SIMD_CLONES
#endif
void gemm_ukernel_portable(int kc, const float *a, const float *b, float *c, int ldc);

/* A micro-kernel with everything that must match it (given/ukernel_x86.c):
 * its register tile, which sets the width of the packed panels, and the
 * cache blocks of gemm_packed_with, worked out from that tile and the
 * caches this CPU reports. */
typedef struct GemmKernel {
    const char *name;  /* "avx512", "avx2" or "portable" */
    GemmUkernel run;
    GemmUkernelRows run_rows; /* its in-place twin; NULL for the portable kernel */
    int rows_min_width;  /* with wide columns, the twin pays from padded rows this wide (measured) */
    int mr, nr;        /* the register tile: A panels mr rows, B panels nr columns */
    int kc;            /* K slice: one B panel (kc x nr) stays in half the L1 */
    int mc;            /* rows of A packed at once: mc x kc stays in half the L2 */
    int nc;            /* columns of B packed at once: kc x nc stays in a quarter of the L3 */
    int block_bytes;   /* half the L2: the packed column block of conv2d_forward_fast */
} GemmKernel;

/* The kernel named name ("avx512", "avx2", "portable"), or NULL when this
 * CPU cannot run it or there is no such kernel. */
const GemmKernel *gemm_kernel_by_name(const char *name);

/* The kernel every fast function uses: the environment variable FC_KERNEL
 * when it is set (portable, avx2 or avx512: to test a path, or to force the
 * portable one), else the best this CPU runs. NULL, with a cnn_error
 * message, when FC_KERNEL names a kernel this CPU cannot run; the fast
 * functions then fail with that message. Decided on the first call. */
const GemmKernel *gemm_kernel_active(void);

/* What gemm_kernel_active does with the value of FC_KERNEL (NULL or "": the
 * best kernel this CPU runs). */
const GemmKernel *gemm_kernel_choose(const char *request);

/* Packing (given). pack_a copies the mc x kc block of A starting at (i0, p0)
 * into ceil(mc/mr) panels of kc*mr floats, rows past mc zero-filled;
 * pack_b copies the kc x nc block of B at (p0, j0) into ceil(nc/nr) panels
 * of kc*nr floats, columns past nc zero-filled. mr and nr: the kernel's tile. */
void pack_a(float *dst, MatRef a, int i0, int mc, int p0, int kc, int mr);
void pack_b(float *dst, MatRef b, int p0, int kc, int j0, int nc, int nr);

/* C += A * B through packing and a micro-kernel (the whole tile loop,
 * edge tiles included); gemm_packed uses gemm_kernel_active. */
int gemm_packed_with(const GemmKernel *kernel, float *c, int ldc, MatRef a, MatRef b, int M, int N, int K);
int gemm_packed(float *c, int ldc, MatRef a, MatRef b, int M, int N, int K);

/* ---- Convolution on a GEMM --------------------------------------------------
 * Shapes as chapter 03: x [N,C,H,W], w [K,C,R,S], b [K] or NULL, y [N,K,P,Q]. */

/* Steps 6.2-6.4 single-threaded: per image, im2col then gemm(W, col). */
int conv2d_forward_gemm(Tensor *y, const Tensor *x, const Tensor *w, const Tensor *b,
                        Conv2dParams p, GemmFn gemm);

/* 6.5: the fast forward pass. Threads over blocks of output columns (images
 * of the batch and their positions) and, for small batches, output-channel
 * blocks; im2col is fused into the packing of B. Same contract as
 * conv2d_forward (chapter 03). */
int conv2d_forward_fast(Tensor *y, const Tensor *x, const Tensor *w, const Tensor *b,
                        Conv2dParams p);

/* 6.7: the backward pass, same contract as chapter 05's conv2d_backward:
 * dx like x, dw like w, db like b, each may be NULL (not wanted), and each
 * is ACCUMULATED into (+=): the caller zeroes them. dy [N,K,P,Q]. */
int conv2d_backward_fast(Tensor *dx, Tensor *dw, Tensor *db, const Tensor *dy,
                         const Tensor *x, const Tensor *w, Conv2dParams p);

/* Shared by the fast functions (given): checks x, w, b, y shapes for
 * parameters p and fills *P, *Q. fn names the caller in the error. */
int fastconv_check_shapes(const char *fn, const Tensor *y, const Tensor *x, const Tensor *w,
                          const Tensor *b, Conv2dParams p, int *P, int *Q);

/* The fused im2col + pack_b of conv2d_forward_fast (given): packs columns
 * j0 .. j0+nc-1 of the batch-wide col matrix [C*R*S, N*P*Q] (column
 * j = (n*P + p)*Q + q) into ceil(nc/nr) B panels of C*R*S rows, reading
 * the whole batch x [N, C, H, W] and writing zeros where a window covers
 * the padding of convolution p. */
void im2col_pack(float *dst, const float *x, int C, int H, int W, int R, int S, Conv2dParams p, int P,
                 int Q, int j0, int nc, int nr);

/* ---- Given: chapter 05's dense layer on gemm_packed --------------------------
 * Same contracts as dense_forward and dense_backward (chapter 05's dense.h):
 * x [N, D] (or [N,C,H,W] with C*H*W = D), w [M, D], b [M] or NULL, y [N, M];
 * the backward pass accumulates into dx, dw, db (each may be NULL).
 * Chapter 05's train and verdict use these when chapter 06 is linked. */
int dense_forward_fast(Tensor *y, const Tensor *x, const Tensor *w, const Tensor *b);
int dense_backward_fast(Tensor *dx, Tensor *dw, Tensor *db, const Tensor *dy, const Tensor *x,
                        const Tensor *w);

/* ---- Given: max pooling with vectorized 2x2 / stride 2 windows -------------
 * Same contracts as chapter 04's maxpool2d_forward (pooling.h) and chapter
 * 05's maxpool2d_backward (pool_backward.h); other windows and strides, or a
 * NULL argmax, are handed to those. Used by chapter 05's train and verdict
 * when chapter 06 is linked. */
int maxpool2d_forward_fast(Tensor *y, int32_t *argmax, const Tensor *x, Pool2dParams p);
int maxpool2d_backward_fast(Tensor *dx, const Tensor *dy, const int32_t *argmax, Pool2dParams p);

/* ReLU then 2x2 / stride 2 max pooling, forward in one pass: x [N,C,H,W] is
 * the ReLU's input, y [N,C,P,Q] = maxpool(relu(x)) (for finite x), computed
 * as relu(maxpool(x)); argmax as maxpool2d_forward_fast gives for x. It
 * differs from relu(x)'s only in windows with no positive value, where the
 * ReLU passes no gradient either, so the backward pass below gives the same
 * dx. Other windows: -1 with a message. */
int relu_maxpool2d_forward_fast(Tensor *y, int32_t *argmax, const Tensor *x, Pool2dParams p);

/* ReLU then 2x2 / stride 2 max pooling, backward in one pass: x [N,C,H,W] is
 * the ReLU's input, dy [N,C,P,Q] and argmax the pooling's; dx [N,C,H,W] is
 * OVERWRITTEN with dL/dx (dy sent to each argmax where x > 0, 0 elsewhere).
 * Other windows: -1 with a message (use the two separate passes). */
int relu_maxpool2d_backward_fast(Tensor *dx, const Tensor *dy, const int32_t *argmax, const Tensor *x,
                                 Pool2dParams p);

/* The transposed unfolding of ONE image for the weight gradient (given).
 * Its taps are ordered (r, s, c), not (c, r, s), and it reads the image
 * channels-last and zero-padded, xhwc [Hp, Wp, C]: then the S*C taps of one
 * window row are S*C consecutive floats of xhwc, and a panel row is R
 * copies of runs instead of C*R*S single loads. Writes rows pq0 .. pq0+kc-1
 * and taps t0 .. t0+nc-1 (nc <= nr <= GEMM_NR; tap t = (r*S + s)*C + c) of
 * col^T [P*Q, R*S*C] as one B panel of kc rows of nr floats (zeros past nc). */
void im2col_pack_transposed(float *dst, const float *xhwc, int C, int Wp, int S, int stride_h,
                            int stride_w, int Q, int pq0, int kc, int t0, int nc, int nr);

#endif
