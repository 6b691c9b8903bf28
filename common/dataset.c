/* GIVEN -- read it, don't edit it.
 *
 * dataset.c -- the digits, IDX (Fashion-MNIST) and CIFAR-10 loaders of
 * dataset.h.
 *
 * All three follow one pattern: read and check everything into plain byte
 * buffers first, and only when the whole file has proved sound build the
 * float tensor. So a corrupt header that promises a billion images fails at
 * "truncated" long before anything that large is allocated, and a failure
 * can never leave a half-filled Dataset behind. Files are read through a
 * small reader on zlib's inflate() (below) that takes gzip and plain files
 * alike and refuses a gzip stream that is cut off, corrupt (bad CRC) or
 * followed by bytes that are not another gzip member.
 *
 * Limits: at most INT_MAX examples; digits lines of at most 1,023 characters.
 * Part of the core (common/), used by chapters 05 and 07.
 */
#include "dataset.h"

#include "error.h"
#include "rng.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

enum { NUM_CLASSES = 10 };

static const char *const digit_class_names[NUM_CLASSES] = {
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
};

static const char *const fashion_class_names[NUM_CLASSES] = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
};

static const char *const cifar10_class_names[NUM_CLASSES] = {
    "airplane", "automobile", "bird", "cat", "deer",
    "dog", "frog", "horse", "ship", "truck",
};

void dataset_free(Dataset *d)
{
    if (!d) return;
    tensor_free(d->images);
    free(d->labels);
    memset(d, 0, sizeof *d);
}

/* Copies name into d->name, cut to fit. */
static void set_name(Dataset *d, const char *name)
{
    size_t len = strlen(name);
    if (len >= sizeof d->name) len = sizeof d->name - 1;
    memcpy(d->name, name, len);
    d->name[len] = '\0';
}

/* Fills *d (zeroed first) with n examples from bytes: pixels [n, c, h, w]
 * as bytes, each divided by scale, and labels [n] as bytes.
 * Fails (out of memory) with a message naming path. */
static int dataset_from_bytes(Dataset *d, const unsigned char *pixels, const unsigned char *labels,
                              int n, int c, int h, int w, float scale, const char *name,
                              const char *const *class_names, const char *path)
{
    memset(d, 0, sizeof *d);
    d->images = tensor_new(n, c, h, w);
    d->labels = malloc((size_t)n * sizeof *d->labels);
    if (!d->images || !d->labels) {
        dataset_free(d);
        return cnn_error("%s: out of memory for %d images of %dx%dx%d", path, n, c, h, w);
    }
    size_t size = tensor_size(d->images);
    for (size_t i = 0; i < size; i++) d->images->data[i] = (float)pixels[i] / scale;
    for (int i = 0; i < n; i++) d->labels[i] = labels[i];
    d->count = n;
    d->classes = NUM_CLASSES;
    set_name(d, name);
    d->class_names = class_names;
    return 0;
}

/* ---- reading files that may be gzip-compressed ---------------------------
 *
 * zlib's gzread() reads gzip and plain files alike, but it was made to be
 * forgiving: whatever follows the last gzip member is "trailing garbage" that
 * it silently ignores (zlib.h, gzread), so a .gz file with junk after its
 * end loaded as if it were sound. The loaders therefore read through this
 * small reader on zlib's inflate(), which knows exactly where each gzip
 * member ends:
 *
 *   - a file that starts with the gzip magic bytes 1f 8b is inflated. One
 *     member after another is fine (RFC 1952 allows it, gunzip joins them):
 *     their data is simply concatenated, and the loaders check that data
 *     like any other;
 *   - after the last member the file must end: any other byte is an error
 *     that counts the bytes left over;
 *   - a member cut off by the end of the file, or whose data or CRC-32 and
 *     length trailer is wrong, is an error;
 *   - any other file is read as it is.
 *
 * Every failure is recorded with cnn_error(), naming the file and how far
 * the reading got, so callers just pass the -1 on. */

enum { READER_CHUNK = 1 << 16, GZIP_ID1 = 0x1f, GZIP_ID2 = 0x8b };

typedef struct Reader {
    FILE *file;
    const char *path;
    int gzip;                             /* inflating; else copying the raw bytes */
    int input_end;                        /* fread has met the end of the file */
    int done;                             /* gzip: the last member ended with the file */
    int members;                          /* gzip members begun */
    int failed;                           /* error[] waits to be reported (see reader_fill) */
    char error[512];
    long long raw;                        /* bytes read from the file so far */
    long long data;                       /* data bytes produced so far */
    z_stream z;                           /* next_in/avail_in: raw bytes not used yet (both modes) */
    const unsigned char *out;             /* produced, not yet handed out: out[pos..len) */
    size_t pos, len;
    unsigned char in[READER_CHUNK];
    unsigned char inflated[READER_CHUNK];
} Reader;

