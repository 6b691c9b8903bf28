/* HIDDEN -- a hidden test of the autograders (grader/autograder/README.md).
 *
 * hidden_augment.c -- chapter 08's hidden tests of augmentation: flips and
 * crops of one image, and whole seeded batches, on shapes, paddings and
 * offsets drawn from the autograder's seed (odd widths, a width or height
 * of 1, N = 1, C = 1 among them), compared exactly with the reference
 * (ref_*) in the same process. A batch is augmented twice from the same
 * generator state, once by each, so the same draws in the same order must
 * give the same images and leave the generator in the same state.
 */
#include "augment.h"

#include "error.h"
#include "hidden.h"
#include "testing.h"

#include <criterion/criterion.h>
#include <stdio.h>

REFERENCE(augment_flip);
REFERENCE(augment_crop);
REFERENCE(augment_batch);

typedef struct {
    int n, c, h, w;
} Shape;

/* Round 0 takes N = 1, round 1 C = 1, round 2 W = 1, round 3 H = 1; the
 * others anything up to [4,3,7,8]. */
static Shape draw_shape(Rng *rng, int round, int max_n)
{
    Shape s = {hidden_size(rng, 1, max_n), hidden_size(rng, 1, 3), hidden_size(rng, 1, 7), hidden_size(rng, 2, 8)};
    if (round == 0) s.n = 1;
    if (round == 1) s.c = 1;
    if (round == 2) s.w = 1;
    if (round == 3) s.h = 1;
    return s;
}

GRADED_TEST(hidden_augment, flip_and_crop_fresh_images, 2,
            "8.4 and 8.5 on images you have not seen: image n mirrored, (c,h,w) <- (c,h,W-1-w); its crop "
            "x(h+dy-pad, w+dx-pad), 0 outside; every other image untouched")
{
    Rng rng = hidden_rng(85);
    for (int round = 0; round < 8; round++) {
        Shape s = draw_shape(&rng, round, 4);
        int n = rng_below(&rng, s.n), pad = hidden_size(&rng, 0, 3);
        int dy = rng_below(&rng, 2 * pad + 1), dx = rng_below(&rng, 2 * pad + 1);
        Tensor *x = test_random_tensor(s.n, s.c, s.h, s.w, hidden_seed(&rng));
        cr_assert(x, "test_random_tensor: %s", cnn_last_error());
        Tensor *flipped = tensor_clone(x), *want_flipped = tensor_clone(x);
        Tensor *y = tensor_new_like(x), *want_y = tensor_new_like(x);
        cr_assert(flipped && want_flipped && y && want_y, "out of memory");
        char what[160];

        cr_assert_eq(ref_augment_flip(want_flipped, n), 0, "the reference failed: %s", cnn_last_error());
        cr_assert_eq(augment_flip(flipped, n), 0, "augment_flip returned -1 for image %d of x [%d,%d,%d,%d]: %s", n,
                     s.n, s.c, s.h, s.w, cnn_last_error());
        snprintf(what, sizeof what, "hidden flip of image %d of x [%d,%d,%d,%d]", n, s.n, s.c, s.h, s.w);
        expect_tensor_close(flipped, want_flipped, 0, 0, what);

        tensor_fill(y, 99.0f);
        tensor_fill(want_y, 99.0f);
        cr_assert_eq(ref_augment_crop(want_y, x, n, pad, dy, dx), 0, "the reference failed: %s", cnn_last_error());
        cr_assert_eq(augment_crop(y, x, n, pad, dy, dx), 0,
                     "augment_crop returned -1 for image %d of x [%d,%d,%d,%d], pad %d, offset (%d, %d): %s", n, s.n,
                     s.c, s.h, s.w, pad, dy, dx, cnn_last_error());
        snprintf(what, sizeof what, "hidden crop of image %d of x [%d,%d,%d,%d], pad %d, offset (dy %d, dx %d) (the "
                 "other images of y hold 99)", n, s.n, s.c, s.h, s.w, pad, dy, dx);
        expect_tensor_close(y, want_y, 0, 0, what);
        Tensor *all[] = {x, flipped, want_flipped, y, want_y};
        for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) tensor_free(all[i]);
    }
}

GRADED_TEST(hidden_augment, batch_fresh_seeds, 2,
            "8.6 on batches and seeds you have not seen: per image dy, dx (only when pad > 0), then flip (only "
            "when flip is on), in that order: the same generator gives the reference's batch and draws as many "
            "numbers")
{
    Rng rng = hidden_rng(86);
    for (int round = 0; round < 8; round++) {
        Shape s = draw_shape(&rng, round, 6);
        /* round 4: no padding; round 5: no flip; round 6: neither */
        AugmentParams p = {round == 4 || round == 6 ? 0 : hidden_size(&rng, 1, 3), round != 5 && round != 6};
        Tensor *x = test_random_tensor(s.n, s.c, s.h, s.w, hidden_seed(&rng));
        Tensor *want = tensor_clone(x);
        cr_assert(x && want, "out of memory");
        Rng mine, theirs;
        rng_seed(&mine, hidden_seed(&rng));
        theirs = mine;
        cr_assert_eq(ref_augment_batch(want, &theirs, &p), 0, "the reference failed: %s", cnn_last_error());
        cr_assert_eq(augment_batch(x, &mine, &p), 0, "augment_batch returned -1 for x [%d,%d,%d,%d], pad %d, "
                     "flip %s: %s", s.n, s.c, s.h, s.w, p.pad, p.flip ? "on" : "off", cnn_last_error());
        char what[160];
        snprintf(what, sizeof what, "hidden augmented batch x [%d,%d,%d,%d], pad %d, flip %s, from one generator "
                 "state", s.n, s.c, s.h, s.w, p.pad, p.flip ? "on" : "off");
        expect_tensor_close(x, want, 0, 0, what);
        cr_expect(rng_next_u64(&mine) == rng_next_u64(&theirs),
                  "%s: afterwards the generator is not where the reference's is: augment_batch drew another number "
                  "of values than the 2 offsets (only when pad > 0) and 1 flip (only when flip is on) per image",
                  what);
        tensor_free(x); tensor_free(want);
    }
}
