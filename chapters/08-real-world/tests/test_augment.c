/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * test_augment.c -- chapter 08: horizontal flips and crops after zero
 * padding, one image at a time and over a seeded batch.
 *
 * Expected pixels are worked out by hand in the comments; the batch's
 * statistics are compared with the exact distribution the test enumerates
 * itself (every offset and flip equally likely). Images are never square
 * or symmetric, so a swapped axis or a mirrored crop cannot pass.
 */
#include "augment.h"

#include "epochs.h"
#include "error.h"
#include "testing.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- 8.4 flip ------------------------------------------------------------- */

GRADED_TEST(augment, flip_mirrors_rows, 2,
            "augment_flip mirrors image n left to right, (c,h,w) <- (c,h,W-1-w), and touches no other image "
            "(TODO 8.4).")
{
    /* two images [2,1,2,5]: odd width, so the middle column stays */
    const float in[20] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
    const float want[20] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 14, 13, 12, 11, 20, 19, 18, 17, 16};
    Tensor *x = test_tensor(2, 1, 2, 5, in), *expected = test_tensor(2, 1, 2, 5, want);
    cr_assert_eq(augment_flip(x, 1), 0, "augment_flip failed: %s", cnn_last_error());
    expect_tensor_close(x, expected, 0, 0, "image 1 of [2,1,2,5] mirrored (image 0 untouched)");
    /* two channels, even width [1,2,1,4] */
    Tensor *y = test_tensor(1, 2, 1, 4, (const float[]){1, 2, 3, 4, 5, 6, 7, 8});
    Tensor *ywant = test_tensor(1, 2, 1, 4, (const float[]){4, 3, 2, 1, 8, 7, 6, 5});
    cr_assert_eq(augment_flip(y, 0), 0, "augment_flip failed: %s", cnn_last_error());
    expect_tensor_close(y, ywant, 0, 0, "both channels of [1,2,1,4] mirrored");
    tensor_free(x); tensor_free(expected); tensor_free(y); tensor_free(ywant);
}

GRADED_TEST(augment, flip_twice_is_identity, 1,
            "Flipping an image twice gives it back exactly, for even and odd widths (TODO 8.4).")
{
    Tensor *x = test_random_tensor(3, 3, 4, 6, 86), *odd = test_random_tensor(2, 1, 3, 7, 87);
    Tensor *x0 = tensor_clone(x), *odd0 = tensor_clone(odd);
    cr_assert(x0 && odd0, "out of memory");
    for (int n = 0; n < 3; n++) {
        cr_assert_eq(augment_flip(x, n), 0, "%s", cnn_last_error());
        cr_assert_eq(augment_flip(x, n), 0, "%s", cnn_last_error());
    }
    for (int n = 0; n < 2; n++) {
        cr_assert_eq(augment_flip(odd, n), 0, "%s", cnn_last_error());
        cr_assert_eq(augment_flip(odd, n), 0, "%s", cnn_last_error());
    }
    expect_tensor_close(x, x0, 0, 0, "[3,3,4,6] flipped twice");
    expect_tensor_close(odd, odd0, 0, 0, "[2,1,3,7] flipped twice");
    cr_assert_eq(augment_flip(x, 0), 0, "%s", cnn_last_error());
    cr_expect(!tensor_close(x, x0, 0, 0, "flipped once", NULL, 0), "one flip left the image unchanged");
    tensor_free(x); tensor_free(x0); tensor_free(odd); tensor_free(odd0);
}

/* ---- 8.5 crop ------------------------------------------------------------- */

