/* GIVEN -- read it, don't edit it.
 *
 * testing.c -- tensor comparison reports, the picture of a mismatch, the
 * record of a test's tensors (for AddressSanitizer's reports) and small
 * fixtures for the tests. See testing.h. */
#include "testing.h"

#include "error.h"
#include "gradcheck.h"
#include "image.h"
#include "npy.h"
#include "rng.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define TESTING_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TESTING_ASAN 1
#endif
#endif
#ifdef TESTING_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

typedef struct {
    char *buf;
    size_t size, used;
} Report;

static void report_add(Report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report_add(Report *r, const char *fmt, ...)
{
    if (!r->buf || r->size == 0 || r->used + 1 >= r->size) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(r->buf + r->used, r->size - r->used, fmt, ap);
    va_end(ap);
    if (n > 0) r->used += (size_t)n;
    if (r->used >= r->size) r->used = r->size - 1;
}

/* (n, c, h, w) of flat index i of t; a negative or too large i gives the
 * index the formula would read it as (n < 0 or n >= N, the others in range). */
static void unravel(const Tensor *t, long long i, int idx[4])
{
    long long d[3] = {t->w, t->h, t->c};
    for (int k = 0; k < 3; k++) {
        long long q = i / d[k], rem = i % d[k];
        if (rem < 0) rem += d[k], q--; /* floor division, so -1 is the last w of image -1 */
        idx[3 - k] = (int)rem;
        i = q;
    }
    idx[0] = (int)i;
}

/* ---- the comparison report -------------------------------------------------- */

/* Values with |expected| at or below this carry no relative error worth
 * reporting: the tolerance there is atol, and any error divided by ~0 is huge. */
static double rel_threshold(float atol) { return 100.0 * (double)atol; }

static bool is_wrong(double g, double e, float atol, float rtol)
{
    return !(fabs(g - e) <= (double)atol + (double)rtol * fabs(e)); /* true for NaN */
}

/* True, with *factor, when every got value is one constant times its
 * expected value (see testing.h): over the values with |expected| above the
 * threshold the ratio is the same, and the others are about 0 in got too. A
 * single value counts only for a whole factor (gradcheck_whole_factor). */
static bool constant_factor(const Tensor *got, const Tensor *expected, float atol, float rtol, double *factor)
{
    size_t size = tensor_size(expected), used = 0;
    double thr = rel_threshold(atol), f = 0.0;
    for (size_t i = 0; i < size; i++) {
        double e = expected->data[i], g = got->data[i];
        if (!isfinite(g)) return false;
        if (fabs(e) <= thr || e == 0.0) continue;
        double q = g / e;
        if (used++ == 0) f = q;
        else if (fabs(q - f) > 1e-3 * fabs(f) + 1e-9) return false;
    }
    if (used == 0 || f == 0.0 || fabs(f - 1.0) <= (double)rtol + 1e-3) return false;
    for (size_t i = 0; i < size; i++) {
        double e = expected->data[i], g = got->data[i];
        if ((fabs(e) <= thr || e == 0.0) && fabs(g) > fabs(f) * thr + (double)atol) return false;
    }
    if (used == 1 && !gradcheck_whole_factor(f, 1e-3)) return false;
    *factor = f;
    return true;
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
    const size_t size = tensor_size(expected);
    const double thr = rel_threshold(atol);
    size_t bad = 0, first = 0, argmax = 0, rel_at = 0, rel_count = 0, nans = 0, zeros = 0;
    double max_abs = 0.0, max_rel = 0.0;
    bool cells[GRADCHECK_MAP_MAX][GRADCHECK_MAP_MAX] = {{false}};
    for (size_t i = 0; i < size; i++) {
        double e = expected->data[i], g = got->data[i];
        double err = fabs(g - e);
        if (isnan(g)) nans++;
        if (g == 0.0) zeros++;
        if (is_wrong(g, e, atol, rtol)) {
            if (bad++ == 0) first = i;
            int row, col;
            if (gradcheck_map_cell(expected, i, &row, &col)) cells[row][col] = true;
        }
        /* A NaN has no size: it is counted (and named below), and the
         * largest errors are those of the values that are numbers. */
        if (isnan(err)) continue;
        if (err > max_abs) { max_abs = err; argmax = i; }
        if (fabs(e) > thr && e != 0.0) {
            double rel = err / fabs(e);
            if (rel_count++ == 0 || rel > max_rel) { max_rel = rel; rel_at = i; }
        }
    }
    if (bad == 0) return true;
    int f[4], m[4], q[4];
    unravel(expected, (long long)first, f);
    unravel(expected, (long long)argmax, m);
    unravel(expected, (long long)rel_at, q);
    report_add(&r, "%s %s: %zu of %zu values are wrong (atol %g, rtol %g)\n", what,
               tensor_shape_str(expected, es, sizeof es), bad, size, (double)atol, (double)rtol);
    report_add(&r, "  first bad index (n,c,h,w) = (%d,%d,%d,%d): expected %.6g, got %.6g\n",
               f[0], f[1], f[2], f[3], (double)expected->data[first], (double)got->data[first]);
    if (nans < size) { /* all NaN: no number to measure, the NaN line below says it all */
        report_add(&r, "  max abs error %.6g at (%d,%d,%d,%d)%s; ", max_abs, m[0], m[1], m[2], m[3],
                   nans ? " (of the values that are not NaN)" : "");
        if (rel_count == 0)
            report_add(&r, "(relative error not meaningful: expected values are ~0)\n");
        else if (rel_count < size)
            report_add(&r, "max rel error %.3g at (%d,%d,%d,%d), over the %zu values with |expected| > %g\n",
                       max_rel, q[0], q[1], q[2], q[3], rel_count, thr);
        else
            report_add(&r, "max rel error %.3g at (%d,%d,%d,%d)\n", max_rel, q[0], q[1], q[2], q[3]);
    }
    double factor;
    if (nans == size) {
        report_add(&r, "  every value is NaN: never written (tests often start outputs as NaN), or "
                       "computed from a NaN\n");
    } else if (nans > 0) {
        report_add(&r, "  %zu of the values are NaN: never written (tests often start outputs as NaN), "
                       "or computed from a NaN\n", nans);
    } else if (zeros == size) {
        report_add(&r, "  every value is 0: was anything written (or written into another tensor)?\n");
    } else if (constant_factor(got, expected, atol, rtol, &factor)) {
        char named[512];
        if (size == 1) report_add(&r, "  the value is %.4g times the expected one", factor);
        else report_add(&r, "  every value is %.4g times the expected one (the same factor everywhere)", factor);
        if (gradcheck_name_factor(named, sizeof named, factor, 1e-3, expected, what) > 0)
            report_add(&r, ": %s\n", named);
        else
            report_add(&r, ": a constant factor is missing or extra\n");
    }
    gradcheck_map_draw(r.buf, r.size, &r.used, expected, cells);
    return false;
}

/* ---- the picture of a mismatch ------------------------------------------------ */

enum {
    PICTURE_MAX_PLANES = 4,     /* rows of panels drawn */
    PICTURE_MAX_SIDE = 256,     /* cells of a plane drawn in each direction */
    PICTURE_TARGET = 192,       /* pixels a panel aims at on its longer side */
    PICTURE_MAX_SCALE = 48,     /* pixels per cell at most */
    PICTURE_MAX_PER_TEST = 4,   /* pictures one test draws */
    FONT_W = 5, FONT_H = 7,     /* the built-in font's glyphs */
    TEXT_SCALE = 2,             /* its pixels are drawn 2x2 */
    CHAR_W = (FONT_W + 1) * TEXT_SCALE, LINE_H = (FONT_H + 2) * TEXT_SCALE,
    MARGIN = 12, GAP = 16, TITLE_GAP = 6,
};

/* A 5x7 font (rows top to bottom, bit 4 the leftmost pixel), so that the
 * labels need no font installed, and the PNG is written by image_write_png. Letters
 * are drawn in capitals. */
static const struct {
    char c;
    uint8_t rows[FONT_H];
} FONT[] = {
    {'A', {14, 17, 17, 31, 17, 17, 17}}, {'B', {30, 17, 17, 30, 17, 17, 30}},
    {'C', {14, 17, 16, 16, 16, 17, 14}}, {'D', {30, 17, 17, 17, 17, 17, 30}},
    {'E', {31, 16, 16, 30, 16, 16, 31}}, {'F', {31, 16, 16, 30, 16, 16, 16}},
    {'G', {14, 17, 16, 23, 17, 17, 15}}, {'H', {17, 17, 17, 31, 17, 17, 17}},
    {'I', {14, 4, 4, 4, 4, 4, 14}},      {'J', {7, 2, 2, 2, 2, 18, 12}},
    {'K', {17, 18, 20, 24, 20, 18, 17}}, {'L', {16, 16, 16, 16, 16, 16, 31}},
    {'M', {17, 27, 21, 21, 17, 17, 17}}, {'N', {17, 17, 25, 21, 19, 17, 17}},
    {'O', {14, 17, 17, 17, 17, 17, 14}}, {'P', {30, 17, 17, 30, 16, 16, 16}},
    {'Q', {14, 17, 17, 17, 21, 18, 13}}, {'R', {30, 17, 17, 30, 20, 18, 17}},
    {'S', {15, 16, 16, 14, 1, 1, 30}},   {'T', {31, 4, 4, 4, 4, 4, 4}},
    {'U', {17, 17, 17, 17, 17, 17, 14}}, {'V', {17, 17, 17, 17, 17, 10, 4}},
    {'W', {17, 17, 17, 21, 21, 21, 10}}, {'X', {17, 17, 10, 4, 10, 17, 17}},
    {'Y', {17, 17, 10, 4, 4, 4, 4}},     {'Z', {31, 1, 2, 4, 8, 16, 31}},
    {'0', {14, 17, 19, 21, 25, 17, 14}}, {'1', {4, 12, 4, 4, 4, 4, 14}},
    {'2', {14, 17, 1, 2, 4, 8, 31}},     {'3', {31, 2, 4, 2, 1, 17, 14}},
    {'4', {2, 6, 10, 18, 31, 2, 2}},     {'5', {31, 16, 30, 1, 1, 17, 14}},
    {'6', {6, 8, 16, 30, 17, 17, 14}},   {'7', {31, 1, 2, 4, 8, 8, 8}},
    {'8', {14, 17, 17, 14, 17, 17, 14}}, {'9', {14, 17, 17, 15, 1, 2, 12}},
    {'(', {2, 4, 8, 8, 8, 4, 2}},        {')', {8, 4, 2, 2, 2, 4, 8}},
    {'[', {14, 8, 8, 8, 8, 8, 14}},      {']', {14, 2, 2, 2, 2, 2, 14}},
    {',', {0, 0, 0, 0, 6, 4, 8}},        {'.', {0, 0, 0, 0, 0, 12, 12}},
    {'-', {0, 0, 0, 31, 0, 0, 0}},       {'+', {0, 4, 4, 31, 4, 4, 0}},
    {'=', {0, 0, 31, 0, 31, 0, 0}},      {'|', {4, 4, 4, 4, 4, 4, 4}},
    {':', {0, 12, 12, 0, 12, 12, 0}},    {';', {0, 12, 12, 0, 12, 4, 8}},
    {'/', {1, 1, 2, 4, 8, 16, 16}},
    {'<', {2, 4, 8, 16, 8, 4, 2}},       {'>', {8, 4, 2, 1, 2, 4, 8}},
    {'%', {24, 25, 2, 4, 8, 19, 3}},     {'*', {0, 4, 21, 14, 21, 4, 0}},
    {'!', {4, 4, 4, 4, 4, 0, 4}},        {'\'', {4, 4, 8, 0, 0, 0, 0}},
    {'_', {0, 0, 0, 0, 0, 0, 31}},       {'?', {14, 17, 1, 2, 4, 0, 4}},
};

typedef struct {
    uint8_t *rgb;
    int width, height;
} Canvas;

typedef struct {
    uint8_t r, g, b;
} Colour;

static const Colour BACKGROUND = {36, 40, 56}, TEXT = {235, 235, 235}, FRAME = {150, 150, 175},
                    NAN_RED = {230, 30, 30};

static void put_pixel(Canvas *cv, int x, int y, Colour c)
{
    if (x < 0 || y < 0 || x >= cv->width || y >= cv->height) return;
    uint8_t *p = cv->rgb + ((size_t)y * (size_t)cv->width + (size_t)x) * 3;
    p[0] = c.r, p[1] = c.g, p[2] = c.b;
}

static void fill_rect(Canvas *cv, int x, int y, int w, int h, Colour c)
{
    for (int j = y; j < y + h; j++)
        for (int i = x; i < x + w; i++) put_pixel(cv, i, j, c);
}

static void draw_text(Canvas *cv, int x, int y, const char *s)
{
    for (; *s; s++, x += CHAR_W) {
        char ch = *s >= 'a' && *s <= 'z' ? (char)(*s - 'a' + 'A') : *s;
        const uint8_t *rows = NULL;
        for (size_t k = 0; k < sizeof FONT / sizeof FONT[0]; k++)
            if (FONT[k].c == ch) rows = FONT[k].rows;
        if (!rows) continue; /* a space, or a character the font lacks */
        for (int r = 0; r < FONT_H; r++)
            for (int b = 0; b < FONT_W; b++)
                if (rows[r] & (1 << (FONT_W - 1 - b)))
                    fill_rect(cv, x + b * TEXT_SCALE, y + r * TEXT_SCALE, TEXT_SCALE, TEXT_SCALE, TEXT);
    }
}

static int text_width(const char *s) { return (int)strlen(s) * CHAR_W; }

static Colour grey(double v)
{
    uint8_t g = v <= 0.0 ? 0 : v >= 1.0 ? 255 : (uint8_t)(v * 255.0 + 0.5);
    return (Colour){g, g, g};
}

/* How a tensor is laid out in the picture: planes of rows x cols cells,
 * the same reading as the text map (gradcheck_map_cell). */
typedef struct {
    int planes, rows, cols;
    bool images; /* planes are (n, c) images; else one grid of n x c or a row */
} View;

static View view_of(const Tensor *t)
{
    if ((size_t)t->h * (size_t)t->w > 1) return (View){t->n * t->c, t->h, t->w, true};
    if (t->ndim == 1) return (View){1, 1, t->n, false};
    return (View){1, t->n, t->c, false};
}

static size_t view_index(const Tensor *t, View v, int plane, int r, int c)
{
    if (v.images) return ((size_t)plane * (size_t)t->h + (size_t)r) * (size_t)t->w + (size_t)c;
    return (size_t)r * (size_t)v.cols + (size_t)c;
}

/* Draws got against expected into an RGB canvas; *note receives what the
 * message says about it. Returns false when memory runs out. */
static bool draw_mismatch(Canvas *cv, const Tensor *got, const Tensor *expected, float atol, float rtol,
                          char *note, size_t note_size)
{
    View v = view_of(expected);
    int shown[PICTURE_MAX_PLANES], nshown = 0, wrong_planes = 0;
    double max_err = 0.0;
    for (int p = 0; p < v.planes; p++) {
        bool any = false;
        for (int r = 0; r < v.rows; r++)
            for (int c = 0; c < v.cols; c++) {
                size_t i = view_index(expected, v, p, r, c);
                double e = expected->data[i], g = got->data[i], err = fabs(g - e);
                if (isfinite(err) && err > max_err) max_err = err;
                if (is_wrong(g, e, atol, rtol)) any = true;
            }
        if (!any) continue;
        if (nshown < PICTURE_MAX_PLANES) shown[nshown++] = p;
        wrong_planes++;
    }
    const int rows = v.rows < PICTURE_MAX_SIDE ? v.rows : PICTURE_MAX_SIDE;
    const int cols = v.cols < PICTURE_MAX_SIDE ? v.cols : PICTURE_MAX_SIDE;
    int scale = PICTURE_TARGET / (rows > cols ? rows : cols);
    scale = scale < 1 ? 1 : scale > PICTURE_MAX_SCALE ? PICTURE_MAX_SCALE : scale;
    const char *titles[3] = {"expected", "got", "|difference|"};
    int col_w = cols * scale;
    if (col_w < text_width(titles[2])) col_w = text_width(titles[2]);

    char legend[6][128];
    int nlegend = 0;
    if (max_err > 0.0)
        snprintf(legend[nlegend++], sizeof legend[0], "|difference|: white = %.3g, the largest error", max_err);
    snprintf(legend[nlegend++], sizeof legend[0], "dark: within tolerance, grey to white: wrong");
    if (wrong_planes > nshown)
        snprintf(legend[nlegend++], sizeof legend[0], "%d of the %d planes with wrong values shown", nshown,
                 wrong_planes);
    if (rows < v.rows || cols < v.cols)
        snprintf(legend[nlegend++], sizeof legend[0], "top-left %dx%d cells of each plane", rows, cols);

    /* Each plane's grey scale: expected's range; got shares it when its
     * values lie within half a range of it (then equal greys are equal
     * values), else got has its own, so a scaled or garbage plane still
     * shows its pattern (the label gives both). */
    char labels[PICTURE_MAX_PLANES][200];
    double lo[PICTURE_MAX_PLANES], hi[PICTURE_MAX_PLANES], glo[PICTURE_MAX_PLANES], ghi[PICTURE_MAX_PLANES];
    bool any_nan = false;
    int width = 2 * MARGIN + 3 * col_w + 2 * GAP;
    for (int k = 0; k < nshown; k++) {
        lo[k] = glo[k] = INFINITY, hi[k] = ghi[k] = -INFINITY;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) {
                size_t i = view_index(expected, v, shown[k], r, c);
                double e = expected->data[i], g = got->data[i];
                if (!isfinite(e) || !isfinite(g)) any_nan = true;
                if (isfinite(e)) lo[k] = fmin(lo[k], e), hi[k] = fmax(hi[k], e);
                if (isfinite(g)) glo[k] = fmin(glo[k], g), ghi[k] = fmax(ghi[k], g);
            }
        if (!(hi[k] >= lo[k])) lo[k] = -1.0, hi[k] = 1.0; /* no finite value */
        if (hi[k] == lo[k]) lo[k] -= 1.0, hi[k] += 1.0;   /* a constant plane */
        const double half = 0.5 * (hi[k] - lo[k]);
        bool shared = !(ghi[k] >= glo[k]) || (glo[k] >= lo[k] - half && ghi[k] <= hi[k] + half);
        if (shared) {
            glo[k] = lo[k], ghi[k] = hi[k];
        } else if (ghi[k] == glo[k]) {
            glo[k] -= 1.0, ghi[k] += 1.0;
        }
        char plane[64], scale_text[128];
        if (v.images) snprintf(plane, sizeof plane, "n=%d c=%d", shown[k] / expected->c, shown[k] % expected->c);
        else if (v.rows > 1) snprintf(plane, sizeof plane, "rows n, columns c");
        else snprintf(plane, sizeof plane, "elements in order");
        if (shared) snprintf(scale_text, sizeof scale_text, "black %.3g, white %.3g", lo[k], hi[k]);
        else snprintf(scale_text, sizeof scale_text, "black/white %.3g/%.3g, got's %.3g/%.3g", lo[k], hi[k],
                      glo[k], ghi[k]);
        snprintf(labels[k], sizeof labels[k], "%s: %s", plane, scale_text);
        if (2 * MARGIN + text_width(labels[k]) > width) width = 2 * MARGIN + text_width(labels[k]);
    }
    if (any_nan) snprintf(legend[nlegend++], sizeof legend[0], "red: NaN or inf");
    for (int k = 0; k < nlegend; k++)
        if (2 * MARGIN + text_width(legend[k]) > width) width = 2 * MARGIN + text_width(legend[k]);
    const int block = LINE_H + rows * scale + GAP; /* one plane: its label, its panels */
    const int height = 2 * MARGIN + LINE_H + TITLE_GAP + nshown * block + nlegend * LINE_H;

    cv->width = width, cv->height = height;
    cv->rgb = malloc((size_t)width * (size_t)height * 3);
    if (!cv->rgb) return false;
    fill_rect(cv, 0, 0, width, height, BACKGROUND);
    for (int p = 0; p < 3; p++) draw_text(cv, MARGIN + p * (col_w + GAP), MARGIN, titles[p]);
    for (int k = 0; k < nshown; k++) {
        const int y0 = MARGIN + LINE_H + TITLE_GAP + k * block;
        draw_text(cv, MARGIN, y0, labels[k]);
        const int top = y0 + LINE_H;
        const double span = hi[k] - lo[k], got_span = ghi[k] - glo[k];
        for (int p = 0; p < 3; p++) {
            const int left = MARGIN + p * (col_w + GAP);
            fill_rect(cv, left - 1, top - 1, cols * scale + 2, rows * scale + 2, FRAME);
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++) {
                    size_t i = view_index(expected, v, shown[k], r, c);
                    double e = expected->data[i], g = got->data[i], err = fabs(g - e);
                    Colour colour;
                    if (p == 0) {
                        colour = isfinite(e) ? grey((e - lo[k]) / span) : NAN_RED;
                    } else if (p == 1) {
                        colour = isfinite(g) ? grey((g - glo[k]) / got_span) : NAN_RED;
                    } else if (!isfinite(err)) {
                        colour = NAN_RED;
                    } else {
                        double level = max_err > 0.0 ? err / max_err : 0.0;
                        /* Wrong cells never look right: at least grey. */
                        if (is_wrong(g, e, atol, rtol)) colour = grey(0.38 + 0.62 * level);
                        else colour = grey(level < 0.19 ? level : 0.19);
                    }
                    fill_rect(cv, left + c * scale, top + r * scale, scale, scale, colour);
                    if (scale >= 12) { /* a faint grid, to count cells by */
                        Colour line = {(uint8_t)(colour.r * 3 / 4 + 16), (uint8_t)(colour.g * 3 / 4 + 16),
                                       (uint8_t)(colour.b * 3 / 4 + 24)};
                        fill_rect(cv, left + c * scale, top + r * scale + scale - 1, scale, 1, line);
                        fill_rect(cv, left + c * scale + scale - 1, top + r * scale, 1, scale, line);
                    }
                }
        }
    }
    for (int k = 0; k < nlegend; k++)
        draw_text(cv, MARGIN, MARGIN + LINE_H + TITLE_GAP + nshown * block + k * LINE_H, legend[k]);
    snprintf(note, note_size, "expected | got | |difference| of %d plane%s with wrong values%s", nshown,
             nshown == 1 ? "" : "s",
             wrong_planes > nshown ? " (more in the tensor)" : "");
    return true;
}

