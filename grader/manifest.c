/* manifest.c -- see manifest.h. */
#include "manifest.h"

#include "files.h"
#include "sha256.h"
#include "skeleton.h"
#include "symcheck.h"
#include "text.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- reading -------------------------------------------------------------------- */

int checksums_load(Checksums *c, const char *path, char *error, size_t error_size)
{
    c->items = NULL;
    c->count = 0;
    char *text;
    if (read_file(path, 16u << 20, &text, NULL, NULL) != 0) return 0;
    size_t cap = 0;
    int lineno = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        lineno++;
        if (line[0] == '#' || line[0] == '\0') continue;
        Checksum e;
        memset(&e, 0, sizeof e);
        if (sscanf(line, "%11s %64s %399s", e.kind, e.sha, e.path) != 3 || strlen(e.sha) != 64) {
            snprintf(error, error_size, "%s: line %d is not \"kind sha256 path\"", path, lineno);
            free(text);
            checksums_free(c);
            return -1;
        }
        if (c->count == cap) {
            cap = cap ? 2 * cap : 256;
            Checksum *grown = realloc(c->items, cap * sizeof *grown);
            if (!grown) {
                free(text);
                checksums_free(c);
                snprintf(error, error_size, "out of memory");
                return -1;
            }
            c->items = grown;
        }
        c->items[c->count++] = e;
    }
    free(text);
    return 0;
}

const Checksum *checksums_find(const Checksums *c, const char *kind, const char *path)
{
    for (size_t i = 0; i < c->count; i++)
        if (strcmp(c->items[i].kind, kind) == 0 && strcmp(c->items[i].path, path) == 0) return &c->items[i];
    return NULL;
}

void checksums_free(Checksums *c)
{
    free(c->items);
    c->items = NULL;
    c->count = 0;
}

/* A sorted list of names (files.h's list_names). */
typedef struct {
    char **items;
    size_t count;
} Names;

/* Keeps the names for which keep() is true, in order. */
static void names_filter(Names *n, bool (*keep)(const char *))
{
    size_t k = 0;
    for (size_t i = 0; i < n->count; i++) {
        if (keep(n->items[i])) n->items[k++] = n->items[i];
        else free(n->items[i]);
    }
    n->count = k;
}

static bool is_slug(const char *s)
{
    return s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && s[2] == '-';
}

static bool is_source(const char *s)
{
    size_t n = strlen(s);
    return n > 2 && s[n - 2] == '.' && (s[n - 1] == 'c' || s[n - 1] == 'h');
}

/* The chapter slugs (NN-name) of a folder, sorted. */
static int chapter_slugs(const char *root, Names *out)
{
    if (list_names(root, "", true, &out->items, &out->count) != 0) return -1;
    names_filter(out, is_slug);
    return 0;
}

/* The .c and .h files directly in dir, sorted (none when dir is absent). */
static void source_names(const char *dir, Names *out)
{
    if (list_names(dir, "", false, &out->items, &out->count) != 0) {
        out->items = NULL;
        out->count = 0;
        return;
    }
    names_filter(out, is_source);
}

static void sha_of_bytes(const char *data, size_t size, char hex[65])
{
    Sha256 h;
    sha256_init(&h);
    sha256_update(&h, data, size);
    sha256_final_hex(&h, hex);
}

/* ---- generating checksums.txt ---------------------------------------------------------- */

