/* progress.c -- `grader progress [--solution]` (`make grade` with no CH):
 * one row per chapter, in about the time it takes to read the files.
 *
 * A chapter whose exercise files are still the shipped skeletons is "not
 * started" and is not graded at all. Every other chapter's last grade is
 * kept in build/grade/NN-<variant>/progress.txt with a key: the SHA-256 of
 * everything the grade depends on (the chapter's folder, the solutions, the
 * core, the grader and the build settings). A chapter whose key is
 * unchanged shows its cached score; the others are graded again, two at a
 * time (one per core), by running `grader grade --quiet NN`.
 *
 * Exit status: 0 when the table was printed (whatever the scores: the table
 * says where you are), 2 usage, 3 when a chapter could not be graded.
 */
#include "progress.h"

#include "assemble.h"
#include "files.h"
#include "hints.h"
#include "manifest.h"
#include "sha256.h"
#include "text.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { MAX_CHAPTERS = 32, PARALLEL = 2 };

typedef struct {
    char slug[128];
    char chapter[3];
    bool started;
    char key[65];
    bool cached;
    int status;            /* the grader's exit status: 0 full marks, 1 below, 3 not gradable */
    int score, total;
    pid_t pid;             /* a grade in progress */
    char out_path[600];
} Row;

/* Adds every file under dir, path and bytes, to the hash (sorted, so the
 * same tree always gives the same key). A missing dir adds nothing. */
static void hash_tree(Sha256 *h, const char *dir)
{
    char **files;
    size_t n;
    if (list_files(dir, &files, &n) != 0) return;
    for (size_t i = 0; i < n; i++) {
        char *bytes;
        size_t size;
        sha256_update(h, files[i], strlen(files[i]) + 1);
        if (read_file(files[i], 64u << 20, &bytes, &size, NULL) == 0) {
            sha256_update(h, &size, sizeof size);
            sha256_update(h, bytes, size);
            free(bytes);
        }
    }
    free_list(files, n);
}

/* What every chapter's grade depends on besides its own folder. */
static void hash_shared(Sha256 *h)
{
    hash_tree(h, "common");
    hash_tree(h, "solutions");
    hash_tree(h, "grader");
    hash_tree(h, "datasets/digits.csv.gz");
    static const char *const vars[] = {"CC", "CI", "SANITIZE", "EXTRA_CFLAGS", "GRADE_TIMEOUT", "BUILD", NULL};
    for (size_t i = 0; vars[i]; i++) {
        const char *v = getenv(vars[i]);
        sha256_update(h, vars[i], strlen(vars[i]) + 1);
        if (v) sha256_update(h, v, strlen(v) + 1);
    }
}

static void cache_path(char *out, size_t size, const Row *r, bool solution)
{
    snprintf(out, size, "build/grade/%s-%s/progress.txt", r->chapter, solution ? "solution" : "student");
}

/* "Chapter 04: 12/26 points" -> 12, 26. */
static bool parse_score(const char *text, int *score, int *total)
{
    const char *p = strstr(text, "Chapter ");
    const char *last = NULL;
    while (p) {
        last = p;
        p = strstr(p + 1, "Chapter ");
    }
    return last && sscanf(last, "Chapter %*[0-9]: %d/%d", score, total) == 2;
}

/* jobs: the tests each grade runs side by side (grade.c's --jobs): 1 when
 * PARALLEL chapters are graded at once, so the machine's cores are shared
 * out by chapter, not asked for twice over. */
static void start_grade(Row *r, bool solution, const char *jobs)
{
    char dir[64];
    snprintf(dir, sizeof dir, "build/grade/%s-%s", r->chapter, solution ? "solution" : "student");
    snprintf(r->out_path, sizeof r->out_path, "%s/progress.out", dir);
    mkdir_p(dir, 0755);
    r->pid = fork();
    if (r->pid == 0) {
        FILE *out = freopen(r->out_path, "w", stdout);
        if (!out || !freopen("/dev/null", "w", stderr)) _exit(3);
        char *argv[] = {"build/tools/grader", "grade", "--quiet", "--jobs", (char *)jobs,
                        solution ? "--solution" : r->chapter, solution ? r->chapter : NULL, NULL};
        execv(argv[0], argv);
        _exit(3);
    }
}

static void finish_grade(Row *r, int wait_status, bool solution)
{
    r->pid = 0;
    r->status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 3;
    char *text;
    r->score = r->total = -1;
    if (read_file(r->out_path, 1u << 20, &text, NULL, NULL) == 0) {
        if (!parse_score(text, &r->score, &r->total)) r->status = 3;
        free(text);
    }
    if (r->status == 0 || r->status == 1 || (r->status == 3 && r->total >= 0)) {
        char path[700];
        cache_path(path, sizeof path, r, solution);
        Buf b = {0};
        buf_printf(&b, "%s %d %d %d\n", r->key, r->status, r->score, r->total);
        write_file_atomically(path, buf_str(&b), b.len);
        buf_free(&b);
    }
}

