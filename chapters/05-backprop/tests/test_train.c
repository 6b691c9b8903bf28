/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * test_train.c -- chapter 05: the training step, evaluation and the whole
 * loop on real digits. */
#include "dataset.h"
#include "grad_helpers.h"
#include "softmax_ce.h"
#include "train_step.h"
#include "epochs.h"

#include <math.h>
#include <string.h>

/* The first `count` training digits (images in [0, 1]) and their labels. */
static Dataset load_digits(int count)
{
    Dataset train, test, some;
    cr_assert_eq(dataset_load_split(&train, &test, "digits", test_datasets_dir()), 0, "loading digits: %s", cnn_last_error());
    int idx[512];
    cr_assert(count <= 512);
    for (int i = 0; i < count; i++) idx[i] = i;
    cr_assert_eq(dataset_gather(&some, &train, idx, count), 0, "%s", cnn_last_error());
    dataset_free(&train);
    dataset_free(&test);
    return some;
}

static Model *digits_cnn(uint64_t seed)
{
    Model *m = model_cnn(&layers_naive, 1, 8, 8, 8, 16, 10, seed);
    cr_assert(m, "model_cnn: %s", cnn_last_error());
    return m;
}

GRADED_TEST(train, loss_falls_on_a_small_batch, 2,
            "train_step: zero grads, forward, softmax_cross_entropy, backward, sgd_step on every parameter.")
{
    Dataset d = load_digits(16);
    Model *m = digits_cnn(1);
    SgdParams p = {.lr = 0.05f, .momentum = 0.9f, .weight_decay = 0.0f};
    float first = 0.0f, loss = 0.0f;
    int correct;
    for (int step = 0; step < 30; step++) {
        cr_assert_eq(train_step(&loss, &correct, m, d.images, d.labels, p), 0, "train_step: %s", cnn_last_error());
        if (step == 0) first = loss;
    }
    cr_expect(first > 1.5f, "the first loss of an untrained 10-class model should be near log 10 = 2.3, got %g",
              (double)first);
    cr_expect(loss < 0.5f * first, "30 steps on the same 16 digits should at least halve the loss: %g -> %g",
              (double)first, (double)loss);
    model_free(m);
    dataset_free(&d);
}

GRADED_TEST_TIMEOUT(train, cnn_overfits_32_digits, 3, 10.0,
                    "A working training step drives a CNN to 100% accuracy on 32 digits it sees over and over.")
{
    Dataset d = load_digits(32);
    Model *m = digits_cnn(2);
    SgdParams p = {.lr = 0.05f, .momentum = 0.9f, .weight_decay = 0.0f};
    float loss = 0.0f;
    int correct = 0, step;
    for (step = 0; step < 300 && correct < 32; step++)
        cr_assert_eq(train_step(&loss, &correct, m, d.images, d.labels, p), 0, "train_step: %s", cnn_last_error());
    double acc = 0.0, eval_loss = 0.0;
    cr_assert_eq(evaluate(&acc, &eval_loss, m, d.images, d.labels, 32, 32), 0, "evaluate: %s", cnn_last_error());
    cr_expect(acc == 1.0, "after %d steps the CNN gets %.1f%% of its 32 training digits right (loss %g); it should "
              "reach 100%%", step, 100.0 * acc, (double)eval_loss);
    model_free(m);
    dataset_free(&d);
}

/* The reference for one training step, from the functions the earlier tests
 * checked: b's gradients for the batch d (zeroed first), the batch's loss
 * in *loss, and the number of correct predictions before any update. */
static int reference_gradients(Model *b, const Dataset *d, float *loss)
{
    model_zero_grad(b);
    const Tensor *logits = model_forward(b, d->images);
    cr_assert(logits, "%s", cnn_last_error());
    cr_assert_eq(softmax_cross_entropy(loss, model_dlogits(b), logits, d->labels), 0);
    int correct = count_correct(logits, d->labels);
    cr_assert_eq(model_backward(b, d->images), 0, "%s", cnn_last_error());
    return correct;
}