/* Tops up the raw input: keeps the bytes not used yet, reads more after them. */
static int reader_refill(Reader *r)
{
    size_t keep = r->z.avail_in;
    if (keep && r->z.next_in != r->in) memmove(r->in, r->z.next_in, keep);
    size_t got = 0;
    if (!r->input_end) {
        errno = 0;
        got = fread(r->in + keep, 1, sizeof r->in - keep, r->file);
        if (got < sizeof r->in - keep) {
            if (ferror(r->file))
                return cnn_error("%s: read error after %lld bytes: %s", r->path, r->raw + (long long)got,
                                 errno ? strerror(errno) : "unknown error");
            r->input_end = 1;
        }
    }
    r->raw += (long long)got;
    r->z.next_in = r->in;
    r->z.avail_in = (uInt)(keep + got);
    return 0;
}

static void reader_close(Reader *r)
{
    if (!r) return;
    if (r->gzip) inflateEnd(&r->z);
    fclose(r->file);
    free(r);
}

static Reader *reader_open(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        cnn_error("%s: cannot open: it is a directory", path);
        return NULL;
    }
    Reader *r = calloc(1, sizeof *r); /* also sets zalloc, zfree, opaque to Z_NULL */
    if (!r) {
        cnn_error("%s: out of memory for a read buffer", path);
        return NULL;
    }
    errno = 0;
    r->file = fopen(path, "rb");
    if (!r->file) {
        cnn_error("%s: cannot open: %s", path, errno ? strerror(errno) : "unknown error");
        free(r);
        return NULL;
    }
    r->path = path;
    if (reader_refill(r) != 0) {
        reader_close(r);
        return NULL;
    }
    if (r->z.avail_in >= 2 && r->in[0] == GZIP_ID1 && r->in[1] == GZIP_ID2) {
        /* 16 + MAX_WBITS: expect a gzip header and trailer around the deflate data. */
        if (inflateInit2(&r->z, 16 + MAX_WBITS) != Z_OK) {
            cnn_error("%s: out of memory for the gzip decoder", path);
            reader_close(r); /* r->gzip is still 0: no decoder to end */
            return NULL;
        }
        r->gzip = 1;
        r->members = 1;
    }
    return r;
}

/* A gzip member has just ended (inflate has checked its CRC-32 and length):
 * what follows must be the end of the file or the start of another member. */
static int reader_after_member(Reader *r)
{
    if (r->z.avail_in < 2 && reader_refill(r) != 0) return -1;
    if (r->z.avail_in == 0) {
        r->done = 1;
        return 0;
    }
    if (r->z.avail_in >= 2 && r->z.next_in[0] == GZIP_ID1 && r->z.next_in[1] == GZIP_ID2) {
        r->members++;
        if (inflateReset(&r->z) != Z_OK)
            return cnn_error("%s: cannot restart the gzip decoder for member %d", r->path, r->members);
        return 0;
    }
    /* Not gzip: count what is left, to say how much does not belong. */
    long long end = r->raw - (long long)r->z.avail_in, extra = r->z.avail_in;
    r->z.avail_in = 0;
    while (!r->input_end) {
        if (reader_refill(r) != 0) return -1;
        extra += r->z.avail_in;
        r->z.avail_in = 0;
    }
    return cnn_error("%s: %lld byte%s of trailing data after the end of the gzip stream at byte "
                     "%lld of %lld",
                     r->path, extra, extra == 1 ? "" : "s", end, end + extra);
}

/* Produces the next data bytes into r->out[0 .. r->len); r->len = 0 at the
 * end of the data. A problem found while inflating is reported only once the
 * data before it has been handed out, so that callers meet it where it is
 * (after the last whole line, after the bytes an IDX header promised). */
