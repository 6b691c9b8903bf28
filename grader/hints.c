/* hints.c -- see hints.h. */
#include "hints.h"

#include "files.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { LEVELS = 3 };

typedef struct {
    char test[200];
    char *level[LEVELS]; /* owned; NULL when not written */
} HintEntry;

typedef struct {
    HintEntry *items;
    size_t count;
} Hints;

static void hints_free(Hints *h)
{
    for (size_t i = 0; i < h->count; i++)
        for (int k = 0; k < LEVELS; k++) free(h->items[i].level[k]);
    free(h->items);
    h->items = NULL;
    h->count = 0;
}

/* Parses hints.txt; problems (may be NULL) gets malformed lines. */
static void hints_load(Hints *h, const char *path, Buf *problems)
{
    h->items = NULL;
    h->count = 0;
    char *text;
    if (read_file(path, 4u << 20, &text, NULL, NULL) != 0) return;
    HintEntry *cur = NULL;
    int last = 0, lineno = 0;
    Buf level = {0};
    int level_no = 0;
    for (char *line = text; *line;) {
        char *end = strchr(line, '\n');
        if (end) *end = '\0';
        lineno++;
        bool continuation = line[0] == ' ' && line[1] == ' ' && level_no > 0;
        if (!continuation && level_no > 0) { /* close the level being read */
            cur->level[level_no - 1] = strdup(buf_str(&level));
            buf_free(&level);
            level_no = 0;
        }
        if (continuation) {
            buf_puts(&level, "\n");
            buf_puts(&level, line + 2);
        } else if (line[0] == '#' || line[0] == '\0') {
        } else if (line[0] == '[') {
            char *close = strchr(line, ']');
            HintEntry *grown = close ? realloc(h->items, (h->count + 1) * sizeof *grown) : NULL;
            if (!grown) {
                if (problems) buf_printf(problems, "%s:%d: expected [suite/name]\n", path, lineno);
            } else {
                h->items = grown;
                cur = &h->items[h->count++];
                memset(cur, 0, sizeof *cur);
                snprintf(cur->test, sizeof cur->test, "%.*s", (int)(close - line - 1), line + 1);
                last = 0;
            }
        } else if (cur && line[0] >= '1' && line[0] <= '3' && line[1] == ':') {
            int k = line[0] - '0';
            if (k != last + 1 && problems)
                buf_printf(problems, "%s:%d: hint %d of %s follows hint %d\n", path, lineno, k, cur->test, last);
            last = k;
            level_no = k;
            buf_puts(&level, line[2] == ' ' ? line + 3 : line + 2);
        } else if (problems) {
            buf_printf(problems, "%s:%d: cannot read this line (expected [suite/name], \"1: ...\" or a "
                       "continuation indented by two spaces)\n", path, lineno);
        }
        if (!end) break;
        line = end + 1;
    }
    if (level_no > 0 && cur) cur->level[level_no - 1] = strdup(buf_str(&level));
    buf_free(&level);
    free(text);
}

static const HintEntry *hints_find(const Hints *h, const GradedTest *t)
{
    for (size_t i = 0; i < h->count; i++)
        if (strcmp(h->items[i].test, t->full) == 0 || strcmp(h->items[i].test, t->name) == 0) return &h->items[i];
    return NULL;
}

void hints_check(const char *hints_path, const TestList *tests, bool require_all, Buf *problems)
{
    Hints h;
    hints_load(&h, hints_path, problems);
    for (size_t i = 0; i < h.count; i++) {
        if (testlist_find(tests, h.items[i].test) < 0)
            buf_printf(problems, "%s: [%s] is no test of the chapter\n", hints_path, h.items[i].test);
    }
    for (size_t i = 0; require_all && i < tests->count; i++) {
        const HintEntry *e = hints_find(&h, &tests->tests[i]);
        for (int k = 0; k < LEVELS; k++)
            if (!e || !e->level[k] || !*e->level[k]) {
                buf_printf(problems, "%s: %s has no hint %d\n", hints_path, tests->tests[i].full, k + 1);
                break;
            }
    }
    hints_free(&h);
}

/* ---- how far each test has gone ------------------------------------------------------ */

static void used_path(char *out, size_t size, const char *chapter)
{
    snprintf(out, size, "build/grade/%s-student/hints-used.txt", chapter);
}

/* The level test has reached (0: none yet). */
static int used_level(const char *chapter, const char *test)
{
    char path[300], *text;
    used_path(path, sizeof path, chapter);
    if (read_file(path, 1u << 20, &text, NULL, NULL) != 0) return 0;
    int level = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char name[200];
        int k;
        if (sscanf(line, "%199s %d", name, &k) == 2 && strcmp(name, test) == 0) level = k;
    }
    free(text);
    return level;
}

int hints_used_total(const char *chapter)
{
    char path[300], *text;
    used_path(path, sizeof path, chapter);
    if (read_file(path, 1u << 20, &text, NULL, NULL) != 0) return 0;
    /* The last line of each test holds its level; the sum of those. */
    int total = 0;
    char names[256][200];
    int levels[256], n = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char name[200];
        int k, i;
        if (sscanf(line, "%199s %d", name, &k) != 2) continue;
        for (i = 0; i < n && strcmp(names[i], name) != 0; i++) {}
        if (i == n && n < 256) snprintf(names[n++], sizeof names[0], "%s", name);
        if (i < 256) levels[i] = k;
    }
    for (int i = 0; i < n; i++) total += levels[i];
    free(text);
    return total;
}

