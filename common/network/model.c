/* GIVEN -- read it, don't edit it. Part of common/network/.
 *
 * model.c -- layers chained into a network: building, forward, backward,
 * saving. See model.h. */
#include "model.h"

#include "error.h"
#include "npy.h"
#include "rng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Batch norm's constants, PyTorch's defaults (BatchNorm2d's eps and
 * momentum). */
#define BATCHNORM_EPS 1e-5f
#define BATCHNORM_MOMENTUM 0.1f

Model *model_new(const LayerOps *ops, const char *name, int C, int H, int W)
{
    if (!ops) return cnn_error("model_new: no table of layer operations (layers_naive or layers_fast)"), NULL;
    if (C < 1 || H < 1 || W < 1)
        return cnn_error("model_new: input shape [%d,%d,%d] must be positive", C, H, W), NULL;
    Model *m = calloc(1, sizeof *m);
    if (!m) return cnn_error("model_new: out of memory"), NULL;
    m->ops = ops;
    snprintf(m->name, sizeof m->name, "%s", name);
    m->in[0] = C;
    m->in[1] = H;
    m->in[2] = W;
    return m;
}

/* A batch norm's statistics are the layer's own, not batch buffers. */
static void layer_free_stats(Layer *l)
{
    tensor_free(l->running_mean);
    tensor_free(l->running_var);
    tensor_free(l->save_mean);
    tensor_free(l->save_invstd);
}

static void layer_free_buffers(Layer *l)
{
    tensor_free(l->y_store);
    tensor_free(l->dy_store);
    free(l->argmax);
    l->y_store = l->dy_store = NULL;
    l->argmax = NULL;
}

void model_free(Model *m)
{
    if (!m) return;
    for (int i = 0; i < m->nlayers; i++) {
        layer_free_buffers(&m->layers[i]);
        layer_free_stats(&m->layers[i]);
    }
    for (int i = 0; i < m->nparams; i++) {
        tensor_free(m->params[i].value);
        tensor_free(m->params[i].grad);
        tensor_free(m->params[i].velocity);
    }
    free(m);
}

/* The next free layer, its input shape set from the previous layer's output. */
static Layer *layer_append(Model *m, LayerKind kind, const char *name)
{
    if (m->nlayers == MODEL_MAX_LAYERS)
        return cnn_error("model: more than %d layers", MODEL_MAX_LAYERS), NULL;
    if (m->capacity > 0)
        return cnn_error("model: layers must be added before the first forward pass"), NULL;
    Layer *l = &m->layers[m->nlayers];
    memset(l, 0, sizeof *l);
    l->kind = kind;
    snprintf(l->name, sizeof l->name, "%s", name);
    const int *in = m->nlayers ? m->layers[m->nlayers - 1].out : m->in;
    memcpy(l->in, in, sizeof l->in);
    return l;
}

static Param *param_new(Model *m, const char *layer, const char *what, int ndim, const int *dims,
                        bool decay)
{
    Param *p = &m->params[m->nparams];
    snprintf(p->name, sizeof p->name, "%s.%s", layer, what);
    p->value = tensor_new_nd(ndim, dims);
    p->grad = tensor_new_nd(ndim, dims);
    p->velocity = tensor_new_nd(ndim, dims);
    p->decay = decay;
    if (!p->value || !p->grad || !p->velocity) {
        tensor_free(p->value);
        tensor_free(p->grad);
        tensor_free(p->velocity);
        memset(p, 0, sizeof *p);
        return NULL;
    }
    m->nparams++;
    return p;
}

static int add_conv(Model *m, const char *name, int K, int size, int pad, int stride, bool bias)
{
    Layer *l = layer_append(m, LAYER_CONV, name);
    if (!l) return -1;
    l->conv = (Conv2dParams){.pad_h = pad, .pad_w = pad, .stride_h = stride, .stride_w = stride};
    int P = conv_output_size(l->in[1], size, pad, stride);
    int Q = conv_output_size(l->in[2], size, pad, stride);
    if (K < 1 || P < 1 || Q < 1) return cnn_error_context("model %s: layer %s", m->name, name);
    int wd[4] = {K, l->in[0], size, size}, bd[1] = {K};
    l->weight = param_new(m, name, "weight", 4, wd, true);
    l->bias = l->weight && bias ? param_new(m, name, "bias", 1, bd, false) : NULL;
    if (!l->weight || (bias && !l->bias)) return cnn_error_context("model %s: layer %s", m->name, name);
    l->out[0] = K;
    l->out[1] = P;
    l->out[2] = Q;
    m->nlayers++;
    return 0;
}

