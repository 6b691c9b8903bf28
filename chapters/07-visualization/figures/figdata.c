/* GIVEN -- read it, don't edit it.
 *
 * figdata.c -- chapter 07: writes the pictures behind the chapter's figures.
 *
 *   figdata filters MODEL_DIR OUT SCALE COLS
 *       conv1.weight.npy [K,C,3,3] as a grid of K tiles (each normalised on
 *       its own), written as PGM (C = 1) or PPM (C = 3)
 *   figdata maps MODEL_DIR DATA DATASETS CLASS OUT_PREFIX SCALE COLS
 *       the first test image of class CLASS (-1: the first test image) through
 *       conv1 + ReLU: OUT_PREFIX-input.p?m (the image, one pixel per pixel)
 *       and OUT_PREFIX-maps.pgm (the K feature maps, each normalised on its
 *       own and SCALE times bigger); prints the image's index
 *   figdata patches MODEL_DIR DATA DATASETS NFILTERS TOPK SIDE SCALE OUT_PREFIX
 *       for filters 0..NFILTERS-1, the TOPK test images that excite it most,
 *       each as a SIDE x SIDE patch centred on the strongest response:
 *       OUT_PREFIX-fNN.p?m, one strip per filter (one shared range per
 *       strip, so the patches keep their real brightness)
 *   figdata weights MODEL_DIR DATA DATASETS OUT_PREFIX SCALE COLS
 *       conv1's filters three ways, each a grid of K tiles with zero drawn
 *       mid-grey (one symmetric range per tile, so a channel's sign shows as
 *       its colour): OUT_PREFIX-start.p?m, the filters as the network
 *       initialised them before training (rebuilt from the run's seed);
 *       OUT_PREFIX-trained.p?m, as trained; OUT_PREFIX-patterns.p?m, the
 *       pattern each trained filter answers to (below). Prints the mean
 *       cosine between a filter's start and its trained weights.
 *   figdata classes DATA DATASETS OUT_PREFIX
 *       the first test image of every class: OUT_PREFIX-NN.p?m (one pixel per
 *       pixel), and the class names on standard output, one a line
 *
 * DATA is digits, fashion-mnist or cifar10; DATASETS the datasets folder;
 * MODEL_DIR a `make train` output (build/models/<data>-cnn). The network was
 * trained on standardised pixels, (x - mean[c]) / std[c] with the per-channel
 * input_mean and input_std its summary.txt records, so the images go through
 * the same step before conv1 (mean 0, std 1 when summary.txt has no such
 * lines); pictures of images always show the raw pixels. Exit status 1 with
 * a message on any error. Everything is deterministic: no randomness.
 */
#include "vis.h"

#include "dataset.h"
#include "error.h"
#include "image.h"
#include "npy.h"
#include "model.h"
#include "run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fail(const char *what)
{
    fprintf(stderr, "figdata %s: %s\n", what, cnn_last_error());
    return 1;
}

static int usage(void)
{
    fprintf(stderr,
            "usage: figdata filters MODEL_DIR OUT SCALE COLS\n"
            "       figdata maps MODEL_DIR DATA DATASETS CLASS OUT_PREFIX SCALE COLS\n"
            "       figdata patches MODEL_DIR DATA DATASETS NFILTERS TOPK SIDE SCALE OUT_PREFIX\n"
            "       figdata weights MODEL_DIR DATA DATASETS OUT_PREFIX SCALE COLS\n"
            "       figdata classes DATA DATASETS OUT_PREFIX\n");
    return 2;
}

static const char *ext(int channels) { return channels == 3 ? "ppm" : "pgm"; }

/* Loads MODEL_DIR/conv1.weight.npy and conv1.bias.npy. */
static int load_conv1(Tensor **w, Tensor **b, const char *dir)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/conv1.weight.npy", dir);
    *w = npy_load_tensor(path);
    snprintf(path, sizeof path, "%s/conv1.bias.npy", dir);
    *b = *w ? npy_load_tensor(path) : NULL;
    return *w && *b ? 0 : -1;
}

