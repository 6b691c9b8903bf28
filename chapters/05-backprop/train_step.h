/* GIVEN -- read it, don't edit it.
 * (Generated from solutions/05-backprop/train_step.h by `make skeletons`.)
 *
 * train_step.h -- one training step and the evaluation of a model. Chapter 05.
 *
 * The training loop is four moves per mini-batch, always in this order:
 *
 *     forward   logits = model(x)                 (keeps what backward needs)
 *     loss      L = softmax-cross-entropy(logits, labels), dL/dlogits
 *     backward  dL/dparam for every parameter     (chain rule, last layer first)
 *     update    param -= lr * (momentum-smoothed gradient)
 *
 * and, once per epoch, an evaluation on images the model never trains on.
 */
#ifndef CH05_TRAIN_STEP_H
#define CH05_TRAIN_STEP_H

#include "model.h"
#include "sgd.h"
#include "tensor.h"

/* logits [N, K], labels [N]: how many rows have their largest logit at the
 * label (the first largest, on a tie). */
int count_correct(const Tensor *logits, const int *labels);

/* One SGD step on the batch x [N, C, H, W] with labels[N]: zero the
 * gradients, forward, loss, backward, update every parameter (no weight
 * decay for parameters whose decay flag is false). Returns the batch's mean
 * loss in *loss and its number of correct predictions (before the update) in
 * *correct. */
int train_step(float *loss, int *correct, Model *m, const Tensor *x, const int *labels,
               SgdParams p);

/* Accuracy (0..1) and mean loss of m over images [count, C, H, W] with
 * labels[count], in batches of at most `batch` images. No parameter changes. */
int evaluate(double *accuracy, double *loss, Model *m, const Tensor *images, const int *labels,
             int count, int batch);

#endif
