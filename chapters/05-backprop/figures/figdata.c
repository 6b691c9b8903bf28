/* GIVEN -- read it, don't edit it.
 *
 * figdata.c -- the data behind chapter 05's figures (run by figures.sh).
 *
 *     figdata WORK DATASETS DATA MODELS
 *
 * Reads the two trained runs MODELS/DATA-mlp and MODELS/DATA-cnn (written by
 * `verdict`), runs both models over every test image, and writes into WORK:
 *   curve-mlp.csv, curve-cnn.csv  epoch (fractional), training loss smoothed
 *                                 over the last ~10% of an epoch's batches
 *   probe-ptrue.csv               lo,hi,mlp,cnn: % of the test images whose
 *                                 true class gets a probability in [lo, hi)
 *   probe-entropy.csv             lo,hi,mlp,cnn: the same for the entropy of
 *                                 the output distribution, in bits
 *   probe-stats.csv               one row per model: accuracy, mean and median
 *                                 probability of the true class, mean entropy,
 *                                 share of answers given with >= 0.9, mean top
 *                                 probability of the wrong answers
 *   probe.dat                     the typical image as gnuplot rgbimage rows
 *   probe.csv                     class,name,mlp,cnn: both models' softmax
 *                                 probabilities for the typical image
 *   info.gp                       H, W, TRUTH, DATA, PROBE, the medians, for
 *                                 the scripts
 * and prints the statistics (`make figures` shows them).
 * The typical image is a median one, not a picked one: among the test images
 * of class "cat" (CIFAR-10) or all test images (digits), the one whose two
 * probabilities of the true class lie nearest to the two models' medians
 * over those images. Exit status 1 on any failure.
 */
#include "dataset.h"
#include "error.h"
#include "model.h"
#include "softmax_ce.h"
#include "epochs.h"
#include "provenance.h"

#include <math.h>
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

/* For qsort: ascending floats. */
static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* The median of v[0..n-1] (n > 0); sorts a copy, v is left as it is. */
static double median_of(const float *v, int n)
{
    float *s = malloc((size_t)n * sizeof *s);
    if (!s) return NAN;
    memcpy(s, v, (size_t)n * sizeof *s);
    qsort(s, (size_t)n, sizeof *s, cmp_float);
    double m = n % 2 ? s[n / 2] : 0.5 * ((double)s[n / 2 - 1] + s[n / 2]);
    free(s);
    return m;
}

/* What one model says about every test image: probs [N, K] (softmax of the
 * logits), and per image the probability of the true class, the entropy of
 * the distribution in bits and whether the top class is the true one. */
typedef struct Answers {
    float *probs, *ptrue, *entropy;
    unsigned char *right;
} Answers;

static void answers_free(Answers *a)
{
    free(a->probs);
    free(a->ptrue);
    free(a->entropy);
    free(a->right);
}

/* Runs m over test (images [N, C, H, W]) in batches of 250. */
static int answer_all(Answers *a, Model *m, const Dataset *test)
{
    int N = test->count, K = test->classes;
    a->probs = malloc((size_t)N * K * sizeof(float));
    a->ptrue = malloc((size_t)N * sizeof(float));
    a->entropy = malloc((size_t)N * sizeof(float));
    a->right = malloc((size_t)N);
    if (!a->probs || !a->ptrue || !a->entropy || !a->right) return cnn_error("figdata: out of memory");
    for (int start = 0; start < N; start += 250) {
        int count = N - start < 250 ? N - start : 250;
        Tensor x = tensor_batch(test->images, start, count);
        const Tensor *logits = model_forward(m, &x); /* [count, K] */
        if (!logits) return -1;
        Tensor probs = *logits; /* a view of the same shape onto a->probs */
        probs.data = a->probs + (size_t)start * K;
        probs.owns_data = false;
        if (softmax_forward(&probs, logits) != 0) return -1;
    }
    for (int n = 0; n < N; n++) {
        const float *p = a->probs + (size_t)n * K;
        double h = 0.0;
        int best = 0;
        for (int k = 0; k < K; k++) {
            if (p[k] > 0.0f) h -= (double)p[k] * log2((double)p[k]);
            if (p[k] > p[best]) best = k;
        }
        a->ptrue[n] = p[test->labels[n]];
        a->entropy[n] = (float)h;
        a->right[n] = best == test->labels[n];
    }
    return 0;
}

