/* GIVEN -- read it, don't edit it.
 *
 * figdata.c -- the data behind chapter 05's figures (run by figures.sh).
 *
 *     figdata WORK DATASETS DATA MODELS
 *
 * Reads the two trained runs MODELS/DATA-mlp and MODELS/DATA-cnn (written by
 * `verdict`) and writes into WORK:
 *   curve-mlp.csv, curve-cnn.csv  epoch (fractional), training loss smoothed
 *                                 over the last ~10% of an epoch's batches
 *   probe.dat                     the probe image as gnuplot rgbimage rows
 *   probe.csv                     class,name,mlp,cnn: both models' softmax
 *                                 probabilities for the probe image
 *   info.gp                       H, W, LABEL, TRUTH, DATA for the scripts
 * The probe is the first test image of class "cat" (CIFAR-10) or the first
 * test digit that the CNN classifies correctly: the figure shows how sure
 * each model is, not whether it errs. Exit status 1 on any failure.
 */
#include "dataset.h"
#include "error.h"
#include "model.h"
#include "softmax_ce.h"
#include "epochs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(void)
{
    fprintf(stderr, "figdata: %s\n", cnn_last_error());
    return 1;
}

/* Smooths loss.csv (epoch,step,images,loss,...) into out (epoch,loss). */
static int write_curve(const char *run_dir, const char *out_path, int train_count)
{
    char path[1100], line[512];
    snprintf(path, sizeof path, "%s/loss.csv", run_dir);
    FILE *in = fopen(path, "r"), *out = fopen(out_path, "w");
    if (!in || !out) {
        if (in) fclose(in);
        if (out) fclose(out);
        return cnn_error("%s: cannot read it (run `make verdict` first) or write %s", path, out_path);
    }
    fprintf(out, "epoch,loss\n");
    double ema = 0.0;
    long rows = 0;
    int batches_per_epoch = 0;
    if (!fgets(line, sizeof line, in)) line[0] = '\0'; /* header */
    while (fgets(line, sizeof line, in)) {
        int epoch;
        double step, images, loss;
        if (sscanf(line, "%d,%lf,%lf,%lf", &epoch, &step, &images, &loss) != 4) continue;
        if (epoch == 1) batches_per_epoch = (int)step;
        double alpha = batches_per_epoch > 20 ? 10.0 / batches_per_epoch : 0.3;
        ema = rows == 0 ? loss : (1.0 - alpha) * ema + alpha * loss;
        rows++;
        fprintf(out, "%.5f,%.6f\n", images / train_count, ema);
    }
    fclose(in);
    if (fclose(out) != 0 || rows == 0) return cnn_error("%s: no rows", path);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: figdata WORK DATASETS DATA MODELS\n");
        return 2;
    }
    const char *work = argv[1], *datasets = argv[2], *data = argv[3], *models = argv[4];
    Dataset train, test;
    if (dataset_load_split(&train, &test, data, datasets) != 0) return fail();
    Tensor *raw = tensor_clone(test.images); /* for drawing, before standardising */
    float mean[3], std[3];
    if (!raw || standardize_datasets(mean, std, &train, &test) != 0) return fail();
    const char *names[2] = {"mlp", "cnn"};
    Model *m[2];
    char dir[1024], path[1100];
    for (int i = 0; i < 2; i++) {
        TrainConfig cfg;
        if (train_config_defaults(&cfg, names[i], data) != 0) return fail();
        cfg.layers = &layers_naive; /* the weights are the point here, not the speed */
        m[i] = build_model(&cfg, &train);
        snprintf(dir, sizeof dir, "%s/%s-%s", models, data, names[i]);
        if (!m[i] || model_load(m[i], dir) != 0) return fail();
        snprintf(path, sizeof path, "%s/curve-%s.csv", work, names[i]);
        if (write_curve(dir, path, train.count) != 0) return fail();
    }
    /* The probe: a cat for CIFAR-10, else any class; the CNN must get it right. */
    int want_class = strcmp(data, "cifar10") == 0 ? 3 : -1, probe = -1;
    Tensor x;
    float p[2][16];
    int K = test.classes;
    for (int n = 0; n < test.count && probe < 0; n++) {
        if (want_class >= 0 && test.labels[n] != want_class) continue;
        x = tensor_batch(test.images, n, 1);
        for (int i = 0; i < 2; i++) {
            const Tensor *logits = model_forward(m[i], &x);
            Tensor probs = *logits;
            probs.data = p[i];
            if (!logits || softmax_forward(&probs, logits) != 0) return fail();
        }
        int best = 0;
        for (int k = 1; k < K; k++)
            if (p[1][k] > p[1][best]) best = k;
        if (best == test.labels[n]) probe = n;
    }
    if (probe < 0) return cnn_error("no test image fits the probe's rule"), fail();
    snprintf(path, sizeof path, "%s/probe.csv", work);
    FILE *f = fopen(path, "w");
    if (!f) return cnn_error("%s: cannot write", path), fail();
    fprintf(f, "class,name,mlp,cnn\n");
    for (int k = 0; k < K; k++)
        fprintf(f, "%d,%s,%.6f,%.6f\n", k, test.class_names[k], (double)p[0][k], (double)p[1][k]);
    fclose(f);
    snprintf(path, sizeof path, "%s/probe.dat", work);
    f = fopen(path, "w");
    if (!f) return cnn_error("%s: cannot write", path), fail();
    int C = raw->c, H = raw->h, W = raw->w;
    for (int h = 0; h < H; h++) {
        for (int w = 0; w < W; w++) {
            int rgb[3];
            for (int c = 0; c < 3; c++) {
                float v = *tensor_at(raw, probe, C == 3 ? c : 0, h, w);
                rgb[c] = (int)(255.0f * (v < 0 ? 0 : v > 1 ? 1 : v) + 0.5f);
            }
            fprintf(f, "%d %d %d %d %d\n", w, h, rgb[0], rgb[1], rgb[2]);
        }
        fprintf(f, "\n");
    }
    fclose(f);
    snprintf(path, sizeof path, "%s/info.gp", work);
    f = fopen(path, "w");
    if (!f) return cnn_error("%s: cannot write", path), fail();
    fprintf(f, "H = %d\nW = %d\nDATA = \"%s\"\nTRUTH = \"%s\"\nPROBE = %d\n", H, W, data,
            test.class_names[test.labels[probe]], probe);
    fclose(f);
    printf("  probe: test image %d (a %s)\n", probe, test.class_names[test.labels[probe]]);
    for (int i = 0; i < 2; i++) model_free(m[i]);
    tensor_free(raw);
    dataset_free(&train);
    dataset_free(&test);
    return 0;
}
