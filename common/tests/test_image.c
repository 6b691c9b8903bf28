/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * test_image.c -- unit tests of the PGM/PPM writers, the tensor-to-pixel
 * mapping and the ImageMagick conversion (common/image.c). The conversion
 * tests are skipped when ImageMagick is not installed. */
#include "error.h"
#include "image.h"
#include "tensor.h"

#include "scratch.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <unistd.h>

static void image_suite_init(void) { scratch_make("image"); }

TestSuite(image, .init = image_suite_init, .fini = scratch_remove);

/* Reads up to size bytes of path into buf; returns how many. */
static size_t read_file(const char *path, unsigned char *buf, size_t size)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    size_t n = fread(buf, 1, size, f);
    fclose(f);
    return n;
}

static void expect_message(const char *a, const char *b)
{
    const char *msg = cnn_last_error();
    cr_expect(strstr(msg, a) != NULL, "the message should mention \"%s\", but it is \"%s\"", a, msg);
    cr_expect(strstr(msg, b) != NULL, "the message should say \"%s\", but it is \"%s\"", b, msg);
}

Test(image, pgm_header_and_bytes, .timeout = 5)
{
    char path[512];
    /* 3 wide, 2 high: an asymmetric ramp, so a transposed write shows. */
    const uint8_t pixels[6] = {0, 10, 20, 200, 210, 255};
    cr_assert_eq(image_write_pgm(scratch_path(path, "a.pgm"), pixels, 3, 2), 0, "%s", cnn_last_error());
    unsigned char buf[64];
    size_t n = read_file(path, buf, sizeof buf);
    const char expected[] = "P5\n3 2\n255\n\x00\x0a\x14\xc8\xd2\xff";
    cr_expect_eq(n, sizeof expected - 1, "file size %zu, expected %zu", n, sizeof expected - 1);
    cr_expect(memcmp(buf, expected, sizeof expected - 1) == 0, "PGM bytes differ from \"P5\\n3 2\\n255\\n\" + pixels");
}

