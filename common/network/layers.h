/* GIVEN -- read it, don't edit it. Part of common/network/, the framework
 * that joins your chapters into one network.
 *
 * layers.h -- the table of layer operations a network calls.
 *
 * A model (model.h) never names a convolution or a pooling function: it calls
 * the operations of the LayerOps table it was built with. Two tables exist,
 * with the same signatures (the compiler checks each entry):
 *
 *   layers_naive   the layers you write in chapters 03-05: conv2d_forward
 *                  (03), max and average pooling (04), every backward pass,
 *                  ReLU and the dense layer (05);
 *   layers_fast    chapter 06's im2col + GEMM convolution, its dense layer on
 *                  the packed GEMM and its vectorised max pooling, with the
 *                  chapter 03-05 layers where chapter 06 has no faster one.
 *
 * Neither has batch normalisation (chapter 08): layers_with_batchnorm()
 * (layers_batchnorm.h) copies one of them and adds chapter 08's.
 *
 * Both compute the same sums (in another order: results agree to float
 * rounding). Which table a program uses, and whose code fills it (yours, or
 * the reference for a chapter you have not started), the programs print
 * before they train (provenance.h).
 *
 * Shapes and contracts: as in the chapters' headers (conv.h, pooling.h,
 * conv_backward.h, pool_backward.h, relu.h, dense.h). Backward passes
 * ACCUMULATE into gradients the caller has zeroed.
 */
#ifndef NETWORK_LAYERS_H
#define NETWORK_LAYERS_H

#include "conv.h"
#include "pooling.h"
#include "tensor.h"

#include <stdint.h>

/* The operations a layer can need, and the chapter whose code each one is. */
typedef enum {
    OP_CONV_FORWARD, OP_CONV_BACKWARD, OP_RELU_FORWARD, OP_RELU_BACKWARD,
    OP_MAXPOOL_FORWARD, OP_MAXPOOL_BACKWARD, OP_AVGPOOL_FORWARD, OP_AVGPOOL_BACKWARD,
    OP_DENSE_FORWARD, OP_DENSE_BACKWARD, OP_BATCHNORM_FORWARD, OP_BATCHNORM_BACKWARD, OP_COUNT
} LayerOp;

typedef struct LayerOps {
    const char *name;  /* "naive" or "fast" */
    /* x [N,C,H,W], w [K,C,R,S], b [K] -> y [N,K,P,Q] */
    int (*conv_forward)(Tensor *y, const Tensor *x, const Tensor *w, const Tensor *b, Conv2dParams p);
    /* dy [N,K,P,Q] -> dx like x, dw like w, db like b (each may be NULL) */
    int (*conv_backward)(Tensor *dx, Tensor *dw, Tensor *db, const Tensor *dy, const Tensor *x,
                         const Tensor *w, Conv2dParams p);
    /* y = max(x, 0), any shape; dx += dy where x > 0 */
    int (*relu_forward)(Tensor *y, const Tensor *x);
    int (*relu_backward)(Tensor *dx, const Tensor *dy, const Tensor *x);
    /* x [N,C,H,W] -> y [N,C,P,Q], argmax [N*C*P*Q] flat indices into x */
    int (*maxpool_forward)(Tensor *y, int32_t *argmax, const Tensor *x, Pool2dParams p);
    int (*maxpool_backward)(Tensor *dx, const Tensor *dy, const int32_t *argmax, Pool2dParams p);
    int (*avgpool_forward)(Tensor *y, const Tensor *x, Pool2dParams p);
    int (*avgpool_backward)(Tensor *dx, const Tensor *dy, Pool2dParams p);
    /* x [N,D], w [M,D], b [M] -> y [N,M]; and its backward */
    int (*dense_forward)(Tensor *y, const Tensor *x, const Tensor *w, const Tensor *b);
    int (*dense_backward)(Tensor *dx, Tensor *dw, Tensor *db, const Tensor *dy, const Tensor *x,
                          const Tensor *w);
    /* Optional (NULL: not available): a ReLU followed by a 2x2 / stride 2
     * max pool, forward in one pass: y and argmax the pool's, x the ReLU's
     * input (the ReLU's own output is then not written). */
    int (*relu_maxpool2x2_forward)(Tensor *y, int32_t *argmax, const Tensor *x, Pool2dParams p);
    /* Optional (NULL: not available): a ReLU followed by a 2x2 / stride 2
     * max pool, backward in one pass. dx = the ReLU's input gradient,
     * WRITTEN (not accumulated); x = the ReLU's input. */
    int (*relu_maxpool2x2_backward)(Tensor *dx, const Tensor *dy, const int32_t *argmax, const Tensor *x,
                                    Pool2dParams p);
    /* Optional (NULL: this table has no batch norm): chapter 08's batch
     * normalisation, x [N,C,H,W], the per-channel tensors [C]; see
     * chapters/08-real-world/batchnorm.h for the contracts. */
    int (*batchnorm_forward_train)(Tensor *y, Tensor *save_mean, Tensor *save_invstd, Tensor *running_mean,
                                   Tensor *running_var, const Tensor *x, const Tensor *gamma, const Tensor *beta,
                                   float momentum, float eps);
    int (*batchnorm_forward_eval)(Tensor *y, const Tensor *x, const Tensor *gamma, const Tensor *beta,
                                  const Tensor *running_mean, const Tensor *running_var, float eps);
    int (*batchnorm_backward)(Tensor *dx, Tensor *dgamma, Tensor *dbeta, const Tensor *dy, const Tensor *x,
                              const Tensor *gamma, const Tensor *save_mean, const Tensor *save_invstd);
    /* For each LayerOp, the chapter ("03".."08") whose code it runs; NULL
     * for an operation the table does not have (batch norm). */
    const char *chapter[OP_COUNT];
} LayerOps;

extern const LayerOps layers_naive; /* layers_naive.c */
extern const LayerOps layers_fast;  /* layers_fast.c: only where chapter 06 is linked */

/* "conv forward", "max pool backward", ... for printing. */
const char *layer_op_name(LayerOp op);

#endif
