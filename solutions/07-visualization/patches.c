/* SOLUTION -- the reference; `make skeletons` generates chapters/07-visualization/patches.c from it.
 *
 * patches.c -- chapter 07: the inputs a filter likes best.
 *
 * Zeiler and Fergus (2014) asked each unit of a trained network which image
 * patches make it fire hardest, and showed those patches side by side: a
 * unit's "favourite inputs" say more about it than its weights. For a
 * first-layer filter the answer is cheap to compute: run the filter over
 * every test image, keep each image's strongest response, and rank. See vis.h.
 */
#include "vis.h"

#include "conv.h"
#include "error.h"

#include <stdlib.h>

/* Position of image n's strongest response: the first maximum of map
 * [1, 1, H, W] in row-major order. */
static VisHit best_in_map(const Tensor *map, int n)
{
    VisHit best = {n, 0, 0, map->data[0]};
    for (int h = 0; h < map->h; h++)
        for (int w = 0; w < map->w; w++) {
            float a = map->data[(size_t)h * map->w + w];
            if (a > best.activation) best = (VisHit){n, h, w, a};
        }
    return best;
}

/* Puts candidate into hits[0..*count-1] (kept sorted, largest first, at
 * most topk long) unless it is no better than all topk already kept. */
static void offer(VisHit *hits, int *count, int topk, VisHit candidate)
{
    // TODO 7.5: insert candidate into the sorted list hits[0..*count-1].
    // Hint: walk from the end and shift down every entry that is strictly
    // weaker than the candidate. Strictly: an entry with the SAME activation
    // came from a smaller image index and must stay in front (the tie rule).
    // When the list is full (*count == topk) the last entry falls off, and a
    // candidate weaker than all of them is dropped.
    //>> solution
    int i = *count < topk ? *count : topk - 1;
    if (*count == topk && !(candidate.activation > hits[topk - 1].activation)) return;
    while (i > 0 && hits[i - 1].activation < candidate.activation) {
        hits[i] = hits[i - 1];
        i--;
    }
    hits[i] = candidate;
    if (*count < topk) (*count)++;
    //| (void)hits; (void)topk; (void)candidate;
    //| (void)count;
    //<<
}

int vis_top_patches(VisHit *hits, int topk, const Tensor *x, const Tensor *w, const Tensor *b,
                    int filter)
{
    // x [N, C, H, W], w [K, C, R, S], b [K] or NULL -> hits [topk]
    if (!hits) return cnn_error("vis_top_patches: missing output");
    if (tensor_check_shape(x, "vis_top_patches: images", -1, -1, -1, -1) != 0) return -1;
    if (tensor_check_shape(w, "vis_top_patches: weights", -1, x->c, -1, -1) != 0) return -1;
    if (w->h % 2 == 0 || w->w % 2 == 0)
        return cnn_error("vis_top_patches: kernel %dx%d has no centre (need odd sizes)", w->h,
                         w->w);
    if (b && tensor_check_shape(b, "vis_top_patches: bias", w->n, 1, 1, 1) != 0) return -1;
    if (filter < 0 || filter >= w->n)
        return cnn_error("vis_top_patches: filter %d out of range 0..%d", filter, w->n - 1);
    if (topk < 1 || topk > x->n)
        return cnn_error("vis_top_patches: topk %d out of range 1..%d", topk, x->n);

    /* Views of filter f alone ([1, C, R, S]) and of one image ([1, C, H, W]):
     * both are contiguous blocks, so no copy is needed. */
    Tensor wf = tensor_batch(w, filter, 1), bf, img;
    if (b) bf = tensor_batch(b, filter, 1);
    Tensor *map = tensor_new(1, 1, x->h, x->w);
    if (!map) return cnn_error_context("vis_top_patches");
    Conv2dParams p = {w->h / 2, w->w / 2, 1, 1};
    int count = 0;
    for (int n = 0; n < x->n; n++) {
        img = tensor_batch(x, n, 1);
        if (conv2d_forward(map, &img, &wf, b ? &bf : NULL, p) != 0) {
            tensor_free(map);
            return cnn_error_context("vis_top_patches: image %d", n);
        }
        offer(hits, &count, topk, best_in_map(map, n));
    }
    tensor_free(map);
    return 0;
}

int vis_extract_patch(Tensor *patch, const Tensor *x, VisHit hit)
{
    // x [N, C, H, W], patch [1, C, P, P] (P odd)
    if (tensor_check_shape(x, "vis_extract_patch: images", -1, -1, -1, -1) != 0) return -1;
    if (tensor_check_shape(patch, "vis_extract_patch: patch", 1, x->c, -1, patch->h) != 0)
        return -1;
    if (patch->h % 2 == 0)
        return cnn_error("vis_extract_patch: patch side %d has no centre (need odd)", patch->h);
    if (tensor_check_index(x, "vis_extract_patch: hit", hit.n, 0, hit.h, hit.w) != 0) return -1;
    int half = patch->h / 2;
    // TODO 7.6: copy the P x P window centred on (hit.h, hit.w) of image
    // hit.n, every channel, writing 0 where the window leaves the image.
    // Hint: patch (c, i, j) comes from x (hit.n, c, hit.h - half + i,
    // hit.w - half + j); check both coordinates against 0 and H (or W).
    //>> solution
    for (int c = 0; c < x->c; c++)
        for (int i = 0; i < patch->h; i++)
            for (int j = 0; j < patch->w; j++) {
                int y = hit.h - half + i, xx = hit.w - half + j;
                bool inside = y >= 0 && y < x->h && xx >= 0 && xx < x->w;
                *tensor_at(patch, 0, c, i, j) = inside ? *tensor_at(x, hit.n, c, y, xx) : 0.0f;
            }
    //| (void)half;
    //| tensor_zero(patch);
    //<<
    return 0;
}
