/* GIVEN -- read it, don't edit it.
 *
 * figdata.c -- chapter 08: writes the pictures behind the augmentation
 * figure.
 *
 *   figdata-08 augment DATA DATASETS IMAGES COPIES PAD FLIP SEED OUT_PREFIX
 *       the first IMAGES training images of DATA, each followed by COPIES
 *       augmented versions (your augment_batch: shifts of up to PAD pixels,
 *       mirror images when FLIP is 1, seeded with SEED), written as
 *       OUT_PREFIX-II-KK.pgm or .ppm (KK = 00 is the image itself), one
 *       pixel per pixel, raw pixel values 0..1 -> 0..255.
 *
 * Exit status 1 with a message on any error, 2 on a bad command line.
 * Deterministic: the only randomness is the seeded Rng.
 */
#include "augment.h"

#include "dataset.h"
#include "error.h"
#include "image.h"
#include "rng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int write_image(const Tensor *t, int n, const char *prefix, int image, int copy)
{
    int C = t->c, H = t->h, W = t->w;
    uint8_t *bytes = malloc((size_t)C * H * W);
    if (!bytes) return cnn_error("figdata-08: out of memory");
    char path[1024];
    snprintf(path, sizeof path, "%s-%02d-%02d.%s", prefix, image, copy, C == 3 ? "ppm" : "pgm");
    int rc = image_tensor_to_u8(bytes, t, n, 0.0f, 1.0f);
    if (rc == 0) rc = C == 3 ? image_write_ppm(path, bytes, W, H) : image_write_pgm(path, bytes, W, H);
    free(bytes);
    return rc;
}

static int augment_figure(char **a)
{
    int images = atoi(a[2]), copies = atoi(a[3]), pad = atoi(a[4]), flip = atoi(a[5]);
    unsigned long long seed = strtoull(a[6], NULL, 10);
    if (images < 1 || images > 32 || copies < 1 || copies > 32 || pad < 0 || pad > 8 || (flip != 0 && flip != 1))
        return cnn_error("figdata-08 augment: IMAGES and COPIES 1..32, PAD 0..8, FLIP 0 or 1");
    Dataset train = {0}, test = {0};
    if (dataset_load_split(&train, &test, a[0], a[1]) != 0) return -1;
    const Tensor *x = train.images;
    int rc = images <= train.count ? 0 : cnn_error("figdata-08 augment: only %d training images", train.count);
    Tensor *batch = rc == 0 ? tensor_new(copies, x->c, x->h, x->w) : NULL;
    if (rc == 0 && !batch) rc = -1;
    Rng rng;
    rng_seed(&rng, seed);
    AugmentParams p = {.pad = pad, .flip = flip == 1};
    size_t image = (size_t)x->c * x->h * x->w;
    for (int i = 0; i < images && rc == 0; i++) {
        rc = write_image(x, i, a[7], i, 0);
        for (int k = 0; k < copies && rc == 0; k++)
            memcpy(tensor_image(batch, k), tensor_image(x, i), image * sizeof(float));
        if (rc == 0) rc = augment_batch(batch, &rng, &p);
        for (int k = 0; k < copies && rc == 0; k++) rc = write_image(batch, k, a[7], i, k + 1);
    }
    tensor_free(batch);
    dataset_free(&train);
    dataset_free(&test);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 10 && strcmp(argv[1], "augment") == 0) {
        if (augment_figure(argv + 2) != 0) {
            fprintf(stderr, "figdata-08: %s\n", cnn_last_error());
            return 1;
        }
        return 0;
    }
    fprintf(stderr, "usage: figdata-08 augment DATA DATASETS IMAGES COPIES PAD FLIP SEED OUT_PREFIX\n");
    return 2;
}
