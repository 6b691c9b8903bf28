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
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { MAX_JOBS = 4 };
#define ROOT "build/grade-all"

typedef struct {
    char slug[200], number[3];
    char **files;        /* its top-level .c and .h, chapters/NN-slug/NAME */
    size_t nfiles;
} Chapter;

typedef struct {
    char name[256];      /* the entry's name, without .zip */
    char safe[256];      /* the same, safe as a path component */
    char entry[1200];    /* SUBMISSIONS/<entry> */
    char files[1200];    /* what grader/unpack.sh made of it */
    Buf problem;         /* why it could not be read ("": it could) */
} Student;

typedef struct {
    size_t student, chapter;
    char src[1400], tsv[1400], log[1400];
    Buf missing;         /* exercise files it did not contain */
    pid_t pid;
    int status;          /* the grader's exit status (-1: did not run) */
    int score, total;
    int timeouts, crashes, rejected, compile;
} Job;

static void usage(void)
{
    fprintf(stderr, "usage: grader batch [NN] SUBMISSIONS [--out FILE] [--jobs N]\n"
                    "       (make grade-all SUBMISSIONS=DIR [CH=NN] [JOBS=N] [OUT=FILE])\n");
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
    if (safe[0] == '.' || safe[0] == '\0') safe[0] = '_';
}

/* The submission's copy of `file`: at its top level (the exercise files
 * alone, as an autograder receives them) or inside chapters/<slug>/ (the
 * student's whole repository), in out; false when it has none. */
static bool find_in_submission(const char *dir, const char *slug, const char *file, char *out, size_t size)
{
    snprintf(out, size, "%s/%s", dir, file);
    if (path_exists(out) && !path_is_dir(out)) return true;
    snprintf(out, size, "%s/chapters/%s/%s", dir, slug, file);
    return path_exists(out) && !path_is_dir(out);
}

/* Does the submission hold any exercise file of the chapter? */
static bool has_chapter(const Student *s, const Chapter *c)
{
    char from[1500];
    for (size_t i = 0; i < c->nfiles; i++) {
        const char *base = strrchr(c->files[i], '/') + 1;
        if (is_exercise(c->files[i]) && find_in_submission(s->files, c->slug, base, from, sizeof from)) return true;
    }
    return false;
}

static int load_chapter(Chapter *c, const char *slug)
{
    snprintf(c->slug, sizeof c->slug, "%s", slug);
    snprintf(c->number, sizeof c->number, "%.2s", slug);
    char dir[300];
    snprintf(dir, sizeof dir, "chapters/%s", slug);
    char **all;
    size_t nall;
    if (list_names(dir, "", false, &all, &nall) != 0) return -1;
    c->files = calloc(nall + 1, sizeof *c->files);
    c->nfiles = 0;
    for (size_t i = 0; i < nall; i++) {
        size_t len = strlen(all[i]);
        if (len > 2 && (strcmp(all[i] + len - 2, ".c") == 0 || strcmp(all[i] + len - 2, ".h") == 0)) {
            char path[600];
            snprintf(path, sizeof path, "%s/%s", dir, all[i]);
            c->files[c->nfiles++] = strdup(path);
        }
    }
    free_list(all, nall);
    return 0;
}

/* Runs argv with stdout and stderr into log; returns its exit status, or
 * -1 when it could not run or was killed. */
static int run_logged(char *const argv[], const char *log)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        if (!freopen("/dev/null", "r", stdin) || !freopen(log, "w", stdout) || !freopen(log, "a", stderr)) _exit(3);
        execv(argv[0], argv);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* SUBMISSIONS/<entry> -> build/grade-all/<safe>/files, by grader/unpack.sh;
 * its one-line reason in s->problem when it could not. */
static void unpack(Student *s)
{
    char dir[300], log[400];
    snprintf(dir, sizeof dir, ROOT "/%s", s->safe);
    snprintf(s->files, sizeof s->files, "%s/files", dir);
    snprintf(log, sizeof log, "%s/unpack.log", dir);
    if (mkdir_p(dir, 0755) != 0) {
        buf_printf(&s->problem, "cannot create %s", dir);
        return;
    }
    char *argv[] = {"grader/unpack.sh", s->entry, s->files, NULL};
    if (run_logged(argv, log) == 0) return;
    char *text = NULL;
    if (read_file(log, 4096, &text, NULL, NULL) == 0 && text) {
        char *nl = strchr(text, '\n');
        if (nl) *nl = '\0';
        buf_printf(&s->problem, "%s", *text ? text : "could not be unpacked");
        free(text);
    } else buf_puts(&s->problem, "could not be unpacked");
}