int model_add_conv(Model *m, const char *name, int K, int size, int pad, int stride)
{
    return add_conv(m, name, K, size, pad, stride, true);
}

int model_add_conv_nobias(Model *m, const char *name, int K, int size, int pad, int stride)
{
    return add_conv(m, name, K, size, pad, stride, false);
}

int model_add_batchnorm(Model *m, const char *name)
{
    if (!m->ops->batchnorm_forward_train || !m->ops->batchnorm_forward_eval || !m->ops->batchnorm_backward)
        return cnn_error("model %s: layer %s: the %s layer table has no batch norm (chapter 08: "
                         "layers_with_batchnorm in layers_batchnorm.h)", m->name, name, m->ops->name);
    Layer *l = layer_append(m, LAYER_BATCHNORM, name);
    if (!l) return -1;
    int cd[1] = {l->in[0]};
    l->weight = param_new(m, name, "weight", 1, cd, false);
    l->bias = l->weight ? param_new(m, name, "bias", 1, cd, false) : NULL;
    l->running_mean = tensor_new_nd(1, cd);
    l->running_var = tensor_new_nd(1, cd);
    l->save_mean = tensor_new_nd(1, cd);
    l->save_invstd = tensor_new_nd(1, cd);
    if (!l->bias || !l->running_mean || !l->running_var || !l->save_mean || !l->save_invstd) {
        layer_free_stats(l);
        return cnn_error("model %s: layer %s: out of memory", m->name, name);
    }
    tensor_fill(l->weight->value, 1.0f);
    tensor_fill(l->running_var, 1.0f);
    memcpy(l->out, l->in, sizeof l->out);
    m->nlayers++;
    return 0;
}

void model_set_inference(Model *m, bool inference) { m->inference = inference; }

int model_add_relu(Model *m)
{
    char name[16];
    snprintf(name, sizeof name, "relu%d", m->nlayers + 1);
    Layer *l = layer_append(m, LAYER_RELU, name);
    if (!l) return -1;
    memcpy(l->out, l->in, sizeof l->out);
    m->nlayers++;
    return 0;
}

static int add_pool(Model *m, LayerKind kind, int window, int stride)
{
    char name[16];
    snprintf(name, sizeof name, "pool%d", m->nlayers + 1);
    Layer *l = layer_append(m, kind, name);
    if (!l) return -1;
    l->pool = (Pool2dParams){.window_h = window, .window_w = window, .stride_h = stride, .stride_w = stride};
    int P, Q;
    if (pool2d_output_shape(&P, &Q, l->in[1], l->in[2], l->pool) != 0)
        return cnn_error_context("model %s: layer %s", m->name, name);
    l->out[0] = l->in[0];
    l->out[1] = P;
    l->out[2] = Q;
    m->nlayers++;
    return 0;
}

int model_add_maxpool(Model *m, int window, int stride) { return add_pool(m, LAYER_MAXPOOL, window, stride); }
int model_add_avgpool(Model *m, int window, int stride) { return add_pool(m, LAYER_AVGPOOL, window, stride); }

static int add_dense(Model *m, const char *name, int M, bool bias)
{
    Layer *l = layer_append(m, LAYER_DENSE, name);
    if (!l) return -1;
    if (M < 1) return cnn_error("model %s: layer %s needs at least one unit, got %d", m->name, name, M);
    int D = l->in[0] * l->in[1] * l->in[2];
    int wd[2] = {M, D}, bd[1] = {M};
    l->weight = param_new(m, name, "weight", 2, wd, true);
    l->bias = l->weight && bias ? param_new(m, name, "bias", 1, bd, false) : NULL;
    if (!l->weight || (bias && !l->bias)) return cnn_error_context("model %s: layer %s", m->name, name);
    l->out[0] = M;
    l->out[1] = 1;
    l->out[2] = 1;
    m->nlayers++;
    return 0;
}

