/* SOLUTION -- the reference; `make skeletons` generates chapters/05-backprop/softmax_ce.c from it.
 *
 * softmax_ce.c -- softmax (given) and the fused softmax-cross-entropy loss
 * with its gradient (the exercise). Chapter 05. See softmax_ce.h. */
#include "softmax_ce.h"

#include "error.h"

#include <math.h>
#include <stddef.h>

static int check_logits(const Tensor *logits, const Tensor *other, const char *other_name,
                        const char *fn)
{
    if (!logits) return cnn_error("%s: logits are required (NULL)", fn);
    if (other && tensor_size(other) != tensor_size(logits))
        return cnn_error("%s: %s has %zu elements but logits have %zu", fn, other_name,
                         tensor_size(other), tensor_size(logits));
    return 0;
}

int softmax_forward(Tensor *probs, const Tensor *logits)
{
    /* logits [N, K] -> probs [N, K] */
    if (!probs) return cnn_error("softmax_forward: probs is required (NULL)");
    if (check_logits(logits, probs, "probs", "softmax_forward") != 0) return -1;
    int N = logits->n, K = (int)(tensor_size(logits) / (size_t)logits->n);
    for (int n = 0; n < N; n++) {
        const float *z = logits->data + (size_t)n * K;
        float *p = probs->data + (size_t)n * K;
        float zmax = z[0];
        for (int k = 1; k < K; k++) zmax = z[k] > zmax ? z[k] : zmax;
        double sum = 0.0;
        for (int k = 0; k < K; k++) sum += exp((double)z[k] - zmax);
        for (int k = 0; k < K; k++) p[k] = (float)(exp((double)z[k] - zmax) / sum);
    }
    return 0;
}

int softmax_cross_entropy(float *loss, Tensor *dlogits, const Tensor *logits, const int *labels)
{
    /* logits [N, K], labels [N], dlogits [N, K] or NULL */
    if (!loss || !labels) return cnn_error("softmax_cross_entropy: loss and labels are required (NULL)");
    if (check_logits(logits, dlogits, "dlogits", "softmax_cross_entropy") != 0) return -1;
    int N = logits->n, K = (int)(tensor_size(logits) / (size_t)logits->n);
    for (int n = 0; n < N; n++)
        if (labels[n] < 0 || labels[n] >= K)
            return cnn_error("softmax_cross_entropy: labels[%d] = %d is not a class 0..%d", n,
                             labels[n], K - 1);
    // TODO 5.3: the mean loss over the batch and, when dlogits is not NULL,
    //           dlogits[n,k] += (p[n,k] - (k == labels[n] ? 1 : 0)) / N.
    // Hint: for each row n: zmax = the largest logit; s = sum_k exp(z_k - zmax);
    //       the row's loss is log(s) - (z_t - zmax) with t = labels[n], and
    //       p_k = exp(z_k - zmax) / s. Never compute exp(z_k) itself: at
    //       z = 1000 it is infinite. Sum the losses in a double, then divide by N.
    //>> solution
    double total = 0.0;
    float inv_n = 1.0f / (float)N;
    for (int n = 0; n < N; n++) {
        const float *z = logits->data + (size_t)n * K;
        int t = labels[n];
        float zmax = z[0];
        for (int k = 1; k < K; k++) zmax = z[k] > zmax ? z[k] : zmax;
        double s = 0.0;
        for (int k = 0; k < K; k++) s += exp((double)z[k] - zmax);
        total += log(s) - ((double)z[t] - zmax);
        if (dlogits) {
            float *dz = dlogits->data + (size_t)n * K;
            for (int k = 0; k < K; k++) {
                float p = (float)(exp((double)z[k] - zmax) / s);
                dz[k] += (p - (k == t ? 1.0f : 0.0f)) * inv_n;
            }
        }
    }
    *loss = (float)(total / N);
    //| *loss = 0.0f;
    //| (void)dlogits;
    //<<
    return 0;
}
