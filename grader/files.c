/* files.c -- see files.h. */
#include "files.h"

#include "text.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool path_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

bool path_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int mkdir_p(const char *path, mode_t mode)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s", path) >= (int)sizeof tmp) return -1;
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    if (mkdir(tmp, mode) != 0 && errno != EEXIST) return -1;
    return 0;
}

int remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) return errno == ENOENT ? 0 : -1;
    if (S_ISDIR(st.st_mode)) {
        chmod(path, 0700); /* a folder a test made unreadable is still ours */
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
                char child[4096];
                snprintf(child, sizeof child, "%s/%s", path, e->d_name);
                remove_tree(child);
            }
            closedir(d);
        }
        return rmdir(path);
    }
    return unlink(path);
}

int copy_file(const char *from, const char *to, mode_t mode)
{
    int in = open(from, O_RDONLY);
    if (in < 0) return -1;
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (out < 0) {
        close(in);
        return -1;
    }
    char buf[65536];
    ssize_t n;
    int status = 0;
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n) status = -1;
    if (n < 0) status = -1;
    close(in);
    if (close(out) != 0) status = -1;
    chmod(to, mode);
    return status;
}

bool reachable_by_anyone(const char *path)
{
    char real[PATH_MAX];
    if (!realpath(path, real)) return false;
    /* Check real, then cut its last component, up to "/". */
    for (;;) {
        struct stat st;
        if (stat(real[0] ? real : "/", &st) != 0 || !(st.st_mode & S_IXOTH)) return false;
        char *slash = strrchr(real, '/');
        if (!slash || !real[0]) return true;
        *slash = '\0';
    }
}

/* ---- listings ------------------------------------------------------------------ */

typedef struct {
    char **items;
    size_t count, cap;
} List;

static int list_push(List *l, const char *s)
{
    if (l->count == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        char **grown = realloc(l->items, cap * sizeof *grown);
        if (!grown) return -1;
        l->items = grown;
        l->cap = cap;
    }
    l->items[l->count] = strdup(s);
    if (!l->items[l->count]) return -1;
    l->count++;
    return 0;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(const char *dir, List *out)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    struct dirent *e;
    int status = 0;
    while ((e = readdir(d)) != NULL && status == 0) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "__pycache__") == 0) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) status = walk(path, out);
        else if (S_ISREG(st.st_mode)) status = list_push(out, path);
    }
    closedir(d);
    return status;
}

int list_files(const char *dir, char ***files, size_t *count)
{
    List l = {0};
    *files = NULL;
    *count = 0;
    if (walk(dir, &l) != 0) {
        free_list(l.items, l.count);
        return -1;
    }
    if (l.count) qsort(l.items, l.count, sizeof *l.items, compare_strings);
    *files = l.items;
    *count = l.count;
    return 0;
}

int list_names(const char *dir, const char *suffix, bool dirs_only, char ***names, size_t *count)
{
    List l = {0};
    *names = NULL;
    *count = 0;
    DIR *d = opendir(dir);
    if (!d) return -1;
    struct dirent *e;
    int status = 0;
    while ((e = readdir(d)) != NULL && status == 0) {
        if (e->d_name[0] == '.') continue;
        size_t n = strlen(e->d_name), s = strlen(suffix);
        if (n < s || strcmp(e->d_name + n - s, suffix) != 0) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0) continue;
        if (dirs_only ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) continue;
        status = list_push(&l, e->d_name);
    }
    closedir(d);
    if (status != 0) {
        free_list(l.items, l.count);
        return -1;
    }
    if (l.count) qsort(l.items, l.count, sizeof *l.items, compare_strings);
    *names = l.items;
    *count = l.count;
    return 0;
}

void free_list(char **items, size_t count)
{
    for (size_t i = 0; i < count; i++) free(items[i]);
    free(items);
}

/* ---- whole files ------------------------------------------------------------------ */

bool file_equals(const char *path, const char *data, size_t size)
{
    char *text;
    size_t n;
    if (read_file(path, size + 1, &text, &n, NULL) != 0) return false;
    bool same = n == size && memcmp(text, data, size) == 0;
    free(text);
    return same;
}

int write_file_atomically(const char *path, const char *data, size_t size)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f) return -1;
    size_t written = fwrite(data, 1, size, f);
    if (fclose(f) != 0 || written != size || rename(tmp, path) != 0) {
        remove(tmp);
        return -1;
    }
    return 0;
}

int write_if_changed(const char *path, const char *data, size_t size)
{
    if (file_equals(path, data, size)) return 0;
    return write_file_atomically(path, data, size);
}

int chapter_slug(const char *number, char *slug, size_t size, char *known, size_t known_size)
{
    char want[3];
    snprintf(want, sizeof want, "%02d", atoi(number));
    char **names;
    size_t n;
    slug[0] = '\0';
    if (known && known_size) known[0] = '\0';
    if (list_names("chapters", "", true, &names, &n) != 0) return -1;
    size_t used = 0;
    for (size_t i = 0; i < n; i++) { /* sorted: the first match is the one */
        const char *s = names[i];
        if (!(s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && s[2] == '-')) continue;
        if (!slug[0] && strncmp(s, want, 2) == 0) snprintf(slug, size, "%s", s);
        if (known && used + 4 < known_size) used += (size_t)snprintf(known + used, known_size - used, "%.2s ", s);
    }
    if (known && used > 0) known[used - 1] = '\0'; /* no trailing space */
    free_list(names, n);
    return slug[0] ? 0 : -1;
}
