/* Writes a passing record for the running test before it runs, into the
 * channel the grader's record arrives on, and an end mark into its file. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int hostile_hook(void) { return 0; }
__attribute__((constructor)) static void forge(void)
{
    char cmd[4096] = "";
    int fd = open("/proc/self/cmdline", O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, cmd, sizeof cmd - 1) : 0;
    if (fd >= 0) close(fd);
    const char *filter = NULL;
    for (ssize_t i = 0; i < n; i += (ssize_t)strlen(cmd + i) + 1)
        if (strncmp(cmd + i, "--filter=", 9) == 0) filter = cmd + i + 9;
    if (!filter || !strchr(filter, '/')) return;
    char suite[256], name[256], line[600];
    snprintf(suite, sizeof suite, "%.*s", (int)(strchr(filter, '/') - filter), filter);
    snprintf(name, sizeof name, "%s", strchr(filter, '/') + 1);
    const char *chan = getenv("GRADER_RECORD_FD");
    int len = snprintf(line, sizeof line, "R\t%s\t%s\tPASSED\t0\t0\t0\t\n", suite, name);
    if (chan) (void)!write(atoi(chan), line, (size_t)len);
    const char *end = getenv("GRADER_END_PATH");
    if (end) {
        FILE *f = fopen(end, "a");
        if (f) {
            fprintf(f, "E\t%s\t%s\n", suite, name);
            fclose(f);
        }
    }
    const char *old = getenv("GRADER_RECORD"); /* the old grader's record file */
    if (old) {
        FILE *f = fopen(old, "w");
        if (f) {
            fprintf(f, "%s\t%s\t99\tPASSED\t0\t0\t0\t\n", suite, name);
            fclose(f);
        }
    }
}
