/* EXERCISE -- fill in the TODOs, then `make grade CH=03`.
 * (Generated from solutions/03-padding-stride/conv_output_size.c by `make skeletons`.)
 *
 * conv_output_size.c -- chapter 03, step 3.1: how big is the output?
 *
 * The formula out = floor((n + 2*pad - k) / stride) + 1 counts the kernel
 * positions: the padded input is n + 2*pad long, the kernel's first cell can
 * sit at 0, stride, 2*stride, ... as long as the whole kernel still fits.
 * Chapters 03 to 06 size every convolution and pooling output with it.
 */
#include "conv.h"

#include "error.h"

int conv_output_size(int n, int k, int pad, int stride)
{
    // TODO 3.1: return floor((n + 2*pad - k) / stride) + 1, or -1 after a
    // cnn_error("conv_output_size: ...") message that says what is wrong when
    //   n <= 0 or k <= 0      (no input or no kernel),
    //   pad < 0               (padding adds zeros; it cannot remove pixels),
    //   stride <= 0           (the kernel must move forward),
    //   k > n + 2*pad         (the kernel does not fit: no output at all).
    // Hint: C's integer division of two non-negative ints IS the floor. It
    // rounds toward zero, so (-1) / 2 == 0: reject the k > n + 2*pad case
    // BEFORE dividing, or it silently becomes an output of size 1.
    (void)n; (void)k; (void)pad; (void)stride;
    return 0;
}
