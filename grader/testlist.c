/* testlist.c -- see testlist.h. */
#include "testlist.h"

#include "text.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *p;   /* the cursor */
    int line;
} Cursor;

static void skip_space(Cursor *c)
{
    for (;;) {
        while (*c->p && isspace((unsigned char)*c->p)) {
            if (*c->p == '\n') c->line++;
            c->p++;
        }
        if (c->p[0] == '/' && c->p[1] == '/') {
            while (*c->p && *c->p != '\n') c->p++;
        } else if (c->p[0] == '/' && c->p[1] == '*') {
            c->p += 2;
            while (*c->p && !(c->p[0] == '*' && c->p[1] == '/')) {
                if (*c->p == '\n') c->line++;
                c->p++;
            }
            if (*c->p) c->p += 2;
        } else {
            return;
        }
    }
}

/* An identifier or number (the characters up to a comma, paren or space). */
static int read_token(Cursor *c, char *out, size_t size)
{
    skip_space(c);
    size_t n = 0;
    while (*c->p && (isalnum((unsigned char)*c->p) || *c->p == '_' || *c->p == '.')) {
        if (n + 1 >= size) return -1;
        out[n++] = *c->p++;
    }
    out[n] = '\0';
    return n ? 0 : -1;
}

static int expect_char(Cursor *c, char ch)
{
    skip_space(c);
    if (*c->p != ch) return -1;
    c->p++;
    return 0;
}

/* One or more adjacent string literals, concatenated (escapes kept simple:
 * \" \\ \n \t). */
static int read_strings(Cursor *c, char *out, size_t size)
{
    size_t n = 0;
    int count = 0;
    for (;;) {
        skip_space(c);
        if (*c->p != '"') break;
        c->p++;
        while (*c->p && *c->p != '"') {
            char ch = *c->p++;
            if (ch == '\n') return -1;
            if (ch == '\\' && *c->p) {
                char e = *c->p++;
                ch = e == 'n' ? '\n' : e == 't' ? '\t' : e;
            }
            if (n + 1 < size) out[n++] = ch;
        }
        if (*c->p != '"') return -1;
        c->p++;
        count++;
    }
    out[n] = '\0';
    return count ? 0 : -1;
}

static int parse_declaration(Cursor *c, bool with_timeout, GradedTest *t)
{
    char points[32], seconds[32] = "5.0";
    if (expect_char(c, '(') || read_token(c, t->suite, sizeof t->suite) || expect_char(c, ',') ||
        read_token(c, t->name, sizeof t->name) || expect_char(c, ',') ||
        read_token(c, points, sizeof points) || expect_char(c, ','))
        return -1;
    if (with_timeout && (read_token(c, seconds, sizeof seconds) || expect_char(c, ','))) return -1;
    if (read_strings(c, t->hint, sizeof t->hint) || expect_char(c, ')')) return -1;
    char *end;
    long p = strtol(points, &end, 10);
    if (*end || p < 0 || p > 1000) return -1;
    double s = strtod(seconds, &end);
    if (*end || !(s > 0 && s <= 600)) return -1;
    t->points = (int)p;
    t->timeout = s;
    snprintf(t->full, sizeof t->full, "%s/%s", t->suite, t->name);
    return 0;
}

static int starts_with_word(const char *p, const char *word)
{
    size_t n = strlen(word);
    return strncmp(p, word, n) == 0 && !(isalnum((unsigned char)p[n]) || p[n] == '_');
}

