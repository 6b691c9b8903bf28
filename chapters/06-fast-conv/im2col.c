/* EXERCISE -- fill in the TODOs, then `make grade CH=06`.
 * (Generated from solutions/06-fast-conv/im2col.c by `make skeletons`.)
 *
 * im2col.c -- chapter 06, steps 6.1 and 6.6: unfolding an image into the
 * columns of a matrix (im2col) and folding such a matrix back (col2im).
 *
 * After im2col, one matrix multiply W[K, C*R*S] * col[C*R*S, P*Q] computes
 * every output of a convolution at once, which lets all the GEMM tricks of
 * this chapter apply. The price is memory: col holds each input value up to
 * R*S times.
 *
 * Also here (given): im2col_pack, the same unfolding written straight into
 * the packed B panels of the micro-kernel, used by conv2d_forward_fast, and
 * im2col_pack_transposed, its transpose from a channels-last image, used
 * for the weight gradient.
 */
#include "fastconv.h"

#include <string.h>

void im2col(float *col, const float *x, int C, int H, int W, int R, int S, Conv2dParams p)
{
    /* x [C,H,W] -> col [C*R*S, P*Q] */
    int P = conv_output_size(H, R, p.pad_h, p.stride_h);
    int Q = conv_output_size(W, S, p.pad_w, p.stride_w);
    // TODO 6.1: fill col. Row (c*R + r)*S + s, column oh*Q + ow holds
    // x[c, oh*stride_h - pad_h + r, ow*stride_w - pad_w + s], or 0 when that
    // row or column lies outside the image (in the padding).
    // Hint: six loops (c, r, s, oh, ow); compute the input row once per oh.
    (void)col; (void)x; (void)C; (void)W; (void)S; (void)P; (void)Q;
}

void col2im(float *x, const float *col, int C, int H, int W, int R, int S, Conv2dParams p)
{
    /* col [C*R*S, P*Q] -> x [C,H,W], accumulated */
    int P = conv_output_size(H, R, p.pad_h, p.stride_h);
    int Q = conv_output_size(W, S, p.pad_w, p.stride_w);
    // TODO 6.6: the reverse walk of im2col: ADD each col element into the x
    // position it was copied from, and skip padding positions.
    // Hint: two windows that overlap send two values to one x element; with
    // `=` instead of `+=` the second overwrites the first.
    (void)x; (void)col; (void)C; (void)W; (void)S; (void)P; (void)Q;
}

/* One run of len input values, stride apart, to consecutive floats: for
 * stride 1 in fixed-size chunks that compile to one or two vector moves. */
static inline void copy_run(float *restrict o, const float *restrict src, int len, int stride)
{
    int t = 0;
    if (stride == 1) {
        for (; t + 8 <= len; t += 8) memcpy(o + t, src + t, 8 * sizeof *o);
        if (t + 4 <= len) memcpy(o + t, src + t, 4 * sizeof *o), t += 4;
        for (; t < len; t++) o[t] = src[t];
    } else {
        for (; t < len; t++) o[t] = src[(size_t)t * stride];
    }
}

/* One run of len outputs for kernel tap column s, from input row `row`
 * (H x W plane row, or NULL when the tap's row falls in the padding): the
 * outputs whose input column w0 + t*stride lies in 0..W-1 copy it, the
 * others are padding zeros. Almost every run lies wholly inside the row, so
 * that case goes first and is one copy. */
static inline void pack_run(float *restrict o, const float *restrict row, int w0, int len, int stride,
                            int W)
{
    if (!row) {
        memset(o, 0, (size_t)len * sizeof *o);
        return;
    }
    if (w0 >= 0 && w0 + (len - 1) * stride < W) {
        copy_run(o, row + w0, len, stride);
        return;
    }
    /* Clip: t_lo = first t with w0 + t*stride >= 0, t_hi = first t past W-1
     * (no division for the usual stride 1). */
    int t_lo, t_hi;
    if (stride == 1) {
        t_lo = w0 >= 0 ? 0 : -w0;
        t_hi = W - w0;
    } else {
        t_lo = w0 >= 0 ? 0 : (-w0 + stride - 1) / stride;
        t_hi = w0 > W - 1 ? 0 : (W - 1 - w0) / stride + 1;
    }
    if (t_lo > len) t_lo = len;
    if (t_hi > len) t_hi = len;
    if (t_hi < t_lo) t_hi = t_lo;
    /* Zeros and copies of a few floats: loops, not library calls. */
    for (int t = 0; t < t_lo; t++) o[t] = 0.0f;
    copy_run(o + t_lo, row + w0 + t_lo * stride, t_hi - t_lo, stride);
    for (int t = t_hi; t < len; t++) o[t] = 0.0f;
}

/* The same run of output positions for every row (c, r, s) of a panel:
 * image n0 (its first plane at x_n), output row oh, columns ow .. ow+len-1. */
static inline void pack_run_rows(float *o, const float *x_n, int len, int C, int H, int W, int R, int S,
                                 Conv2dParams p, int oh, int ow, int nr)
{
    for (int c = 0; c < C; c++)
        for (int r = 0; r < R; r++) {
            int in_row = oh * p.stride_h - p.pad_h + r; /* NULL row: in the padding */
            const float *row = in_row >= 0 && in_row < H ? x_n + ((size_t)c * H + in_row) * W : NULL;
            for (int s = 0; s < S; s++, o += nr)
                pack_run(o, row, ow * p.stride_w - p.pad_w + s, len, p.stride_w, W);
        }
}

/* The same, for a convolution without padding: every run lies inside its
 * row, so there is nothing to check (the inner loop of the common case). */
