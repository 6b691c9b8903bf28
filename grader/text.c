/* text.c -- see text.h. */
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_add(Buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1) cap *= 2;
        char *p = realloc(b->data, cap);
        if (!p) { /* out of memory: drop the text rather than crash the grader */
            return;
        }
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void buf_puts(Buf *b, const char *s) { buf_add(b, s, strlen(s)); }

void buf_printf(Buf *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        buf_add(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) return;
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    buf_add(b, big, (size_t)n);
    free(big);
}

void buf_free(Buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

const char *buf_str(const Buf *b) { return b->data ? b->data : ""; }

int read_file(const char *path, size_t max, char **out, size_t *size, bool *truncated)
{
    *out = NULL;
    if (size) *size = 0;
    if (truncated) *truncated = false;
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    char *data = malloc(max + 1);
    if (!data) {
        fclose(f);
        return -1;
    }
    size_t n = fread(data, 1, max, f);
    data[n] = '\0';
    if (truncated) *truncated = n == max && fgetc(f) != EOF;
    fclose(f);
    *out = data;
    if (size) *size = n;
    return 0;
}

int utf8_sequence_length(const unsigned char *s)
{
    if (s[0] < 0x80) return 1;
    int n;
    unsigned min;
    unsigned cp;
    if ((s[0] & 0xE0) == 0xC0) { n = 2; cp = s[0] & 0x1F; min = 0x80; }
    else if ((s[0] & 0xF0) == 0xE0) { n = 3; cp = s[0] & 0x0F; min = 0x800; }
    else if ((s[0] & 0xF8) == 0xF0) { n = 4; cp = s[0] & 0x07; min = 0x10000; }
    else return 0;
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

/* Length of the ANSI escape sequence at s (s[0] is ESC): CSI "ESC [ ... final",
 * OSC "ESC ] ... BEL or ESC \", or a two-byte "ESC x". */
static size_t escape_length(const unsigned char *s)
{
    size_t i = 1;
    if (s[1] == '[') {
        for (i = 2; s[i] && !(s[i] >= 0x40 && s[i] <= 0x7E); i++) {}
        return s[i] ? i + 1 : i;
    }
    if (s[1] == ']') {
        for (i = 2; s[i] && s[i] != 0x07 && !(s[i] == 0x1B && s[i + 1] == '\\'); i++) {}
        if (s[i] == 0x07) return i + 1;
        return s[i] ? i + 2 : i;
    }
    return s[1] ? 2 : 1;
}

void buf_add_display(Buf *b, const char *text, bool keep_newlines)
{
    const unsigned char *s = (const unsigned char *)text;
    while (*s) {
        if (*s == 0x1B) {
            s += escape_length(s);
        } else if (*s == '\n' && keep_newlines) {
            buf_add(b, "\n", 1);
            s++;
        } else if (*s == '\t') {
            buf_add(b, " ", 1);
            s++;
        } else if (*s < 0x20 || *s == 0x7F) {
            buf_add(b, "?", 1);
            s++;
        } else {
            int n = utf8_sequence_length(s);
            if (n == 0) {
                buf_add(b, "?", 1);
                s++;
            } else {
                buf_add(b, (const char *)s, (size_t)n);
                s += n;
            }
        }
    }
}

void buf_add_json(Buf *b, const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    while (*s) {
        switch (*s) {
        case '"': buf_puts(b, "\\\""); s++; continue;
        case '\\': buf_puts(b, "\\\\"); s++; continue;
        case '\n': buf_puts(b, "\\n"); s++; continue;
        case '\t': buf_puts(b, "\\t"); s++; continue;
        case '\r': buf_puts(b, "\\r"); s++; continue;
        default: break;
        }
        if (*s < 0x20 || *s == 0x7F) {
            buf_printf(b, "\\u%04x", *s);
            s++;
            continue;
        }
        int n = utf8_sequence_length(s);
        if (n == 0) {
            buf_puts(b, "\\ufffd");
            s++;
        } else {
            buf_add(b, (const char *)s, (size_t)n);
            s += n;
        }
    }
}

int edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 200 || lb > 200) return 1000;
    int row[201];
    for (size_t j = 0; j <= lb; j++) row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int up = row[j];
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            int best = diag + cost;
            if (row[j] + 1 < best) best = row[j] + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}
