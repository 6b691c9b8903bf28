/* verify.c -- see verify.h. */
#include "verify.h"

#include "files.h"
#include "manifest.h"
#include "sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void snapshot_free(Snapshot *s)
{
    for (size_t i = 0; i < s->count; i++) {
        free(s->files[i].path);
        free(s->files[i].copy);
        free(s->files[i].bytes);
    }
    free(s->files);
    s->files = NULL;
    s->count = 0;
}

/* Verifies one file against its recorded checksum and keeps its bytes in
 * *snap (as `copy` in the scratch folder); else describes the problem. */
static void verify_one(const Checksums *sums, const char *kind, const char *path, const char *copy, Snapshot *snap,
                       Buf *problems)
{
    const Checksum *c = checksums_find(sums, kind, path);
    if (!c) {
        buf_printf(problems, "    %s is not one of the workbook's %s files\n", path, kind);
        return;
    }
    char *bytes;
    size_t size;
    bool truncated;
    if (read_file(path, 64u << 20, &bytes, &size, &truncated) != 0 || truncated) {
        buf_printf(problems, "    %s %s\n", path, path_exists(path) ? "cannot be read" : "is missing");
        free(bytes);
        return;
    }
    char hex[65];
    Sha256 h;
    sha256_init(&h);
    sha256_update(&h, bytes, size);
    sha256_final_hex(&h, hex);
    if (strcmp(hex, c->sha) != 0) {
        buf_printf(problems, "    %s has been changed\n", path);
        free(bytes);
        return;
    }
    Pristine *p = &snap->files[snap->count++];
    p->path = strdup(path);
    p->copy = strdup(copy);
    p->bytes = bytes;
    p->size = size;
}

int snapshot_verify(Snapshot *snap, const char *chapter_dir, const char *chapter)
{
    char error[512] = "";
    Checksums sums;
    if (!path_exists(CHECKSUMS_PATH)) {
        fprintf(stderr, "grade: %s is missing, so the tests' files cannot be checked (maintainers: make manifest)\n",
                CHECKSUMS_PATH);
        return -1;
    }
    if (checksums_load(&sums, CHECKSUMS_PATH, error, sizeof error) != 0) {
        fprintf(stderr, "grade: %s\n", error);
        return -1;
    }
    char tests_dir[400];
    snprintf(tests_dir, sizeof tests_dir, "%s/tests", chapter_dir);
    char **files;
    size_t n;
    if (list_files(tests_dir, &files, &n) != 0) {
        fprintf(stderr, "grade: cannot read %s\n", tests_dir);
        checksums_free(&sums);
        return -1;
    }
    Buf problems = {0};
    snap->files = calloc(n + sums.count + 1, sizeof *snap->files);
    snap->count = 0;
    size_t prefix = strlen(chapter_dir) + 1;
    for (size_t i = 0; i < n; i++) verify_one(&sums, "test", files[i], files[i] + prefix, snap, &problems);
    for (size_t i = 0; i < sums.count; i++) {
        const Checksum *c = &sums.items[i];
        if (strcmp(c->kind, "dataset") == 0) {
            verify_one(&sums, "dataset", c->path, c->path, snap, &problems);
        } else if (strcmp(c->kind, "test") == 0 && strncmp(c->path, tests_dir, strlen(tests_dir)) == 0 &&
                   c->path[strlen(tests_dir)] == '/' && !path_exists(c->path)) {
            buf_printf(&problems, "    %s is missing\n", c->path);
        }
    }
    free_list(files, n);
    checksums_free(&sums);
    if (problems.len) {
        fprintf(stderr,
                "grade: chapter %s's tests are not the workbook's, so a grade would mean nothing:\n%s"
                "Restore them with `git checkout -- %s datasets` (or from a fresh copy of the workbook).\n"
                "(Maintainers who changed a test on purpose: `make manifest` records it.)\n",
                chapter, buf_str(&problems), tests_dir);
        buf_free(&problems);
        snapshot_free(snap);
        return -1;
    }
    return 0;
}


static bool stat_seen(const char *path, FileSeen *seen)
{
    struct stat st;
    memset(seen, 0, sizeof *seen);
    if (stat(path, &st) != 0) return false;
    seen->known = true;
    seen->dev = (unsigned long long)st.st_dev;
    seen->ino = (unsigned long long)st.st_ino;
    seen->size = (unsigned long long)st.st_size;
#if defined(__APPLE__)
    seen->ctime_s = (long long)st.st_ctimespec.tv_sec;
    seen->ctime_ns = (long long)st.st_ctimespec.tv_nsec;
#else
    seen->ctime_s = (long long)st.st_ctim.tv_sec;
    seen->ctime_ns = (long long)st.st_ctim.tv_nsec;
#endif
    return true;
}

static void place(const Pristine *p, int where, const char *scratch, char *path, size_t size)
{
    if (where == 0) snprintf(path, size, "%s/%s", scratch, p->copy);
    else snprintf(path, size, "%s", p->path);
}

void snapshot_note(Snapshot *snap, const char *scratch)
{
    for (size_t i = 0; i < snap->count; i++)
        for (int where = 0; where < 2; where++) {
            char path[2200];
            place(&snap->files[i], where, scratch, path, sizeof path);
            stat_seen(path, &snap->files[i].seen[where]);
        }
}

void snapshot_restore(Snapshot *snap, const char *scratch, Buf *changed)
{
    for (int where = 0; where < 2; where++) {
        for (size_t i = 0; i < snap->count; i++) {
            Pristine *p = &snap->files[i];
            char path[2200];
            place(p, where, scratch, path, sizeof path);
            FileSeen now;
            if (stat_seen(path, &now) && p->seen[where].known && memcmp(&now, &p->seen[where], sizeof now) == 0)
                continue; /* untouched since it last held the right bytes */
            char *bytes;
            size_t size;
            bool truncated;
            bool same = read_file(path, p->size + 1, &bytes, &size, &truncated) == 0 && size == p->size &&
                        memcmp(bytes, p->bytes, size) == 0;
            free(bytes);
            if (!same) {
                if (!strstr(buf_str(changed), p->path)) {
                    if (changed->len) buf_puts(changed, ", ");
                    buf_puts(changed, p->path);
                }
                unlink(path);
                FILE *f = fopen(path, "wb");
                if (f) {
                    fwrite(p->bytes, 1, p->size, f);
                    fclose(f);
                    chmod(path, 0644);
                }
            }
            stat_seen(path, &p->seen[where]);
        }
    }
}
