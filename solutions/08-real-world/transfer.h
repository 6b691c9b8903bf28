/* SOLUTION -- the reference; `make skeletons` generates chapters/08-real-world/transfer.h from it.
 *
 * transfer.h -- transfer learning: a backbone trained on one task, reused on
 * another that has few labels. Chapter 08.
 *
 * No model hub is reachable from here, so the workbook pretrains its own
 * backbone (`make realworld`: the CNN on the first five classes) and saves it
 * with model_save (common/network/model.h: one <layer>.<param>.npy file per
 * tensor). A new model for the other task is built with the same layers
 * and a new head (its last layer), then
 *
 *     model_load_backbone(m, dir, head)   layers 0..head-1 take the saved weights
 *     model_freeze(m, head)               linear probe: only the head learns
 *  or model_freeze(m, 0) with a learning rate per group
 *     (LrGroups: the backbone at a tenth of the head's rate)  full fine-tuning
 *
 * and trained with transfer_train_step, which updates each group with its
 * own learning rate and leaves frozen layers alone. A frozen layer costs no
 * gradient work either: model_freeze marks it, and common/network's
 * model_backward then passes NULL for its dw and db, and stops the backward
 * pass where no layer below learns any more (Layer.frozen, Layer.stop_grad).
 */
#ifndef CH08_TRANSFER_H
#define CH08_TRANSFER_H

#include "model.h"
#include "sgd.h"
#include "tensor.h"

/* Two groups of layers, each with its learning rate: the backbone, layers
 * 0..head-1, at backbone_scale times the step's rate p.lr, and the head,
 * layers head.., at p.lr. Fine-tuning uses a scale below 1 (0.1): the
 * backbone's features are already good and a large step would wreck them
 * before the new head has learnt to read them. */
typedef struct LrGroups {
    int head;             /* the first layer of the head, 0..nlayers */
    float backbone_scale; /* > 0; 1 trains both groups at the same rate */
} LrGroups;

/* Copies the saved weights of the first `layers` layers of a model saved
 * in dir (model_save's files) into m's first `layers` layers: for each of
 * them every tensor it saves (weight, bias; batch norm's running mean and
 * variance too), dir/<name>.npy. Each file must hold the shape of m's
 * tensor. Layers from `layers` on (the new head) keep their values. All
 * files are read and checked before anything is copied: on any error
 * (missing file, other shape) m is unchanged and -1 comes back with a
 * message naming the file and both shapes. */
int model_load_backbone(Model *m, const char *dir, int layers);

/* Freezes the first `layers` layers of m (0 unfreezes every layer): sets
 * Layer.frozen for layers 0..layers-1 and clears it for the others, and sets
 * Layer.stop_grad on every layer below which no layer learns (no layer
 * j < i that has parameters and is not frozen), clearing it on the others.
 * -1 with a message when layers is not 0..nlayers. */
int model_freeze(Model *m, int layers);

/* One SGD step (chapter 05's sgd_step, momentum and weight decay as in p)
 * for every parameter of every layer that is not frozen: the backbone's
 * layers (i < g->head) with learning rate g->backbone_scale * p.lr, the
 * head's with p.lr; no weight decay where Param.decay is false (biases,
 * batch norm). Frozen layers are not touched (their velocity neither). */
int sgd_step_groups(Model *m, SgdParams p, const LrGroups *g);

/* Chapter 05's train_step with sgd_step_groups as its update: zero the
 * gradients, forward, softmax cross-entropy, backward (which skips what
 * model_freeze marked), update by group. Given. */
int transfer_train_step(float *loss, int *correct, Model *m, const Tensor *x, const int *labels,
                        SgdParams p, const LrGroups *g);

#endif
