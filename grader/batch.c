/* batch.c -- see batch.h. */
#include "batch.h"

#include "files.h"
#include "text.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { MAX_JOBS = 4 };

typedef struct {
    char name[256];      /* the submission's folder name, as given */
    char safe[256];      /* the same, safe as a path component */
    char src[1200];      /* its pristine tree: build/batch/NN/<safe>/src */
    char tsv[1300], log[1300];
    Buf missing;         /* exercise files it did not contain */
    pid_t pid;
    int status;          /* the grader's exit status (-1: did not run) */
    int score, total;
} Submission;

static void usage(void)
{
    fprintf(stderr, "usage: grader batch NN SUBMISSIONS_DIR [--out FILE] [--jobs N]\n"
                    "       (make grade-all CH=NN SUBMISSIONS=DIR [OUT=FILE])\n");
}

/* True when the file's first line marks it as an exercise (skeleton.c
 * writes "EXERCISE" there): the only files a submission may replace. */
static bool is_exercise(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return false;
    char line[128] = "";
    bool yes = fgets(line, sizeof line, f) && strncmp(line, "/* EXERCISE", 11) == 0;
    fclose(f);
    return yes;
}

static void make_safe(const char *name, char *safe, size_t size)
{
    size_t i = 0;
    for (; name[i] && i + 1 < size; i++) {
        unsigned char c = (unsigned char)name[i];
        safe[i] = (char)(isalnum(c) || c == '-' || c == '_' || c == '.' ? c : '_');
    }
    safe[i] = '\0';
    if (safe[0] == '.') safe[0] = '_';
}

/* The submission's copy of `file`: at its top level (the exercise files
 * alone, as an autograder receives them) or inside chapters/<slug>/ (the
 * student's whole repository), in out; false when it has none. */
static bool find_in_submission(const char *dir, const char *slug, const char *file, char *out, size_t size)
{
    snprintf(out, size, "%s/%s", dir, file);
    if (path_exists(out)) return true;
    snprintf(out, size, "%s/chapters/%s/%s", dir, slug, file);
    return path_exists(out);
}

/* build/batch/NN/<safe>/src: the chapter's own sources, with every
 * exercise file the submission has put over the skeleton's. Nothing else
 * of the submission is copied: its tests, Makefile or headers never reach
 * the grade. */
static int prepare(Submission *s, const char *subs_dir, const char *slug, char *const *files, size_t nfiles,
                   const char *root)
{
    char dir[1000];
    snprintf(dir, sizeof dir, "%s/%s", subs_dir, s->name);
    snprintf(s->src, sizeof s->src, "%s/%s/src", root, s->safe);
    snprintf(s->tsv, sizeof s->tsv, "%s/%s/grade.tsv", root, s->safe);
    snprintf(s->log, sizeof s->log, "%s/%s/grade.log", root, s->safe);
    remove_tree(s->src);
    unlink(s->tsv);
    if (mkdir_p(s->src, 0755) != 0) {
        fprintf(stderr, "batch: cannot create %s: %s\n", s->src, strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < nfiles; i++) {
        const char *base = strrchr(files[i], '/') + 1;
        char from[1400], to[1400];
        snprintf(to, sizeof to, "%s/%s", s->src, base);
        bool theirs = is_exercise(files[i]) && find_in_submission(dir, slug, base, from, sizeof from);
        if (is_exercise(files[i]) && !theirs) buf_printf(&s->missing, "%s%s", s->missing.len ? " " : "", base);
        if (copy_file(theirs ? from : files[i], to, 0644) != 0) {
            fprintf(stderr, "batch: cannot copy %s into %s\n", theirs ? from : files[i], s->src);
            return -1;
        }
    }
    return 0;
}

static pid_t start_grade(Submission *s, const char *chapter)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(s->log, "w", stdout) || !freopen(s->log, "a", stderr)) _exit(3);
        char *argv[] = {"build/tools/grader", "grade", "--quiet", "--jobs", "1", "--tsv", s->tsv, "--src", s->src,
                        (char *)chapter, NULL};
        execv(argv[0], argv);
        _exit(3);
    }
    return pid;
}

/* CSV: a field in quotes, its quotes doubled (the submissions' names are
 * whatever the instructor's folders are called). */
