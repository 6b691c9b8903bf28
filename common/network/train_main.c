/* GIVEN -- read it, don't edit it. Part of common/network/.
 *
 * train_main.c -- `train`: trains the MLP or the CNN on a dataset, with your
 * own layers, and records the run.
 *
 *     make train MODEL=cnn DATA=digits EPOCHS=12
 *     make train SOLUTION=1              the reference's network
 *
 * Before training it prints whose code runs for every operation: yours for
 * each chapter you have started, the reference for the others (provenance.h).
 *
 * Prints a progress bar on stderr, then one summary line on stdout; writes
 * build/models/<data>-<model>/ (see run.h). Ctrl-C stops after the
 * current batch and keeps the weights of the last finished epoch.
 * Exit status: 0 done (also when stopped by Ctrl-C), 1 a runtime error
 * (missing dataset, unwritable folder), 2 a bad command line.
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

static void usage(FILE *f)
{
    fprintf(f,
            "usage: train [--model mlp|cnn] [--data digits|fashion-mnist|cifar10]\n"
            "             [--epochs N] [--batch N] [--lr X] [--momentum X] [--weight-decay X]\n"
            "             [--lr-final X] [--seed N] [--threads N] [--out DIR] [--datasets DIR]\n"
            "             [--layers naive|fast] [--train-limit N]  (the first N training images only)\n"
            "             [--reuse]  (keep a finished run in DIR with the same settings, layers and code)\n"
            "Trains the model with your chapters' layers and writes weights, loss.csv and\n"
            "summary.txt to DIR (default build/models/<data>-<model>). Defaults: cnn on digits,\n"
            "with the workbook's tuned settings for that pair; the fast layers of chapter 06\n"
            "when it is yours, else your naive layers of chapters 03-05.\n");
}

static int bad_usage(const char *msg)
{
    fprintf(stderr, "train: %s\n(train --help lists the options)\n", msg);
    return 2;
}

/* Every option train takes; each one takes a value. */
static int is_option(const char *o)
{
    static const char *const options[] = {"--model", "--data",     "--epochs",   "--batch",   "--lr",
                                          "--momentum", "--weight-decay", "--lr-final", "--seed",
                                          "--threads", "--train-limit", "--out",    "--datasets", "--layers"};
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
        if (strcmp(o, options[i]) == 0) return 1;
    return 0;
}

