/* GIVEN -- read it, don't edit it.
 *
 * npy.c -- NumPy .npy reader and writer (format described in npy.h).
 *
 * Reading is careful rather than fast: the header is parsed as the small
 * Python dict literal it is, every field is checked, and the data size the
 * header promises is compared with the bytes the file really holds before
 * anything is allocated, so a corrupt header cannot ask for gigabytes.
 */
#include "npy.h"

#include "error.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char NPY_MAGIC[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};

enum {
    NPY_ALIGN = 64,               /* data starts at a multiple of this */
    HEADER_MAX_BYTES = 1 << 20,   /* far beyond any real header */
    HEADER_MAX_DIMS = 32,         /* what the parser accepts before judging */
    DESCR_MAX = 32,
    EXCERPT_MAX = 100,
};

/* The header dict, as parsed, before its values are judged. */
typedef struct {
    char descr[DESCR_MAX];
    bool fortran_order;
    int ndim;
    int64_t shape[HEADER_MAX_DIMS];
} NpyHeader;

static bool host_is_little_endian(void)
{
    const uint16_t one = 1;
    unsigned char first;
    memcpy(&first, &one, 1);
    return first == 1;
}

size_t npy_dtype_size(NpyDtype dtype)
{
    return dtype == NPY_U8 ? 1 : 4;
}

const char *npy_dtype_descr(NpyDtype dtype)
{
    switch (dtype) {
    case NPY_F32: return "<f4";
    case NPY_U8: return "|u1";
    case NPY_I32: return "<i4";
    }
    return "?";
}

void npy_array_free(NpyArray *a)
{
    if (!a) return;
    free(a->data);
    memset(a, 0, sizeof *a);
}

/* Writes a shape the way Python prints a tuple: "()", "(5,)", "(2, 3)". */
static const char *shape_str(char *buf, size_t size, int ndim, const int64_t *shape)
{
    size_t used = (size_t)snprintf(buf, size, "(");
    for (int i = 0; i < ndim && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, i ? ", %lld" : "%lld", (long long)shape[i]);
    if (used < size) snprintf(buf + used, size - used, ndim == 1 ? ",)" : ")");
    return buf;
}

/* Element count of a shape, or false when it (times 8 bytes) overflows. */
static bool shape_count(size_t *count, int ndim, const int64_t *shape)
{
    uint64_t n = 1;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] < 0) return false;
        uint64_t d = (uint64_t)shape[i];
        if (d != 0 && n > (uint64_t)INT64_MAX / 8 / d) return false;
        n *= d;
    }
    if (n > SIZE_MAX / 8) return false;
    *count = (size_t)n;
    return true;
}

/* ---- the header parser ---------------------------------------------------
 * Grammar (whitespace allowed between tokens; strings in ' or "):
 *     header := '{' [ item { ',' item } [ ',' ] ] '}'
 *     item   := 'descr' ':' string | 'fortran_order' ':' (True | False)
 *             | 'shape' ':' '(' [ int { ',' int } [ ',' ] ] ')'
 */
typedef struct {
    const char *start, *p, *end;
    char why[160];
} Parser;

static bool parse_fail(Parser *ps, const char *what)
{
    snprintf(ps->why, sizeof ps->why, "%s at character %d", what, (int)(ps->p - ps->start) + 1);
    return false;
}

