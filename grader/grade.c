/* grade.c -- `grader grade`: builds one chapter's tests, checks the student's
 * code, runs every test alone inside the sandbox, and scores it.
 *
 *   grader grade [--solution | --src DIR] [--test NAME] [--jobs N] [--tsv FILE] [--quiet] [--no-symbol-check] NN
 *         [--hidden DIR] [--prairielearn FILE]
 *       --hidden DIR: the hidden tests in DIR are built into the same binary and
 *       graded with the visible ones (HIDDEN_SEED: their seed; grader/autograder/);
 *       --prairielearn FILE: results.json in PrairieLearn's format, too;
 *       --note TEXT: a line for results.json's output (what an autograder took);
 *       --leaderboard: chapter 06's leaderboard too, measured by the grader
 *       after the tests (leaderboard.h), into results.json.
 *   grader grade --check-lesson NN      the lesson's exercise table lists every test
 *
 * The steps, each bounded in time:
 *
 *   1. the chapter's test files are the workbook's own (grader/checksums.txt);
 *   2. the tests, their points and time limits come from their declarations
 *      in those files (testlist.h), never from the running binary;
 *   3. the chapter builds (make, with LC_ALL=C so the compiler's messages can
 *      be read whatever the locale); its warnings are shown;
 *   4. the student's object files call nothing an exercise never needs
 *      (symcheck.h) -- --no-symbol-check skips this, so `make test` can prove
 *      that the sandbox alone still grades honestly;
 *   5. the binary starts cleanly (a run that selects no test);
 *   6. each test runs alone in the sandbox, in a scratch copy of the tests'
 *      folder, and passes only when its record and its end mark both say so
 *      and it left nothing behind (record.c); two tests run at a time on a
 *      machine with two cores, each in a slot of its own (slots.h; --jobs 1
 *      or GRADE_JOBS=1: one at a time);
 *   7. the table, the details, `Chapter NN: X/Y points`, and results.json.
 *
 * Exit status: 0 full marks, 1 below full marks, 2 usage error, 3 the chapter
 * could not be graded (did not compile, changed test files, ...), 130 when
 * interrupted.
 */
#include "grade.h"

#include "files.h"
#include "hints.h"
#include "leaderboard.h"
#include "manifest.h"
#include "report.h"
#include "sandbox.h"
#include "slots.h"
#include "symcheck.h"
#include "testlist.h"
#include "text.h"
#include "verdict.h"
#include "verify.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
    CHANNEL_FD = 9,
    OUTPUT_SHOWN = 65536,            /* bytes of a test's output shown by TEST= */
    RECORD_MAX_BYTES = 256 * 1024,   /* what a test may send on its channel */
};

static const double BUILD_SECONDS = 1200;      /* make lib, make tests */
static const double STARTUP_SECONDS = 10;      /* the binary's start-up probe */
static const double KILL_GRACE_SECONDS = 2;    /* beyond a test's own limit */
static const size_t MEMORY_LIMIT = (size_t)4 << 30;
static const long PROCESS_LIMIT = 256;        /* threads count too */
static const size_t OUTPUT_LIMIT = (size_t)16 << 20;

typedef struct {
    /* what to grade */
    char chapter[3];         /* "04" */
    char slug[128];          /* "04-pooling" */
    char chapter_dir[256];   /* chapters/04-pooling */
    char src[512];           /* the sources graded */
    char variant[600];       /* student, solution, planted/<src> */
    char who[600];           /* "your chapter", "the solution", the planted folder */
    bool quiet, brief, symbol_check;
    int jobs;                /* tests run side by side (--jobs; 0: slots_default) */
    const char *only_test;
    const char *tsv_path;    /* --tsv FILE: each test's points, for grader batch */
    const char *hidden_dir;  /* --hidden DIR: the autograders' hidden tests, built in too */
    char hidden_seed[24];    /* HIDDEN_SEED: their inputs' seed (digits) */
    const char *prairielearn_path; /* --prairielearn FILE: PrairieLearn's results.json too */
    const char *note;        /* --note TEXT: said first in results.json's output (an autograder's intake) */
    const LeaderboardSpec *board_spec; /* --leaderboard, for a chapter that has one (leaderboard.h) */
    bool board_built;        /* its two programs built */
    LeaderboardResult board; /* what it measured, or why it did not */
    /* where */
    char build[512];         /* build or build/san */
    char out[1200];          /* build/<variant>/<slug> */
    char result_dir[1300];   /* build/grade/<NN>-<variant> */
    TestList tests;
    Buf *lesson_problems;    /* --check-lesson: where lesson and tests disagree */
} Grade;

/* ---- small helpers ----------------------------------------------------------------- */

/* snprintf for paths and names: a result that does not fit is an error of
 * the grader's set-up (an absurdly long path), never silently cut. */
static void put(char *dst, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void put(char *dst, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(dst, size, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= size) {
        fprintf(stderr, "grade: a path is too long for the grader: %.200s...\n", dst);
        exit(3);
    }
}


static void die_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "grade: ");
    fprintf(stderr, fmt, arg ? arg : "");
    fprintf(stderr, "\nusage: make grade CH=NN [SOLUTION=1] [TEST=name]\n"
                    "       grader grade [--solution | --src DIR] [--test NAME] [--jobs N] [--quiet] NN\n");
    exit(2);
}

/* ---- 2. the tests ---------------------------------------------------------------------- */

static int read_tests(Grade *g, const Snapshot *snap)
{
    char *sources[256];
    size_t n = 0;
    /* The test sources: the .c files directly in tests/ (already sorted). */
    for (size_t i = 0; i < snap->count && n < 256; i++) {
        const char *p = snap->files[i].copy;
        size_t len = strlen(p);
        if (strncmp(p, "tests/", 6) != 0 || strchr(p + 6, '/') || len < 9 || strcmp(p + len - 2, ".c") != 0)
            continue;
        sources[n++] = snap->files[i].path;
    }
    /* The hidden tests (the autograders): after the visible ones, each file
     * in name order; they are marked hidden for results.json. */
    size_t visible = n;
    char **hidden = NULL, hidden_paths[64][600];
    size_t hidden_count = 0;
    if (g->hidden_dir) {
        if (list_names(g->hidden_dir, ".c", false, &hidden, &hidden_count) != 0 || hidden_count == 0) {
            fprintf(stderr, "grade: %s holds no hidden test (*.c)\n", g->hidden_dir);
            if (hidden) free_list(hidden, hidden_count);
            return -1;
        }
        for (size_t i = 0; i < hidden_count && i < 64 && n < 256; i++) {
            put(hidden_paths[i], sizeof hidden_paths[i], "%s/%s", g->hidden_dir, hidden[i]);
            sources[n++] = hidden_paths[i];
        }
        free_list(hidden, hidden_count);
    }
    char error[600] = "";
    int status = testlist_read(&g->tests, sources, n, error, sizeof error);
    if (status == 0 && n > visible) {
        for (size_t i = 0; i < g->tests.count; i++)
            for (size_t k = visible; k < n; k++)
                if (strcmp(g->tests.tests[i].file, sources[k]) == 0) g->tests.tests[i].hidden = true;
    }
    if (status != 0) {
        fprintf(stderr, "grade: %s\n", error);
        return -1;
    }
    if (g->tests.count == 0) {
        fprintf(stderr, "grade: %s/tests declares no GRADED_TEST, so there is nothing to grade\n", g->chapter_dir);
        return -1;
    }
    /* The lesson's order: each step's unit tests before what builds on them. */
    char lesson[400];
    snprintf(lesson, sizeof lesson, "%s/README.md", g->chapter_dir);
    testlist_order_by_lesson(&g->tests, lesson, g->lesson_problems);
    return 0;
}

