/* SOLUTION -- the reference; `make skeletons` generates chapters/07-visualization/vis.h from it.
 *
 * vis.h -- chapter 07: opening a trained CNN up.
 *
 * Turns the numbers inside a trained network into pictures a person can
 * read: the learned first-layer filters, the feature maps they produce on one
 * image, and the image patches that excite one filter most (Zeiler and
 * Fergus, 2014). The pipeline for every picture is the same:
 *
 *     float tensor --vis_normalize--> bytes 0..255 --vis_upscale--> bigger
 *     tiles --vis_grid--> one image with borders --vis_image_write--> PGM/PPM
 *
 * and ImageMagick turns the PGM/PPM into PNG for the book.
 *
 * Layouts. Tiles are PLANAR, like the tensors they come from: K tiles of
 * C x h x w bytes, tile i channel ch pixel (y, x) at ((i*C + ch)*h + y)*w + x.
 * A VisImage is INTERLEAVED, like the PGM/PPM files it becomes: pixel (y, x)
 * channel ch at (y*width + x)*channels + ch. vis_grid is where one becomes
 * the other.
 *
 * Limits: tiles of 1 channel (grey) or 3 (RGB); every function checks its
 * arguments and returns -1 with cnn_error() on bad ones, 0 on success.
 * Builds on chapter 03 (conv2d_forward).
 */
#ifndef CNN_VIS_H
#define CNN_VIS_H

#include "tensor.h"

#include <stdbool.h>
#include <stdint.h>

/* An 8-bit picture, interleaved (grey: 1 channel, RGB: 3). Owned by whoever
 * called vis_image_new / vis_grid; freed with vis_image_free. */
typedef struct VisImage {
    int width, height, channels;
    uint8_t *pixels; /* height * width * channels bytes */
} VisImage;

/* A zero (black) image, or NULL with an error. */
VisImage *vis_image_new(int width, int height, int channels);
void vis_image_free(VisImage *img); /* NULL is fine */

/* Writes img as binary PGM (1 channel) or PPM (3 channels). */
int vis_image_write(const char *path, const VisImage *img);

/* How vis_normalize finds the range that becomes 0..255. */
typedef enum {
    VIS_NORM_TILE,  /* each tile stretched on its own: shapes are visible,
                       but a weak filter looks as strong as a strong one */
    VIS_NORM_GLOBAL /* one range for all tiles: brightness is comparable
                       across tiles (a near-zero filter stays mid-grey-ish) */
} VisNorm;

/* Min-max normalisation for display.
 * t [K, C, H, W] is K tiles of C*H*W values; out gets K*C*H*W bytes in the
 * same (planar) order. Within a range [lo, hi] (one per tile, or one for the
 * whole tensor) a value v becomes round((v - lo) * 255 / (hi - lo)), halves
 * rounded up; a constant range (hi == lo, a "dead" tile) becomes 128,
 * mid-grey, instead of a division by zero. All C channels of a tile share
 * one range, so the colour balance of an RGB filter survives. */
int vis_normalize(uint8_t *out, const Tensor *t, VisNorm mode);

/* Nearest-neighbour upscaling of one planar tile.
 * src [c][h][w] bytes -> dst [c][h*scale][w*scale] bytes: every source pixel
 * becomes a scale x scale block. scale >= 1. */
int vis_upscale(uint8_t *dst, const uint8_t *src, int c, int h, int w, int scale);

/* How vis_grid lays tiles out. */
typedef struct VisGrid {
    int cols;             /* tiles per row (fewer if there are fewer tiles) */
    int border;           /* pixels between tiles and around the grid, >= 0 */
    uint8_t border_value; /* grey level of borders and of unused cells */
} VisGrid;

/* Lays k planar tiles [k][c][h][w] out row by row (tile i at row i / cols,
 * column i % cols) as one interleaved image with c channels:
 *     width  = cols * w + (cols + 1) * border
 *     height = rows * h + (rows + 1) * border,  rows = ceil(k / cols)
 * Tile (row, col) starts at x = border + col * (w + border),
 * y = border + row * (h + border). *out receives a new image that the caller
 * frees with vis_image_free. */
int vis_grid(VisImage **out, const uint8_t *tiles, int k, int c, int h, int w, VisGrid g);

/* normalize -> upscale -> grid in one call: t [K, C, H, W] (C = 1 or 3)
 * becomes one image, each tile scale times bigger. */
int vis_render_tiles(VisImage **out, const Tensor *t, VisNorm mode, int scale, VisGrid g);

/* The feature maps of a first conv layer on one image.
 * x [1, C, H, W], w [K, C, R, S] (R, S odd), b [K] or NULL,
 * maps [1, K, H, W]: conv2d_forward with "same" padding (pad R/2, S/2) and
 * stride 1, so map k pixel (h, w) is filter k's answer to the
 * neighbourhood of input pixel (h, w); then max(0, .) when relu is true. */
int vis_feature_maps(Tensor *maps, const Tensor *x, const Tensor *w, const Tensor *b, bool relu);

/* One image's strongest answer to one filter. */
typedef struct VisHit {
    int n;            /* image index in the set */
    int h, w;         /* position in the (same-padded) feature map */
    float activation; /* the filter's output there, before ReLU */
} VisHit;

/* Zeiler and Fergus' question: which inputs excite filter f most?
 * x [N, C, H, W] (the test set), w [K, C, R, S] (R, S odd), b [K] or NULL,
 * 0 <= filter < K, 1 <= topk <= N; hits gets topk entries.
 * Each image n offers one candidate: its largest activation of filter f over
 * all positions (same padding, stride 1, no ReLU); on a tie within an image
 * the first position in row-major order wins. hits[0..topk-1] are the topk
 * best candidates, largest activation first; equal activations keep the
 * smaller image index first. */
int vis_top_patches(VisHit *hits, int topk, const Tensor *x, const Tensor *w, const Tensor *b,
                    int filter);

/* Cuts out the neighbourhood of a hit for display.
 * x [N, C, H, W], patch [1, C, P, P] with P odd: patch (c, i, j) =
 * x (hit.n, c, hit.h - P/2 + i, hit.w - P/2 + j), or 0 where that falls
 * outside the image (the zeros the padding added). With P = R this is
 * exactly the receptive field the filter saw; a larger P adds context. */
int vis_extract_patch(Tensor *patch, const Tensor *x, VisHit hit);

#endif
