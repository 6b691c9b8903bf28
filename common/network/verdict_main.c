/* GIVEN -- read it, don't edit it. Part of common/network/.
 *
 * verdict_main.c -- `verdict`: trains the MLP and the CNN on the same data,
 * with your layers, and prints the tutorial's comparison.
 *
 *     make verdict                       digits, a few seconds
 *     make verdict DATA=cifar10          the tutorial's table
 *     make verdict SOLUTION=1            the reference's network
 *
 * Each model is trained with the workbook's settings for the dataset
 * (epochs.c) into build/models/<data>-<model>/; the table is also written
 * to build/models/<data>-verdict.csv for the figures. With --reuse, a model
 * whose folder already holds a finished run with the same settings, layers
 * and code is not trained again (its summary.txt is read instead).
 * Exit status: 0, 1 a runtime error (missing dataset), 2 a bad command line.
 */
#include "cli.h"
#include "dataset.h"
#include "error.h"
#include "memory.h"
#include "provenance.h"
#include "run.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

static int bad_usage(const char *msg)
{
    fprintf(stderr, "verdict: %s\n(verdict --help lists the options)\n", msg);
    return 2;
}

int main(int argc, char **argv)
{
    memory_keep_freed(); /* reuse the per-batch scratch buffers' pages (see memory.h) */
    const char *data = "digits", *datasets = "datasets", *root = "build/models";
    const LayerOps *layers = provenance_default_layers();
    int epochs = 0, threads = 0, reuse = 0;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
            printf("usage: verdict [--data digits|fashion-mnist|cifar10] [--epochs N] [--threads N]\n"
                   "               [--layers naive|fast] [--datasets DIR] [--models DIR] [--reuse]\n"
                   "Trains the MLP and the CNN on the same data and compares them.\n");
            return 0;
        }
        if (strcmp(o, "--reuse") == 0) {
            reuse = 1;
            continue;
        }
        if (i + 1 >= argc) {
            char msg[128];
            int known = strcmp(o, "--data") == 0 || strcmp(o, "--epochs") == 0 || strcmp(o, "--threads") == 0 ||
                        strcmp(o, "--datasets") == 0 || strcmp(o, "--models") == 0 || strcmp(o, "--layers") == 0;
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
        else if (strcmp(o, "--layers") == 0) rc = (layers = layers_named(v)) ? 0 : -1;
        else rc = cnn_error("unknown option %s", o);
        if (rc != 0) return bad_usage(cnn_last_error());
    }
    TrainConfig cfg[2];
    const char *names[2] = {"mlp", "cnn"};
    for (int m = 0; m < 2; m++) {
        if (train_config_defaults(&cfg[m], names[m], data) != 0) return bad_usage(cnn_last_error());
        if (epochs) cfg[m].epochs = epochs;
        cfg[m].layers = layers;
    }
    /* digits batches are too small to share: one thread, unless asked. */
    if (threads || strcmp(data, "digits") == 0) cli_set_threads(threads ? threads : 1);
    Dataset train = {0}, test = {0};
    if (dataset_load_split(&train, &test, data, datasets) != 0) {
        fprintf(stderr, "verdict: %s\n", cnn_last_error());
        return 1;
    }
    float mean[3], std[3];
    volatile sig_atomic_t stop = 0;
    int rc = standardize_datasets(mean, std, &train, &test);
    if (rc == 0) rc = cli_catch_sigint(&stop);
    if (rc == 0) run_print_whose_code(stderr, &cfg[1], &train);
    RunRow rows[2];
    if (rc == 0) rc = run_compare(rows, cfg, names, 2, &train, &test, mean, std, root, reuse, &stop);
    int ntrain = train.count, ntest = test.count;
    dataset_free(&train);
    dataset_free(&test);
    if (rc != 0) {
        fprintf(stderr, "verdict: %s\n", cnn_last_error());
        return 1;
    }
    if (stop) {
        fprintf(stderr, "verdict: stopped by Ctrl-C; no table\n");
        return 1;
    }
    printf("\nMLP vs CNN on %s (%d training, %d test images)\n\n", data, ntrain, ntest);
    run_print_table(stdout, "model", rows, 2);
    printf("\n  The CNN has %.1fx fewer parameters; test accuracy %+.1f points.\n",
           (double)rows[0].params / (double)rows[1].params, 100.0 * (rows[1].test_acc - rows[0].test_acc));
    char path[1024];
    snprintf(path, sizeof path, "%s/%s-verdict.csv", root, data);
    if (run_write_table(path, "model", rows, 2) != 0) {
        fprintf(stderr, "verdict: %s\n", cnn_last_error());
        return 1;
    }
    return 0;
}