static int generate_checksums(Buf *out, char *error, size_t error_size)
{
    buf_puts(out, "# grader/checksums.txt -- the workbook's test files and shipped skeletons, by\n"
                  "# SHA-256. Written by `make manifest` (and `make skeletons`); `make test`\n"
                  "# fails when it is out of date. The grader refuses a changed test file.\n");
    Names slugs = {0};
    if (chapter_slugs("chapters", &slugs) != 0) {
        snprintf(error, error_size, "cannot list chapters/");
        return -1;
    }
    /* The datasets that ship with the workbook (the tests read digits). */
    static const char *const shipped_datasets[] = {"datasets/digits.csv.gz", NULL};
    for (size_t i = 0; shipped_datasets[i]; i++) {
        char hex[65];
        if (sha256_file(shipped_datasets[i], hex) != 0) {
            snprintf(error, error_size, "cannot read %s", shipped_datasets[i]);
            free_list(slugs.items, slugs.count);
            return -1;
        }
        buf_printf(out, "dataset %s %s\n", hex, shipped_datasets[i]);
    }
    for (size_t i = 0; i < slugs.count; i++) {
        char dir[512];
        snprintf(dir, sizeof dir, "chapters/%s/tests", slugs.items[i]);
        char **files;
        size_t n;
        if (list_files(dir, &files, &n) == 0) {
            for (size_t k = 0; k < n; k++) {
                char hex[65];
                if (sha256_file(files[k], hex) != 0) {
                    snprintf(error, error_size, "cannot read %s", files[k]);
                    free_list(files, n);
                    free_list(slugs.items, slugs.count);
                    return -1;
                }
                buf_printf(out, "test %s %s\n", hex, files[k]);
            }
            free_list(files, n);
        }
        /* The shipped skeletons: each solution file's generated form. */
        snprintf(dir, sizeof dir, "solutions/%s", slugs.items[i]);
        Names sources = {0};
        source_names(dir, &sources);
        for (size_t k = 0; k < sources.count; k++) {
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", dir, sources.items[k]);
            Buf skel = {0};
            if (skeleton_make(path, &skel, NULL, error, error_size) != 0) {
                buf_free(&skel);
                free_list(sources.items, sources.count);
                free_list(slugs.items, slugs.count);
                return -1;
            }
            char hex[65];
            sha_of_bytes(buf_str(&skel), skel.len, hex);
            buf_printf(out, "skeleton %s chapters/%s/%s\n", hex, slugs.items[i], sources.items[k]);
            buf_free(&skel);
        }
        free_list(sources.items, sources.count);
    }
    free_list(slugs.items, slugs.count);
    return 0;
}

/* ---- generating allowed-symbols.txt ------------------------------------------------------- */

/* The non-empty lines of a file, as an array (free with free_list); NULL
 * when the file cannot be read. */
static char **read_lines(const char *path, size_t *n)
{
    char *text;
    *n = 0;
    if (read_file(path, 1u << 20, &text, NULL, NULL) != 0) return NULL;
    size_t cap = 16;
    char **lines = malloc(cap * sizeof *lines);
    for (char *line = strtok(text, "\n"); line && lines; line = strtok(NULL, "\n")) {
        if (!*line) continue;
        if (*n == cap) {
            char **grown = realloc(lines, (cap *= 2) * sizeof *lines);
            if (!grown) break;
            lines = grown;
        }
        lines[(*n)++] = strdup(line);
    }
    free(text);
    return lines;
}

static int compare_findings(const void *a, const void *b)
{
    const SymbolFinding *x = a, *y = b;
    int c = strcmp(x->file, y->file);
    return c ? c : strcmp(x->symbol, y->symbol);
}

