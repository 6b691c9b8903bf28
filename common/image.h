/* GIVEN -- read it, don't edit it.
 *
 * image.h -- pictures out of tensors: PGM/PPM files, and PNG through
 * ImageMagick.
 *
 * The core writes only the two simplest image formats there are, binary PGM
 * (P5, grey) and PPM (P6, RGB): a short text header and then the raw bytes.
 * ImageMagick turns them into PNG for the book (image_convert). Used by the
 * figures of every chapter and by chapter 07's filter and feature-map grids.
 *
 * Limits: 8-bit pixels; 1 (grey) or 3 (RGB) channels; image_convert needs
 * ImageMagick's convert (6 or 7) and a POSIX system (it uses posix_spawn).
 */
#ifndef CNN_IMAGE_H
#define CNN_IMAGE_H

#include "tensor.h"

#include <stddef.h>
#include <stdint.h>

/* Writes width*height grey bytes (row by row, top row first) as binary PGM. */
int image_write_pgm(const char *path, const uint8_t *pixels, int width, int height);

/* Writes width*height RGB triples (r, g, b, r, g, b, ...) as binary PPM. */
int image_write_ppm(const char *path, const uint8_t *rgb, int width, int height);

/* Writes width*height RGB triples as an 8-bit RGB PNG, directly (zlib's
 * deflate; no ImageMagick): for pictures that must be quick to make, such
 * as the grader's failure pictures. The same pixels give the same file. */
int image_write_png(const char *path, const uint8_t *rgb, int width, int height);

/* t [N,C,H,W] with C = 1 or 3 -> out [H*W*C] bytes: image n, values mapped
 * linearly so that lo becomes 0 and hi becomes 255, rounded, and clamped
 * (below lo -> 0, above hi -> 255, NaN -> 0). C = 1 gives grey pixels, C = 3
 * interleaves them as r, g, b per pixel, ready for image_write_ppm.
 * Fails (-1) when C is not 1 or 3, n is out of range or hi <= lo. */
int image_tensor_to_u8(uint8_t *out, const Tensor *t, int n, float lo, float hi);

/* Finds ImageMagick's convert: $CNN_CONVERT if set, else the first of
 * magick, /usr/bin/convert-im6.q16, /usr/bin/convert, convert whose
 * `-version` mentions ImageMagick. Copies its name into out (size bytes).
 * Returns 0, or -1 with an error saying how to install it. */
int image_find_convert(char *out, size_t size);

/* Runs `convert src [options...] -strip -define png:exclude-chunks=date,time
 * dst` without a shell. options is a NULL-terminated list (NULL for none),
 * e.g. {"-scale", "800%", NULL}. The added options drop metadata and
 * timestamps so the same input gives a byte-identical PNG on every run.
 * Returns 0, or -1 with an error (ImageMagick missing, or its message). */
int image_convert(const char *src, const char *dst, const char *const *options);

#endif