/* build/grade-all/<safe>/NN/src: the chapter's own sources, with every
 * exercise file the submission has put over the skeleton's. Nothing else
 * of the submission is copied: its tests, Makefile or headers never reach
 * the grade. */
static int prepare(Job *j, const Student *s, const Chapter *c)
{
    char dir[1300];
    snprintf(dir, sizeof dir, ROOT "/%s/%s", s->safe, c->number);
    snprintf(j->src, sizeof j->src, "%s/src", dir);
    snprintf(j->tsv, sizeof j->tsv, "%s/grade.tsv", dir);
    snprintf(j->log, sizeof j->log, "%s/grade.log", dir);
    remove_tree(j->src);
    unlink(j->tsv);
    if (mkdir_p(j->src, 0755) != 0) {
        fprintf(stderr, "batch: cannot create %s: %s\n", j->src, strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < c->nfiles; i++) {
        const char *base = strrchr(c->files[i], '/') + 1;
        char from[1500], to[1500];
        snprintf(to, sizeof to, "%s/%s", j->src, base);
        bool exercise = is_exercise(c->files[i]);
        bool theirs = exercise && find_in_submission(s->files, c->slug, base, from, sizeof from);
        if (exercise && !theirs) buf_printf(&j->missing, "%s%s", j->missing.len ? " " : "", base);
        if (copy_file(theirs ? from : c->files[i], to, 0644) != 0) {
            fprintf(stderr, "batch: cannot copy %s into %s\n", theirs ? from : c->files[i], j->src);
            return -1;
        }
    }
    return 0;
}

/* The tests' and dependencies' objects of the chapter, once, for every
 * grade of the batch to link (grader/chapter.mk, SHARED_OBJ). */
static int build_shared(const Chapter *c, char *shared, size_t size)
{
    snprintf(shared, size, ROOT "/shared/%s", c->slug);
    char chapter_var[300], src_var[300], out_var[600], log[700];
    snprintf(chapter_var, sizeof chapter_var, "CHAPTER=%s", c->slug);
    snprintf(src_var, sizeof src_var, "SRC=chapters/%s", c->slug);
    snprintf(out_var, sizeof out_var, "OUT=%s", shared);
    snprintf(log, sizeof log, ROOT "/shared/%s.log", c->slug);
    mkdir_p(ROOT "/shared", 0755);
    char *lib[] = {"/usr/bin/env", "make", "-s", "lib", NULL};
    char *objs[] = {"/usr/bin/env", "make", "-s", "-f", "grader/chapter.mk", chapter_var, src_var, out_var,
                    "shared-objects", NULL};
    if (run_logged(lib, log) != 0 || run_logged(objs, log) != 0) {
        fprintf(stderr, "batch: chapter %s's tests did not build (%s)\n", c->number, log);
        return -1;
    }
    return 0;
}

static pid_t start_grade(Job *j, const Chapter *c, const char *shared)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen("/dev/null", "r", stdin) || !freopen(j->log, "w", stdout) || !freopen(j->log, "a", stderr))
            _exit(3);
        setenv("SHARED_OBJ", shared, 1);
        char *argv[] = {"build/tools/grader", "grade", "--jobs", "1", "--tsv", j->tsv, "--src", j->src,
                        (char *)c->number, NULL};
        execv(argv[0], argv);
        _exit(3);
    }
    return pid;
}

/* "Chapter 02: 12/28 points" in the grade's output -> 12, 28; the tsv's
 * kinds -> the flags' counts. */
static void read_result(Job *j)
{
    char *text;
    j->score = j->total = -1;
    if (read_file(j->log, 8u << 20, &text, NULL, NULL) == 0) {
        const char *last = NULL;
        for (const char *p = strstr(text, "\nChapter "); p; p = strstr(p + 1, "\nChapter ")) last = p + 1;
        if (!last && strncmp(text, "Chapter ", 8) == 0) last = text;
        if (last) sscanf(last, "Chapter %*[0-9]: %d/%d", &j->score, &j->total);
        free(text);
    }
    if (read_file(j->tsv, 1u << 20, &text, NULL, NULL) != 0) return;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        const char *kind = strrchr(line, '\t');
        if (!kind) continue;
        kind++;
        if (strcmp(kind, "timeout") == 0) j->timeouts++;
        else if (strcmp(kind, "crash") == 0) j->crashes++;
        else if (strcmp(kind, "rejected") == 0) j->rejected++;
        else if (strcmp(kind, "compile") == 0) j->compile++;
    }
    free(text);
}

