/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * pool_expect.c -- reference loading and argmax reports for chapter 04's tests. */
#include "pool_expect.h"

#include "error.h"
#include "gradcheck.h"
#include "npy.h"
#include "testing.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Tensor *(load_case)(const char *name, const char *what)
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

Tensor *(new_pool_output)(const Tensor *x, Pool2dParams p)
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

/* What is wrong with one argmax entry, judged only on what it holds. */
typedef enum {
    NEVER_WRITTEN,  /* still -1, the value new_argmax fills in */
    NOT_AN_INDEX,   /* outside x */
    WINDOW_OFFSET,  /* the expected max's offset inside the window (row * window_w + column) */
    PLANE_OFFSET,   /* the expected max's h * W + w */
    OUTSIDE,        /* another position outside this output's window (or plane) */
    TIE_LATER,      /* in the window, the same value as the max, after the first one */
    TIE_EARLIER,    /* in the window, the same value, before the expected one */
    SMALLER,        /* in the window, a smaller value */
    KINDS
} Kind;

static Kind classify(int32_t got, int32_t expected, const Tensor *x, const int o[4], Pool2dParams p)
{
    int g[4], e[4];
    if (got == -1) return NEVER_WRITTEN;
    if (!decode(x, got, g)) return NOT_AN_INDEX;
    decode(x, expected, e);
    const int h0 = o[2] * p.stride_h, w0 = o[3] * p.stride_w;
    bool inside = g[0] == o[0] && g[1] == o[1] && g[2] >= h0 && g[2] < h0 + p.window_h && g[3] >= w0 &&
                  g[3] < w0 + p.window_w;
    if (inside && x->data[got] == x->data[expected]) return got > expected ? TIE_LATER : TIE_EARLIER;
    /* An offset may by chance land inside the window; it is still the offset. */
    if (got == (e[2] - h0) * p.window_w + (e[3] - w0)) return WINDOW_OFFSET;
    if (got == e[2] * x->w + e[3]) return PLANE_OFFSET;
    return inside ? SMALLER : OUTSIDE;
}

static const char *const KIND_TEXT[KINDS] = {
    [NEVER_WRITTEN] = "never written (still -1, as the test filled it)",
    [NOT_AN_INDEX] = "not an index into x at all",
    [WINDOW_OFFSET] = "the maximum's position inside its window (row * window_w + column), not the flat index into x",
    [PLANE_OFFSET] = "the maximum's position in its (h, w) plane (h * W + w): n and c are missing from the flat index",
    [OUTSIDE] = "a position outside this output's window",
    [TIE_LATER] = "an equal value later in the window: a tie, and the LAST maximum won (replace the best only on a "
                  "strictly larger value)",
    [TIE_EARLIER] = "an equal value earlier in the window than the expected one (a tie the reference broke "
                    "differently: is the window's scan order row-major?)",
    [SMALLER] = "a value of the window smaller than its maximum",
};

bool argmax_equal(const int32_t *got, const int32_t *expected, const Tensor *x,
                  const Tensor *y, Pool2dParams p, const char *what, char *report,
                  size_t report_size)
{
    Report r = {report, report_size, 0};
    if (report && report_size) report[0] = '\0';
    const size_t count = tensor_size(y);
    size_t bad = 0, first = 0, kinds[KINDS] = {0};
    bool cells[GRADCHECK_MAP_MAX][GRADCHECK_MAP_MAX] = {{false}};
    for (size_t i = 0; i < count; i++) {
        if (got[i] == expected[i]) continue;
        if (bad++ == 0) first = i;
        int o[4], row, col;
        decode(y, (long long)i, o);
        kinds[classify(got[i], expected[i], x, o, p)]++;
        if (gradcheck_map_cell(y, i, &row, &col)) cells[row][col] = true;
    }
    if (bad == 0) return true;

    int o[4];
    decode(y, (long long)first, o);
    const int h0 = o[2] * p.stride_h, w0 = o[3] * p.stride_w;
    add(&r, "%s: %zu of %zu argmax indices are wrong (window %dx%d, stride %d,%d)\n", what, bad,
        count, p.window_h, p.window_w, p.stride_h, p.stride_w);
    add(&r, "  first wrong at output (n,c,ph,pw) = (%d,%d,%d,%d), whose window is x(%d,%d, rows %d..%d, cols %d..%d)\n",
        o[0], o[1], o[2], o[3], o[0], o[1], h0, h0 + p.window_h - 1, w0, w0 + p.window_w - 1);
    add(&r, "    expected ");
    describe(&r, x, expected[first]);
    add(&r, "\n    got      ");
    describe(&r, x, got[first]);
    add(&r, "\n  that is %s\n", KIND_TEXT[classify(got[first], expected[first], x, o, p)]);
    /* The other wrong entries, when they are not all of the first one's kind. */
    if (kinds[classify(got[first], expected[first], x, o, p)] < bad) {
        add(&r, "  the %zu wrong entries are:", bad);
        for (int k = 0; k < KINDS; k++)
            if (kinds[k]) add(&r, "\n    %zu %s", kinds[k], KIND_TEXT[k]);
        add(&r, "\n");
    } else if (bad > 1) {
        add(&r, "  and so are all %zu wrong entries\n", bad);
    }
    gradcheck_map_draw(r.buf, r.size, &r.used, y, cells);
    return false;
}