static void record_level(const char *chapter, const char *test, int level)
{
    char path[300], dir[300];
    used_path(path, sizeof path, chapter);
    snprintf(dir, sizeof dir, "build/grade/%s-student", chapter);
    mkdir_p(dir, 0755);
    FILE *f = fopen(path, "a");
    if (!f) return;
    fprintf(f, "%s %d\n", test, level);
    fclose(f);
}

/* The first test results.json reports as failed, or NULL (no results, or
 * all passed: *all_passed tells which). */
static char *first_failed(const char *chapter, bool *have_results, bool *all_passed)
{
    char path[300], *text;
    snprintf(path, sizeof path, "build/grade/%s-student/results.json", chapter);
    *have_results = *all_passed = false;
    if (read_file(path, 8u << 20, &text, NULL, NULL) != 0) return NULL;
    *have_results = true;
    char *found = NULL;
    /* The grader's own file: one test a line, "name" first, then "status". */
    for (char *p = strstr(text, "{\"name\": \""); p && !found; p = strstr(p + 1, "{\"name\": \"")) {
        char *name = p + 10, *q = strchr(name, '"');
        char *status = q ? strstr(q, "\"status\": \"") : NULL;
        if (q && status && strncmp(status + 11, "failed", 6) == 0) found = strndup(name, (size_t)(q - name));
    }
    if (!found) *all_passed = strstr(text, "\"tests\": [") != NULL;
    free(text);
    return found;
}

int hint_command(int argc, char **argv)
{
    const char *chapter = NULL, *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--test") == 0 && i + 1 < argc) only = argv[++i];
        else if (argv[i][0] != '-' && !chapter) chapter = argv[i];
        else {
            fprintf(stderr, "usage: make hint CH=NN [TEST=name]\n");
            return 2;
        }
    }
    if (!chapter || !isdigit((unsigned char)chapter[0])) {
        fprintf(stderr, "usage: make hint CH=NN [TEST=name]\n");
        return 2;
    }
    char number[3];
    snprintf(number, sizeof number, "%02d", atoi(chapter));
    char slug[200];
    if (chapter_slug(number, slug, sizeof slug, NULL, 0) != 0) {
        fprintf(stderr, "hint: there is no chapter %s\n", number);
        return 2;
    }
    /* The chapter's tests, from their sources (as the grader reads them). */
    char dir[400];
    snprintf(dir, sizeof dir, "chapters/%s/tests", slug);
    char **files;
    size_t nf;
    if (list_names(dir, ".c", false, &files, &nf) != 0) nf = 0; /* every test source */
    char *paths[64];
    size_t np = 0;
    for (size_t i = 0; i < nf && np < 64; i++) {
        paths[np] = malloc(strlen(dir) + strlen(files[i]) + 2);
        sprintf(paths[np++], "%s/%s", dir, files[i]);
    }
    free_list(files, nf);
    TestList tests;
    char error[600];
    int rc = testlist_read(&tests, paths, np, error, sizeof error);
    for (size_t i = 0; i < np; i++) free(paths[i]);
    if (rc != 0) {
        fprintf(stderr, "hint: %s\n", error);
        return 3;
    }
    long which = -1;
    if (only) {
        which = testlist_find(&tests, only);
        if (which < 0) {
            fprintf(stderr, "hint: chapter %s has no test called '%s' (make grade CH=%s lists them)\n", number, only,
                    number);
            testlist_free(&tests);
            return 2;
        }
    } else {
        bool have, all;
        char *name = first_failed(number, &have, &all);
        if (!name) {
            if (!have) printf("No grade yet: run `make grade CH=%s` first; then `make hint CH=%s` helps with its "
                              "first failing test.\n", number, number);
            else printf("Every test of chapter %s passes: no hint needed.\n", number);
            testlist_free(&tests);
            return 0;
        }
        which = testlist_find(&tests, name);
        free(name);
        if (which < 0) {
            printf("The last grade's first failing test is not one of the chapter's tests any more: grade again.\n");
            testlist_free(&tests);
            return 0;
        }
    }
    const GradedTest *t = &tests.tests[which];
    char hints_path[500];
    snprintf(hints_path, sizeof hints_path, "chapters/%s/tests/hints.txt", slug);
    Hints h;
    hints_load(&h, hints_path, NULL);
    const HintEntry *e = hints_find(&h, t);
    int written = 0;
    for (int k = 0; e && k < LEVELS; k++)
        if (e->level[k]) written = k + 1;
    int level = used_level(number, t->full) + 1;
    if (written == 0) {
        printf("Hint for %s (its test's own hint; no more are written for it):\n  %s\n", t->full, t->hint);
    } else if (level > written) {
        printf("That was the last hint for %s (%d of %d). Its test's hint: %s\n"
               "Rerun it alone with all its output: make grade CH=%s TEST=%s\n",
               t->full, written, written, t->hint, number, t->name);
    } else {
        printf("Hint %d of %d for %s:\n", level, written, t->full);
        Buf safe = {0};
        buf_add_display(&safe, e->level[level - 1], true);
        for (const char *p = buf_str(&safe); *p;) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            printf("  %.*s\n", (int)len, p);
            p += len + (nl ? 1 : 0);
        }
        buf_free(&safe);
        record_level(number, t->full, level);
        if (level < written) {
            if (only) printf("(`make hint CH=%s TEST=%s` again for hint %d.)\n", number, only, level + 1);
            else printf("(`make hint CH=%s` again for hint %d.)\n", number, level + 1);
        }
    }
    hints_free(&h);
    testlist_free(&tests);
    return 0;
}
