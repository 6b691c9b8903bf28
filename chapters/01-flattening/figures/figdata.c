/* GIVEN -- read it, don't edit it.
 *
 * figdata.c -- chapter 01: writes the data behind the chapter's figures.
 *
 *     figdata WORK_DIR DATASETS_DIR digits|cifar10
 *
 * Uses the chapter's own functions (flatten_images, dense_param_count,
 * conv_param_count), so `make figures STUDENT=1` draws what the student's
 * code computes. Writes into WORK_DIR:
 *
 *     params.csv      side, dense (grey), dense (RGB), conv: 512 hidden units
 *     image.dat       x y r g b rows for gnuplot's rgbimage
 *     channel0.dat .. one matrix per channel, values 0..1
 *     strip.csv       the flattened image: index, value, channel
 *     info.gp         NAME, LABEL, C, H, W, D as gnuplot variables
 *
 * The probe image is the first cat of CIFAR-10's test set, or the first
 * test-set digit of the workbook's fixed digits split.
 */
#include "flatten.h"
#include "params.h"

#include "csv.h"
#include "dataset.h"
#include "error.h"

#include <stdio.h>
#include <string.h>

static int write_params(const char *dir)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/params.csv", dir);
    CsvFile *f = csv_open(path, "side,dense_grey,dense_rgb,conv");
    if (!f) return -1;
    for (int side = 8; side <= 512; side += side < 64 ? 4 : side < 256 ? 16 : 32) {
        csv_num(f, side);
        csv_num(f, (double)dense_param_count((long long)side * side, 512));
        csv_num(f, (double)dense_param_count(3LL * side * side, 512));
        csv_num(f, (double)conv_param_count(3, 32, 3, 3));
        csv_end_row(f);
    }
    return csv_close(f);
}

/* Writes image n of x [N, C, H, W] (values 0..1) as image.dat, one matrix per
 * channel, and its flattened strip, using the chapter's flatten_images. */
static int write_image(const char *dir, const Tensor *x, int n, const char *name, const char *label)
{
    int C = x->c, H = x->h, W = x->w, D = C * H * W;
    char path[1024];
    /* A borrowed [1, C, H, W] tensor over image n of x. */
    Tensor one = tensor_batch(x, n, 1);

    snprintf(path, sizeof path, "%s/image.dat", dir);
    FILE *f = fopen(path, "w");
    if (!f) return cnn_error("%s: cannot create", path);
    for (int h = 0; h < H; h++)
        for (int w = 0; w < W; w++) {
            float r = *tensor_at(&one, 0, 0, h, w);
            float g = *tensor_at(&one, 0, C > 1 ? 1 : 0, h, w);
            float b = *tensor_at(&one, 0, C > 2 ? 2 : 0, h, w);
            fprintf(f, "%d %d %d %d %d\n", w, h, (int)(r * 255.0f + 0.5f), (int)(g * 255.0f + 0.5f),
                    (int)(b * 255.0f + 0.5f));
        }
    if (fclose(f) != 0) return cnn_error("%s: write failed", path);

    for (int c = 0; c < C; c++) {
        snprintf(path, sizeof path, "%s/channel%d.dat", dir, c);
        f = fopen(path, "w");
        if (!f) return cnn_error("%s: cannot create", path);
        for (int h = 0; h < H; h++) {
            for (int w = 0; w < W; w++) fprintf(f, "%s%.4f", w ? " " : "", (double)*tensor_at(&one, 0, c, h, w));
            fputc('\n', f);
        }
        if (fclose(f) != 0) return cnn_error("%s: write failed", path);
    }

    Tensor *flat = tensor_new_nd(2, (int[]){1, D});
    if (!flat) return -1;
    if (flatten_images(flat, &one) != 0) {
        tensor_free(flat);
        return -1;
    }
    snprintf(path, sizeof path, "%s/strip.csv", dir);
    CsvFile *csv = csv_open(path, "index,value,channel");
    for (int d = 0; d < D; d++) {
        csv_num(csv, d);
        csv_num(csv, flat->data[d]);
        csv_num(csv, d / (H * W));
        csv_end_row(csv);
    }
    tensor_free(flat);
    if (csv_close(csv) != 0) return -1;

    snprintf(path, sizeof path, "%s/info.gp", dir);
    f = fopen(path, "w");
    if (!f) return cnn_error("%s: cannot create", path);
    fprintf(f, "NAME = \"%s\"\nLABEL = \"%s\"\nC = %d\nH = %d\nW = %d\nD = %d\n", name, label, C, H, W, D);
    if (fclose(f) != 0) return cnn_error("%s: write failed", path);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4 || (strcmp(argv[3], "digits") != 0 && strcmp(argv[3], "cifar10") != 0)) {
        fprintf(stderr, "usage: figdata WORK_DIR DATASETS_DIR digits|cifar10\n");
        return 2;
    }
    const char *dir = argv[1], *data = argv[3];
    if (write_params(dir) != 0) {
        fprintf(stderr, "figdata: %s\n", cnn_last_error());
        return 1;
    }
    Dataset train = {0}, test = {0};
    if (dataset_load_split(&train, &test, data, argv[2]) != 0) {
        fprintf(stderr, "figdata: %s\n", cnn_last_error());
        return 1;
    }
    /* The probe: CIFAR-10's first test cat (class 3), or the first test digit. */
    int probe = 0;
    if (strcmp(data, "cifar10") == 0)
        while (probe < test.count - 1 && test.labels[probe] != 3) probe++;
    char label[64];
    snprintf(label, sizeof label, "%s%s", strcmp(data, "digits") == 0 ? "digit " : "",
             test.class_names[test.labels[probe]]);
    int status = write_image(dir, test.images, probe, data, label);
    if (status != 0) fprintf(stderr, "figdata: %s\n", cnn_last_error());
    dataset_free(&train);
    dataset_free(&test);
    return status ? 1 : 0;
}