static void skip_space(Parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static bool accept(Parser *ps, char ch)
{
    skip_space(ps);
    if (ps->p < ps->end && *ps->p == ch) {
        ps->p++;
        return true;
    }
    return false;
}

static bool parse_string(Parser *ps, char *out, size_t size)
{
    skip_space(ps);
    if (ps->p >= ps->end || (*ps->p != '\'' && *ps->p != '"'))
        return parse_fail(ps, "expected a quoted string");
    char quote = *ps->p++;
    size_t n = 0;
    while (ps->p < ps->end && *ps->p != quote) {
        if (n + 1 >= size) return parse_fail(ps, "string too long");
        out[n++] = *ps->p++;
    }
    if (ps->p >= ps->end) return parse_fail(ps, "unterminated string");
    ps->p++;
    out[n] = '\0';
    return true;
}

static bool parse_bool(Parser *ps, bool *value)
{
    skip_space(ps);
    size_t left = (size_t)(ps->end - ps->p);
    if (left >= 4 && memcmp(ps->p, "True", 4) == 0) {
        ps->p += 4;
        *value = true;
        return true;
    }
    if (left >= 5 && memcmp(ps->p, "False", 5) == 0) {
        ps->p += 5;
        *value = false;
        return true;
    }
    return parse_fail(ps, "expected True or False");
}

/* An integer; values beyond int64 saturate (the shape check rejects them). */
static bool parse_dim(Parser *ps, int64_t *value)
{
    skip_space(ps);
    bool negative = ps->p < ps->end && *ps->p == '-';
    if (negative) ps->p++;
    if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
        return parse_fail(ps, "expected an integer in the shape tuple");
    int64_t v = 0;
    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
        int digit = *ps->p++ - '0';
        v = v > (INT64_MAX - digit) / 10 ? INT64_MAX : v * 10 + digit;
    }
    if (ps->p < ps->end && *ps->p == 'L') ps->p++; /* Python 2 wrote long ints as 3L */
    *value = negative ? -v : v;
    return true;
}

static bool parse_shape(Parser *ps, NpyHeader *h)
{
    if (!accept(ps, '(')) return parse_fail(ps, "expected '(' to open the shape tuple");
    h->ndim = 0;
    if (accept(ps, ')')) return true;
    for (;;) {
        if (h->ndim == HEADER_MAX_DIMS) return parse_fail(ps, "more than 32 dimensions");
        if (!parse_dim(ps, &h->shape[h->ndim++])) return false;
        if (accept(ps, ')')) return true;
        if (!accept(ps, ',')) return parse_fail(ps, "expected ',' or ')' in the shape tuple");
        if (accept(ps, ')')) return true;
    }
}

static bool parse_header(NpyHeader *h, Parser *ps)
{
    bool seen_descr = false, seen_order = false, seen_shape = false;
    if (!accept(ps, '{')) return parse_fail(ps, "expected '{' to open the header dict");
    while (!accept(ps, '}')) {
        char key[32];
        char what[96];
        if (!parse_string(ps, key, sizeof key)) return false;
        if (!accept(ps, ':')) {
            snprintf(what, sizeof what, "expected ':' after the key '%s'", key);
            return parse_fail(ps, what);
        }
        bool *seen = strcmp(key, "descr") == 0           ? &seen_descr
                     : strcmp(key, "fortran_order") == 0 ? &seen_order
                     : strcmp(key, "shape") == 0         ? &seen_shape
                                                         : NULL;
        if (!seen || *seen) {
            snprintf(what, sizeof what, "%s key '%s'", seen ? "repeated" : "unknown", key);
            return parse_fail(ps, what);
        }
        *seen = true;
        bool ok = seen == &seen_descr   ? parse_string(ps, h->descr, sizeof h->descr)
                  : seen == &seen_order ? parse_bool(ps, &h->fortran_order)
                                        : parse_shape(ps, h);
        if (!ok) return false;
        if (accept(ps, ',')) continue;
        if (accept(ps, '}')) break;
        snprintf(what, sizeof what, "expected ',' or '}' after the value of '%s'", key);
        return parse_fail(ps, what);
    }
    skip_space(ps);
    if (ps->p != ps->end) return parse_fail(ps, "unexpected text after the closing '}'");
    const char *missing = !seen_descr ? "descr" : !seen_order ? "fortran_order" : !seen_shape ? "shape" : NULL;
    if (missing) {
        snprintf(ps->why, sizeof ps->why, "the key '%s' is missing", missing);
        return false;
    }
    return true;
}

