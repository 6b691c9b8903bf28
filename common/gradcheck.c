/* GIVEN -- read it, don't edit it.
 *
 * gradcheck.c -- central differences and the relative-error comparison
 * (chapter 05; used by the tests of every later chapter). See gradcheck.h. */
#include "gradcheck.h"

#include "error.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

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
    if (!t->buf || t->used + 1 >= t->size) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->used, t->size - t->used, fmt, ap);
    va_end(ap);
    if (n > 0) t->used += (size_t)n;
    if (t->used >= t->size) t->used = t->size - 1;
}

/* Looks for a pattern in a failed comparison that points at a classic bug. */
static void add_hint(Text *t, const Tensor *analytic, const Tensor *numeric, double floor)
{
    size_t size = tensor_size(numeric), used = 0, zeros = 0;
    double ratio = 0.0;
    bool same_ratio = true;
    for (size_t i = 0; i < size; i++) {
        if (analytic->data[i] == 0.0f) zeros++;
        if (fabs(numeric->data[i]) < 10.0 * floor) continue;
        double r = (double)analytic->data[i] / (double)numeric->data[i];
        if (used == 0) ratio = r;
        else if (fabs(r - ratio) > 1e-2 * fabs(ratio) + 1e-6) same_ratio = false;
        used++;
    }
    if (zeros == size)
        text_add(t, "\n  hint: the analytic gradient is all zeros: nothing was written (or it was overwritten)");
    else if (used > 1 && same_ratio)
        text_add(t, "\n  hint: every element is off by the same factor %.4g: a missing or extra scale (1/N? the window size?)",
                 ratio);
    else
        text_add(t, "\n  hint: %zu of %zu analytic values are zero; wrong values in a pattern "
                    "usually mean a wrong index (transpose, stride, padding) or = where += belongs",
                 zeros, size);
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
    add_hint(&t, analytic, numeric, floor);
    return false;
}
