/* GIVEN -- the tests: read them to see what is expected; don't edit them.
 *
 * test_csv.c -- unit tests of the CSV writer (common/csv.c): exact file
 * contents, quoting, and every way a write can fail. */
#include "csv.h"
#include "error.h"

#include "scratch.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void csv_suite_init(void) { scratch_make("csv"); }

TestSuite(csv, .init = csv_suite_init, .fini = scratch_remove);

static void expect_contents(const char *path, const char *expected)
{
    char buf[1024];
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    cr_expect_str_eq(buf, expected, "%s holds:\n%s\nexpected:\n%s", path, buf, expected);
}

static void expect_message(const char *a, const char *b)
{
    const char *msg = cnn_last_error();
    cr_expect(strstr(msg, a) != NULL, "the message should mention \"%s\", but it is \"%s\"", a, msg);
    cr_expect(strstr(msg, b) != NULL, "the message should say \"%s\", but it is \"%s\"", b, msg);
}

Test(csv, exact_contents, .timeout = 5)
{
    char path[512];
    CsvFile *f = csv_open(scratch_path(path, "loss.csv"), "epoch,loss");
    cr_assert_not_null(f, "%s", cnn_last_error());
    csv_num(f, 1);
    csv_num(f, 2.302585093);
    csv_end_row(f);
    csv_num(f, 2);
    csv_num(f, 0.1f); /* a float widened to double shows its true value */
    csv_end_row(f);
    csv_num(f, 3);
    csv_num(f, -1.5e-12);
    csv_end_row(f);
    cr_assert_eq(csv_close(f), 0, "%s", cnn_last_error());
    expect_contents(path, "epoch,loss\n1,2.30258509\n2,0.100000001\n3,-1.5e-12\n");
}

Test(csv, no_header, .timeout = 5)
{
    char path[512];
    CsvFile *f = csv_open(scratch_path(path, "plain.csv"), NULL);
    cr_assert_not_null(f, "%s", cnn_last_error());
    csv_str(f, "a");
    csv_end_row(f);
    csv_num(f, 7);
    csv_num(f, 8);
    csv_end_row(f);
    cr_assert_eq(csv_close(f), 0, "%s", cnn_last_error());
    expect_contents(path, "a\n7,8\n");
}

Test(csv, quoting, .timeout = 5)
{
    char path[512];
    CsvFile *f = csv_open(scratch_path(path, "q.csv"), "name,note,value");
    cr_assert_not_null(f, "%s", cnn_last_error());
    csv_str(f, "conv1");
    csv_str(f, "3x3, stride 2");
    csv_num(f, 0.5);
    csv_end_row(f);
    csv_str(f, "say \"hi\"");
    csv_str(f, "two words");
    csv_str(f, "");
    csv_end_row(f);
    cr_assert_eq(csv_close(f), 0, "%s", cnn_last_error());
    expect_contents(path, "name,note,value\nconv1,\"3x3, stride 2\",0.5\n\"say \"\"hi\"\"\",\"two words\",\n");
}

Test(csv, open_fails_in_missing_folder, .timeout = 5)
{
    char path[512];
    scratch_path(path, "no-such-folder/x.csv");
    cnn_clear_error();
    cr_expect_null(csv_open(path, "a,b"), "opening a file in a missing folder must fail");
    expect_message(path, "cannot create");
}

Test(csv, close_reports_full_disk, .timeout = 5)
{
    if (access("/dev/full", W_OK) != 0) cr_skip_test("/dev/full is not available");
    CsvFile *f = csv_open("/dev/full", "epoch,loss");
    cr_assert_not_null(f, "%s", cnn_last_error());
    csv_num(f, 1);
    csv_num(f, 0.5);
    csv_end_row(f);
    cnn_clear_error();
    cr_expect_eq(csv_close(f), -1, "csv_close must report that the data never reached the disk");
    expect_message("/dev/full", "write failed");
}

Test(csv, close_reports_wrong_field_count, .timeout = 5)
{
    char path[512];
    CsvFile *f = csv_open(scratch_path(path, "ragged.csv"), "epoch,loss");
    cr_assert_not_null(f, "%s", cnn_last_error());
    csv_num(f, 1);
    csv_num(f, 0.5);
    csv_end_row(f);
    csv_num(f, 2);
    csv_end_row(f);
    cnn_clear_error();
    cr_expect_eq(csv_close(f), -1, "a row with 1 field under a 2-field header must be reported");
    expect_message(path, "line 3 has 1 fields, but the header names 2");
}

Test(csv, close_reports_unfinished_row, .timeout = 5)
{
    char path[512];
    CsvFile *f = csv_open(scratch_path(path, "open.csv"), "x");
    cr_assert_not_null(f, "%s", cnn_last_error());
    csv_num(f, 1);
    cnn_clear_error();
    cr_expect_eq(csv_close(f), -1, "a row without csv_end_row must be reported");
    expect_message(path, "line 2 was not ended");
}

Test(csv, null_file_is_harmless, .timeout = 5)
{
    csv_num(NULL, 1);
    csv_str(NULL, "x");
    csv_end_row(NULL);
    cr_expect_eq(csv_close(NULL), 0, "csv_close(NULL) is a no-op");
}