static int total_points(const Grade *g)
{
    int total = 0;
    for (size_t i = 0; i < g->tests.count; i++) total += g->tests.tests[i].points;
    return total;
}

/* TEST= names no test: say which names come closest. */
static void suggest_tests(const Grade *g, const char *name)
{
    fprintf(stderr, "grade: chapter %s has no test called '%s'.", g->chapter, name);
    int best[3] = {1 << 30, 1 << 30, 1 << 30};
    long which[3] = {-1, -1, -1};
    for (size_t i = 0; i < g->tests.count; i++) {
        const GradedTest *t = &g->tests.tests[i];
        int d = edit_distance(name, strchr(name, '/') ? t->full : t->name);
        if (strstr(t->full, name)) d = 0;
        for (int k = 0; k < 3; k++) {
            if (d < best[k]) {
                for (int m = 2; m > k; m--) {
                    best[m] = best[m - 1];
                    which[m] = which[m - 1];
                }
                best[k] = d;
                which[k] = (long)i;
                break;
            }
        }
    }
    fprintf(stderr, " The closest:\n");
    for (int k = 0; k < 3; k++)
        if (which[k] >= 0) fprintf(stderr, "    %s\n", g->tests.tests[which[k]].full);
    fprintf(stderr, "(every test: make grade CH=%s)\n", g->chapter);
}

/* ---- 3. the build ------------------------------------------------------------------------ */

/* Runs make with args, everything it prints into log; true when it succeeded. */
static bool run_make(const Grade *g, const char *const *args, const char *log)
{
    char *argv[24];
    size_t n = 0;
    argv[n++] = "make";
    argv[n++] = "-s";
    for (size_t i = 0; args[i] && n < 20; i++) argv[n++] = (char *)args[i];
    static char build_var[600];
    snprintf(build_var, sizeof build_var, "BUILD=%s", g->build);
    argv[n++] = build_var;
    argv[n] = NULL;
    /* The compiler's messages in English and ASCII, whatever the locale. */
    setenv("LC_ALL", "C", 1);
    SandboxSpec spec;
    memset(&spec, 0, sizeof spec);
    spec.argv = argv;
    spec.search_path = true;
    spec.output_path = log;
    spec.channel_fd = -1;
    spec.wall_seconds = BUILD_SECONDS;
    SandboxResult r;
    if (sandbox_run(&spec, &r) != 0) {
        FILE *f = fopen(log, "a");
        if (f) {
            fprintf(f, "grade: %s\n", r.error);
            fclose(f);
        }
        return false;
    }
    bool ok = r.exited && r.exit_code == 0;
    if (r.timed_out) {
        FILE *f = fopen(log, "a");
        if (f) {
            fprintf(f, "grade: the build took longer than %.0f s and was stopped\n", BUILD_SECONDS);
            fclose(f);
        }
    }
    sandbox_result_free(&r);
    return ok;
}

/* The lines of the build log worth showing when the build failed: printed,
 * and added to *kept (for results.json) when kept is not NULL. */
static void show_build_errors(const char *log, int max_lines, bool print, Buf *kept)
{
    char *text;
    if (read_file(log, 4u << 20, &text, NULL, NULL) != 0) return;
    int shown = 0;
    for (char *line = strtok(text, "\n"); line && shown < max_lines; line = strtok(NULL, "\n")) {
        if (strstr(line, "error") || strstr(line, "warning") || strstr(line, "undefined reference") ||
            strstr(line, "grade:")) {
            Buf safe = {0};
            buf_add_display(&safe, line, false);
            if (print) printf("    %s\n", buf_str(&safe));
            if (kept) buf_printf(kept, "%s\n", buf_str(&safe));
            buf_free(&safe);
            shown++;
        }
    }
    if (!shown && print) printf("    (see %s)\n", log);
    free(text);
}

/* The compiler's warnings about the graded files, kept beside each object
 * (grader/chapter.mk writes <object>.log), so they show on every grade and
 * not only on the one that compiled the file. */
static void show_warnings(const Grade *g)
{
    char dir[1800];
    snprintf(dir, sizeof dir, "%s/obj/%s", g->out, g->src);
    char **files;
    size_t n;
    if (list_files(dir, &files, &n) != 0) return;
    Buf shown = {0};
    int count = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(files[i]);
        if (len < 6 || strcmp(files[i] + len - 6, ".o.log") != 0) continue;
        char *text;
        if (read_file(files[i], 1u << 20, &text, NULL, NULL) != 0) continue;
        for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
            if (!strstr(line, ": warning:")) continue;
            if (count++ < 5) {
                buf_puts(&shown, "    ");
                buf_add_display(&shown, line, false);
                buf_puts(&shown, "\n");
            }
        }
        free(text);
    }
    free_list(files, n);
    if (count) {
        printf("The compiler warns about your code (%d warning%s%s); a warning often points at the bug:\n%s\n", count,
               count == 1 ? "" : "s", count > 5 ? ", the first 5" : "", buf_str(&shown));
    }
    buf_free(&shown);
}

/* ---- 4. what the code calls ---------------------------------------------------------------- */

static char **read_object_list(const char *path, size_t *n)
{
    char *text;
    *n = 0;
    if (read_file(path, 1u << 20, &text, NULL, NULL) != 0) return NULL;
    size_t cap = 16;
    char **items = malloc(cap * sizeof *items);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (!*line) continue;
        if (*n + 1 >= cap) items = realloc(items, (cap *= 2) * sizeof *items);
        items[(*n)++] = strdup(line);
    }
    items[*n] = NULL;
    free(text);
    return items;
}

/* Returns 0 and an empty *refusal when the code may run; otherwise the
 * reason every test fails with. -1 when the check could not run. */
