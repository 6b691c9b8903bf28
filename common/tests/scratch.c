/* scratch.c -- the core tests' scratch folder (see scratch.h). */
#include "scratch.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char scratch_dir[64];

void scratch_make(const char *what)
{
    snprintf(scratch_dir, sizeof scratch_dir, "/tmp/cnn-%s-test-XXXXXX", what);
    cr_assert_not_null(mkdtemp(scratch_dir), "cannot create a scratch folder under /tmp");
}

/* Depth first: a folder is removed once what it holds is. */
static void remove_tree(const char *dir_path)
{
    DIR *dir = opendir(dir_path);
    if (!dir) return;
    struct dirent *e;
    char path[SCRATCH_PATH_MAX];
    struct stat st;
    while ((e = readdir(dir)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        snprintf(path, sizeof path, "%s/%s", dir_path, e->d_name);
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
            remove_tree(path);
        else
            unlink(path);
    }
    closedir(dir);
    rmdir(dir_path);
}

void scratch_remove(void)
{
    if (scratch_dir[0]) remove_tree(scratch_dir);
}

const char *scratch_path(char *path, const char *name)
{
    snprintf(path, SCRATCH_PATH_MAX, "%s/%s", scratch_dir, name);
    return path;
}

void scratch_write(const char *path, const void *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot create %s", path);
    cr_assert_eq(fwrite(bytes, 1, n, f), n, "cannot write %s", path);
    cr_assert_eq(fclose(f), 0, "cannot close %s", path);
}
