/* GIVEN -- read it, don't edit it.
 *
 * image.c -- PGM/PPM writers, tensor-to-pixel mapping, and PNG conversion
 * by running ImageMagick (see image.h). */
#include "image.h"

#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

extern char **environ;

enum {
    OUTPUT_CAPTURE = 512, /* bytes of a program's output kept for messages */
    MAX_OPTIONS = 64,
};

/* Binary PNM: "P5\n<width> <height>\n255\n" then width*height*channels bytes. */
static int write_pnm(const char *path, const char *magic, int channels, const uint8_t *pixels, int width,
                     int height)
{
    if (width < 1 || height < 1)
        return cnn_error("%s: cannot write a %dx%d image: width and height must be at least 1", path, width,
                         height);
    if ((size_t)width > SIZE_MAX / (size_t)height / (size_t)channels)
        return cnn_error("%s: a %dx%d image is too large", path, width, height);
    if (!pixels) return cnn_error("%s: cannot write the image: pixels are NULL", path);
    size_t bytes = (size_t)width * (size_t)height * (size_t)channels;
    FILE *f = fopen(path, "wb");
    if (!f) return cnn_error("%s: cannot create: %s", path, strerror(errno));
    bool ok = fprintf(f, "%s\n%d %d\n255\n", magic, width, height) > 0 && fwrite(pixels, 1, bytes, f) == bytes;
    return cnn_close_written(f, ok, path);
}

int image_write_pgm(const char *path, const uint8_t *pixels, int width, int height)
{
    return write_pnm(path, "P5", 1, pixels, width, height);
}

int image_write_ppm(const char *path, const uint8_t *rgb, int width, int height)
{
    return write_pnm(path, "P6", 3, rgb, width, height);
}

/* ---- PNG, written directly ---------------------------------------------- */

/* A PNG is a signature and a list of chunks: length (4 bytes, big-endian),
 * type (4 letters), data, and a CRC-32 of type and data. Three chunks make
 * an image: IHDR (size, 8-bit RGB), IDAT (the rows, each prefixed with a
 * filter byte 0 = none, compressed with zlib's deflate) and IEND. zlib,
 * which the core already uses for gzip, provides both the deflate and the
 * CRC. Nothing in the file depends on the time, so equal pixels give equal
 * files. */
static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static bool write_chunk(FILE *f, const char type[4], const uint8_t *data, uint32_t len)
{
    uint8_t head[8];
    put_u32(head, len);
    memcpy(head + 4, type, 4);
    uLong crc = crc32(0L, (const Bytef *)type, 4);
    if (len) crc = crc32(crc, data, len);
    uint8_t tail[4];
    put_u32(tail, (uint32_t)crc);
    return fwrite(head, 1, 8, f) == 8 && (len == 0 || fwrite(data, 1, len, f) == len) &&
           fwrite(tail, 1, 4, f) == 4;
}

int image_write_png(const char *path, const uint8_t *rgb, int width, int height)
{
    if (!path || !rgb) return cnn_error("image_write_png: missing path or pixels (NULL)");
    if (width <= 0 || height <= 0 || width > 1 << 15 || height > 1 << 15)
        return cnn_error("image_write_png: %s: a %dx%d image (each side must be 1 to 32768)", path, width, height);
    size_t row = 1 + (size_t)width * 3, raw_size = row * (size_t)height;
    uint8_t *raw = malloc(raw_size);
    uLongf packed_size = compressBound((uLong)raw_size);
    uint8_t *packed = malloc(packed_size);
    if (!raw || !packed) {
        free(raw), free(packed);
        return cnn_error("image_write_png: %s: out of memory for a %dx%d image", path, width, height);
    }
    for (int y = 0; y < height; y++) {
        raw[(size_t)y * row] = 0; /* filter: none */
        memcpy(raw + (size_t)y * row + 1, rgb + (size_t)y * width * 3, (size_t)width * 3);
    }
    int zrc = compress2(packed, &packed_size, raw, (uLong)raw_size, 6);
    free(raw);
    if (zrc != Z_OK) {
        free(packed);
        return cnn_error("image_write_png: %s: zlib could not compress the image (%d)", path, zrc);
    }
    uint8_t ihdr[13];
    put_u32(ihdr, (uint32_t)width);
    put_u32(ihdr + 4, (uint32_t)height);
    ihdr[8] = 8;  /* bits per sample */
    ihdr[9] = 2;  /* colour type: RGB */
    ihdr[10] = 0; /* deflate */
    ihdr[11] = 0; /* adaptive filtering, one filter byte per row */
    ihdr[12] = 0; /* not interlaced */
    static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    FILE *f = fopen(path, "wb");
    if (!f) {
        free(packed);
        return cnn_error("image_write_png: cannot write %s: %s", path, strerror(errno));
    }
    bool ok = fwrite(signature, 1, 8, f) == 8 && write_chunk(f, "IHDR", ihdr, 13) &&
              write_chunk(f, "IDAT", packed, (uint32_t)packed_size) && write_chunk(f, "IEND", NULL, 0);
    free(packed);
    if (fclose(f) != 0) ok = false;
    if (!ok) return cnn_error("image_write_png: could not write all of %s", path);
    return 0;
}

/* v in [lo, lo + 255/scale] -> 0..255, rounded. The comparisons come before
 * the cast: casting a float outside 0..255 (or NaN) to uint8_t is undefined. */
static uint8_t to_byte(float v, double lo, double scale)
{
    double x = ((double)v - lo) * scale;
    if (!(x > 0.0)) return 0; /* below lo, or NaN */
    if (x >= 255.0) return 255;
    return (uint8_t)(x + 0.5);
}

