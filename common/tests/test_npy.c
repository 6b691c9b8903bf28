/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * test_npy.c -- unit tests of the .npy reader and writer (common/npy.c).
 *
 * Three sources of files: round trips through npy_write; files NumPy wrote
 * (the files in data/, made by data/make_npy_fixtures.py); and files built byte by
 * byte here, good and bad, in a scratch folder under /tmp. Every bad file
 * must be rejected with a message naming the file and the problem. Run from
 * common/tests (the data/ paths are relative to it).
 */
#include "error.h"
#include "npy.h"
#include "tensor.h"

#include "scratch.h"

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void npy_suite_init(void) { scratch_make("npy"); }

TestSuite(npy, .init = npy_suite_init, .fini = scratch_remove);

/* Writes an .npy by hand: magic, version major.0, header length (2 bytes, or
 * 4 for version 2+), the dict padded with spaces and '\n' to 64 bytes as
 * NumPy does, then n data bytes. */
static void write_npy_raw(const char *path, int major, const char *dict, const void *data, size_t n)
{
    unsigned char buf[1024];
    size_t len_bytes = major == 1 ? 2 : 4;
    size_t prefix = 8 + len_bytes;
    size_t dict_len = strlen(dict);
    size_t header_len = dict_len + 1;
    header_len += (64 - (prefix + header_len) % 64) % 64;
    cr_assert(prefix + header_len + n <= sizeof buf, "test file too large");
    memcpy(buf, "\x93NUMPY", 6);
    buf[6] = (unsigned char)major;
    buf[7] = 0;
    for (size_t i = 0; i < len_bytes; i++) buf[8 + i] = (unsigned char)(header_len >> (8 * i));
    memcpy(buf + prefix, dict, dict_len);
    memset(buf + prefix + dict_len, ' ', header_len - dict_len - 1);
    buf[prefix + header_len - 1] = '\n';
    if (n) memcpy(buf + prefix + header_len, data, n);
    scratch_write(path, buf, prefix + header_len + n);
}

static void expect_message(const char *path, const char *problem)
{
    const char *msg = cnn_last_error();
    cr_expect(strstr(msg, path) != NULL, "the message should name the file %s, but it is \"%s\"", path, msg);
    cr_expect(strstr(msg, problem) != NULL, "the message should say \"%s\", but it is \"%s\"", problem, msg);
}

/* npy_read and npy_load_tensor must both fail on path, leave no data behind,
 * and say what is wrong. */
static void expect_read_fails(const char *path, const char *problem)
{
    NpyArray a;
    memset(&a, 0x5a, sizeof a);
    cnn_clear_error();
    cr_expect_eq(npy_read(&a, path), -1, "npy_read should reject %s (%s)", path, problem);
    cr_expect_null(a.data, "a failed npy_read must leave out->data NULL");
    cr_expect_eq(a.count, 0, "a failed npy_read must leave out->count 0");
    expect_message(path, problem);
    npy_array_free(&a);
    cnn_clear_error();
    Tensor *t = npy_load_tensor(path);
    cr_expect_null(t, "npy_load_tensor should reject %s (%s)", path, problem);
    expect_message(path, problem);
    tensor_free(t);
}

static const float F32_2X3[6] = {-1.0f, -0.5f, 0.0f, 0.5f, 1.0f, 1.5f};

static void fill_pattern(void *data, NpyDtype dtype, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (dtype == NPY_F32) ((float *)data)[i] = (float)i * 0.25f - 3.0f;
        else if (dtype == NPY_U8) ((uint8_t *)data)[i] = (uint8_t)(i * 37 + 11);
        else ((int32_t *)data)[i] = (int32_t)(i * 1000003) * (i % 2 ? -1 : 1);
    }
}

