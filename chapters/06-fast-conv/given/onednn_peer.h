/* GIVEN -- read it, don't edit it.
 *
 * onednn_peer.h -- the benchmark's second library peer: oneDNN's own
 * convolution primitive (Debian: libdnnl-dev), built only when the build
 * found oneDNN (HAVE_DNNL). Not part of any exercise.
 *
 * oneDNN is the library under PyTorch's CPU convolution. Given the choice
 * (format "any"), it stores images and filters channel-blocked, e.g.
 * nChw16c: 16 channels of one pixel side by side, one AVX-512 vector, so its
 * direct convolution needs no im2col at all. The peer lets it pick, reorders
 * x and w into its layouts once, when it is built, and times the convolution
 * alone: the best case for oneDNN, a ceiling rather than a like-for-like
 * race (conv2d_forward_fast reads and writes plain NCHW on every call; the
 * PyTorch column pays oneDNN's reorders too).
 */
#ifndef ONEDNN_PEER_H
#define ONEDNN_PEER_H

#include "conv.h"
#include "tensor.h"

typedef struct OnednnConv OnednnConv;

/* Builds the primitive for y = conv(x, w) + b with parameters p, for the
 * OpenMP thread count in force now (oneDNN sizes its work split when the
 * primitive is built), and copies x (N, C, H, W) and w (K, C, R, S) into
 * the layouts it picked. The caller frees the result with onednn_conv_free.
 * NULL with a cnn_error message on failure. */
OnednnConv *onednn_conv_new(const Tensor *x, const Tensor *w, const Tensor *b, Conv2dParams p);

/* One forward convolution, into oneDNN's own output layout. 0, or -1 with
 * a message. */
int onednn_conv_run(OnednnConv *c);

/* Copies the last output into y, (N, K, P, Q) NCHW, for checking. 0, or -1
 * with a message. */
int onednn_conv_result(OnednnConv *c, Tensor *y);

/* What oneDNN picked, e.g. "jit:avx512_core, src nChw16c"; valid while c
 * lives. */
const char *onednn_conv_describe(const OnednnConv *c);

/* The library's version, e.g. "2.6.3". */
const char *onednn_version_string(void);

void onednn_conv_free(OnednnConv *c);

#endif