static int check_symbols(const Grade *g, Buf *refusal)
{
    char path[1400];
    size_t ns, nt;
    snprintf(path, sizeof path, "%s/student-objects.txt", g->out);
    char **student = read_object_list(path, &ns);
    snprintf(path, sizeof path, "%s/trusted-objects.txt", g->out);
    char **trusted = read_object_list(path, &nt);
    if (!student) {
        fprintf(stderr, "grade: %s is missing: the build did not list its objects\n", path);
        return -1;
    }
    char library[700];
    snprintf(library, sizeof library, "%s/lib/libcnn.a", g->build);
    SymbolCheck check = {(const char *const *)student, ns, g->src, (const char *const *)trusted,
                         trusted ? nt : 0, library, g->slug, ALLOWED_SYMBOLS_PATH};
    SymbolFindings fs;
    char error[512] = "";
    int status = symcheck_run(&check, &fs, error, sizeof error);
    if (status != 0) fprintf(stderr, "grade: cannot check what the code calls: %s\n", error);
    for (size_t i = 0; status == 0 && i < fs.count; i++) {
        const SymbolFinding *f = &fs.items[i];
        if (i == 0) buf_printf(refusal, "not run: ");
        else buf_puts(refusal, "\n");
        if (f->line)
            buf_printf(refusal, "%s line %d uses %s, which %s: `%s`", f->file, f->line, f->symbol, f->what,
                       f->code);
        else buf_printf(refusal, "%s uses %s, which %s", f->file, f->symbol, f->what);
    }
    if (fs.count) {
        buf_puts(refusal, "\nExercise code computes and returns; the grader runs no code that does more. "
                          "Remove the call and grade again.");
    }
    symcheck_free(&fs);
    for (size_t i = 0; i < ns; i++) free(student[i]);
    free(student);
    for (size_t i = 0; trusted && i < nt; i++) free(trusted[i]);
    free(trusted);
    return status;
}

/* ---- 5./6. running ---------------------------------------------------------------------------- */

typedef struct {
    char scratch[1400];      /* this slot's private folder */
    uid_t user;              /* its sandbox user, or (uid_t)-1 */
    char bin[1600], tests_dir[1600], home[1600], end_dir[1600], end_path[1700], out_dir[1600];
    char failures[1600];     /* where a test draws its failures (scratch) */
    char failures_kept[1400]; /* where they are kept: build/grade/NN-variant/failures */
    char *env[18];
    char env_text[18][1800];
} Run;

/* GRADE_TIMEOUT: every test's time limit in seconds instead of its own
 * (hostile.sh lowers it, test-arm64.sh raises it for the emulator); 0 when
 * unset. */
static double timeout_override(void)
{
    const char *text = getenv("GRADE_TIMEOUT");
    double seconds = text ? atof(text) : 0;
    return seconds > 0 ? seconds : 0;
}

static int make_scratch(const Grade *g, Run *run, const Snapshot *snap)
{
    uid_t user = run->user;
    char base[1400];
    snprintf(base, sizeof base, "build/grade");
    mkdir_p(base, 0755);
    if (user != (uid_t)-1 && !reachable_by_anyone(base)) {
        const char *tmp = "/tmp";
        snprintf(base, sizeof base, "%s", tmp);
    }
    put(run->scratch, sizeof run->scratch, "%s/.run-XXXXXX", base);
    if (!mkdtemp(run->scratch)) {
        fprintf(stderr, "grade: cannot make a scratch folder in %s: %s\n", base, strerror(errno));
        return -1;
    }
    chmod(run->scratch, user != (uid_t)-1 ? 0711 : 0700);
    /* Absolute, as the tests run in a folder of their own. */
    char real[PATH_MAX];
    if (!realpath(run->scratch, real)) {
        fprintf(stderr, "grade: cannot resolve %s: %s\n", run->scratch, strerror(errno));
        return -1;
    }
    put(run->scratch, sizeof run->scratch, "%s", real);
    put(run->tests_dir, sizeof run->tests_dir, "%s/tests", run->scratch);
    put(run->home, sizeof run->home, "%s/home", run->scratch);
    put(run->end_dir, sizeof run->end_dir, "%s/end", run->scratch);
    put(run->failures, sizeof run->failures, "%s/failures", run->scratch);
    put(run->failures_kept, sizeof run->failures_kept, "%s/failures", g->result_dir);
    put(run->end_path, sizeof run->end_path, "%s/mark", run->end_dir);
    put(run->out_dir, sizeof run->out_dir, "%s/out", run->scratch);
    put(run->bin, sizeof run->bin, "%s/bin", run->scratch);
    if (mkdir(run->tests_dir, 0755) || mkdir(run->home, 0700) || mkdir(run->end_dir, 0700) ||
        mkdir(run->out_dir, 0700) || mkdir(run->bin, 0755) || mkdir(run->failures, 0700)) {
        fprintf(stderr, "grade: cannot fill the scratch folder %s: %s\n", run->scratch, strerror(errno));
        return -1;
    }
    if (user != (uid_t)-1) {
        if (chown(run->home, user, (gid_t)user) != 0 || chown(run->end_dir, user, (gid_t)user) != 0 ||
            chown(run->failures, user, (gid_t)user) != 0) {
            fprintf(stderr, "grade: cannot hand the scratch folder to the sandbox user: %s\n", strerror(errno));
            return -1;
        }
    }
    /* The tests' folder and the datasets, as verified; read-only for the
     * sandbox user. */
    for (size_t i = 0; i < snap->count; i++) {
        char path[2200];
        put(path, sizeof path, "%s/%s", run->scratch, snap->files[i].copy);
        char *slash = strrchr(path, '/');
        *slash = '\0';
        mkdir_p(path, 0755);
        *slash = '/';
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(snap->files[i].bytes, 1, snap->files[i].size, f) != snap->files[i].size) {
            if (f) fclose(f);
            fprintf(stderr, "grade: cannot copy the tests into %s\n", run->tests_dir);
            return -1;
        }
        fclose(f);
        chmod(path, 0644);
    }
    char built[1400];
    snprintf(built, sizeof built, "%s/tests", g->out);
    strcat(run->bin, "/tests");
    if (copy_file(built, run->bin, 0755) != 0) {
        fprintf(stderr, "grade: cannot copy %s into the scratch folder\n", built);
        return -1;
    }
    /* The environment of every test: nothing of the grader's but the few
     * variables that change what a test computes or how it reports. */
    int n = 0;
    const char *omp = getenv("OMP_NUM_THREADS");
    const char *asan = getenv("ASAN_OPTIONS"), *ubsan = getenv("UBSAN_OPTIONS");
    snprintf(run->env_text[n++], sizeof run->env_text[0], "PATH=/usr/local/bin:/usr/bin:/bin");
    snprintf(run->env_text[n++], sizeof run->env_text[0], "HOME=%s", run->home);
    snprintf(run->env_text[n++], sizeof run->env_text[0], "TMPDIR=%s", run->home);
    snprintf(run->env_text[n++], sizeof run->env_text[0], "LC_ALL=C");
    snprintf(run->env_text[n++], sizeof run->env_text[0], "GRADER_RECORD_FD=%d", CHANNEL_FD);
    snprintf(run->env_text[n++], sizeof run->env_text[0], "GRADER_END_PATH=%s", run->end_path);
    put(run->env_text[n++], sizeof run->env_text[0], "CNN_DATASETS=%s/datasets", run->scratch);
    snprintf(run->env_text[n++], sizeof run->env_text[0], "GRADER_FAILURES_DIR=%s", run->failures);
    snprintf(run->env_text[n++], sizeof run->env_text[0],
             "ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:disable_coredump=1:%s", asan ? asan : "");
    snprintf(run->env_text[n++], sizeof run->env_text[0], "UBSAN_OPTIONS=print_stacktrace=1:%s",
             ubsan ? ubsan : "");
    if (omp) snprintf(run->env_text[n++], sizeof run->env_text[0], "OMP_NUM_THREADS=%s", omp);
    /* Chapter 06's micro-kernel (fastconv.h): FC_KERNEL=portable grades the
     * portable path on a CPU that has intrinsics kernels. */
    const char *kernel = getenv("FC_KERNEL");
    if (kernel) snprintf(run->env_text[n++], sizeof run->env_text[0], "FC_KERNEL=%.100s", kernel);
    /* Criterion applies the limit itself (record.c): its --timeout option
     * could only lower a test's own. */
    if (timeout_override() > 0)
        snprintf(run->env_text[n++], sizeof run->env_text[0], "GRADER_TIMEOUT=%g", timeout_override());
    /* OpenMP's idle threads wait for work by spinning (libgomp: 300,000
     * rounds after every parallel region) before they sleep. With two tests
     * side by side on two cores, one test's spinning takes the other's core:
     * measured, a fifth of a grade's CPU time went to it. Sleeping at once
     * changes nothing a test checks (make grade CH=05: 2.05 -> 1.6 s). */
    const char *wait = getenv("OMP_WAIT_POLICY");
    snprintf(run->env_text[n++], sizeof run->env_text[0], "OMP_WAIT_POLICY=%s", wait && *wait ? wait : "passive");
    for (int i = 0; i < n; i++) run->env[i] = run->env_text[i];
    run->env[n] = NULL;
    return 0;
}

