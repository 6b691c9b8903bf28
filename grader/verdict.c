/* verdict.c -- see verdict.h. */
#include "verdict.h"

#include "text.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* snprintf for messages. */
static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *format(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return strdup(buf);
}


typedef struct {
    int results;          /* R lines */
    int garbage;          /* lines that are neither */
    bool other_test;      /* an R line about another test */
    char status[16];
    int signal, exit_code;
    bool timed_out;
    char *message;        /* decoded (owned) */
} Record;

/* Undoes record.c's escapes. */
static char *decode_field(const char *s, size_t n)
{
    char *out = malloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n) {
            char e = s[++i];
            if (e == 'n') out[k++] = '\n';
            else if (e == 't') out[k++] = '\t';
            else if (e == 'x' && i + 2 < n && isxdigit((unsigned char)s[i + 1]) && isxdigit((unsigned char)s[i + 2])) {
                char hex[3] = {s[i + 1], s[i + 2], 0};
                out[k++] = (char)strtol(hex, NULL, 16);
                i += 2;
            } else out[k++] = e;
        } else out[k++] = s[i];
    }
    out[k] = '\0';
    for (size_t i = 0; i < k; i++)
        if (out[i] == '\0') out[i] = '?';
    return out;
}

static void parse_record(const char *channel, const GradedTest *t, Record *rec)
{
    memset(rec, 0, sizeof *rec);
    for (const char *line = channel ? channel : ""; *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        if (len == 0) {
            line += nl ? 1 : 0;
            if (!nl) break;
            continue;
        }
        /* Split on tabs: R suite name status signal exit timed_out message */
        const char *fields[8];
        size_t sizes[8];
        int nf = 0;
        const char *p = line, *end = line + len;
        while (nf < 8) {
            const char *tab = nf < 7 ? memchr(p, '\t', (size_t)(end - p)) : NULL;
            fields[nf] = p;
            sizes[nf] = (size_t)((tab ? tab : end) - p);
            nf++;
            if (!tab) break;
            p = tab + 1;
        }
        if (nf == 8 && sizes[0] == 1 && fields[0][0] == 'R') {
            rec->results++;
            char *suite = decode_field(fields[1], sizes[1]), *name = decode_field(fields[2], sizes[2]);
            if (strcmp(suite, t->suite) != 0 || strcmp(name, t->name) != 0) rec->other_test = true;
            free(suite);
            free(name);
            char *status = decode_field(fields[3], sizes[3]);
            snprintf(rec->status, sizeof rec->status, "%s", status);
            free(status);
            char number[32];
            snprintf(number, sizeof number, "%.*s", (int)(sizes[4] < 31 ? sizes[4] : 31), fields[4]);
            rec->signal = atoi(number);
            snprintf(number, sizeof number, "%.*s", (int)(sizes[5] < 31 ? sizes[5] : 31), fields[5]);
            rec->exit_code = atoi(number);
            rec->timed_out = sizes[6] == 1 && fields[6][0] == '1';
            free(rec->message);
            rec->message = decode_field(fields[7], sizes[7]);
        } else {
            rec->garbage++;
        }
        if (!nl) break;
        line = nl + 1;
    }
}

/* How many end marks for test t the end file holds, and whether it holds
 * anything else. */
static int count_end_marks(const char *path, const GradedTest *t, bool *other)
{
    char *text;
    *other = false;
    if (read_file(path, 1u << 16, &text, NULL, NULL) != 0) return 0;
    char want[400];
    snprintf(want, sizeof want, "E\t%s\t%s", t->suite, t->name);
    int marks = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (strcmp(line, want) == 0) marks++;
        else *other = true;
    }
    free(text);
    return marks;
}

static const char *signal_reason(int sig)
{
    switch (sig) {
    case 11: return "crashed with a segmentation fault: something read or wrote outside an array or through a bad pointer (grade with SANITIZE=1 to see the line)";
    case 6: return "aborted: an assert() failed or the C library caught corrupted memory (grade with SANITIZE=1 to see where)";
    case 8: return "crashed with a floating-point exception: an integer division by zero?";
    case 7: return "crashed with a bus error: a misaligned or invalid memory access";
    case 4: return "crashed on an illegal instruction: code built for a CPU feature this machine lacks, or a __builtin_trap";
    case 9: return "was killed from outside the test (out of memory?)";
    case 25: return "wrote more output than the grader keeps (a print in a loop?)";
    default: return NULL;
    }
}

