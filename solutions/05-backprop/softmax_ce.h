/* SOLUTION -- the reference; `make skeletons` generates chapters/05-backprop/softmax_ce.h from it.
 *
 * softmax_ce.h -- softmax and the cross-entropy loss, fused. Chapter 05.
 *
 * A classifier's last layer gives K scores (logits) z per image. Softmax
 * turns them into probabilities p_k = exp(z_k) / sum_j exp(z_j); the loss of
 * an image with label t is -log p_t, averaged over the N images of a batch.
 *
 * Fused, the gradient is short: dL/dz_k = (p_k - [k == t]) / N. Computing
 * it directly avoids ever dividing by a probability that underflowed to 0.
 * Stability: exp(1000) overflows a float, so both functions subtract the
 * row's largest logit first (softmax does not change when every logit
 * moves by the same amount) and take -log p_t as log(sum exp(z - max)) -
 * (z_t - max).
 */
#ifndef CH05_SOFTMAX_CE_H
#define CH05_SOFTMAX_CE_H

#include "tensor.h"

/* logits [N, K] -> probs [N, K] (rows sum to 1). Overwrites probs. */
int softmax_forward(Tensor *probs, const Tensor *logits);

/* logits [N, K], labels[N] in 0..K-1.
 * *loss = mean over n of -log softmax(logits[n])[labels[n]].
 * dlogits [N, K] (or NULL): accumulates (+=) dloss/dlogits.
 * -1 with an error for a label outside 0..K-1 or a shape mismatch. */
int softmax_cross_entropy(float *loss, Tensor *dlogits, const Tensor *logits, const int *labels);

#endif
