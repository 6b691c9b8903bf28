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
    char indent[256] = "";
    int in_region = 0, start_line = 0, lineno = 0, status = 0;
    for (char *line = text; *line && status == 0;) {
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
