/* SOLUTION -- the reference; `make skeletons` generates chapters/05-backprop/numgrad.c from it.
 *
 * numgrad.c -- central differences and the relative error (the exercise).
 * Chapter 05. See numgrad.h and common/gradcheck.h. */
#include "numgrad.h"

#include "error.h"

#include <math.h>
#include <stddef.h>

int numgrad_central(Tensor *numeric, Tensor *x, NumgradFn f, void *ctx, float eps)
{
    /* x any shape; numeric the same element count */
    if (!numeric || !x || !f) return cnn_error("numgrad_central: numeric, x and f are required");
    if (tensor_size(numeric) != tensor_size(x))
        return cnn_error("numgrad_central: numeric has %zu elements, x has %zu",
                         tensor_size(numeric), tensor_size(x));
    if (!(eps > 0.0f)) return cnn_error("numgrad_central: eps must be positive, got %g", (double)eps);
    size_t size = tensor_size(x);
    // TODO 5.7: for each element i: remember x[i], evaluate f at x[i] + eps
    //           and at x[i] - eps, put x[i] back, store the slope.
    // Hint: float cannot hold x[i] + eps exactly; dividing by the step you
    //       actually took, (double)(x[i]+eps) - (double)(x[i]-eps), instead
    //       of 2*eps removes that error. Restore x[i] from the saved value,
    //       not by subtracting eps again (that drifts).
    //>> solution
    for (size_t i = 0; i < size; i++) {
        float saved = x->data[i];
        float plus = saved + eps, minus = saved - eps;
        x->data[i] = plus;
        double f_plus = f(ctx);
        x->data[i] = minus;
        double f_minus = f(ctx);
        x->data[i] = saved;
        numeric->data[i] = (float)((f_plus - f_minus) / ((double)plus - (double)minus));
    }
    //| (void)size; (void)ctx;
    //<<
    return 0;
}

double numgrad_rel_error(double a, double b, double floor)
{
    // TODO 5.8: return |a - b| / max(|a|, |b|, floor).
    //>> solution
    return fabs(a - b) / fmax(fmax(fabs(a), fabs(b)), floor);
    //| (void)a; (void)b; (void)floor;
    //| return 0.0;
    //<<
}