int testlist_read(TestList *list, char *const *files, size_t n, char *error, size_t error_size)
{
    list->tests = NULL;
    list->count = 0;
    size_t cap = 0;
    for (size_t f = 0; f < n; f++) {
        char *text;
        size_t size;
        if (read_file(files[f], 4u << 20, &text, &size, NULL) != 0) {
            snprintf(error, error_size, "cannot read %s", files[f]);
            testlist_free(list);
            return -1;
        }
        Cursor c = {text, 1};
        const char *line_start = text;
        for (const char *p = text; *p;) {
            /* Declarations start at the beginning of a line. */
            if (p == line_start) {
                bool alone = starts_with_word(p, "GRADED_TEST_ALONE");
                bool timeout = alone || starts_with_word(p, "GRADED_TEST_TIMEOUT");
                bool plain = starts_with_word(p, "GRADED_TEST");
                const char *macro = alone ? "GRADED_TEST_ALONE" : timeout ? "GRADED_TEST_TIMEOUT" : "GRADED_TEST";
                int line = c.line;
                if (timeout || plain) {
                    if (list->count == cap) {
                        cap = cap ? 2 * cap : 32;
                        GradedTest *grown = realloc(list->tests, cap * sizeof *grown);
                        if (!grown) { free(text); testlist_free(list); snprintf(error, error_size, "out of memory"); return -1; }
                        list->tests = grown;
                    }
                    GradedTest *t = &list->tests[list->count];
                    memset(t, 0, sizeof *t);
                    c.p = p + strlen(macro);
                    if (parse_declaration(&c, timeout, t) != 0) {
                        snprintf(error, error_size,
                                 "%s:%d: cannot read this %s declaration (suite, name, points,%s \"hint\")",
                                 files[f], line, macro,
                                 timeout ? " seconds," : "");
                        free(text);
                        testlist_free(list);
                        return -1;
                    }
                    t->alone = alone;
                    snprintf(t->file, sizeof t->file, "%s", files[f]);
                    t->line = line;
                    for (size_t i = 0; i < list->count; i++) {
                        if (strcmp(list->tests[i].full, t->full) == 0) {
                            snprintf(error, error_size, "%s:%d: test %s is declared twice (also %s:%d)", files[f],
                                     line, t->full, list->tests[i].file, list->tests[i].line);
                            free(text);
                            testlist_free(list);
                            return -1;
                        }
                    }
                    list->count++;
                    /* Continue scanning from where the declaration ended. */
                    p = c.p;
                    while (*p && *p != '\n') p++;
                    continue;
                }
                if (starts_with_word(p, "Test") || starts_with_word(p, "ParameterizedTest") ||
                    starts_with_word(p, "Theory")) {
                    snprintf(error, error_size,
                             "%s:%d: a plain Criterion test would run without being graded: declare it with "
                             "GRADED_TEST(suite, name, points, \"hint\")",
                             files[f], line);
                    free(text);
                    testlist_free(list);
                    return -1;
                }
            }
            if (*p == '\n') {
                c.line++;
                line_start = p + 1;
            }
            p++;
        }
        free(text);
    }
    return 0;
}

void testlist_free(TestList *list)
{
    free(list->tests);
    list->tests = NULL;
    list->count = 0;
}

long testlist_find(const TestList *list, const char *name)
{
    long found = -1;
    int matches = 0;
    for (size_t i = 0; i < list->count; i++) {
        if (strcmp(list->tests[i].full, name) == 0) return (long)i;
        if (strcmp(list->tests[i].name, name) == 0) {
            found = (long)i;
            matches++;
        }
    }
    return matches == 1 ? found : -1;
}

void testlist_order_by_lesson(TestList *list, const char *lesson_path, Buf *problems)
{
    char *text;
    if (read_file(lesson_path, 4u << 20, &text, NULL, NULL) != 0) {
        if (problems) buf_printf(problems, "%s: cannot read the lesson\n", lesson_path);
        return;
    }
    GradedTest *ordered = malloc((list->count ? list->count : 1) * sizeof *ordered);
    bool *placed = calloc(list->count ? list->count : 1, sizeof *placed);
    if (!ordered || !placed) {
        free(ordered);
        free(placed);
        free(text);
        return;
    }
    size_t n = 0;
    /* Table rows only: lines that start with '|'. */
    for (char *line = text; *line;) {
        char *end = strchr(line, '\n');
        if (end) *end = '\0';
        if (line[0] == '|') {
            for (char *p = strchr(line, '`'); p; p = strchr(p, '`')) {
                char *close = strchr(p + 1, '`');
                if (!close) break;
                char name[200];
                size_t len = (size_t)(close - p - 1);
                int points = -1;
                if (len < sizeof name && close[1] == ' ' && close[2] == '(' && isdigit((unsigned char)close[3])) {
                    memcpy(name, p + 1, len);
                    name[len] = '\0';
                    points = atoi(close + 3);
                    long i = testlist_find(list, name);
                    if (i < 0) {
                        if (problems) buf_printf(problems, "%s names `%s` (%d), which is no test of the chapter\n",
                                                 lesson_path, name, points);
                    } else if (placed[i]) {
                        if (problems) buf_printf(problems, "%s names `%s` twice\n", lesson_path, name);
                    } else {
                        if (problems && points != list->tests[i].points)
                            buf_printf(problems, "%s gives %s %d point%s; the test is worth %d\n", lesson_path,
                                       list->tests[i].full, points, points == 1 ? "" : "s",
                                       list->tests[i].points);
                        placed[i] = true;
                        ordered[n++] = list->tests[i];
                    }
                }
                p = close + 1;
            }
        }
        if (!end) break;
        line = end + 1;
    }
    for (size_t i = 0; i < list->count; i++) {
        if (placed[i]) continue;
        if (problems)
            buf_printf(problems, "%s does not list %s (%d) in its exercise table\n", lesson_path,
                       list->tests[i].full, list->tests[i].points);
        ordered[n++] = list->tests[i];
    }
    memcpy(list->tests, ordered, list->count * sizeof *ordered);
    free(ordered);
    free(placed);
    free(text);
}
