/* GIVEN -- read it, don't edit it.
 *
 * gradcheck.h -- checking a backward pass against central differences.
 *
 * Chapter 05 (backprop) teaches this; every later test that writes a new
 * backward pass uses it. The idea: a backward pass claims to compute
 * dL/dx for some scalar L. Nudge one element x[i] by +eps and -eps, evaluate
 * L both times, and the slope
 *
 *     numeric[i] = (L(x + eps e_i) - L(x - eps e_i)) / (2 eps)
 *
 * must agree with analytic[i]. Central differences are exact for functions
 * that are linear in x[i] (dense, conv, pooling away from ties) and have an
 * O(eps^2) error otherwise, against O(eps) for the one-sided difference.
 *
 * Turning a layer into a scalar. A layer maps x to a tensor y; the test picks
 * a fixed random tensor g of y's shape and checks L = sum(y * g). Then
 * dL/dy = g exactly, so feeding g as dy to the backward pass must give dL/dx.
 * gradcheck_dot() computes that sum in double precision.
 *
 * Comparing. Both numbers are compared by their relative error
 *
 *     rel = |a - b| / max(|a|, |b|, floor)
 *
 * which is scale-free (a gradient of 1e-3 and one of 1e3 are judged alike)
 * and, thanks to floor, does not explode when both are almost zero.
 * Thresholds for float32 layers checked with eps = 1e-2 (GRADCHECK_EPS):
 *
 *     rel < 1e-4   as good as float32 allows
 *     rel < 1e-2   correct: the rounding of a float32 forward pass, divided
 *                  by 2 eps, is about this large (GRADCHECK_TOL)
 *     rel > 1e-1   a bug: a wrong index, a missing factor, a lost term
 *
 * (In double precision with eps = 1e-6 a correct gradient reaches 1e-7 or
 * better; float32 forces the larger eps and the looser threshold.)
 *
 * Kinks. ReLU at 0 and max pooling at a tie are not differentiable: if the
 * nudge crosses a kink the two sides disagree and the check fails although
 * the backward pass is right. Tests therefore draw inputs at least a few eps
 * away from kinks (|x| > 3 eps for ReLU, distinct window values for max).
 */
#ifndef CNN_GRADCHECK_H
#define CNN_GRADCHECK_H

#include "tensor.h"

#include <stdbool.h>
#include <stddef.h>

#define GRADCHECK_EPS 1e-2f
#define GRADCHECK_TOL 1e-2
#define GRADCHECK_FLOOR 1e-3

/* The scalar being checked, evaluated at the current values of the tensors
 * that ctx points at (the check perturbs them in place). */
typedef double (*GradcheckFn)(void *ctx);

/* numeric (same element count as x) receives the central difference of f for
 * every element of x. x is modified during the call and restored bit for bit
 * before it returns. The step actually taken is measured after rounding to
 * float (x + eps is not exactly representable), which keeps the estimate
 * honest. Returns -1 with an error when the sizes differ or eps <= 0. */
int gradcheck_numeric(Tensor *numeric, Tensor *x, GradcheckFn f, void *ctx, float eps);

/* sum(y * g) in double precision: the scalar L whose gradient w.r.t. y is g.
 * y and g must have the same element count (checked by the caller). */
double gradcheck_dot(const Tensor *y, const Tensor *g);

/* |a - b| / max(|a|, |b|, floor). */
double gradcheck_rel_error(double a, double b, double floor);

/* The outcome of comparing two gradients element by element. */
typedef struct GradcheckResult {
    size_t count;      /* elements compared */
    size_t bad;        /* elements with rel > tol */
    size_t worst;      /* index of the largest relative error */
    double max_rel;    /* that error */
    double analytic;   /* the two values at worst */
    double numeric;
} GradcheckResult;

/* Compares analytic with numeric (same element count). Returns true when every
 * relative error is <= tol. When report is not NULL it receives, on failure,
 * a few lines naming what, the shape, the worst element as (n, c, h, w), both
 * values, and a hint about the pattern (every element off by the same factor
 * suggests a missing scale such as 1/N). */
bool gradcheck_compare(GradcheckResult *result, const Tensor *analytic, const Tensor *numeric,
                       double tol, double floor, const char *what, char *report,
                       size_t report_size);

#endif
