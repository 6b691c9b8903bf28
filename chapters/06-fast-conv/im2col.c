/* im2col.c -- chapter 06, steps 6.1 and 6.6: unfolding an image into the
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

/* The same run for every row (c, r, s) of a panel; inlined for the common
 * lengths so each copy is a few instructions. */
static inline void pack_run_rows(float *o, const float *base, int len, int C, int R, int S,
                                 size_t plane, int Wp, int stride)
{
    for (int c = 0; c < C; c++)
        for (int r = 0; r < R; r++) {
            const float *row = base + (size_t)c * plane + (size_t)r * Wp;
            for (int s = 0; s < S; s++, o += GEMM_NR) copy_run(o, row + s, len, stride);
        }
}

/* Given. Columns j0 .. j0+nc-1 of the batch-wide im2col matrix, written as
 * NR-wide B panels: panel t holds, for each row k = (c*R + r)*S + s, the NR
 * values of columns j0 + t*NR .. j0 + t*NR + NR - 1 (zeros past nc).
 *
 * xpad is the batch with its zero padding already in place (chapter 03's
 * pad2d_zero), so no bounds check is left: a panel's columns are cut into
 * runs that stay on one output row of one image, and a run is a copy of
 * consecutive input values (stride_w apart), the same for every row
 * (c, r, s) but for a shift of c*Hp*Wp + r*Wp + s. */
void im2col_pack(float *dst, const float *xpad, int C, int Hp, int Wp, int R, int S, int stride_h,
                 int stride_w, int P, int Q, int j0, int nc)
{
    int PQ = P * Q, CRS = C * R * S;
    size_t plane = (size_t)Hp * Wp;
    for (int jp = 0; jp < nc; jp += GEMM_NR) {
        float *panel = dst + (size_t)(jp / GEMM_NR) * CRS * GEMM_NR;
        int width = nc - jp < GEMM_NR ? nc - jp : GEMM_NR;
        for (int t = 0; t < width;) {
            int j = j0 + jp + t, n = j / PQ, pq = j % PQ, oh = pq / Q, ow = pq % Q;
            int len = Q - ow < width - t ? Q - ow : width - t;
            const float *base = xpad + (size_t)n * C * plane + (size_t)oh * stride_h * Wp + (size_t)ow * stride_w;
            if (len == 4 && stride_w == 1)
                pack_run_rows(panel + t, base, 4, C, R, S, plane, Wp, 1);
            else if (len == 8 && stride_w == 1)
                pack_run_rows(panel + t, base, 8, C, R, S, plane, Wp, 1);
            else
                pack_run_rows(panel + t, base, len, C, R, S, plane, Wp, stride_w);
            t += len;
        }
        if (width < GEMM_NR)
            for (int k = 0; k < CRS; k++)
                memset(panel + (size_t)k * GEMM_NR + width, 0, (size_t)(GEMM_NR - width) * sizeof *panel);
    }
}

/* Given. A panel row (one output position) needs, for each window row r,
 * the taps (r, s, c) for all s and c: in the channels-last image these are
 * S*C consecutive floats starting at the window's corner on that row. So a
 * row is built from at most R + 1 runs, each a plain copy. */
void im2col_pack_transposed(float *dst, const float *xhwc, int C, int Wp, int S, int stride_h,
                            int stride_w, int Q, int pq0, int kc, int t0, int nc)
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
    for (int row = 0; row < kc; row++) {
        float *out = dst + (size_t)row * GEMM_NR;
        const float *corner = xhwc + ((size_t)oh * stride_h * Wp + (size_t)ow * stride_w) * C;
        for (int i = 0; i < nruns; i++) copy_run(out + at[i], corner + from[i], len[i], 1);
        if (nc < GEMM_NR) memset(out + nc, 0, (size_t)(GEMM_NR - nc) * sizeof *out);
        if (++ow == Q) ow = 0, oh++;
    }
}
