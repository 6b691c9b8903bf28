/* SOLUTION -- the reference; `make skeletons` generates chapters/05-backprop/sgd.h from it.
 *
 * sgd.h -- stochastic gradient descent with momentum and weight decay, and
 * the seeded shuffle that makes mini-batches. Chapter 05.
 *
 * One step for a parameter w with gradient g (PyTorch's torch.optim.SGD):
 *
 *     g' = g + weight_decay * w        weight decay: a pull towards 0, the
 *                                      gradient of (weight_decay/2) * |w|^2
 *     v  = momentum * v + g'           velocity: a running sum of past steps
 *     w  = w - lr * v
 *
 * With momentum 0.9 a gradient that keeps its sign builds up to ten times
 * the plain step, while one that flips sign from batch to batch cancels.
 */
#ifndef CH05_SGD_H
#define CH05_SGD_H

#include "rng.h"
#include "tensor.h"

typedef struct SgdParams {
    float lr;           /* learning rate, > 0 */
    float momentum;     /* 0 (plain SGD) .. < 1 */
    float weight_decay; /* >= 0; 0 for biases */
} SgdParams;

/* w, velocity (zero before the first step) and grad have the same size.
 * Updates w and velocity in place. */
int sgd_step(Tensor *w, Tensor *velocity, const Tensor *grad, SgdParams p);

/* order[0..n-1] = a random permutation of 0..n-1 drawn from rng (the same
 * rng state gives the same permutation on every machine). */
void shuffle_indices(int *order, int n, Rng *rng);

#endif