/* The line a test binary built with AddressSanitizer adds after ASan's
 * report when the bad address lies in or next to a tensor the test made
 * (common/testing.h: "grader-tensor: " at the start of a line, then at most
 * 512 bytes of text): the text after the prefix, or NULL. Only a line after
 * the report counts (testing.c prints it from ASan's death callback, so
 * anything earlier was printed by the code under test); it is cut at 512
 * bytes and anything but printable ASCII becomes '?', since the code under
 * test shares that stream. */
static char *tensor_line(const char *report)
{
    static const char prefix[] = "\ngrader-tensor: ";
    const char *hit = strstr(report, prefix);
    if (!hit) return NULL;
    hit += sizeof prefix - 1;
    size_t len = strcspn(hit, "\n");
    if (len > 512) len = 512;
    while (len > 0 && hit[len - 1] == ' ') len--;
    if (len == 0) return NULL;
    char *line = malloc(len + 1);
    if (!line) return NULL;
    for (size_t i = 0; i < len; i++) line[i] = hit[i] >= ' ' && hit[i] <= '~' ? hit[i] : '?';
    line[len] = '\0';
    return line;
}

/* The first AddressSanitizer, LeakSanitizer or UBSan finding in a test's
 * standard error, in one line, or NULL. An AddressSanitizer finding about a
 * tensor gets a second line saying which tensor and where in it (or past
 * it) the access went, from testing.c's "grader-tensor:" line. */
static char *sanitizer_reason(const char *err_path)
{
    char *text;
    if (read_file(err_path, 4u << 20, &text, NULL, NULL) != 0) return NULL;
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) cwd[0] = '\0';
    Buf out = {0};
    char *ub = strstr(text, "runtime error:");
    char *as = strstr(text, "ERROR: AddressSanitizer");
    if (!as) as = strstr(text, "ERROR: LeakSanitizer");
    if (ub && (!as || ub < as)) {
        char *start = ub;
        while (start > text && start[-1] != '\n') start--;
        char *end = strchr(ub, '\n');
        if (end) *end = '\0';
        /* "path/file.c:12:5: runtime error: what" -> "UBSan: what at file.c:12" */
        char *where_end = strstr(start, ": runtime error:");
        char where[512] = "";
        if (where_end) {
            snprintf(where, sizeof where, "%.*s", (int)(where_end - start), start);
            char *second_colon = strchr(where, ':');
            if (second_colon) second_colon = strchr(second_colon + 1, ':');
            if (second_colon) *second_colon = '\0';
        }
        const char *shown = where;
        if (cwd[0] && strncmp(where, cwd, strlen(cwd)) == 0) shown = where + strlen(cwd) + 1;
        buf_printf(&out, "UBSan: %s at %s", ub + strlen("runtime error: "), shown);
    } else if (as) {
        char *kind = strstr(as, "Sanitizer: ");
        char kind_text[128] = "";
        if (kind) sscanf(kind + strlen("Sanitizer: "), "%127[a-z-]", kind_text);
        const char *tool = strncmp(as, "ERROR: LeakSanitizer", 20) == 0 ? "LeakSanitizer" : "AddressSanitizer";
        /* The first frame in the workbook's code of the first stack (the
         * access's, up to the first line that is no frame): "#1 0x... in f path/x.c:12".
         * Each line is looked at on its own, so that nothing of a later line
         * (the allocation's stack, the summary) is taken for it. */
        char where[600] = "?";
        const char *next = strchr(as, '\n');
        bool in_stack = false;
        while (next) {
            const char *start = next + 1;
            next = strchr(start, '\n');
            size_t len = next ? (size_t)(next - start) : strlen(start);
            char line[1024];
            snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1), start);
            const char *hash = line + strspn(line, " ");
            if (*hash != '#') {
                if (in_stack) break; /* the access's stack has ended */
                continue;
            }
            in_stack = true;
            char *frame = strstr(line, " in ");
            if (!frame || !strstr(line, ".c:") || strstr(line, "libasan") || strstr(line, "criterion")) continue;
            char fn[200], file[400];
            if (sscanf(frame, " in %199s %399s", fn, file) == 2) {
                const char *f = file;
                if (cwd[0] && strncmp(f, cwd, strlen(cwd)) == 0) f += strlen(cwd) + 1;
                snprintf(where, sizeof where, "%.200s at %.390s", fn, f);
                break;
            }
        }
        bool overflow = strstr(kind_text, "buffer-overflow") != NULL;
        buf_printf(&out, "%s: %s%s in %s", tool, kind_text,
                   overflow ? " (a read or write past the end of an array)" : "", where);
        char *tensor = strcmp(tool, "AddressSanitizer") == 0 ? tensor_line(as) : NULL;
        if (tensor) buf_printf(&out, "\n  that is %s", tensor);
        free(tensor);
    }
    free(text);
    if (!out.len) return NULL;
    return out.data;
}