/* ---- one test ---------------------------------------------------------------------------------- */

static double test_limit(const GradedTest *t)
{
    return timeout_override() > 0 ? timeout_override() : t->timeout;
}

/* Moves the pictures a failing test drew (common/testing.c, in the scratch
 * folder) to build/grade/NN-<variant>/failures/, and makes the message name
 * them where they now are. */
static void keep_failure_pictures(const Run *run, Outcome *o)
{
    char **files;
    size_t n;
    if (list_files(run->failures, &files, &n) != 0) return;
    if (n) mkdir_p(run->failures_kept, 0755);
    for (size_t i = 0; i < n; i++) {
        const char *name = files[i] + strlen(run->failures) + 1;
        char dest[3000];
        snprintf(dest, sizeof dest, "%s/%s", run->failures_kept, name);
        if (rename(files[i], dest) != 0 && copy_file(files[i], dest, 0644) == 0) unlink(files[i]);
    }
    free_list(files, n);
    if (!o->reason) return;
    /* The message says where the test wrote: put the kept folder instead. */
    Buf fixed = {0};
    size_t len = strlen(run->failures);
    for (const char *p = o->reason; *p;) {
        const char *hit = strstr(p, run->failures);
        if (!hit) {
            buf_puts(&fixed, p);
            break;
        }
        buf_add(&fixed, p, (size_t)(hit - p));
        buf_puts(&fixed, run->failures_kept);
        p = hit + len;
    }
    free(o->reason);
    o->reason = fixed.data ? fixed.data : strdup("");
}

/* Runs test t (NULL: the start-up probe) and fills *o. stdout and stderr go
 * to out_path and err_path. Returns 0, or -1 when interrupted. */
static int run_one(const Grade *g, const Run *run, Snapshot *snap, const GradedTest *t, Outcome *o,
                   const char *out_path, const char *err_path)
{
    char filter[300];
    snprintf(filter, sizeof filter, "--filter=%s", t ? t->full : "grader-probe/nothing");
    char *argv[] = {(char *)run->bin, filter, "-j1", NULL};
    unlink(run->end_path);
    bool sanitized = strstr(g->build, "san") != NULL || (getenv("SANITIZE") && strcmp(getenv("SANITIZE"), "1") == 0);
    SandboxSpec spec;
    memset(&spec, 0, sizeof spec);
    spec.argv = argv;
    spec.envp = run->env;
    spec.cwd = run->tests_dir;
    spec.output_path = out_path;
    spec.errors_path = err_path;
    spec.channel_fd = CHANNEL_FD;
    spec.channel_max = RECORD_MAX_BYTES;
    double limit = t ? test_limit(t) : STARTUP_SECONDS;
    spec.wall_seconds = limit + (t ? KILL_GRACE_SECONDS : 0);
    spec.memory_bytes = sanitized ? 0 : MEMORY_LIMIT;
    spec.processes = PROCESS_LIMIT;
    spec.file_bytes = OUTPUT_LIMIT;
    spec.as_sandbox_user = true;
    /* Criterion's runner listens on a Unix socket named by its pid in /tmp
     * (not $TMPDIR). A runner that was killed leaves it behind, and pids
     * come round again (32768 of them on Linux by default): a later runner
     * with the same pid then dies at start, "Could not initialize the
     * message server: Address already in use". Seen about once in a
     * thousand runs of a make test; never since this. */
    spec.pid_file_format = "/tmp/criterion_%ld.sock";
    SandboxResult r;
    o->passed = false;
    o->got = 0;
    o->reason = NULL;
    if (sandbox_run(&spec, &r) != 0) {
        Buf why = {0};
        buf_printf(&why, "the grader could not run the test: %s", r.error);
        o->reason = why.data;
        return 0;
    }
    if (sandbox_interrupted()) {
        sandbox_result_free(&r);
        return -1;
    }
    Buf changed = {0};
    snapshot_restore(snap, run->scratch, &changed);

    VerdictInput in = {t, &r, limit, run->end_path, err_path, buf_str(&changed), sanitized ? 0 : MEMORY_LIMIT};
    o->reason = verdict(&in);
    keep_failure_pictures(run, o);
    o->passed = o->reason == NULL;
    o->got = o->passed && t ? t->points : 0;
    buf_free(&changed);
    sandbox_result_free(&r);
    return 0;
}