int image_tensor_to_u8(uint8_t *out, const Tensor *t, int n, float lo, float hi)
{
    /* t [N,C,H,W], C = 1 or 3 -> out [H,W,C] (interleaved) */
    if (!t || !t->data) return cnn_error("image_tensor_to_u8: the tensor is missing (NULL)");
    char shape[64];
    Tensor as4 = *t;
    as4.ndim = 4;
    tensor_shape_str(&as4, shape, sizeof shape);
    if (t->c != 1 && t->c != 3)
        return cnn_error("image_tensor_to_u8: tensor %s has %d channels; an image needs 1 (grey) or 3 (RGB)",
                         shape, t->c);
    if (n < 0 || n >= t->n)
        return cnn_error("image_tensor_to_u8: image %d requested from tensor %s, which holds %d", n, shape, t->n);
    if (!(hi > lo))
        return cnn_error("image_tensor_to_u8: the range [%g, %g] is empty: hi must be greater than lo",
                         (double)lo, (double)hi);
    double scale = 255.0 / ((double)hi - (double)lo);
    int C = t->c;
    for (int h = 0; h < t->h; h++)
        for (int w = 0; w < t->w; w++)
            for (int c = 0; c < C; c++)
                out[((size_t)h * (size_t)t->w + (size_t)w) * (size_t)C + (size_t)c] =
                    to_byte(*tensor_at(t, n, c, h, w), (double)lo, scale);
    return 0;
}

/* Runs argv (argv[0] searched on PATH) with stdin from /dev/null and its
 * stdout and stderr into one pipe; keeps the first size-1 bytes of that
 * output in captured. Returns the exit status (128 + signal if killed), or
 * -1 with *spawn_error set when the program could not be started. */
static int run_program(char *const argv[], char *captured, size_t size, int *spawn_error)
{
    int fds[2];
    captured[0] = '\0';
    *spawn_error = 0;
    if (pipe(fds) != 0) {
        *spawn_error = errno;
        return -1;
    }
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC); /* dup2 onto 1 and 2 clears the flag there */
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        *spawn_error = rc;
        return -1;
    }
    size_t used = 0;
    char chunk[4096];
    for (;;) {
        ssize_t got = read(fds[0], chunk, sizeof chunk);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        size_t keep = (size_t)got < size - 1 - used ? (size_t)got : size - 1 - used;
        memcpy(captured + used, chunk, keep);
        used += keep;
    }
    captured[used] = '\0';
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            *spawn_error = errno;
            return -1;
        }
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}

/* True when `program -version` runs and says it is ImageMagick. */
static bool is_imagemagick(const char *program, int *spawn_error)
{
    char out[OUTPUT_CAPTURE];
    char *argv[] = {(char *)program, "-version", NULL};
    return run_program(argv, out, sizeof out, spawn_error) == 0 && strstr(out, "ImageMagick") != NULL;
}

int image_find_convert(char *out, size_t size)
{
    int spawn_error;
    const char *env = getenv("CNN_CONVERT");
    if (env && env[0]) {
        if (!is_imagemagick(env, &spawn_error))
            return cnn_error("CNN_CONVERT=%s: %s", env,
                             spawn_error ? strerror(spawn_error)
                                         : "`-version` does not report ImageMagick; point it at ImageMagick's convert");
        if (strlen(env) >= size) return cnn_error("CNN_CONVERT=%s: path too long", env);
        strcpy(out, env);
        return 0;
    }
    static const char *const candidates[] = {"magick", "/usr/bin/convert-im6.q16", "/usr/bin/convert", "convert"};
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
        if (is_imagemagick(candidates[i], &spawn_error) && strlen(candidates[i]) < size) {
            strcpy(out, candidates[i]);
            return 0;
        }
    }
    return cnn_error("ImageMagick not found (tried magick, /usr/bin/convert-im6.q16, /usr/bin/convert, "
                     "convert): install it (apt-get install imagemagick, brew install imagemagick) or set "
                     "CNN_CONVERT to its convert program");
}

/* The first line of a program's output, for a one-line error message. */
static const char *first_line(char *text)
{
    text[strcspn(text, "\n")] = '\0';
    return text[0] ? text : "(no message)";
}

int image_convert(const char *src, const char *dst, const char *const *options)
{
    char program[PATH_MAX];
    if (image_find_convert(program, sizeof program)) return cnn_error_context("%s", dst);
    static const char *const reproducible[] = {"-strip", "-define", "png:exclude-chunks=date,time"};
    enum { FIXED = sizeof reproducible / sizeof reproducible[0] };
    const char *argv[1 + 1 + MAX_OPTIONS + FIXED + 1 + 1];
    int argc = 0;
    argv[argc++] = program;
    argv[argc++] = src;
    for (int i = 0; options && options[i]; i++) {
        if (i == MAX_OPTIONS) return cnn_error("%s: more than %d ImageMagick options", dst, MAX_OPTIONS);
        argv[argc++] = options[i];
    }
    for (int i = 0; i < FIXED; i++) argv[argc++] = reproducible[i];
    argv[argc++] = dst;
    argv[argc] = NULL;
    char out[OUTPUT_CAPTURE];
    int spawn_error;
    /* posix_spawn takes char *const[] for historical reasons; it does not
     * modify the strings. */
    int status = run_program((char *const *)argv, out, sizeof out, &spawn_error);
    if (status < 0)
        return cnn_error("%s: could not run %s: %s", dst, program, strerror(spawn_error));
    if (status != 0)
        return cnn_error("%s: %s failed on %s (exit status %d): %s", dst, program, src, status, first_line(out));
    return 0;
}
