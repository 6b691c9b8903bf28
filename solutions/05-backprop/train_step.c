/* SOLUTION -- the reference; `make skeletons` generates chapters/05-backprop/train_step.c from it.
 *
 * train_step.c -- the training step and the evaluation (the exercise).
 * Chapter 05. See train_step.h. */
#include "train_step.h"

#include "error.h"
#include "softmax_ce.h"

#include <stddef.h>

int count_correct(const Tensor *logits, const int *labels)
{
    /* logits [N, K], labels [N] */
    int N = logits->n, K = (int)(tensor_size(logits) / (size_t)logits->n), correct = 0;
    for (int n = 0; n < N; n++) {
        const float *z = logits->data + (size_t)n * K;
        int best = 0;
        for (int k = 1; k < K; k++)
            if (z[k] > z[best]) best = k;
        correct += best == labels[n];
    }
    return correct;
}

int train_step(float *loss, int *correct, Model *m, const Tensor *x, const int *labels,
               SgdParams p)
{
    /* x [N, C, H, W], labels [N] */
    if (!loss || !correct || !m || !x || !labels)
        return cnn_error("train_step: every argument is required (one is NULL)");
    // TODO 5.11: one step of the training loop.
    // Hint: model_zero_grad(m) first (backward passes accumulate);
    //       logits = model_forward(m, x) (NULL means an error: return -1);
    //       softmax_cross_entropy(loss, model_dlogits(m), logits, labels);
    //       *correct = count_correct(logits, labels);
    //       model_backward(m, x); then for every i < m->nparams, Param *q =
    //       &m->params[i]: sgd_step(q->value, q->velocity, q->grad, p) with
    //       p.weight_decay set to 0 when q->decay is false. Check every status.
    //>> solution
    model_zero_grad(m);
    const Tensor *logits = model_forward(m, x);
    if (!logits) return -1;
    if (softmax_cross_entropy(loss, model_dlogits(m), logits, labels) != 0) return -1;
    *correct = count_correct(logits, labels);
    if (model_backward(m, x) != 0) return -1;
    for (int i = 0; i < m->nparams; i++) {
        Param *q = &m->params[i];
        SgdParams pq = p;
        if (!q->decay) pq.weight_decay = 0.0f;
        if (sgd_step(q->value, q->velocity, q->grad, pq) != 0) return -1;
    }
    //| *loss = 0.0f;
    //| *correct = 0;
    //| (void)p;
    //<<
    return 0;
}

int evaluate(double *accuracy, double *loss, Model *m, const Tensor *images, const int *labels,
             int count, int batch)
{
    /* images [count, C, H, W], labels [count] */
    if (!accuracy || !loss || !m || !images || !labels)
        return cnn_error("evaluate: every argument is required (one is NULL)");
    if (count < 1 || count > images->n || batch < 1)
        return cnn_error("evaluate: count %d must be 1..%d and batch %d positive", count,
                         images->n, batch);
    // TODO 5.12: forward the images batch by batch; add up the correct
    //            predictions and the loss (each batch's mean times its size).
    // Hint: for start = 0, batch, 2*batch, ...: n = min(batch, count - start);
    //       Tensor xb = tensor_batch(images, start, n); logits = model_forward(m, &xb);
    //       softmax_cross_entropy(&l, NULL, logits, labels + start) gives the
    //       batch's mean loss without touching any gradient. Finally divide
    //       both totals by count.
    //>> solution
    long correct = 0;
    double total = 0.0;
    for (int start = 0; start < count; start += batch) {
        int n = count - start < batch ? count - start : batch;
        Tensor xb = tensor_batch(images, start, n);
        const Tensor *logits = model_forward(m, &xb);
        if (!logits) return -1;
        float l;
        if (softmax_cross_entropy(&l, NULL, logits, labels + start) != 0) return -1;
        total += (double)l * n;
        correct += count_correct(logits, labels + start);
    }
    *accuracy = (double)correct / count;
    *loss = total / count;
    //| *accuracy = 0.0;
    //| *loss = 0.0;
    //<<
    return 0;
}
