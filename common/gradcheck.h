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
 * values, and at most one hint: the first of these whose evidence is there.
 *
 *   - some backward values are NaN or infinite;
 *   - every backward value is 0;
 *   - every element is the same factor f times its central difference
 *     (where the central difference is about 0 the backward value must be
 *     too; a single element counts when f is whole, gradcheck_whole_factor):
 *     a missing or extra constant, named when it is exactly one
 *     (gradcheck_name_factor);
 *   - the backward values are the central differences in another order: the
 *     right values in the wrong places (a wrong index);
 *   - most wrong elements should get about 0 and got a value (a mask not
 *     applied), or are exactly 0 where the gradient is not (never reached);
 *   - the zeros are where they belong but most other elements are off by a
 *     factor that varies (the range of the ratios is given);
 *   - at least a tenth of the elements agree and the others do not (how
 *     many, and a map of where the wrong ones are);
 *   - (almost) no element agrees, and not by one factor. */
bool gradcheck_compare(GradcheckResult *result, const Tensor *analytic, const Tensor *numeric,
                       double tol, double floor, const char *what, char *report,
                       size_t report_size);

/* What a constant factor f (got / expected, or analytic / numeric) is, when
 * it is one of the scales a layer applies, within rel_tol relative: -1 (a
 * flipped sign); the window's size R*S, height R or width S, or the window
 * size over the stride's area, when `what` names them ("window 3x2" or
 * "window 3", "stride 1,2" or "stride (1,2)" or "stride 2"); N, from "N=5"
 * in what, else t's first dimension when t has at least two (the batch of
 * a dx or of logits [N, M]); each as itself or its inverse. Writes every
 * match into out, separated by "; ", and returns how many matched (out is ""
 * when none did: the factor is then no scale the test knows of). */
int gradcheck_name_factor(char *out, size_t size, double f, double rel_tol, const Tensor *t,
                          const char *what);

/* True when f or 1/f is, within rel_tol, a whole number k >= 2 (or f is
 * -1): a factor one element alone is evidence for, since a wrong value is
 * always some multiple of the right one but rarely a whole one. */
bool gradcheck_whole_factor(double f, double rel_tol);

/* The map of wrong elements that the tests' reports draw (testing.c,
 * chapter 04's argmax report, gradcheck_compare). Element i of t goes into
 * cell (row, col) of a grid of at most GRADCHECK_MAP_MAX x GRADCHECK_MAP_MAX:
 * (h, w) when t has planes (h * w > 1), every image and channel on top of
 * each other; (n, c) for a matrix [N, M] or a tensor [N, C, 1, 1]; (0, n)
 * for a vector (ndim 1). Returns false when the element falls outside the
 * grid (a plane larger than the grid: only its top-left part is drawn). */
enum { GRADCHECK_MAP_MAX = 32 };
bool gradcheck_map_cell(const Tensor *t, size_t i, int *row, int *col);

/* Appends the map of cells (as filled through gradcheck_map_cell) to out at
 * *used (out has size bytes; *used advances, the text stays terminated): a
 * title line saying what rows and columns are, then one line per row, "X"
 * wrong and "." right. Nothing for a tensor of one element. */
void gradcheck_map_draw(char *out, size_t size, size_t *used, const Tensor *t,
                        bool cells[GRADCHECK_MAP_MAX][GRADCHECK_MAP_MAX]);

#endif