int model_add_dense(Model *m, const char *name, int M)
{
    return add_dense(m, name, M, true);
}

int model_add_dense_nobias(Model *m, const char *name, int M)
{
    return add_dense(m, name, M, false);
}

void model_init(Model *m, uint64_t seed)
{
    Rng rng;
    rng_seed(&rng, seed);
    for (int i = 0; i < m->nlayers; i++) {
        Layer *l = &m->layers[i];
        if (l->kind == LAYER_BATCHNORM) {
            tensor_fill(l->weight->value, 1.0f);
            tensor_zero(l->bias->value);
            tensor_zero(l->running_mean);
            tensor_fill(l->running_var, 1.0f);
            continue;
        }
        if (!l->weight) continue;
        int fan_in = (int)(tensor_size(l->weight->value) / (size_t)l->weight->value->n);
        init_he_normal(l->weight->value, &rng, fan_in);
        if (l->bias) tensor_zero(l->bias->value);
    }
    for (int i = 0; i < m->nparams; i++) tensor_zero(m->params[i].velocity);
}

/* Builds with every step checked; frees and returns NULL at the first error. */
#define TRY(call)                      \
    do {                               \
        if ((call) != 0) {             \
            model_free(m);             \
            return NULL;               \
        }                              \
    } while (0)

Model *model_mlp(const LayerOps *ops, int C, int H, int W, int classes, uint64_t seed)
{
    Model *m = model_new(ops, "mlp", C, H, W);
    if (!m) return NULL;
    TRY(model_add_dense(m, "fc1", 512));
    TRY(model_add_relu(m));
    TRY(model_add_dense(m, "fc2", 256));
    TRY(model_add_relu(m));
    TRY(model_add_dense(m, "fc3", classes));
    model_init(m, seed);
    return m;
}

Model *model_cnn(const LayerOps *ops, int C, int H, int W, int c1, int c2, int classes, uint64_t seed)
{
    Model *m = model_new(ops, "cnn", C, H, W);
    if (!m) return NULL;
    TRY(model_add_conv(m, "conv1", c1, 3, 1, 1));
    TRY(model_add_relu(m));
    TRY(model_add_maxpool(m, 2, 2));
    TRY(model_add_conv(m, "conv2", c2, 3, 1, 1));
    TRY(model_add_relu(m));
    TRY(model_add_maxpool(m, 2, 2));
    TRY(model_add_dense(m, "fc1", 64));
    TRY(model_add_relu(m));
    TRY(model_add_dense(m, "fc2", classes));
    model_init(m, seed);
    return m;
}

Model *model_cnn_bn(const LayerOps *ops, int C, int H, int W, int c1, int c2, int classes, uint64_t seed)
{
    Model *m = model_new(ops, "cnn-bn", C, H, W);
    if (!m) return NULL;
    TRY(model_add_conv_nobias(m, "conv1", c1, 3, 1, 1));
    TRY(model_add_batchnorm(m, "bn1"));
    TRY(model_add_relu(m));
    TRY(model_add_maxpool(m, 2, 2));
    TRY(model_add_conv_nobias(m, "conv2", c2, 3, 1, 1));
    TRY(model_add_batchnorm(m, "bn2"));
    TRY(model_add_relu(m));
    TRY(model_add_maxpool(m, 2, 2));
    TRY(model_add_dense_nobias(m, "fc1", 64));
    TRY(model_add_batchnorm(m, "bn3"));
    TRY(model_add_relu(m));
    TRY(model_add_dense(m, "fc2", classes));
    model_init(m, seed);
    return m;
}

size_t model_param_count(const Model *m)
{
    size_t total = 0;
    for (int i = 0; i < m->nparams; i++) total += tensor_size(m->params[i].value);
    return total;
}

int model_classes(const Model *m)
{
    if (m->nlayers == 0) return 0;
    const int *out = m->layers[m->nlayers - 1].out;
    return out[0] * out[1] * out[2];
}

/* Makes every layer's buffers hold at least N images and points the views
 * at the first N. */
