/* GIVEN -- read it, don't edit it. Part of common/network/.
 *
 * run.c -- progress bar, CSV logs, weights and summary of one training
 * run. See run.h. */
#include "run.h"

#include "csv.h"
#include "error.h"
#include "progress.h"
#include "provenance.h"
#include "rng.h"
#include "train_step.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int make_dirs(const char *dir)
{
    char path[1024];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
        return cnn_error("%s: path too long", dir);
    for (char *p = path + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(path, 0777) != 0 && errno != EEXIST)
                return cnn_error("%s: cannot create folder: %s", path, strerror(errno));
            *p = saved;
            if (saved == '\0') break;
        }
    }
    return 0;
}

typedef struct {
    Progress bar;
    bool tty;
    CsvFile *loss, *epochs;
    const char *dir;
} RunLog;

static void on_batch(void *ctx, int epoch, int batch, int batches, float loss, double mean_loss,
                     double mean_acc, long images_done)
{
    RunLog *s = ctx;
    progress_update(&s->bar, epoch, batch, images_done, mean_loss, mean_acc);
    csv_num(s->loss, epoch);
    csv_num(s->loss, (double)(epoch - 1) * batches + batch);
    csv_num(s->loss, (double)images_done);
    csv_num(s->loss, loss);
    csv_num(s->loss, mean_loss);
    csv_num(s->loss, mean_acc);
    csv_end_row(s->loss);
    if (s->tty && progress_due(&s->bar, 0.1)) {
        char line[256];
        fprintf(stderr, "\r%s\033[K", progress_line(&s->bar, line, sizeof line));
        fflush(stderr);
    }
}

static int on_epoch(void *ctx, const Model *m, const EpochStats *e)
{
    RunLog *s = ctx;
    char line[256];
    fprintf(stderr, "%s%s  test acc %.1f%%\n", s->tty ? "\r" : "",
            progress_line(&s->bar, line, sizeof line), 100.0 * e->test_acc);
    double row[7] = {e->epoch, e->train_loss, e->train_acc, e->test_loss, e->test_acc,
                     e->train_seconds, e->images_per_second};
    for (int i = 0; i < 7; i++) csv_num(s->epochs, row[i]);
    csv_end_row(s->epochs);
    return model_save(m, s->dir);
}

/* "yours: 03 05; reference: 04 06" for this program's build. */
static void whose_code(char *out, size_t size)
{
    char yours[48] = "", reference[48] = "";
    for (const ChapterOrigin *c = provenance_chapters; c->chapter; c++) {
        char *list = c->yours ? yours : reference;
        size_t n = strlen(list);
        snprintf(list + n, sizeof yours - n, "%s%s", n ? " " : "", c->chapter);
    }
    snprintf(out, size, "yours: %s; reference: %s", *yours ? yours : "none", *reference ? reference : "none");
}

static int write_summary(const char *dir, const TrainConfig *cfg, const Model *m,
                         const TrainResult *t, const float *mean, const float *std)
{
    char path[1024], code[96];
    snprintf(path, sizeof path, "%s/summary.txt", dir);
    FILE *f = fopen(path, "w");
    if (!f) return cnn_error("%s: cannot write: %s", path, strerror(errno));
    whose_code(code, sizeof code);
    fprintf(f, "model: %s\ndata: %s\nlayers: %s\ncode: %s\nparams: %zu\n", cfg->model, cfg->data,
            cfg->layers->name, code, model_param_count(m));
    fprintf(f, "epochs: %d\nepochs_done: %d\ninterrupted: %s\n", cfg->epochs, t->epochs_done,
            t->interrupted ? "yes" : "no");
    fprintf(f, "batch: %d\nlr: %g\nlr_final: %g\nmomentum: %g\nweight_decay: %g\nseed: %llu\n",
            cfg->batch, (double)cfg->sgd.lr, (double)cfg->lr_final, (double)cfg->sgd.momentum,
            (double)cfg->sgd.weight_decay, (unsigned long long)cfg->seed);
    fprintf(f, "input_mean:");
    for (int c = 0; c < m->in[0]; c++) fprintf(f, " %.6g", (double)mean[c]);
    fprintf(f, "\ninput_std:");
    for (int c = 0; c < m->in[0]; c++) fprintf(f, " %.6g", (double)std[c]);
    fprintf(f, "\ntrain_loss: %.6f\ntrain_acc: %.6f\ntest_loss: %.6f\ntest_acc: %.6f\n",
            t->last.train_loss, t->last.train_acc, t->last.test_loss, t->last.test_acc);
    fprintf(f, "train_seconds: %.3f\nimages_per_second: %.0f\n", t->last.train_seconds,
            t->last.images_per_second);
    if (fclose(f) != 0) return cnn_error("%s: write failed", path);
    return 0;
}

