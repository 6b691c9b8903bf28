/* GIVEN -- read it, don't edit it.
 *
 * onednn_peer.c -- oneDNN's convolution as a benchmark peer (see
 * onednn_peer.h). Compiled to nothing unless the build found oneDNN. */
#ifdef HAVE_DNNL
#include "onednn_peer.h"

#include "error.h"

#include <dnnl.h>
#include <dnnl_debug.h> /* dnnl_status2str */
#include <stdio.h>
#include <stdlib.h>

struct OnednnConv {
    dnnl_engine_t engine;
    dnnl_stream_t stream;
    dnnl_primitive_t conv, dst_to_nchw;
    dnnl_memory_t src, weights, bias, dst, dst_nchw;
    char describe[160];
};

/* Every oneDNN call returns a status; turn a failure into our error. */
#define DNNL_TRY(call)                                                                             \
    do {                                                                                           \
        dnnl_status_t st_ = (call);                                                                \
        if (st_ != dnnl_success) {                                                                 \
            cnn_error("oneDNN: %s failed: %s", #call, dnnl_status2str(st_));                       \
            goto fail;                                                                             \
        }                                                                                          \
    } while (0)

/* Copies user memory (plain layout, at handle) into a new memory object of
 * layout md, owned by the engine. */
static int reorder_into(dnnl_memory_t *out, const dnnl_memory_desc_t *user_md, void *handle,
                        const dnnl_memory_desc_t *md, dnnl_engine_t engine, dnnl_stream_t stream)
{
    dnnl_memory_t user = NULL;
    dnnl_primitive_desc_t rpd = NULL;
    dnnl_primitive_t r = NULL;
    *out = NULL;
    DNNL_TRY(dnnl_memory_create(&user, user_md, engine, handle));
    DNNL_TRY(dnnl_memory_create(out, md, engine, DNNL_MEMORY_ALLOCATE));
    DNNL_TRY(dnnl_reorder_primitive_desc_create(&rpd, user_md, engine, md, engine, NULL));
    DNNL_TRY(dnnl_primitive_create(&r, rpd));
    dnnl_exec_arg_t args[] = {{DNNL_ARG_FROM, user}, {DNNL_ARG_TO, *out}};
    DNNL_TRY(dnnl_primitive_execute(r, stream, 2, args));
    DNNL_TRY(dnnl_stream_wait(stream));
    dnnl_primitive_destroy(r);
    dnnl_primitive_desc_destroy(rpd);
    dnnl_memory_destroy(user);
    return 0;
fail:
    if (r) dnnl_primitive_destroy(r);
    if (rpd) dnnl_primitive_desc_destroy(rpd);
    if (user) dnnl_memory_destroy(user);
    if (*out) dnnl_memory_destroy(*out);
    *out = NULL;
    return -1;
}

/* The name of an image layout oneDNN picked, among the usual ones. */
static const char *layout_name(const dnnl_memory_desc_t *md, const dnnl_dims_t dims)
{
    static const struct {
        dnnl_format_tag_t tag;
        const char *name;
    } known[] = {{dnnl_nchw, "NCHW"},
                 {dnnl_nhwc, "NHWC (channels last)"},
                 {dnnl_nChw8c, "nChw8c (8 channels per pixel, blocked)"},
                 {dnnl_nChw16c, "nChw16c (16 channels per pixel, blocked)"}};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        dnnl_memory_desc_t t;
        if (dnnl_memory_desc_init_by_tag(&t, 4, dims, dnnl_f32, known[i].tag) == dnnl_success &&
            dnnl_memory_desc_equal(&t, md))
            return known[i].name;
    }
    return "another blocked layout";
}