GRADED_TEST(augment, crop_hand_example, 3,
            "augment_crop: y(n,c,h,w) = x(n,c, h+dy-pad, w+dx-pad), 0 outside x; (pad, pad) is the image itself "
            "(TODO 8.5).")
{
    /* x [1,1,3,4] = 1..12, pad 1 */
    const float in[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    Tensor *x = test_tensor(1, 1, 3, 4, in), *y = tensor_new(1, 1, 3, 4);
    cr_assert(y, "out of memory");
    struct {
        int dy, dx;
        float want[12];
        const char *what;
    } cases[] = {
        {1, 1, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, "offset (pad, pad) = (1, 1): the image itself"},
        {0, 0, {0, 0, 0, 0, 0, 1, 2, 3, 0, 5, 6, 7}, "offset (0, 0): the image moves down and right by 1"},
        {2, 1, {5, 6, 7, 8, 9, 10, 11, 12, 0, 0, 0, 0}, "offset (2, 1): up by 1, a zero row at the bottom"},
        {1, 2, {2, 3, 4, 0, 6, 7, 8, 0, 10, 11, 12, 0}, "offset (1, 2): left by 1, a zero column at the right"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        tensor_fill(y, 99.0f);
        cr_assert_eq(augment_crop(y, x, 0, 1, cases[k].dy, cases[k].dx), 0, "augment_crop failed: %s",
                     cnn_last_error());
        Tensor *expected = test_tensor(1, 1, 3, 4, cases[k].want);
        char what[128];
        snprintf(what, sizeof what, "crop of 1..12 [1,1,3,4], pad 1, %s", cases[k].what);
        expect_tensor_close(y, expected, 0, 0, what);
        tensor_free(expected);
    }
    /* image 1 of two, two channels, pad 2 and offset (4, 0): up by 2, right by 2 */
    Tensor *x2 = test_random_tensor(2, 2, 3, 5, 88), *y2 = tensor_new(2, 2, 3, 5), *want2 = tensor_new(2, 2, 3, 5);
    cr_assert(y2 && want2, "out of memory");
    tensor_fill(y2, 99.0f);
    tensor_fill(want2, 99.0f);
    for (int c = 0; c < 2; c++)
        for (int h = 0; h < 3; h++)
            for (int w = 0; w < 5; w++)
                *tensor_at(want2, 1, c, h, w) = h + 2 < 3 && w - 2 >= 0 ? *tensor_at(x2, 1, c, h + 2, w - 2) : 0.0f;
    cr_assert_eq(augment_crop(y2, x2, 1, 2, 4, 0), 0, "augment_crop failed: %s", cnn_last_error());
    expect_tensor_close(y2, want2, 0, 0, "image 1 of [2,2,3,5], pad 2, offset (4, 0) (image 0 of y untouched)");
    cr_expect_eq(augment_crop(y, x, 0, 1, 3, 0), -1, "offset dy = 3 > 2*pad = 2 must be refused");
    tensor_free(x); tensor_free(y); tensor_free(x2); tensor_free(y2); tensor_free(want2);
}

/* ---- 8.6 the batch -------------------------------------------------------- */

enum { STAT_IMAGES = 4000 };

/* A [STAT_IMAGES,1,4,5] batch of one image: a single 1 at (1, 3), 0
 * elsewhere (asymmetric in both directions). */
static Tensor *dot_batch(void)
{
    Tensor *x = tensor_new(STAT_IMAGES, 1, 4, 5);
    cr_assert(x, "out of memory");
    for (int n = 0; n < STAT_IMAGES; n++) *tensor_at(x, n, 0, 1, 3) = 1.0f;
    return x;
}

GRADED_TEST(augment, batch_statistics_match_the_distribution, 2,
            "Over 4000 augmented copies of one image, each offset dy, dx in 0..2*pad and each flip is equally "
            "likely: the mean image matches the exact distribution (TODO 8.6).")
{
    const int pad = 1;
    Tensor *x = dot_batch();
    Rng rng;
    rng_seed(&rng, 89);
    AugmentParams p = {.pad = pad, .flip = true};
    cr_assert_eq(augment_batch(x, &rng, &p), 0, "augment_batch failed: %s", cnn_last_error());
    /* The exact mean: the dot lands at (1 + pad - dy, 3 + pad - dx), then
     * mirrored (w -> 4 - w) for half of the images. */
    Tensor *want = tensor_new(1, 1, 4, 5), *got = tensor_new(1, 1, 4, 5);
    cr_assert(want && got, "out of memory");
    double cases = (2 * pad + 1) * (2 * pad + 1) * 2;
    for (int dy = 0; dy <= 2 * pad; dy++)
        for (int dx = 0; dx <= 2 * pad; dx++)
            for (int flip = 0; flip < 2; flip++) {
                int h = 1 + pad - dy, w = 3 + pad - dx;
                if (h < 0 || h >= 4 || w < 0 || w >= 5) continue;
                *tensor_at(want, 0, 0, h, flip ? 4 - w : w) += (float)(1.0 / cases);
            }
    for (int n = 0; n < STAT_IMAGES; n++)
        for (int i = 0; i < 20; i++) got->data[i] += tensor_image(x, n)[i] / STAT_IMAGES;
    /* Each cell is a frequency of about 1/18 over 4000 images: its standard
     * deviation is 0.004, and 0.02 is five of them. */
    expect_tensor_close(got, want, 0.02f, 0, "mean of 4000 augmented copies of a dot at (1,3), pad 1, flip");
    tensor_free(x); tensor_free(want); tensor_free(got);
}

GRADED_TEST(augment, batch_is_seeded_and_flip_optional, 1,
            "The same seed gives the same batch, another seed another one; with flip off no image is mirrored "
            "(TODO 8.6).")
{
    Tensor *a = test_random_tensor(8, 3, 6, 7, 90);
    Tensor *b = tensor_clone(a), *c = tensor_clone(a), *x0 = tensor_clone(a);
    cr_assert(b && c && x0, "out of memory");
    AugmentParams p = {.pad = 2, .flip = true};
    Rng r1, r2, r3;
    rng_seed(&r1, 5);
    rng_seed(&r2, 5);
    rng_seed(&r3, 6);
    cr_assert_eq(augment_batch(a, &r1, &p), 0, "%s", cnn_last_error());
    cr_assert_eq(augment_batch(b, &r2, &p), 0, "%s", cnn_last_error());
    cr_assert_eq(augment_batch(c, &r3, &p), 0, "%s", cnn_last_error());
    expect_tensor_close(b, a, 0, 0, "the batch augmented again with the same seed");
    cr_expect(!tensor_close(c, a, 0, 0, "another seed", NULL, 0), "seeds 5 and 6 gave the same augmented batch");
    cr_expect(!tensor_close(a, x0, 0, 0, "augmented", NULL, 0), "augment_batch left the batch unchanged");
    /* Flip off, pad 1: the dot never reaches the mirrored columns 0 and 1
     * (it can only move to columns 2, 3, 4). */
    Tensor *d = dot_batch();
    AugmentParams noflip = {.pad = 1, .flip = false};
    cr_assert_eq(augment_batch(d, &r1, &noflip), 0, "%s", cnn_last_error());
    double left = 0;
    for (int n = 0; n < STAT_IMAGES; n++)
        for (int h = 0; h < 4; h++) left += *tensor_at(d, n, 0, h, 0) + *tensor_at(d, n, 0, h, 1);
    cr_expect(left == 0, "with flip = false, %g of 4000 copies of a dot at column 3 ended in column 0 or 1", left);
    tensor_free(a); tensor_free(b); tensor_free(c); tensor_free(x0); tensor_free(d);
}

/* ---- given: only training batches are augmented ------------------------- */

typedef struct {
    long images;
} AugmentCount;

static int counting_augment(Tensor *xb, Rng *rng, const void *ctx)
{
    AugmentCount *count = (AugmentCount *)ctx;
    count->images += xb->n;
    AugmentParams p = {.pad = 1, .flip = true};
    return augment_batch(xb, rng, &p);
}

GRADED_TEST_TIMEOUT(augment, only_training_batches_labels_untouched, 1, 20.0,
                    "The epoch loop augments each training batch (every training image once per epoch), "
                    "never the test set, and neither the stored images nor any label changes (given code, "
                    "with your augment_batch).")
{
    /* 40 training and 12 test images [1,4,5], 3 classes, 2 epochs */
    Dataset train = {.images = test_random_tensor(40, 1, 4, 5, 91), .count = 40, .classes = 3};
    Dataset test = {.images = test_random_tensor(12, 1, 4, 5, 92), .count = 12, .classes = 3};
    int train_labels[40], test_labels[12];
    for (int i = 0; i < 40; i++) train_labels[i] = i % 3;
    for (int i = 0; i < 12; i++) test_labels[i] = (i + 1) % 3;
    train.labels = train_labels;
    test.labels = test_labels;
    Tensor *train0 = tensor_clone(train.images), *test0 = tensor_clone(test.images);
    cr_assert(train0 && test0, "out of memory");
    TrainConfig cfg;
    cr_assert_eq(train_config_defaults(&cfg, "mlp", "digits"), 0, "%s", cnn_last_error());
    cfg.epochs = 2;
    cfg.batch = 16;
    cfg.layers = &layers_naive;
    AugmentCount count = {0};
    cfg.augment = counting_augment;
    cfg.augment_ctx = &count;
    Model *m = model_mlp(&layers_naive, 1, 4, 5, 3, 7);
    cr_assert(m, "%s", cnn_last_error());
    TrainResult r;
    cr_assert_eq(train_epochs(&r, m, &train, &test, &cfg, NULL), 0, "train_epochs: %s", cnn_last_error());
    cr_expect_eq(count.images, 80, "2 epochs of 40 training images: %ld images augmented, expected 80 (the test "
                 "set is never augmented)", count.images);
    expect_tensor_close(train.images, train0, 0, 0, "the stored training images after training (batches are copies)");
    expect_tensor_close(test.images, test0, 0, 0, "the test images after training");
    for (int i = 0; i < 40; i++) cr_expect_eq(train_labels[i], i % 3, "training label %d changed", i);
    for (int i = 0; i < 12; i++) cr_expect_eq(test_labels[i], (i + 1) % 3, "test label %d changed", i);
    model_free(m);
    tensor_free(train.images); tensor_free(test.images); tensor_free(train0); tensor_free(test0);
}