static void round_trip(NpyDtype dtype, int ndim, const int64_t *shape)
{
    size_t count = 1;
    for (int i = 0; i < ndim; i++) count *= (size_t)shape[i];
    size_t bytes = count * npy_dtype_size(dtype);
    unsigned char *data = malloc(bytes + 1);
    cr_assert_not_null(data);
    fill_pattern(data, dtype, count);
    char path[512], name[64];
    snprintf(name, sizeof name, "rt_%d_%d.npy", (int)dtype, ndim);
    scratch_path(path, name);
    cr_assert_eq(npy_write(path, dtype, ndim, shape, data), 0, "npy_write: %s", cnn_last_error());
    NpyArray a;
    cr_assert_eq(npy_read(&a, path), 0, "npy_read of what npy_write wrote: %s", cnn_last_error());
    cr_expect_eq(a.dtype, dtype, "%s: dtype %d read back as %d", name, (int)dtype, (int)a.dtype);
    cr_expect_eq(a.ndim, ndim, "%s: ndim %d read back as %d", name, ndim, a.ndim);
    for (int i = 0; i < ndim && i < a.ndim; i++)
        cr_expect_eq(a.shape[i], shape[i], "%s: shape[%d] %lld read back as %lld", name, i,
                     (long long)shape[i], (long long)a.shape[i]);
    cr_expect_eq(a.count, count, "%s: count %zu read back as %zu", name, count, a.count);
    if (a.count == count && count > 0)
        cr_expect(memcmp(a.data, data, bytes) == 0, "%s: data differs after the round trip", name);
    npy_array_free(&a);
    cr_expect_null(a.data, "npy_array_free must leave the array zeroed");
    free(data);
}

Test(npy, round_trip_float32, .timeout = 5)
{
    const int64_t shape[4] = {2, 3, 4, 5};
    for (int ndim = 1; ndim <= 4; ndim++) round_trip(NPY_F32, ndim, shape);
}

Test(npy, round_trip_uint8, .timeout = 5)
{
    const int64_t shape[4] = {3, 1, 7, 2};
    for (int ndim = 1; ndim <= 4; ndim++) round_trip(NPY_U8, ndim, shape);
}

Test(npy, round_trip_int32, .timeout = 5)
{
    const int64_t shape[4] = {4, 2, 3, 3};
    for (int ndim = 1; ndim <= 4; ndim++) round_trip(NPY_I32, ndim, shape);
}

Test(npy, round_trip_scalar_empty_and_eight_dims, .timeout = 5)
{
    const int64_t scalar[1] = {0};
    round_trip(NPY_F32, 0, scalar);
    const int64_t empty[2] = {2, 0};
    round_trip(NPY_I32, 2, empty);
    const int64_t eight[8] = {2, 1, 2, 1, 2, 1, 2, 3};
    round_trip(NPY_U8, 8, eight);
}

Test(npy, written_header_is_numpy_aligned, .timeout = 5)
{
    char path[512];
    scratch_path(path, "aligned.npy");
    const int64_t shape[3] = {2, 2, 2};
    const int32_t data[8] = {0};
    cr_assert_eq(npy_write(path, NPY_I32, 3, shape, data), 0, "%s", cnn_last_error());
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f);
    unsigned char buf[256];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    size_t header_len = (size_t)buf[8] | (size_t)buf[9] << 8;
    cr_expect_eq((10 + header_len) % 64, 0, "data must start at a multiple of 64, starts at %zu", 10 + header_len);
    cr_expect_eq(n, 10 + header_len + sizeof data, "file size %zu, expected %zu", n, 10 + header_len + sizeof data);
    cr_expect_eq(buf[10 + header_len - 1], '\n', "the header must end with a newline");
    const char *dict = "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2, 2), }";
    cr_expect(memcmp(buf + 10, dict, strlen(dict)) == 0, "header should start with %s", dict);
}

/* Compares the whole of two files. */
static void expect_same_file(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    cr_assert(fa && fb, "cannot open %s or %s", a, b);
    unsigned char ba[512], bb[512];
    size_t na = fread(ba, 1, sizeof ba, fa), nb = fread(bb, 1, sizeof bb, fb);
    fclose(fa);
    fclose(fb);
    cr_expect_eq(na, nb, "%s has %zu bytes, %s has %zu", a, na, b, nb);
    cr_expect(na == nb && memcmp(ba, bb, na) == 0, "%s and %s differ", a, b);
}