/* A printable, one-line copy of the header for error messages. */
static const char *excerpt(char *buf, size_t size, const char *text, size_t len)
{
    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\n')) len--;
    size_t n = 0;
    for (size_t i = 0; i < len && n + 4 < size && i < EXCERPT_MAX; i++)
        buf[n++] = text[i] >= 32 && text[i] < 127 ? text[i] : '?';
    if (len > EXCERPT_MAX && n + 4 < size) {
        memcpy(buf + n, "...", 3);
        n += 3;
    }
    buf[n] = '\0';
    return buf;
}

/* Judges a parsed header: dtype, order, shape. */
static int check_header(NpyArray *out, const NpyHeader *h, const char *path)
{
    const char *d = h->descr;
    if (strcmp(d, "<f4") == 0) out->dtype = NPY_F32;
    else if (strcmp(d, "<i4") == 0) out->dtype = NPY_I32;
    else if (strcmp(d, "|u1") == 0 || strcmp(d, "<u1") == 0 || strcmp(d, ">u1") == 0) out->dtype = NPY_U8;
    else if (d[0] == '>')
        return cnn_error("%s: dtype '%s' is big-endian, but only little-endian data is supported: "
                         "save float32 with arr.astype('<f4')", path, d);
    else
        return cnn_error("%s: dtype '%s' is not supported: save float32 with arr.astype(np.float32) "
                         "(supported: '<f4', '|u1', '<i4')", path, d);
    if (h->fortran_order)
        return cnn_error("%s: the array is stored in Fortran (column-major) order; only C order is "
                         "supported: save np.ascontiguousarray(arr)", path);
    if (h->ndim > NPY_MAX_DIMS)
        return cnn_error("%s: the array has %d dimensions; at most %d are supported", path, h->ndim,
                         NPY_MAX_DIMS);
    char shape[HEADER_MAX_DIMS * 24];
    for (int i = 0; i < h->ndim; i++)
        if (h->shape[i] < 0)
            return cnn_error("%s: shape %s has a negative dimension (%lld at position %d)", path,
                             shape_str(shape, sizeof shape, h->ndim, h->shape), (long long)h->shape[i], i);
    if (!shape_count(&out->count, h->ndim, h->shape))
        return cnn_error("%s: shape %s is too large: it has more elements than any file or memory can hold",
                         path, shape_str(shape, sizeof shape, h->ndim, h->shape));
    out->ndim = h->ndim;
    memcpy(out->shape, h->shape, (size_t)h->ndim * sizeof h->shape[0]);
    return 0;
}

