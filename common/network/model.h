/* GIVEN -- read it, don't edit it. Part of common/network/, the framework
 * that joins your chapters into one network.
 *
 * model.h -- a network as a list of layers, with its parameters, its
 * forward and its backward pass. Chapter 05's train_step drives it.
 *
 * A model is built layer by layer; each layer knows its input and output
 * shape per image, so the builder checks the chain and counts parameters:
 *
 *     Model *m = model_new(&layers_naive, "cnn", 1, 8, 8);   input [N, 1, 8, 8]
 *     model_add_conv(m, "conv1", 8, 3, 1, 1);             [N, 8, 8, 8]
 *     model_add_relu(m);
 *     model_add_maxpool(m, 2, 2);                         [N, 8, 4, 4]
 *     ...
 *     model_add_dense(m, "fc2", 10);                      [N, 10]
 *
 * model_mlp() and model_cnn() build the tutorial's two networks.
 *
 * Batches. Activations are kept per layer for the backward pass, sized for
 * the largest batch seen so far; a smaller batch (the last one of an epoch)
 * uses the front of the same buffers.
 *
 * Parameters are named "<layer>.weight" and "<layer>.bias" (PyTorch's names)
 * and saved as one .npy file each: conv weights [K,C,R,S], dense [M,D].
 *
 * Layers. The model calls every layer through the LayerOps table it is
 * built with (layers.h): layers_naive (your chapters 03-05) or layers_fast
 * (chapter 06). Both compute the same sums, in another order.
 */
#ifndef NETWORK_MODEL_H
#define NETWORK_MODEL_H

#include "layers.h"
#include "tensor.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { MODEL_MAX_LAYERS = 16, MODEL_MAX_PARAMS = 2 * MODEL_MAX_LAYERS };

typedef enum { LAYER_CONV, LAYER_RELU, LAYER_MAXPOOL, LAYER_AVGPOOL, LAYER_DENSE, LAYER_BATCHNORM } LayerKind;

/* One learnable tensor with its gradient and its SGD velocity (same shape). */
typedef struct Param {
    char name[32];   /* "conv1.weight" */
    Tensor *value, *grad, *velocity;
    bool decay;      /* weight decay applies (weights yes, biases no) */
} Param;

typedef struct Layer {
    LayerKind kind;
    char name[16];          /* "conv1", "relu2", "pool1", "fc3" */
    int in[3], out[3];      /* per-image shape C, H, W of input and output */
    Conv2dParams conv;      /* LAYER_CONV */
    Pool2dParams pool;      /* LAYER_MAXPOOL, LAYER_AVGPOOL */
    Param *weight, *bias;   /* LAYER_CONV, LAYER_DENSE, LAYER_BATCHNORM (gamma,
                               beta); point into Model.params; a conv's bias
                               is NULL when it has none (before batch norm) */
    /* LAYER_BATCHNORM: the running statistics [C] (saved with the weights,
     * never updated by SGD) and the batch statistics [C] the last training
     * forward kept for the backward pass. */
    Tensor *running_mean, *running_var, *save_mean, *save_invstd;
    /* Transfer learning (chapter 08's model_freeze sets them; both false
     * after building): a frozen layer's parameters get no gradient (its
     * backward is called with NULL for dw and db) and no update; stop_grad
     * means no layer below this one learns, so its input gradient is not
     * computed either (and a frozen layer with stop_grad is skipped). */
    bool frozen, stop_grad;
    Tensor *y_store, *dy_store; /* [capacity, out] */
    Tensor y, dy;           /* views of the current batch */
    int32_t *argmax;        /* LAYER_MAXPOOL: capacity * out elements */
} Layer;

typedef struct Model {
    char name[16];
    const LayerOps *ops;    /* the layers it calls (not owned) */
    int in[3];              /* C, H, W of one input image */
    Layer layers[MODEL_MAX_LAYERS];
    int nlayers;
    Param params[MODEL_MAX_PARAMS];
    int nparams;
    int capacity, batch;    /* buffer size and current batch size N */
    bool inference;         /* false (the default): training, batch norm uses
                               the batch's statistics; true: the running ones */
} Model;

/* An empty model for [N, C, H, W] inputs whose layers run ops's
 * operations. Free it with model_free. */
Model *model_new(const LayerOps *ops, const char *name, int C, int H, int W);
void model_free(Model *m);

/* Appending layers. Each returns 0, or -1 with an error (no room, a shape
 * that does not fit, a window larger than its input). */
