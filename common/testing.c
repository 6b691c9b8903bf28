/* GIVEN -- read it, don't edit it.
 *
 * testing.c -- tensor comparison reports and small fixtures for the tests. */
#include "testing.h"

#include "error.h"
#include "npy.h"
#include "rng.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAP_MAX = 32 };

typedef struct {
    char *buf;
    size_t size, used;
} Report;

static void report_add(Report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report_add(Report *r, const char *fmt, ...)
{
    if (!r->buf || r->used + 1 >= r->size) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(r->buf + r->used, r->size - r->used, fmt, ap);
    va_end(ap);
    if (n > 0) r->used += (size_t)n;
    if (r->used >= r->size) r->used = r->size - 1;
}

static void unravel(const Tensor *t, size_t i, int idx[4])
{
    idx[3] = (int)(i % (size_t)t->w); i /= (size_t)t->w;
    idx[2] = (int)(i % (size_t)t->h); i /= (size_t)t->h;
    idx[1] = (int)(i % (size_t)t->c); i /= (size_t)t->c;
    idx[0] = (int)i;
}

bool tensor_close(const Tensor *got, const Tensor *expected, float atol, float rtol,
                  const char *what, char *report, size_t report_size)
{
    Report r = {report, report_size, 0};
    if (report && report_size) report[0] = '\0';
    char gs[64], es[64];
    if (!got || !got->data) {
        report_add(&r, "%s: no tensor was produced (NULL)", what);
        return false;
    }
    Tensor g4 = *got, e4 = *expected;
    g4.ndim = e4.ndim = 4;
    if (memcmp(got->dim, expected->dim, sizeof got->dim) != 0) {
        report_add(&r, "%s: wrong shape: expected %s, got %s", what,
                   tensor_shape_str(&e4, es, sizeof es), tensor_shape_str(&g4, gs, sizeof gs));
        return false;
    }
    size_t size = tensor_size(expected), bad = 0, first = 0, argmax = 0;
    double max_abs = 0.0, max_rel = 0.0;
    bool map[MAP_MAX][MAP_MAX] = {{false}};
    for (size_t i = 0; i < size; i++) {
        double e = expected->data[i], g = got->data[i];
        double err = fabs(g - e);
        bool ok = err <= (double)atol + (double)rtol * fabs(e); /* false for NaN */
        if (!ok || isnan(err)) {
            if (bad++ == 0) first = i;
            int idx[4];
            unravel(expected, i, idx);
            if (idx[2] < MAP_MAX && idx[3] < MAP_MAX) map[idx[2]][idx[3]] = true;
            if (isnan(err)) err = INFINITY;
        }
        if (err > max_abs) { max_abs = err; argmax = i; }
        double rel = err / fmax(fabs(e), 1e-12);
        if (rel > max_rel) max_rel = rel;
    }
    if (bad == 0) return true;
    int f[4], m[4];
    unravel(expected, first, f);
    unravel(expected, argmax, m);
    report_add(&r, "%s %s: %zu of %zu values are wrong (atol %g, rtol %g)\n", what,
               tensor_shape_str(&e4, es, sizeof es), bad, size, (double)atol, (double)rtol);
    report_add(&r, "  first bad index (n,c,h,w) = (%d,%d,%d,%d): expected %.6g, got %.6g\n",
               f[0], f[1], f[2], f[3], (double)expected->data[first], (double)got->data[first]);
    report_add(&r, "  max abs error %.6g at (%d,%d,%d,%d); max rel error %.3g\n",
               max_abs, m[0], m[1], m[2], m[3], max_rel);
    int rows = expected->h < MAP_MAX ? expected->h : MAP_MAX;
    int cols = expected->w < MAP_MAX ? expected->w : MAP_MAX;
    report_add(&r, "  positions wrong in any image/channel (X wrong, . right)%s:\n",
               rows < expected->h || cols < expected->w ? ", top-left 32x32 only" : "");
    for (int h = 0; h < rows; h++) {
        report_add(&r, "   ");
        for (int w = 0; w < cols; w++) report_add(&r, " %c", map[h][w] ? 'X' : '.');
        report_add(&r, "\n");
    }
    return false;
}

Tensor *test_tensor(int n, int c, int h, int w, const float *values)
{
    Tensor *t = tensor_new(n, c, h, w);
    cr_assert(t, "test_tensor: %s", cnn_last_error());
    memcpy(t->data, values, tensor_size(t) * sizeof(float));
    return t;
}

Tensor *test_random_tensor(int n, int c, int h, int w, unsigned long long seed)
{
    Tensor *t = tensor_new(n, c, h, w);
    cr_assert(t, "test_random_tensor: %s", cnn_last_error());
    Rng rng;
    rng_seed(&rng, seed);
    tensor_fill_uniform(t, &rng, -1.0f, 1.0f);
    return t;
}

Tensor *test_load_npy(const char *path)
{
    Tensor *t = npy_load_tensor(path);
    cr_assert(t, "could not load the reference %s: %s", path, cnn_last_error());
    return t;
}

const char *test_datasets_dir(void)
{
    const char *dir = getenv("CNN_DATASETS");
    return dir && *dir ? dir : "../../../datasets";
}

const char *test_temp_path(const char *name)
{
    static char path[4096];
    const char *dir = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/tmp", name);
    return path;
}
