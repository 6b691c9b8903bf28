/* GIVEN -- read it, don't edit it.
 *
 * rng.c -- xoshiro256** with splitmix64 seeding; see rng.h. */
#include "rng.h"

#include <math.h>

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void rng_seed(Rng *rng, uint64_t seed)
{
    for (int i = 0; i < 4; i++) rng->s[i] = splitmix64(&seed);
}

uint64_t rng_next_u64(Rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

float rng_uniform(Rng *rng)
{
    return (float)(rng_next_u64(rng) >> 40) * (1.0f / 16777216.0f);
}

float rng_uniform_range(Rng *rng, float lo, float hi)
{
    return lo + (hi - lo) * rng_uniform(rng);
}

float rng_normal(Rng *rng)
{
    /* Box-Muller: two uniforms on (0, 1] give a standard normal. Using 53-bit
     * doubles keeps u1 away from 0 and the log finite. */
    double u1 = ((double)(rng_next_u64(rng) >> 11) + 1.0) * (1.0 / 9007199254740992.0);
    double u2 = (double)(rng_next_u64(rng) >> 11) * (1.0 / 9007199254740992.0);
    return (float)(sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2));
}

int rng_below(Rng *rng, int n)
{
    /* Rejection sampling removes the bias of a plain modulo. */
    uint64_t bound = (uint64_t)n;
    uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t x;
    do x = rng_next_u64(rng); while (x >= limit);
    return (int)(x % bound);
}

void rng_shuffle_ints(Rng *rng, int *a, int n)
{
    for (int i = n - 1; i > 0; i--) {
        int j = rng_below(rng, i + 1);
        int tmp = a[i];
        a[i] = a[j];
        a[j] = tmp;
    }
}

void tensor_fill_uniform(Tensor *t, Rng *rng, float lo, float hi)
{
    size_t size = tensor_size(t);
    for (size_t i = 0; i < size; i++) t->data[i] = rng_uniform_range(rng, lo, hi);
}

void tensor_fill_normal(Tensor *t, Rng *rng, float mean, float sd)
{
    size_t size = tensor_size(t);
    for (size_t i = 0; i < size; i++) t->data[i] = mean + sd * rng_normal(rng);
}

void init_he_normal(Tensor *w, Rng *rng, int fan_in)
{
    tensor_fill_normal(w, rng, 0.0f, (float)sqrt(2.0 / (double)fan_in));
}

void init_xavier_uniform(Tensor *w, Rng *rng, int fan_in, int fan_out)
{
    float a = (float)sqrt(6.0 / (double)(fan_in + fan_out));
    tensor_fill_uniform(w, rng, -a, a);
}
