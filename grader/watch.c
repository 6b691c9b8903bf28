/* watch.c -- see watch.h.
 *
 * The loop: hash the chapter's own files (its exercise files, headers and
 * given/ code); when the hash differs from the last grade's, clear the
 * screen and run `grader grade --brief NN`, which prints the score line and
 * the first failing test's whole message before the table. Then wait for a
 * change: inotify on Linux (the folder's writes, renames, creations and
 * deletions, as editors save in all these ways), a check every second
 * elsewhere. A burst of events (an editor writes a temporary file, then
 * renames it) is one change: the loop waits until the files stop changing
 * for a moment. Ctrl-C ends it cleanly.
 */
#include "watch.h"

#include "files.h"
#include "sha256.h"
#include "text.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/inotify.h>
#endif

static volatile sig_atomic_t stop_watching = 0;

static void on_interrupt(int sig)
{
    (void)sig;
    stop_watching = 1;
}

/* The SHA-256 of the chapter's sources: names and bytes, sorted. */
static void sources_key(const char *dir, char key[65])
{
    Sha256 h;
    sha256_init(&h);
    char **files;
    size_t n;
    if (list_files(dir, &files, &n) == 0) {
        for (size_t i = 0; i < n; i++) {
            size_t len = strlen(files[i]);
            bool source = len > 2 && files[i][len - 2] == '.' && (files[i][len - 1] == 'c' || files[i][len - 1] == 'h');
            if (!source || strstr(files[i], "/tests/") || strstr(files[i], "/figures/")) continue;
            char *bytes;
            size_t size;
            sha256_update(&h, files[i], len + 1);
            if (read_file(files[i], 16u << 20, &bytes, &size, NULL) == 0) {
                sha256_update(&h, bytes, size);
                free(bytes);
            }
        }
        free_list(files, n);
    }
    sha256_final_hex(&h, key);
}

static void sleep_ms(int ms)
{
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

static int grade_once(const char *chapter)
{
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGINT, SIG_DFL);
        char *argv[] = {"build/tools/grader", "grade", "--brief", (char *)chapter, NULL};
        execv(argv[0], argv);
        _exit(3);
    }
    int status = 0;
    if (pid > 0)
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    return pid > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : 3;
}

int watch_command(int argc, char **argv)
{
    if (argc != 2 || !isdigit((unsigned char)argv[1][0])) {
        fprintf(stderr, "usage: make watch CH=NN\n");
        return 2;
    }
    char number[3];
    snprintf(number, sizeof number, "%02d", atoi(argv[1]));
    char slug[200], dir[300];
    if (chapter_slug(number, slug, sizeof slug, NULL, 0) != 0) {
        fprintf(stderr, "watch: there is no chapter %s\n", number);
        return 2;
    }
    snprintf(dir, sizeof dir, "chapters/%s", slug);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    int fd = -1;
#ifdef __linux__
    fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd >= 0) {
        uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MODIFY;
        char given[400];
        snprintf(given, sizeof given, "%s/given", dir);
        if (inotify_add_watch(fd, dir, mask) < 0) {
            close(fd);
            fd = -1;
        } else {
            inotify_add_watch(fd, given, mask);
        }
    }
#endif
    char last[65] = "", key[65];
    bool tty = isatty(1);
    while (!stop_watching) {
        sources_key(dir, key);
        if (strcmp(key, last) != 0) {
            if (tty) printf("\033[H\033[2J");
            time_t now = time(NULL);
            char when[16];
            strftime(when, sizeof when, "%H:%M:%S", localtime(&now));
            printf("make watch CH=%s  (%s: grading %s again on every save; Ctrl-C stops)\n\n", number, when, dir);
            fflush(stdout);
            grade_once(number);
            printf("\nwatching %s for changes...\n", dir);
            fflush(stdout);
            snprintf(last, sizeof last, "%s", key);
        }
        /* Wait for a change, then for the files to settle. */
        if (fd >= 0) {
            struct pollfd p = {fd, POLLIN, 0};
            if (poll(&p, 1, 1000) > 0) {
                char buf[4096];
                do {
                    while (read(fd, buf, sizeof buf) > 0) {}
                    p.revents = 0;
                } while (!stop_watching && poll(&p, 1, 150) > 0);
            }
        } else {
            sleep_ms(1000);
        }
    }
    if (fd >= 0) close(fd);
    printf("\nwatch: stopped.\n");
    return 0;
}