static int reader_fill(Reader *r)
{
    r->pos = r->len = 0;
    if (r->failed) return cnn_error("%s", r->error);
    if (!r->gzip) {
        if (r->z.avail_in == 0 && reader_refill(r) != 0) return -1;
        r->out = r->in; /* hand the raw bytes out as they are */
        r->len = r->z.avail_in;
        r->z.avail_in = 0;
        r->data += (long long)r->len;
        return 0;
    }
    r->out = r->inflated;
    r->z.next_out = r->inflated;
    r->z.avail_out = sizeof r->inflated;
    int status = 0;
    while (status == 0 && r->z.avail_out > 0 && !r->done) {
        if (r->z.avail_in == 0 && reader_refill(r) != 0) {
            status = -1;
            break;
        }
        int ret = inflate(&r->z, Z_NO_FLUSH);
        long long data = r->data + (long long)(sizeof r->inflated - r->z.avail_out);
        if (ret == Z_STREAM_END)
            status = reader_after_member(r);
        else if (ret == Z_BUF_ERROR && r->z.avail_in == 0 && r->input_end)
            /* inflate wants more input and the file has none left. */
            status = cnn_error("%s: truncated: the gzip stream is cut off after %lld bytes of data, in "
                               "gzip member %d",
                               r->path, data, r->members);
        else if (ret == Z_MEM_ERROR)
            status = cnn_error("%s: out of memory while decompressing", r->path);
        else if (ret != Z_OK)
            status = cnn_error("%s: corrupt gzip data after %lld bytes of data, in gzip member %d: %s",
                               r->path, data, r->members, r->z.msg ? r->z.msg : "no details");
    }
    r->len = sizeof r->inflated - r->z.avail_out;
    r->data += (long long)r->len;
    if (status != 0) {
        if (r->len == 0) return -1;
        snprintf(r->error, sizeof r->error, "%s", cnn_last_error());
        r->failed = 1;
    }
    return 0;
}

/* Reads up to len data bytes into buf. Returns how many (< len only at the
 * end of the data), or -1 on error. */
static long long reader_read(Reader *r, void *buf, size_t len)
{
    unsigned char *p = buf;
    size_t done = 0;
    while (done < len) {
        if (r->pos == r->len) {
            if (reader_fill(r) != 0) return -1;
            if (r->len == 0) break;
        }
        size_t n = r->len - r->pos;
        if (n > len - done) n = len - done;
        memcpy(p + done, r->out + r->pos, n);
        r->pos += n;
        done += n;
    }
    return (long long)done;
}

/* 1 when every data byte has been read, 0 when more follow, -1 on error. */
static int reader_at_end(Reader *r)
{
    if (r->pos == r->len && reader_fill(r) != 0) return -1;
    return r->pos == r->len;
}

/* Reads one line, up to and including its '\n' but at most size - 1 bytes,
 * into line (NUL-terminated), its length into *len. Returns 1, 0 at the end
 * of the data (nothing read), or -1 on error. */
static int reader_gets(Reader *r, char *line, size_t size, size_t *len)
{
    size_t n = 0;
    while (n + 1 < size) {
        if (r->pos == r->len) {
            if (reader_fill(r) != 0) return -1;
            if (r->len == 0) break;
        }
        char c = (char)r->out[r->pos++];
        line[n++] = c;
        if (c == '\n') break;
    }
    line[n] = '\0';
    *len = n;
    return n > 0;
}

/* ---- digits ------------------------------------------------------------ */

enum { DIGITS_PIXELS = 64, DIGITS_FIELDS = DIGITS_PIXELS + 1, DIGITS_MAX = 16 };

/* Parses one line "p0,p1,...,p63,label\n" into pixels[64] and *label.
 * The line may end in "\n", "\r\n" or nothing (the last line of a file). */
static int parse_digits_line(const char *line, long lineno, const char *path,
                             unsigned char *pixels, unsigned char *label)
{
    if (line[0] == '\n' || (line[0] == '\r' && line[1] == '\n') || line[0] == '\0')
        return cnn_error("%s: line %ld is empty", path, lineno);
    long values[DIGITS_FIELDS];
    int nfields = 0;
    const char *p = line;
    for (;;) {
        char *end;
        errno = 0;
        long v = strtol(p, &end, 10);
        const char *q = end;
        while (*q == ' ' || *q == '\t' || *q == '\r') q++;
        if (end == p || (*q != ',' && *q != '\n' && *q != '\0')) {
            size_t len = strcspn(p, ",\r\n");
            if (len == 0) return cnn_error("%s: line %ld: field %d is empty", path, lineno, nfields + 1);
            if (len > 20) len = 20;
            return cnn_error("%s: line %ld: field %d is not an integer: \"%.*s\"", path, lineno,
                             nfields + 1, (int)len, p);
        }
        if (nfields < DIGITS_FIELDS) values[nfields] = errno == ERANGE ? LONG_MAX : v;
        nfields++;
        if (*q != ',') break;
        p = q + 1;
    }
    if (nfields != DIGITS_FIELDS)
        return cnn_error("%s: line %ld: expected %d fields (%d pixels and a label), found %d", path,
                         lineno, DIGITS_FIELDS, DIGITS_PIXELS, nfields);
    for (int i = 0; i < DIGITS_PIXELS; i++) {
        if (values[i] < 0 || values[i] > DIGITS_MAX)
            return cnn_error("%s: line %ld: pixel %d is %ld, out of range 0..%d", path, lineno, i,
                             values[i], DIGITS_MAX);
        pixels[i] = (unsigned char)values[i];
    }
    long y = values[DIGITS_PIXELS];
    if (y < 0 || y >= NUM_CLASSES)
        return cnn_error("%s: line %ld: label %ld is out of range 0..%d", path, lineno, y,
                         NUM_CLASSES - 1);
    *label = (unsigned char)y;
    return 0;
}