/* Up to 3 floats after "key:", into v; how many were read. */
static int read_floats(const char *text, float *v)
{
    int n = 0;
    char *end;
    for (const char *p = text; n < 3; p = end) {
        v[n] = strtof(p, &end);
        if (end == p) break;
        n++;
    }
    return n;
}

int run_summary_read(RunSummary *s, const char *dir)
{
    memset(s, 0, sizeof *s);
    char path[1100], line[512];
    snprintf(path, sizeof path, "%s/summary.txt", dir);
    FILE *f = fopen(path, "r");
    if (!f) return cnn_error("%s: cannot read: %s", path, strerror(errno));
    int seen = 0, std_count = 0;
    char interrupted[8] = "";
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        const char *colon = strchr(line, ':');
        if (!colon) continue;
        const char *v = colon + 1 + (colon[1] == ' ');
        size_t k = (size_t)(colon - line);
#define KEY(name) (k == sizeof name - 1 && strncmp(line, name, k) == 0)
        if (KEY("model")) seen += snprintf(s->model, sizeof s->model, "%s", v) >= 0;
        else if (KEY("data")) seen += snprintf(s->data, sizeof s->data, "%s", v) >= 0;
        else if (KEY("layers")) snprintf(s->layers, sizeof s->layers, "%s", v);
        else if (KEY("code")) snprintf(s->code, sizeof s->code, "%s", v);
        else if (KEY("params")) seen += sscanf(v, "%zu", &s->params);
        else if (KEY("epochs")) seen += sscanf(v, "%d", &s->epochs);
        else if (KEY("epochs_done")) seen += sscanf(v, "%d", &s->epochs_done);
        else if (KEY("interrupted")) seen += sscanf(v, "%7s", interrupted);
        else if (KEY("batch")) seen += sscanf(v, "%d", &s->batch);
        else if (KEY("lr")) seen += sscanf(v, "%lf", &s->lr);
        else if (KEY("lr_final")) seen += sscanf(v, "%lf", &s->lr_final);
        else if (KEY("momentum")) seen += sscanf(v, "%lf", &s->momentum);
        else if (KEY("weight_decay")) seen += sscanf(v, "%lf", &s->weight_decay);
        else if (KEY("seed")) seen += sscanf(v, "%llu", &s->seed);
        else if (KEY("input_mean")) seen += (s->channels = read_floats(v, s->input_mean)) > 0;
        else if (KEY("input_std")) seen += (std_count = read_floats(v, s->input_std)) > 0;
        else if (KEY("train_loss")) seen += sscanf(v, "%lf", &s->train_loss);
        else if (KEY("train_acc")) seen += sscanf(v, "%lf", &s->train_acc);
        else if (KEY("test_loss")) seen += sscanf(v, "%lf", &s->test_loss);
        else if (KEY("test_acc")) seen += sscanf(v, "%lf", &s->test_acc);
        else if (KEY("train_seconds")) seen += sscanf(v, "%lf", &s->train_seconds);
        else if (KEY("images_per_second")) seen += sscanf(v, "%lf", &s->images_per_second);
#undef KEY
    }
    fclose(f);
    s->interrupted = strcmp(interrupted, "no") != 0;
    if (seen != 20) return cnn_error("%s: %d of the 20 expected lines found: not a summary of a run", path, seen);
    if (std_count != s->channels) return cnn_error("%s: %d input means but %d input stds", path, s->channels, std_count);
    for (int c = 0; c < std_count; c++)
        if (!(s->input_std[c] > 0.0f)) return cnn_error("%s: input_std %d is not positive", path, c);
    return 0;
}

bool run_summary_matches(const RunSummary *s, const TrainConfig *cfg)
{
    char code[96];
    whose_code(code, sizeof code);
    bool same = fabs(s->lr - cfg->sgd.lr) < 1e-6 * cfg->sgd.lr && fabs(s->lr_final - cfg->lr_final) < 1e-6 &&
                fabs(s->momentum - cfg->sgd.momentum) < 1e-6 && fabs(s->weight_decay - cfg->sgd.weight_decay) < 1e-9;
    return same && strcmp(s->model, cfg->model) == 0 && strcmp(s->data, cfg->data) == 0 &&
           strcmp(s->layers, cfg->layers->name) == 0 && strcmp(s->code, code) == 0 && s->batch == cfg->batch &&
           s->epochs == cfg->epochs && s->epochs_done == s->epochs && s->seed == cfg->seed && !s->interrupted;
}