/* Writes lo,hi,mlp,cnn: the % of the N values of each model in each of
 * `bins` equal bins over [0, top] (the last bin includes top). */
static int write_histogram(const char *path, const float *v0, const float *v1, int N, int bins, double top)
{
    FILE *f = fopen(path, "w");
    if (!f) return cnn_error("%s: cannot write", path);
    fprintf(f, "lo,hi,mlp,cnn\n");
    for (int b = 0; b < bins; b++) {
        double lo = top * b / bins, hi = top * (b + 1) / bins;
        int c0 = 0, c1 = 0;
        for (int n = 0; n < N; n++) {
            c0 += v0[n] >= lo && (v0[n] < hi || (b == bins - 1 && v0[n] <= top + 1e-6));
            c1 += v1[n] >= lo && (v1[n] < hi || (b == bins - 1 && v1[n] <= top + 1e-6));
        }
        fprintf(f, "%.4f,%.4f,%.3f,%.3f\n", lo, hi, 100.0 * c0 / N, 100.0 * c1 / N);
    }
    if (fclose(f) != 0) return cnn_error("%s: cannot write", path);
    return 0;
}

/* One model's summary over the test set, as probe-stats.csv holds it. */
typedef struct Summary {
    double accuracy, mean_ptrue, median_ptrue, mean_entropy, median_entropy, sure, wrong_top;
} Summary;