/* Adds to the reader's message (which names the file) how many whole lines
 * were read before the problem. */
static int error_after_line(long lineno)
{
    char message[1024];
    snprintf(message, sizeof message, "%s", cnn_last_error());
    if (lineno == 0) return cnn_error("%s (before the first line)", message);
    return cnn_error("%s (after line %ld)", message, lineno);
}

/* Reads every line of an open digits file into growing byte buffers. */
static int read_digits_lines(Reader *f, const char *path, unsigned char **pixels,
                             unsigned char **labels, int *count)
{
    char line[1024];
    size_t capacity = 0, len;
    long lineno = 0;
    int n = 0, got;
    while ((got = reader_gets(f, line, sizeof line, &len)) > 0) {
        lineno++;
        if (memchr(line, '\0', len))
            return cnn_error("%s: line %ld holds a NUL byte: this is not a text file", path, lineno);
        if (line[len - 1] != '\n' && len == sizeof line - 1) {
            /* No newline and a full buffer: a long line, unless the data
             * ends right here (a last line without a final newline). */
            int end = reader_at_end(f);
            if (end < 0) return error_after_line(lineno - 1);
            if (!end)
                return cnn_error("%s: line %ld is longer than %zu characters", path, lineno,
                                 sizeof line - 2);
        }
        if (n == INT_MAX) return cnn_error("%s: more than %d lines", path, INT_MAX);
        if ((size_t)n == capacity) {
            size_t grown = capacity ? 2 * capacity : 1024;
            unsigned char *p = realloc(*pixels, grown * DIGITS_PIXELS);
            if (!p) return cnn_error("%s: out of memory at line %ld", path, lineno);
            *pixels = p;
            unsigned char *l = realloc(*labels, grown);
            if (!l) return cnn_error("%s: out of memory at line %ld", path, lineno);
            *labels = l;
            capacity = grown;
        }
        if (parse_digits_line(line, lineno, path, *pixels + (size_t)n * DIGITS_PIXELS, *labels + n))
            return -1;
        n++;
    }
    if (got < 0) return error_after_line(lineno);
    if (n == 0) return cnn_error("%s: no examples: the file is empty (0 lines)", path);
    *count = n;
    return 0;
}

int digits_load(Dataset *out, const char *path)
{
    memset(out, 0, sizeof *out);
    if (!path) return cnn_error("digits_load: no path given");
    Reader *f = reader_open(path);
    if (!f) return -1;
    unsigned char *pixels = NULL, *labels = NULL;
    int n = 0;
    int status = read_digits_lines(f, path, &pixels, &labels, &n);
    reader_close(f);
    if (status == 0)
        status = dataset_from_bytes(out, pixels, labels, n, 1, 8, 8, (float)DIGITS_MAX, "digits",
                                    digit_class_names, path);
    free(pixels);
    free(labels);
    return status;
}

/* ---- IDX (MNIST, Fashion-MNIST) ------------------------------------------ */

enum { IDX_UBYTE = 0x08, IDX_MAX_DIMS = 3 };

/* Reads the header of an IDX file that must hold unsigned bytes in ndim
 * dimensions (what names them, for messages) into dims[0..ndim-1]. */
