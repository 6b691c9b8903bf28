/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * test_params.c -- chapter 01: parameter counts and the tutorial's table. */
#include <criterion/criterion.h>

#include "params.h"
#include "testing.h"

#include <stdlib.h>
#include <string.h>

GRADED_TEST(params, dense_counts_match_tutorial, 3,
            "dense_param_count = inputs * units weights + units biases.")
{
    const struct { long long inputs, units, want; } cases[] = {
        {64, 512, 33280},            /* 8x8 digits */
        {3072, 512, 1573376},        /* 32x32 RGB */
        {150528, 512, 77070848},     /* 224x224 RGB */
        {10, 3, 33},                 /* small enough to check by hand */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        long long got = dense_param_count(cases[i].inputs, cases[i].units);
        cr_expect_eq(got, cases[i].want, "dense_param_count(%lld inputs, %lld units): expected %lld, got %lld%s",
                     cases[i].inputs, cases[i].units, cases[i].want, got,
                     got == cases[i].inputs * cases[i].units ? " (the biases are missing)" : "");
    }
}

GRADED_TEST(params, conv_counts_match_tutorial, 3,
            "conv_param_count = filters * channels * kernel_h * kernel_w weights + filters biases.")
{
    const struct { int c, k, r, s; long long want; } cases[] = {
        {3, 32, 3, 3, 896},   /* the tutorial's first conv layer */
        {1, 8, 3, 3, 80},     /* the digits CNN's conv1 */
        {32, 64, 3, 3, 18496},
        {3, 2, 5, 1, 32},     /* a non-square kernel */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        long long got = conv_param_count(cases[i].c, cases[i].k, cases[i].r, cases[i].s);
        cr_expect_eq(got, cases[i].want, "conv_param_count(C=%d, K=%d, %dx%d): expected %lld, got %lld%s",
                     cases[i].c, cases[i].k, cases[i].r, cases[i].s, cases[i].want, got,
                     got == cases[i].want - cases[i].k ? " (the biases are missing)" : "");
    }
}

GRADED_TEST(params, conv_count_ignores_image_size, 1,
            "A conv layer's parameters do not depend on the image: only on C, K and the kernel.")
{
    /* The signature already makes this true; the test states it, and checks
     * that the count grows with what it should grow with. */
    cr_expect_gt(conv_param_count(3, 64, 3, 3), conv_param_count(3, 32, 3, 3), "more filters must mean more parameters");
    cr_expect_gt(conv_param_count(3, 32, 5, 5), conv_param_count(3, 32, 3, 3), "a larger kernel must mean more parameters");
}

/* Runs print_param_table into a memory buffer; the caller frees it. */
static char *table_text(int hidden, int *status)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    cr_assert(f, "open_memstream failed");
    *status = print_param_table(f, hidden);
    fclose(f);
    return text;
}

GRADED_TEST(params, table_prints_tutorial_numbers, 3,
            "print_param_table must print one row per image with its features and dense parameter count.")
{
    int status;
    char *text = table_text(512, &status);
    cr_assert_eq(status, 0, "print_param_table(512) failed: %s", cnn_last_error());
    const char *expected[] = {"64", "33,280", "3,072", "1,573,376", "150,528", "77,070,848", "896"};
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        cr_expect(strstr(text, expected[i]) != NULL, "the table should contain %s; it printed:\n%s", expected[i], text);
    /* The digits row must carry its own numbers on the same line. */
    const char *row = strstr(text, "8x8 digits");
    cr_expect(row && strstr(row, "33,280") && strchr(row, '\n') > strstr(row, "33,280"),
              "the 8x8 digits row should end with 33,280; the table was:\n%s", text);
    free(text);
}

GRADED_TEST(params, table_follows_hidden_units, 2,
            "print_param_table must use its `hidden` argument, not a fixed 512.")
{
    int status;
    char *text = table_text(100, &status);
    cr_assert_eq(status, 0, "print_param_table(100) failed: %s", cnn_last_error());
    cr_expect(strstr(text, "6,500") != NULL, "with 100 hidden units the digits row should read 6,500; it printed:\n%s", text);
    cr_expect(strstr(text, "307,300") != NULL, "with 100 hidden units the CIFAR row should read 307,300; it printed:\n%s", text);
    free(text);
}

/* Compares text with the expected lines one by one and reports, for every
 * line that differs, its number, the line expected and the line printed
 * (between | marks, so spaces show). */
static void expect_lines(const char *text, const char *const *lines, size_t count, const char *what)
{
    const char *p = text;
    for (size_t i = 0; i < count; i++) {
        if (*p == '\0') {
            cr_expect(0, "%s: line %zu is missing (the table ended early); expected\n  |%s|\nthe whole output was:\n%s",
                      what, i + 1, lines[i], text);
            return;
        }
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        cr_expect(len == strlen(lines[i]) && strncmp(p, lines[i], len) == 0,
                  "%s: line %zu differs (column widths and order matter)\n  expected |%s|\n  printed  |%.*s|%s",
                  what, i + 1, lines[i], (int)len, p, end ? "" : "\n  (and it has no newline at its end)");
        p = end ? end + 1 : p + len;
    }
    cr_expect(*p == '\0', "%s: %zu lines expected, but more were printed after them:\n%s", what, count, p);
}

GRADED_TEST(params, table_matches_line_by_line, 2,
            "print_param_table: each row in the header's format (name left in 24 columns, numbers right in 15), checked line by line.")
{
    /* The exact table: a row that prints the right numbers in the wrong
     * column, without the widths, or in another order, is still wrong. */
    const char *const want512[] = {
        "First dense layer with 512 hidden units:",
        "  input image               input features      parameters",
        "  8x8 digits                            64          33,280",
        "  32x32 RGB (CIFAR-10)               3,072       1,573,376",
        "  224x224 RGB (ImageNet)           150,528      77,070,848",
        "A conv layer with 32 filters of 3x3x3: 896 parameters, whatever the image size.",
    };
    const char *const want100[] = {
        "First dense layer with 100 hidden units:",
        "  input image               input features      parameters",
        "  8x8 digits                            64           6,500",
        "  32x32 RGB (CIFAR-10)               3,072         307,300",
        "  224x224 RGB (ImageNet)           150,528      15,052,900",
        "A conv layer with 32 filters of 3x3x3: 896 parameters, whatever the image size.",
    };
    int status;
    char *text = table_text(512, &status);
    cr_assert_eq(status, 0, "print_param_table(512) failed: %s", cnn_last_error());
    expect_lines(text, want512, sizeof want512 / sizeof want512[0], "print_param_table(512)");
    free(text);
    text = table_text(100, &status);
    cr_assert_eq(status, 0, "print_param_table(100) failed: %s", cnn_last_error());
    expect_lines(text, want100, sizeof want100 / sizeof want100[0], "print_param_table(100)");
    free(text);
}

GRADED_TEST(params, table_rejects_bad_hidden, 1,
            "print_param_table(0) must fail with a message.")
{
    int status;
    char *text = table_text(0, &status);
    cr_expect_eq(status, -1, "print_param_table(0) should return -1");
    free(text);
}
