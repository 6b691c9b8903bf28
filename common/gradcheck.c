/* GIVEN -- read it, don't edit it.
 *
 * gradcheck.c -- central differences and the relative-error comparison
 * (chapter 05; used by the tests of every later chapter). See gradcheck.h. */
#include "gradcheck.h"

#include "error.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gradcheck_numeric(Tensor *numeric, Tensor *x, GradcheckFn f, void *ctx, float eps)
{
    if (!numeric || !x || !f)
        return cnn_error("gradcheck_numeric: a tensor or the function is missing (NULL)");
    if (tensor_size(numeric) != tensor_size(x))
        return cnn_error("gradcheck_numeric: numeric has %zu elements but x has %zu",
                         tensor_size(numeric), tensor_size(x));
    if (!(eps > 0.0f))
        return cnn_error("gradcheck_numeric: eps must be positive, got %g", (double)eps);
    size_t size = tensor_size(x);
    for (size_t i = 0; i < size; i++) {
        float saved = x->data[i];
        float plus = saved + eps, minus = saved - eps;
        x->data[i] = plus;
        double f_plus = f(ctx);
        x->data[i] = minus;
        double f_minus = f(ctx);
        x->data[i] = saved;
        /* plus - minus is the step float32 really took, not 2 * eps. */
        numeric->data[i] = (float)((f_plus - f_minus) / ((double)plus - (double)minus));
    }
    return 0;
}

double gradcheck_dot(const Tensor *y, const Tensor *g)
{
    double sum = 0.0;
    size_t size = tensor_size(y);
    for (size_t i = 0; i < size; i++) sum += (double)y->data[i] * (double)g->data[i];
    return sum;
}

double gradcheck_rel_error(double a, double b, double floor)
{
    double scale = fmax(fmax(fabs(a), fabs(b)), floor);
    return fabs(a - b) / scale;
}

typedef struct {
    char *buf;
    size_t size, used;
} Text;

static void text_add(Text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void text_add(Text *t, const char *fmt, ...)
{
    if (!t->buf || t->size == 0 || t->used + 1 >= t->size) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->used, t->size - t->used, fmt, ap);
    va_end(ap);
    if (n > 0) t->used += (size_t)n;
    if (t->used >= t->size) t->used = t->size - 1;
}

/* ---- the map of wrong elements ------------------------------------------- */

bool gradcheck_map_cell(const Tensor *t, size_t i, int *row, int *col)
{
    size_t plane = (size_t)t->h * (size_t)t->w;
    size_t r, c;
    if (plane > 1) { /* images: the (h, w) position, whatever n and c */
        r = i % plane / (size_t)t->w;
        c = i % (size_t)t->w;
    } else if (t->ndim == 1) { /* a vector: one row */
        r = 0;
        c = i;
    } else { /* [N, M] or [N, C, 1, 1]: rows are n, columns c */
        r = i / (size_t)t->c;
        c = i % (size_t)t->c;
    }
    if (r >= GRADCHECK_MAP_MAX || c >= GRADCHECK_MAP_MAX) return false;
    *row = (int)r;
    *col = (int)c;
    return true;
}

void gradcheck_map_draw(char *out, size_t size, size_t *used, const Tensor *t,
                        bool cells[GRADCHECK_MAP_MAX][GRADCHECK_MAP_MAX])
{
    Text text = {out, size, *used};
    size_t plane = (size_t)t->h * (size_t)t->w;
    int rows, cols;
    bool cut;
    if (plane > 1) {
        rows = t->h, cols = t->w;
        cut = rows > GRADCHECK_MAP_MAX || cols > GRADCHECK_MAP_MAX;
        text_add(&text, "  positions wrong in any image/channel (X wrong, . right)%s:\n",
                 cut ? ", top-left 32x32 only" : "");
    } else if (t->ndim == 1) {
        if (t->n < 2) return;
        rows = 1, cols = t->n;
        cut = cols > GRADCHECK_MAP_MAX;
        text_add(&text, "  elements wrong, in order (X wrong, . right)%s:\n", cut ? ", the first 32 only" : "");
    } else {
        if (t->n * t->c < 2) return;
        rows = t->n, cols = t->c;
        cut = rows > GRADCHECK_MAP_MAX || cols > GRADCHECK_MAP_MAX;
        text_add(&text, "  elements wrong (X wrong, . right), rows n = 0..%d, columns c = 0..%d%s:\n",
                 t->n - 1, t->c - 1, cut ? ", top-left 32x32 only" : "");
    }
    if (rows > GRADCHECK_MAP_MAX) rows = GRADCHECK_MAP_MAX;
    if (cols > GRADCHECK_MAP_MAX) cols = GRADCHECK_MAP_MAX;
    for (int r = 0; r < rows; r++) {
        text_add(&text, "   ");
        for (int c = 0; c < cols; c++) text_add(&text, " %c", cells[r][c] ? 'X' : '.');
        text_add(&text, "\n");
    }
    *used = text.used;
}

