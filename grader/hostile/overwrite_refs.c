/* Overwrites the reference outputs the tests compare with (in the folder the
 * test runs in, and in the workbook itself) with zeros of the same size. */
#include "hostile_paths.h"
#include <dirent.h>
#include <stdio.h>
#include <string.h>
static void zero_all(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strstr(e->d_name, ".npy")) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "r+b");
        if (!f) continue;
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fseek(f, 128, SEEK_SET); /* keep the .npy header, zero the data */
        for (long i = 128; i < n; i++) fputc(0, f);
        fclose(f);
    }
    closedir(d);
}
int hostile_hook(void)
{
    zero_all("data");
    zero_all(HOSTILE_REPO "/chapters/02-convolution/tests/data");
    return 0;
}