/* Reads a whole .npy from an open file; on failure the caller frees *out. */
static int read_npy_file(NpyArray *out, FILE *f, const char *path)
{
    unsigned char pre[12];
    size_t got = fread(pre, 1, 8, f);
    if (got < 8 || memcmp(pre, NPY_MAGIC, sizeof NPY_MAGIC) != 0) {
        if (got >= 2 && pre[0] == 'P' && pre[1] == 'K')
            return cnn_error("%s: not an .npy file: it is a zip archive (an .npz from np.savez?); "
                             "save each array with np.save", path);
        return cnn_error("%s: not an .npy file: it does not start with the magic bytes \\x93NUMPY%s", path,
                         got < 8 ? " (the file is shorter than 8 bytes)" : "");
    }
    int major = pre[6], minor = pre[7];
    size_t len_bytes = major == 1 ? 2 : 4;
    if ((major != 1 && major != 2) || minor != 0)
        return cnn_error("%s: .npy format version %d.%d is not supported (only 1.0 and 2.0 are): "
                         "re-save it with np.save", path, major, minor);
    if (fread(pre + 8, 1, len_bytes, f) != len_bytes)
        return cnn_error("%s: the file ends inside the .npy preamble (header length missing)", path);
    size_t header_len = (size_t)pre[8] | (size_t)pre[9] << 8;
    if (major == 2) header_len |= (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
    if (header_len > HEADER_MAX_BYTES)
        return cnn_error("%s: header length %zu is implausible for an .npy file (corrupt file?)", path,
                         header_len);
    char *text = malloc(header_len + 1);
    if (!text) return cnn_error("%s: out of memory for a %zu-byte header", path, header_len);
    size_t header_got = fread(text, 1, header_len, f);
    if (header_got != header_len) {
        free(text);
        return cnn_error("%s: the file ends inside the header (%zu of %zu header bytes present)", path,
                         header_got, header_len);
    }
    text[header_len] = '\0';
    NpyHeader h = {.ndim = 0};
    Parser ps = {.start = text, .p = text, .end = text + header_len};
    if (!parse_header(&h, &ps)) {
        char shown[EXCERPT_MAX + 8];
        cnn_error("%s: malformed .npy header (%s): %s", path, ps.why, excerpt(shown, sizeof shown, text, header_len));
        free(text);
        return -1;
    }
    free(text);
    if (check_header(out, &h, path)) return -1;

    size_t bytes = out->count * npy_dtype_size(out->dtype);
    size_t offset = 8 + len_bytes + header_len;
    char shape[NPY_MAX_DIMS * 24];
    shape_str(shape, sizeof shape, out->ndim, out->shape);
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) {
        size_t present = (uint64_t)st.st_size > offset ? (size_t)st.st_size - offset : 0;
        if (present < bytes)
            return cnn_error("%s: data is truncated: shape %s of '%s' needs %zu bytes, but only %zu follow "
                             "the header", path, shape, npy_dtype_descr(out->dtype), bytes, present);
        if (present > bytes)
            return cnn_error("%s: %zu bytes of trailing garbage: shape %s of '%s' needs %zu bytes, but %zu "
                             "follow the header (corrupt file, or a wrong shape in the header)",
                             path, present - bytes, shape, npy_dtype_descr(out->dtype), bytes, present);
    }
    out->data = malloc(bytes ? bytes : 1);
    if (!out->data) return cnn_error("%s: out of memory for %zu bytes of data", path, bytes);
    size_t data_got = fread(out->data, 1, bytes, f);
    if (data_got != bytes)
        return cnn_error("%s: data is truncated: shape %s of '%s' needs %zu bytes, but only %zu follow "
                         "the header", path, shape, npy_dtype_descr(out->dtype), bytes, data_got);
    if (fgetc(f) != EOF)
        return cnn_error("%s: trailing garbage after the %zu bytes of data that shape %s of '%s' needs",
                         path, bytes, shape, npy_dtype_descr(out->dtype));
    if (ferror(f)) return cnn_error("%s: read error: %s", path, strerror(errno));
    return 0;
}

int npy_read(NpyArray *out, const char *path)
{
    memset(out, 0, sizeof *out);
    if (!host_is_little_endian())
        return cnn_error("%s: this .npy reader needs a little-endian machine", path);
    FILE *f = fopen(path, "rb");
    if (!f) return cnn_error("%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        return cnn_error("%s: cannot open: it is a folder, not an .npy file", path);
    }
    int rc = read_npy_file(out, f, path);
    fclose(f);
    if (rc) npy_array_free(out);
    return rc;
}

