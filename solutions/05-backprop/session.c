/* session.c -- progress bar, CSV logs, weights and summary of one training
 * run. Chapter 05 (given). See session.h. */
#include "session.h"

#include "csv.h"
#include "error.h"
#include "progress.h"

#include <errno.h>
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
} Session;

static void on_batch(void *ctx, int epoch, int batch, int batches, float loss, double mean_loss,
                     double mean_acc, long images_done)
{
    Session *s = ctx;
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
    Session *s = ctx;
    char line[256];
    fprintf(stderr, "%s%s  test acc %.1f%%\n", s->tty ? "\r" : "",
            progress_line(&s->bar, line, sizeof line), 100.0 * e->test_acc);
    double row[7] = {e->epoch, e->train_loss, e->train_acc, e->test_loss, e->test_acc,
                     e->train_seconds, e->images_per_second};
    for (int i = 0; i < 7; i++) csv_num(s->epochs, row[i]);
    csv_end_row(s->epochs);
    return model_save(m, s->dir);
}

static int write_summary(const char *dir, const TrainConfig *cfg, const Model *m,
                         const TrainResult *t, const float *mean, const float *std)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/summary.txt", dir);
    FILE *f = fopen(path, "w");
    if (!f) return cnn_error("%s: cannot write: %s", path, strerror(errno));
    fprintf(f, "model: %s\ndata: %s\nparams: %zu\n", cfg->model, cfg->data, model_param_count(m));
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

int session_train(SessionResult *r, const TrainConfig *cfg, const Dataset *train,
                  const Dataset *test, const float *mean, const float *std, const char *out_dir,
                  volatile sig_atomic_t *stop)
{
    memset(r, 0, sizeof *r);
    if (make_dirs(out_dir) != 0) return -1;
    Model *m = build_model(cfg, train);
    if (!m) return -1;
    r->params = model_param_count(m);
    char path[1024];
    Session s = {.tty = isatty(STDERR_FILENO) != 0, .dir = out_dir};
    snprintf(path, sizeof path, "%s/loss.csv", out_dir);
    s.loss = csv_open(path, "epoch,step,images,loss,mean_loss,mean_acc");
    snprintf(path, sizeof path, "%s/epochs.csv", out_dir);
    s.epochs = csv_open(path, "epoch,train_loss,train_acc,test_loss,test_acc,train_seconds,images_per_s");
    int rc = s.loss && s.epochs ? 0 : -1;
    if (rc == 0) {
        int batch = cfg->batch < train->count ? cfg->batch : train->count;
        progress_start(&s.bar, cfg->epochs, (train->count + batch - 1) / batch, train->count);
        TrainHooks hooks = {.ctx = &s, .on_batch = on_batch, .on_epoch = on_epoch, .stop = stop};
        rc = train_model(&r->train, m, train, test, cfg, &hooks);
        if (s.tty && r->train.interrupted) fprintf(stderr, "\n");
    }
    if (csv_close(s.loss) != 0 && rc == 0) rc = -1;
    if (csv_close(s.epochs) != 0 && rc == 0) rc = -1;
    if (rc == 0) rc = write_summary(out_dir, cfg, m, &r->train, mean, std);
    model_free(m);
    return rc;
}
