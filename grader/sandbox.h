/* sandbox.h -- runs one untrusted program with every limit the grader needs.
 *
 * A student's code runs inside the chapter's test binary, so the grader runs
 * that binary as it would run anything it does not trust:
 *
 *   - in a process group of its own, killed with SIGKILL when its time is up
 *     (a SIGKILL cannot be blocked, caught or ignored);
 *   - with limits on memory (RLIMIT_AS), processes (RLIMIT_NPROC), the size
 *     of any file it writes (RLIMIT_FSIZE, so a 1 GB print stays small) and
 *     no core dumps;
 *   - as an unprivileged user of its own when the grader runs as root, so it
 *     cannot write the workbook's files at all and every process it leaves
 *     behind can be found by its user id;
 *   - and when it ends, every process it started is killed before the next
 *     run (Linux: the grader is a "subreaper", so orphans come back to it).
 *
 * The program talks back through one pipe (the "channel"): the child finds
 * its write end at channel_fd; the grader reads it while the program runs.
 * Nothing here trusts what arrives there: the caller decides.
 *
 * Portability: POSIX plus, where they exist, Linux's subreaper and /proc
 * (macOS runs the same code without them: the process group is killed, but
 * an orphan that left the group is not found; processes are counted with
 * sysctl instead of /proc; macOS refuses RLIMIT_AS, so there a test runs
 * without a memory limit and the grader says so once).
 */
#ifndef GRADER_SANDBOX_H
#define GRADER_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct {
    char *const *argv;      /* argv[0]: the program (a path, or a name with search_path) */
    bool search_path;       /* look argv[0] up in PATH */
    char *const *envp;      /* the whole environment; NULL: the grader's own */
    const char *cwd;        /* NULL: the grader's */
    const char *output_path;  /* stdout goes here (created, truncated); NULL: /dev/null */
    const char *errors_path;  /* stderr goes here; NULL: into output_path's file */
    int channel_fd;         /* >= 1: a pipe's write end appears at this fd (1: it replaces
                               stdout, to capture a command's output); -1: none */
    size_t channel_max;     /* bytes of the channel kept (the rest is read and counted) */
    double wall_seconds;    /* > 0: everything the run started is killed after this long */
    size_t memory_bytes;    /* > 0: RLIMIT_AS */
    long processes;         /* > 0: at most this many more processes (and threads) */
    size_t file_bytes;      /* > 0: RLIMIT_FSIZE; writes past it fail (SIGXFSZ ignored) */
    bool as_sandbox_user;   /* run as the sandbox user (only when one was set up) */
    const char *pid_file_format; /* e.g. "/tmp/criterion_%ld.sock": a path the program makes
                               from its own pid; removed before it starts and after it ends
                               (NULL: none). See grade.c for why. */
    bool one_cpu;           /* Linux: the program and everything it starts run on one CPU
                               (the first the grader may use), whatever threads they make */
    /* A conversation (chapter 06's leaderboard, leaderboard.h). When talk is
     * set, the program's stdin is a pipe from the grader (else /dev/null),
     * and talk is called once the program has started (len 0) and again
     * after every read of the channel, with the bytes that arrived and were
     * not consumed yet, and the time of the read (CLOCK_MONOTONIC seconds).
     * It may write to to_child (non-blocking) and returns how many bytes of
     * data it consumed (they are dropped), or -1 when the conversation is
     * over: the program is then killed at once (result.talk_ended). The
     * channel must have room for the longest answer (channel_max). */
    long (*talk)(void *ctx, int to_child, const char *data, size_t len, double now);
    void *talk_ctx;
} SandboxSpec;

typedef struct {
    bool started;           /* false: the program could not be started (see error) */
    bool exited;            /* ended by exit (status in exit_code) */
    int exit_code;
    int signal;             /* the signal that ended it, else 0 */
    bool timed_out;         /* it was killed because wall_seconds passed */
    double seconds;         /* wall time */
    long max_rss_kb;        /* peak resident memory of the program and its children */
    int leftovers;          /* processes still running when it ended (all killed) */
    char *channel;          /* what arrived on the channel, NUL-terminated (caller frees) */
    size_t channel_len;
    bool channel_overflow;  /* more than channel_max bytes arrived */
    bool talk_ended;        /* talk ended the conversation (and so the program) */
    char error[256];
} SandboxResult;

/* Call once before any sandbox_run: becomes a subreaper (Linux) and, when
 * running as root and allowed (GRADER_SANDBOX_USER is not "0"), picks an
 * unused user id for the runs (returned in *uid, else (uid_t)-1).
 * Returns 0, or -1 with a message in error. */
int sandbox_setup(uid_t *uid, char *error, size_t error_size);

/* The sandbox user's id, or (uid_t)-1 when there is none. */
uid_t sandbox_user(void);

/* Running tests side by side: each slot is a worker process of its own with
 * its own sandbox user. The grader claims one more user id per extra slot
 * ((uid_t)-1 when there is no sandbox user or none is free); a forked worker
 * then calls sandbox_become_worker with its slot's id, which gives it its own
 * wake-up pipe, makes it the subreaper of its own runs and ends it when the
 * grader ends. Returns 0, or -1 with a message in error. */
uid_t sandbox_claim_another_user(void);
int sandbox_become_worker(uid_t uid, char *error, size_t error_size);

/* Runs spec's program to its end (or its limit) and kills everything it left
 * behind. Returns 0 when the program ran (whatever its outcome, in *result),
 * -1 when it could not be started (result->error says why). Free the result
 * with sandbox_result_free. */
int sandbox_run(const SandboxSpec *spec, SandboxResult *result);

void sandbox_result_free(SandboxResult *result);

/* The signal (SIGINT, SIGTERM, SIGHUP) that asked the grader to stop, or 0.
 * A run in progress is killed at once when one arrives. */
int sandbox_interrupted(void);

/* Runs a trusted helper command (nm, objdump, git) as ourselves, with a time
 * limit, and returns its standard output (at most max bytes) in *out
 * (caller frees; stderr is dropped). Returns the exit status (0-255), or -1
 * when it could not run or was killed. */
int sandbox_capture(char *const *argv, double seconds, size_t max, char **out);
#endif