/* ---- the tests, side by side ------------------------------------------------------------------ */

enum { MAX_RUN_SLOTS = 2 };

typedef struct {
    const Grade *g;
    Run *runs;
    Snapshot *snap;
    Outcome *outcomes;
    bool show_progress;
} TestSlots;

/* In a slot's worker: its own sandbox user and scratch folder. */
static int slot_start(void *arg, int slot)
{
    TestSlots *c = arg;
    char error[256];
    if (sandbox_become_worker(c->runs[slot].user, error, sizeof error) != 0) {
        fprintf(stderr, "grade: %s\n", error);
        return -1;
    }
    snapshot_note(c->snap, c->runs[slot].scratch);
    return 0;
}

static int slot_job(void *arg, int slot, size_t i, Outcome *o)
{
    TestSlots *c = arg;
    const Run *run = &c->runs[slot];
    char out_path[1800], err_path[1800];
    snprintf(out_path, sizeof out_path, "%s/%zu.out", run->out_dir, i);
    snprintf(err_path, sizeof err_path, "%s/%zu.err", run->out_dir, i);
    return run_one(c->g, run, c->snap, o->test, o, out_path, err_path);
}

static bool slot_alone(void *arg, size_t i)
{
    const TestSlots *c = arg;
    return c->outcomes[i].test->alone;
}

static void slot_progress(void *arg, size_t done, size_t n)
{
    TestSlots *c = arg;
    if (!c->show_progress) return;
    printf("\r  running the tests: %zu/%zu done", done, n);
    fflush(stdout);
}

/* TEST=: what the test printed, made safe and cut to a readable size. */
static void show_output(const char *label, const char *path)
{
    char *text;
    size_t size;
    bool truncated;
    if (read_file(path, OUTPUT_SHOWN, &text, &size, &truncated) != 0 || size == 0) {
        free(text);
        return;
    }
    Buf safe = {0};
    buf_add_display(&safe, text, true);
    printf("---- %s ----\n%s%s", label, buf_str(&safe), safe.len && safe.data[safe.len - 1] != '\n' ? "\n" : "");
    if (truncated) printf("... (only the first %d KB are shown)\n", OUTPUT_SHOWN / 1024);
    buf_free(&safe);
    free(text);
}

/* ---- the leaderboard (leaderboard.h) ---------------------------------------------------------- */

/* Times the graded conv2d_forward_fast against the reference, in slot
 * run's scratch folder and as its sandbox user, like a test, with one
 * thread. Returns 0, or -1 when interrupted. */
static int run_leaderboard(Grade *g, const Run *run)
{
    char fast[1800], reference[1800], built[1400];
    snprintf(fast, sizeof fast, "%s/bin/leaderboard-fast", run->scratch);
    snprintf(reference, sizeof reference, "%s/bin/leaderboard-reference", run->scratch);
    snprintf(built, sizeof built, "%s/leaderboard/leaderboard-fast", g->out);
    bool copied = copy_file(built, fast, 0755) == 0;
    snprintf(built, sizeof built, "%s/leaderboard/leaderboard-reference", g->out);
    copied = copied && copy_file(built, reference, 0755) == 0;
    if (!copied) {
        leaderboard_no_entry(&g->board, "the grader could not copy the benchmark into its scratch folder");
        return 0;
    }
    /* The tests' environment, but one thread whatever OMP_NUM_THREADS says. */
    char *env[20];
    int n = 0;
    for (int i = 0; run->env[i] && n < 18; i++)
        if (strncmp(run->env[i], "OMP_NUM_THREADS=", 16) != 0) env[n++] = run->env[i];
    env[n++] = "OMP_NUM_THREADS=1";
    env[n] = NULL;
    bool sanitized = strstr(g->build, "san") != NULL || (getenv("SANITIZE") && strcmp(getenv("SANITIZE"), "1") == 0);
    LeaderboardRun lr = {fast, reference, env, run->home, run->out_dir, sanitized ? 0 : MEMORY_LIMIT, OUTPUT_LIMIT,
                         PROCESS_LIMIT};
    bool show = !g->quiet && isatty(1);
    if (show) {
        printf("  timing conv2d_forward_fast for the leaderboard...");
        fflush(stdout);
    }
    int status = leaderboard_measure(g->board_spec, &lr, &g->board);
    if (show) printf("\r%-60s\r", "");
    return status;
}

/* After the tests: the leaderboard is measured only when the chapter's
 * tests of conv2d_forward_fast all passed (else *board says which did not).
 * measure false: every test failed for one reason, so nothing is timed. */
static int leaderboard_after_tests(Grade *g, const Run *run, const Outcome *outcomes, size_t n, bool measure)
{
    if (!g->board_spec || !g->board_built) return 0;
    if (!leaderboard_tests_passed(g->board_spec, outcomes, n, &g->board) || !measure) return 0;
    return run_leaderboard(g, run);
}

/* ---- the whole grade ------------------------------------------------------------------------------ */

static void setup_paths(Grade *g, const char *src_option, bool solution)
{
    char known[200];
    if (chapter_slug(g->chapter, g->slug, sizeof g->slug, known, sizeof known) != 0) {
        char msg[600];
        snprintf(msg, sizeof msg, "there is no chapter %s (chapters: %s)", g->chapter, known);
        die_usage("%s", msg);
    }
    snprintf(g->chapter_dir, sizeof g->chapter_dir, "chapters/%s", g->slug);
    if (src_option) {
        snprintf(g->src, sizeof g->src, "%s", src_option);
        size_t len = strlen(g->src);
        while (len > 1 && g->src[len - 1] == '/') g->src[--len] = '\0';
        char flat[512];
        snprintf(flat, sizeof flat, "%s", g->src);
        for (char *p = flat; *p; p++)
            if (*p == '/') *p = '_';
        snprintf(g->variant, sizeof g->variant, "planted/%s", flat);
        snprintf(g->who, sizeof g->who, "%s", g->src);
    } else if (solution) {
        snprintf(g->src, sizeof g->src, "solutions/%s", g->slug);
        snprintf(g->variant, sizeof g->variant, "solution");
        snprintf(g->who, sizeof g->who, "the solution");
    } else {
        snprintf(g->src, sizeof g->src, "%s", g->chapter_dir);
        snprintf(g->variant, sizeof g->variant, "student");
        snprintf(g->who, sizeof g->who, "your chapter");
    }
    if (solution && !src_option && !path_is_dir(g->src)) {
        /* A student release (make release) has no reference for the
         * chapters it hands out as exercises. */
        fprintf(stderr, "grade: this copy of the workbook has no reference solution of chapter %.2s (no %s): "
                        "it hands the chapter out as an exercise\n", g->slug, g->src);
        exit(2);
    }
    if (!path_is_dir(g->src)) die_usage("no such folder: %s", g->src);
    const char *build = getenv("BUILD");
    const char *san = getenv("SANITIZE");
    if (build && *build) snprintf(g->build, sizeof g->build, "%s", build);
    else snprintf(g->build, sizeof g->build, "%s", san && strcmp(san, "1") == 0 ? "build/san" : "build");
    if (g->hidden_dir) {
        /* A build of its own: the hidden build links the reference in. */
        size_t vlen = strlen(g->variant);
        put(g->variant + vlen, sizeof g->variant - vlen, "+hidden");
    }
    put(g->out, sizeof g->out, "%s/%s/%s", g->build, g->variant, g->slug);
    char flat_variant[600];
    snprintf(flat_variant, sizeof flat_variant, "%s", g->variant);
    for (char *p = flat_variant; *p; p++)
        if (*p == '/') *p = '_';
    snprintf(g->result_dir, sizeof g->result_dir, "build/grade/%s-%s", g->chapter, flat_variant);
}

