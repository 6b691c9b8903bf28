/* GIVEN -- read it, don't edit it.
 *
 * npy.h -- reading and writing NumPy's .npy files.
 *
 * Every tensor the workbook saves (reference outputs made by PyTorch, trained
 * weights, feature maps) is an .npy file, so that `np.load("x.npy")` opens it
 * in Python and the C code opens what Python wrote. Used from chapter 01 on.
 *
 * The format. A file is
 *
 *     "\x93NUMPY" major minor   magic and version (1.0, or 2.0 for long headers)
 *     header length             uint16 little-endian (uint32 in version 2.0)
 *     header                    a Python dict literal, padded with spaces and
 *                               ended by '\n' so the data starts at a multiple
 *                               of 64 bytes:
 *         {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
 *     data                      count * itemsize bytes, C (row-major) order
 *
 * Limits. dtypes float32 ('<f4'), uint8 ('|u1') and int32 ('<i4');
 * little-endian data in C order; 0 to 8 dimensions. Anything else (float64,
 * big-endian, Fortran order, a truncated file, bytes after the data, ...) is
 * rejected with a message naming the file and the problem; no reader ever
 * returns partial data as success. The host must be little-endian (x86-64,
 * arm64: every machine the workbook targets), which is checked at run time.
 * Files are written exactly as NumPy writes them (version 1.0, byte for byte).
 */
#ifndef CNN_NPY_H
#define CNN_NPY_H

#include "tensor.h"

#include <stddef.h>
#include <stdint.h>

enum { NPY_MAX_DIMS = 8 };

typedef enum { NPY_F32, NPY_U8, NPY_I32 } NpyDtype;

/* An array of any supported dtype. data holds count elements (count is the
 * product of the shape; 1 for ndim 0) and is owned by the array. */
typedef struct NpyArray {
    NpyDtype dtype;
    int ndim;
    int64_t shape[NPY_MAX_DIMS];
    void *data;
    size_t count;
} NpyArray;

/* Frees a->data and zeroes *a. Safe on a zeroed array and on NULL. */
void npy_array_free(NpyArray *a);

/* Bytes per element of dtype (4, 1, 4), and its .npy name ("<f4", ...). */
size_t npy_dtype_size(NpyDtype dtype);
const char *npy_dtype_descr(NpyDtype dtype);

/* Reads path into *out (which the caller later frees with npy_array_free).
 * Returns 0, or -1 with an error and *out zeroed. */
int npy_read(NpyArray *out, const char *path);

/* Writes an array of ndim (0..8) dimensions shape[0..ndim-1] from data
 * (C order, product(shape) elements). Returns 0, or -1 with an error; a
 * failed write may leave an incomplete file behind, which npy_read rejects. */
int npy_write(const char *path, NpyDtype dtype, int ndim, const int64_t *shape, const void *data);

/* Loads a float32 array of 1 to 4 dimensions as a tensor with the same ndim
 * (missing trailing dimensions are 1): [M, D] becomes [M, D, 1, 1], ndim 2.
 * The caller frees the result with tensor_free. NULL with an error on failure. */
Tensor *npy_load_tensor(const char *path);

/* Saves t as float32 with its first t->ndim dimensions as the shape. */
int npy_save_tensor(const char *path, const Tensor *t);

#endif