Test(npy, writes_the_same_bytes_as_numpy, .timeout = 5)
{
    char path[512];
    const int64_t shape[2] = {2, 3};
    cr_assert_eq(npy_write(scratch_path(path, "f32.npy"), NPY_F32, 2, shape, F32_2X3), 0, "%s", cnn_last_error());
    expect_same_file(path, "data/f32_2x3.npy");
    const uint8_t u8[5] = {0, 1, 127, 128, 255};
    const int64_t shape5[1] = {5};
    cr_assert_eq(npy_write(scratch_path(path, "u8.npy"), NPY_U8, 1, shape5, u8), 0, "%s", cnn_last_error());
    expect_same_file(path, "data/u8_5.npy");
}

Test(npy, reads_numpy_float32, .timeout = 5)
{
    NpyArray a;
    cr_assert_eq(npy_read(&a, "data/f32_2x3.npy"), 0, "%s", cnn_last_error());
    cr_expect_eq(a.dtype, NPY_F32);
    cr_assert_eq(a.ndim, 2);
    cr_expect(a.shape[0] == 2 && a.shape[1] == 3, "shape should be (2, 3)");
    cr_assert_eq(a.count, 6);
    for (int i = 0; i < 6; i++)
        cr_expect_eq(((float *)a.data)[i], F32_2X3[i], "element %d: expected %g, got %g", i, (double)F32_2X3[i],
                     (double)((float *)a.data)[i]);
    npy_array_free(&a);
}

Test(npy, reads_numpy_uint8, .timeout = 5)
{
    NpyArray a;
    cr_assert_eq(npy_read(&a, "data/u8_5.npy"), 0, "%s", cnn_last_error());
    cr_expect_eq(a.dtype, NPY_U8);
    cr_assert_eq(a.ndim, 1);
    cr_assert_eq(a.shape[0], 5);
    const uint8_t expected[5] = {0, 1, 127, 128, 255};
    cr_expect(memcmp(a.data, expected, 5) == 0, "uint8 values differ");
    npy_array_free(&a);
}

Test(npy, reads_numpy_int32_version_2, .timeout = 5)
{
    NpyArray a;
    cr_assert_eq(npy_read(&a, "data/i32_2x2x2_v2.npy"), 0, "%s", cnn_last_error());
    cr_expect_eq(a.dtype, NPY_I32);
    cr_assert_eq(a.ndim, 3);
    cr_expect(a.shape[0] == 2 && a.shape[1] == 2 && a.shape[2] == 2, "shape should be (2, 2, 2)");
    const int32_t expected[8] = {1, -2, 3, -4, 5, -6, INT32_MAX, INT32_MIN};
    cr_assert_eq(a.count, 8);
    for (int i = 0; i < 8; i++)
        cr_expect_eq(((int32_t *)a.data)[i], expected[i], "element %d: expected %d, got %d", i, expected[i],
                     ((int32_t *)a.data)[i]);
    npy_array_free(&a);
}

/* Headers other writers produce: double quotes, other key order, no
 * trailing comma, extra spaces, Python 2 long ints, 16-byte alignment. */
Test(npy, reads_header_variants, .timeout = 5)
{
    char path[512];
    const float data[6] = {1, 2, 3, 4, 5, 6};
    write_npy_raw(scratch_path(path, "v1.npy"), 1, "{\"shape\": (2,3), \"fortran_order\": False, \"descr\": \"<f4\"}",
                  data, sizeof data);
    NpyArray a;
    cr_assert_eq(npy_read(&a, path), 0, "%s", cnn_last_error());
    cr_expect(a.ndim == 2 && a.shape[0] == 2 && a.shape[1] == 3, "shape should be (2, 3)");
    npy_array_free(&a);

    write_npy_raw(scratch_path(path, "v2.npy"), 1, "{ 'descr' : '<f4' , 'fortran_order' : False , 'shape' : ( 6L , ) , }",
                  data, sizeof data);
    cr_assert_eq(npy_read(&a, path), 0, "%s", cnn_last_error());
    cr_expect(a.ndim == 1 && a.shape[0] == 6, "shape should be (6,)");
    cr_expect(a.count == 6 && ((float *)a.data)[5] == 6.0f, "data should be read");
    npy_array_free(&a);

    /* Old NumPy aligned to 16 bytes: a 70-byte header after the 10-byte prefix. */
    unsigned char buf[80 + sizeof data];
    const char *dict = "{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }";
    memcpy(buf, "\x93NUMPY\x01\x00\x46\x00", 10);
    memset(buf + 10, ' ', 70);
    memcpy(buf + 10, dict, strlen(dict));
    buf[79] = '\n';
    memcpy(buf + 80, "abc", 3);
    scratch_write(scratch_path(path, "v3.npy"), buf, 83);
    cr_assert_eq(npy_read(&a, path), 0, "%s", cnn_last_error());
    cr_expect(a.dtype == NPY_U8 && a.count == 3 && memcmp(a.data, "abc", 3) == 0, "uint8 'abc' expected");
    npy_array_free(&a);
}