static void csv_quoted(FILE *f, const char *text)
{
    fputc('"', f);
    for (const char *p = text; *p; p++) {
        if (*p == '"') fputc('"', f);
        fputc((unsigned char)*p >= 32 ? *p : ' ', f);
    }
    fputc('"', f);
}

/* A quoted field, then the comma or the end of the line. */
static void csv_field(FILE *f, const char *text, bool last)
{
    csv_quoted(f, text);
    fputc(last ? '\n' : ',', f);
}

/* The graded tests' names, from the first submission graded (every one
 * lists the same tests in the same order). */
static char **read_tsv(const char *path, size_t *n)
{
    char *text;
    *n = 0;
    if (read_file(path, 1u << 20, &text, NULL, NULL) != 0) return NULL;
    size_t cap = 64;
    char **lines = malloc(cap * sizeof *lines);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (*n + 1 >= cap) lines = realloc(lines, (cap *= 2) * sizeof *lines);
        lines[(*n)++] = strdup(line);
    }
    free(text);
    return lines;
}

static int write_gradebook(const char *path, Submission *subs, size_t n)
{
    char **header = NULL;
    size_t ntests = 0;
    for (size_t i = 0; i < n && !header; i++) header = read_tsv(subs[i].tsv, &ntests);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "batch: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    fputs("\"submission\",\"score\",\"max_score\",\"status\",\"missing_files\"", f);
    for (size_t t = 0; t < ntests; t++) {
        char *tab = strchr(header[t], '\t');
        if (tab) *tab = '\0';
        fputc(',', f);
        csv_quoted(f, header[t]);
    }
    fputc('\n', f);
    for (size_t i = 0; i < n; i++) {
        Submission *s = &subs[i];
        size_t nt = 0;
        char **tests = read_tsv(s->tsv, &nt);
        char score[32] = "", total[32] = "";
        const char *status = "not gradable (see its grade.log)";
        if (s->status == 0 || s->status == 1) status = s->status == 0 ? "full marks" : "graded";
        else if (s->status == 3 && tests) status = "did not compile";
        if (s->score >= 0) snprintf(score, sizeof score, "%d", s->score);
        if (s->total >= 0) snprintf(total, sizeof total, "%d", s->total);
        csv_field(f, s->name, false);
        csv_field(f, score, false);
        csv_field(f, total, false);
        csv_field(f, status, false);
        csv_field(f, buf_str(&s->missing), ntests == 0);
        for (size_t t = 0; t < ntests; t++) {
            const char *tab = tests && t < nt ? strchr(tests[t], '\t') : NULL;
            if (tab) fprintf(f, "%d", atoi(tab + 1)); /* the points it got */
            fputs(t + 1 == ntests ? "\n" : ",", f);
        }
        for (size_t t = 0; t < nt; t++) free(tests[t]);
        free(tests);
    }
    for (size_t t = 0; t < ntests; t++) free(header[t]);
    free(header);
    return fclose(f) == 0 ? 0 : -1;
}

/* "Chapter 02: 12/28 points" in the grade's output -> 12, 28. */
static void read_score(Submission *s)
{
    char *text;
    s->score = s->total = -1;
    if (read_file(s->log, 1u << 20, &text, NULL, NULL) != 0) return;
    const char *last = NULL;
    for (const char *p = strstr(text, "Chapter "); p; p = strstr(p + 1, "Chapter ")) last = p;
    if (last) sscanf(last, "Chapter %*[0-9]: %d/%d", &s->score, &s->total);
    free(text);
}

