/* jsoncheck.c -- see jsoncheck.h. A recursive-descent validator: it builds
 * nothing, it only walks the grammar. */
#include "jsoncheck.h"

#include "text.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const unsigned char *p, *start, *end;
    const char *expected;
    int depth;
} Json;

static void skip_ws(Json *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) j->p++;
}

static bool fail(Json *j, const char *what)
{
    if (!j->expected) j->expected = what;
    return false;
}

static bool value(Json *j);

static bool literal(Json *j, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0) return fail(j, word);
    j->p += n;
    return true;
}

static bool string(Json *j)
{
    if (j->p >= j->end || *j->p != '"') return fail(j, "a string");
    j->p++;
    while (j->p < j->end && *j->p != '"') {
        if (*j->p < 0x20) return fail(j, "an escaped control character");
        if (*j->p == '\\') {
            j->p++;
            if (j->p >= j->end) return fail(j, "an escape");
            if (*j->p == 'u') {
                for (int i = 1; i <= 4; i++) {
                    if (j->p + i >= j->end || !strchr("0123456789abcdefABCDEF", j->p[i]) || !j->p[i])
                        return fail(j, "four hex digits after \\u");
                }
                j->p += 5;
            } else if (strchr("\"\\/bfnrt", *j->p) && *j->p) {
                j->p++;
            } else {
                return fail(j, "a valid escape");
            }
        } else {
            int n = utf8_sequence_length(j->p);
            if (n == 0 || j->p + n > j->end) return fail(j, "valid UTF-8");
            j->p += n;
        }
    }
    if (j->p >= j->end) return fail(j, "the closing quote");
    j->p++;
    return true;
}

static bool number(Json *j)
{
    if (j->p < j->end && *j->p == '-') j->p++;
    if (j->p >= j->end || *j->p < '0' || *j->p > '9') return fail(j, "a digit");
    if (*j->p == '0') j->p++;
    else while (j->p < j->end && *j->p >= '0' && *j->p <= '9') j->p++;
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        if (j->p >= j->end || *j->p < '0' || *j->p > '9') return fail(j, "a digit after the point");
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9') j->p++;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-')) j->p++;
        if (j->p >= j->end || *j->p < '0' || *j->p > '9') return fail(j, "an exponent");
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9') j->p++;
    }
    return true;
}

static bool sequence(Json *j, char close, bool members)
{
    j->p++;
    if (++j->depth > 200) return fail(j, "less nesting");
    skip_ws(j);
    if (j->p < j->end && *j->p == close) {
        j->p++;
        j->depth--;
        return true;
    }
    for (;;) {
        skip_ws(j);
        if (members) {
            if (!string(j)) return false;
            skip_ws(j);
            if (j->p >= j->end || *j->p != ':') return fail(j, "':'");
            j->p++;
        }
        if (!value(j)) return false;
        skip_ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == close) {
            j->p++;
            j->depth--;
            return true;
        }
        return fail(j, members ? "',' or '}'" : "',' or ']'");
    }
}

static bool value(Json *j)
{
    skip_ws(j);
    if (j->p >= j->end) return fail(j, "a value");
    switch (*j->p) {
    case '{': return sequence(j, '}', true);
    case '[': return sequence(j, ']', false);
    case '"': return string(j);
    case 't': return literal(j, "true");
    case 'f': return literal(j, "false");
    case 'n': return literal(j, "null");
    default: return number(j);
    }
}

int json_validate(const char *text, size_t size, char *error, size_t error_size)
{
    Json j = {(const unsigned char *)text, (const unsigned char *)text, (const unsigned char *)text + size, NULL, 0};
    bool ok = value(&j);
    if (ok) {
        skip_ws(&j);
        if (j.p != j.end) ok = fail(&j, "the end of the text");
    }
    if (!ok) snprintf(error, error_size, "at byte %td: expected %s", (const char *)j.p - text, j.expected);
    return ok ? 0 : -1;
}

int check_json_command(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: grader check-json FILE\n");
        return 2;
    }
    char *text;
    size_t size;
    bool truncated;
    if (read_file(argv[1], 64u << 20, &text, &size, &truncated) != 0 || truncated) {
        fprintf(stderr, "check-json: cannot read %s\n", argv[1]);
        return 1;
    }
    char error[200];
    int status = json_validate(text, size, error, sizeof error);
    if (status != 0) fprintf(stderr, "check-json: %s is not valid JSON: %s\n", argv[1], error);
    free(text);
    return status == 0 ? 0 : 1;
}