/* The per-channel input_mean and input_std MODEL_DIR/summary.txt records
 * (written by `make train`, common/network/run.c), into mean[0..C-1] and
 * std[0..C-1]; no summary leaves 0 and 1. */
static int load_standardisation(float *mean, float *std, int C, const char *dir)
{
    for (int c = 0; c < C; c++) {
        mean[c] = 0.0f;
        std[c] = 1.0f;
    }
    char path[1100];
    snprintf(path, sizeof path, "%s/summary.txt", dir);
    if (access(path, F_OK) != 0) return 0;
    RunSummary s;
    if (run_summary_read(&s, dir) != 0) return -1;
    if (s.channels != C) return cnn_error("%s: %d input channels, the images have %d", path, s.channels, C);
    for (int c = 0; c < C; c++) {
        mean[c] = s.input_mean[c];
        std[c] = s.input_std[c];
    }
    return 0;
}

/* A copy of images [N, C, H, W] standardised as the network saw them in
 * training, or NULL with an error. The caller frees it. */
static Tensor *standardised(const Tensor *images, const char *dir)
{
    float mean[3], std[3];
    if (images->c > 3) {
        cnn_error("images have %d channels, at most 3 supported", images->c);
        return NULL;
    }
    if (load_standardisation(mean, std, images->c, dir) != 0) return NULL;
    Tensor *x = tensor_clone(images);
    if (!x) return NULL;
    size_t plane = (size_t)x->h * x->w;
    for (int n = 0; n < x->n; n++)
        for (int c = 0; c < x->c; c++) {
            float *p = tensor_at(x, n, c, 0, 0);
            for (size_t i = 0; i < plane; i++) p[i] = (p[i] - mean[c]) / std[c];
        }
    return x;
}

/* Renders t [K, C, H, W] with one range per tile or per tensor, and writes it. */
static int render(const char *path, const Tensor *t, VisNorm mode, int scale, int cols, int border)
{
    VisImage *img = NULL;
    int rc = vis_render_tiles(&img, t, mode, scale, (VisGrid){cols, border, 255});
    if (rc == 0) rc = vis_image_write(path, img);
    vis_image_free(img);
    return rc;
}

/* Writes image x [1, C, H, W] (C = 1 or 3, pixels 0..1) at its true
 * brightness, one pixel per pixel: ImageMagick enlarges it later. */
static int write_pixels(const char *path, const Tensor *x)
{
    uint8_t *px = malloc(tensor_size(x));
    if (!px) return cnn_error("out of memory");
    int rc = image_tensor_to_u8(px, x, 0, 0.0f, 1.0f);
    if (rc == 0)
        rc = x->c == 3 ? image_write_ppm(path, px, x->w, x->h) : image_write_pgm(path, px, x->w, x->h);
    free(px);
    return rc;
}

/* Index of the first test image with label cls (cls < 0: image 0). */
static int first_of_class(const Dataset *d, int cls)
{
    if (cls < 0) return 0;
    for (int i = 0; i < d->count; i++)
        if (d->labels[i] == cls) return i;
    return -1;
}

static int cmd_filters(char **argv)
{
    Tensor *w = NULL, *b = NULL;
    if (load_conv1(&w, &b, argv[0]) != 0) return fail("filters");
    int rc = render(argv[1], w, VIS_NORM_TILE, atoi(argv[2]), atoi(argv[3]), 3);
    tensor_free(w);
    tensor_free(b);
    return rc == 0 ? 0 : fail("filters");
}

