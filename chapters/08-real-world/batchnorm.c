/* EXERCISE -- fill in the TODOs, then `make grade CH=08`.
 * (Generated from solutions/08-real-world/batchnorm.c by `make skeletons`.)
 *
 * batchnorm.c -- chapter 08: batch normalisation of a convolution's output,
 * per channel over N, H and W (the formulas are in batchnorm.h).
 *
 * One channel's M = N*H*W values are not contiguous in NCHW: channel c of
 * image n is the H*W block at tensor_at(x, n, c, 0, 0), and the next image's
 * block of the same channel is C*H*W floats further on. Every loop below
 * therefore runs channel by channel, then image by image over those blocks.
 * Sums are taken in double: M reaches 128 * 32 * 32 = 131,072 values, and a
 * float sum of that many loses the last digits that PyTorch's keeps.
 *
 * Channels are independent (each writes only its own statistics and its own
 * blocks of y or dx), so the channel loops run on OpenMP's threads
 * (parallel.h; serial without OpenMP): each channel is still computed by one
 * thread in one order, and the results are the same for any thread count.
 * On CIFAR-10 this keeps batch norm beside chapter 06's threaded convolution
 * from becoming the slow part of a training step.
 */
#include "batchnorm.h"

#include "error.h"
#include "parallel.h" /* OMP(...) */

#include <math.h>
#include <stddef.h>

/* Checks x [N,C,H,W] against y (same shape) and the per-channel tensors
 * vec[0..count-1] (C elements each). */
static int check_shapes(const char *fn, const Tensor *y, const Tensor *x, const Tensor *const *vec,
                        const char *const *names, int count)
{
    if (tensor_check_shape(x, "x", -1, -1, -1, -1)) return cnn_error_context("%s", fn);
    if (y && tensor_check_shape(y, "y/dx", x->n, x->c, x->h, x->w)) return cnn_error_context("%s", fn);
    for (int i = 0; i < count; i++)
        if (vec[i] && tensor_check_shape(vec[i], names[i], x->c, 1, 1, 1))
            return cnn_error_context("%s (per-channel tensors have C = %d elements)", fn, x->c);
    return 0;
}

/* The mean of channel c over its M values.
 *
 * Speed. A sum written `s += x[i]` is one long chain: each add waits for
 * the one before (about 4 cycles), and C may not reorder float adds, so
 * the compiler cannot vectorize it. `#pragma omp simd reduction(+ : s)`
 * grants the reordering: s becomes a vector of partial sums, 8 or 16 adds
 * at a time. The planes are summed in float that way and added up in
 * double: a plane is at most a few thousand values, the channel up to
 * millions. (On the batch-norm layers of the CIFAR-10 CNN the serial
 * chains made the forward and backward passes two to three times slower.) */
static double channel_mean(const Tensor *x, int c)
{
    size_t plane = (size_t)x->h * (size_t)x->w;
    double sum = 0.0;
    for (int n = 0; n < x->n; n++) {
        const float *xc = tensor_at(x, n, c, 0, 0);
        float s = 0.0f;
#pragma omp simd reduction(+ : s)
        for (size_t i = 0; i < plane; i++) s += xc[i];
        sum += s;
    }
    return sum / ((double)x->n * (double)plane);
}

/* y = scale * (x - shift) + beta over channel c: both forward passes end
 * here. In float (a few ulps from the double formula), so it vectorizes. */
static void normalize_channel(Tensor *y, const Tensor *x, int c, double shift, double scale, double beta)
{
    size_t plane = (size_t)x->h * (size_t)x->w;
    float a = (float)scale, b = (float)beta, sh = (float)shift;
    for (int n = 0; n < x->n; n++) {
        const float *xc = tensor_at(x, n, c, 0, 0);
        float *yc = tensor_at(y, n, c, 0, 0);
#pragma omp simd
        for (size_t i = 0; i < plane; i++) yc[i] = a * (xc[i] - sh) + b;
    }
}