/* The test's name as a file name: letters, digits, '_', '-' and '.' kept. */
static void picture_name(char *out, size_t size, int k)
{
    const struct criterion_test *t = criterion_current_test;
    char raw[256];
    snprintf(raw, sizeof raw, "%s.%s-%d", t && t->category ? t->category : "test", t && t->name ? t->name : "test", k);
    size_t j = 0;
    for (size_t i = 0; raw[i] && j + 1 < size; i++) {
        char c = raw[i];
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || c == '.';
        out[j++] = keep ? c : '_';
    }
    out[j] = '\0';
}

/* Draws the picture of a failed comparison and appends the "picture:" line. */
static void add_picture(Report *r, const Tensor *got, const Tensor *expected, float atol, float rtol)
{
    const char *dir = getenv("GRADER_FAILURES_DIR");
    if (!dir || !*dir) return; /* a test binary run by hand: no picture */
    static const struct criterion_test *counted_for;
    static int count;
    if (counted_for != criterion_current_test) counted_for = criterion_current_test, count = 0;
    if (++count > PICTURE_MAX_PER_TEST) {
        report_add(r, "\n  picture: not drawn (%d already for this test)", PICTURE_MAX_PER_TEST);
        return;
    }
    /* The core's error buffer is the test's: keep what it said. */
    char saved_error[1024];
    snprintf(saved_error, sizeof saved_error, "%s", cnn_last_error());
    char name[300], png[4096], note[160];
    picture_name(name, sizeof name, count);
    snprintf(png, sizeof png, "%s/%s.png", dir, name);
    Canvas cv = {0};
    /* Written directly (image_write_png): a test may draw several, and
     * starting ImageMagick for each cost about 75 ms. */
    if (!draw_mismatch(&cv, got, expected, atol, rtol, note, sizeof note))
        report_add(r, "\n  picture: not drawn (out of memory)");
    else if (image_write_png(png, cv.rgb, cv.width, cv.height) != 0)
        report_add(r, "\n  picture: not drawn (%.200s)", cnn_last_error());
    else
        report_add(r, "\n  picture: %s (%s)", png, note);
    free(cv.rgb);
    if (saved_error[0]) cnn_error("%s", saved_error);
    else cnn_clear_error();
}

