/* report.c -- see report.h. */
#include "report.h"

#include "files.h"

#include "text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Display width of a UTF-8 string, counting each character as one column. */
static size_t columns(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80) n++;
    return n;
}

/* The first line of an untrusted text, safe for the terminal, cut to at most
 * width columns (ending in "..." when cut). */
static void first_line(Buf *out, const char *text, size_t width)
{
    Buf safe = {0};
    buf_add_display(&safe, text ? text : "", true);
    const char *s = buf_str(&safe);
    size_t len = strcspn(s, "\n");
    size_t total = 0;
    for (size_t i = 0; i < len; i++) total += ((unsigned char)s[i] & 0xC0) != 0x80;
    size_t keep = total <= width ? total : width - 3, cols = 0, i = 0;
    while (i < len && cols < keep) {
        size_t step = 1;
        while (i + step < len && ((unsigned char)s[i + step] & 0xC0) == 0x80) step++;
        buf_add(out, s + i, step);
        cols++;
        i += step;
    }
    if (keep < total) buf_puts(out, "...");
    buf_free(&safe);
}

void report_table(FILE *out, const Outcome *o, size_t n)
{
    size_t name_width = 20;
    for (size_t i = 0; i < n; i++) {
        size_t w = columns(o[i].test->full);
        if (w > name_width) name_width = w;
    }
    if (name_width > 56) name_width = 56;
    size_t reason_width = name_width < 44 ? 60 + (44 - name_width) : 60;
    for (size_t i = 0; i < n; i++) {
        Buf name = {0}, why = {0};
        /* A name longer than the column is cut, so the columns stay straight
         * (the details below give it whole). */
        first_line(&name, o[i].test->full, name_width);
        if (!o[i].passed) first_line(&why, o[i].reason, reason_width);
        size_t pad = name_width > columns(buf_str(&name)) ? name_width - columns(buf_str(&name)) : 0;
        fprintf(out, "  %s%*s %3d/%-3d %-4s  %s\n", buf_str(&name), (int)pad, "", o[i].got, o[i].test->points,
                o[i].passed ? "pass" : "FAIL", buf_str(&why));
        buf_free(&name);
        buf_free(&why);
    }
}

void report_details(FILE *out, const Outcome *o, size_t n, const char *chapter, int max_lines)
{
    bool any = false;
    for (size_t i = 0; i < n; i++) any |= !o[i].passed;
    if (!any) return;
    fprintf(out, "What went wrong (rerun one test alone with: make grade CH=%s TEST=<name>):\n", chapter);
    int lines = 1;
    for (size_t i = 0; i < n && lines < max_lines; i++) {
        if (o[i].passed) continue;
        Buf safe = {0};
        buf_add_display(&safe, o[i].reason ? o[i].reason : "failed", true);
        fprintf(out, "\n  %s\n", o[i].test->full);
        lines += 2;
        for (const char *p = buf_str(&safe); *p && lines < max_lines;) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            fprintf(out, "      %.*s\n", (int)len, p);
            lines++;
            p += len + (nl ? 1 : 0);
        }
        buf_free(&safe);
    }
    if (lines >= max_lines) fprintf(out, "\n  (more failures: grade one test at a time with TEST=<name>)\n");
    fprintf(out, "\n");
}

int report_write_json(const char *path, const Outcome *o, size_t n, int score, int total, const char *summary,
                      int hints_used, const LeaderboardRow *board, size_t board_n)
{
    Buf j = {0};
    buf_printf(&j, "{\n  \"score\": %d,\n  \"max_score\": %d,\n  \"output\": \"", score, total);
    buf_add_json(&j, summary);
    buf_printf(&j, "\",\n  \"extra_data\": {\"hints_used\": %d},\n  \"tests\": [", hints_used);
    for (size_t i = 0; i < n; i++) {
        buf_puts(&j, i ? ",\n    {\"name\": \"" : "\n    {\"name\": \"");
        buf_add_json(&j, o[i].test->full);
        /* Gradescope shows a hidden test's row only after the due date. */
        buf_printf(&j, "\", \"score\": %d, \"max_score\": %d, \"status\": \"%s\", \"visibility\": \"%s\", "
                       "\"output\": \"",
                   o[i].got, o[i].test->points, o[i].passed ? "passed" : "failed",
                   o[i].test->hidden ? "after_due_date" : "visible");
        buf_add_json(&j, o[i].passed ? "" : (o[i].reason ? o[i].reason : "failed"));
        buf_puts(&j, "\"}");
    }
    buf_puts(&j, n ? "\n  ]" : "]");
    /* Gradescope's leaderboard: finite numbers only (JSON has no nan). */
    for (size_t i = 0; i < board_n; i++) {
        buf_puts(&j, i ? ",\n    {\"name\": \"" : ",\n  \"leaderboard\": [\n    {\"name\": \"");
        buf_add_json(&j, board[i].name);
        double v = isfinite(board[i].value) ? board[i].value : 0;
        buf_printf(&j, "\", \"value\": %.2f, \"order\": \"%s\"}", v, board[i].order);
    }
    buf_puts(&j, board_n ? "\n  ]\n}\n" : "\n}\n");
    int status = write_file_atomically(path, buf_str(&j), j.len);
    buf_free(&j);
    return status;
}