static int model_set_batch(Model *m, int N)
{
    if (N > m->capacity) {
        for (int i = 0; i < m->nlayers; i++) {
            Layer *l = &m->layers[i];
            layer_free_buffers(l);
            /* A dense layer's output is a matrix [N, M]; the others [N, C, H, W]. */
            int dims[4] = {N, l->out[0], l->out[1], l->out[2]};
            int ndim = l->kind == LAYER_DENSE ? 2 : 4;
            l->y_store = tensor_new_nd(ndim, dims);
            l->dy_store = tensor_new_nd(ndim, dims);
            if (l->kind == LAYER_MAXPOOL)
                l->argmax = malloc(tensor_size(l->y_store ? l->y_store : l->dy_store) * sizeof *l->argmax);
            if (!l->y_store || !l->dy_store || (l->kind == LAYER_MAXPOOL && !l->argmax)) {
                layer_free_buffers(l);
                m->capacity = 0;
                return cnn_error("model %s: out of memory for a batch of %d", m->name, N);
            }
        }
        m->capacity = N;
    }
    for (int i = 0; i < m->nlayers; i++) {
        Layer *l = &m->layers[i];
        /* The first N images of each store: a smaller tensor on the same data. */
        l->y = tensor_batch(l->y_store, 0, N);
        l->dy = tensor_batch(l->dy_store, 0, N);
    }
    m->batch = N;
    return 0;
}

int model_reserve(Model *m, int N)
{
    if (N < 1) return cnn_error("model %s: cannot reserve a batch of %d", m->name, N);
    int batch = m->batch, rc = model_set_batch(m, N);
    if (rc == 0 && batch > 0) rc = model_set_batch(m, batch); /* the views as they were */
    return rc;
}

const Tensor *model_forward(Model *m, const Tensor *x)
{
    /* x [N, C, H, W] -> logits [N, classes] */
    if (m->nlayers == 0) return cnn_error("model %s: no layers", m->name), NULL;
    if (tensor_check_shape(x, "model input", -1, m->in[0], m->in[1], m->in[2]) != 0) return NULL;
    if (model_set_batch(m, x->n) != 0) return NULL;
    const LayerOps *ops = m->ops;
    const Tensor *in = x;
    for (int i = 0; i < m->nlayers; i++) {
        Layer *l = &m->layers[i];
        int rc = 0;
        /* A ReLU under a 2x2 / stride 2 max pool: one fused pass (when the
         * table has one: chapter 06's) pools the ReLU's input and applies the
         * ReLU to the maxima. The ReLU layer's own y is not written: only the
         * pool would read it, and the backward passes read the ReLU's input. */
        Layer *next = i + 1 < m->nlayers ? &m->layers[i + 1] : NULL;
        if (ops->relu_maxpool2x2_forward && l->kind == LAYER_RELU && next && next->kind == LAYER_MAXPOOL &&
            next->pool.window_h == 2 && next->pool.window_w == 2 && next->pool.stride_h == 2 &&
            next->pool.stride_w == 2) {
            if (ops->relu_maxpool2x2_forward(&next->y, next->argmax, in, next->pool) != 0)
                return cnn_error_context("model %s: forward through %s and %s", m->name, l->name, next->name), NULL;
            in = &next->y;
            i++;
            continue;
        }
        switch (l->kind) {
        case LAYER_CONV:
            rc = ops->conv_forward(&l->y, in, l->weight->value, l->bias ? l->bias->value : NULL, l->conv);
            break;
        case LAYER_RELU: rc = ops->relu_forward(&l->y, in); break;
        case LAYER_MAXPOOL: rc = ops->maxpool_forward(&l->y, l->argmax, in, l->pool); break;
        case LAYER_AVGPOOL: rc = ops->avgpool_forward(&l->y, in, l->pool); break;
        case LAYER_DENSE:
            rc = ops->dense_forward(&l->y, in, l->weight->value, l->bias ? l->bias->value : NULL);
            break;
        case LAYER_BATCHNORM:
            rc = m->inference ? ops->batchnorm_forward_eval(&l->y, in, l->weight->value, l->bias->value,
                                                            l->running_mean, l->running_var, BATCHNORM_EPS)
                              : ops->batchnorm_forward_train(&l->y, l->save_mean, l->save_invstd, l->running_mean,
                                                             l->running_var, in, l->weight->value, l->bias->value,
                                                             BATCHNORM_MOMENTUM, BATCHNORM_EPS);
            break;
        }
        if (rc != 0) return cnn_error_context("model %s: forward through %s", m->name, l->name), NULL;
        in = &l->y;
    }
    return in;
}

