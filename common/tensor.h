/* GIVEN -- read it, don't edit it.
 *
 * tensor.h -- the NCHW float32 tensor every chapter works on.
 *
 * Dimension legend, used in every shape comment of the workbook:
 *
 *     N  batch size (images in a mini-batch)
 *     C  input channels (3 for RGB, 1 for grey; C_in in the lessons)
 *     H  height, W  width of an input map
 *     K  output channels = number of filters (C_out)
 *     R  kernel height, S  kernel width
 *     P  output height, Q  output width
 *     D  features of a flattened vector (D = C*H*W), M units of a dense layer
 *
 * Layout. A tensor of shape [N, C, H, W] stores element (n, c, h, w) at
 *
 *     data[((n * C + c) * H + h) * W + w]
 *
 * so w moves fastest and a whole image n is one contiguous block of C*H*W
 * floats. Matrices and vectors are tensors with trailing dimensions of 1:
 * a dense weight [M, D] has shape [M, D, 1, 1] and ndim 2, a bias [M] has
 * ndim 1. ndim only matters when a tensor is saved (it is the .npy shape).
 *
 * Ownership. tensor_new* allocates and the caller frees with tensor_free()
 * (which accepts NULL). A view (tensor_view) borrows another tensor's data:
 * it must not outlive it, and tensor_free on a view frees nothing but the
 * view itself. All data is 64-byte aligned so chapter 06 can vectorise.
 */
#ifndef CNN_TENSOR_H
#define CNN_TENSOR_H

#include <stdbool.h>
#include <stddef.h>

typedef struct Tensor {
    float *data;
    int ndim;                       /* 1..4: the shape saved to .npy */
    union {
        struct { int n, c, h, w; }; /* dimensions; unused ones are 1 */
        int dim[4];
    };
    bool owns_data;                 /* false for views */
} Tensor;

/* A new zero-filled tensor of shape [n, c, h, w] (ndim 4), or NULL with an
 * error when a dimension is not positive or memory runs out. */
Tensor *tensor_new(int n, int c, int h, int w);

/* A new zero-filled tensor with ndim (1..4) dimensions dims[0..ndim-1];
 * missing trailing dimensions are 1. */
Tensor *tensor_new_nd(int ndim, const int *dims);

/* A new tensor with the same shape (and ndim) as t, zero-filled. */
Tensor *tensor_new_like(const Tensor *t);

/* A new tensor holding a copy of t's shape and data. */
Tensor *tensor_clone(const Tensor *t);

/* Frees t and, unless t is a view, its data. NULL is fine. */
void tensor_free(Tensor *t);

/* Number of elements: n * c * h * w. */
size_t tensor_size(const Tensor *t);

void tensor_zero(Tensor *t);
void tensor_fill(Tensor *t, float value);

/* Copies src's data into dst. Fails (-1) unless both have the same size. */
int tensor_copy(Tensor *dst, const Tensor *src);

/* Fills *view with a tensor of shape [n, c, h, w] that shares src's data:
 * flatten is a view [N, C*H*W, 1, 1] (ndim 2) of [N, C, H, W], unflatten the
 * reverse. No element moves: NCHW is already "flattened" in memory. Fails
 * (-1) when the element counts differ. The view must not outlive src. */
int tensor_view(Tensor *view, const Tensor *src, int ndim, int n, int c, int h, int w);

/* A view of the images [start, start + count) of t [N, C, H, W] (or of the
 * rows of a matrix [N, M]): same C, H, W and ndim, no copy, valid while t
 * lives (never free its data). The range must lie inside t; a batch of a
 * dataset and one image (count 1) are both this. */
Tensor tensor_batch(const Tensor *t, int start, int count);

/* Offset of element (n, c, h, w): the one index formula of the workbook. */
static inline size_t tensor_index(const Tensor *t, int n, int c, int h, int w)
{
    return (((size_t)n * (size_t)t->c + (size_t)c) * (size_t)t->h + (size_t)h) * (size_t)t->w + (size_t)w;
}

/* Pointer to element (n, c, h, w). No bounds check: see tensor_check_index. */
static inline float *tensor_at(const Tensor *t, int n, int c, int h, int w)
{
    return t->data + tensor_index(t, n, c, h, w);
}

/* Pointer to image n: a contiguous block of C*H*W floats. */
static inline float *tensor_image(const Tensor *t, int n)
{
    return t->data + (size_t)n * (size_t)t->c * (size_t)t->h * (size_t)t->w;
}

/* Checks that t has shape [n, c, h, w]; a negative value matches any size.
 * On mismatch returns -1 with "name: expected shape [2,3,*,*], got [2,1,5,5]".
 * A NULL tensor is reported as missing. */
int tensor_check_shape(const Tensor *t, const char *name, int n, int c, int h, int w);

/* Checks 0 <= n < N etc.; -1 with a message naming the bad index otherwise. */
int tensor_check_index(const Tensor *t, const char *name, int n, int c, int h, int w);

/* Writes "[2,3,32,32]" (the first ndim dimensions) into buf and returns it. */
const char *tensor_shape_str(const Tensor *t, char *buf, size_t bufsize);

/* Smallest and largest element. */
void tensor_minmax(const Tensor *t, float *min, float *max);

#endif