Test(npy, load_tensor_keeps_ndim, .timeout = 5)
{
    Tensor *t = npy_load_tensor("data/f32_2x3.npy");
    cr_assert_not_null(t, "%s", cnn_last_error());
    cr_expect_eq(t->ndim, 2);
    cr_expect(t->n == 2 && t->c == 3 && t->h == 1 && t->w == 1, "expected dims [2,3,1,1], got [%d,%d,%d,%d]",
              t->n, t->c, t->h, t->w);
    for (int i = 0; i < 6; i++) cr_expect_eq(t->data[i], F32_2X3[i], "element %d", i);
    tensor_free(t);
}

Test(npy, save_tensor_round_trip, .timeout = 5)
{
    char path[512];
    for (int ndim = 1; ndim <= 4; ndim++) {
        int dims[4] = {3, 2, 4, 5};
        Tensor *t = tensor_new_nd(ndim, dims);
        cr_assert_not_null(t);
        for (size_t i = 0; i < tensor_size(t); i++) t->data[i] = (float)i - 7.5f;
        cr_assert_eq(npy_save_tensor(scratch_path(path, "t.npy"), t), 0, "%s", cnn_last_error());
        NpyArray a;
        cr_assert_eq(npy_read(&a, path), 0, "%s", cnn_last_error());
        cr_expect_eq(a.ndim, ndim, "a tensor of ndim %d was saved with %d dimensions", ndim, a.ndim);
        npy_array_free(&a);
        Tensor *back = npy_load_tensor(path);
        cr_assert_not_null(back, "%s", cnn_last_error());
        cr_expect_eq(back->ndim, ndim);
        cr_expect(memcmp(back->dim, t->dim, sizeof t->dim) == 0, "dims differ after the round trip");
        cr_expect(memcmp(back->data, t->data, tensor_size(t) * sizeof(float)) == 0, "data differs");
        tensor_free(back);
        tensor_free(t);
    }
}

Test(npy, save_tensor_rejects_hidden_dimensions, .timeout = 5)
{
    char path[512];
    Tensor *t = tensor_new(2, 3, 4, 1);
    cr_assert_not_null(t);
    t->ndim = 2; /* claims [2,3] but holds 24 values */
    cr_expect_eq(npy_save_tensor(scratch_path(path, "bad.npy"), t), -1, "saving [2,3,4,1] as 2-d must fail");
    expect_message(path, "not 1");
    tensor_free(t);
}

/* ---- rejected files ---------------------------------------------------- */

Test(npy, rejects_missing_file, .timeout = 5)
{
    char path[512];
    expect_read_fails(scratch_path(path, "no-such-file.npy"), "cannot open");
}

Test(npy, rejects_folder, .timeout = 5)
{
    expect_read_fails(scratch_dir, "it is a folder");
}

Test(npy, rejects_bad_magic, .timeout = 5)
{
    char path[512];
    scratch_write(scratch_path(path, "image.npy"), "P5\n2 2\n255\n\x01\x02\x03\x04", 15);
    expect_read_fails(path, "magic");
}

Test(npy, rejects_empty_file, .timeout = 5)
{
    char path[512];
    scratch_write(scratch_path(path, "empty.npy"), "", 0);
    expect_read_fails(path, "shorter than 8 bytes");
}

Test(npy, rejects_npz_archive, .timeout = 5)
{
    char path[512];
    scratch_write(scratch_path(path, "arrays.npy"), "PK\x03\x04\x14\x00\x00\x00\x00\x00", 10);
    expect_read_fails(path, "zip archive");
}

