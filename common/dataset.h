/* GIVEN -- read it, don't edit it.
 *
 * dataset.h -- loading the workbook's three image datasets into tensors.
 *
 *   digits         1,797 8x8 grey digits, a gzip CSV shipped in datasets/
 *                  (one image a line: 64 values 0..16, then the label 0..9)
 *   fashion-mnist  70,000 28x28 grey clothing pictures, IDX files (gzip or plain)
 *   cifar10        60,000 32x32 colour photos, the official binary batches
 *
 * Every loader turns pixels into floats in [0, 1] in an [N, C, H, W] tensor
 * and keeps the labels as ints. Every loader checks what it reads: a missing,
 * truncated, mis-shaped or corrupt file fails with -1 and a message naming the
 * file, the problem and what was found (how many bytes, lines or examples;
 * cnn_last_error()), never with partial data. On failure *out is left
 * zeroed, so dataset_free(out) is always safe.
 *
 * Gzip. A file that starts with the gzip magic bytes (1f 8b) is decompressed,
 * any other is read as it is. Several gzip members one after another are
 * read as one stream (as gunzip does), but the file must end where the last
 * member ends: trailing bytes that are not gzip, a member cut off, or a bad
 * CRC-32 or length in a member's trailer fail with a message.
 *
 * Used by chapter 05 (training) and chapter 07 (visualisation); digits is the
 * default everywhere because it ships with the workbook and loads in
 * milliseconds. `make datasets` fetches the other two (datasets/README.md).
 */
#ifndef CNN_DATASET_H
#define CNN_DATASET_H

#include "tensor.h"

typedef struct Dataset {
    Tensor *images;                 /* [N, C, H, W] float32, pixels scaled to [0, 1] */
    int *labels;                    /* [N], each 0 .. classes-1 */
    int count;                      /* N */
    int classes;                    /* 10 for all three datasets */
    char name[32];                  /* "digits", "fashion-mnist", "cifar10" */
    const char *const *class_names; /* static table of `classes` names */
} Dataset;

/* Frees the images and labels and leaves *d zeroed. Safe on a zeroed struct
 * and on NULL. The Dataset struct itself belongs to the caller. */
void dataset_free(Dataset *d);

/* digits: a CSV file (gzip or plain) of 65 integers a line, 64 pixels 0..16
 * in row-major order and the label 0..9 -> images [N, 1, 8, 8] (value / 16). */
int digits_load(Dataset *out, const char *path);

/* IDX ubyte files (gzip or plain), the MNIST format: the images file starts
 * with magic 0x00000803 (unsigned bytes, 3 dimensions) and the big-endian
 * dimensions N, H, W; the labels file with 0x00000801 and N. The two files
 * must agree on N, each must hold exactly the bytes its header promises
 * (nothing missing, nothing extra), and labels must be 0..9.
 * -> images [N, 1, H, W] (value / 255). name becomes out->name
 * ("fashion-mnist" gets the clothing class names, anything else "0".."9"). */
int idx_load(Dataset *out, const char *images_path, const char *labels_path, const char *name);

/* CIFAR-10 binary batches: each file is a sequence of 3,073-byte records,
 * 1 label byte (0..9) then 3,072 pixel bytes (the 32x32 red plane, then
 * green, then blue, each row-major). The files are concatenated in the order
 * given -> images [N, 3, 32, 32] (value / 255). */
int cifar10_load_batches(Dataset *out, const char *const *paths, int npaths);

/* The fixed train/test split of a named dataset under datasets_dir:
 *   "digits"         datasets_dir/digits.csv.gz, shuffled with rng seed 0:
 *                    the first 4/5 (1,437) train, the other 360 test
 *   "fashion-mnist"  datasets_dir/fashion-mnist/{train,t10k}-{images-idx3,
 *                    labels-idx1}-ubyte.gz: 60,000 train / 10,000 test
 *   "cifar10"        datasets_dir/cifar-10-batches-bin/data_batch_1..5.bin
 *                    and test_batch.bin: 50,000 train / 10,000 test
 * A dataset that is not there fails with a message saying to run
 * `make datasets`; a digits file of fewer than 2 examples cannot be split.
 * Before it succeeds, every split passes dataset_check_split(): so a test
 * set whose images differ in shape from the train images (a wrong or
 * half-replaced download) fails here, naming both files and both shapes,
 * instead of crashing the program that runs one set through a model sized
 * for the other. On failure both *train and *test are left zeroed (nothing
 * partial, nothing leaked). */
int dataset_load_split(Dataset *train, Dataset *test, const char *name, const char *datasets_dir);

/* Checks that train and test can be used together: each holds at least one
 * example and as many labels as images; both have the same image shape
 * (C, H, W) and the same number of classes; every label is in
 * 0..classes-1. train_file and test_file name the two sets in the message
 * (e.g. the images files), as in
 *     fm/t10k-images-idx3-ubyte.gz: the test images are 1x20x20 but the train
 *     images (fm/train-images-idx3-ubyte.gz) are 1x28x28: the two sets must agree
 * Returns 0, or -1 with that message; reads the sets, never changes them. */
int dataset_check_split(const Dataset *train, const Dataset *test, const char *train_file,
                        const char *test_file);

/* out = copies of the `count` examples src[idx[0]], ..., src[idx[count-1]]
 * (an index may repeat). Fails when count < 1 or an index is out of range. */
int dataset_gather(Dataset *out, const Dataset *src, const int *idx, int count);

#endif
