/* GIVEN -- read it, don't edit it.
 *
 * realworld_main.c -- `realworld` (chapter 08): the tutorial's CNN trained
 * as it is, with batch norm after each convolution and after its first
 * dense layer, and with batch norm and
 * augmented training images, on the same data for the same epochs, with
 * your layers, your batch norm and your augmentation; then transfer
 * learning (transfer_experiment.h): a backbone pretrained on classes 0-4,
 * and classes 5-9 learnt from few labels from scratch, by a linear probe
 * and by fine-tuning, with your model_load_backbone, model_freeze and
 * sgd_step_groups.
 *
 *     make realworld                     digits, seconds
 *     make realworld DATA=cifar10        minutes on 2 cores
 *     make realworld SOLUTION=1          the reference's network
 *
 * Each model trains with the workbook's CNN settings for the dataset
 * (epochs.c) into build/models/realworld/<data>-<run>/, drawing the
 * progress bar of every training run (run.c), and the table is also written
 * to build/models/realworld/<data>-batchnorm.csv for the figures, the
 * transfer table to <data>-transfer.csv.
 * Exit status: 0, 1 a runtime error (missing dataset), 2 a bad command line.
 */
#include "cli.h"
#include "dataset.h"
#include "error.h"
#include "augment.h"
#include "layers_batchnorm.h"
#include "memory.h"
#include "provenance.h"
#include "run.h"
#include "transfer_experiment.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

enum { MODELS = 3 };

/* The augmentation of a dataset's training images: shifts of up to a
 * pixel on the 8x8 digits, 2 on Fashion-MNIST's 28x28; mirror images for
 * clothes and photos, never for digits (a mirrored 2 or 7 is no digit).
 * CIFAR-10 gets mirror images only: the usual shifts of up to 4 pixels
 * (with mirrors) make the task so much harder that this CNN underfits in
 * the 6 epochs of chapter 05's budget (53 % training accuracy at the end,
 * 11 points below the plain CNN on the test set); they pay over the tens
 * of epochs they are meant for. */
static AugmentParams augment_for(const char *data)
{
    if (strcmp(data, "digits") == 0) return (AugmentParams){.pad = 1, .flip = false};
    if (strcmp(data, "fashion-mnist") == 0) return (AugmentParams){.pad = 2, .flip = true};
    return (AugmentParams){.pad = 0, .flip = true};
}

/* TrainConfig.augment: your augment_batch with the dataset's parameters. */
static int augment_training_batch(Tensor *xb, Rng *rng, const void *ctx)
{
    return augment_batch(xb, rng, (const AugmentParams *)ctx);
}

static int bad_usage(const char *msg)
{
    fprintf(stderr, "realworld: %s\n(realworld --help lists the options)\n", msg);
    return 2;
}