/* Criterion's own lines on stderr start with a tag such as "[----] " or
 * "[FAIL] ": they say that the test crashed, not why. */
static bool criterion_line(const char *line, size_t len)
{
    return len >= 7 && line[0] == '[' && line[5] == ']' && line[6] == ' ';
}

/* The last lines (at most max_lines, max_bytes) a test program wrote to
 * its standard error, Criterion's own left out, made printable and joined
 * by " | "; NULL when there are none. What a program says as it dies (an
 * assert's message, the C library's "double free", a runtime's complaint)
 * is often the whole story. */
static char *last_words(const char *err_path, int max_lines, size_t max_bytes)
{
    char *text;
    size_t size;
    if (read_file(err_path, 4u << 20, &text, &size, NULL) != 0) return NULL;
    const char *kept[16];
    size_t kept_len[16];
    int n = 0;
    if (max_lines > 16) max_lines = 16;
    for (size_t at = 0; at < size;) {
        const char *line = text + at;
        size_t len = strcspn(line, "\n");
        at += len + 1;
        while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\r')) len--;
        if (len == 0 || criterion_line(line, len)) continue;
        if (n == max_lines) { /* keep the last max_lines: drop the oldest */
            memmove(kept, kept + 1, (size_t)(n - 1) * sizeof *kept);
            memmove(kept_len, kept_len + 1, (size_t)(n - 1) * sizeof *kept_len);
            n--;
        }
        kept[n] = line;
        kept_len[n++] = len;
    }
    Buf out = {0};
    for (int k = 0; k < n && out.len < max_bytes; k++) {
        if (k) buf_puts(&out, " | ");
        for (size_t i = 0; i < kept_len[k] && out.len < max_bytes; i++) {
            unsigned char c = (unsigned char)kept[k][i];
            buf_add(&out, c >= ' ' && c <= '~' ? &kept[k][i] : "?", 1);
        }
    }
    free(text);
    if (out.len) return out.data;
    buf_free(&out);
    return NULL;
}