int npy_write(const char *path, NpyDtype dtype, int ndim, const int64_t *shape, const void *data)
{
    if (!host_is_little_endian())
        return cnn_error("%s: this .npy writer needs a little-endian machine", path);
    if (dtype != NPY_F32 && dtype != NPY_U8 && dtype != NPY_I32)
        return cnn_error("%s: cannot write: unknown dtype code %d", path, (int)dtype);
    if (ndim < 0 || ndim > NPY_MAX_DIMS)
        return cnn_error("%s: cannot write %d dimensions: 0 to %d are supported", path, ndim, NPY_MAX_DIMS);
    size_t count;
    char shape_text[NPY_MAX_DIMS * 24];
    shape_str(shape_text, sizeof shape_text, ndim, shape);
    if (!shape_count(&count, ndim, shape))
        return cnn_error("%s: cannot write shape %s: a dimension is negative or the array is too large",
                         path, shape_text);
    if (!data && count > 0) return cnn_error("%s: cannot write shape %s: data is NULL", path, shape_text);

    /* The header NumPy itself would write: dict, spaces, '\n', so that
     * magic (6) + version (2) + length (2) + header is a multiple of 64. */
    char header[256 + sizeof shape_text];
    int len = snprintf(header, sizeof header, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
                       npy_dtype_descr(dtype), shape_text);
    size_t total = 10 + (size_t)len + 1;
    size_t pad = (NPY_ALIGN - total % NPY_ALIGN) % NPY_ALIGN;
    memset(header + len, ' ', pad);
    header[(size_t)len + pad] = '\n';
    size_t header_len = (size_t)len + pad + 1;
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                             (unsigned char)(header_len & 0xff), (unsigned char)(header_len >> 8)};

    FILE *f = fopen(path, "wb");
    if (!f) return cnn_error("%s: cannot create: %s", path, strerror(errno));
    size_t bytes = count * npy_dtype_size(dtype);
    bool ok = fwrite(pre, 1, sizeof pre, f) == sizeof pre && fwrite(header, 1, header_len, f) == header_len &&
              (bytes == 0 || fwrite(data, 1, bytes, f) == bytes);
    return cnn_close_written(f, ok, path);
}

Tensor *npy_load_tensor(const char *path)
{
    NpyArray a;
    if (npy_read(&a, path)) return NULL;
    char shape[NPY_MAX_DIMS * 24];
    shape_str(shape, sizeof shape, a.ndim, a.shape);
    if (a.dtype != NPY_F32) {
        cnn_error("%s: dtype '%s' is not float32, which tensors need: save with arr.astype(np.float32)", path,
                  npy_dtype_descr(a.dtype));
        goto fail;
    }
    if (a.ndim < 1 || a.ndim > 4) {
        cnn_error("%s: shape %s has %d dimensions, but a tensor has 1 to 4 (reshape before saving)", path,
                  shape, a.ndim);
        goto fail;
    }
    int dims[4];
    for (int i = 0; i < a.ndim; i++) {
        if (a.shape[i] < 1 || a.shape[i] > INT_MAX) {
            cnn_error("%s: shape %s has dimension %lld at position %d; a tensor needs 1 to %d", path, shape,
                      (long long)a.shape[i], i, INT_MAX);
            goto fail;
        }
        dims[i] = (int)a.shape[i];
    }
    Tensor *t = tensor_new_nd(a.ndim, dims);
    if (!t) {
        cnn_error_context("%s", path);
        goto fail;
    }
    memcpy(t->data, a.data, a.count * sizeof(float));
    npy_array_free(&a);
    return t;
fail:
    npy_array_free(&a);
    return NULL;
}

int npy_save_tensor(const char *path, const Tensor *t)
{
    if (!t || !t->data) return cnn_error("%s: cannot save: the tensor is missing (NULL)", path);
    if (t->ndim < 1 || t->ndim > 4)
        return cnn_error("%s: cannot save: tensor ndim is %d, expected 1 to 4", path, t->ndim);
    int64_t shape[4];
    size_t count = 1;
    for (int i = 0; i < t->ndim; i++) {
        shape[i] = t->dim[i];
        count *= (size_t)t->dim[i];
    }
    if (count != tensor_size(t)) {
        char buf[64];
        Tensor as4 = *t;
        as4.ndim = 4;
        return cnn_error("%s: cannot save: tensor %s has ndim %d but its dimensions after the first %d are "
                         "not 1", path, tensor_shape_str(&as4, buf, sizeof buf), t->ndim, t->ndim);
    }
    return npy_write(path, NPY_F32, t->ndim, shape, t->data);
}