bool tensor_close_pictured(const Tensor *got, const Tensor *expected, float atol, float rtol,
                           const char *what, char *report, size_t report_size)
{
    if (tensor_close(got, expected, atol, rtol, what, report, report_size)) return true;
    /* A missing or misshapen tensor has no picture: the message says it all. */
    if (!got || !got->data || memcmp(got->dim, expected->dim, sizeof got->dim) != 0) return false;
    Report r = {report, report_size, report ? strlen(report) : 0};
    while (r.used > 0 && report[r.used - 1] == '\n') report[--r.used] = '\0';
    add_picture(&r, got, expected, atol, rtol);
    return false;
}

/* ---- which tensor an address belongs to ----------------------------------------- */

enum { TRACK_MAX = 1024, SITE_MAX = 512, NOTE_MAX = 96 };

typedef struct {
    const float *data;   /* NULL: an empty slot */
    size_t count;
    int dim[4], ndim;
    const char *call;    /* "tensor_new", "test_load_npy", a helper's name */
    const char *file;    /* __FILE__ of the line that made it */
    int line, seq;       /* seq: how many tensors that line had made before */
    char note[NOTE_MAX]; /* "data/x.npy" for a loaded reference */
} Tracked;

static Tracked tracked[TRACK_MAX];
static size_t track_next, track_total;
static Tracked *track_last; /* the most recent record */
static struct {
    const char *file;
    int line, made;
} sites[SITE_MAX];

