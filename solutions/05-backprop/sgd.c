/* SOLUTION -- the reference; `make skeletons` generates chapters/05-backprop/sgd.c from it.
 *
 * sgd.c -- the SGD update and the mini-batch shuffle (the exercise).
 * Chapter 05. See sgd.h. */
#include "sgd.h"

#include "error.h"

#include <stddef.h>

int sgd_step(Tensor *w, Tensor *velocity, const Tensor *grad, SgdParams p)
{
    /* w, velocity, grad: the same number of elements, any shape */
    if (!w || !velocity || !grad) return cnn_error("sgd_step: w, velocity and grad are required");
    if (tensor_size(velocity) != tensor_size(w) || tensor_size(grad) != tensor_size(w))
        return cnn_error("sgd_step: w (%zu), velocity (%zu) and grad (%zu) must have the same size",
                         tensor_size(w), tensor_size(velocity), tensor_size(grad));
    size_t size = tensor_size(w);
    // TODO 5.9: for every element: g = grad + weight_decay * w;
    //           velocity = momentum * velocity + g; w -= lr * velocity.
    //>> solution
    for (size_t i = 0; i < size; i++) {
        float g = grad->data[i] + p.weight_decay * w->data[i];
        velocity->data[i] = p.momentum * velocity->data[i] + g;
        w->data[i] -= p.lr * velocity->data[i];
    }
    //| (void)size; (void)p;
    //<<
    return 0;
}

void shuffle_indices(int *order, int n, Rng *rng)
{
    // TODO 5.10: fill order with 0..n-1, then shuffle it (Fisher-Yates).
    // Hint: for i from n-1 down to 1: pick j = rng_below(rng, i + 1) and swap
    //       order[i] with order[j]. Every permutation is then equally likely;
    //       picking j from all n positions each time is a classic bias.
    //>> solution
    for (int i = 0; i < n; i++) order[i] = i;
    for (int i = n - 1; i > 0; i--) {
        int j = rng_below(rng, i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    //| for (int i = 0; i < n; i++) order[i] = i;
    //| (void)rng;
    //<<
}