Tensor *model_dlogits(Model *m)
{
    return m->nlayers && m->capacity ? &m->layers[m->nlayers - 1].dy : NULL;
}

void model_zero_grad(Model *m)
{
    for (int i = 0; i < m->nparams; i++) tensor_zero(m->params[i].grad);
    Tensor *dlogits = model_dlogits(m);
    if (dlogits) tensor_zero(dlogits);
}

int model_backward(Model *m, const Tensor *x)
{
    if (m->capacity == 0 || x->n != m->batch)
        return cnn_error("model %s: backward needs the input of the last forward pass", m->name);
    if (m->inference)
        return cnn_error("model %s: backward after an inference forward (model_set_inference(m, false) first)",
                         m->name);
    const LayerOps *ops = m->ops;
    for (int i = m->nlayers - 1; i >= 0; i--) {
        Layer *l = &m->layers[i];
        /* A ReLU under a 2x2 / stride 2 max pool: one fused pass (when the
         * table has one: chapter 06's) writes the ReLU's input gradient, and
         * the ReLU layer is skipped. */
        /* Nothing below learns (chapter 08's frozen backbone): the
         * backward pass ends here, before the first layer that would only
         * pass a gradient down to frozen layers. */
        if (l->stop_grad && (l->frozen || !l->weight)) break;
        if (ops->relu_maxpool2x2_backward && l->kind == LAYER_MAXPOOL && i >= 2 && !m->layers[i - 1].stop_grad &&
            m->layers[i - 1].kind == LAYER_RELU && l->pool.window_h == 2 && l->pool.window_w == 2 &&
            l->pool.stride_h == 2 && l->pool.stride_w == 2) {
            Layer *below = &m->layers[i - 2];
            if (ops->relu_maxpool2x2_backward(&below->dy, &l->dy, l->argmax, &below->y, l->pool) != 0)
                return cnn_error_context("model %s: backward through %s and %s", m->name,
                                         m->layers[i - 1].name, l->name);
            i--;
            continue;
        }
        const Tensor *in = i ? &m->layers[i - 1].y : x;
        /* The network's input needs no gradient, nor does a layer's input
         * when no layer below it learns. */
        Tensor *din = i && !l->stop_grad ? &m->layers[i - 1].dy : NULL;
        if (din) tensor_zero(din); /* every backward pass accumulates into din */
        /* A frozen layer's parameter gradients are not wanted: NULL skips
         * their work (every backward pass accepts NULL there). */
        Tensor *dw = l->weight && !l->frozen ? l->weight->grad : NULL;
        Tensor *db = l->bias && !l->frozen ? l->bias->grad : NULL;
        int rc = 0;
        switch (l->kind) {
        case LAYER_CONV: rc = ops->conv_backward(din, dw, db, &l->dy, in, l->weight->value, l->conv); break;
        case LAYER_RELU: rc = din ? ops->relu_backward(din, &l->dy, in) : 0; break;
        case LAYER_MAXPOOL: rc = din ? ops->maxpool_backward(din, &l->dy, l->argmax, l->pool) : 0; break;
        case LAYER_AVGPOOL: rc = din ? ops->avgpool_backward(din, &l->dy, l->pool) : 0; break;
        case LAYER_DENSE: rc = ops->dense_backward(din, dw, db, &l->dy, in, l->weight->value); break;
        case LAYER_BATCHNORM:
            rc = ops->batchnorm_backward(din, dw, db, &l->dy, in, l->weight->value, l->save_mean, l->save_invstd);
            break;
        }
        if (rc != 0) return cnn_error_context("model %s: backward through %s", m->name, l->name);
    }
    return 0;
}

