/* GIVEN -- read it, don't edit it.
 *
 * figdata.c -- the data behind chapter 04's figure (docs/figures/ch04-pooling.png).
 *
 *     figdata DIR
 *
 * Pools the lesson's 4x4 example with a 2x2 window and stride 2, using the
 * chapter's own maxpool2d_forward (with argmax) and avgpool2d_forward, and
 * writes three CSV files into DIR for ch04-pooling.gp:
 *
 *     ch04-input.csv  h,w,value,window,is_max   the 16 inputs; window is the
 *                                               index (0..3) of the 2x2 window
 *                                               holding them; is_max is 1 for
 *                                               the input argmax picked
 *     ch04-max.csv    ph,pw,value,window,src_h,src_w   the max pool and where
 *                                               each maximum came from
 *     ch04-avg.csv    ph,pw,value,window,sum    the average pool and the sum
 *                                               it divided by 4
 *
 * Exit status 0, or 1 with a message on stderr.
 */
#include "csv.h"
#include "error.h"
#include "pooling.h"
#include "tensor.h"

#include <stdio.h>

static const float EXAMPLE[16] = {
    1, 3, 2, 4,
    5, 6, 1, 2,
    7, 2, 9, 0,
    8, 3, 4, 6,
};

static int write_csvs(const char *dir, const Tensor *x, const Tensor *ymax, const int32_t *argmax,
                      const Tensor *yavg)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/ch04-input.csv", dir);
    CsvFile *f = csv_open(path, "h,w,value,window,is_max");
    for (int h = 0; h < x->h; h++)
        for (int w = 0; w < x->w; w++) {
            const int window = (h / 2) * ymax->w + w / 2;
            csv_num(f, h), csv_num(f, w), csv_num(f, *tensor_at(x, 0, 0, h, w));
            csv_num(f, window), csv_num(f, argmax[window] == (int32_t)tensor_index(x, 0, 0, h, w));
            csv_end_row(f);
        }
    if (csv_close(f)) return -1;

    snprintf(path, sizeof path, "%s/ch04-max.csv", dir);
    f = csv_open(path, "ph,pw,value,window,src_h,src_w");
    for (int ph = 0; ph < ymax->h; ph++)
        for (int pw = 0; pw < ymax->w; pw++) {
            const int window = ph * ymax->w + pw;
            csv_num(f, ph), csv_num(f, pw), csv_num(f, *tensor_at(ymax, 0, 0, ph, pw)), csv_num(f, window);
            csv_num(f, argmax[window] / x->w), csv_num(f, argmax[window] % x->w);
            csv_end_row(f);
        }
    if (csv_close(f)) return -1;

    snprintf(path, sizeof path, "%s/ch04-avg.csv", dir);
    f = csv_open(path, "ph,pw,value,window,sum");
    for (int ph = 0; ph < yavg->h; ph++)
        for (int pw = 0; pw < yavg->w; pw++) {
            float sum = 0.0f;
            for (int r = 0; r < 2; r++)
                for (int s = 0; s < 2; s++) sum += *tensor_at(x, 0, 0, 2 * ph + r, 2 * pw + s);
            csv_num(f, ph), csv_num(f, pw), csv_num(f, *tensor_at(yavg, 0, 0, ph, pw));
            csv_num(f, ph * yavg->w + pw), csv_num(f, sum);
            csv_end_row(f);
        }
    return csv_close(f);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: figdata DIR\n");
        return 2;
    }
    const Pool2dParams pool2 = {2, 2, 2, 2};
    int32_t argmax[4];
    Tensor *x = tensor_new(1, 1, 4, 4), *ymax = tensor_new(1, 1, 2, 2), *yavg = tensor_new(1, 1, 2, 2);
    int status = 1;
    if (x && ymax && yavg) {
        for (int i = 0; i < 16; i++) x->data[i] = EXAMPLE[i];
        if (maxpool2d_forward(ymax, argmax, x, pool2) == 0 && avgpool2d_forward(yavg, x, pool2) == 0 &&
            write_csvs(argv[1], x, ymax, argmax, yavg) == 0)
            status = 0;
    }
    if (status) fprintf(stderr, "figdata: %s\n", cnn_last_error());
    tensor_free(x), tensor_free(ymax), tensor_free(yavg);
    return status;
}
