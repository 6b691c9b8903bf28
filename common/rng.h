/* GIVEN -- read it, don't edit it.
 *
 * rng.h -- a seeded random number generator that gives the same numbers on
 * every machine, and the weight initialisations built on it.
 *
 * The generator is xoshiro256** (Blackman and Vigna), seeded through
 * splitmix64: fast, small, statistically strong, and, unlike rand(),
 * defined to the bit, so "seed 42" means the same weights on Linux and macOS
 * and the workbook's figures and loss curves are reproducible.
 *
 * Uniform floats use the top 24 bits of a 64-bit draw, so they are exact
 * multiples of 2^-24 in [0, 1). Normal draws use the Box-Muller transform in
 * double precision, rounded to float.
 */
#ifndef CNN_RNG_H
#define CNN_RNG_H

#include "tensor.h"

#include <stdint.h>

typedef struct Rng {
    uint64_t s[4];
} Rng;

void rng_seed(Rng *rng, uint64_t seed);
uint64_t rng_next_u64(Rng *rng);

float rng_uniform(Rng *rng);                          /* [0, 1) */
float rng_uniform_range(Rng *rng, float lo, float hi); /* [lo, hi) */
float rng_normal(Rng *rng);                           /* mean 0, sd 1 */
int rng_below(Rng *rng, int n);                       /* 0 .. n-1, unbiased */

/* Fisher-Yates shuffle of a[0..n-1]. */
void rng_shuffle_ints(Rng *rng, int *a, int n);

void tensor_fill_uniform(Tensor *t, Rng *rng, float lo, float hi);
void tensor_fill_normal(Tensor *t, Rng *rng, float mean, float sd);

/* He (Kaiming) normal initialisation for layers followed by ReLU:
 * w ~ N(0, 2 / fan_in). fan_in = C*R*S for a conv, D for a dense layer. */
void init_he_normal(Tensor *w, Rng *rng, int fan_in);

/* Xavier (Glorot) uniform initialisation:
 * w ~ U(-a, a) with a = sqrt(6 / (fan_in + fan_out)). */
void init_xavier_uniform(Tensor *w, Rng *rng, int fan_in, int fan_out);

#endif