int main(int argc, char **argv)
{
    memory_keep_freed(); /* reuse the per-batch scratch buffers' pages (see memory.h) */
    const char *model = "cnn", *data = "digits", *out = NULL, *datasets = "datasets";
    /* --reuse is the one option without a value: take it out first. */
    int reuse = 0, n = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--reuse") == 0) reuse = 1;
        else argv[n++] = argv[i];
    }
    argc = n;
    /* First pass: model and data, which choose the defaults. */
    for (int i = 1; i < argc; i += 2) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        }
        char msg[256];
        if (strncmp(argv[i], "--", 2) != 0) {
            snprintf(msg, sizeof msg, "unexpected argument '%s' (options start with --)", argv[i]);
            return bad_usage(msg);
        }
        if (i + 1 >= argc) {
            snprintf(msg, sizeof msg, is_option(argv[i]) ? "%s needs a value" : "unknown option %s", argv[i]);
            return bad_usage(msg);
        }
        if (strcmp(argv[i], "--model") == 0) model = argv[i + 1];
        else if (strcmp(argv[i], "--data") == 0) data = argv[i + 1];
    }
    /* cnn-bn needs chapter 08's batch norm, which train does not link (a
     * release of chapters 01-05 has none): realworld trains it. */
    if (strcmp(model, "cnn-bn") == 0)
        return bad_usage("--model takes mlp or cnn; the CNN with batch norm (cnn-bn) is chapter 08's: make realworld");
    TrainConfig cfg;
    if (train_config_defaults(&cfg, model, data) != 0) return bad_usage(cnn_last_error());
    cfg.layers = provenance_default_layers();
    int threads = 0, limit = 0;
    for (int i = 1; i < argc; i += 2) {
        const char *o = argv[i], *v = argv[i + 1];
        int rc = 0;
        if (strcmp(o, "--model") == 0 || strcmp(o, "--data") == 0) continue;
        else if (strcmp(o, "--epochs") == 0) rc = cli_int(&cfg.epochs, o, v, 1, 1000);
        else if (strcmp(o, "--batch") == 0) rc = cli_int(&cfg.batch, o, v, 1, 4096);
        else if (strcmp(o, "--lr") == 0) rc = cli_float(&cfg.sgd.lr, o, v, 1e-6, 10.0);
        else if (strcmp(o, "--momentum") == 0) rc = cli_float(&cfg.sgd.momentum, o, v, 0.0, 0.999);
        else if (strcmp(o, "--weight-decay") == 0) rc = cli_float(&cfg.sgd.weight_decay, o, v, 0.0, 1.0);
        else if (strcmp(o, "--lr-final") == 0) rc = cli_float(&cfg.lr_final, o, v, 0.0, 1.0);
        else if (strcmp(o, "--seed") == 0) rc = cli_u64(&cfg.seed, o, v);
        else if (strcmp(o, "--threads") == 0) rc = cli_int(&threads, o, v, 1, 256);
        else if (strcmp(o, "--train-limit") == 0) rc = cli_int(&limit, o, v, 1, 1 << 30);
        else if (strcmp(o, "--out") == 0) out = v;
        else if (strcmp(o, "--datasets") == 0) datasets = v;
        else if (strcmp(o, "--layers") == 0) rc = (cfg.layers = layers_named(v)) ? 0 : -1;
        else rc = cnn_error("unknown option %s", o);
        if (rc != 0) return bad_usage(cnn_last_error());
    }
    /* digits batches are too small to share: one thread, unless asked. */
    if (threads > 0 || strcmp(cfg.data, "digits") == 0) cli_set_threads(threads > 0 ? threads : 1);

    char dir[1024];
    if (out) snprintf(dir, sizeof dir, "%s", out);
    else snprintf(dir, sizeof dir, "build/models/%s-%s", cfg.data, cfg.model);
    RunSummary done;
    if (reuse && limit == 0 && run_summary_read(&done, dir) == 0 && run_summary_matches(&done, &cfg)) {
        printf("%s on %s: reusing the finished run in %s (test accuracy %.1f %%)\n", cfg.model, cfg.data, dir,
               100.0 * done.test_acc);
        return 0;
    }
    Dataset train = {0}, test = {0};
    if (dataset_load_split(&train, &test, cfg.data, datasets) != 0) {
        fprintf(stderr, "train: %s\n", cnn_last_error());
        return 1;
    }
    if (limit > 0 && limit < train.count) train.count = limit; /* the first `limit` images */
    float mean[3], std[3];
    volatile sig_atomic_t stop = 0;
    RunResult r;
    int rc = standardize_datasets(mean, std, &train, &test);
    if (rc == 0) rc = cli_catch_sigint(&stop);
    if (rc == 0) {
        run_print_whose_code(stderr, &cfg, &train);
        fprintf(stderr, "training %s on %s: %d train / %d test images, %d epochs, batch %d, lr %g\n",
                cfg.model, cfg.data, train.count, test.count, cfg.epochs, cfg.batch, (double)cfg.sgd.lr);
        rc = run_training(&r, &cfg, &train, &test, mean, std, dir, &stop);
    }
    dataset_free(&train);
    dataset_free(&test);
    if (rc != 0) {
        fprintf(stderr, "train: %s\n", cnn_last_error());
        return 1;
    }
    const EpochStats *e = &r.train.last;
    if (r.train.interrupted)
        printf("%s on %s: stopped by Ctrl-C after %d finished epoch(s)%s\n", cfg.model, cfg.data,
               r.train.epochs_done, r.train.epochs_done ? "; their weights are kept" : ", no weights saved");
    if (r.train.epochs_done)
        printf("%s on %s: %zu params, test accuracy %.1f %%, %d epochs in %.2f s of training, "
               "%.0f images/s at batch %d -> %s\n",
               cfg.model, cfg.data, r.params, 100.0 * e->test_acc, r.train.epochs_done,
               e->train_seconds, e->images_per_second, cfg.batch, dir);
    return 0;
}
