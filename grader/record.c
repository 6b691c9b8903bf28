/* record.c -- linked into every chapter's test binary: tells the grader what
 * happened to each test, in lines it can check.
 *
 * The grader runs one test per process and sets two variables:
 *
 *   GRADER_RECORD_FD  a pipe's write end. After the test, Criterion's runner
 *                     calls the report hook below, which writes one line:
 *                       R <suite> <name> <status> <signal> <exit> <timed_out> <message>
 *                     (tab-separated; status PASSED, FAILED or SKIPPED;
 *                     message is the first failed check's text).
 *   GRADER_END_PATH   a file. The test's .fini (grader_test_finished, set by
 *                     GRADED_TEST) appends "E <suite> <name>" to it after the
 *                     test body has run to its end.
 *   GRADER_TIMEOUT    (only with GRADE_TIMEOUT) seconds: every test's time
 *                     limit, in place of its own .timeout.
 *
 * A test counts as passed only with both: a PASSED record and the end mark.
 * A body that ends the process early (exit(0) in student code) leaves no end
 * mark, so it fails instead of passing unnoticed. In messages, a backslash,
 * newline and tab are written \\ \n \t and other control bytes \xHH, so a
 * record stays one line whatever the message holds.
 *
 * Without these variables (a test binary run by hand) nothing is written.
 */
#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <criterion/internal/ordered-set.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void grader_test_finished(void);

/* Start-up cost. Criterion links libgit2 (for its string diffs), and
 * Debian's libgit2, built on mbed TLS, reads and decodes the whole system
 * certificate bundle each time a program starts -- twice per test, as
 * Criterion starts the test binary again for the test itself. That was a
 * third of each test's CPU time (perf: 14 of 46 ms), for TLS connections no
 * test makes. Defined here, in the program, these two names come first in
 * the dynamic linker's search, so libgit2 loads no certificates. Where
 * libgit2 uses another TLS library, or the platform binds symbols per
 * library (macOS), they are simply never called. */
__attribute__((visibility("default"), used)) int mbedtls_x509_crt_parse_file(void *chain, const char *path);
__attribute__((visibility("default"), used)) int mbedtls_x509_crt_parse_path(void *chain, const char *path);
int mbedtls_x509_crt_parse_file(void *chain, const char *path)
{
    (void)chain;
    (void)path;
    return 0;
}
int mbedtls_x509_crt_parse_path(void *chain, const char *path)
{
    (void)chain;
    (void)path;
    return 0;
}

enum { RECORD_MAX = 16384 };

typedef struct {
    char text[RECORD_MAX];
    size_t len;
} Line;

static void line_add(Line *l, const char *s, size_t n)
{
    if (l->len + n >= RECORD_MAX - 2) n = RECORD_MAX - 2 - l->len;
    memcpy(l->text + l->len, s, n);
    l->len += n;
}

static void line_field(Line *l, const char *s)
{
    line_add(l, "\t", 1);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[8];
        if (c == '\\') line_add(l, "\\\\", 2);
        else if (c == '\n') line_add(l, "\\n", 2);
        else if (c == '\t') line_add(l, "\\t", 2);
        else if (c < 0x20 || c == 0x7f) {
            snprintf(esc, sizeof esc, "\\x%02x", c);
            line_add(l, esc, 4);
        } else line_add(l, (const char *)s, 1);
    }
}

static void write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w <= 0) return;
        s += w;
        n -= (size_t)w;
    }
}

static void record(struct criterion_test_stats *stats)
{
    const char *fd_text = getenv("GRADER_RECORD_FD");
    if (!fd_text) return;
    int fd = atoi(fd_text);
    if (fd < 3) return;
    const char *status = stats->test_status == CR_STATUS_PASSED   ? "PASSED"
                         : stats->test_status == CR_STATUS_SKIPPED ? "SKIPPED"
                                                                   : "FAILED";
    const char *message = NULL;
    for (struct criterion_assert_stats *a = stats->asserts; a; a = a->next)
        if (!a->passed) message = a->message; /* the list is newest-first: keep the oldest */
    if (!message && stats->message) message = stats->message;
    static Line l;
    l.len = 0;
    char numbers[64];
    line_add(&l, "R", 1);
    line_field(&l, stats->test->category);
    line_field(&l, stats->test->name);
    line_field(&l, status);
    snprintf(numbers, sizeof numbers, "%d", stats->signal);
    line_field(&l, numbers);
    snprintf(numbers, sizeof numbers, "%d", stats->exit_code);
    line_field(&l, numbers);
    line_field(&l, stats->timed_out ? "1" : "0");
    line_field(&l, message);
    line_add(&l, "\n", 1);
    write_all(fd, l.text, l.len);
}

/* GRADER_TIMEOUT replaces every test's .timeout before any test starts (the
 * runner reads it when it starts the test's process). Criterion's own
 * --timeout can only lower a test's limit, and tests run under an emulator
 * (grader/test-arm64.sh) need a higher one; the grader waits that long too. */
ReportHook(PRE_ALL)(struct criterion_test_set *set)
{
    const char *text = getenv("GRADER_TIMEOUT");
    double seconds = text ? atof(text) : 0;
    if (seconds <= 0) return;
    FOREACH_SET(struct criterion_suite_set *suite, set->suites) {
        FOREACH_SET(struct criterion_test *test, suite->tests) {
            test->data->timeout = seconds;
        }
    }
}

ReportHook(POST_TEST)(struct criterion_test_stats *stats) { record(stats); }

/* A test killed by a signal reports here instead of POST_TEST. */
ReportHook(TEST_CRASH)(struct criterion_test_stats *stats) { record(stats); }

void grader_test_finished(void)
{
    const char *path = getenv("GRADER_END_PATH");
    if (!path || !criterion_current_test) return;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600);
    if (fd < 0) return;
    static Line l;
    l.len = 0;
    line_add(&l, "E", 1);
    line_field(&l, criterion_current_test->category);
    line_field(&l, criterion_current_test->name);
    line_add(&l, "\n", 1);
    write_all(fd, l.text, l.len);
    close(fd);
}
