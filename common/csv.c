/* GIVEN -- read it, don't edit it.
 *
 * csv.c -- the CSV writer of csv.h. */
#include "csv.h"

#include "error.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct CsvFile {
    FILE *fp;
    char *path;
    int columns;       /* fields per row the header names; 0 = no header */
    int fields;        /* fields written in the current row */
    long line;         /* line number of the current row (1 = first line) */
    int write_errno;   /* errno of the first failed write, 0 if none */
    char problem[256]; /* the first row-shape problem, "" if none */
};

/* Fields in a header line: commas outside double quotes, plus one. */
static int count_fields(const char *header)
{
    int n = 1;
    bool quoted = false;
    for (const char *p = header; *p; p++) {
        if (*p == '"') quoted = !quoted;
        else if (*p == ',' && !quoted) n++;
    }
    return n;
}

static void note_write(CsvFile *f, bool ok)
{
    if (!ok && f->write_errno == 0) f->write_errno = errno ? errno : EIO;
}

CsvFile *csv_open(const char *path, const char *header)
{
    CsvFile *f = calloc(1, sizeof *f);
    char *name = malloc(strlen(path) + 1);
    if (!f || !name) {
        free(f);
        free(name);
        return cnn_error("%s: out of memory", path), NULL;
    }
    strcpy(name, path);
    f->path = name;
    f->line = 1;
    f->fp = fopen(path, "w");
    if (!f->fp) {
        cnn_error("%s: cannot create: %s", path, strerror(errno));
        free(name);
        free(f);
        return NULL;
    }
    if (header) {
        f->columns = count_fields(header);
        note_write(f, fprintf(f->fp, "%s\n", header) >= 0);
        f->line = 2;
    }
    return f;
}

static void begin_field(CsvFile *f)
{
    if (f->fields++ > 0) note_write(f, fputc(',', f->fp) != EOF);
}

void csv_num(CsvFile *f, double v)
{
    if (!f) return;
    begin_field(f);
    note_write(f, fprintf(f->fp, "%.9g", v) >= 0);
}

void csv_str(CsvFile *f, const char *s)
{
    if (!f) return;
    begin_field(f);
    if (!s) s = "";
    if (strpbrk(s, ",\" \t\r\n") == NULL) {
        note_write(f, fputs(s, f->fp) != EOF);
        return;
    }
    bool ok = fputc('"', f->fp) != EOF;
    for (const char *p = s; *p && ok; p++) {
        if (*p == '"') ok = fputc('"', f->fp) != EOF; /* a quote inside quotes is doubled */
        ok = ok && fputc(*p, f->fp) != EOF;
    }
    note_write(f, ok && fputc('"', f->fp) != EOF);
}

void csv_end_row(CsvFile *f)
{
    if (!f) return;
    if (f->columns > 0 && f->fields != f->columns && f->problem[0] == '\0')
        snprintf(f->problem, sizeof f->problem, "line %ld has %d fields, but the header names %d", f->line,
                 f->fields, f->columns);
    note_write(f, fputc('\n', f->fp) != EOF);
    f->fields = 0;
    f->line++;
}

int csv_close(CsvFile *f)
{
    if (!f) return 0;
    int rc = 0;
    if (f->fields > 0)
        rc = cnn_error("%s: line %ld was not ended with csv_end_row", f->path, f->line);
    int close_errno = fclose(f->fp) == 0 ? 0 : errno;
    if (f->write_errno)
        rc = cnn_error("%s: write failed: %s", f->path, strerror(f->write_errno));
    else if (close_errno)
        rc = cnn_error("%s: write failed when closing: %s", f->path, strerror(close_errno));
    else if (f->problem[0])
        rc = cnn_error("%s: %s", f->path, f->problem);
    free(f->path);
    free(f);
    return rc;
}
