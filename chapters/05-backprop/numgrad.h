/* GIVEN -- read it, don't edit it.
 * (Generated from solutions/05-backprop/numgrad.h by `make skeletons`.)
 *
 * numgrad.h -- your own gradient checker. Chapter 05.
 *
 * The exercise version of common/gradcheck.h (whose comments explain the
 * method and the thresholds): you write central differences and the
 * relative error here; the workbook's tests use the copy in common/, so a
 * slip in yours cannot hide a slip in a backward pass.
 */
#ifndef CH05_NUMGRAD_H
#define CH05_NUMGRAD_H

#include "tensor.h"

/* The scalar to differentiate, evaluated at the current contents of the
 * tensors ctx points at. */
typedef double (*NumgradFn)(void *ctx);

/* numeric[i] = (f(x + eps e_i) - f(x - eps e_i)) / (2 eps) for every element
 * i of x (numeric has x's element count). x is perturbed in place and left
 * exactly as it was. -1 with an error for a size mismatch or eps <= 0. */
int numgrad_central(Tensor *numeric, Tensor *x, NumgradFn f, void *ctx, float eps);

/* |a - b| / max(|a|, |b|, floor): 0 when they agree, about 1 (or more) when
 * they have nothing in common; floor keeps tiny values from dividing by ~0. */
double numgrad_rel_error(double a, double b, double floor);

#endif