/* Base64 (RFC 4648, with padding) of data[0..size) appended to b. */
static void buf_add_base64(Buf *b, const unsigned char *data, size_t size)
{
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < size; i += 3) {
        unsigned v = (unsigned)data[i] << 16;
        if (i + 1 < size) v |= (unsigned)data[i + 1] << 8;
        if (i + 2 < size) v |= data[i + 2];
        char quad[4] = {digits[v >> 18 & 63], digits[v >> 12 & 63], i + 1 < size ? digits[v >> 6 & 63] : '=',
                        i + 2 < size ? digits[v & 63] : '='};
        buf_add(b, quad, 4);
    }
}

/* The picture a failing test drew, as a data: URI appended to b; false when
 * the reason names none. The reason is untrusted (the student's code can
 * print anything into a failure message), so only a regular file (not a
 * link) directly inside pictures_dir, at most 2 MB and starting with PNG's
 * signature, is read. */
static bool add_picture(Buf *b, const char *reason, const char *pictures_dir)
{
    const char *hit = reason && pictures_dir ? strstr(reason, "picture: ") : NULL;
    if (!hit) return false;
    hit += strlen("picture: ");
    size_t dir_len = strlen(pictures_dir), len = strcspn(hit, " \n");
    if (len <= dir_len + 1 || len >= 1024 || strncmp(hit, pictures_dir, dir_len) != 0 || hit[dir_len] != '/')
        return false;
    char path[1024];
    snprintf(path, sizeof path, "%.*s", (int)len, hit);
    if (strchr(path + dir_len + 1, '/') || strstr(path, "..")) return false;
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (2 << 20)) return false;
    char *png;
    size_t size;
    if (read_file(path, 2u << 20, &png, &size, NULL) != 0) return false;
    bool ok = size > 8 && memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0;
    if (ok) {
        buf_puts(b, "data:image/png;base64,");
        buf_add_base64(b, (const unsigned char *)png, size);
    }
    free(png);
    return ok;
}

int report_write_prairielearn(const char *path, const Outcome *o, size_t n, int score, int total, const char *summary,
                              const char *pictures_dir)
{
    Buf j = {0};
    /* PrairieLearn's score is a fraction; the points stay in each test. */
    buf_printf(&j, "{\n  \"gradable\": true,\n  \"score\": %.6f,\n  \"message\": \"",
               total > 0 ? (double)score / total : 0.0);
    buf_add_json(&j, summary);
    buf_puts(&j, "\",\n  \"tests\": [");
    for (size_t i = 0; i < n; i++) {
        const char *reason = o[i].passed ? "" : (o[i].reason ? o[i].reason : "failed");
        buf_puts(&j, i ? ",\n    {\"name\": \"" : "\n    {\"name\": \"");
        buf_add_json(&j, o[i].test->full);
        buf_puts(&j, "\", \"description\": \"");
        buf_add_json(&j, o[i].test->hint);
        buf_printf(&j, "\", \"points\": %d, \"max_points\": %d, \"message\": \"", o[i].got, o[i].test->points);
        /* the reason's first line as the message, the whole reason as output */
        Buf first = {0};
        buf_add(&first, reason, strcspn(reason, "\n"));
        buf_add_json(&j, buf_str(&first));
        buf_free(&first);
        buf_puts(&j, "\", \"output\": \"");
        buf_add_json(&j, reason);
        buf_puts(&j, "\"");
        Buf picture = {0};
        if (!o[i].passed && add_picture(&picture, reason, pictures_dir)) {
            buf_puts(&j, ", \"images\": [{\"label\": \"which outputs are wrong\", \"url\": \"");
            buf_add_json(&j, buf_str(&picture));
            buf_puts(&j, "\"}]");
        }
        buf_free(&picture);
        buf_puts(&j, "}");
    }
    buf_puts(&j, n ? "\n  ]\n}\n" : "]\n}\n");
    int status = write_file_atomically(path, buf_str(&j), j.len);
    buf_free(&j);
    return status;
}

/* What kind of failure a reason is, for the batch's flags: the reasons are
 * the grader's own words (verdict.c, grade.c), so their openings say it. */
static const char *failure_kind(const Outcome *o)
{
    const char *r = o->reason ? o->reason : "";
    if (o->passed) return "-";
    if (strncmp(r, "not run: the chapter did not compile", 36) == 0) return "compile";
    if (strncmp(r, "not run: ", 9) == 0) return "rejected";
    if (strstr(r, "took longer than its time limit")) return "timeout";
    if (strstr(r, "crashed")) return "crash";
    return "fail";
}

int report_write_tsv(const char *path, const Outcome *o, size_t n)
{
    Buf t = {0};
    for (size_t i = 0; i < n; i++)
        buf_printf(&t, "%s\t%d\t%d\t%s\t%s\n", o[i].test->full, o[i].got, o[i].test->points,
                   o[i].passed ? "pass" : "fail", failure_kind(&o[i]));
    int status = write_file_atomically(path, buf_str(&t), t.len);
    buf_free(&t);
    return status;
}