char *verdict(const VerdictInput *in)
{
    const GradedTest *t = in->test;
    const SandboxResult *r = in->run;
    const char *changed = in->changed ? in->changed : "";
    double limit = in->limit;
    char *reason = NULL;
    if (!t) { /* the start-up probe: it must run no test and end cleanly */
        if (r->timed_out)
            reason = format("the test program never got to its tests: code that runs when it starts (before "
                               "main, e.g. a constructor) did not finish within %.0f s",
                               limit);
        else if (r->signal) {
            char *words = last_words(in->errors_path, 3, 400);
            reason = format("the test program crashed as it started, before any test ran (signal %d): code "
                               "that runs before main?%s%s",
                               r->signal, words ? " The last it wrote to stderr: " : "", words ? words : "");
            free(words);
        }
        else if (!r->exited || r->exit_code != 0)
            reason = format("the test program ended with status %d as it started, before any test ran: code "
                               "that runs before main called exit()?",
                               r->exit_code);
        else if (r->channel_len)
            reason = strdup("the test program wrote to the grader's record before any test ran: a forged "
                               "result (exercise code never writes to the grader)");
        else if (changed[0])
            reason = format("the test program changed the tests' files as it started (%s; restored)",
                               changed);
        else if (r->leftovers)
            reason = format("the test program left %d process%s behind as it started (exercise code never "
                               "starts processes; they were stopped)",
                               r->leftovers, r->leftovers == 1 ? "" : "es");
        return reason;
    }


    Record rec;
    parse_record(r->channel, t, &rec);
    bool other_end = false;
    int marks = count_end_marks(in->end_path, t, &other_end);
    char *sanitizer = sanitizer_reason(in->errors_path);
    const char *hang = "is a loop missing its increment, or is a bound wrong?";
    if (r->timed_out) {
        reason = format("took longer than its time limit of %g s and was stopped: %s", limit, hang);
    } else if (changed[0]) {
        reason = format("changed files the tests read (%s); they were restored. Exercise code never writes "
                           "files.",
                           changed);
    } else if (r->leftovers) {
        reason = format("left %d process%s behind after the test ended (exercise code never starts "
                           "processes); they were stopped",
                           r->leftovers, r->leftovers == 1 ? "" : "es");
    } else if (rec.results > 1 || rec.garbage || rec.other_test || r->channel_overflow || other_end) {
        reason = format("the grader's record of this test was forged or garbled (%d result line%s, %d other "
                           "line%s): exercise code never writes to the grader",
                           rec.results, rec.results == 1 ? "" : "s", rec.garbage + (other_end ? 1 : 0),
                           rec.garbage + (other_end ? 1 : 0) == 1 ? "" : "s");
    } else if (rec.results == 0) {
        if (sanitizer) reason = strdup(sanitizer);
        else if (r->signal == 9 && r->max_rss_kb > (long)(in->memory_limit >> 10) * 9 / 10)
            reason = format("ran out of memory (limit %zu MB)", in->memory_limit >> 20);
        else if (r->signal) {
            char *words = last_words(in->errors_path, 3, 400);
            const char *why = signal_reason(r->signal);
            Buf b = {0};
            if (why) buf_printf(&b, "the test program %s, before it could report", why);
            else buf_printf(&b, "the test program was killed by signal %d before it could report", r->signal);
            if (words) buf_printf(&b, "; the last it wrote to stderr: %s", words);
            free(words);
            reason = b.data;
        }
        else if (r->exit_code == 0)
            reason = strdup("the test program ended before this test ran or reported: code that ends the "
                               "process (exit()?) ran before the test's checks");
        else
            reason = format("the test program ended with status %d before the test could report: the code "
                               "under test called exit()?",
                               r->exit_code);
    } else if (rec.timed_out) {
        reason = format("took longer than its time limit of %g s: %s", limit, hang);
    } else if (sanitizer) {
        reason = strdup(sanitizer);
    } else if (rec.signal) {
        const char *why = signal_reason(rec.signal);
        char *words = last_words(in->errors_path, 3, 400);
        Buf b = {0};
        if (why) buf_puts(&b, why);
        else buf_printf(&b, "crashed with signal %d", rec.signal);
        if (words) buf_printf(&b, "; the last it wrote to stderr: %s", words);
        free(words);
        reason = b.data;
    } else if (strcmp(rec.status, "SKIPPED") == 0) {
        reason = format("skipped: %s", rec.message && *rec.message ? rec.message : "no reason given");
    } else if (strcmp(rec.status, "PASSED") != 0) {
        if (rec.message && *rec.message) reason = strdup(rec.message);
        else if (rec.exit_code) reason = format("the test ended early with exit status %d: the code under test called exit()?", rec.exit_code);
        else reason = strdup("failed");
    } else if (marks != 1) {
        reason = strdup("the test ended before its checks finished: the code under test ended the process "
                           "(exit()?) instead of returning, so nothing was checked");
    } else if (!r->exited || r->exit_code != 0) {
        reason = format("the test program ended with status %d after reporting a pass: the code under test "
                           "ended the process?",
                           r->exit_code);
    }
    free(sanitizer);
    free(rec.message);
    return reason;
}