int model_add_conv(Model *m, const char *name, int K, int size, int pad, int stride);
int model_add_relu(Model *m);
int model_add_maxpool(Model *m, int window, int stride);
int model_add_avgpool(Model *m, int window, int stride);
int model_add_dense(Model *m, const char *name, int M);
/* A convolution without bias, for a convolution that batch norm follows
 * (batch norm subtracts the channel's mean, and a bias with it). */
int model_add_conv_nobias(Model *m, const char *name, int K, int size, int pad, int stride);
/* A dense layer without bias, for one that batch norm follows. */
int model_add_dense_nobias(Model *m, const char *name, int M);
/* Batch normalisation over each channel of a [C, H, W] output (chapter 08):
 * parameters "<name>.weight" (gamma) and "<name>.bias" (beta), running
 * statistics "<name>.running_mean" and "<name>.running_var", PyTorch's
 * names. After a dense layer its output [N, M] is [N, M, 1, 1]: each unit
 * is a channel of one value per image, normalised over the batch alone
 * (PyTorch's BatchNorm1d). -1 with an error when the model's table has no
 * batch norm (layers_batchnorm.h). */
int model_add_batchnorm(Model *m, const char *name);

/* Batch norm's mode: training (the default; batch statistics, running
 * averages updated) or inference (running statistics, nothing changes).
 * The epoch loop switches to inference to measure the test set. */
void model_set_inference(Model *m, bool inference);

/* The tutorial's models for [C, H, W] images and `classes` classes:
 *   mlp: dense(D->512)-ReLU-dense(512->256)-ReLU-dense(256->classes)
 *   cnn: conv(C->c1, 3x3, pad 1)-ReLU-maxpool2-conv(c1->c2, 3x3, pad 1)-ReLU-
 *        maxpool2-dense(c2*H/4*W/4 -> 64)-ReLU-dense(64->classes)
 * Weights are He-initialised from seed, biases are 0. */
Model *model_mlp(const LayerOps *ops, int C, int H, int W, int classes, uint64_t seed);
Model *model_cnn(const LayerOps *ops, int C, int H, int W, int c1, int c2, int classes, uint64_t seed);
/* model_cnn with batch norm after each convolution and after the first
 * dense layer, which then have no bias:
 *   conv(no bias)-BN-ReLU-maxpool2-conv(no bias)-BN-ReLU-maxpool2-
 *   dense(no bias)-BN-ReLU-dense
 * ops must have batch norm (layers_batchnorm.h). */
Model *model_cnn_bn(const LayerOps *ops, int C, int H, int W, int c1, int c2, int classes, uint64_t seed);

/* He-normal weights (std sqrt(2 / fan_in)), zero biases, zero velocities;
 * batch norm: gamma 1, beta 0, running mean 0 and variance 1. */
void model_init(Model *m, uint64_t seed);

/* Total number of learnable scalars. */
size_t model_param_count(const Model *m);

/* Number of classes: the last layer's output size. */
int model_classes(const Model *m);

/* Sizes every layer's buffers for batches of up to N images now rather
 * than in the first model_forward that needs them: a timed loop then does
 * not time the allocation and the first touch of its pages. 0, or -1 with
 * an error when memory runs out. */
int model_reserve(Model *m, int N);

/* x [N, C, H, W] -> the logits [N, classes], a view owned by the model and
 * valid until the next forward. NULL with an error on a shape mismatch. */
const Tensor *model_forward(Model *m, const Tensor *x);

/* The gradient of the loss w.r.t. the logits of the last forward: the caller
 * accumulates into it (softmax_cross_entropy) before model_backward. */
Tensor *model_dlogits(Model *m);

/* Zeroes every parameter gradient and model_dlogits(). */
void model_zero_grad(Model *m);

/* Backpropagates model_dlogits() through the layers of the last forward
 * (x is that forward's input), accumulating into every Param.grad (except
 * those of frozen layers; and from a layer marked stop_grad down nothing
 * is computed: see Layer.frozen). The
 * gradients between layers are zeroed here, each just before the layer
 * that accumulates into it (then it is still in cache: zeroing all of them
 * at the start of a step cost a trip to memory for each). */
int model_backward(Model *m, const Tensor *x);

/* Writes one line per layer ("conv1  conv 3x3 pad 1 stride 1  [8,8,8]  80
 * params") and a total into buf. */
void model_describe(const Model *m, char *buf, size_t size);

/* Saves every parameter, and every batch norm's running statistics, as
 * dir/<name>.npy (dir must exist), or loads them back (shapes must match). */
int model_save(const Model *m, const char *dir);
int model_load(Model *m, const char *dir);

#endif