/* CSV: a field in quotes, its quotes doubled (the submissions' names are
 * whatever the instructor's files are called), then a comma or the end. */
static void csv_field(FILE *f, const char *text, bool last)
{
    fputc('"', f);
    for (const char *p = text; *p; p++) {
        if (*p == '"') fputc('"', f);
        fputc((unsigned char)*p >= 32 ? *p : ' ', f);
    }
    fputc('"', f);
    fputc(last ? '\n' : ',', f);
}

static void job_flags(const Job *j, const Chapter *c, Buf *flags)
{
    const char *sep = flags->len ? "; " : "";
    if (j->score < 0) buf_printf(flags, "%s%s: not gradable (see %s)", sep, c->number, j->log);
    else if (j->compile || j->status == 3) buf_printf(flags, "%s%s: did not compile", sep, c->number);
    else {
        if (j->rejected) buf_printf(flags, "%s%s: rejected code", sep, c->number), sep = "; ";
        if (j->timeouts) buf_printf(flags, "%s%s: %d timeout", sep, c->number, j->timeouts), sep = "; ";
        if (j->crashes) buf_printf(flags, "%s%s: %d crash", sep, c->number, j->crashes);
    }
}

static int write_gradebook(const char *path, const Student *st, size_t ns, const Chapter *ch, size_t nc,
                           const Job *jobs, size_t nj)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "batch: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    fputs("\"student\"", f);
    for (size_t c = 0; c < nc; c++) fprintf(f, ",\"%s\"", ch[c].number);
    fputs(",\"total\",\"max_total\",\"flags\",\"missing_files\"\n", f);
    for (size_t s = 0; s < ns; s++) {
        Buf flags = {0}, missing = {0};
        int total = 0, max = 0;
        csv_field(f, st[s].name, false);
        if (st[s].problem.len) buf_printf(&flags, "not read: %s", buf_str(&st[s].problem));
        for (size_t c = 0; c < nc; c++) {
            const Job *j = NULL;
            for (size_t k = 0; k < nj && !j; k++)
                if (jobs[k].student == s && jobs[k].chapter == c) j = &jobs[k];
            char cell[32] = "";
            if (j && j->score >= 0) {
                snprintf(cell, sizeof cell, "%d", j->score);
                total += j->score;
                max += j->total;
            }
            if (j) job_flags(j, &ch[c], &flags);
            if (j && j->missing.len)
                buf_printf(&missing, "%s%s: %s", missing.len ? "; " : "", ch[c].number, buf_str(&j->missing));
            csv_field(f, cell, false);
        }
        char t[32], m[32];
        snprintf(t, sizeof t, "%d", total);
        snprintf(m, sizeof m, "%d", max);
        csv_field(f, t, false);
        csv_field(f, m, false);
        csv_field(f, buf_str(&flags), false);
        csv_field(f, buf_str(&missing), true);
        buf_free(&flags);
        buf_free(&missing);
    }
    return fclose(f) == 0 ? 0 : -1;
}

/* build/grade-all/<safe>/feedback.txt: each chapter's grade as the student
 * would have seen it, or why the submission could not be read. */