Test(image, ppm_header_and_bytes, .timeout = 5)
{
    char path[512];
    const uint8_t rgb[6] = {255, 0, 0, 0, 0, 255}; /* red, then blue; 2 wide, 1 high */
    cr_assert_eq(image_write_ppm(scratch_path(path, "a.ppm"), rgb, 2, 1), 0, "%s", cnn_last_error());
    unsigned char buf[64];
    size_t n = read_file(path, buf, sizeof buf);
    const char expected[] = "P6\n2 1\n255\n\xff\x00\x00\x00\x00\xff";
    cr_expect_eq(n, sizeof expected - 1, "file size %zu, expected %zu", n, sizeof expected - 1);
    cr_expect(memcmp(buf, expected, sizeof expected - 1) == 0, "PPM bytes differ");
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

Test(image, png_chunks_and_pixels, .timeout = 5)
{
    /* 3 wide, 2 high: every pixel different, so a swapped row or channel shows. */
    const uint8_t rgb[18] = {255, 0, 0, 0, 255, 0, 0, 0, 255, 1, 2, 3, 100, 150, 200, 9, 8, 7};
    char path[512];
    cr_assert_eq(image_write_png(scratch_path(path, "a.png"), rgb, 3, 2), 0, "%s", cnn_last_error());
    unsigned char buf[1024];
    size_t n = read_file(path, buf, sizeof buf);
    cr_assert_gt(n, 8 + 25 + 12 + 12, "a PNG of %zu bytes is too short for its chunks", n);
    cr_expect(memcmp(buf, "\x89PNG\r\n\x1a\n", 8) == 0, "the PNG signature is wrong");
    /* IHDR: 13 bytes, 3x2, 8-bit RGB, its CRC over type and data. */
    cr_expect_eq(be32(buf + 8), 13u, "IHDR length %u", be32(buf + 8));
    cr_expect(memcmp(buf + 12, "IHDR", 4) == 0, "the first chunk must be IHDR");
    cr_expect(be32(buf + 16) == 3 && be32(buf + 20) == 2, "IHDR size %ux%u, expected 3x2", be32(buf + 16), be32(buf + 20));
    cr_expect(buf[24] == 8 && buf[25] == 2, "bit depth %d, colour type %d: expected 8 and 2 (RGB)", buf[24], buf[25]);
    cr_expect_eq(be32(buf + 29), (uint32_t)crc32(0L, buf + 12, 17), "IHDR's CRC is wrong");
    /* IDAT inflates to the rows, each after a 0 filter byte. */
    size_t at = 33;
    uint32_t len = be32(buf + at);
    cr_assert(memcmp(buf + at + 4, "IDAT", 4) == 0 && at + 12 + len <= n, "the second chunk must be a whole IDAT");
    cr_expect_eq(be32(buf + at + 8 + len), (uint32_t)crc32(0L, buf + at + 4, len + 4), "IDAT's CRC is wrong");
    unsigned char raw[64];
    uLongf raw_len = sizeof raw;
    cr_assert_eq(uncompress(raw, &raw_len, buf + at + 8, len), Z_OK, "IDAT does not inflate");
    cr_assert_eq(raw_len, 2u * (1 + 9), "the rows inflate to %lu bytes, expected 20", (unsigned long)raw_len);
    for (int y = 0; y < 2; y++) {
        cr_expect_eq(raw[y * 10], 0, "row %d's filter byte is %d, expected 0 (none)", y, raw[y * 10]);
        cr_expect(memcmp(raw + y * 10 + 1, rgb + y * 9, 9) == 0, "row %d's pixels differ", y);
    }
    at += 12 + len;
    cr_expect(be32(buf + at) == 0 && memcmp(buf + at + 4, "IEND", 4) == 0 && at + 12 == n,
              "the file must end with an empty IEND chunk");
}

Test(image, png_rejects_bad_input, .timeout = 5)
{
    char path[512];
    const uint8_t rgb[3] = {0};
    cr_expect_eq(image_write_png(scratch_path(path, "b.png"), rgb, 0, 1), -1, "a 0x1 image must be refused");
    expect_message(path, "0x1");
    cr_expect_eq(image_write_png(scratch_path(path, "no-such-folder/c.png"), rgb, 1, 1), -1,
                 "writing into a missing folder must fail");
    expect_message(path, "cannot write");
}

Test(image, write_fails_in_missing_folder, .timeout = 5)
{
    char path[512];
    const uint8_t pixels[4] = {0};
    scratch_path(path, "no-such-folder/a.pgm");
    cnn_clear_error();
    cr_expect_eq(image_write_pgm(path, pixels, 2, 2), -1, "writing into a missing folder must fail");
    expect_message(path, "cannot create");
    cr_expect_eq(image_write_ppm(path, pixels, 1, 1), -1, "writing into a missing folder must fail");
    expect_message(path, "cannot create");
}

Test(image, write_fails_on_full_disk, .timeout = 5)
{
    if (access("/dev/full", W_OK) != 0) cr_skip_test("/dev/full is not available");
    const uint8_t pixels[4] = {0};
    cr_expect_eq(image_write_pgm("/dev/full", pixels, 2, 2), -1, "a write to a full disk must fail");
    expect_message("/dev/full", "write failed");
}

Test(image, write_rejects_empty_image, .timeout = 5)
{
    char path[512];
    const uint8_t pixels[1] = {0};
    cr_expect_eq(image_write_pgm(scratch_path(path, "z.pgm"), pixels, 0, 3), -1, "a 0x3 image must be rejected");
    expect_message(path, "0x3");
}

Test(image, tensor_to_u8_maps_and_clamps, .timeout = 5)
{
    /* [1,1,1,8]: lo, hi, the middle, a quarter, out of range both ways, NaN, infinity */
    const float values[8] = {-1.0f, 1.0f, 0.0f, -0.5f, -7.0f, 3.0f, NAN, INFINITY};
    Tensor *t = tensor_new(1, 1, 1, 8);
    cr_assert_not_null(t);
    memcpy(t->data, values, sizeof values);
    uint8_t out[8];
    memset(out, 0x77, sizeof out);
    cr_assert_eq(image_tensor_to_u8(out, t, 0, -1.0f, 1.0f), 0, "%s", cnn_last_error());
    /* 255 * (v + 1) / 2, rounded: 0 -> 127.5 -> 128, -0.5 -> 63.75 -> 64 */
    const uint8_t expected[8] = {0, 255, 128, 64, 0, 255, 0, 255};
    for (int i = 0; i < 8; i++)
        cr_expect_eq(out[i], expected[i], "value %g in [-1, 1]: expected byte %d, got %d", (double)values[i],
                     expected[i], out[i]);
    tensor_free(t);
}

Test(image, tensor_to_u8_interleaves_rgb, .timeout = 5)
{
    /* [2,3,1,2]: image 1 has R = (10.2, 20.7), G = (30, 40.4), B = (50.6, 60);
     * with lo = 0 and hi = 255 each value only gets rounded. */
    const float values[3][2] = {{10.2f, 20.7f}, {30.0f, 40.4f}, {50.6f, 60.0f}};
    Tensor *t = tensor_new(2, 3, 1, 2);
    cr_assert_not_null(t);
    for (int c = 0; c < 3; c++)
        for (int w = 0; w < 2; w++) *tensor_at(t, 1, c, 0, w) = values[c][w];
    uint8_t out[6];
    cr_assert_eq(image_tensor_to_u8(out, t, 1, 0.0f, 255.0f), 0, "%s", cnn_last_error());
    const uint8_t expected[6] = {10, 30, 51, 21, 40, 60}; /* r g b of pixel 0, then of pixel 1 */
    for (int i = 0; i < 6; i++)
        cr_expect_eq(out[i], expected[i], "byte %d (pixel %d, channel %c): expected %d, got %d", i, i / 3,
                     "RGB"[i % 3], expected[i], out[i]);
    tensor_free(t);
}

Test(image, tensor_to_u8_rejects_bad_input, .timeout = 5)
{
    Tensor *t = tensor_new(1, 2, 2, 2);
    cr_assert_not_null(t);
    uint8_t out[8];
    cr_expect_eq(image_tensor_to_u8(out, t, 0, 0.0f, 1.0f), -1, "2 channels is not an image");
    expect_message("[1,2,2,2]", "2 channels");
    Tensor *g = tensor_new(1, 1, 2, 2);
    cr_assert_not_null(g);
    cr_expect_eq(image_tensor_to_u8(out, g, 1, 0.0f, 1.0f), -1, "image 1 of 1 does not exist");
    expect_message("[1,1,2,2]", "image 1");
    cr_expect_eq(image_tensor_to_u8(out, g, 0, 1.0f, 1.0f), -1, "an empty range must be rejected");
    expect_message("image_tensor_to_u8", "hi must be greater than lo");
    tensor_free(g);
    tensor_free(t);
}

static void require_imagemagick(void)
{
    char program[512];
    if (image_find_convert(program, sizeof program) != 0)
        cr_skip_test("ImageMagick is not installed: %s", cnn_last_error());
}

/* An asymmetric 5x4 grey image ("F"-like ramp) as PGM in the scratch folder. */
static void write_test_pgm(char *path, const char *name)
{
    uint8_t pixels[20];
    for (int i = 0; i < 20; i++) pixels[i] = (uint8_t)(i * 13);
    cr_assert_eq(image_write_pgm(scratch_path(path, name), pixels, 5, 4), 0, "%s", cnn_last_error());
}

Test(image, convert_pgm_to_png, .timeout = 20)
{
    require_imagemagick();
    char pgm[512], png[512];
    write_test_pgm(pgm, "in.pgm");
    const char *const options[] = {"-scale", "200%", NULL};
    cr_assert_eq(image_convert(pgm, scratch_path(png, "out.png"), options), 0, "%s", cnn_last_error());
    unsigned char buf[32];
    size_t n = read_file(png, buf, sizeof buf);
    cr_assert_geq(n, 24, "the PNG is only %zu bytes long", n);
    cr_expect(memcmp(buf, "\x89PNG\r\n\x1a\n", 8) == 0, "the output does not start with the PNG signature");
    /* IHDR: width and height big-endian at bytes 16..23; -scale 200% doubles 5x4. */
    unsigned width = (unsigned)buf[16] << 24 | (unsigned)buf[17] << 16 | (unsigned)buf[18] << 8 | buf[19];
    unsigned height = (unsigned)buf[20] << 24 | (unsigned)buf[21] << 16 | (unsigned)buf[22] << 8 | buf[23];
    cr_expect(width == 10 && height == 8, "expected a 10x8 PNG after -scale 200%%, got %ux%u", width, height);
}

Test(image, convert_is_reproducible, .timeout = 20)
{
    require_imagemagick();
    char pgm[512], a[512], b[512];
    write_test_pgm(pgm, "in.pgm");
    cr_assert_eq(image_convert(pgm, scratch_path(a, "a.png"), NULL), 0, "%s", cnn_last_error());
    sleep(1); /* a timestamp in the PNG would now differ */
    cr_assert_eq(image_convert(pgm, scratch_path(b, "b.png"), NULL), 0, "%s", cnn_last_error());
    static unsigned char ba[4096], bb[4096];
    size_t na = read_file(a, ba, sizeof ba), nb = read_file(b, bb, sizeof bb);
    cr_expect(na == nb && memcmp(ba, bb, na) == 0, "two conversions of the same image differ (%zu vs %zu bytes)",
              na, nb);
}

Test(image, convert_reports_imagemagick_errors, .timeout = 20)
{
    require_imagemagick();
    char src[512], dst[512];
    scratch_path(src, "missing.pgm");
    cnn_clear_error();
    cr_expect_eq(image_convert(src, scratch_path(dst, "x.png"), NULL), -1, "converting a missing file must fail");
    expect_message(dst, "missing.pgm");
    cr_expect(strstr(cnn_last_error(), "exit status") != NULL, "the message should give the exit status: %s",
              cnn_last_error());
}

Test(image, convert_reports_missing_imagemagick, .timeout = 20)
{
    char pgm[512], dst[512];
    write_test_pgm(pgm, "in.pgm");
    setenv("CNN_CONVERT", "/nonexistent/convert", 1);
    cnn_clear_error();
    cr_expect_eq(image_convert(pgm, scratch_path(dst, "x.png"), NULL), -1, "a missing convert must be reported");
    expect_message(dst, "CNN_CONVERT=/nonexistent/convert");
    setenv("CNN_CONVERT", "/bin/true", 1);
    cr_expect_eq(image_convert(pgm, dst, NULL), -1, "a program that is not ImageMagick must be rejected");
    expect_message(dst, "does not report ImageMagick");
}
