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
    OP_DENSE_FORWARD, OP_DENSE_BACKWARD, OP_COUNT
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
     * max pool, backward in one pass. dx = the ReLU's input gradient,
     * WRITTEN (not accumulated); x = the ReLU's input. */
    int (*relu_maxpool2x2_backward)(Tensor *dx, const Tensor *dy, const int32_t *argmax, const Tensor *x,
                                    Pool2dParams p);
    /* For each LayerOp, the chapter ("03".."06") whose code it runs. */
    const char *chapter[OP_COUNT];
} LayerOps;

extern const LayerOps layers_naive; /* layers_naive.c */
extern const LayerOps layers_fast;  /* layers_fast.c: only where chapter 06 is linked */

/* "conv forward", "max pool backward", ... for printing. */
const char *layer_op_name(LayerOp op);

#endif
