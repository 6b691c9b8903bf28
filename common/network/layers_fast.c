/* GIVEN -- read it, don't edit it. Part of common/network/.
 *
 * layers_fast.c -- the table of chapter 06's fast layers, with chapters 04
 * and 05's where chapter 06 has no faster one (ReLU, average pooling). */
#include "layers.h"

#include "fastconv.h"
#include "pool_backward.h"
#include "relu.h"

const LayerOps layers_fast = {
    .name = "fast",
    .conv_forward = conv2d_forward_fast,
    .conv_backward = conv2d_backward_fast,
    .relu_forward = relu_forward,
    .relu_backward = relu_backward,
    .maxpool_forward = maxpool2d_forward_fast,
    .maxpool_backward = maxpool2d_backward_fast,
    .avgpool_forward = avgpool2d_forward,
    .avgpool_backward = avgpool2d_backward,
    .dense_forward = dense_forward_fast,
    .dense_backward = dense_backward_fast,
    .relu_maxpool2x2_forward = relu_maxpool2d_forward_fast,
    .relu_maxpool2x2_backward = relu_maxpool2d_backward_fast,
    .chapter = {[OP_CONV_FORWARD] = "06", [OP_CONV_BACKWARD] = "06", [OP_RELU_FORWARD] = "05",
                [OP_RELU_BACKWARD] = "05", [OP_MAXPOOL_FORWARD] = "06", [OP_MAXPOOL_BACKWARD] = "06",
                [OP_AVGPOOL_FORWARD] = "04", [OP_AVGPOOL_BACKWARD] = "05", [OP_DENSE_FORWARD] = "06",
                [OP_DENSE_BACKWARD] = "06"},
};
