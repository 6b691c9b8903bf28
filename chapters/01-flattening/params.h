/* GIVEN -- read it, don't edit it.
 * (Generated from solutions/01-flattening/params.h by `make skeletons`.)
 *
 * params.h -- chapter 01: counting the parameters of a first layer.
 *
 * The tutorial's table (512 hidden units):
 *
 *     8x8 digits          64 inputs       33,280 parameters
 *     32x32 RGB        3,072 inputs    1,573,376 parameters
 *     224x224 RGB    150,528 inputs   77,070,848 parameters
 *     conv, 32 filters of 3x3x3:             896 parameters, any image size
 */
#ifndef CH01_PARAMS_H
#define CH01_PARAMS_H

#include <stdio.h>

/* Exercise 1.6. Weights plus biases of a dense layer from `inputs` features
 * to `units` outputs (weight [units, inputs], bias [units]). */
long long dense_param_count(long long inputs, long long units);

/* Exercise 1.7. Weights plus biases of a conv layer with `filters` kernels
 * of size kernel_h x kernel_w over `channels` input channels (weight
 * [K, C, R, S], bias [K]). The image size does not appear: that is the point. */
long long conv_param_count(int channels, int filters, int kernel_h, int kernel_w);

/* Writes n with thousands separators ("1,573,376") into buf; returns buf. */
const char *format_count(char *buf, size_t size, long long n);

/* Exercise 1.8. Prints the tutorial's table for a first dense layer of
 * `hidden` units and the 32-filter 3x3 conv layer to out. Returns -1 with a
 * message when hidden is not positive. */
int print_param_table(FILE *out, int hidden);

#endif