static int idx_read_header(Reader *f, const char *path, int ndim, const char *what, int *dims)
{
    unsigned char head[4 + 4 * IDX_MAX_DIMS];
    long long got = reader_read(f, head, 4);
    if (got < 0) return -1;
    if (got == 0) return cnn_error("%s: the file is empty (no IDX header)", path);
    if (got < 4)
        return cnn_error("%s: truncated: the file ends after %lld of the 4 bytes of its magic number",
                         path, got);
    uint32_t magic = (uint32_t)head[0] << 24 | (uint32_t)head[1] << 16 | (uint32_t)head[2] << 8 | head[3];
    uint32_t expected = (uint32_t)IDX_UBYTE << 8 | (uint32_t)ndim;
    if (head[0] != 0 || head[1] != 0 || head[2] != IDX_UBYTE)
        return cnn_error("%s: bad magic number 0x%08X, expected 0x%08X (IDX, unsigned bytes, %d "
                         "dimension%s: %s); is this an IDX file?",
                         path, (unsigned)magic, (unsigned)expected, ndim, ndim == 1 ? "" : "s", what);
    if (head[3] != ndim)
        return cnn_error("%s: wrong magic number 0x%08X: it says %d dimensions, expected 0x%08X "
                         "with %d (%s)",
                         path, (unsigned)magic, head[3], (unsigned)expected, ndim, what);
    got = reader_read(f, head + 4, 4 * (size_t)ndim);
    if (got < 0) return -1;
    if (got < 4 * ndim)
        return cnn_error("%s: truncated: the header ends after %lld of its %d bytes (the magic number "
                         "and %d dimension size%s)",
                         path, 4 + got, 4 + 4 * ndim, ndim, ndim == 1 ? "" : "s");
    for (int i = 0; i < ndim; i++) {
        const unsigned char *b = head + 4 + 4 * i;
        uint32_t d = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
        if (d == 0 || d > INT_MAX)
            return cnn_error("%s: dimension %d of the header is %lu, expected 1..%d", path, i + 1,
                             (unsigned long)d, INT_MAX);
        dims[i] = (int)d;
    }
    return 0;
}

enum { IDX_EXTRA_COUNTED = 1 << 20 };

/* Reads exactly len data bytes that the header of path promised, into a
 * buffer grown as the data arrives, and checks that nothing follows them. */
static int idx_read_body(Reader *f, const char *path, size_t len, const char *what,
                         unsigned char **out)
{
    unsigned char *buf = NULL;
    size_t have = 0, capacity = 0;
    while (have < len) {
        if (have == capacity) {
            size_t grown = capacity ? 2 * capacity : ((size_t)1 << 20);
            if (grown > len) grown = len;
            unsigned char *p = realloc(buf, grown);
            if (!p) {
                free(buf);
                return cnn_error("%s: out of memory reading %zu bytes", path, len);
            }
            buf = p;
            capacity = grown;
        }
        long long got = reader_read(f, buf + have, capacity - have);
        if (got < 0) {
            free(buf);
            return -1;
        }
        if (got == 0) {
            free(buf);
            return cnn_error("%s: truncated: the header promises %zu %s bytes, the file holds %zu",
                             path, len, what, have);
        }
        have += (size_t)got;
    }
    /* Count what follows, up to a limit: a huge tail need not be read to
     * know that it is wrong. */
    unsigned char extra[4096];
    long long more = 0, got;
    while (more < IDX_EXTRA_COUNTED && (got = reader_read(f, extra, sizeof extra)) != 0) {
        if (got < 0) {
            free(buf);
            return -1;
        }
        more += got;
    }
    if (more > 0) {
        free(buf);
        return cnn_error("%s: extra bytes after the %zu %s bytes the header promises (%s%lld more)",
                         path, len, what, more >= IDX_EXTRA_COUNTED ? "at least " : "", more);
    }
    *out = buf;
    return 0;
}

