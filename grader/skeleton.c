/* skeleton.c -- see skeleton.h. */
#include "skeleton.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *skip_blanks(const char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    return s;
}

int skeleton_make(const char *path, Buf *out, bool *has_regions, char *error, size_t error_size)
{
    char *text;
    size_t size;
    if (has_regions) *has_regions = false;
    if (read_file(path, 8u << 20, &text, &size, NULL) != 0) {
        snprintf(error, error_size, "%s: cannot read it", path);
        return -1;
    }
    /* The first line says what the generated file is: an EXERCISE (it has
     * regions to fill in) or a GIVEN file, and names its solution. It
     * replaces the solution's own "SOLUTION --" line. */
    bool regions = false;
    for (const char *p = text; *p && !regions;) {
        const char *b = skip_blanks(p);
        regions = strncmp(b, "//>>", 4) == 0;
        const char *nl = strchr(p, '\n');
        p = nl ? nl + 1 : p + strlen(p);
    }
    char *line = text;
    if (strncmp(text, "/* SOLUTION --", 14) == 0) {
        char *nl = strchr(text, '\n');
        line = nl ? nl + 1 : text + strlen(text);
        const char *chapter = strstr(path, "solutions/");
        char number[3] = "NN";
        if (chapter && chapter[10] && chapter[11]) {
            number[0] = chapter[10];
            number[1] = chapter[11];
        }
        if (regions)
            buf_printf(out, "/* EXERCISE -- fill in the TODOs, then `make grade CH=%s`.\n", number);
        else
            buf_puts(out, "/* GIVEN -- read it, don't edit it.\n");
        buf_printf(out, " * (Generated from %s by `make skeletons`.)\n", chapter ? chapter : path);
    }
    char indent[256] = "";
    int in_region = 0, start_line = 0, lineno = 1, status = 0;
    if (line == text) lineno = 0;
    for (; *line && status == 0;) {
        char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line + 1) : strlen(line);
        lineno++;
        const char *body = skip_blanks(line);
        if (strncmp(body, "//>>", 4) == 0) {
            if (in_region) {
                snprintf(error, error_size, "%s:%d: region opened inside the region of line %d", path, lineno,
                         start_line);
                status = -1;
                break;
            }
            in_region = 1;
            if (has_regions) *has_regions = true;
            start_line = lineno;
            size_t n = (size_t)(body - line);
            if (n >= sizeof indent) n = sizeof indent - 1;
            memcpy(indent, line, n);
            indent[n] = '\0';
        } else if (strncmp(body, "//<<", 4) == 0) {
            if (!in_region) {
                snprintf(error, error_size, "%s:%d: //<< without a matching //>>", path, lineno);
                status = -1;
                break;
            }
            in_region = 0;
        } else if (in_region) {
            if (strncmp(body, "//|", 3) == 0) {
                const char *code = body + 3;
                if (*code == ' ') code++;
                if (*code != '\n') buf_puts(out, indent);
                buf_add(out, code, (size_t)(line + len - code));
            }
        } else {
            buf_add(out, line, len);
        }
        line += len;
    }
    if (status == 0 && in_region) {
        snprintf(error, error_size, "%s:%d: region is never closed with //<<", path, start_line);
        status = -1;
    }
    free(text);
    return status;
}
