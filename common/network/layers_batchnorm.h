/* GIVEN -- read it, don't edit it. Part of common/network/.
 *
 * layers_batchnorm.h -- a table of layer operations with chapter 08's
 * batch normalisation added.
 *
 *     LayerOps ops = layers_with_batchnorm(&layers_naive);
 *     Model *m = model_cnn_bn(&ops, 1, 8, 8, 8, 16, 10, seed);
 *
 * The copy must outlive every model built with it (a model keeps a pointer
 * to its table). Only where chapter 08 is linked. */
#ifndef NETWORK_LAYERS_BATCHNORM_H
#define NETWORK_LAYERS_BATCHNORM_H

#include "layers.h"

/* base (layers_naive or layers_fast) with the batch-norm entries set to
 * chapter 08's functions, and "08" as their chapter. */
LayerOps layers_with_batchnorm(const LayerOps *base);

#endif
