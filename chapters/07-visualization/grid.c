/* EXERCISE -- fill in the TODOs, then `make grade CH=07`.
 * (Generated from solutions/07-visualization/grid.c by `make skeletons`.)
 *
 * grid.c -- chapter 07: bigger tiles, and many tiles as one picture.
 *
 * A 3x3 filter drawn at one pixel per weight is a speck; nearest-neighbour
 * upscaling turns each weight into a visible square without inventing values
 * in between (smooth interpolation would blur the very edges we want to see).
 * vis_grid then lays the tiles out with borders, converting the planar
 * (channel-first) tiles into the interleaved pixels PGM/PPM store. See vis.h.
 */
#include "vis.h"

#include "error.h"
#include "image.h"

#include <stdlib.h>
#include <string.h>

VisImage *vis_image_new(int width, int height, int channels)
{
    if (width <= 0 || height <= 0 || (channels != 1 && channels != 3)) {
        cnn_error("vis_image_new: bad size %dx%d with %d channels (need > 0 and 1 or 3)", width,
                  height, channels);
        return NULL;
    }
    VisImage *img = malloc(sizeof *img);
    uint8_t *px = calloc((size_t)width * (size_t)height * (size_t)channels, 1);
    if (!img || !px) {
        free(img);
        free(px);
        cnn_error("vis_image_new: out of memory for a %dx%d image", width, height);
        return NULL;
    }
    *img = (VisImage){width, height, channels, px};
    return img;
}

void vis_image_free(VisImage *img)
{
    if (!img) return;
    free(img->pixels);
    free(img);
}

int vis_image_write(const char *path, const VisImage *img)
{
    if (!path || !img || !img->pixels) return cnn_error("vis_image_write: missing path or image");
    if (img->channels == 1) return image_write_pgm(path, img->pixels, img->width, img->height);
    if (img->channels == 3) return image_write_ppm(path, img->pixels, img->width, img->height);
    return cnn_error("%s: cannot write an image with %d channels (1 or 3)", path, img->channels);
}

int vis_upscale(uint8_t *dst, const uint8_t *src, int c, int h, int w, int scale)
{
    // src [c][h][w] -> dst [c][h*scale][w*scale], planar bytes.
    if (!dst || !src) return cnn_error("vis_upscale: missing buffer");
    if (c <= 0 || h <= 0 || w <= 0 || scale < 1)
        return cnn_error("vis_upscale: bad tile %dx%dx%d or scale %d", c, h, w, scale);
    int big_h = h * scale, big_w = w * scale;
    // TODO 7.2: fill every destination pixel (ch, y, x) with the source pixel
    // it falls in: (ch, y / scale, x / scale).
    // Hint: loop over the DESTINATION, not the source; integer division does
    // the rounding down that "nearest neighbour" needs here.
    (void)big_h; (void)big_w;
    return 0;
}

int vis_grid(VisImage **out, const uint8_t *tiles, int k, int c, int h, int w, VisGrid g)
{
    // tiles [k][c][h][w] planar -> *out: one interleaved image with c channels.
    if (!out || !tiles) return cnn_error("vis_grid: missing output or tiles");
    *out = NULL;
    if (k <= 0 || (c != 1 && c != 3) || h <= 0 || w <= 0 || g.cols <= 0 || g.border < 0)
        return cnn_error("vis_grid: bad layout: %d tiles of %dx%dx%d, %d columns, border %d", k, c,
                         h, w, g.cols, g.border);
    int cols = g.cols < k ? g.cols : k;
    int rows = (k + cols - 1) / cols;
    VisImage *img = vis_image_new(cols * w + (cols + 1) * g.border,
                                  rows * h + (rows + 1) * g.border, c);
    if (!img) return cnn_error_context("vis_grid");
    memset(img->pixels, g.border_value, (size_t)img->width * img->height * c);
    // TODO 7.3: copy tile i to row i / cols, column i % cols, at
    // x0 = border + col * (w + border), y0 = border + row * (h + border).
    // Tile pixel (ch, y, x) is tiles[((i*c + ch)*h + y)*w + x] (planar); it
    // goes to img->pixels[((y0 + y) * img->width + (x0 + x)) * c + ch]
    // (interleaved).
    // Hint: test with tiles that are not square and a grid that is not
    // square: swapping h and w, or rows and cols, then shows.
    *out = img;
    return 0;
}

int vis_render_tiles(VisImage **out, const Tensor *t, VisNorm mode, int scale, VisGrid g)
{
    // t [K, C, H, W] -> *out, tiles upscaled by scale.
    if (!out || !t) return cnn_error("vis_render_tiles: missing output or tensor");
    *out = NULL;
    if (scale < 1) return cnn_error("vis_render_tiles: scale %d < 1", scale);
    size_t per_tile = (size_t)t->c * t->h * t->w;
    size_t big_tile = per_tile * (size_t)scale * (size_t)scale;
    uint8_t *bytes = malloc(tensor_size(t));
    uint8_t *big = malloc(big_tile * (size_t)t->n);
    int rc = -1;
    if (!bytes || !big) {
        cnn_error("vis_render_tiles: out of memory");
        goto done;
    }
    if (vis_normalize(bytes, t, mode) != 0) goto done;
    for (int i = 0; i < t->n; i++)
        if (vis_upscale(big + i * big_tile, bytes + i * per_tile, t->c, t->h, t->w, scale) != 0)
            goto done;
    rc = vis_grid(out, big, t->n, t->c, t->h * scale, t->w * scale, g);
done:
    free(bytes);
    free(big);
    return rc;
}
