/* SOLUTION -- the reference; `make skeletons` generates chapters/02-convolution/tutorial_example.h from it.
 *
 * tutorial_example.h -- the worked example of chapter 02, in one place.
 *
 * A 5x5 grey image that is bright on the left and dark on the right (the
 * boundary runs between columns 2 and 3), the 3x3 vertical-edge kernel, and
 * the 3x3 output a valid, stride-1 correlation gives, checked by hand in
 * the lesson (README.md, "A worked example"). Asymmetric on purpose: a
 * transposed or flipped computation cannot reproduce it. Used by conv_demo
 * and by the tests and figure programs of chapters 02 and 03 (marked unused
 * so that a file using only some of them compiles without warnings).
 */
#ifndef CNN_TUTORIAL_EXAMPLE_H
#define CNN_TUTORIAL_EXAMPLE_H

static const float tutorial_input[5 * 5] __attribute__((unused)) = {
    9, 9, 8, 1, 0,
    8, 9, 9, 2, 1,
    9, 8, 9, 1, 0,
    7, 9, 8, 0, 1,
    9, 7, 9, 2, 0,
};

/* +1 on the left column, -1 on the right: left brightness minus right. */
static const float tutorial_kernel[3 * 3] __attribute__((unused)) = {
    1, 0, -1,
    1, 0, -1,
    1, 0, -1,
};

/* e.g. y(0,1) = (9+9+8) - (1+2+1) = 22: the window straddles the edge. */
static const float tutorial_output[3 * 3] __attribute__((unused)) = {
     0, 22, 25,
    -2, 23, 24,
    -1, 21, 25,
};

#endif