int batch_command(int argc, char **argv)
{
    const char *chapter = NULL, *subs_dir = NULL, *out = NULL;
    int jobs = 2;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) out = argv[++i];
        else if (strcmp(argv[i], "--jobs") == 0 && i + 1 < argc) {
            jobs = atoi(argv[++i]);
            if (jobs < 1 || jobs > MAX_JOBS) {
                fprintf(stderr, "batch: --jobs takes 1 to %d, not '%s'\n", MAX_JOBS, argv[i]);
                return 2;
            }
        } else if (argv[i][0] == '-') {
            usage();
            return 2;
        } else if (!chapter) chapter = argv[i];
        else if (!subs_dir) subs_dir = argv[i];
        else {
            usage();
            return 2;
        }
    }
    if (!chapter || !subs_dir || !isdigit((unsigned char)chapter[0])) {
        usage();
        return 2;
    }
    char slug[200], number[3];
    snprintf(number, sizeof number, "%02d", atoi(chapter));
    if (chapter_slug(number, slug, sizeof slug, NULL, 0) != 0) {
        fprintf(stderr, "batch: there is no chapter %s\n", number);
        return 2;
    }
    if (!path_is_dir(subs_dir)) {
        fprintf(stderr, "batch: %s is not a folder of submissions (one folder per submission)\n", subs_dir);
        return 2;
    }
    char root[300], default_out[400], chapter_dir[300];
    snprintf(root, sizeof root, "build/batch/%s", number);
    snprintf(default_out, sizeof default_out, "%s/gradebook.csv", root);
    if (!out) out = default_out;
    snprintf(chapter_dir, sizeof chapter_dir, "chapters/%s", slug);

    /* The chapter's sources: .c and .h at its top level (given/ is found
     * by the build itself). */
    char **all, **files;
    size_t nall, nfiles = 0;
    if (list_names(chapter_dir, "", false, &all, &nall) != 0) {
        fprintf(stderr, "batch: cannot read %s\n", chapter_dir);
        return 3;
    }
    files = calloc(nall + 1, sizeof *files);
    for (size_t i = 0; i < nall; i++) {
        size_t len = strlen(all[i]);
        if (len > 2 && (strcmp(all[i] + len - 2, ".c") == 0 || strcmp(all[i] + len - 2, ".h") == 0)) {
            char path[600];
            snprintf(path, sizeof path, "%s/%s", chapter_dir, all[i]);
            files[nfiles++] = strdup(path);
        }
    }
    free_list(all, nall);

    char **names;
    size_t n;
    if (list_names(subs_dir, "", true, &names, &n) != 0 || n == 0) {
        fprintf(stderr, "batch: %s holds no submission folders\n", subs_dir);
        free_list(files, nfiles);
        return 2;
    }
    Submission *subs = calloc(n, sizeof *subs);
    int status = 0;
    for (size_t i = 0; i < n; i++) {
        Submission *s = &subs[i];
        snprintf(s->name, sizeof s->name, "%s", names[i]);
        make_safe(s->name, s->safe, sizeof s->safe);
        s->status = -1;
        if (prepare(s, subs_dir, slug, files, nfiles, root) != 0) status = 3;
    }
    free_list(names, n);
    free_list(files, nfiles);
    if (status != 0) goto done;

    /* Grade `jobs` submissions at a time, each with one test at a time. */
    double start = (double)time(NULL);
    size_t next = 0, finished = 0;
    int running = 0;
    while (finished < n) {
        while (running < jobs && next < n) {
            subs[next].pid = start_grade(&subs[next], number);
            if (subs[next].pid > 0) running++;
            else finished++;
            next++;
        }
        int st;
        pid_t pid = wait(&st);
        if (pid < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (size_t i = 0; i < n; i++)
            if (subs[i].pid == pid) {
                subs[i].pid = 0;
                subs[i].status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
                read_score(&subs[i]);
                running--;
                finished++;
                if (isatty(1)) {
                    printf("\r  graded %zu/%zu submissions", finished, n);
                    fflush(stdout);
                }
            }
    }
    if (isatty(1)) printf("\r%-50s\r", "");
    if (write_gradebook(out, subs, n) != 0) {
        status = 3;
        goto done;
    }
    double took = (double)time(NULL) - start;
    printf("Chapter %s: %zu submissions graded into %s in %.0f s\n", number, n, out, took);
    for (size_t i = 0; i < n; i++) {
        const Submission *s = &subs[i];
        if (s->score >= 0) printf("  %-32.32s %3d/%d%s\n", s->name, s->score, s->total, s->status == 3 ? "  did not compile" : "");
        else printf("  %-32.32s   -   not gradable: see %s\n", s->name, s->log);
    }
done:
    for (size_t i = 0; i < n; i++) buf_free(&subs[i].missing);
    free(subs);
    return status;
}