static Summary summarise(const Answers *a, int N, int K)
{
    Summary s = {0};
    int sure = 0, wrong = 0;
    double wrong_top = 0.0;
    for (int n = 0; n < N; n++) {
        const float *p = a->probs + (size_t)n * K;
        float top = p[0];
        for (int k = 1; k < K; k++)
            if (p[k] > top) top = p[k];
        s.accuracy += a->right[n];
        s.mean_ptrue += a->ptrue[n];
        s.mean_entropy += a->entropy[n];
        sure += top >= 0.9f;
        if (!a->right[n]) wrong++, wrong_top += top;
    }
    s.accuracy /= N;
    s.mean_ptrue /= N;
    s.mean_entropy /= N;
    s.median_ptrue = median_of(a->ptrue, N);
    s.median_entropy = median_of(a->entropy, N);
    s.sure = (double)sure / N;
    s.wrong_top = wrong ? wrong_top / wrong : NAN;
    return s;
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
        /* the same layers as verdict: the fast ones unless chapter 06 is untouched */
        cfg.layers = provenance_default_layers();
        m[i] = build_model(&cfg, &train);
        snprintf(dir, sizeof dir, "%s/%s-%s", models, data, names[i]);
        if (!m[i] || model_load(m[i], dir) != 0) return fail();
        snprintf(path, sizeof path, "%s/curve-%s.csv", work, names[i]);
        if (write_curve(dir, path, train.count) != 0) return fail();
    }
    /* Both models over the whole test set. */
    int N = test.count, K = test.classes;
    Answers a[2] = {{0}};
    for (int i = 0; i < 2; i++)
        if (answer_all(&a[i], m[i], &test) != 0) return fail();
    Summary sum[2];
    for (int i = 0; i < 2; i++) sum[i] = summarise(&a[i], N, K);
    snprintf(path, sizeof path, "%s/probe-ptrue.csv", work);
    if (write_histogram(path, a[0].ptrue, a[1].ptrue, N, 10, 1.0) != 0) return fail();
    snprintf(path, sizeof path, "%s/probe-entropy.csv", work);
    if (write_histogram(path, a[0].entropy, a[1].entropy, N, 10, log2((double)K)) != 0) return fail();
    snprintf(path, sizeof path, "%s/probe-stats.csv", work);
    FILE *f = fopen(path, "w");
    if (!f) return cnn_error("%s: cannot write", path), fail();
    fprintf(f, "model,images,accuracy,mean_ptrue,median_ptrue,mean_entropy_bits,median_entropy_bits,"
               "share_top_ge_0.9,mean_top_when_wrong\n");
    for (int i = 0; i < 2; i++)
        fprintf(f, "%s,%d,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f\n", names[i], N, sum[i].accuracy, sum[i].mean_ptrue,
                sum[i].median_ptrue, sum[i].mean_entropy, sum[i].median_entropy, sum[i].sure, sum[i].wrong_top);
    fclose(f);
    printf("  both models over the %d %s test images (the ch05-probe.png panels; uniform = %.2f bits):\n", N,
           data, log2((double)K));
    printf("    model  accuracy  p(true class): mean  median   entropy: mean  median   top p >= 0.9  "
           "top p when wrong\n");
    for (int i = 0; i < 2; i++)
        printf("    %-5s  %6.1f %%  %19.2f  %6.2f  %10.2f bits  %5.2f  %11.1f %%  %16.2f\n", names[i],
               100 * sum[i].accuracy, sum[i].mean_ptrue, sum[i].median_ptrue, sum[i].mean_entropy,
               sum[i].median_entropy, 100 * sum[i].sure, sum[i].wrong_top);

    /* The typical image: among the cats (CIFAR-10) or all images, the one
     * nearest to both models' medians of the probability of the true class. */
    int want_class = strcmp(data, "cifar10") == 0 ? 3 : -1, probe = -1, members = 0;
    float *sel[2] = {malloc((size_t)N * sizeof(float)), malloc((size_t)N * sizeof(float))};
    if (!sel[0] || !sel[1]) return cnn_error("figdata: out of memory"), fail();
    for (int n = 0; n < N; n++) {
        if (want_class >= 0 && test.labels[n] != want_class) continue;
        sel[0][members] = a[0].ptrue[n];
        sel[1][members] = a[1].ptrue[n];
        members++;
    }
    if (members == 0) return cnn_error("no test image of class %d", want_class), fail();
    double med[2] = {median_of(sel[0], members), median_of(sel[1], members)}, best = INFINITY;
    free(sel[0]);
    free(sel[1]);
    for (int n = 0; n < N; n++) {
        if (want_class >= 0 && test.labels[n] != want_class) continue;
        double d = fabs(a[0].ptrue[n] - med[0]) + fabs(a[1].ptrue[n] - med[1]);
        if (d < best) best = d, probe = n;
    }
    const char *truth = test.class_names[test.labels[probe]];
    printf("  typical example: test image %d (a %s): p(%s) %.2f from the MLP, %.2f from the CNN; the medians over "
           "the %d %s are %.2f and %.2f\n",
           probe, truth, truth, (double)a[0].ptrue[probe], (double)a[1].ptrue[probe], members,
           want_class >= 0 ? "test cats" : "test images", med[0], med[1]);
    snprintf(path, sizeof path, "%s/probe.csv", work);
    f = fopen(path, "w");
    if (!f) return cnn_error("%s: cannot write", path), fail();
    fprintf(f, "class,name,mlp,cnn\n");
    for (int k = 0; k < K; k++)
        fprintf(f, "%d,%s,%.6f,%.6f\n", k, test.class_names[k], (double)a[0].probs[(size_t)probe * K + k],
                (double)a[1].probs[(size_t)probe * K + k]);
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
    fprintf(f, "H = %d\nW = %d\nDATA = \"%s\"\nTRUTH = \"%s\"\nPROBE = %d\nN = %d\nBITS = %.4f\n", H, W, data,
            truth, probe, N, log2((double)K));
    fprintf(f, "MLP_MEDIAN = %.4f\nCNN_MEDIAN = %.4f\nMLP_HMEAN = %.4f\nCNN_HMEAN = %.4f\n", sum[0].median_ptrue,
            sum[1].median_ptrue, sum[0].mean_entropy, sum[1].mean_entropy);
    fprintf(f, "MLP_PROBE = %.4f\nCNN_PROBE = %.4f\nMEMBERS = \"%s\"\n", (double)a[0].ptrue[probe],
            (double)a[1].ptrue[probe], want_class >= 0 ? "cats" : "test images");
    fclose(f);
    for (int i = 0; i < 2; i++) answers_free(&a[i]);
    for (int i = 0; i < 2; i++) model_free(m[i]);
    tensor_free(raw);
    dataset_free(&train);
    dataset_free(&test);
    return 0;
}