static int generate_allowed(Buf *out, char *error, size_t error_size)
{
    buf_puts(out, "# grader/allowed-symbols.txt -- per solution file, what its reference calls\n"
                  "# beyond what every exercise may (see grader/symcheck.h): a student's version\n"
                  "# of the same file may call these too. Written by `make manifest`.\n");
    Names slugs = {0};
    if (chapter_slugs("solutions", &slugs) != 0) {
        snprintf(error, error_size, "cannot list solutions/");
        return -1;
    }
    const char *build = getenv("BUILD") && *getenv("BUILD") ? getenv("BUILD") : "build";
    int status = 0;
    for (size_t i = 0; i < slugs.count && status == 0; i++) {
        const char *slug = slugs.items[i];
        char path[1024];
        size_t ns = 0, nt = 0;
        snprintf(path, sizeof path, "%s/solution/%s/student-objects.txt", build, slug);
        char **student = read_lines(path, &ns);
        snprintf(path, sizeof path, "%s/solution/%s/trusted-objects.txt", build, slug);
        char **trusted = read_lines(path, &nt);
        if (!student) {
            snprintf(error, error_size,
                     "%s/solution/%s has no object list: build the solutions first (make manifest does)", build,
                     slug);
            status = -1;
        } else {
            char library[1024], source_dir[512];
            snprintf(library, sizeof library, "%s/lib/libcnn.a", build);
            snprintf(source_dir, sizeof source_dir, "solutions/%s", slug);
            SymbolCheck check = {(const char *const *)student, ns, source_dir, (const char *const *)trusted,
                                 trusted ? nt : 0, library, slug, NULL};
            SymbolFindings fs;
            if (symcheck_run(&check, &fs, error, error_size) != 0) {
                status = -1;
            } else {
                /* One line per file, files and symbols in byte order. */
                if (fs.count) qsort(fs.items, fs.count, sizeof *fs.items, compare_findings);
                for (size_t a = 0; a < fs.count; a++) {
                    bool first = true;
                    for (size_t b = 0; b < a; b++)
                        if (strcmp(fs.items[a].file, fs.items[b].file) == 0) first = false;
                    if (!first) continue;
                    buf_printf(out, "%s/%s", slug, fs.items[a].file);
                    for (size_t b = a; b < fs.count; b++)
                        if (strcmp(fs.items[a].file, fs.items[b].file) == 0 &&
                            strcmp(fs.items[b].symbol, "a system-call instruction") != 0)
                            buf_printf(out, " %s", fs.items[b].symbol);
                    buf_puts(out, "\n");
                }
                symcheck_free(&fs);
            }
        }
        if (student) free_list(student, ns);
        if (trusted) free_list(trusted, nt);
    }
    free_list(slugs.items, slugs.count);
    return status;
}

/* ---- the subcommands ------------------------------------------------------------------------ */

static int write_or_check(const char *path, const Buf *content, bool write)
{
    if (file_equals(path, buf_str(content), content->len)) {
        printf("%s is up to date\n", path);
        return 0;
    }
    if (!write) {
        fprintf(stderr, "%s is out of date: run `make manifest` and commit the result\n", path);
        return 1;
    }
    if (write_file_atomically(path, buf_str(content), content->len) != 0) {
        fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
        return 1;
    }
    printf("wrote %s\n", path);
    return 0;
}

int manifest_command(int argc, char **argv)
{
    bool write = argc >= 2 && strcmp(argv[1], "write") == 0;
    bool check = argc >= 2 && strcmp(argv[1], "check") == 0;
    bool only_checksums = argc >= 3 && strcmp(argv[2], "--checksums") == 0;
    if (!write && !check) {
        fprintf(stderr, "usage: grader manifest write|check [--checksums]\n");
        return 2;
    }
    char error[512] = "";
    Buf sums = {0}, allowed = {0};
    int status = 0;
    if (generate_checksums(&sums, error, sizeof error) != 0) {
        fprintf(stderr, "manifest: %s\n", error);
        status = 1;
    } else {
        status |= write_or_check(CHECKSUMS_PATH, &sums, write);
    }
    if (status == 0 && !only_checksums) {
        if (generate_allowed(&allowed, error, sizeof error) != 0) {
            fprintf(stderr, "manifest: %s\n", error);
            status = 1;
        } else {
            status |= write_or_check(ALLOWED_SYMBOLS_PATH, &allowed, write);
        }
    }
    buf_free(&sums);
    buf_free(&allowed);
    return status;
}