static int cmd_maps(char **argv)
{
    Tensor *w = NULL, *b = NULL, *maps = NULL, *input = NULL;
    Dataset train = {0}, test = {0};
    int rc = -1, scale = atoi(argv[5]), cols = atoi(argv[6]);
    char path[1024];
    if (load_conv1(&w, &b, argv[0]) != 0) goto done;
    if (dataset_load_split(&train, &test, argv[1], argv[2]) != 0) goto done;
    int n = first_of_class(&test, atoi(argv[3]));
    if (n < 0) {
        cnn_error("no test image of class %s", argv[3]);
        goto done;
    }
    Tensor x = tensor_batch(test.images, n, 1);
    if (!(input = standardised(&x, argv[0]))) goto done;
    maps = tensor_new(1, w->n, x.h, x.w);
    if (!maps || vis_feature_maps(maps, input, w, b, true) != 0) goto done;
    snprintf(path, sizeof path, "%s-input.%s", argv[4], ext(x.c));
    if (write_pixels(path, &x) != 0) goto done;
    /* The maps as K one-channel tiles: [1, K, H, W] viewed as [K, 1, H, W]. */
    Tensor tiles;
    if (tensor_view(&tiles, maps, 4, w->n, 1, x.h, x.w) != 0) goto done;
    snprintf(path, sizeof path, "%s-maps.pgm", argv[4]);
    if (render(path, &tiles, VIS_NORM_TILE, scale, cols, 2) != 0) goto done;
    printf("%d\n", n);
    rc = 0;
done:
    tensor_free(w);
    tensor_free(b);
    tensor_free(maps);
    tensor_free(input);
    dataset_free(&train);
    dataset_free(&test);
    return rc == 0 ? 0 : fail("maps");
}

static int cmd_patches(char **argv)
{
    Tensor *w = NULL, *b = NULL, *strip = NULL, *input = NULL;
    Dataset train = {0}, test = {0};
    VisHit *hits = NULL;
    int rc = -1, nf = atoi(argv[3]), topk = atoi(argv[4]), side = atoi(argv[5]),
        scale = atoi(argv[6]);
    char path[1024];
    if (load_conv1(&w, &b, argv[0]) != 0) goto done;
    if (dataset_load_split(&train, &test, argv[1], argv[2]) != 0) goto done;
    if (nf < 1 || nf > w->n || topk < 1 || topk > test.count || side < 1 || side % 2 == 0) {
        cnn_error("bad arguments: %d filters (1..%d), top %d, side %d (odd)", nf, w->n, topk, side);
        goto done;
    }
    if (!(input = standardised(test.images, argv[0]))) goto done;
    hits = malloc((size_t)topk * sizeof *hits);
    strip = tensor_new(topk, test.images->c, side, side);
    if (!hits || !strip) {
        cnn_error("out of memory");
        goto done;
    }
    for (int f = 0; f < nf; f++) {
        if (vis_top_patches(hits, topk, input, w, b, f) != 0) goto done;
        for (int i = 0; i < topk; i++) {
            Tensor one = tensor_batch(strip, i, 1);
            if (vis_extract_patch(&one, test.images, hits[i]) != 0) goto done;
        }
        snprintf(path, sizeof path, "%s-f%02d.%s", argv[7], f, ext(strip->c));
        if (render(path, strip, VIS_NORM_GLOBAL, scale, topk, 3) != 0) goto done;
        printf("filter %d: images", f);
        for (int i = 0; i < topk; i++) printf(" %d", hits[i].n);
        printf("\n");
    }
    rc = 0;
done:
    free(hits);
    tensor_free(w);
    tensor_free(b);
    tensor_free(strip);
    tensor_free(input);
    dataset_free(&train);
    dataset_free(&test);
    return rc == 0 ? 0 : fail("patches");
}

/* t [K, C, H, W] as K planar tiles of bytes, each tile on a symmetric range
 * [-m, m] with m its largest |value|: 0 is mid-grey (128), +m white, -m
 * black, per channel. Unlike vis_normalize's min-max range, a weight's sign
 * survives: a tile whose red is positive and green negative looks red. */
static void to_bytes_symmetric(uint8_t *out, const Tensor *t)
{
    size_t tile = tensor_size(t) / (size_t)t->n;
    for (int k = 0; k < t->n; k++) {
        const float *v = t->data + (size_t)k * tile;
        float m = 0.0f;
        for (size_t i = 0; i < tile; i++) m = fabsf(v[i]) > m ? fabsf(v[i]) : m;
        for (size_t i = 0; i < tile; i++) {
            float b = m > 0.0f ? 127.5f + 127.5f * v[i] / m : 127.5f;
            out[(size_t)k * tile + i] = (uint8_t)(b < 0.0f ? 0.0f : b > 255.0f ? 255.0f : b + 0.5f);
        }
    }
}

