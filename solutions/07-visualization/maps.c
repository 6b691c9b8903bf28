/* SOLUTION -- the reference; `make skeletons` generates chapters/07-visualization/maps.c from it.
 *
 * maps.c -- chapter 07: what the first layer sees in one image.
 *
 * A feature map is a first-layer filter's answer at every position of the
 * input. With "same" padding and stride 1 map k is as big as the input and
 * pixel (h, w) of it answers the neighbourhood of input pixel (h, w): the
 * layout survives, which is why the maps look like ghostly copies of the
 * image. Uses chapter 03's conv2d_forward. See vis.h.
 */
#include "vis.h"

#include "conv.h"
#include "error.h"

int vis_feature_maps(Tensor *maps, const Tensor *x, const Tensor *w, const Tensor *b, bool relu)
{
    // x [1, C, H, W], w [K, C, R, S], b [K] or NULL -> maps [1, K, H, W]
    if (tensor_check_shape(x, "vis_feature_maps: input", 1, -1, -1, -1) != 0) return -1;
    if (tensor_check_shape(w, "vis_feature_maps: weights", -1, x->c, -1, -1) != 0) return -1;
    if (w->h % 2 == 0 || w->w % 2 == 0)
        return cnn_error("vis_feature_maps: kernel %dx%d has no centre (need odd sizes)", w->h,
                         w->w);
    if (b && tensor_check_shape(b, "vis_feature_maps: bias", w->n, 1, 1, 1) != 0) return -1;
    if (tensor_check_shape(maps, "vis_feature_maps: maps", 1, w->n, x->h, x->w) != 0) return -1;
    // TODO 7.4: run the layer with "same" padding (pad R/2 rows and S/2
    // columns, stride 1) so the maps keep the input's size, then apply ReLU
    // (negative -> 0) if relu is true.
    // Hint: chapter 03's conv2d_forward(y, x, w, b, params) does the work;
    // Conv2dParams is {pad_h, pad_w, stride_h, stride_w}.
    //>> solution
    Conv2dParams p = {w->h / 2, w->w / 2, 1, 1};
    if (conv2d_forward(maps, x, w, b, p) != 0) return cnn_error_context("vis_feature_maps");
    if (relu) {
        size_t n = tensor_size(maps);
        for (size_t i = 0; i < n; i++)
            if (maps->data[i] < 0.0f) maps->data[i] = 0.0f;
    }
    //| (void)relu;
    //| tensor_zero(maps);
    //<<
    return 0;
}
