/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * pool_expect.c -- reference loading and argmax reports for chapter 04's tests. */
#include "pool_expect.h"

#include "error.h"
#include "npy.h"
#include "testing.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAP_MAX = 32 };

Tensor *load_case(const char *name, const char *what)
{
    char path[256];
    snprintf(path, sizeof path, "data/%s_%s.npy", name, what);
    return test_load_npy(path);
}

int32_t *load_case_argmax(const char *name, size_t count)
{
    char path[256];
    snprintf(path, sizeof path, "data/%s_argmax.npy", name);
    NpyArray a;
    cr_assert(npy_read(&a, path) == 0, "could not load the reference %s: %s", path, cnn_last_error());
    cr_assert(a.dtype == NPY_I32 && a.count == count,
              "%s: expected %zu int32 indices, found %zu of another kind: rerun make_refs.py",
              path, count, a.count);
    return a.data; /* owned by the caller now; npy_array_free would free this */
}

Tensor *new_pool_output(const Tensor *x, Pool2dParams p)
{
    const int P = (x->h - p.window_h) / p.stride_h + 1;
    const int Q = (x->w - p.window_w) / p.stride_w + 1;
    Tensor *y = tensor_new(x->n, x->c, P, Q);
    cr_assert(y, "allocating y: %s", cnn_last_error());
    tensor_fill(y, NAN);
    return y;
}

int32_t *new_argmax(size_t count)
{
    int32_t *a = malloc(count * sizeof *a);
    cr_assert(a, "out of memory for %zu argmax entries", count);
    for (size_t i = 0; i < count; i++) a[i] = -1;
    return a;
}

typedef struct {
    char *buf;
    size_t size, used;
} Report;

static void add(Report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(Report *r, const char *fmt, ...)
{
    if (!r->buf || r->used + 1 >= r->size) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(r->buf + r->used, r->size - r->used, fmt, ap);
    va_end(ap);
    if (n > 0) r->used += (size_t)n;
    if (r->used >= r->size) r->used = r->size - 1;
}

/* (n, c, h, w) of a flat index into t, or false when it is outside t. */
static bool decode(const Tensor *t, long long i, int idx[4])
{
    idx[0] = idx[1] = idx[2] = idx[3] = 0; /* defined even when i is out of range */
    if (i < 0 || (size_t)i >= tensor_size(t)) return false;
    size_t k = (size_t)i;
    idx[3] = (int)(k % (size_t)t->w); k /= (size_t)t->w;
    idx[2] = (int)(k % (size_t)t->h); k /= (size_t)t->h;
    idx[1] = (int)(k % (size_t)t->c); k /= (size_t)t->c;
    idx[0] = (int)k;
    return true;
}

static void describe(Report *r, const Tensor *x, long long i)
{
    int at[4];
    if (decode(x, i, at))
        add(r, "%lld = x(%d,%d,%d,%d) holding %.6g", i, at[0], at[1], at[2], at[3],
            (double)x->data[i]);
    else
        add(r, "%lld, which is not an index into x (it has %zu elements)", i, tensor_size(x));
}

bool argmax_equal(const int32_t *got, const int32_t *expected, const Tensor *x,
                  const Tensor *y, Pool2dParams p, const char *what, char *report,
                  size_t report_size)
{
    Report r = {report, report_size, 0};
    if (report && report_size) report[0] = '\0';
    const size_t count = tensor_size(y);
    size_t bad = 0, first = 0;
    bool map[MAP_MAX][MAP_MAX] = {{false}};
    for (size_t i = 0; i < count; i++) {
        if (got[i] == expected[i]) continue;
        if (bad++ == 0) first = i;
        int o[4];
        decode(y, (long long)i, o);
        if (o[2] < MAP_MAX && o[3] < MAP_MAX) map[o[2]][o[3]] = true;
    }
    if (bad == 0) return true;

    int o[4], e[4], g[4];
    decode(y, (long long)first, o);
    decode(x, expected[first], e);
    const int h0 = o[2] * p.stride_h, w0 = o[3] * p.stride_w;
    add(&r, "%s: %zu of %zu argmax indices are wrong (window %dx%d, stride %d,%d)\n", what, bad,
        count, p.window_h, p.window_w, p.stride_h, p.stride_w);
    add(&r, "  first wrong at output (n,c,ph,pw) = (%d,%d,%d,%d), whose window is x(%d,%d, rows %d..%d, cols %d..%d)\n",
        o[0], o[1], o[2], o[3], o[0], o[1], h0, h0 + p.window_h - 1, w0, w0 + p.window_w - 1);
    add(&r, "    expected ");
    describe(&r, x, expected[first]);
    add(&r, "\n    got      ");
    describe(&r, x, got[first]);
    add(&r, "\n");
    if (got[first] == -1) {
        add(&r, "  -1 means this entry was never written\n");
    } else if (!decode(x, got[first], g) || g[0] != o[0] || g[1] != o[1] || g[2] < h0 ||
               g[2] >= h0 + p.window_h || g[3] < w0 || g[3] >= w0 + p.window_w) {
        add(&r, "  that index is outside the window: argmax must be the FLAT index into x "
                "(tensor_index(x, n, c, h, w)), not a position inside the window or the plane\n");
    } else if (x->data[got[first]] == x->data[expected[first]]) {
        add(&r, "  both hold the same value: a tie, and the FIRST maximum in row-major "
                "window order must win (replace only on a strictly larger value)\n");
    } else {
        add(&r, "  that index is in the window but does not hold its largest value\n");
    }
    int rows = y->h < MAP_MAX ? y->h : MAP_MAX, cols = y->w < MAP_MAX ? y->w : MAP_MAX;
    add(&r, "  outputs with a wrong argmax in any image/channel (X wrong, . right):\n");
    for (int h = 0; h < rows; h++) {
        add(&r, "   ");
        for (int w = 0; w < cols; w++) add(&r, " %c", map[h][w] ? 'X' : '.');
        add(&r, "\n");
    }
    return false;
}