/* t [K, C, H, W] on symmetric ranges, upscaled and tiled, written to path. */
static int render_symmetric(const char *path, const Tensor *t, int scale, int cols)
{
    size_t tile = tensor_size(t) / (size_t)t->n, big = tile * (size_t)scale * (size_t)scale;
    uint8_t *bytes = malloc(tensor_size(t)), *tiles = malloc(big * (size_t)t->n);
    VisImage *img = NULL;
    int rc = bytes && tiles ? 0 : cnn_error("out of memory");
    if (rc == 0) to_bytes_symmetric(bytes, t);
    for (int k = 0; k < t->n && rc == 0; k++)
        rc = vis_upscale(tiles + (size_t)k * big, bytes + (size_t)k * tile, t->c, t->h, t->w, scale);
    if (rc == 0) rc = vis_grid(&img, tiles, t->n, t->c, t->h * scale, t->w * scale, (VisGrid){cols, 3, 255});
    if (rc == 0) rc = vis_image_write(path, img);
    vis_image_free(img);
    free(bytes);
    free(tiles);
    return rc;
}

/* The pattern each filter answers to: patterns [K, C, R, S] = Cov(x) w, the
 * covariance of the R x S patches of images x [N, C, H, W] (every other
 * position inside the images, both ways) times each filter w [K, C, R, S]
 * as a vector of D = C*R*S weights. A filter's answer is y = w . x, and
 * Cov(x, y) = Cov(x) w: this is how the patches that drive y up differ, on
 * average, from the average patch. The weights themselves mix in directions
 * natural images hardly ever take (colour changing from pixel to pixel),
 * which cost the filter nothing and which training barely moves; the
 * covariance weighs each direction by how much images use it. */
static int filter_patterns(Tensor *patterns, const Tensor *x, const Tensor *w)
{
    int D = w->c * w->h * w->w;
    double *sum = calloc((size_t)D, sizeof *sum), *cov = calloc((size_t)D * D, sizeof *cov);
    double *p = malloc((size_t)D * sizeof *p);
    if (!sum || !cov || !p) {
        free(sum);
        free(cov);
        free(p);
        return cnn_error("out of memory");
    }
    long count = 0;
    for (int n = 0; n < x->n; n++)
        for (int h = 0; h + w->h <= x->h; h += 2)
            for (int q = 0; q + w->w <= x->w; q += 2) {
                int d = 0;
                for (int c = 0; c < w->c; c++)
                    for (int i = 0; i < w->h; i++)
                        for (int j = 0; j < w->w; j++) p[d++] = *tensor_at(x, n, c, h + i, q + j);
                for (int a = 0; a < D; a++) {
                    sum[a] += p[a];
                    for (int b = 0; b <= a; b++) cov[a * D + b] += p[a] * p[b];
                }
                count++;
            }
    for (int a = 0; a < D; a++)
        for (int b = 0; b <= a; b++) {
            double v = cov[a * D + b] / (double)count - sum[a] / (double)count * sum[b] / (double)count;
            cov[a * D + b] = cov[b * D + a] = v;
        }
    for (int k = 0; k < w->n; k++) {
        const float *wk = w->data + (size_t)k * D;
        for (int a = 0; a < D; a++) {
            double v = 0.0;
            for (int b = 0; b < D; b++) v += cov[a * D + b] * wk[b];
            patterns->data[(size_t)k * D + a] = (float)v;
        }
    }
    free(sum);
    free(cov);
    free(p);
    return 0;
}

/* conv1's weights [K, C, R, S] as model_init drew them before training:
 * a CNN of the run's shape rebuilt with the run's seed (conv1 is the first
 * layer model_init draws, so only its own shape and the seed matter). The
 * caller frees the result. */