static inline void pack_run_rows_inside(float *o, const float *x_n, int len, int C, int H, int W, int R,
                                        int S, Conv2dParams p, int oh, int ow, int nr)
{
    for (int c = 0; c < C; c++)
        for (int r = 0; r < R; r++) {
            const float *row = x_n + ((size_t)c * H + (size_t)(oh * p.stride_h + r)) * W + ow * p.stride_w;
            for (int s = 0; s < S; s++, o += nr) copy_run(o, row + s, len, p.stride_w);
        }
}

/* Given. Columns j0 .. j0+nc-1 of the batch-wide im2col matrix, written as
 * nr-wide B panels (nr: the micro-kernel's tile): panel t holds, for each
 * row k = (c*R + r)*S + s, the nr values of columns j0 + t*nr .. j0 + t*nr
 * + nr - 1 (zeros past nc).
 *
 * A panel's columns are cut into runs that stay on one output row of one
 * image; for one tap (c, r, s) a run is a copy of consecutive input values
 * (stride_w apart), clipped where the window hangs over the border: the
 * padding is never stored, so there is no padded copy of the batch to
 * write first (and, with two threads, no copy written by one core and read
 * by the other). */
void im2col_pack(float *dst, const float *x, int C, int H, int W, int R, int S, Conv2dParams p, int P,
                 int Q, int j0, int nc, int nr)
{
    int PQ = P * Q, CRS = C * R * S;
    for (int jp = 0; jp < nc; jp += nr) {
        float *panel = dst + (size_t)(jp / nr) * CRS * nr;
        int width = nc - jp < nr ? nc - jp : nr;
        for (int t = 0; t < width;) {
            int j = j0 + jp + t, n = j / PQ, pq = j % PQ, oh = pq / Q, ow = pq % Q;
            int len = Q - ow < width - t ? Q - ow : width - t;
            const float *x_n = x + (size_t)n * C * H * W;
            /* Inlined for the common lengths, so each copy is a few instructions. */
            if (p.pad_h == 0 && p.pad_w == 0) {
                if (len == 4 && p.stride_w == 1 && S == 3) /* 3x3 kernels on small images */
                    pack_run_rows_inside(panel + t, x_n, 4, C, H, W, R, 3, p, oh, ow, nr);
                else if (len == 4 && p.stride_w == 1)
                    pack_run_rows_inside(panel + t, x_n, 4, C, H, W, R, S, p, oh, ow, nr);
                else if (len == 8 && p.stride_w == 1)
                    pack_run_rows_inside(panel + t, x_n, 8, C, H, W, R, S, p, oh, ow, nr);
                else
                    pack_run_rows_inside(panel + t, x_n, len, C, H, W, R, S, p, oh, ow, nr);
            } else {
                pack_run_rows(panel + t, x_n, len, C, H, W, R, S, p, oh, ow, nr);
            }
            t += len;
        }
        if (width < nr)
            for (int k = 0; k < CRS; k++)
                memset(panel + (size_t)k * nr + width, 0, (size_t)(nr - width) * sizeof *panel);
    }
}

/* Given. A panel row (one output position) needs, for each window row r,
 * the taps (r, s, c) for all s and c: in the channels-last image these are
 * S*C consecutive floats starting at the window's corner on that row. So a
 * row is built from at most R + 1 runs, each a plain copy. */
void im2col_pack_transposed(float *dst, const float *xhwc, int C, int Wp, int S, int stride_h,
                            int stride_w, int Q, int pq0, int kc, int t0, int nc, int nr)
{
    /* The runs are the same for every row, only the corner moves: cut the
     * taps into runs once (at most one per window row in the panel, plus one). */
    int run = S * C, nruns = 0, at[GEMM_NR + 1], len[GEMM_NR + 1];
    size_t from[GEMM_NR + 1];
    for (int t = 0; t < nc; nruns++) {
        int r = (t0 + t) / run, o = (t0 + t) % run;
        at[nruns] = t;
        len[nruns] = run - o < nc - t ? run - o : nc - t;
        from[nruns] = (size_t)r * Wp * C + (size_t)o;
        t += len[nruns];
    }
    int oh = pq0 / Q, ow = pq0 % Q;
    if (nruns == 3 && len[0] == 9 && len[1] == 9 && len[2] == 9 && nc == 27) {
        /* Three input channels and a 3x3 kernel (the first layer of a CNN
         * on colour images): each row is three runs of 9 floats. Written
         * with sizes the compiler knows, a row is a few vector moves; the
         * general loop below spent as long on it as the kernel on the
         * product (the weight gradient of CIFAR's conv1 ran at 42 GFLOP/s). */
        for (int row = 0; row < kc; row++) {
            float *out = dst + (size_t)row * nr;
            const float *corner = xhwc + ((size_t)oh * stride_h * Wp + (size_t)ow * stride_w) * C;
            for (int i = 0; i < 3; i++) memcpy(out + 9 * i, corner + from[i], 9 * sizeof *out);
            for (int j = 27; j < nr; j++) out[j] = 0.0f;
            if (++ow == Q) ow = 0, oh++;
        }
        return;
    }
    for (int row = 0; row < kc; row++) {
        float *out = dst + (size_t)row * nr;
        const float *corner = xhwc + ((size_t)oh * stride_h * Wp + (size_t)ow * stride_w) * C;
        for (int i = 0; i < nruns; i++) copy_run(out + at[i], corner + from[i], len[i], 1);
        for (int j = nc; j < nr; j++) out[j] = 0.0f;
        if (++ow == Q) ow = 0, oh++;
    }
}