GRADED_TEST(train, step_is_one_sgd_update, 2,
            "train_step: zero the gradients first, then forward, loss, backward, and w -= lr * dw for every parameter.")
{
    Dataset d = load_digits(8);
    Model *a = digits_cnn(3), *b = digits_cnn(3);
    SgdParams p = {.lr = 0.1f, .momentum = 0.0f, .weight_decay = 0.0f};
    /* Two steps by hand on b (momentum 0: w -= lr * dw), two train_steps on a. */
    for (int step = 1; step <= 2; step++) {
        float want_loss;
        int want_correct = reference_gradients(b, &d, &want_loss);
        for (int i = 0; i < b->nparams; i++)
            for (size_t j = 0; j < tensor_size(b->params[i].value); j++)
                b->params[i].value->data[j] -= p.lr * b->params[i].grad->data[j];
        float loss = -1.0f;
        int correct = -1;
        cr_assert_eq(train_step(&loss, &correct, a, d.images, d.labels, p), 0, "train_step: %s", cnn_last_error());
        cr_expect(fabsf(loss - want_loss) < 1e-5f, "step %d: train_step reported loss %g; the batch's loss is %g",
                  step, (double)loss, (double)want_loss);
        cr_expect_eq(correct, want_correct, "step %d: train_step reported %d correct; before the update %d are",
                     step, correct, want_correct);
    }
    for (int i = 0; i < a->nparams; i++) {
        char what[96];
        snprintf(what, sizeof what, "%s after two steps (a difference at step 2 only: gradients not zeroed?)",
                 a->params[i].name);
        expect_tensor_close(a->params[i].value, b->params[i].value, 1e-6f, 1e-5f, what);
    }
    model_free(a);
    model_free(b);
    dataset_free(&d);
}

GRADED_TEST(train, weight_decay_spares_biases, 2,
            "train_step with weight_decay > 0: g = grad + weight_decay * w for the weights (decay flag true), plain grad "
            "for the biases (decay flag false); v = momentum * v + g; w -= lr * v.")
{
    Dataset d = load_digits(8);
    Model *a = digits_cnn(7), *b = digits_cnn(7);
    SgdParams p = {.lr = 0.1f, .momentum = 0.9f, .weight_decay = 0.05f};
    /* Biases start at zero, where decay would change nothing: give them
     * values, the same in both models, so that decaying them shows. */
    for (int i = 0; i < a->nparams; i++) {
        cr_assert_eq(a->params[i].decay, b->params[i].decay);
        if (a->params[i].decay) continue;
        for (size_t j = 0; j < tensor_size(a->params[i].value); j++)
            a->params[i].value->data[j] = b->params[i].value->data[j] = 0.1f * (float)(j % 7) - 0.25f;
    }
    /* Two steps by hand on b, the SGD of sgd.h written out; two train_steps on a. */
    for (int step = 1; step <= 2; step++) {
        float want_loss;
        reference_gradients(b, &d, &want_loss);
        for (int i = 0; i < b->nparams; i++) {
            Param *q = &b->params[i];
            const float wd = q->decay ? p.weight_decay : 0.0f;
            for (size_t j = 0; j < tensor_size(q->value); j++) {
                float g = q->grad->data[j] + wd * q->value->data[j];
                q->velocity->data[j] = p.momentum * q->velocity->data[j] + g;
                q->value->data[j] -= p.lr * q->velocity->data[j];
            }
        }
        float loss = -1.0f;
        int correct = -1;
        cr_assert_eq(train_step(&loss, &correct, a, d.images, d.labels, p), 0, "train_step: %s", cnn_last_error());
        cr_expect(fabsf(loss - want_loss) < 1e-5f, "step %d: train_step reported loss %g; the batch's loss is %g",
                  step, (double)loss, (double)want_loss);
        /* Compare after every step, and stop at the first that differs: one
         * wrong parameter changes every gradient of the next step. */
        bool all_close = true;
        for (int i = 0; i < a->nparams; i++) {
            char what[192];
            static char report[8192];
            snprintf(what, sizeof what, "%s after step %d with weight_decay %g (its decay flag is %s, so %s)",
                     a->params[i].name, step, (double)p.weight_decay, a->params[i].decay ? "true" : "false",
                     a->params[i].decay ? "it decays: g = grad + weight_decay * w" : "it must not decay: g = grad");
            bool close = tensor_close(a->params[i].value, b->params[i].value, 1e-6f, 1e-5f, what, report,
                                      sizeof report);
            cr_expect(close, "%s", report);
            all_close = all_close && close;
        }
        if (!all_close) break;
    }
    model_free(a);
    model_free(b);
    dataset_free(&d);
}

