/* GIVEN -- read it, don't edit it.
 *
 * tensor.c -- allocation, views and shape checks for NCHW tensors. */
#include "tensor.h"

#include "error.h"
#include "memory.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { TENSOR_ALIGNMENT = 64 };

/* Allocates a zeroed, 64-byte aligned block of count floats. */
static float *alloc_floats(size_t count)
{
    size_t bytes = count * sizeof(float);
    /* Whole cache lines, except under AddressSanitizer (memory.h: there a
     * tensor ends where its last float does, so reads past it are caught). */
    if (!MEMORY_EXACT) bytes = (bytes + TENSOR_ALIGNMENT - 1) / TENSOR_ALIGNMENT * TENSOR_ALIGNMENT;
    float *p = memory_alloc_aligned(bytes); /* TENSOR_ALIGNMENT bytes, see memory.h */
    if (p) memset(p, 0, bytes);
    return p;
}

Tensor *tensor_new_nd(int ndim, const int *dims)
{
    if (ndim < 1 || ndim > 4)
        return cnn_error("tensor_new: %d dimensions requested, the workbook supports 1 to 4", ndim), NULL;
    int d[4] = {1, 1, 1, 1};
    size_t count = 1;
    for (int i = 0; i < ndim; i++) {
        if (dims[i] <= 0)
            return cnn_error("tensor_new: dimension %d is %d, but every dimension must be at least 1", i, dims[i]), NULL;
        if (count > SIZE_MAX / sizeof(float) / (size_t)dims[i])
            return cnn_error("tensor_new: shape is too large to allocate"), NULL;
        d[i] = dims[i];
        count *= (size_t)dims[i];
    }
    Tensor *t = malloc(sizeof *t);
    float *data = alloc_floats(count);
    if (!t || !data) {
        free(t);
        memory_free_aligned(data);
        return cnn_error("tensor_new: out of memory for %zu floats", count), NULL;
    }
    t->data = data;
    t->ndim = ndim;
    memcpy(t->dim, d, sizeof d);
    t->owns_data = true;
    return t;
}

Tensor *tensor_new(int n, int c, int h, int w)
{
    int dims[4] = {n, c, h, w};
    return tensor_new_nd(4, dims);
}

Tensor *tensor_new_like(const Tensor *t)
{
    return tensor_new_nd(t->ndim, t->dim);
}

Tensor *tensor_clone(const Tensor *t)
{
    Tensor *copy = tensor_new_like(t);
    if (copy) memcpy(copy->data, t->data, tensor_size(t) * sizeof(float));
    return copy;
}

void tensor_free(Tensor *t)
{
    if (!t) return;
    if (t->owns_data) memory_free_aligned(t->data);
    free(t);
}

size_t tensor_size(const Tensor *t)
{
    return (size_t)t->n * (size_t)t->c * (size_t)t->h * (size_t)t->w;
}

void tensor_zero(Tensor *t)
{
    memset(t->data, 0, tensor_size(t) * sizeof(float));
}

void tensor_fill(Tensor *t, float value)
{
    size_t size = tensor_size(t);
    for (size_t i = 0; i < size; i++) t->data[i] = value;
}

int tensor_copy(Tensor *dst, const Tensor *src)
{
    if (tensor_size(dst) != tensor_size(src)) {
        char a[64], b[64];
        return cnn_error("tensor_copy: destination %s and source %s differ in size",
                         tensor_shape_str(dst, a, sizeof a), tensor_shape_str(src, b, sizeof b));
    }
    memmove(dst->data, src->data, tensor_size(src) * sizeof(float));
    return 0;
}

int tensor_view(Tensor *view, const Tensor *src, int ndim, int n, int c, int h, int w)
{
    if (ndim < 1 || ndim > 4 || n < 1 || c < 1 || h < 1 || w < 1)
        return cnn_error("tensor_view: invalid shape [%d,%d,%d,%d] (ndim %d)", n, c, h, w, ndim);
    size_t count = (size_t)n * (size_t)c * (size_t)h * (size_t)w;
    if (count != tensor_size(src)) {
        char buf[64];
        return cnn_error("tensor_view: cannot view %s (%zu elements) as [%d,%d,%d,%d] (%zu elements)",
                         tensor_shape_str(src, buf, sizeof buf), tensor_size(src), n, c, h, w, count);
    }
    view->data = src->data;
    view->ndim = ndim;
    view->n = n;
    view->c = c;
    view->h = h;
    view->w = w;
    view->owns_data = false;
    return 0;
}

const char *tensor_shape_str(const Tensor *t, char *buf, size_t bufsize)
{
    size_t used = 0;
    int ndim = t->ndim < 1 || t->ndim > 4 ? 4 : t->ndim;
    used += (size_t)snprintf(buf, bufsize, "[");
    for (int i = 0; i < ndim && used < bufsize; i++)
        used += (size_t)snprintf(buf + used, bufsize - used, i ? ",%d" : "%d", t->dim[i]);
    if (used < bufsize) snprintf(buf + used, bufsize - used, "]");
    return buf;
}

int tensor_check_shape(const Tensor *t, const char *name, int n, int c, int h, int w)
{
    if (!t || !t->data) return cnn_error("%s: tensor is missing (NULL)", name);
    int want[4] = {n, c, h, w};
    for (int i = 0; i < 4; i++) {
        if (want[i] >= 0 && t->dim[i] != want[i]) {
            char expected[64] = "[", got[64];
            for (int j = 0; j < 4; j++) {
                char part[16];
                if (want[j] >= 0) snprintf(part, sizeof part, j ? ",%d" : "%d", want[j]);
                else snprintf(part, sizeof part, j ? ",*" : "*");
                strcat(expected, part);
            }
            strcat(expected, "]");
            Tensor as4 = *t;
            as4.ndim = 4;
            return cnn_error("%s: expected shape %s, got %s", name, expected,
                             tensor_shape_str(&as4, got, sizeof got));
        }
    }
    return 0;
}

int tensor_check_index(const Tensor *t, const char *name, int n, int c, int h, int w)
{
    int idx[4] = {n, c, h, w};
    static const char *axis = "nchw";
    for (int i = 0; i < 4; i++)
        if (idx[i] < 0 || idx[i] >= t->dim[i])
            return cnn_error("%s: index (%d,%d,%d,%d) is out of range: %c=%d but the size is %d",
                             name, n, c, h, w, axis[i], idx[i], t->dim[i]);
    return 0;
}

void tensor_minmax(const Tensor *t, float *min, float *max)
{
    size_t size = tensor_size(t);
    float lo = t->data[0], hi = t->data[0];
    for (size_t i = 1; i < size; i++) {
        if (t->data[i] < lo) lo = t->data[i];
        if (t->data[i] > hi) hi = t->data[i];
    }
    if (min) *min = lo;
    if (max) *max = hi;
}

Tensor tensor_batch(const Tensor *t, int start, int count)
{
    Tensor view = *t;
    view.data = t->data + (size_t)start * (tensor_size(t) / (size_t)(t->n > 0 ? t->n : 1));
    view.n = count;
    view.owns_data = false;
    return view;
}