OnednnConv *onednn_conv_new(const Tensor *x, const Tensor *w, const Tensor *b, Conv2dParams p)
{
    int P = conv_output_size(x->h, w->h, p.pad_h, p.stride_h);
    int Q = conv_output_size(x->w, w->w, p.pad_w, p.stride_w);
    if (P < 1 || Q < 1) return NULL;
    OnednnConv *c = calloc(1, sizeof *c);
    if (!c) {
        cnn_error("oneDNN peer: out of memory");
        return NULL;
    }
    dnnl_primitive_desc_t pd = NULL, rpd = NULL;
    dnnl_dims_t src_dims = {x->n, x->c, x->h, x->w}, w_dims = {w->n, w->c, w->h, w->w},
                b_dims = {w->n}, dst_dims = {x->n, w->n, P, Q};
    dnnl_dims_t strides = {p.stride_h, p.stride_w}, pad = {p.pad_h, p.pad_w};
    dnnl_memory_desc_t src_user, w_user, b_md, dst_user, src_any, w_any, dst_any;
    DNNL_TRY(dnnl_engine_create(&c->engine, dnnl_cpu, 0));
    DNNL_TRY(dnnl_stream_create(&c->stream, c->engine, dnnl_stream_default_flags));
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&src_user, 4, src_dims, dnnl_f32, dnnl_nchw));
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&w_user, 4, w_dims, dnnl_f32, dnnl_oihw));
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&b_md, 1, b_dims, dnnl_f32, dnnl_x));
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&dst_user, 4, dst_dims, dnnl_f32, dnnl_nchw));
    /* "any": oneDNN chooses the layouts its fastest implementation wants. */
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&src_any, 4, src_dims, dnnl_f32, dnnl_format_tag_any));
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&w_any, 4, w_dims, dnnl_f32, dnnl_format_tag_any));
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&dst_any, 4, dst_dims, dnnl_f32, dnnl_format_tag_any));
    dnnl_convolution_desc_t cd;
    DNNL_TRY(dnnl_convolution_forward_desc_init(&cd, dnnl_forward_inference, dnnl_convolution_direct, &src_any,
                                                &w_any, &b_md, &dst_any, strides, pad, pad));
    DNNL_TRY(dnnl_primitive_desc_create(&pd, &cd, NULL, c->engine, NULL));
    DNNL_TRY(dnnl_primitive_create(&c->conv, pd));

    const dnnl_memory_desc_t *src_md = dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0);
    const dnnl_memory_desc_t *w_md = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    const dnnl_memory_desc_t *dst_md = dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
    if (reorder_into(&c->src, &src_user, x->data, src_md, c->engine, c->stream) != 0 ||
        reorder_into(&c->weights, &w_user, w->data, w_md, c->engine, c->stream) != 0 ||
        reorder_into(&c->bias, &b_md, b->data, &b_md, c->engine, c->stream) != 0)
        goto fail;
    DNNL_TRY(dnnl_memory_create(&c->dst, dst_md, c->engine, DNNL_MEMORY_ALLOCATE));
    DNNL_TRY(dnnl_memory_create(&c->dst_nchw, &dst_user, c->engine, DNNL_MEMORY_NONE));
    DNNL_TRY(dnnl_reorder_primitive_desc_create(&rpd, dst_md, c->engine, &dst_user, c->engine, NULL));
    DNNL_TRY(dnnl_primitive_create(&c->dst_to_nchw, rpd));

    const char *impl = "?";
    dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl);
    snprintf(c->describe, sizeof c->describe, "%s, images as %s", impl, layout_name(src_md, src_dims));
    dnnl_primitive_desc_destroy(rpd);
    dnnl_primitive_desc_destroy(pd);
    return c;
fail:
    if (rpd) dnnl_primitive_desc_destroy(rpd);
    if (pd) dnnl_primitive_desc_destroy(pd);
    onednn_conv_free(c);
    return NULL;
}

int onednn_conv_run(OnednnConv *c)
{
    dnnl_exec_arg_t args[] = {{DNNL_ARG_SRC, c->src},
                              {DNNL_ARG_WEIGHTS, c->weights},
                              {DNNL_ARG_BIAS, c->bias},
                              {DNNL_ARG_DST, c->dst}};
    DNNL_TRY(dnnl_primitive_execute(c->conv, c->stream, 4, args));
    DNNL_TRY(dnnl_stream_wait(c->stream));
    return 0;
fail:
    return -1;
}

int onednn_conv_result(OnednnConv *c, Tensor *y)
{
    DNNL_TRY(dnnl_memory_set_data_handle(c->dst_nchw, y->data));
    dnnl_exec_arg_t args[] = {{DNNL_ARG_FROM, c->dst}, {DNNL_ARG_TO, c->dst_nchw}};
    DNNL_TRY(dnnl_primitive_execute(c->dst_to_nchw, c->stream, 2, args));
    DNNL_TRY(dnnl_stream_wait(c->stream));
    return 0;
fail:
    return -1;
}

const char *onednn_conv_describe(const OnednnConv *c) { return c->describe; }

const char *onednn_version_string(void)
{
    static char text[32];
    const dnnl_version_t *v = dnnl_version();
    snprintf(text, sizeof text, "%d.%d.%d", v->major, v->minor, v->patch);
    return text;
}

void onednn_conv_free(OnednnConv *c)
{
    if (!c) return;
    if (c->conv) dnnl_primitive_destroy(c->conv);
    if (c->dst_to_nchw) dnnl_primitive_destroy(c->dst_to_nchw);
    dnnl_memory_t mems[] = {c->src, c->weights, c->bias, c->dst, c->dst_nchw};
    for (size_t i = 0; i < sizeof mems / sizeof mems[0]; i++)
        if (mems[i]) dnnl_memory_destroy(mems[i]);
    if (c->stream) dnnl_stream_destroy(c->stream);
    if (c->engine) dnnl_engine_destroy(c->engine);
    free(c);
}
#endif