int run_training(RunResult *r, const TrainConfig *cfg, const Dataset *train,
                  const Dataset *test, const float *mean, const float *std, const char *out_dir,
                  volatile sig_atomic_t *stop)
{
    memset(r, 0, sizeof *r);
    Model *m = build_model(cfg, train);
    if (!m) return -1;
    int rc = run_training_model(r, m, cfg, train, test, mean, std, out_dir, stop);
    model_free(m);
    return rc;
}

int run_training_model(RunResult *r, Model *m, const TrainConfig *cfg, const Dataset *train,
                       const Dataset *test, const float *mean, const float *std, const char *out_dir,
                       volatile sig_atomic_t *stop)
{
    memset(r, 0, sizeof *r);
    if (make_dirs(out_dir) != 0) return -1;
    r->params = model_param_count(m);
    char path[1024];
    RunLog s = {.tty = isatty(STDERR_FILENO) != 0, .dir = out_dir};
    snprintf(path, sizeof path, "%s/loss.csv", out_dir);
    s.loss = csv_open(path, "epoch,step,images,loss,mean_loss,mean_acc");
    snprintf(path, sizeof path, "%s/epochs.csv", out_dir);
    s.epochs = csv_open(path, "epoch,train_loss,train_acc,test_loss,test_acc,train_seconds,images_per_s");
    int rc = s.loss && s.epochs ? 0 : -1;
    if (rc == 0) {
        int batch = cfg->batch < train->count ? cfg->batch : train->count;
        progress_start(&s.bar, cfg->epochs, (train->count + batch - 1) / batch, train->count);
        TrainHooks hooks = {.ctx = &s, .on_batch = on_batch, .on_epoch = on_epoch, .stop = stop};
        rc = train_epochs(&r->train, m, train, test, cfg, &hooks);
        if (s.tty && r->train.interrupted) fprintf(stderr, "\n");
    }
    if (csv_close(s.loss) != 0 && rc == 0) rc = -1;
    if (csv_close(s.epochs) != 0 && rc == 0) rc = -1;
    if (rc == 0) rc = write_summary(out_dir, cfg, m, &r->train, mean, std);
    return rc;
}

int run_compare(RunRow *rows, const TrainConfig *cfg, const char *const *names, int count,
                const Dataset *train, const Dataset *test, const float *mean, const float *std,
                const char *root, bool reuse, volatile sig_atomic_t *stop)
{
    memset(rows, 0, (size_t)count * sizeof *rows);
    int rc = 0;
    for (int m = 0; m < count && rc == 0 && !(stop && *stop); m++) {
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/%s-%s", root, cfg[m].data, names[m]);
        rows[m].name = names[m];
        RunSummary done;
        if (reuse && run_summary_read(&done, dir) == 0 && run_summary_matches(&done, &cfg[m])) {
            fprintf(stderr, "%s: reusing the finished run in %s\n", names[m], dir);
            rows[m] = (RunRow){names[m], done.params, done.test_acc, done.train_seconds, done.images_per_second,
                               done.epochs_done};
            continue;
        }
        fprintf(stderr, "training %s on %s (%d epochs, batch %d, lr %g%s)\n", names[m], cfg[m].data,
                cfg[m].epochs, cfg[m].batch, (double)cfg[m].sgd.lr,
                cfg[m].augment ? ", augmented training images" : "");
        RunResult r;
        rc = run_training(&r, &cfg[m], train, test, mean, std, dir, stop);
        const EpochStats *e = &r.train.last;
        rows[m] = (RunRow){names[m], r.params, e->test_acc, e->train_seconds, e->images_per_second,
                           r.train.epochs_done};
    }
    return rc;
}

/* The width of the table's first column: its header or its longest name. */
static int name_width(const char *first_column, const RunRow *rows, int count)
{
    int w = (int)strlen(first_column);
    for (int m = 0; m < count; m++)
        if (rows[m].name && (int)strlen(rows[m].name) > w) w = (int)strlen(rows[m].name);
    return w;
}