Test(npy, rejects_unsupported_version, .timeout = 5)
{
    char path[512];
    write_npy_raw(scratch_path(path, "v9.npy"), 9, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }",
                  "\0\0\0\0", 4);
    expect_read_fails(path, "version 9.0 is not supported");
}

Test(npy, rejects_truncated_header, .timeout = 5)
{
    char path[512];
    unsigned char buf[40] = "\x93NUMPY\x01\x00\x76\x00{'descr': '<f4', 'fortran";
    scratch_write(scratch_path(path, "cut.npy"), buf, 35);
    expect_read_fails(path, "ends inside the header (25 of 118");
}

Test(npy, rejects_header_that_is_not_a_dict, .timeout = 5)
{
    char path[512];
    write_npy_raw(scratch_path(path, "list.npy"), 1, "['<f4', False, (1,)]", "\0\0\0\0", 4);
    expect_read_fails(path, "malformed .npy header (expected '{'");
}

Test(npy, rejects_header_with_missing_colon, .timeout = 5)
{
    char path[512];
    write_npy_raw(scratch_path(path, "colon.npy"), 1, "{'descr' '<f4', 'fortran_order': False, 'shape': (1,), }",
                  "\0\0\0\0", 4);
    expect_read_fails(path, "expected ':' after the key 'descr'");
}

Test(npy, rejects_header_without_shape, .timeout = 5)
{
    char path[512];
    write_npy_raw(scratch_path(path, "noshape.npy"), 1, "{'descr': '<f4', 'fortran_order': False, }", "\0\0\0\0", 4);
    expect_read_fails(path, "the key 'shape' is missing");
}

Test(npy, rejects_header_with_unknown_key, .timeout = 5)
{
    char path[512];
    write_npy_raw(scratch_path(path, "key.npy"), 1,
                  "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}", "\0\0\0\0", 4);
    expect_read_fails(path, "unknown key 'extra'");
}

Test(npy, rejects_header_with_bad_shape, .timeout = 5)
{
    char path[512];
    write_npy_raw(scratch_path(path, "shape.npy"), 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }",
                  "\0\0\0\0\0\0\0\0", 8);
    expect_read_fails(path, "expected an integer in the shape tuple");
}

Test(npy, rejects_text_after_the_dict, .timeout = 5)
{
    char path[512];
    write_npy_raw(scratch_path(path, "after.npy"), 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } 7",
                  "\0\0\0\0", 4);
    expect_read_fails(path, "unexpected text after the closing '}'");
}

Test(npy, rejects_fortran_order, .timeout = 5)
{
    char path[512];
    const float data[6] = {0};
    write_npy_raw(scratch_path(path, "fortran.npy"), 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }",
                  data, sizeof data);
    expect_read_fails(path, "Fortran (column-major) order");
}

Test(npy, rejects_big_endian, .timeout = 5)
{
    char path[512];
    write_npy_raw(scratch_path(path, "big.npy"), 1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }",
                  "\0\0\0\0", 4);
    expect_read_fails(path, "dtype '>f4' is big-endian");
}

Test(npy, rejects_float64_with_advice, .timeout = 5)
{
    char path[512];
    write_npy_raw(scratch_path(path, "f8.npy"), 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }",
                  "\0\0\0\0\0\0\0\0", 8);
    expect_read_fails(path, "dtype '<f8' is not supported: save float32 with arr.astype(np.float32)");
}

Test(npy, rejects_negative_dimension, .timeout = 5)
{
    char path[512];
    write_npy_raw(scratch_path(path, "neg.npy"), 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }",
                  "\0\0\0\0", 4);
    expect_read_fails(path, "negative dimension (-3 at position 1)");
}

Test(npy, rejects_overflowing_shape, .timeout = 5)
{
    char path[512];
    write_npy_raw(scratch_path(path, "huge.npy"), 1,
                  "{'descr': '<f4', 'fortran_order': False, 'shape': (4000000000, 4000000000, 4000000000), }",
                  "\0\0\0\0", 4);
    expect_read_fails(path, "is too large");
}

Test(npy, rejects_huge_dimension_without_allocating, .timeout = 5)
{
    char path[512];
    write_npy_raw(scratch_path(path, "big-dim.npy"), 1,
                  "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000,), }", "\0\0\0\0", 4);
    expect_read_fails(path, "needs 4000000000000 bytes, but only 4 follow the header");
}