/* ---- naming a constant factor -------------------------------------------- */

/* The integer(s) after `key` in what: "window 3x2" gives 3 and 2, "window 3"
 * gives 3 and 3, "stride (1,2)" and "stride 1,2" give 1 and 2. False when
 * what does not name it. */
static bool read_pair(const char *what, const char *key, int *a, int *b)
{
    const char *p = what ? strstr(what, key) : NULL;
    if (!p) return false;
    p += strlen(key);
    while (*p == ' ' || *p == '(') p++;
    char *end;
    long x = strtol(p, &end, 10);
    if (end == p || x < 1 || x > 1000000) return false;
    long y = x;
    if (*end == 'x' || *end == ',') {
        const char *q = end + 1;
        long v = strtol(q, &end, 10);
        if (end != q && v >= 1 && v <= 1000000) y = v;
    }
    *a = (int)x;
    *b = (int)y;
    return true;
}

static bool same(double f, double value, double rel_tol) { return fabs(f - value) <= rel_tol * fabs(value); }

bool gradcheck_whole_factor(double f, double rel_tol)
{
    if (!isfinite(f) || f == 0.0) return false;
    if (same(f, -1.0, rel_tol)) return true;
    double k = fabs(f) >= 1.0 ? fabs(f) : 1.0 / fabs(f);
    return k >= 1.5 && same(k, round(k), rel_tol);
}

int gradcheck_name_factor(char *out, size_t size, double f, double rel_tol, const Tensor *t,
                          const char *what)
{
    Text text = {out, size, 0};
    if (out && size) out[0] = '\0';
    int found = 0;
#define NAME(...) (text_add(&text, "%s", found++ ? "; " : ""), text_add(&text, __VA_ARGS__))
    if (!isfinite(f) || f == 0.0) return 0;
    /* A kernel that is its own negative when turned around (an edge
     * detector) gives exactly -1 when flipped, so the cause may be either. */
    if (same(f, -1.0, rel_tol))
        NAME("-1: the sign is flipped (or, with a kernel such as an edge detector that turns into its "
             "negative when rotated, the kernel is flipped: a convolution instead of a cross-correlation)");
    int R, S, sh, sw;
    if (read_pair(what, "window ", &R, &S)) {
        int area = R * S;
        if (area > 1 && same(f, area, rel_tol))
            NAME("%d = the window's size %dx%d (the sum not divided by it?)", area, R, S);
        if (area > 1 && same(f, 1.0 / area, rel_tol))
            NAME("1/%d = one over the window's size %dx%d (divided by it once too often?)", area, R, S);
        if (R == S && S > 1 && area != S && same(f, S, rel_tol))
            NAME("%d = the window's height and width (divided by one of them only?)", S);
        if (R != S && R > 1 && same(f, R, rel_tol)) NAME("%d = the window's height (divided by the width only?)", R);
        if (R != S && S > 1 && same(f, S, rel_tol)) NAME("%d = the window's width (divided by the height only?)", S);
        if (read_pair(what, "stride ", &sh, &sw)) {
            int stride = sh * sw;
            if (stride != area && stride > 1 && same(f, (double)area / stride, rel_tol))
                NAME("%d/%d = the window's size %dx%d over the stride's %dx%d (divided by the "
                     "stride's area instead of the window's?)", area, stride, R, S, sh, sw);
        }
    }
    int N = 0;
    const char *from = NULL;
    const char *p = what ? strstr(what, "N=") : NULL;
    if (p && (p == what || !isalnum((unsigned char)p[-1])) && atoi(p + 2) > 1) {
        N = atoi(p + 2);
        from = "the batch";
    } else if (t && t->ndim >= 2 && t->n > 1) {
        N = t->n;
        from = "the first dimension (the batch, for a gradient per image)";
    }
    if (N > 1 && same(f, N, rel_tol)) NAME("%d = N, %s (a missing 1/N, the mean over the batch?)", N, from);
    if (N > 1 && same(f, 1.0 / N, rel_tol)) NAME("1/%d = 1/N, %s (divided by N once too often?)", N, from);
#undef NAME
    return found;
}