int progress_command(int argc, char **argv)
{
    bool solution = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--solution") == 0) solution = true;
        else {
            fprintf(stderr, "usage: grader progress [--solution]\n");
            return 2;
        }
    }
    char error[512] = "";
    Checksums sums;
    if (checksums_load(&sums, CHECKSUMS_PATH, error, sizeof error) != 0) {
        fprintf(stderr, "progress: %s\n", error);
        return 3;
    }
    char **slugs;
    size_t n;
    if (list_names("chapters", "", true, &slugs, &n) != 0) {
        fprintf(stderr, "progress: cannot list chapters/\n");
        checksums_free(&sums);
        return 3;
    }
    Row rows[MAX_CHAPTERS];
    size_t count = 0;
    Sha256 shared;
    sha256_init(&shared);
    hash_shared(&shared);
    for (size_t i = 0; i < n && count < MAX_CHAPTERS; i++) {
        const char *s = slugs[i];
        if (!(s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && s[2] == '-')) continue;
        Row *r = &rows[count++];
        memset(r, 0, sizeof *r);
        snprintf(r->slug, sizeof r->slug, "%s", s);
        r->chapter[0] = s[0];
        r->chapter[1] = s[1];
        Buf changed = {0};
        chapter_changes(&sums, s, &changed);
        r->started = solution || changed.len > 0;
        buf_free(&changed);
        if (!r->started) continue;
        /* The key: everything this chapter's grade depends on. */
        Sha256 h = shared;
        char dir[600];
        snprintf(dir, sizeof dir, "chapters/%s", s);
        hash_tree(&h, dir);
        sha256_update(&h, solution ? "solution" : "student", solution ? 9 : 8);
        sha256_final_hex(&h, r->key);
        char path[700], *text;
        cache_path(path, sizeof path, r, solution);
        if (read_file(path, 4096, &text, NULL, NULL) == 0) {
            char key[65];
            if (sscanf(text, "%64s %d %d %d", key, &r->status, &r->score, &r->total) == 4 &&
                strcmp(key, r->key) == 0)
                r->cached = true;
            free(text);
        }
    }
    free_list(slugs, n);
    checksums_free(&sums);

    /* Grade what changed, PARALLEL at a time. */
    size_t next = 0, to_grade = 0;
    int running = 0;
    for (size_t i = 0; i < count; i++) to_grade += rows[i].started && !rows[i].cached;
    const char *jobs = to_grade > 1 ? "1" : "0"; /* 0: as many as the machine has cores, up to 2 */
    for (;;) {
        while (running < PARALLEL && next < count) {
            Row *r = &rows[next++];
            if (!r->started || r->cached) continue;
            if (isatty(1)) {
                printf("\r  grading chapter %s...", r->chapter);
                fflush(stdout);
            }
            start_grade(r, solution, jobs);
            if (r->pid > 0) running++;
            else r->status = 3;
        }
        if (running == 0) break;
        int st;
        pid_t pid = wait(&st);
        if (pid < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (size_t i = 0; i < count; i++)
            if (rows[i].pid == pid) {
                finish_grade(&rows[i], st, solution);
                running--;
            }
    }
    if (isatty(1)) printf("\r%-40s\r", "");

    int status = 0;
    printf("  %-22s %8s   %s\n", "chapter", "points", solution ? "the reference solution" : "status");
    for (size_t i = 0; i < count; i++) {
        const Row *r = &rows[i];
        char points[32] = "-";
        if (r->started && r->total >= 0) snprintf(points, sizeof points, "%d/%d", r->score, r->total);
        char hints[64] = "";
        int used = hints_used_total(r->chapter);
        if (used > 0) snprintf(hints, sizeof hints, "  (%d hint%s used)", used, used == 1 ? "" : "s");
        const char *what;
        char buf[200];
        if (!r->started) {
            snprintf(buf, sizeof buf, "not started: make grade CH=%s to start it", r->chapter);
            what = buf;
        } else if (r->status == 0) {
            what = "done";
        } else if (r->status == 1) {
            snprintf(buf, sizeof buf, "in progress: make grade CH=%s", r->chapter);
            what = buf;
        } else {
            snprintf(buf, sizeof buf, "could not be graded: make grade CH=%s says why", r->chapter);
            what = buf;
            status = 3;
        }
        printf("  %-22s %8s   %s%s\n", r->slug, points, what, hints);
    }
    return status;
}