int skeletons_command(int argc, char **argv)
{
    bool write = argc >= 2 && strcmp(argv[1], "write") == 0;
    bool check = argc >= 2 && strcmp(argv[1], "check") == 0;
    bool force = argc >= 3 && strcmp(argv[2], "--force") == 0;
    if (!write && !check) {
        fprintf(stderr, "usage: grader skeletons write [--force] | check\n");
        return 2;
    }
    char error[512] = "";
    Checksums shipped;
    if (checksums_load(&shipped, CHECKSUMS_PATH, error, sizeof error) != 0) {
        fprintf(stderr, "skeletons: %s\n", error);
        return 1;
    }
    Names slugs = {0};
    chapter_slugs("solutions", &slugs);
    int drift = 0, count = 0, written = 0;
    Buf refused = {0};
    /* Two passes when writing: first decide, then write only if nothing is
     * refused, so a refusal leaves every file as it was. */
    for (int pass = 0; pass < (write ? 2 : 1); pass++) {
        for (size_t i = 0; i < slugs.count; i++) {
            char dir[512];
            snprintf(dir, sizeof dir, "solutions/%s", slugs.items[i]);
            Names sources = {0};
            source_names(dir, &sources);
            for (size_t k = 0; k < sources.count; k++) {
                char sol[1024], skel[1024];
                snprintf(sol, sizeof sol, "%s/%s", dir, sources.items[k]);
                snprintf(skel, sizeof skel, "chapters/%s/%s", slugs.items[i], sources.items[k]);
                Buf made = {0};
                if (skeleton_make(sol, &made, NULL, error, sizeof error) != 0) {
                    fprintf(stderr, "skeletons: %s (broken markers)\n", error);
                    buf_free(&made);
                    return 1;
                }
                if (pass == 0) count++;
                if (file_equals(skel, buf_str(&made), made.len)) {
                    buf_free(&made);
                    continue;
                }
                if (check) {
                    fprintf(stderr, "  %s differs from what the generator makes of %s\n", skel, sol);
                    drift = 1;
                } else if (pass == 0) {
                    /* Overwrite only a missing file or the skeleton as shipped. */
                    char hex[65];
                    const Checksum *c = checksums_find(&shipped, "skeleton", skel);
                    bool missing = sha256_file(skel, hex) != 0;
                    if (!missing && !force && !(c && strcmp(c->sha, hex) == 0)) buf_printf(&refused, "    %s\n", skel);
                } else {
                    if (write_file_atomically(skel, buf_str(&made), made.len) != 0) {
                        fprintf(stderr, "skeletons: cannot write %s\n", skel);
                        buf_free(&made);
                        return 1;
                    }
                    printf("  wrote %s\n", skel);
                    written++;
                }
                buf_free(&made);
            }
            free_list(sources.items, sources.count);
        }
        if (write && pass == 0 && refused.len) {
            fprintf(stderr,
                    "make skeletons: these chapter files are not the skeletons the workbook shipped (they\n"
                    "hold someone's work), so nothing was written:\n%s"
                    "Regenerating would replace them with empty skeletons. Keep a copy, then run\n"
                    "`make skeletons FORCE=1` to overwrite them anyway.\n",
                    buf_str(&refused));
            buf_free(&refused);
            free_list(slugs.items, slugs.count);
            checksums_free(&shipped);
            return 1;
        }
    }
    /* A chapter source with no solution behind it is drift too. */
    Names chapters = {0};
    chapter_slugs("chapters", &chapters);
    for (size_t i = 0; i < chapters.count && check; i++) {
        char dir[512];
        snprintf(dir, sizeof dir, "chapters/%s", chapters.items[i]);
        Names sources = {0};
        source_names(dir, &sources);
        for (size_t k = 0; k < sources.count; k++) {
            char sol[1024];
            snprintf(sol, sizeof sol, "solutions/%s/%s", chapters.items[i], sources.items[k]);
            struct stat st;
            if (stat(sol, &st) != 0) {
                fprintf(stderr, "  chapters/%s/%s has no solution file\n", chapters.items[i], sources.items[k]);
                drift = 1;
            }
        }
        free_list(sources.items, sources.count);
    }
    free_list(chapters.items, chapters.count);
    free_list(slugs.items, slugs.count);
    checksums_free(&shipped);
    buf_free(&refused);
    if (check) {
        if (drift) fprintf(stderr, "skeletons: run `make skeletons` and commit the result\n");
        else printf("skeletons: all %d skeleton files match their solutions\n", count);
        return drift;
    }
    if (written) {
        /* The new skeletons are what ships now. */
        char *args[] = {"manifest", "write", "--checksums", NULL};
        return manifest_command(3, args);
    }
    printf("skeletons: all %d skeleton files were already up to date\n", count);
    return 0;
}
