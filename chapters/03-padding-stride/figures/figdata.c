/* GIVEN -- read it, don't edit it.
 *
 * figdata.c -- chapter 03: writes the data behind the chapter's figure.
 *
 *     figdata WORK_DIR
 *
 * Runs the chapter's conv_output_size, pad2d_zero and conv2d_forward on the
 * 5x5 example of chapter 02 (vertical-edge kernel) in three configurations:
 * no padding stride 1, padding 1 stride 1 ('same'), padding 1 stride 2, so
 * `make figures STUDENT=1` draws what the student's code computes. Writes
 * into WORK_DIR, for configuration m = 1, 2, 3:
 *
 *     in<m>.csv    col,row,value,is_pad for every cell of the padded input
 *     out<m>.csv   col,row,value for every output cell
 *     info.gp      PAD<m>, STRIDE<m>, NP<m> (padded size), P<m> (output size)
 */
#include "conv.h"
#include "tutorial_example.h"

#include "csv.h"
#include "error.h"

#include <stdio.h>
#include <string.h>

enum { N_CONFIGS = 3, SIDE = 5, KSIDE = 3 };

static const int pads[N_CONFIGS] = {0, 1, 1};
static const int strides[N_CONFIGS] = {1, 1, 2};

/* Writes configuration m (1-based); appends its sizes to info. */
static int write_config(const char *dir, int m, const Tensor *x, const Tensor *w, FILE *info)
{
    /* x [1,1,5,5], w [1,1,3,3] */
    const int pad = pads[m - 1], stride = strides[m - 1];
    const int P = conv_output_size(SIDE, KSIDE, pad, stride);
    if (P < 0) return -1;
    const int NP = SIDE + 2 * pad;
    Tensor *xp = tensor_new(1, 1, NP, NP), *y = tensor_new(1, 1, P, P);
    int status = -1;
    if (!xp || !y) goto done;
    if (pad2d_zero(xp, x, pad, pad)) goto done;
    if (conv2d_forward(y, x, w, NULL, (Conv2dParams){pad, pad, stride, stride})) goto done;

    char path[1024];
    snprintf(path, sizeof path, "%s/in%d.csv", dir, m);
    CsvFile *f = csv_open(path, "col,row,value,is_pad");
    for (int h = 0; h < NP; h++)
        for (int v = 0; v < NP; v++) {
            const int inside = h >= pad && h < pad + SIDE && v >= pad && v < pad + SIDE;
            csv_num(f, v);
            csv_num(f, h);
            csv_num(f, *tensor_at(xp, 0, 0, h, v));
            csv_num(f, !inside);
            csv_end_row(f);
        }
    if (csv_close(f)) goto done;
    snprintf(path, sizeof path, "%s/out%d.csv", dir, m);
    f = csv_open(path, "col,row,value");
    for (int i = 0; i < P; i++)
        for (int j = 0; j < P; j++) {
            csv_num(f, j);
            csv_num(f, i);
            csv_num(f, *tensor_at(y, 0, 0, i, j));
            csv_end_row(f);
        }
    if (csv_close(f)) goto done;
    fprintf(info, "PAD%d = %d\nSTRIDE%d = %d\nNP%d = %d\nP%d = %d\n", m, pad, m, stride, m, NP, m, P);
    status = 0;
done:
    tensor_free(xp);
    tensor_free(y);
    return status;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s WORK_DIR\n", argv[0]);
        return 2;
    }
    const char *dir = argv[1];
    char path[1024];
    snprintf(path, sizeof path, "%s/info.gp", dir);
    Tensor *x = tensor_new(1, 1, SIDE, SIDE), *w = tensor_new(1, 1, KSIDE, KSIDE);
    FILE *info = NULL;
    int status = 1;
    if (!x || !w) goto done;
    memcpy(x->data, tutorial_input, sizeof tutorial_input);
    memcpy(w->data, tutorial_kernel, sizeof tutorial_kernel);
    info = fopen(path, "w");
    if (!info) {
        cnn_error("%s: cannot create", path);
        goto done;
    }
    fprintf(info, "N = %d\nK = %d\n", SIDE, KSIDE);
    for (int m = 1; m <= N_CONFIGS; m++)
        if (write_config(dir, m, x, w, info)) goto done;
    status = 0;
done:
    if (info && fclose(info) && status == 0) {
        cnn_error("%s: write failed", path);
        status = 1;
    }
    if (status) fprintf(stderr, "figdata: %s\n", cnn_last_error());
    tensor_free(x);
    tensor_free(w);
    return status;
}