void run_print_table(FILE *out, const char *first_column, const RunRow *rows, int count)
{
    int w = name_width(first_column, rows, count);
    fprintf(out, "  %-*s  %10s   test accuracy   epochs   train time    images/s\n", w, first_column, "params");
    for (int m = 0; m < count; m++)
        fprintf(out, "  %-*s  %10zu   %12.1f %%   %6d   %8.1f s   %9.0f\n", w, rows[m].name ? rows[m].name : "",
                rows[m].params, 100.0 * rows[m].test_acc, rows[m].epochs, rows[m].train_seconds,
                rows[m].images_per_second);
}

int run_write_table(const char *path, const char *first_column, const RunRow *rows, int count)
{
    char header[96];
    snprintf(header, sizeof header, "%s,params,test_acc,epochs,train_seconds,images_per_s", first_column);
    CsvFile *f = csv_open(path, header);
    for (int m = 0; m < count; m++) {
        csv_str(f, rows[m].name ? rows[m].name : "");
        csv_num(f, (double)rows[m].params);
        csv_num(f, rows[m].test_acc);
        csv_num(f, rows[m].epochs);
        csv_num(f, rows[m].train_seconds);
        csv_num(f, rows[m].images_per_second);
        csv_end_row(f);
    }
    return csv_close(f);
}

/* Seconds one training step takes per image with cfg's layers, for images
 * shaped C x H x W: two steps on a batch of random images (the first warms
 * the caches), the second timed. A throwaway model: no run's weights are
 * touched. -1 when it could not be measured. */
static double seconds_per_image(const TrainConfig *cfg, int C, int H, int W)
{
    enum { N = 16 };
    Tensor *xb = tensor_new(N, C, H, W);
    Dataset shape = {.images = xb, .count = N, .classes = 10};
    Model *m = xb ? build_model(cfg, &shape) : NULL;
    int labels[N] = {0};
    double seconds = -1.0;
    if (m) {
        Rng rng;
        rng_seed(&rng, 7);
        tensor_fill_uniform(xb, &rng, -1.0f, 1.0f);
        float loss;
        int correct;
        if (train_step(&loss, &correct, m, xb, labels, cfg->sgd) == 0) {
            double t0 = progress_now();
            if (train_step(&loss, &correct, m, xb, labels, cfg->sgd) == 0) seconds = (progress_now() - t0) / N;
        }
    }
    tensor_free(xb);
    model_free(m);
    return seconds;
}

static void print_duration(FILE *out, double seconds)
{
    if (seconds < 10) fprintf(out, "%.1f s", seconds);
    else if (seconds < 120) fprintf(out, "%.0f s", seconds);
    else if (seconds < 7200) fprintf(out, "%.0f min", seconds / 60);
    else fprintf(out, "%.1f h", seconds / 3600);
}

void run_print_whose_code(FILE *out, const TrainConfig *cfg, const Dataset *train)
{
    static const char *const chapters[] = {"05", "05", "05", NULL};
    static const char *const what[] = {"softmax + cross-entropy", "SGD step", "training step", NULL};
    provenance_print(out, cfg->layers, chapters, what);
    bool reference = strcmp(provenance_variant, "solution") == 0;
    /* By name, not by address: layers_with_batchnorm() (chapter 08) copies
     * one of the two tables, name included. */
    bool naive = strcmp(cfg->layers->name, layers_naive.name) == 0;
    if (naive && !provenance_is_yours("06") && !reference) {
        const Tensor *x = train->images;
        double here = seconds_per_image(cfg, x->c, x->h, x->w);
        fprintf(out, "  layers: naive (chapters 03-05), because chapter 06 is untouched.");
        if (here > 0) {
            fprintf(out, " An epoch of these %d images\n  takes about ", train->count);
            print_duration(out, here * train->count);
            TrainConfig cifar = *cfg;
            double there = strcmp(cfg->data, "cifar10") == 0 ? here : seconds_per_image(&cifar, 3, 32, 32);
            if (there > 0 && strcmp(cfg->data, "cifar10") != 0) {
                fprintf(out, " this way; a CIFAR-10 epoch (50,000 images) about ");
                print_duration(out, there * 50000);
            }
            fprintf(out, ".");
        }
        fprintf(out, "\n  LAYERS=fast (--layers fast) takes the reference's fast layers of chapter 06 instead.\n");
    } else {
        fprintf(out, "  layers: %s (%s)\n", cfg->layers->name,
                naive ? "chapters 03-05" : "chapter 06's im2col + GEMM");
    }
}
