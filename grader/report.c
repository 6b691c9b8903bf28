/* report.c -- see report.h. */
#include "report.h"

#include "files.h"

#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
                      int hints_used)
{
    Buf j = {0};
    buf_printf(&j, "{\n  \"score\": %d,\n  \"max_score\": %d,\n  \"output\": \"", score, total);
    buf_add_json(&j, summary);
    buf_printf(&j, "\",\n  \"extra_data\": {\"hints_used\": %d},\n  \"tests\": [", hints_used);
    for (size_t i = 0; i < n; i++) {
        buf_puts(&j, i ? ",\n    {\"name\": \"" : "\n    {\"name\": \"");
        buf_add_json(&j, o[i].test->full);
        buf_printf(&j, "\", \"score\": %d, \"max_score\": %d, \"status\": \"%s\", \"output\": \"", o[i].got,
                   o[i].test->points, o[i].passed ? "passed" : "failed");
        buf_add_json(&j, o[i].passed ? "" : (o[i].reason ? o[i].reason : "failed"));
        buf_puts(&j, "\"}");
    }
    buf_puts(&j, n ? "\n  ]\n}\n" : "]\n}\n");
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    int status = -1;
    if (f) {
        size_t w = fwrite(buf_str(&j), 1, j.len, f);
        if (fclose(f) == 0 && w == j.len && rename(tmp, path) == 0) status = 0;
        else remove(tmp);
    }
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