int idx_load(Dataset *out, const char *images_path, const char *labels_path, const char *name)
{
    memset(out, 0, sizeof *out);
    if (!images_path || !labels_path) return cnn_error("idx_load: missing file name");
    if (!name) name = "idx";
    const char *const *class_names =
        strcmp(name, "fashion-mnist") == 0 ? fashion_class_names : digit_class_names;

    Reader *fi = reader_open(images_path);
    if (!fi) return -1;
    Reader *fl = reader_open(labels_path);
    if (!fl) {
        reader_close(fi);
        return -1;
    }
    unsigned char *pixels = NULL, *labels = NULL;
    int idims[3], ldims[1];
    int status = idx_read_header(fi, images_path, 3, "images: count, height, width", idims);
    if (status == 0) status = idx_read_header(fl, labels_path, 1, "labels: count", ldims);
    if (status == 0 && idims[0] != ldims[0])
        status = cnn_error("%s: holds %d labels but %s holds %d images", labels_path, ldims[0],
                           images_path, idims[0]);
    if (status == 0 && (size_t)idims[1] * (size_t)idims[2] > INT_MAX)
        status = cnn_error("%s: images of %dx%d are too large", images_path, idims[1], idims[2]);
    if (status == 0) status = idx_read_body(fl, labels_path, (size_t)ldims[0], "label", &labels);
    for (int i = 0; status == 0 && i < ldims[0]; i++)
        if (labels[i] >= NUM_CLASSES)
            status = cnn_error("%s: label %d of example %d is out of range 0..%d", labels_path,
                               labels[i], i, NUM_CLASSES - 1);
    if (status == 0)
        status = idx_read_body(fi, images_path, (size_t)idims[0] * (size_t)idims[1] * (size_t)idims[2],
                               "pixel", &pixels);
    reader_close(fi);
    reader_close(fl);
    if (status == 0)
        status = dataset_from_bytes(out, pixels, labels, idims[0], 1, idims[1], idims[2], 255.0f,
                                    name, class_names, images_path);
    free(pixels);
    free(labels);
    return status;
}

/* ---- CIFAR-10 binary batches --------------------------------------------- */

enum { CIFAR_SIDE = 32, CIFAR_PIXELS = 3 * CIFAR_SIDE * CIFAR_SIDE, CIFAR_RECORD = 1 + CIFAR_PIXELS };