/* Every test fails with the same reason (the code was refused, or the
 * program never reached its tests); prints and writes the report. */
static int report_all(const Grade *g, Outcome *outcomes, size_t n, int score, int total, const char *json_path)
{
    char summary[1200];
    snprintf(summary, sizeof summary, "Chapter %s: %d/%d points", g->chapter, score, total);
    Buf board_line = {0};
    LeaderboardRow rows[2] = {0};
    if (g->board_spec) {
        leaderboard_describe(g->board_spec, &g->board, &board_line);
        leaderboard_rows(g->board_spec, &g->board, rows);
    }
    if (g->brief) {
        /* make watch: the score and the first thing to fix, then the table. */
        printf("%s\n", summary);
        for (size_t i = 0; i < n; i++) {
            if (outcomes[i].passed) continue;
            Buf safe = {0};
            buf_add_display(&safe, outcomes[i].reason ? outcomes[i].reason : "failed", true);
            printf("\nFirst to fix: %s (%d point%s)\n", outcomes[i].test->full, outcomes[i].test->points,
                   outcomes[i].test->points == 1 ? "" : "s");
            for (const char *p = buf_str(&safe); *p;) {
                const char *nl = strchr(p, '\n');
                size_t len = nl ? (size_t)(nl - p) : strlen(p);
                printf("    %.*s\n", (int)len, p);
                p += len + (nl ? 1 : 0);
            }
            printf("    (hints: make hint CH=%s; all its output: make grade CH=%s TEST=%s)\n", g->chapter, g->chapter,
                   outcomes[i].test->name);
            buf_free(&safe);
            break;
        }
        printf("\n");
        report_table(stdout, outcomes, n);
    } else {
        if (!g->quiet) {
            printf("Grading chapter %s (%s): %s\n\n", g->chapter, g->slug, g->who);
            report_table(stdout, outcomes, n);
            printf("\n");
            report_details(stdout, outcomes, n, g->chapter, 200);
        }
        printf("%s\n", summary);
    }
    if (board_line.len) {
        printf("%s\n", buf_str(&board_line));
        size_t len = strlen(summary);
        snprintf(summary + len, sizeof summary - len, "\n%s", buf_str(&board_line));
    }
    buf_free(&board_line);
    if (g->note) {
        size_t len = strlen(summary);
        snprintf(summary + len, sizeof summary - len, "\n%s", g->note);
    }
    int hints = strcmp(g->variant, "student") == 0 ? hints_used_total(g->chapter) : 0;
    if (report_write_json(json_path, outcomes, n, score, total, summary, hints, rows, g->board_spec ? 2 : 0) != 0)
        fprintf(stderr, "grade: cannot write %s\n", json_path);
    if (g->tsv_path && report_write_tsv(g->tsv_path, outcomes, n) != 0)
        fprintf(stderr, "grade: cannot write %s\n", g->tsv_path);
    char pictures[1400];
    snprintf(pictures, sizeof pictures, "%s/failures", g->result_dir);
    if (g->prairielearn_path &&
        report_write_prairielearn(g->prairielearn_path, outcomes, n, score, total, summary, pictures) != 0)
        fprintf(stderr, "grade: cannot write %s\n", g->prairielearn_path);
    return score == total && total > 0 ? 0 : 1;
}