static const char *kind_name(LayerKind k)
{
    switch (k) {
    case LAYER_CONV: return "conv";
    case LAYER_RELU: return "relu";
    case LAYER_MAXPOOL: return "maxpool";
    case LAYER_AVGPOOL: return "avgpool";
    case LAYER_DENSE: return "dense";
    case LAYER_BATCHNORM: return "batchnorm";
    }
    return "?";
}

void model_describe(const Model *m, char *buf, size_t size)
{
    size_t used = 0;
    int n = snprintf(buf, size, "%s: input [%d,%d,%d]\n", m->name, m->in[0], m->in[1], m->in[2]);
    for (int i = 0; i < m->nlayers && n > 0 && (used += (size_t)n) < size; i++) {
        const Layer *l = &m->layers[i];
        char what[48] = "";
        if (l->kind == LAYER_CONV)
            snprintf(what, sizeof what, "%dx%d pad %d stride %d", l->weight->value->h,
                     l->weight->value->w, l->conv.pad_h, l->conv.stride_h);
        else if (l->kind == LAYER_MAXPOOL || l->kind == LAYER_AVGPOOL)
            snprintf(what, sizeof what, "%dx%d stride %d", l->pool.window_h, l->pool.window_w,
                     l->pool.stride_h);
        size_t params = (l->weight ? tensor_size(l->weight->value) : 0) + (l->bias ? tensor_size(l->bias->value) : 0);
        char shape[40];
        if (l->kind == LAYER_DENSE) snprintf(shape, sizeof shape, "[%d]", l->out[0]);
        else snprintf(shape, sizeof shape, "[%d,%d,%d]", l->out[0], l->out[1], l->out[2]);
        n = snprintf(buf + used, size - used, "  %-6s %-7s %-22s -> %-12s %9zu params\n", l->name,
                     kind_name(l->kind), what, shape, params);
    }
    if (n > 0 && (used += (size_t)n) < size)
        snprintf(buf + used, size - used, "  total %zu parameters\n", model_param_count(m));
}

/* The i-th tensor a model saves, 0 <= i < saved_count(m): every parameter,
 * then every batch norm's running mean and variance. Writes its file name
 * (without .npy) into name. */
static int saved_count(const Model *m)
{
    int n = m->nparams;
    for (int i = 0; i < m->nlayers; i++) n += m->layers[i].kind == LAYER_BATCHNORM ? 2 : 0;
    return n;
}

static Tensor *saved_tensor(const Model *m, int i, char *name, size_t size)
{
    if (i < m->nparams) {
        snprintf(name, size, "%s", m->params[i].name);
        return m->params[i].value;
    }
    i -= m->nparams;
    for (int k = 0; k < m->nlayers; k++) {
        const Layer *l = &m->layers[k];
        if (l->kind != LAYER_BATCHNORM) continue;
        if (i < 2) {
            snprintf(name, size, "%s.%s", l->name, i == 0 ? "running_mean" : "running_var");
            return i == 0 ? l->running_mean : l->running_var;
        }
        i -= 2;
    }
    return NULL;
}

int model_save(const Model *m, const char *dir)
{
    char path[1024], name[48];
    for (int i = 0; i < saved_count(m); i++) {
        Tensor *v = saved_tensor(m, i, name, sizeof name);
        snprintf(path, sizeof path, "%s/%s.npy", dir, name);
        if (npy_save_tensor(path, v) != 0) return -1;
    }
    return 0;
}

int model_load(Model *m, const char *dir)
{
    char path[1024], name[48];
    for (int i = 0; i < saved_count(m); i++) {
        Tensor *v = saved_tensor(m, i, name, sizeof name);
        snprintf(path, sizeof path, "%s/%s.npy", dir, name);
        Tensor *t = npy_load_tensor(path);
        if (!t) return -1;
        int rc = 0;
        if (t->ndim != v->ndim || memcmp(t->dim, v->dim, sizeof t->dim) != 0) {
            char a[64], b[64];
            rc = cnn_error("%s: shape %s does not match the model's %s", path,
                           tensor_shape_str(t, a, sizeof a), tensor_shape_str(v, b, sizeof b));
        } else {
            tensor_copy(v, t);
        }
        tensor_free(t);
        if (rc) return -1;
    }
    return 0;
}