static void write_feedback(const Student *s, const Chapter *ch, const Job *jobs, size_t nj, size_t index)
{
    char path[1400];
    snprintf(path, sizeof path, ROOT "/%s/feedback.txt", s->safe);
    Buf b = {0};
    buf_printf(&b, "Feedback for %s\n\n", s->name);
    if (s->problem.len) buf_printf(&b, "Your submission could not be read: %s\n", buf_str(&s->problem));
    size_t graded = 0;
    for (size_t k = 0; k < nj; k++) {
        if (jobs[k].student != index) continue;
        graded++;
        char *text = NULL;
        buf_printf(&b, "==== chapter %s ====\n", ch[jobs[k].chapter].number);
        if (jobs[k].missing.len) buf_printf(&b, "Missing (the skeleton's were graded): %s\n", buf_str(&jobs[k].missing));
        if (read_file(jobs[k].log, 8u << 20, &text, NULL, NULL) == 0) {
            buf_puts(&b, text);
            free(text);
        } else buf_puts(&b, "(no output: the grade did not run)\n");
        buf_puts(&b, "\n");
    }
    if (!graded && !s->problem.len) buf_puts(&b, "It holds no exercise file of any chapter.\n");
    if (write_file_atomically(path, buf_str(&b), b.len) != 0) fprintf(stderr, "batch: cannot write %s\n", path);
    buf_free(&b);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

int batch_command(int argc, char **argv)
{
    const char *positional[2] = {NULL, NULL}, *out = NULL;
    int npos = 0, jobs = 2;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) out = argv[++i];
        else if (strcmp(argv[i], "--jobs") == 0 && i + 1 < argc) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (*end || end == argv[i] || v < 1 || v > MAX_JOBS) {
                fprintf(stderr, "batch: --jobs (JOBS=) takes 1 to %d, not '%s'\n", MAX_JOBS, argv[i]);
                return 2;
            }
            jobs = (int)v;
        } else if (argv[i][0] == '-' || npos == 2) {
            usage();
            return 2;
        } else positional[npos++] = argv[i];
    }
    if (npos == 0) {
        usage();
        return 2;
    }
    const char *chapter = npos == 2 ? positional[0] : NULL, *subs_dir = positional[npos - 1];
    if (chapter && (!isdigit((unsigned char)chapter[0]) || strspn(chapter, "0123456789") != strlen(chapter) ||
                    strlen(chapter) > 2)) {
        fprintf(stderr, "batch: CH=%s is not a chapter number\n", chapter);
        return 2;
    }
    if (!path_is_dir(subs_dir)) {
        fprintf(stderr, "batch: %s is not a folder of submissions (one folder, git repository or .zip each)\n",
                subs_dir);
        return 2;
    }

    /* The chapters: NN, or every one. */
    Chapter *ch = NULL;
    size_t nc = 0;
    char **slugs = NULL;
    size_t nslugs = 0;
    if (chapter) {
        char slug[200], number[3];
        snprintf(number, sizeof number, "%02d", atoi(chapter));
        if (chapter_slug(number, slug, sizeof slug, NULL, 0) != 0) {
            fprintf(stderr, "batch: there is no chapter %s\n", number);
            return 2;
        }
        slugs = calloc(1, sizeof *slugs);
        slugs[nslugs++] = strdup(slug);
    } else if (list_names("chapters", "", true, &slugs, &nslugs) != 0) {
        fprintf(stderr, "batch: cannot read chapters/\n");
        return 3;
    }
    ch = calloc(nslugs + 1, sizeof *ch);
    for (size_t i = 0; i < nslugs; i++) {
        if (!isdigit((unsigned char)slugs[i][0]) || !isdigit((unsigned char)slugs[i][1]) || slugs[i][2] != '-')
            continue;
        if (load_chapter(&ch[nc], slugs[i]) != 0) {
            fprintf(stderr, "batch: cannot read chapters/%s\n", slugs[i]);
            return 3;
        }
        nc++;
    }
    free_list(slugs, nslugs);

    /* The students: every folder, and every .zip. */
    char **dirs = NULL, **zips = NULL;
    size_t ndirs = 0, nzips = 0;
    if (list_names(subs_dir, "", true, &dirs, &ndirs) != 0 || list_names(subs_dir, "", false, &zips, &nzips) != 0) {
        fprintf(stderr, "batch: cannot read %s\n", subs_dir);
        return 3;
    }
    size_t ns = 0;
    Student *st = calloc(ndirs + nzips + 1, sizeof *st);
    for (size_t i = 0; i < ndirs + nzips; i++) {
        const char *e = i < ndirs ? dirs[i] : zips[i - ndirs];
        bool zip = i >= ndirs;
        if (zip && !ends_with(e, ".zip") && !ends_with(e, ".ZIP")) {
            fprintf(stderr, "batch: %s/%s is neither a folder nor a .zip: left out\n", subs_dir, e);
            continue;
        }
        Student *s = &st[ns++];
        snprintf(s->name, sizeof s->name, "%.*s", (int)(zip ? strlen(e) - 4 : strlen(e)), e);
        snprintf(s->entry, sizeof s->entry, "%s/%s", subs_dir, e);
        make_safe(s->name, s->safe, sizeof s->safe);
        for (size_t k = 0; k + 1 < ns; k++) /* two names made the same: keep both */
            if (strcmp(st[k].safe, s->safe) == 0) {
                char base[200];
                snprintf(base, sizeof base, "%.190s", s->safe);
                snprintf(s->safe, sizeof s->safe, "%s~%zu", base, ns);
            }
    }
    free_list(dirs, ndirs);
    free_list(zips, nzips);
    if (ns == 0) {
        fprintf(stderr, "batch: %s holds no submissions (a folder, git repository or .zip per student)\n", subs_dir);
        return 2;
    }
    char default_out[] = ROOT "/gradebook.csv";
    if (!out) out = default_out;
    if (mkdir_p(ROOT, 0755) != 0) {
        fprintf(stderr, "batch: cannot create " ROOT "\n");
        return 3;
    }

    double start = (double)time(NULL);
    bool tty = isatty(1);
    for (size_t i = 0; i < ns; i++) {
        char dir[1300];
        snprintf(dir, sizeof dir, ROOT "/%s", st[i].safe);
        remove_tree(dir);
        unpack(&st[i]);
        if (tty) printf("\r  unpacked %zu/%zu submissions", i + 1, ns), fflush(stdout);
    }

    /* The grades: each student's chapters (NN, or those they hold). */
    Job *jl = calloc(ns * (nc ? nc : 1) + 1, sizeof *jl);
    size_t nj = 0;
    int status = 0;
    bool *used = calloc(nc + 1, sizeof *used);
    for (size_t s = 0; s < ns && status == 0; s++) {
        if (st[s].problem.len) continue;
        for (size_t c = 0; c < nc; c++) {
            if (!chapter && !has_chapter(&st[s], &ch[c])) continue;
            Job *j = &jl[nj++];
            j->student = s;
            j->chapter = c;
            j->status = -1;
            used[c] = true;
            if (prepare(j, &st[s], &ch[c]) != 0) status = 3;
        }
    }
    char (*shared)[400] = calloc(nc + 1, sizeof *shared);
    for (size_t c = 0; c < nc && status == 0; c++) {
        if (!used[c]) continue;
        if (tty) printf("\r  building chapter %s's tests (once for all)   ", ch[c].number), fflush(stdout);
        if (build_shared(&ch[c], shared[c], sizeof shared[c]) != 0) status = 3;
    }
    if (status != 0) goto done;

    /* Grade `jobs` at a time, each with one test at a time. */
    size_t next = 0, finished = 0;
    int running = 0;
    while (finished < nj) {
        while (running < jobs && next < nj) {
            jl[next].pid = start_grade(&jl[next], &ch[jl[next].chapter], shared[jl[next].chapter]);
            if (jl[next].pid > 0) running++;
            else finished++;
            next++;
        }
        int wst;
        pid_t pid = wait(&wst);
        if (pid < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (size_t i = 0; i < nj; i++)
            if (jl[i].pid == pid) {
                jl[i].pid = 0;
                jl[i].status = WIFEXITED(wst) ? WEXITSTATUS(wst) : -1;
                read_result(&jl[i]);
                running--;
                finished++;
                if (tty) printf("\r  graded %zu/%zu (%zu submissions)           ", finished, nj, ns), fflush(stdout);
            }
    }
    if (tty) printf("\r%-60s\r", "");
    for (size_t s = 0; s < ns; s++) write_feedback(&st[s], ch, jl, nj, s);
    if (write_gradebook(out, st, ns, ch, nc, jl, nj) != 0) {
        status = 3;
        goto done;
    }
    double took = (double)time(NULL) - start;
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    printf("%zu submissions, %zu grades, into %s in %.0f s (%.1f submissions a minute, %d at a time; "
           "largest process %.0f MB); feedback in " ROOT "/<student>/feedback.txt\n",
           ns, nj, out, took, took > 0 ? ns * 60.0 / took : 0.0, jobs, ru.ru_maxrss / 1024.0);
    for (size_t s = 0; s < ns; s++) {
        int total = 0, max = 0;
        Buf flags = {0};
        for (size_t k = 0; k < nj; k++)
            if (jl[k].student == s) {
                if (jl[k].score >= 0) total += jl[k].score, max += jl[k].total;
                job_flags(&jl[k], &ch[jl[k].chapter], &flags);
            }
        if (st[s].problem.len) printf("  %-32.32s   -   not read: %s\n", st[s].name, buf_str(&st[s].problem));
        else printf("  %-32.32s %3d/%-3d %s\n", st[s].name, total, max, buf_str(&flags));
        buf_free(&flags);
    }
done:
    for (size_t k = 0; k < nj; k++) buf_free(&jl[k].missing);
    for (size_t s = 0; s < ns; s++) buf_free(&st[s].problem);
    for (size_t c = 0; c < nc; c++) free_list(ch[c].files, ch[c].nfiles);
    free(jl);
    free(st);
    free(ch);
    free(used);
    free(shared);
    return status;
}