Test(npy, rejects_nine_dimensions, .timeout = 5)
{
    char path[512];
    write_npy_raw(scratch_path(path, "nine.npy"), 1,
                  "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1, 1, 1, 1, 1), }", "\0", 1);
    expect_read_fails(path, "9 dimensions; at most 8");
}

Test(npy, rejects_truncated_data, .timeout = 5)
{
    char path[512];
    write_npy_raw(scratch_path(path, "short.npy"), 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                  F32_2X3, 20);
    expect_read_fails(path, "data is truncated: shape (2, 3) of '<f4' needs 24 bytes, but only 20 follow");
}

Test(npy, rejects_trailing_garbage, .timeout = 5)
{
    char path[512];
    unsigned char data[28] = {0};
    write_npy_raw(scratch_path(path, "long.npy"), 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                  data, sizeof data);
    expect_read_fails(path, "4 bytes of trailing garbage");
}

Test(npy, load_tensor_rejects_uint8, .timeout = 5)
{
    cnn_clear_error();
    cr_expect_null(npy_load_tensor("data/u8_5.npy"), "a uint8 file is not a tensor");
    expect_message("data/u8_5.npy", "'|u1' is not float32");
}

Test(npy, load_tensor_rejects_five_dimensions, .timeout = 5)
{
    char path[512];
    const int64_t shape[5] = {1, 2, 1, 2, 1};
    const float data[4] = {1, 2, 3, 4};
    cr_assert_eq(npy_write(scratch_path(path, "five.npy"), NPY_F32, 5, shape, data), 0, "%s", cnn_last_error());
    cnn_clear_error();
    cr_expect_null(npy_load_tensor(path), "a 5-d array is not a tensor");
    expect_message(path, "has 5 dimensions, but a tensor has 1 to 4");
}

Test(npy, load_tensor_rejects_scalar_and_empty, .timeout = 5)
{
    char path[512];
    const float one = 1.0f;
    cr_assert_eq(npy_write(scratch_path(path, "scalar.npy"), NPY_F32, 0, NULL, &one), 0, "%s", cnn_last_error());
    cr_expect_null(npy_load_tensor(path), "a 0-d array is not a tensor");
    expect_message(path, "has 0 dimensions");
    const int64_t shape[2] = {3, 0};
    cr_assert_eq(npy_write(scratch_path(path, "empty.npy"), NPY_F32, 2, shape, NULL), 0, "%s", cnn_last_error());
    cr_expect_null(npy_load_tensor(path), "an empty array is not a tensor");
    expect_message(path, "dimension 0 at position 1");
}

/* ---- failed writes ----------------------------------------------------- */

Test(npy, write_fails_in_missing_folder, .timeout = 5)
{
    char path[512];
    const int64_t shape[1] = {6};
    scratch_path(path, "no-such-folder/x.npy");
    cnn_clear_error();
    cr_expect_eq(npy_write(path, NPY_F32, 1, shape, F32_2X3), -1, "writing into a missing folder must fail");
    expect_message(path, "cannot create");
}

Test(npy, write_fails_on_full_disk, .timeout = 5)
{
    if (access("/dev/full", W_OK) != 0) cr_skip_test("/dev/full is not available");
    const int64_t shape[1] = {6};
    cnn_clear_error();
    cr_expect_eq(npy_write("/dev/full", NPY_F32, 1, shape, F32_2X3), -1, "a write to a full disk must fail");
    expect_message("/dev/full", "write failed");
}

Test(npy, write_rejects_bad_arguments, .timeout = 5)
{
    char path[512];
    const int64_t negative[2] = {2, -1};
    cr_expect_eq(npy_write(scratch_path(path, "neg.npy"), NPY_F32, 2, negative, F32_2X3), -1);
    expect_message(path, "shape (2, -1)");
    const int64_t shape[1] = {6};
    cr_expect_eq(npy_write(path, NPY_F32, 1, shape, NULL), -1, "NULL data must be rejected");
    expect_message(path, "data is NULL");
    cr_expect_eq(npy_write(path, NPY_F32, 9, shape, F32_2X3), -1, "9 dimensions must be rejected");
    expect_message(path, "9 dimensions");
}