static Tensor *starting_conv1(const char *dir, const Tensor *w, const Tensor *x)
{
    RunSummary s;
    if (run_summary_read(&s, dir) != 0) return NULL;
    Model *m = model_cnn(&layers_naive, x->c, x->h, x->w, w->n, 16, 10, s.seed);
    if (!m) return NULL;
    Tensor *start = m->layers[0].weight ? tensor_clone(m->layers[0].weight->value) : NULL;
    model_free(m);
    if (start && (start->n != w->n || start->c != w->c || start->h != w->h || start->w != w->w)) {
        tensor_free(start);
        return cnn_error("%s: conv1 is not the first 3x3 layer of a CNN", dir), NULL;
    }
    return start;
}

/* The mean over filters of the cosine between a's and b's weights [K, ...]. */
static double mean_cosine(const Tensor *a, const Tensor *b)
{
    size_t D = tensor_size(a) / (size_t)a->n;
    double total = 0.0;
    for (int k = 0; k < a->n; k++) {
        double ab = 0.0, aa = 0.0, bb = 0.0;
        for (size_t i = 0; i < D; i++) {
            double u = a->data[(size_t)k * D + i], v = b->data[(size_t)k * D + i];
            ab += u * v;
            aa += u * u;
            bb += v * v;
        }
        total += aa > 0.0 && bb > 0.0 ? ab / sqrt(aa * bb) : 0.0;
    }
    return total / a->n;
}

static int cmd_weights(char **argv)
{
    Tensor *w = NULL, *start = NULL, *input = NULL, *patterns = NULL;
    Dataset train = {0}, test = {0};
    int rc = -1, scale = atoi(argv[4]), cols = atoi(argv[5]);
    char path[1024], name[1100];
    snprintf(path, sizeof path, "%s/conv1.weight.npy", argv[0]);
    if (!(w = npy_load_tensor(path))) goto done;
    if (dataset_load_split(&train, &test, argv[1], argv[2]) != 0) goto done;
    if (!(start = starting_conv1(argv[0], w, test.images))) goto done;
    if (!(input = standardised(test.images, argv[0])) || !(patterns = tensor_new_like(w))) goto done;
    if (filter_patterns(patterns, input, w) != 0) goto done;
    const char *what[3] = {"start", "trained", "patterns"};
    const Tensor *t[3] = {start, w, patterns};
    for (int i = 0; i < 3; i++) {
        snprintf(name, sizeof name, "%s-%s.%s", argv[3], what[i], ext(w->c));
        if (render_symmetric(name, t[i], scale, cols) != 0) goto done;
    }
    printf("mean cosine between a filter's starting and trained weights: %.2f\n", mean_cosine(start, w));
    rc = 0;
done:
    tensor_free(w);
    tensor_free(start);
    tensor_free(input);
    tensor_free(patterns);
    dataset_free(&train);
    dataset_free(&test);
    return rc == 0 ? 0 : fail("weights");
}

static int cmd_classes(char **argv)
{
    Dataset train = {0}, test = {0};
    int rc = -1;
    char path[1024];
    if (dataset_load_split(&train, &test, argv[0], argv[1]) != 0) goto done;
    for (int k = 0; k < test.classes; k++) {
        int n = first_of_class(&test, k);
        if (n < 0) {
            cnn_error("no test image of class %d", k);
            goto done;
        }
        Tensor x = tensor_batch(test.images, n, 1);
        snprintf(path, sizeof path, "%s-%02d.%s", argv[2], k, ext(x.c));
        if (write_pixels(path, &x) != 0) goto done;
        printf("%s\n", test.class_names[k]);
    }
    rc = 0;
done:
    dataset_free(&train);
    dataset_free(&test);
    return rc == 0 ? 0 : fail("classes");
}

int main(int argc, char **argv)
{
    if (argc < 2) return usage();
    const char *cmd = argv[1];
    if (!strcmp(cmd, "filters") && argc == 6) return cmd_filters(argv + 2);
    if (!strcmp(cmd, "maps") && argc == 9) return cmd_maps(argv + 2);
    if (!strcmp(cmd, "patches") && argc == 10) return cmd_patches(argv + 2);
    if (!strcmp(cmd, "weights") && argc == 8) return cmd_weights(argv + 2);
    if (!strcmp(cmd, "classes") && argc == 5) return cmd_classes(argv + 2);
    return usage();
}
