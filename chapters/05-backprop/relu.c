/* EXERCISE -- fill in the TODOs, then `make grade CH=05`.
 * (Generated from solutions/05-backprop/relu.c by `make skeletons`.)
 *
 * relu.c -- ReLU forward (given) and backward (the exercise). Chapter 05. */
#include "relu.h"

#include "error.h"

#include <stddef.h>

int relu_forward(Tensor *y, const Tensor *x)
{
    /* x any shape; y the same number of elements */
    if (!y || !x) return cnn_error("relu_forward: y and x are required (one is NULL)");
    if (tensor_size(y) != tensor_size(x))
        return cnn_error("relu_forward: y has %zu elements but x has %zu", tensor_size(y),
                         tensor_size(x));
    size_t size = tensor_size(x);
    /* No element depends on another (y == x is fine too): `omp simd` lets
     * the compiler handle several per instruction, and the select becomes
     * a vector blend instead of a branch it would mispredict half the time. */
    float *out = y->data;
    const float *in = x->data;
#pragma omp simd
    for (size_t i = 0; i < size; i++) out[i] = in[i] > 0.0f ? in[i] : 0.0f;
    return 0;
}

int relu_backward(Tensor *dx, const Tensor *dy, const Tensor *x)
{
    /* dx, dy, x: the same number of elements, any shape */
    if (!dx || !dy || !x) return cnn_error("relu_backward: dx, dy and x are required (one is NULL)");
    if (tensor_size(dx) != tensor_size(x) || tensor_size(dy) != tensor_size(x))
        return cnn_error("relu_backward: dx (%zu), dy (%zu) and x (%zu) must have the same size",
                         tensor_size(dx), tensor_size(dy), tensor_size(x));
    size_t size = tensor_size(x);
    // TODO 5.2: accumulate dx[i] += dy[i] * (slope of ReLU at x[i]).
    // Hint: the slope is 1 where the INPUT was positive and 0 elsewhere: the
    //       gradient passes through a ReLU that was open and stops at one
    //       that was closed. It is never the output value itself.
    (void)size;
    return 0;
}