/* Checks that path is a non-empty whole number of records; *records = how many. */
static int cifar_count_records(const char *path, long long *records)
{
    struct stat st;
    if (stat(path, &st) != 0) return cnn_error("%s: cannot open: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode)) return cnn_error("%s: not a regular file", path);
    long long size = (long long)st.st_size;
    if (size == 0) return cnn_error("%s: the file is empty: no records", path);
    if (size % CIFAR_RECORD != 0)
        return cnn_error("%s: size %lld bytes is not a multiple of the %d-byte record (1 label + "
                         "%d pixels): truncated or not a CIFAR-10 batch",
                         path, size, CIFAR_RECORD, CIFAR_PIXELS);
    *records = size / CIFAR_RECORD;
    return 0;
}

/* Reads `records` records of path into pixels and labels, checking labels. */
static int cifar_read_file(const char *path, long long records, unsigned char *pixels,
                           unsigned char *labels)
{
    errno = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return cnn_error("%s: cannot open: %s", path, strerror(errno));
    unsigned char record[CIFAR_RECORD];
    int status = 0;
    for (long long r = 0; r < records; r++) {
        if (fread(record, 1, CIFAR_RECORD, f) != CIFAR_RECORD) {
            status = cnn_error("%s: truncated: record %lld of %lld could not be read", path, r, records);
            break;
        }
        if (record[0] >= NUM_CLASSES) {
            status = cnn_error("%s: record %lld: label %d is out of range 0..%d", path, r, record[0],
                               NUM_CLASSES - 1);
            break;
        }
        labels[r] = record[0];
        memcpy(pixels + (size_t)r * CIFAR_PIXELS, record + 1, CIFAR_PIXELS);
    }
    fclose(f);
    return status;
}

int cifar10_load_batches(Dataset *out, const char *const *paths, int npaths)
{
    memset(out, 0, sizeof *out);
    if (!paths || npaths < 1) return cnn_error("cifar10_load_batches: no batch files given");
    long long total = 0;
    for (int i = 0; i < npaths; i++) {
        long long records;
        if (!paths[i]) return cnn_error("cifar10_load_batches: batch file %d has no name", i);
        if (cifar_count_records(paths[i], &records)) return -1;
        total += records;
        if (total > INT_MAX) return cnn_error("%s: more than %d records in all", paths[i], INT_MAX);
    }
    unsigned char *pixels = malloc((size_t)total * CIFAR_PIXELS);
    unsigned char *labels = malloc((size_t)total);
    int status = 0;
    if (!pixels || !labels) status = cnn_error("%s: out of memory for %lld records", paths[0], total);
    long long done = 0;
    for (int i = 0; status == 0 && i < npaths; i++) {
        long long records;
        status = cifar_count_records(paths[i], &records);
        if (status == 0 && done + records > total)
            status = cnn_error("%s: the file grew while it was being read", paths[i]);
        if (status == 0)
            status = cifar_read_file(paths[i], records, pixels + (size_t)done * CIFAR_PIXELS, labels + done);
        done += records;
    }
    if (status == 0 && done != total)
        status = cnn_error("%s: the files shrank while they were being read", paths[0]);
    if (status == 0)
        status = dataset_from_bytes(out, pixels, labels, (int)total, 3, CIFAR_SIDE, CIFAR_SIDE,
                                    255.0f, "cifar10", cifar10_class_names, paths[0]);
    free(pixels);
    free(labels);
    return status;
}

/* ---- splits and subsets -------------------------------------------------- */

int dataset_gather(Dataset *out, const Dataset *src, const int *idx, int count)
{
    if (!src || !src->images || !src->labels)
        return cnn_error("dataset_gather: the source dataset is empty");
    if (!idx || count < 1) return cnn_error("dataset_gather: %s: no indices given", src->name);
    for (int i = 0; i < count; i++)
        if (idx[i] < 0 || idx[i] >= src->count)
            return cnn_error("dataset_gather: %s: index %d (position %d) is out of range 0..%d",
                             src->name, idx[i], i, src->count - 1);
    const Tensor *x = src->images;
    Dataset d = {0};
    d.images = tensor_new(count, x->c, x->h, x->w);
    d.labels = malloc((size_t)count * sizeof *d.labels);
    if (!d.images || !d.labels) {
        dataset_free(&d);
        return cnn_error("dataset_gather: %s: out of memory for %d examples", src->name, count);
    }
    size_t image_size = (size_t)x->c * (size_t)x->h * (size_t)x->w;
    for (int i = 0; i < count; i++) {
        memcpy(tensor_image(d.images, i), tensor_image(x, idx[i]), image_size * sizeof(float));
        d.labels[i] = src->labels[idx[i]];
    }
    d.count = count;
    d.classes = src->classes;
    memcpy(d.name, src->name, sizeof d.name);
    d.class_names = src->class_names;
    *out = d;
    return 0;
}

/* One set on its own: examples, as many labels as images, labels in range. */
static int check_set(const Dataset *d, const char *which, const char *file)
{
    if (!d->images || !d->labels || d->count < 1)
        return cnn_error("%s: the %s set is empty (%d examples)", file, which, d->count);
    const Tensor *x = d->images;
    if (x->n != d->count)
        return cnn_error("%s: the %s set has %d labels but %d images", file, which, d->count, x->n);
    if (d->classes < 1)
        return cnn_error("%s: the %s set has %d classes, expected at least 1", file, which, d->classes);
    for (int i = 0; i < d->count; i++)
        if (d->labels[i] < 0 || d->labels[i] >= d->classes)
            return cnn_error("%s: label %d of %s example %d is out of range 0..%d", file, d->labels[i],
                             which, i, d->classes - 1);
    return 0;
}

int dataset_check_split(const Dataset *train, const Dataset *test, const char *train_file,
                        const char *test_file)
{
    if (!train_file) train_file = "the train set";
    if (!test_file) test_file = "the test set";
    if (!train || !test) return cnn_error("dataset_check_split: no train or no test set given");
    if (check_set(train, "train", train_file) || check_set(test, "test", test_file)) return -1;
    /* Programs size every buffer from the train images and then run the
     * test images through them: a test set of another shape would be read
     * or written out of bounds, so it must be refused here. */
    const Tensor *a = train->images, *b = test->images;
    if (a->c != b->c || a->h != b->h || a->w != b->w)
        return cnn_error("%s: the test images are %dx%dx%d but the train images (%s) are %dx%dx%d: "
                         "the two sets must agree",
                         test_file, b->c, b->h, b->w, train_file, a->c, a->h, a->w);
    if (train->classes != test->classes)
        return cnn_error("%s: the test set has %d classes but the train set (%s) has %d: the two sets "
                         "must agree",
                         test_file, test->classes, train_file, train->classes);
    return 0;
}

/* path = dir/file; fails when it does not fit. */
static int join_path(char *path, size_t size, const char *dir, const char *file)
{
    int len = snprintf(path, size, "%s/%s", dir, file);
    if (len < 0 || (size_t)len >= size) return cnn_error("%s/%s: path too long", dir, file);
    return 0;
}

/* Fails with "how to get it" when the file a dataset starts with is absent. */
static int require_file(const char *path, const char *dataset, const char *how)
{
    struct stat st;
    if (stat(path, &st) == 0) return 0;
    return cnn_error("%s: not found (%s): the %s dataset is not there; %s", path, strerror(errno),
                     dataset, how);
}

static const char *const HOW_TO_FETCH =
    "run `make datasets` to fetch it (see datasets/README.md)";

enum { DIGITS_SPLIT_SEED = 0, DIGITS_SPLIT_MIN = 2 };

static int digits_split(Dataset *train, Dataset *test, const char *dir)
{
    char path[4096];
    if (join_path(path, sizeof path, dir, "digits.csv.gz")) return -1;
    if (require_file(path, "digits", "it ships with the workbook in datasets/: check the datasets directory"))
        return -1;
    Dataset all;
    if (digits_load(&all, path)) return -1;
    if (all.count < DIGITS_SPLIT_MIN) {
        int found = all.count; /* read before dataset_free zeroes it */
        dataset_free(&all);
        return cnn_error("%s: %d example%s; the train/test split needs at least %d (one for each side)",
                         path, found, found == 1 ? "" : "s", DIGITS_SPLIT_MIN);
    }
    int *order = malloc((size_t)all.count * sizeof *order);
    if (!order) {
        dataset_free(&all);
        return cnn_error("%s: out of memory", path);
    }
    for (int i = 0; i < all.count; i++) order[i] = i;
    Rng rng;
    rng_seed(&rng, DIGITS_SPLIT_SEED);
    rng_shuffle_ints(&rng, order, all.count);
    /* 4/5 train, the rest test: 1,437 / 360 for the 1,797 digits. */
    int ntrain = (int)((long long)all.count * 4 / 5);
    int status = dataset_gather(train, &all, order, ntrain);
    if (status == 0) status = dataset_gather(test, &all, order + ntrain, all.count - ntrain);
    free(order);
    dataset_free(&all);
    if (status == 0) status = dataset_check_split(train, test, path, path);
    return status;
}

static int fashion_split(Dataset *train, Dataset *test, const char *dir)
{
    static const char *const files[4] = {
        "fashion-mnist/train-images-idx3-ubyte.gz", "fashion-mnist/train-labels-idx1-ubyte.gz",
        "fashion-mnist/t10k-images-idx3-ubyte.gz", "fashion-mnist/t10k-labels-idx1-ubyte.gz",
    };
    char paths[4][4096];
    for (int i = 0; i < 4; i++) {
        if (join_path(paths[i], sizeof paths[i], dir, files[i])) return -1;
        if (require_file(paths[i], "Fashion-MNIST", HOW_TO_FETCH)) return -1;
    }
    if (idx_load(train, paths[0], paths[1], "fashion-mnist")) return -1;
    if (idx_load(test, paths[2], paths[3], "fashion-mnist")) return -1;
    return dataset_check_split(train, test, paths[0], paths[2]);
}

static int cifar10_split(Dataset *train, Dataset *test, const char *dir)
{
    static const char *const files[6] = {
        "cifar-10-batches-bin/data_batch_1.bin", "cifar-10-batches-bin/data_batch_2.bin",
        "cifar-10-batches-bin/data_batch_3.bin", "cifar-10-batches-bin/data_batch_4.bin",
        "cifar-10-batches-bin/data_batch_5.bin", "cifar-10-batches-bin/test_batch.bin",
    };
    char paths[6][4096];
    const char *train_paths[5];
    for (int i = 0; i < 6; i++) {
        if (join_path(paths[i], sizeof paths[i], dir, files[i])) return -1;
        if (require_file(paths[i], "CIFAR-10", HOW_TO_FETCH)) return -1;
        if (i < 5) train_paths[i] = paths[i];
    }
    const char *test_paths[1] = {paths[5]};
    if (cifar10_load_batches(train, train_paths, 5)) return -1;
    if (cifar10_load_batches(test, test_paths, 1)) return -1;
    return dataset_check_split(train, test, paths[0], paths[5]);
}

int dataset_load_split(Dataset *train, Dataset *test, const char *name, const char *datasets_dir)
{
    memset(train, 0, sizeof *train);
    memset(test, 0, sizeof *test);
    if (!name || !datasets_dir) return cnn_error("dataset_load_split: missing dataset name or directory");
    int status;
    if (strcmp(name, "digits") == 0)
        status = digits_split(train, test, datasets_dir);
    else if (strcmp(name, "fashion-mnist") == 0)
        status = fashion_split(train, test, datasets_dir);
    else if (strcmp(name, "cifar10") == 0)
        status = cifar10_split(train, test, datasets_dir);
    else
        return cnn_error("unknown dataset \"%s\": expected digits, fashion-mnist or cifar10", name);
    if (status != 0) {
        dataset_free(train);
        dataset_free(test);
    }
    return status;
}
