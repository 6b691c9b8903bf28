/* SOLUTION -- the reference; `make skeletons` generates chapters/08-real-world/batchnorm.h from it.
 *
 * batchnorm.h -- batch normalisation for convolution layers. Chapter 08.
 *
 * For every channel c, over all N*H*W values of that channel in the batch
 * (M = N*H*W of them):
 *
 *     mean_c   = sum x / M
 *     var_c    = sum (x - mean_c)^2 / M          (biased: divides by M)
 *     xhat     = (x - mean_c) / sqrt(var_c + eps)
 *     y        = gamma_c * xhat + beta_c
 *
 * Training uses the batch's own mean and variance, and keeps running
 * averages for inference (PyTorch's convention, BatchNorm2d):
 *
 *     running_mean = (1 - momentum) * running_mean + momentum * mean_c
 *     running_var  = (1 - momentum) * running_var  + momentum * var_c * M / (M - 1)
 *
 * (the running variance is the UNBIASED estimate, divided by M - 1, while
 * the normalisation itself uses the biased one). Inference normalises with
 * the running statistics, so one image's output does not depend on the
 * other images of its batch.
 *
 * Per-channel tensors (gamma, beta, running and saved statistics) have C
 * elements: shape [C] (ndim 1). Errors: -1 with a message naming the
 * tensor and both shapes.
 */
#ifndef CH08_BATCHNORM_H
#define CH08_BATCHNORM_H

#include "tensor.h"

/* PyTorch's defaults. */
#define BN_EPS 1e-5f
#define BN_MOMENTUM 0.1f

/* Training forward.
 * x [N,C,H,W], gamma [C], beta [C] -> y [N,C,H,W] (allocated by the caller,
 * every element written). Writes save_mean [C] = the batch mean and
 * save_invstd [C] = 1 / sqrt(biased var + eps), which the backward pass
 * needs, and updates running_mean [C] and running_var [C] in place.
 * M = N*H*W must be at least 2 (one value has no variance). */
int batchnorm2d_forward_train(Tensor *y, Tensor *save_mean, Tensor *save_invstd, Tensor *running_mean,
                              Tensor *running_var, const Tensor *x, const Tensor *gamma, const Tensor *beta,
                              float momentum, float eps);

/* Inference forward: x [N,C,H,W], gamma, beta, running_mean, running_var
 * [C] -> y [N,C,H,W], y = gamma * (x - running_mean) / sqrt(running_var +
 * eps) + beta. Changes no statistics. */
int batchnorm2d_forward_eval(Tensor *y, const Tensor *x, const Tensor *gamma, const Tensor *beta,
                             const Tensor *running_mean, const Tensor *running_var, float eps);

/* Backward of the training forward. dy [N,C,H,W], x the forward's INPUT,
 * gamma [C], save_mean and save_invstd [C] as the training forward wrote
 * them. ACCUMULATES (+=) into dx [N,C,H,W], dgamma [C], dbeta [C] (each may
 * be NULL: not wanted). */
int batchnorm2d_backward(Tensor *dx, Tensor *dgamma, Tensor *dbeta, const Tensor *dy, const Tensor *x,
                         const Tensor *gamma, const Tensor *save_mean, const Tensor *save_invstd);

#endif