int batchnorm2d_forward_train(Tensor *y, Tensor *save_mean, Tensor *save_invstd, Tensor *running_mean,
                              Tensor *running_var, const Tensor *x, const Tensor *gamma, const Tensor *beta,
                              float momentum, float eps)
{
    // x [N,C,H,W], gamma/beta/save_*/running_* [C] -> y [N,C,H,W]
    const Tensor *vec[] = {gamma, beta, save_mean, save_invstd, running_mean, running_var};
    const char *names[] = {"gamma", "beta", "save_mean", "save_invstd", "running_mean", "running_var"};
    for (int i = 0; i < 6; i++)
        if (!vec[i]) return cnn_error("batchnorm2d_forward_train: %s is missing (NULL)", names[i]);
    if (check_shapes("batchnorm2d_forward_train", y, x, vec, names, 6)) return -1;
    if (!(eps > 0.0f) || !(momentum >= 0.0f && momentum <= 1.0f))
        return cnn_error("batchnorm2d_forward_train: eps must be > 0 (got %g) and momentum in 0..1 (got %g)",
                         (double)eps, (double)momentum);
    double m = (double)x->n * x->h * x->w;
    if (m < 2)
        return cnn_error("batchnorm2d_forward_train: one value per channel (N*H*W = 1) has no variance");
    size_t plane = (size_t)x->h * (size_t)x->w;
    OMP(parallel for schedule(static) if (tensor_size(x) > PARALLEL_MIN_WORK))
    for (int c = 0; c < x->c; c++) {
        double mean = channel_mean(x, c);
        // TODO 8.1: the biased variance of channel c (divide by M = m), then
        // save_mean, save_invstd = 1 / sqrt(var + eps), the two running
        // averages (the running variance is the unbiased one: var * m / (m - 1)),
        // and y through normalize_channel.
        // Hint: the variance is the mean of (x - mean)^2 over the same blocks
        // channel_mean walks (its comment says how to make the sum fast);
        // normalize_channel(y, x, c, mean, gamma * invstd, beta).
        (void)mean; (void)plane;
        for (int n = 0; n < x->n; n++) for (size_t i = 0; i < (size_t)x->h * x->w; i++)
            tensor_at(y, n, c, 0, 0)[i] = 0.0f;
    }
    return 0;
}

int batchnorm2d_forward_eval(Tensor *y, const Tensor *x, const Tensor *gamma, const Tensor *beta,
                             const Tensor *running_mean, const Tensor *running_var, float eps)
{
    // x [N,C,H,W], gamma/beta/running_* [C] -> y [N,C,H,W]
    const Tensor *vec[] = {gamma, beta, running_mean, running_var};
    const char *names[] = {"gamma", "beta", "running_mean", "running_var"};
    for (int i = 0; i < 4; i++)
        if (!vec[i]) return cnn_error("batchnorm2d_forward_eval: %s is missing (NULL)", names[i]);
    if (check_shapes("batchnorm2d_forward_eval", y, x, vec, names, 4)) return -1;
    if (!(eps > 0.0f)) return cnn_error("batchnorm2d_forward_eval: eps must be > 0 (got %g)", (double)eps);
    OMP(parallel for schedule(static) if (tensor_size(x) > PARALLEL_MIN_WORK))
    for (int c = 0; c < x->c; c++) {
        // TODO 8.2: normalise channel c with the RUNNING statistics, never
        // the batch's: one image's answer must not depend on its neighbours.
        (void)normalize_channel;
    }
    return 0;
}

int batchnorm2d_backward(Tensor *dx, Tensor *dgamma, Tensor *dbeta, const Tensor *dy, const Tensor *x,
                         const Tensor *gamma, const Tensor *save_mean, const Tensor *save_invstd)
{
    // dy, x [N,C,H,W], gamma/save_* [C] -> dx += [N,C,H,W], dgamma += [C], dbeta += [C]
    const Tensor *vec[] = {gamma, save_mean, save_invstd, dgamma, dbeta};
    const char *names[] = {"gamma", "save_mean", "save_invstd", "dgamma", "dbeta"};
    for (int i = 0; i < 3; i++)
        if (!vec[i]) return cnn_error("batchnorm2d_backward: %s is missing (NULL)", names[i]);
    if (check_shapes("batchnorm2d_backward", dx, x, vec, names, 5)) return -1;
    if (tensor_check_shape(dy, "dy", x->n, x->c, x->h, x->w)) return cnn_error_context("batchnorm2d_backward");
    double m = (double)x->n * x->h * x->w;
    size_t plane = (size_t)x->h * (size_t)x->w;
    OMP(parallel for schedule(static) if (tensor_size(x) > PARALLEL_MIN_WORK))
    for (int c = 0; c < x->c; c++) {
        float mean = save_mean->data[c], invstd = save_invstd->data[c];
        /* The two sums every gradient of channel c needs, plane by plane in
         * float partial sums, in double across planes (see channel_mean). */
        double sum_dy = 0.0, sum_dy_xhat = 0.0;
        for (int n = 0; n < x->n; n++) {
            const float *xc = tensor_at(x, n, c, 0, 0), *dyc = tensor_at(dy, n, c, 0, 0);
            float s_dy = 0.0f, s_dy_dev = 0.0f;
#pragma omp simd reduction(+ : s_dy, s_dy_dev)
            for (size_t i = 0; i < plane; i++) {
                s_dy += dyc[i];
                s_dy_dev += dyc[i] * (xc[i] - mean);
            }
            sum_dy += s_dy;
            sum_dy_xhat += (double)s_dy_dev * invstd;
        }
        // TODO 8.3: dbeta += sum dy; dgamma += sum dy * xhat; and
        //   dx += gamma * invstd / M * (M * dy - sum dy - xhat * sum(dy * xhat))
        // for every value of channel c (xhat = (x - mean) * invstd). Skip
        // dgamma, dbeta or dx when it is NULL.
        // Hint: the last two terms are there because every x of the channel
        // moved the mean and the variance that normalised all the others.
        (void)m; (void)sum_dy; (void)sum_dy_xhat; (void)plane;
    }
    return 0;
}