static int site_seq(const char *file, int line)
{
    for (int i = 0; i < SITE_MAX; i++) {
        if (!sites[i].file) {
            sites[i].file = file, sites[i].line = line, sites[i].made = 1;
            return 0;
        }
        if (sites[i].line == line && sites[i].file == file) return sites[i].made++;
    }
    return 0; /* more lines than the table holds: the name may be the wrong one of a line */
}

#ifdef TESTING_ASAN
static void on_asan_death(void);
#endif

Tensor *test_track_tensor(Tensor *t, const char *call, const char *file, int line)
{
    if (!t || !t->data) return t;
#ifdef TESTING_ASAN
    static bool hooked;
    if (!hooked) __sanitizer_set_death_callback(on_asan_death), hooked = true;
#endif
    size_t bytes = tensor_size(t) * sizeof(float);
    const char *start = (const char *)t->data, *end = start + bytes;
    /* The tensor just recorded, wrapped again by the helper that made it. */
    Tracked *slot = track_last && track_last->data == t->data && track_last->count == tensor_size(t) ? track_last
                                                                                                       : NULL;
    for (size_t i = 0; i < TRACK_MAX; i++) {
        Tracked *e = &tracked[i];
        if (!e->data || e == slot) continue;
        const char *s = (const char *)e->data, *f = s + e->count * sizeof(float);
        if (s < end && start < f) e->data = NULL; /* freed, and its memory given to t */
    }
    if (!slot) {
        slot = &tracked[track_next];
        track_next = (track_next + 1) % TRACK_MAX;
        track_total++;
        memset(slot, 0, sizeof *slot);
    }
    slot->data = t->data;
    slot->count = tensor_size(t);
    memcpy(slot->dim, t->dim, sizeof slot->dim);
    slot->ndim = t->ndim;
    slot->call = call;
    slot->file = file;
    slot->line = line;
    slot->seq = site_seq(file, line);
    track_last = slot;
    return t;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static bool ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Reads line `line` of the source file (its path as compiled, else its name
 * in the current folder, which is the tests folder when a test runs) into
 * out. No malloc: this runs while ASan ends the process. */
static bool source_line(const char *file, int line, char *out, size_t size)
{
    int fd = open(file, O_RDONLY);
    if (fd < 0) fd = open(base_name(file), O_RDONLY);
    if (fd < 0) return false;
    static char buf[4096];
    int at = 1;
    size_t used = 0;
    bool found = false;
    ssize_t got;
    while (!found && (got = read(fd, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < got; i++) {
            if (at == line && buf[i] != '\n' && used + 1 < size) out[used++] = buf[i];
            if (buf[i] == '\n' && at++ == line) {
                found = true;
                break;
            }
        }
    }
    close(fd);
    out[used] = '\0';
    return found || (at == line && used > 0);
}

/* The variable a tracked tensor was assigned to: in `Tensor *y = tensor_new(...)`
 * (the seq-th call of that line, counting the calls the line holds), "y";
 * also "c.x" and "t[3]". Searches the line and the three before it (a call
 * that spans lines). Empty when the line assigns nothing. */
static void tensor_name(const Tracked *e, char *out, size_t size)
{
    out[0] = '\0';
    char text[1024];
    size_t len = strlen(e->call);
    for (int back = 0; back < 4 && e->line - back > 0; back++) {
        if (!source_line(e->file, e->line - back, text, sizeof text)) return;
        const char *hits[16];
        int nhits = 0;
        for (const char *p = strstr(text, e->call); p && nhits < 16; p = strstr(p + 1, e->call)) {
            const char *q = p + len;
            while (*q == ' ') q++;
            if (*q == '(' && (p == text || !ident_char(p[-1]))) hits[nhits++] = p;
        }
        if (nhits == 0) continue;
        const char *p = hits[e->seq % nhits];
        while (p > text && p[-1] == ' ') p--;
        if (p == text || p[-1] != '=' || (p - 1 > text && strchr("=!<>+-*/%&|^", p[-2]))) return;
        const char *end = p - 1;
        while (end > text && end[-1] == ' ') end--;
        const char *start = end;
        while (start > text && (ident_char(start[-1]) || start[-1] == '.' || start[-1] == '[' ||
                                start[-1] == ']' || (start[-1] == '>' && start - 1 > text && start[-2] == '-')))
            start -= start[-1] == '>' ? 2 : 1;
        if (start < end) snprintf(out, size, "%.*s", (int)(end - start), start);
        return;
    }
}

bool test_explain_address(char *out, size_t size, const void *addr, size_t access_size, bool is_write,
                          const char *kind)
{
    if (!kind || strncmp(kind, "heap-", 5) != 0 || !out || size == 0) return false;
    (void)access_size;
    const char *a = addr;
    const char *access = is_write ? "a write" : "a read";
    /* The tensor whose floats are nearest: inside first, then within 4 KiB
     * either side (ASan's red zones around a block are at most that wide). */
    const Tracked *best = NULL;
    long long best_distance = 4096;
    for (size_t i = 0; i < TRACK_MAX; i++) {
        const Tracked *e = &tracked[i];
        if (!e->data) continue;
        const char *s = (const char *)e->data, *f = s + e->count * sizeof(float);
        long long distance = a < s ? (long long)(s - a) : a >= f ? (long long)(a - f) + 1 : 0;
        if (distance < best_distance) best = e, best_distance = distance;
    }
    if (!best) {
        snprintf(out, size, "%s at a heap address that is in or next to none of the %zu tensors this test made: "
                            "a buffer the code under test allocated itself?",
                 access, track_total < TRACK_MAX ? track_total : (size_t)TRACK_MAX);
        return true;
    }
    Tensor shape = {0};
    memcpy(shape.dim, best->dim, sizeof shape.dim);
    shape.ndim = best->ndim;
    char dims[64], name[96], who[256];
    tensor_shape_str(&shape, dims, sizeof dims);
    tensor_name(best, name, sizeof name);
    if (best->note[0])
        snprintf(who, sizeof who, "%s %s (%s by %s at %s:%d)", name[0] ? name : "the tensor", dims, best->note,
                 best->call, base_name(best->file), best->line);
    else
        snprintf(who, sizeof who, "%s %s (made by %s at %s:%d)", name[0] ? name : "a tensor", dims, best->call,
                 base_name(best->file), best->line);
    long long bytes = (long long)(a - (const char *)best->data);
    long long index = bytes >= 0 ? bytes / (long long)sizeof(float) : -((-bytes + 3) / (long long)sizeof(float));
    long long count = (long long)best->count;
    shape.ndim = 4;
    int at[4];
    unravel(&shape, index, at);
    if (index >= 0 && index < count) {
        snprintf(out, size, "%s inside %s at (n,c,h,w) = (%d,%d,%d,%d)%s", access, who, at[0], at[1], at[2], at[3],
                 strcmp(kind, "heap-use-after-free") == 0 ? ", after the tensor was freed" : "");
    } else if (index >= count) {
        size_t k = (size_t)(index - count + 1);
        snprintf(out, size, "%s %zu float%s past the end of %s: index %lld of its %lld, which the index formula "
                            "reads as (n,c,h,w) = (%d,%d,%d,%d), and n = %d is not below N = %d",
                 access, k, k == 1 ? "" : "s", who, index, count, at[0], at[1], at[2], at[3], at[0], shape.n);
    } else {
        size_t k = (size_t)(-index);
        snprintf(out, size, "%s %zu float%s before the start of %s: index %lld, which the index formula reads as "
                            "(n,c,h,w) = (%d,%d,%d,%d), and n = %d is below 0",
                 access, k, k == 1 ? "" : "s", who, index, at[0], at[1], at[2], at[3], at[0]);
    }
    return true;
}

#ifdef TESTING_ASAN
/* ASan has printed its report and is ending the process: add the line that
 * names the tensor (testing.h gives its format). */
static void on_asan_death(void)
{
    if (!__asan_report_present()) return; /* UBSan, or a leak report */
    static char line[600];
    static const char prefix[] = "grader-tensor: ";
    memcpy(line, prefix, sizeof prefix);
    size_t used = sizeof prefix - 1;
    if (!test_explain_address(line + used, 512, __asan_get_report_address(), __asan_get_report_access_size(),
                              __asan_get_report_access_type() != 0, __asan_get_report_description()))
        return;
    used += strlen(line + used);
    line[used++] = '\n';
    ssize_t w = write(2, line, used);
    (void)w;
}
#endif

/* ---- fixtures ------------------------------------------------------------------- */

Tensor *(test_tensor)(int n, int c, int h, int w, const float *values)
{
    Tensor *t = tensor_new(n, c, h, w);
    cr_assert(t, "test_tensor: %s", cnn_last_error());
    memcpy(t->data, values, tensor_size(t) * sizeof(float));
    return t;
}

Tensor *(test_random_tensor)(int n, int c, int h, int w, unsigned long long seed)
{
    Tensor *t = tensor_new(n, c, h, w);
    cr_assert(t, "test_random_tensor: %s", cnn_last_error());
    Rng rng;
    rng_seed(&rng, seed);
    tensor_fill_uniform(t, &rng, -1.0f, 1.0f);
    return t;
}

Tensor *(test_load_npy)(const char *path)
{
    Tensor *t = npy_load_tensor(path);
    cr_assert(t, "could not load the reference %s: %s", path, cnn_last_error());
    test_track_tensor(t, "test_load_npy", __FILE__, __LINE__);
    snprintf(track_last->note, NOTE_MAX, "loaded from %s", path);
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
