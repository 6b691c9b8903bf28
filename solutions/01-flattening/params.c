/* SOLUTION -- the reference; `make skeletons` generates chapters/01-flattening/params.c from it.
 *
 * params.c -- chapter 01: dense and conv parameter counts, and the table. */
#include "params.h"

#include "error.h"

#include <string.h>

long long dense_param_count(long long inputs, long long units)
{
    // TODO 1.6: every unit has one weight per input feature, plus one bias.
    //>> solution
    return inputs * units + units;
    //| (void)inputs; (void)units;
    //| return 0;
    //<<
}

long long conv_param_count(int channels, int filters, int kernel_h, int kernel_w)
{
    // TODO 1.7: every filter spans all input channels with a kernel_h x
    // kernel_w window, plus one bias per filter.
    //>> solution
    return (long long)filters * channels * kernel_h * kernel_w + filters;
    //| (void)channels; (void)filters; (void)kernel_h; (void)kernel_w;
    //| return 0;
    //<<
}

const char *format_count(char *buf, size_t size, long long n)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%lld", n < 0 ? -n : n);
    size_t used = 0;
    if (n < 0 && used + 1 < size) buf[used++] = '-';
    for (int i = 0; i < len && used + 1 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0 && used + 1 < size) buf[used++] = ',';
        if (used + 1 < size) buf[used++] = digits[i];
    }
    buf[used] = '\0';
    return buf;
}

/* The three images of the tutorial's table. */
static const struct {
    const char *name;
    int channels, side;
} table_images[] = {
    {"8x8 digits", 1, 8},
    {"32x32 RGB (CIFAR-10)", 3, 32},
    {"224x224 RGB (ImageNet)", 3, 224},
};

int print_param_table(FILE *out, int hidden)
{
    if (hidden <= 0) return cnn_error("print_param_table: hidden units must be positive, got %d", hidden);
    char a[32], b[32];
    fprintf(out, "First dense layer with %d hidden units:\n", hidden);
    fprintf(out, "  %-24s %15s %15s\n", "input image", "input features", "parameters");
    for (size_t i = 0; i < sizeof table_images / sizeof table_images[0]; i++) {
        // TODO 1.8: compute the input features of this image (channels x
        // side x side) and its dense parameter count, and print one row in the
        // same format as the header: "  %-24s %15s %15s\n", with both numbers
        // passed through format_count().
        //>> solution
        long long features = (long long)table_images[i].channels * table_images[i].side * table_images[i].side;
        fprintf(out, "  %-24s %15s %15s\n", table_images[i].name, format_count(a, sizeof a, features),
                format_count(b, sizeof b, dense_param_count(features, hidden)));
        //| (void)b; (void)table_images[i]; /* unused until you write the row */
        //<<
    }
    fprintf(out, "A conv layer with 32 filters of 3x3x3: %s parameters, whatever the image size.\n",
            format_count(a, sizeof a, conv_param_count(3, 32, 3, 3)));
    return 0;
}