int grade_command(int argc, char **argv)
{
    Grade g;
    memset(&g, 0, sizeof g);
    g.symbol_check = true;
    const char *src_option = NULL, *chapter = NULL;
    bool solution = false, check_lesson = false, leaderboard = false;
    Buf lesson_problems = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--solution") == 0) solution = true;
        else if (strcmp(a, "--quiet") == 0) g.quiet = true;
        else if (strcmp(a, "--brief") == 0) g.brief = true;
        else if (strcmp(a, "--no-symbol-check") == 0) g.symbol_check = false;
        else if (strcmp(a, "--leaderboard") == 0) leaderboard = true;
        else if (strcmp(a, "--check-lesson") == 0) check_lesson = true;
        else if (strcmp(a, "--src") == 0 || strcmp(a, "--test") == 0 || strcmp(a, "--jobs") == 0 ||
                 strcmp(a, "--tsv") == 0 || strcmp(a, "--hidden") == 0 || strcmp(a, "--prairielearn") == 0 ||
                 strcmp(a, "--note") == 0) {
            if (i + 1 >= argc || !argv[i + 1][0]) die_usage("%s needs a value", a);
            if (strcmp(a, "--src") == 0) src_option = argv[++i];
            else if (strcmp(a, "--tsv") == 0) g.tsv_path = argv[++i];
            else if (strcmp(a, "--hidden") == 0) g.hidden_dir = argv[++i];
            else if (strcmp(a, "--prairielearn") == 0) g.prairielearn_path = argv[++i];
            else if (strcmp(a, "--note") == 0) g.note = argv[++i];
            else if (strcmp(a, "--test") == 0) g.only_test = argv[++i];
            else {
                char *end;
                long jobs = strtol(argv[++i], &end, 10);
                if (*end || jobs < 0 || jobs > MAX_RUN_SLOTS)
                    die_usage("--jobs takes 1 or 2 (0: one per core, at most 2), not '%s'", argv[i]);
                g.jobs = (int)jobs;
            }
        } else if (a[0] == '-') die_usage("unknown option %s", a);
        else if (chapter) die_usage("one chapter at a time (got '%s' too)", a);
        else chapter = a;
    }
    if (!chapter) die_usage("which chapter? e.g. make grade CH=01%s", "");
    /* The hidden tests' seed: HIDDEN_SEED (grader/autograder/build.sh picks
     * it when it builds an autograder), digits only, as it becomes a C
     * constant. */
    const char *seed = getenv("HIDDEN_SEED");
    if (!seed || !*seed) seed = "1";
    if (strlen(seed) > 19 || strspn(seed, "0123456789") != strlen(seed))
        die_usage("HIDDEN_SEED must be a number of at most 19 digits, not '%s'", seed);
    snprintf(g.hidden_seed, sizeof g.hidden_seed, "%s", seed);
    if (g.hidden_dir && !path_is_dir(g.hidden_dir)) die_usage("--hidden: no such folder: %s", g.hidden_dir);
    size_t len = strlen(chapter);
    bool digits = len >= 1 && len <= 2;
    for (size_t i = 0; i < len; i++) digits = digits && isdigit((unsigned char)chapter[i]);
    if (!digits) die_usage("CH must be a chapter number like 01 or 4, not '%s'", chapter);
    snprintf(g.chapter, sizeof g.chapter, "%02d", atoi(chapter));
    if (!path_exists("grader/chapter.mk")) {
        fprintf(stderr, "grade: run me from the workbook's top folder (where grader/ is)\n");
        return 2;
    }
    setup_paths(&g, src_option, solution);
    /* TEST= grades one test: no leaderboard. */
    if (leaderboard && !g.only_test) g.board_spec = leaderboard_spec(g.chapter);
    char error[512] = "";
    if (sandbox_setup(NULL, error, sizeof error) != 0) {
        fprintf(stderr, "grade: %s\n", error);
        return 3;
    }
    if (mkdir_p(g.result_dir, 0755) != 0) {
        fprintf(stderr, "grade: cannot create %s: %s\n", g.result_dir, strerror(errno));
        return 3;
    }
    char json_path[1400], log_path[1400];
    snprintf(json_path, sizeof json_path, "%s/results.json", g.result_dir);
    snprintf(log_path, sizeof log_path, "%s/build.log", g.result_dir);

    /* 1, 2: the tests are the workbook's, and say what they are worth. */
    Snapshot snap = {0};
    if (snapshot_verify(&snap, g.chapter_dir, g.chapter) != 0) return 3;
    if (check_lesson) g.lesson_problems = &lesson_problems;
    if (read_tests(&g, &snap) != 0) {
        snapshot_free(&snap);
        return 3;
    }
    if (check_lesson) {
        /* --check-lesson (make test): the lesson's table and the tests agree,
         * and the hints (make hint), where written, cover every test. */
        char hints[400];
        snprintf(hints, sizeof hints, "%s/tests/hints.txt", g.chapter_dir);
        if (path_exists(hints)) hints_check(hints, &g.tests, true, &lesson_problems);
        int bad = lesson_problems.len > 0;
        if (bad) fputs(buf_str(&lesson_problems), stdout);
        else printf("%s/README.md lists all %zu tests of chapter %s with their points, in the order they run%s\n",
                    g.chapter_dir, g.tests.count, g.chapter, path_exists(hints) ? "; each has three hints" : "");
        buf_free(&lesson_problems);
        snapshot_free(&snap);
        testlist_free(&g.tests);
        return bad;
    }
    int total = total_points(&g);
    long only = -1;
    if (g.only_test) {
        only = testlist_find(&g.tests, g.only_test);
        if (only < 0) {
            suggest_tests(&g, g.only_test);
            snapshot_free(&snap);
            testlist_free(&g.tests);
            return 2;
        }
    }

    /* 3: the build. */
    if (!g.quiet && isatty(1)) {
        printf("  building chapter %s...", g.chapter);
        fflush(stdout);
    }
    const char *lib_args[] = {"lib", NULL};
    char chapter_var[300], src_var[700], out_var[1300];
    snprintf(chapter_var, sizeof chapter_var, "CHAPTER=%s", g.slug);
    snprintf(src_var, sizeof src_var, "SRC=%s", g.src);
    snprintf(out_var, sizeof out_var, "OUT=%s", g.out);
    char hidden_var[700] = "HIDDEN=", seed_var[64];
    if (g.hidden_dir) snprintf(hidden_var, sizeof hidden_var, "HIDDEN=%s", g.hidden_dir);
    snprintf(seed_var, sizeof seed_var, "HIDDEN_SEED=%s", g.hidden_seed);
    const char *tests_args[] = {"-f", "grader/chapter.mk", chapter_var, src_var, out_var, hidden_var, seed_var,
                                "tests", NULL};
    bool built = run_make(&g, lib_args, log_path);
    if (built) {
        char tmp_log[1500];
        snprintf(tmp_log, sizeof tmp_log, "%s.chapter", log_path);
        built = run_make(&g, tests_args, tmp_log);
        /* one log: the library's part, then the chapter's */
        char *text;
        if (read_file(tmp_log, 8u << 20, &text, NULL, NULL) == 0) {
            FILE *f = fopen(log_path, "a");
            if (f) {
                fputs(text, f);
                fclose(f);
            }
            free(text);
        }
        unlink(tmp_log);
    }
    if (built && g.board_spec && !check_lesson) {
        /* The leaderboard's two programs: a goal of their own, so a failure
         * here costs the leaderboard, never the grade. */
        char board_log[1500];
        snprintf(board_log, sizeof board_log, "%s/build-leaderboard.log", g.result_dir);
        const char *board_args[] = {"-f", "grader/chapter.mk", chapter_var, src_var, out_var, hidden_var, seed_var,
                                    "LEADERBOARD=grader/autograder/leaderboard_bench.c", "leaderboard", NULL};
        g.board_built = run_make(&g, board_args, board_log);
        if (!g.board_built)
            leaderboard_no_entry(&g.board, "the leaderboard's benchmark did not build (the grader's fault, not "
                                           "yours: tell your instructor)");
    }
    if (!g.quiet && isatty(1)) printf("\r%-40s\r", "");
    if (!built) {
        if (!g.quiet) {
            printf("Chapter %s did not compile, so no test could run. The compiler said:\n\n", g.chapter);
            show_build_errors(log_path, g.brief ? 6 : 30, true, NULL);
            printf("\nFix the first error first: later ones are often caused by it.\n");
        }
        /* The compiler's first errors go into results.json too: an
         * autograder's student sees nothing else. */
        Buf said = {0};
        show_build_errors(log_path, 12, false, &said);
        printf("Chapter %s: 0/%d points (did not compile)\n", g.chapter, total);
        Outcome *none = calloc(g.tests.count, sizeof *none);
        for (size_t i = 0; i < g.tests.count; i++) {
            none[i].test = &g.tests.tests[i];
            none[i].reason = (char *)"not run: the chapter did not compile";
        }
        Buf summary = {0};
        buf_printf(&summary, "Chapter %s did not compile, so no test could run (0/%d points). The compiler said:\n%s%s",
                   g.chapter, total, buf_str(&said), g.note ? g.note : "");
        LeaderboardRow rows[2] = {0};
        if (g.board_spec) {
            leaderboard_no_entry(&g.board, "chapter %s did not compile", g.chapter);
            Buf line = {0};
            leaderboard_describe(g.board_spec, &g.board, &line);
            leaderboard_rows(g.board_spec, &g.board, rows);
            buf_printf(&summary, "\n%s", buf_str(&line));
            buf_free(&line);
        }
        report_write_json(json_path, none, g.tests.count, 0, total, buf_str(&summary), 0, rows, g.board_spec ? 2 : 0);
        if (g.tsv_path) report_write_tsv(g.tsv_path, none, g.tests.count);
        if (g.prairielearn_path)
            report_write_prairielearn(g.prairielearn_path, none, g.tests.count, 0, total, buf_str(&summary), NULL);
        buf_free(&summary);
        buf_free(&said);
        free(none);
        snapshot_free(&snap);
        testlist_free(&g.tests);
        return 3;
    }
    if (!g.quiet) show_warnings(&g);

    size_t n = only >= 0 ? 1 : g.tests.count;
    Outcome *outcomes = calloc(g.tests.count, sizeof *outcomes);
    for (size_t i = 0; i < g.tests.count; i++) outcomes[i].test = &g.tests.tests[i];
    if (only >= 0) outcomes[0].test = &g.tests.tests[only];
    int status = 0;
    Run runs[MAX_RUN_SLOTS];
    memset(runs, 0, sizeof runs);
    int made_scratch = 0;

    /* 4: what the code calls. */
    Buf refusal = {0};
    if (g.symbol_check && check_symbols(&g, &refusal) != 0) {
        status = 3;
        goto done;
    }
    if (refusal.len) {
        for (size_t i = 0; i < n; i++) outcomes[i].reason = strdup(buf_str(&refusal));
        leaderboard_after_tests(&g, NULL, outcomes, n, false);
        status = report_all(&g, outcomes, n, 0, only >= 0 ? outcomes[0].test->points : total, json_path);
        goto done;
    }

    /* 5, 6: run, in slots side by side (slots.h), each with a scratch
     * folder and a sandbox user of its own. TEST= runs one test, here. */
    int slots = only >= 0 ? 1 : g.jobs > 0 ? (g.jobs < (int)n ? g.jobs : (int)n) : slots_default(n);
    if (slots > MAX_RUN_SLOTS) slots = MAX_RUN_SLOTS;
    runs[0].user = sandbox_user();
    for (int s = 1; s < slots; s++) {
        runs[s].user = sandbox_claim_another_user();
        if (runs[0].user != (uid_t)-1 && runs[s].user == (uid_t)-1) slots = s; /* no free user: fewer slots */
    }
    char kept[1400];
    snprintf(kept, sizeof kept, "%s/failures", g.result_dir);
    remove_tree(kept); /* this grade's pictures only */
    for (int s = 0; s < slots; s++) {
        if (make_scratch(&g, &runs[s], &snap) != 0) {
            status = 3;
            goto done;
        }
        made_scratch = s + 1;
    }
    snapshot_note(&snap, runs[0].scratch);
    char out_path[1800], err_path[1800];
    snprintf(out_path, sizeof out_path, "%s/probe.out", runs[0].out_dir);
    snprintf(err_path, sizeof err_path, "%s/probe.err", runs[0].out_dir);
    Outcome probe = {0};
    if (run_one(&g, &runs[0], &snap, NULL, &probe, out_path, err_path) != 0) goto interrupted;
    if (!probe.passed) {
        /* Whatever stopped the program before its tests (a constructor, a
         * runtime that could not start) usually said so on stderr. */
        if (!g.quiet) show_output("what the test program printed as it started (stderr)", err_path);
        for (size_t i = 0; i < n; i++) outcomes[i].reason = strdup(probe.reason);
        free(probe.reason);
        leaderboard_after_tests(&g, NULL, outcomes, n, false);
        status = report_all(&g, outcomes, n, 0, only >= 0 ? outcomes[0].test->points : total, json_path);
        goto done;
    }
    if (g.only_test) {
        const GradedTest *t = outcomes[0].test;
        snprintf(out_path, sizeof out_path, "%s/0.out", runs[0].out_dir);
        snprintf(err_path, sizeof err_path, "%s/0.err", runs[0].out_dir);
        if (run_one(&g, &runs[0], &snap, t, &outcomes[0], out_path, err_path) != 0) goto interrupted;
        printf("Running %s of chapter %s (%s) alone:\n", t->full, g.chapter, g.src);
        show_output("what it printed (stdout)", out_path);
        show_output("what it printed (stderr)", err_path);
        printf("---- result ----\n");
        const Outcome *o = &outcomes[0];
        if (o->passed) {
            printf("%s: pass, %d/%d points\n", o->test->full, o->got, o->test->points);
        } else {
            Buf safe = {0};
            buf_add_display(&safe, o->reason, true);
            printf("%s: FAIL, 0/%d points\n%s\n", o->test->full, o->test->points, buf_str(&safe));
            buf_free(&safe);
        }
        status = o->passed ? 0 : 1;
        goto done;
    }
    TestSlots ctx = {&g, runs, &snap, outcomes, !g.quiet && isatty(1)};
    SlotJobs jobs = {slot_start, slot_job, slot_progress, slot_alone, &ctx};
    if (slots == 1) {
        for (size_t i = 0; i < n; i++) {
            if (slot_job(&ctx, 0, i, &outcomes[i]) != 0) goto interrupted;
            slot_progress(&ctx, i + 1, n);
        }
    } else if (slots_run(&jobs, slots, n, outcomes) != 0) {
        goto interrupted;
    }
    if (ctx.show_progress) printf("\r%-90s\r", "");
    int score = 0;
    for (size_t i = 0; i < n; i++) score += outcomes[i].got;
    if (leaderboard_after_tests(&g, &runs[0], outcomes, n, true) != 0) goto interrupted;
    status = report_all(&g, outcomes, n, score, total, json_path);
    goto done;

interrupted:
    fprintf(stderr, "\ngrade: interrupted; nothing was scored\n");
    status = 130;

done:
    for (int s = 0; s < made_scratch; s++) remove_tree(runs[s].scratch);
    for (size_t i = 0; i < g.tests.count; i++) free(outcomes[i].reason);
    free(outcomes);
    buf_free(&refusal);
    snapshot_free(&snap);
    testlist_free(&g.tests);
    return status;
}