GRADED_TEST(train, evaluate_counts_every_image, 1,
            "evaluate: forward batch by batch (the last one may be short), sum hits and batch-size-weighted losses.")
{
    Dataset d = load_digits(50);
    Model *m = digits_cnn(4);
    const Tensor *logits = model_forward(m, d.images);
    cr_assert(logits, "%s", cnn_last_error());
    double want_acc = count_correct(logits, d.labels) / 50.0;
    float want_loss;
    cr_assert_eq(softmax_cross_entropy(&want_loss, NULL, logits, d.labels), 0);
    const int batches[] = {50, 7, 1, 64};
    for (int i = 0; i < 4; i++) {
        double acc = -1.0, loss = -1.0;
        cr_assert_eq(evaluate(&acc, &loss, m, d.images, d.labels, 50, batches[i]), 0, "evaluate: %s",
                     cnn_last_error());
        cr_expect(fabs(acc - want_acc) < 1e-12 && fabs(loss - want_loss) < 1e-5,
                  "evaluate over 50 images in batches of %d: expected accuracy %.4f and loss %.6f, got %.4f and %.6f",
                  batches[i], want_acc, (double)want_loss, acc, loss);
    }
    model_free(m);
    dataset_free(&d);
}

typedef struct {
    float losses[64];
    int count;
} Curve;

static void record_loss(void *ctx, int epoch, int batch, int batches, float loss, double mean_loss,
                        double mean_acc, long images_done)
{
    (void)epoch; (void)batch; (void)batches; (void)mean_loss; (void)mean_acc; (void)images_done;
    Curve *c = ctx;
    if (c->count < 64) c->losses[c->count++] = loss;
}

static Curve run(const Dataset *d, uint64_t seed)
{
    TrainConfig cfg;
    cr_assert_eq(train_config_defaults(&cfg, "cnn", "digits"), 0);
    cfg.epochs = 2;
    cfg.batch = 16;
    cfg.seed = seed;
    cfg.layers = &layers_naive;
    Model *m = build_model(&cfg, d);
    cr_assert(m, "%s", cnn_last_error());
    Curve c = {{0}, 0};
    TrainHooks hooks = {.ctx = &c, .on_batch = record_loss};
    TrainResult r;
    cr_assert_eq(train_epochs(&r, m, d, d, &cfg, &hooks), 0, "train_epochs: %s", cnn_last_error());
    model_free(m);
    return c;
}

GRADED_TEST(train, same_seed_same_loss_curve, 1,
            "Shuffles and initial weights come from the seed: two runs with one seed give the same curve.")
{
    Dataset d = load_digits(96);
    Curve a = run(&d, 5), b = run(&d, 5), c = run(&d, 6);
    cr_assert_eq(a.count, 12, "2 epochs of 96 images in batches of 16 are 12 steps, got %d", a.count);
    cr_expect(memcmp(a.losses, b.losses, sizeof a.losses) == 0, "seed 5 twice gave two different loss curves");
    cr_expect(memcmp(a.losses, c.losses, sizeof a.losses) != 0, "seeds 5 and 6 gave the same loss curve");
    cr_expect(a.losses[11] < a.losses[0], "the loss should fall over 12 steps: %g -> %g", (double)a.losses[0],
              (double)a.losses[11]);
    dataset_free(&d);
}