int main(int argc, char **argv)
{
    memory_keep_freed(); /* reuse the per-batch scratch buffers' pages (see memory.h) */
    const char *data = "digits", *datasets = "datasets", *root = "build/models/realworld";
    const LayerOps *base = provenance_default_layers();
    int epochs = 0, threads = 0;
    bool batchnorm_part = true, transfer_part = true; /* --part */
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
            printf("usage: realworld [--data digits|fashion-mnist|cifar10] [--epochs N] [--threads N]\n"
                   "                 [--layers naive|fast] [--datasets DIR] [--models DIR]\n"
                   "                 [--part all|batchnorm|transfer]\n"
                   "Trains the CNN, the CNN with batch norm, and that with augmented training images, on the\n"
                   "same data for the same epochs, and compares them (--part batchnorm); then pretrains a\n"
                   "backbone on classes 0-4 and learns classes 5-9 from few labels three ways (--part transfer).\n");
            return 0;
        }
        if (i + 1 >= argc) {
            char msg[128];
            int known = strcmp(o, "--data") == 0 || strcmp(o, "--epochs") == 0 || strcmp(o, "--threads") == 0 ||
                        strcmp(o, "--datasets") == 0 || strcmp(o, "--models") == 0 || strcmp(o, "--layers") == 0 ||
                        strcmp(o, "--part") == 0;
            snprintf(msg, sizeof msg, known ? "%s needs a value" : "unknown option %s", o);
            return bad_usage(msg);
        }
        const char *v = argv[++i];
        int rc = 0;
        if (strcmp(o, "--data") == 0) data = v;
        else if (strcmp(o, "--epochs") == 0) rc = cli_int(&epochs, o, v, 1, 1000);
        else if (strcmp(o, "--threads") == 0) rc = cli_int(&threads, o, v, 1, 256);
        else if (strcmp(o, "--datasets") == 0) datasets = v;
        else if (strcmp(o, "--models") == 0) root = v;
        else if (strcmp(o, "--layers") == 0) rc = (base = layers_named(v)) ? 0 : -1;
        else if (strcmp(o, "--part") == 0) {
            batchnorm_part = strcmp(v, "all") == 0 || strcmp(v, "batchnorm") == 0;
            transfer_part = strcmp(v, "all") == 0 || strcmp(v, "transfer") == 0;
            if (!batchnorm_part && !transfer_part) rc = cnn_error("--part takes all, batchnorm or transfer, not '%s'", v);
        }
        else rc = cnn_error("unknown option %s", o);
        if (rc != 0) return bad_usage(cnn_last_error());
    }
    /* One table for both models: the plain CNN never calls its batch-norm
     * entries, and both print the same lines of whose code runs. */
    LayerOps layers = layers_with_batchnorm(base);
    TrainConfig cfg[MODELS];
    const char *names[MODELS] = {"cnn", "cnn-bn", "cnn-bn-aug"};
    const char *models[MODELS] = {"cnn", "cnn-bn", "cnn-bn"};
    AugmentParams augment = augment_for(data);
    for (int m = 0; m < MODELS; m++) {
        if (train_config_defaults(&cfg[m], models[m], data) != 0) return bad_usage(cnn_last_error());
        if (epochs) cfg[m].epochs = epochs;
        cfg[m].layers = &layers;
    }
    cfg[2].augment = augment_training_batch;
    cfg[2].augment_ctx = &augment;
    if (threads || strcmp(data, "digits") == 0) cli_set_threads(threads ? threads : 1);
    Dataset train = {0}, test = {0};
    if (dataset_load_split(&train, &test, data, datasets) != 0) {
        fprintf(stderr, "realworld: %s\n", cnn_last_error());
        return 1;
    }
    float mean[3], std[3];
    volatile sig_atomic_t stop = 0;
    int rc = standardize_datasets(mean, std, &train, &test);
    if (rc == 0) rc = cli_catch_sigint(&stop);
    if (rc == 0) rc = make_dirs(root);
    if (rc == 0) run_print_whose_code(stderr, &cfg[1], &train);
    RunRow rows[MODELS];
    if (rc == 0 && batchnorm_part)
        rc = run_compare(rows, cfg, names, MODELS, &train, &test, mean, std, root, false, &stop);
    /* Then transfer learning (transfer_experiment.h), on the same standardised data. */
    TransferSetup setup = transfer_setup_for(data, epochs);
    TransferTable transfer;
    if (rc == 0 && !stop && transfer_part) rc = transfer_run(&transfer, &setup, data, &train, &test, mean, std, base, root, &stop);
    int ntrain = train.count, ntest = test.count;
    dataset_free(&train);
    dataset_free(&test);
    if (rc != 0) {
        fprintf(stderr, "realworld: %s\n", cnn_last_error());
        return 1;
    }
    if (stop) {
        fprintf(stderr, "realworld: stopped by Ctrl-C; no table\n");
        return 1;
    }
    if (batchnorm_part) {
        printf("\nThe CNN, + batch norm, + augmentation on %s (%d training, %d test images)\n\n", data, ntrain, ntest);
        run_print_table(stdout, "run", rows, MODELS);
        printf("\n  Batch norm: test accuracy %+.1f points; %zu parameters more (gamma and beta, minus the biases "
               "of the layers below it, which it makes useless); training %.2fx the time.\n",
               100.0 * (rows[1].test_acc - rows[0].test_acc), rows[1].params - rows[0].params,
               rows[0].train_seconds > 0 ? rows[1].train_seconds / rows[0].train_seconds : 0.0);
        char what[64];
        if (augment.pad > 0)
            snprintf(what, sizeof what, "shifts of up to %d pixel%s, %s", augment.pad, augment.pad == 1 ? "" : "s",
                     augment.flip ? "mirror images" : "no mirror images");
        else
            snprintf(what, sizeof what, "%s, no shifts", augment.flip ? "mirror images" : "no mirror images");
        printf("  Augmentation (%s): test accuracy %+.1f points over batch norm alone, %+.1f over the plain CNN.\n",
               what, 100.0 * (rows[2].test_acc - rows[1].test_acc), 100.0 * (rows[2].test_acc - rows[0].test_acc));
        char path[1024];
        snprintf(path, sizeof path, "%s/%s-batchnorm.csv", root, data);
        if (run_write_table(path, "run", rows, MODELS) != 0) {
            fprintf(stderr, "realworld: %s\n", cnn_last_error());
            return 1;
        }
    }
    if (transfer_part) {
        transfer_print(stdout, &transfer, &setup, data);
        char path[1024];
        snprintf(path, sizeof path, "%s/%s-transfer.csv", root, data);
        if (transfer_write_csv(path, &transfer) != 0) {
            fprintf(stderr, "realworld: %s\n", cnn_last_error());
            return 1;
        }
    }
    return 0;
}
