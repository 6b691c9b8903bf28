/* GIVEN -- read it, don't edit it.
 *
 * figdata.c -- chapter 02: writes the data behind the chapter's figure.
 *
 *     figdata WORK_DIR
 *
 * Runs the chapter's conv2d_single_channel on the lesson's 5x5 example with
 * the vertical-edge kernel (so `make figures STUDENT=1` draws what the
 * student's code computes) and writes into WORK_DIR:
 *
 *     input.csv, kernel.csv, output.csv   col,row,value for every cell
 *     info.gp                             HI, HJ (the highlighted output
 *                                         position) and SUM, the worked sum
 *                                         behind it, as gnuplot variables
 */
#include "conv_naive.h"
#include "tutorial_example.h"

#include "csv.h"
#include "error.h"

#include <stdio.h>
#include <string.h>

/* The output position whose window the figure highlights: it straddles the
 * bright-to-dark boundary, so its value is large. */
enum { HI = 0, HJ = 1 };

static int write_grid(const char *dir, const char *name, const Tensor *t)
{
    /* t [1,1,H,W] */
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.csv", dir, name);
    CsvFile *f = csv_open(path, "col,row,value");
    for (int h = 0; h < t->h; h++)
        for (int w = 0; w < t->w; w++) {
            csv_num(f, w);
            csv_num(f, h);
            csv_num(f, *tensor_at(t, 0, 0, h, w));
            csv_end_row(f);
        }
    return csv_close(f);
}

/* Appends "(a + b + c)" for the window values whose weight equals sign. */
static size_t append_terms(char *buf, size_t size, size_t used, const Tensor *x, const Tensor *w,
                           float sign, float *total)
{
    int count = 0;
    *total = 0.0f;
    for (int r = 0; r < w->h; r++)
        for (int s = 0; s < w->w; s++) {
            if (*tensor_at(w, 0, 0, r, s) != sign || used >= size) continue;
            const float v = *tensor_at(x, 0, 0, HI + r, HJ + s);
            int n = snprintf(buf + used, size - used, "%s%g", count++ ? " + " : "(", (double)v);
            if (n > 0) used += (size_t)n;
            *total += v;
        }
    if (count && used < size) used += (size_t)snprintf(buf + used, size - used, ")");
    return used < size ? used : size;
}

/* The worked sum of output (HI, HJ) for a kernel of +1, 0 and -1 weights,
 * e.g. "(9 + 9 + 8) − (1 + 2 + 1) = 26 − 4 = 22": the values under the +1
 * weights, minus those under the -1 weights. */
static int worked_sum(char *buf, size_t size, const Tensor *x, const Tensor *w, const Tensor *y)
{
    for (size_t i = 0; i < tensor_size(w); i++)
        if (w->data[i] != 1.0f && w->data[i] != 0.0f && w->data[i] != -1.0f)
            return cnn_error("figdata: the worked sum needs a kernel of +1, 0 and -1 weights");
    float plus, minus;
    size_t used = append_terms(buf, size, 0, x, w, 1.0f, &plus);
    used += (size_t)snprintf(buf + used, size - used, " − ");
    used = append_terms(buf, size, used, x, w, -1.0f, &minus);
    snprintf(buf + used, size - used, " = %g − %g = %g", (double)plus, (double)minus,
             (double)*tensor_at(y, 0, 0, HI, HJ));
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s WORK_DIR\n", argv[0]);
        return 2;
    }
    const char *dir = argv[1];
    Tensor *x = tensor_new(1, 1, 5, 5), *w = tensor_new(1, 1, 3, 3), *y = tensor_new(1, 1, 3, 3);
    int status = 1;
    if (!x || !w || !y) goto done;
    memcpy(x->data, tutorial_input, sizeof tutorial_input);
    memcpy(w->data, tutorial_kernel, sizeof tutorial_kernel);
    if (conv2d_single_channel(y, x, w)) goto done;
    if (write_grid(dir, "input", x) || write_grid(dir, "kernel", w) || write_grid(dir, "output", y))
        goto done;

    char sum[256], path[1024];
    if (worked_sum(sum, sizeof sum, x, w, y)) goto done;
    snprintf(path, sizeof path, "%s/info.gp", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        cnn_error("%s: cannot create", path);
        goto done;
    }
    fprintf(f, "HI = %d\nHJ = %d\nSUM = \"y(%d,%d) = %s\"\n", HI, HJ, HI, HJ, sum);
    if (fclose(f)) {
        cnn_error("%s: write failed", path);
        goto done;
    }
    status = 0;
done:
    if (status) fprintf(stderr, "figdata: %s\n", cnn_last_error());
    tensor_free(x);
    tensor_free(w);
    tensor_free(y);
    return status;
}