/* ---- the hint ------------------------------------------------------------ */

/* How closely central differences pin a ratio down: their float32 rounding
 * is about 1e-3 of a value, so ratios are compared to 2e-2 and named to 1e-2. */
#define RATIO_TOL 2e-2
#define FACTOR_TOL 1e-2

static int compare_floats(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* True when the two tensors hold the same values up to rel error tol, in
 * any order (both are finite). */
static bool same_values_reordered(const Tensor *analytic, const Tensor *numeric, double tol, double floor)
{
    size_t size = tensor_size(numeric);
    float *a = malloc(size * sizeof *a), *b = malloc(size * sizeof *b);
    bool same_set = a && b;
    if (same_set) {
        memcpy(a, analytic->data, size * sizeof *a);
        memcpy(b, numeric->data, size * sizeof *b);
        qsort(a, size, sizeof *a, compare_floats);
        qsort(b, size, sizeof *b, compare_floats);
        for (size_t i = 0; i < size && same_set; i++)
            same_set = gradcheck_rel_error(a[i], b[i], floor) <= tol;
    }
    free(a);
    free(b);
    return same_set;
}

/* Says which pattern a failed comparison shows, when its evidence is there
 * (see gradcheck.h): the first that fits. */
static void add_hint(Text *t, const Tensor *analytic, const Tensor *numeric, double tol, double floor,
                     const char *what, const GradcheckResult *r)
{
    const size_t size = r->count, wrong = r->bad;
    const double small = 10.0 * floor; /* "about 0" for a float32 central difference */
    size_t nonfinite = 0, zeros = 0, numeric_small = 0, used = 0;
    size_t wrong_spill = 0;   /* wrong where the gradient is about 0 */
    size_t wrong_missing = 0; /* wrong and exactly 0 where the gradient is not */
    size_t wrong_nonzero = 0; /* wrong where the gradient is not about 0 */
    double ratio = 0.0, lo = INFINITY, hi = -INFINITY; /* hi, lo: over the wrong ones */
    bool uniform = true;
    for (size_t i = 0; i < size; i++) {
        double a = analytic->data[i], b = numeric->data[i];
        bool is_wrong = !(gradcheck_rel_error(a, b, floor) <= tol);
        bool b_small = fabs(b) < small;
        if (!isfinite(a)) nonfinite++;
        if (a == 0.0) zeros++;
        numeric_small += b_small;
        if (is_wrong && b_small) wrong_spill++;
        if (is_wrong && !b_small && a == 0.0) wrong_missing++;
        if (b_small) continue;
        wrong_nonzero += is_wrong;
        double q = a / b;
        if (is_wrong) lo = fmin(lo, q), hi = fmax(hi, q);
        if (used++ == 0) ratio = q;
        else if (fabs(q - ratio) > RATIO_TOL * fabs(ratio) + 1e-6) uniform = false;
    }
    /* A factor must also leave the elements whose gradient is 0 at about 0. */
    for (size_t i = 0; i < size && uniform && used > 0; i++)
        if (fabs(numeric->data[i]) < small && fabs(analytic->data[i]) >= small * fmax(1.0, fabs(ratio)))
            uniform = false;
    const size_t agree = size - wrong;

    if (nonfinite > 0) {
        text_add(t, "\n  hint: %zu of %zu backward values are NaN or infinite: a read of memory never written, "
                    "or a division by zero", nonfinite, size);
    } else if (zeros == size) {
        text_add(t, "\n  hint: the backward pass left every element 0: nothing was written (or it was "
                    "overwritten with 0)");
    } else if (uniform && used > 0 && fabs(ratio - 1.0) > tol &&
               (used > 1 || gradcheck_whole_factor(ratio, FACTOR_TOL))) {
        char named[512];
        if (size == 1)
            text_add(t, "\n  hint: the one element is %.4g times its central difference", ratio);
        else
            text_add(t, "\n  hint: every element is %.4g times its central difference (the same factor "
                        "everywhere)", ratio);
        if (gradcheck_name_factor(named, sizeof named, ratio, FACTOR_TOL, numeric, what) > 0)
            text_add(t, ": %s", named);
        else
            text_add(t, ": a constant factor is missing or extra");
    } else if (size > 1 && same_values_reordered(analytic, numeric, tol, floor)) {
        text_add(t, "\n  hint: the backward values are the right ones in the wrong places: a wrong index "
                    "(a transpose, a stride or a padding offset)");
    } else if (2 * wrong_spill > wrong) {
        text_add(t, "\n  hint: %zu of the %zu wrong elements should get a gradient of about 0 but got one: the "
                    "gradient reaches elements it must not (a mask or a choice not applied, such as max "
                    "pooling's winner or ReLU's x > 0?)", wrong_spill, wrong);
    } else if (2 * wrong_missing > wrong) {
        text_add(t, "\n  hint: %zu of the %zu wrong elements are 0 although their gradient is not: they never "
                    "receive their share (a loop bound, a stride or an offset that skips them?)",
                 wrong_missing, wrong);
    } else if (wrong_spill == 0 && wrong_missing == 0 && numeric_small > 0 && 2 * wrong_nonzero > used) {
        text_add(t, "\n  hint: the %zu elements whose gradient is 0 are 0, but %zu of the other %zu are off by a "
                    "factor that varies from %.3g to %.3g: they receive a wrong amount (multiplied by something "
                    "that changes, such as an input or an output? a term lost where contributions overlap?)",
                 numeric_small, wrong_nonzero, used, lo, hi);
    } else if (10 * agree >= size) {
        text_add(t, "\n  hint: %zu of %zu elements agree and %zu do not, by varying amounts: a term lost where "
                    "contributions overlap (= where += belongs)? a bound or an offset that misses some?\n",
                 agree, size, wrong);
        bool cells[GRADCHECK_MAP_MAX][GRADCHECK_MAP_MAX] = {{false}};
        for (size_t i = 0; i < size; i++) {
            int row, col;
            if (!(gradcheck_rel_error(analytic->data[i], numeric->data[i], floor) <= tol) &&
                gradcheck_map_cell(numeric, i, &row, &col))
                cells[row][col] = true;
        }
        gradcheck_map_draw(t->buf, t->size, &t->used, numeric, cells);
        if (t->used > 0 && t->buf[t->used - 1] == '\n') t->buf[--t->used] = '\0';
    } else {
        text_add(t, "\n  hint: %s, and not by one factor: check the formula itself (a wrong index, a "
                    "transposed operand, a term lost: = where += belongs?)",
                 agree == 0 ? "no element agrees" : "hardly any element agrees");
    }
}

bool gradcheck_compare(GradcheckResult *result, const Tensor *analytic, const Tensor *numeric,
                       double tol, double floor, const char *what, char *report,
                       size_t report_size)
{
    GradcheckResult r = {0};
    Text t = {report, report_size, 0};
    if (report && report_size) report[0] = '\0';
    if (!analytic || !numeric || tensor_size(analytic) != tensor_size(numeric)) {
        text_add(&t, "%s: the analytic gradient is missing or has the wrong number of elements", what);
        if (result) *result = r;
        return false;
    }
    r.count = tensor_size(numeric);
    for (size_t i = 0; i < r.count; i++) {
        double a = analytic->data[i], b = numeric->data[i];
        double rel = isfinite(a) ? gradcheck_rel_error(a, b, floor) : INFINITY;
        if (rel > tol) r.bad++;
        if (rel > r.max_rel || i == 0) {
            r.max_rel = rel;
            r.worst = i;
            r.analytic = a;
            r.numeric = b;
        }
    }
    if (result) *result = r;
    if (r.bad == 0) return true;

    size_t i = r.worst;
    int idx[4];
    idx[3] = (int)(i % (size_t)numeric->w); i /= (size_t)numeric->w;
    idx[2] = (int)(i % (size_t)numeric->h); i /= (size_t)numeric->h;
    idx[1] = (int)(i % (size_t)numeric->c); i /= (size_t)numeric->c;
    idx[0] = (int)i;
    char shape[64];
    Tensor n4 = *numeric;
    n4.ndim = 4;
    text_add(&t, "%s %s: %zu of %zu gradients disagree with central differences (rel error > %g)\n",
             what, tensor_shape_str(&n4, shape, sizeof shape), r.bad, r.count, tol);
    text_add(&t, "  worst at (n,c,h,w) = (%d,%d,%d,%d): backward gave %.6g, central difference %.6g (rel error %.3g)",
             idx[0], idx[1], idx[2], idx[3], r.analytic, r.numeric, r.max_rel);
    add_hint(&t, analytic, numeric, tol, floor, what, &r);
    return false;
}
