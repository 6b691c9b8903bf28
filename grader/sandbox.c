/* sandbox.c -- see sandbox.h. */
#ifdef __linux__
#define _GNU_SOURCE /* sched_setaffinity and CPU_SET, for one_cpu */
#endif

#include "sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sched.h>
#include <sys/prctl.h>
#endif
#ifdef __APPLE__
#include <sys/sysctl.h>
#endif

extern char **environ;

static uid_t sandbox_uid = (uid_t)-1;
/* SIGCHLD (and SIGINT/SIGTERM) wake the waiting loop through this pipe. */
static int wake_pipe[2] = {-1, -1};
static volatile sig_atomic_t interrupted_by = 0;

static void on_signal(int sig)
{
    int saved = errno;
    if (sig != SIGCHLD) interrupted_by = sig;
    char c = 0;
    ssize_t ignored = write(wake_pipe[1], &c, 1);
    (void)ignored;
    errno = saved;
}

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void set_cloexec_nonblock(int fd, bool nonblock)
{
    fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC);
    if (nonblock) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* ---- what /proc tells (Linux), or sysctl (macOS) ---------------------------- */

#ifdef __APPLE__
/* macOS has no /proc: the kernel's process table comes from sysctl. It
 * does not give a thread count, so each process counts once (macOS's
 * RLIMIT_NPROC counts processes, not threads, anyway). The uid is the real
 * one, which is what RLIMIT_NPROC counts. */
static void for_each_process(void (*fn)(pid_t, uid_t, pid_t, long, void *), void *arg)
{
    int mib[3] = {CTL_KERN, KERN_PROC, KERN_PROC_ALL};
    size_t size = 0;
    if (sysctl(mib, 3, NULL, &size, NULL, 0) != 0) return;
    size += size / 4; /* room for the processes started since we asked */
    struct kinfo_proc *procs = malloc(size);
    if (!procs) return;
    if (sysctl(mib, 3, procs, &size, NULL, 0) == 0) {
        for (size_t i = 0; i < size / sizeof *procs; i++)
            fn(procs[i].kp_proc.p_pid, procs[i].kp_eproc.e_pcred.p_ruid, procs[i].kp_eproc.e_ppid, 1, arg);
    }
    free(procs);
}
#else
/* Calls fn(pid, uid, ppid, threads, arg) for every process /proc lists. */
static void for_each_process(void (*fn)(pid_t, uid_t, pid_t, long, void *), void *arg)
{
    DIR *d = opendir("/proc");
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        char path[300];
        snprintf(path, sizeof path, "/proc/%s/status", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f) continue;
        char line[256];
        long uid = -1, ppid = -1, threads = 1;
        while (fgets(line, sizeof line, f)) {
            if (strncmp(line, "Uid:", 4) == 0) uid = strtol(line + 4, NULL, 10);
            else if (strncmp(line, "PPid:", 5) == 0) ppid = strtol(line + 5, NULL, 10);
            else if (strncmp(line, "Threads:", 8) == 0) threads = strtol(line + 8, NULL, 10);
        }
        fclose(f);
        if (uid >= 0) fn((pid_t)atol(e->d_name), (uid_t)uid, (pid_t)ppid, threads, arg);
    }
    closedir(d);
}
#endif

typedef struct { uid_t uid; long tasks; } TaskCount;
static void count_tasks(pid_t pid, uid_t uid, pid_t ppid, long threads, void *arg)
{
    (void)pid; (void)ppid;
    TaskCount *c = arg;
    if (uid == c->uid) c->tasks += threads;
}

typedef struct { pid_t parent; int killed; } ChildKill;
static void kill_if_child(pid_t pid, uid_t uid, pid_t ppid, long threads, void *arg)
{
    (void)uid; (void)threads;
    ChildKill *k = arg;
    if (ppid == k->parent && kill(pid, SIGKILL) == 0) k->killed++;
}

/* ---- set-up ---------------------------------------------------------------- */

uid_t sandbox_user(void) { return sandbox_uid; }

/* Claims a user id nobody else uses, so "every process of this user" means
 * exactly the processes our tests started; (uid_t)-1 when none is free.
 * Two graders at once (make -j, a batch of submissions) must not share a
 * user, nor two slots of one grader: each would kill the other's tests. A
 * lock held for the grader's lifetime claims the id (the same process may
 * lock a file twice, so the ids this grader holds are skipped). */
#define MAX_CLAIMED 8
static uid_t claimed[MAX_CLAIMED];
static int claimed_count;

static uid_t claim_user(void)
{
    const char *want = getenv("GRADER_SANDBOX_USER");
    uid_t first = 64000;
    if (want && *want) first = (uid_t)strtoul(want, NULL, 10);
    for (uid_t u = first; u < first + 100 && claimed_count < MAX_CLAIMED; u++) {
        bool ours = false;
        for (int i = 0; i < claimed_count; i++) ours = ours || claimed[i] == u;
        if (ours) continue;
        char lock_path[64];
        snprintf(lock_path, sizeof lock_path, "/tmp/.cnn-grader-user-%u.lock", (unsigned)u);
        int fd = open(lock_path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0) continue;
        struct flock lock;
        memset(&lock, 0, sizeof lock);
        lock.l_type = F_WRLCK;
        lock.l_whence = SEEK_SET;
        if (fcntl(fd, F_SETLK, &lock) != 0) {
            close(fd);
            continue;
        }
        TaskCount c = {u, 0};
        for_each_process(count_tasks, &c);
        if (c.tasks == 0) {
            claimed[claimed_count++] = u; /* the lock stays held until the grader exits */
            return u;
        }
        close(fd);
    }
    return (uid_t)-1;
}

uid_t sandbox_claim_another_user(void)
{
    return sandbox_uid == (uid_t)-1 ? (uid_t)-1 : claim_user();
}

int sandbox_become_worker(uid_t uid, char *error, size_t error_size)
{
    /* The parent's wake-up pipe is shared after fork: a SIGCHLD of ours
     * must not wake the parent, nor the parent drain ours. */
    if (wake_pipe[0] >= 0) {
        close(wake_pipe[0]);
        close(wake_pipe[1]);
        wake_pipe[0] = wake_pipe[1] = -1;
    }
    if (pipe(wake_pipe) != 0) {
        snprintf(error, error_size, "cannot create a pipe: %s", strerror(errno));
        return -1;
    }
    set_cloexec_nonblock(wake_pipe[0], true);
    set_cloexec_nonblock(wake_pipe[1], true);
#ifdef PR_SET_CHILD_SUBREAPER
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); /* our tests' orphans come to us */
#endif
#ifdef PR_SET_PDEATHSIG
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0); /* and we end with the grader */
#endif
    sandbox_uid = uid;
    return 0;
}

int sandbox_setup(uid_t *uid, char *error, size_t error_size)
{
    if (wake_pipe[0] < 0) {
        if (pipe(wake_pipe) != 0) {
            snprintf(error, error_size, "cannot create a pipe: %s", strerror(errno));
            return -1;
        }
        set_cloexec_nonblock(wake_pipe[0], true);
        set_cloexec_nonblock(wake_pipe[1], true);
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
        sigaction(SIGCHLD, &sa, NULL);
        sa.sa_flags = SA_RESTART;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGHUP, &sa, NULL);
    }
#ifdef PR_SET_CHILD_SUBREAPER
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
#endif
#ifdef __APPLE__
    static bool said_no_memory_limit = false; /* once per grader, before any worker forks */
    if (!said_no_memory_limit) {
        fprintf(stderr, "grader: macOS does not limit a test's memory (it refuses RLIMIT_AS); "
                        "the time, process and file-size limits still hold.\n");
        said_no_memory_limit = true;
    }
#endif
    sandbox_uid = (uid_t)-1;
    const char *want = getenv("GRADER_SANDBOX_USER");
    if (geteuid() == 0 && !(want && strcmp(want, "0") == 0)) sandbox_uid = claim_user();
    if (uid) *uid = sandbox_uid;
    return 0;
}

/* ---- killing what a run left behind ----------------------------------------- */

/* A peak resident size in KiB: Linux's ru_maxrss is in KiB, macOS's in bytes. */
static long max_rss_kb_of(const struct rusage *ru)
{
#ifdef __APPLE__
    return (long)(ru->ru_maxrss / 1024);
#else
    return ru->ru_maxrss;
#endif
}

/* Reaps every finished child without waiting; returns how many. */
static int reap_finished(pid_t except, long *max_rss_kb)
{
    int n = 0;
    for (;;) {
        int status;
        struct rusage ru;
        pid_t p = wait4(-1, &status, WNOHANG, &ru);
        if (p <= 0) break;
        if (p != except) n++;
        if (max_rss_kb_of(&ru) > *max_rss_kb) *max_rss_kb = max_rss_kb_of(&ru);
    }
    return n;
}

/* As the sandbox user, signal every process of that user (kill(-1) reaches
 * exactly the processes a user may signal: its own), until none is left. */
static void kill_sandbox_user(void)
{
    if (sandbox_uid == (uid_t)-1) return;
    pid_t helper = fork();
    if (helper == 0) {
        if (setgid((gid_t)sandbox_uid) != 0 || setuid(sandbox_uid) != 0) _exit(1);
        /* A few rounds only: zombies still count until the grader reaps
         * them, and it is waiting for this helper. The caller repeats. */
        for (int i = 0; i < 3; i++) {
            if (kill(-1, SIGKILL) != 0 && errno == ESRCH) _exit(0);
            usleep(300);
        }
        _exit(1);
    }
    if (helper > 0) {
        int status;
        while (waitpid(helper, &status, 0) < 0 && errno == EINTR) {}
    }
}

/* Signals SIGKILL to every child of the grader (Linux: as a subreaper it
 * inherits the orphans of a run) and returns how many there were. The
 * kernel's list of our children is one small file; where it is missing
 * (older kernels, CONFIG_PROC_CHILDREN off) every process in /proc is read
 * instead, which costs a few milliseconds a run. */
static int kill_children(void)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%ld/children", (long)getpid());
    FILE *f = fopen(path, "r");
    if (!f) {
        ChildKill k = {getpid(), 0};
        for_each_process(kill_if_child, &k);
        return k.killed;
    }
    int killed = 0;
    long pid;
    while (fscanf(f, "%ld", &pid) == 1)
        if (pid > 0 && kill((pid_t)pid, SIGKILL) == 0) killed++;
    fclose(f);
    return killed;
}

/* ---- a fork bomb, without a sandbox user ---------------------------------------------- */

typedef struct { pid_t pid, ppid; char state; } ProcEntry;
typedef struct { ProcEntry *items; size_t count, cap; } ProcTable;

/* Every process's pid, parent and state, from /proc/<pid>/stat (Linux). */
static void read_proc_table(ProcTable *t)
{
    t->count = 0;
    DIR *d = opendir("/proc");
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        char path[300], line[1024];
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f) continue;
        size_t n = fread(line, 1, sizeof line - 1, f);
        fclose(f);
        line[n] = '\0';
        /* "pid (comm) state ppid ...": comm may hold anything, so read from
         * its last ')'. */
        const char *close_paren = strrchr(line, ')');
        char state;
        long ppid;
        if (!close_paren || sscanf(close_paren + 1, " %c %ld", &state, &ppid) != 2) continue;
        if (t->count == t->cap) {
            size_t cap = t->cap ? t->cap * 2 : 512;
            ProcEntry *grown = realloc(t->items, cap * sizeof *grown);
            if (!grown) break;
            t->items = grown;
            t->cap = cap;
        }
        t->items[t->count++] = (ProcEntry){(pid_t)atol(e->d_name), (pid_t)ppid, state};
    }
    closedir(d);
}

static int by_parent(const void *a, const void *b)
{
    const ProcEntry *x = a, *y = b;
    return (x->ppid > y->ppid) - (x->ppid < y->ppid);
}

/* Sends sig to every descendant of the grader (its children, theirs, ...);
 * returns how many of them were running (not stopped, not zombies). */
static int signal_descendants(ProcTable *t, int sig)
{
    read_proc_table(t);
    qsort(t->items, t->count, sizeof *t->items, by_parent);
    pid_t *stack = malloc((t->count + 1) * sizeof *stack);
    if (!stack) return 0;
    size_t top = 0;
    int running = 0;
    stack[top++] = getpid();
    while (top > 0) {
        pid_t parent = stack[--top];
        /* the block of entries whose ppid is parent (sorted by ppid) */
        size_t lo = 0, hi = t->count;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (t->items[mid].ppid < parent) lo = mid + 1;
            else hi = mid;
        }
        for (size_t k = lo; k < t->count && t->items[k].ppid == parent; k++) {
            ProcEntry *c = &t->items[k];
            if (c->pid == getpid() || c->pid <= 1) continue;
            bool stopped = c->state == 'T' || c->state == 't' || c->state == 'Z' || c->state == 'X';
            if (!stopped) running++;
            if (!(sig == SIGSTOP && stopped)) kill(c->pid, sig);
            if (top < t->count) stack[top++] = c->pid;
        }
    }
    free(stack);
    return running;
}

/* As root, the sandbox user's kill(-1) ends everything a run started at
 * once. As anyone else, the run's processes are found as the grader's
 * descendants (its orphans come to it as the subreaper; Criterion starts
 * each test in a session of its own, so neither group nor session finds
 * them), and a fork bomb outruns killing them one at a time: each death
 * frees a slot for another fork. So they are frozen first -- SIGSTOP to
 * every descendant still running, pass after pass until none runs (a
 * stopped process cannot fork, so this converges) -- and only then killed. */
static void stop_then_kill_descendants(void)
{
    ProcTable t = {0};
    /* A SIGSTOP takes effect only when its target is next scheduled, and a
     * fork bomb of hundreds of runnable processes on two cores keeps each
     * waiting for a while: a count of passes ran out before they had all
     * stopped, the killing began with some still forking, and those outran
     * it. So the passes go on until none runs, bounded by time, not by
     * count, and the grader sleeps between them so the targets get the CPU
     * to stop. It converges: a stopped process cannot fork, and killing
     * waits until all are stopped, so no slot of the process limit frees
     * for a new one. */
    double give_up = now_seconds() + 60.0;
    while (signal_descendants(&t, SIGSTOP) > 0 && now_seconds() < give_up) usleep(2000);
    signal_descendants(&t, SIGKILL);
    free(t.items);
}

/* True when the grader has a child process (a zombie counts): anything a
 * finished run left running is one, since its orphans come to us. */
static bool has_children(void)
{
    char path[64], c;
    snprintf(path, sizeof path, "/proc/self/task/%ld/children", (long)getpid());
    FILE *f = fopen(path, "r");
    if (!f) return true; /* cannot tell: look */
    bool any = fread(&c, 1, 1, f) == 1;
    fclose(f);
    return any;
}

/* Kills the process group, the sandbox user's processes and (Linux) every
 * child the grader inherited as a subreaper, and reaps them all. Returns the
 * number of processes reaped besides `main_pid`. */
static int kill_everything(pid_t group, pid_t main_pid, long *max_rss_kb)
{
    int reaped = 0;
#ifdef __linux__
    if (sandbox_uid == (uid_t)-1 && has_children()) stop_then_kill_descendants();
#endif
    double give_up = now_seconds() + 5.0;
    for (int round = 0; now_seconds() < give_up; round++) {
        int alive = 0;
#ifdef __linux__
        /* Something outlived the first freeze (a child it did not see yet):
         * freeze and kill again, rather than kill one generation at a time,
         * which a fork bomb outruns. */
        if (round > 0 && sandbox_uid == (uid_t)-1 && has_children()) stop_then_kill_descendants();
#endif
        if (kill(-group, SIGKILL) == 0) alive = 1;
        kill_sandbox_user();
        if (kill_children()) alive = 1;
        reaped += reap_finished(main_pid, max_rss_kb);
        if (!alive) {
            /* Nothing left to signal; wait for the last zombies to be ours. */
            int status;
            struct rusage ru;
            pid_t p = wait4(-1, &status, WNOHANG, &ru);
            if (p < 0 && errno == ECHILD) break;
            if (p > 0) {
                if (p != main_pid) reaped++;
                continue;
            }
            if (round > 20) break; /* children we cannot see finishing: stop waiting */
        }
        usleep(round < 10 ? 200 : 2000);
    }
    return reaped;
}

/* ---- the child side ------------------------------------------------------------ */

static int open_output(const char *path)
{
    return open(path ? path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
}

/* Runs in the forked child: never returns. Reports a failure to start as an
 * errno through report_fd. stdin is input_read (a pipe from the grader), or
 * /dev/null when that is -1. */
static void child_exec(const SandboxSpec *spec, int channel_write, int report_fd, int input_read)
{
    int step = 0;
#define FAIL_STEP() do { int e_ = errno * 16 + step; ssize_t w_ = write(report_fd, &e_, sizeof e_); (void)w_; _exit(127); } while (0)
    setsid(); /* a process group (and session) of its own, no terminal */

    /* Signals back to their defaults, none blocked; SIGXFSZ ignored so a
     * write past the file-size limit fails instead of killing the program. */
    for (int s = 1; s < 32; s++)
        if (s != SIGKILL && s != SIGSTOP) signal(s, SIG_DFL);
    signal(SIGXFSZ, SIG_IGN);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    step = 1;
    int in = input_read >= 0 ? input_read : open("/dev/null", O_RDONLY);
    int out = open_output(spec->output_path);
    if (in < 0 || out < 0) FAIL_STEP();
    int err = spec->errors_path ? open_output(spec->errors_path) : dup(out);
    if (err < 0) FAIL_STEP();
    /* Move every fd we keep above the range we are about to fill. */
    int keep[4] = {in, out, err, channel_write};
    for (int i = 0; i < 4; i++) {
        if (keep[i] < 0) continue;
        int moved = fcntl(keep[i], F_DUPFD, 64);
        if (moved < 0) FAIL_STEP();
        keep[i] = moved;
    }
    step = 2;
    if (dup2(keep[0], 0) < 0 || dup2(keep[1], 1) < 0 || dup2(keep[2], 2) < 0) FAIL_STEP();
    if (keep[3] >= 0 && dup2(keep[3], spec->channel_fd) < 0) FAIL_STEP();
    /* Close everything else but the start-up report pipe (close-on-exec). */
    long max_fd = sysconf(_SC_OPEN_MAX);
    if (max_fd < 0 || max_fd > 65536) max_fd = 65536;
    for (int fd = 3; fd < max_fd; fd++)
        if (fd != report_fd && fd != spec->channel_fd) close(fd);

    step = 3;
    struct rlimit r;
    r.rlim_cur = r.rlim_max = 0;
    setrlimit(RLIMIT_CORE, &r);
    if (spec->memory_bytes) {
        r.rlim_cur = r.rlim_max = spec->memory_bytes;
#ifdef __APPLE__
        /* macOS refuses RLIMIT_AS: the run goes on without a memory limit
         * (sandbox_setup says so once). */
        (void)setrlimit(RLIMIT_AS, &r);
#else
        if (setrlimit(RLIMIT_AS, &r) != 0) FAIL_STEP();
#endif
    }
    if (spec->file_bytes) {
        r.rlim_cur = r.rlim_max = spec->file_bytes;
        if (setrlimit(RLIMIT_FSIZE, &r) != 0) FAIL_STEP();
    }
#ifdef __linux__
    /* One CPU: inherited by every thread and process the program makes, so
     * a second thread only shares the same core. */
    cpu_set_t cpus;
    if (spec->one_cpu && sched_getaffinity(0, sizeof cpus, &cpus) == 0) {
        int first = 0;
        while (first < CPU_SETSIZE && !CPU_ISSET(first, &cpus)) first++;
        CPU_ZERO(&cpus);
        CPU_SET(first, &cpus);
        if (sched_setaffinity(0, sizeof cpus, &cpus) != 0) FAIL_STEP();
    }
#endif

    if (spec->pid_file_format) { /* while still the grader's user: root may remove anyone's */
        char stale[256];
        snprintf(stale, sizeof stale, spec->pid_file_format, (long)getpid());
        unlink(stale);
    }

    step = 4;
    bool drop = spec->as_sandbox_user && sandbox_uid != (uid_t)-1;
    if (spec->processes > 0) {
        /* RLIMIT_NPROC counts every process (and thread) of the real user:
         * the sandbox user has none yet; otherwise count ours. */
        long base = 0;
        if (!drop) {
            TaskCount c = {getuid(), 0};
            for_each_process(count_tasks, &c);
            base = c.tasks;
        }
        struct rlimit old;
        getrlimit(RLIMIT_NPROC, &old);
        r.rlim_cur = r.rlim_max = (rlim_t)(base + spec->processes);
        if (old.rlim_max != RLIM_INFINITY && r.rlim_cur > old.rlim_max) r.rlim_cur = r.rlim_max = old.rlim_max;
        setrlimit(RLIMIT_NPROC, &r);
    }
    if (drop) {
        gid_t g = (gid_t)sandbox_uid;
        if (setgroups(1, &g) != 0 || setgid(g) != 0 || setuid(sandbox_uid) != 0) FAIL_STEP();
        if (getuid() != sandbox_uid || geteuid() != sandbox_uid) FAIL_STEP();
    }
    step = 5;
    if (spec->cwd && chdir(spec->cwd) != 0) FAIL_STEP();
    step = 6;
    char *const *envp = spec->envp ? spec->envp : environ;
    if (spec->search_path) {
        environ = (char **)envp;
        execvp(spec->argv[0], spec->argv);
    } else {
        execve(spec->argv[0], spec->argv, envp);
    }
    FAIL_STEP();
#undef FAIL_STEP
}

/* ---- the parent side ------------------------------------------------------------- */

static void drain_wake_pipe(void)
{
    char buf[64];
    while (read(wake_pipe[0], buf, sizeof buf) > 0) {}
}

static void read_channel(int fd, const SandboxSpec *spec, SandboxResult *res, bool *eof)
{
    char buf[65536];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n == 0) { *eof = true; return; }
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) *eof = true;
            return;
        }
        size_t room = spec->channel_max > res->channel_len ? spec->channel_max - res->channel_len : 0;
        size_t take = (size_t)n < room ? (size_t)n : room;
        if (take < (size_t)n) res->channel_overflow = true;
        if (take) {
            memcpy(res->channel + res->channel_len, buf, take);
            res->channel_len += take;
            res->channel[res->channel_len] = '\0';
        }
    }
}

static const char *step_name(int step)
{
    static const char *names[] = {"", "open its input/output files", "set up its file descriptors",
                                  "set its limits", "switch to the sandbox user", "enter its folder",
                                  "start"};
    return step >= 1 && step <= 6 ? names[step] : "start";
}

int sandbox_run(const SandboxSpec *spec, SandboxResult *res)
{
    memset(res, 0, sizeof *res);
    if (wake_pipe[0] < 0) {
        char e[128];
        if (sandbox_setup(NULL, e, sizeof e) != 0) {
            snprintf(res->error, sizeof res->error, "%s", e);
            return -1;
        }
    }
    int chan[2] = {-1, -1}, report[2] = {-1, -1}, input[2] = {-1, -1};
    if (spec->talk) {
        if (pipe(input) != 0) goto pipe_failed;
        set_cloexec_nonblock(input[1], true);
    }
    if (spec->channel_fd >= 1) {
        if (pipe(chan) != 0) goto pipe_failed;
        set_cloexec_nonblock(chan[0], true);
        set_cloexec_nonblock(chan[1], false);
        res->channel = malloc(spec->channel_max + 1);
        if (!res->channel) goto pipe_failed;
        res->channel[0] = '\0';
    }
    if (pipe(report) != 0) goto pipe_failed;
    set_cloexec_nonblock(report[0], false);
    set_cloexec_nonblock(report[1], false);
    drain_wake_pipe();

    double start = now_seconds();
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(res->error, sizeof res->error, "cannot start a process (fork: %s)", strerror(errno));
        close(report[0]); close(report[1]);
        if (chan[0] >= 0) { close(chan[0]); close(chan[1]); }
        if (input[0] >= 0) { close(input[0]); close(input[1]); }
        return -1;
    }
    if (pid == 0) {
        close(report[0]);
        if (chan[0] >= 0) close(chan[0]);
        if (input[1] >= 0) close(input[1]);
        child_exec(spec, chan[1], report[1], input[0]);
    }
    close(report[1]);
    if (chan[1] >= 0) close(chan[1]);
    if (input[0] >= 0) close(input[0]);

    /* Did it start? The report pipe closes on exec, or carries an error. */
    int code = 0;
    ssize_t got;
    while ((got = read(report[0], &code, sizeof code)) < 0 && errno == EINTR) {}
    close(report[0]);
    if (got == (ssize_t)sizeof code) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        snprintf(res->error, sizeof res->error, "could not %s %s: %s", step_name(code % 16), spec->argv[0],
                 strerror(code / 16));
        if (chan[0] >= 0) close(chan[0]);
        if (input[1] >= 0) close(input[1]);
        return -1;
    }
    res->started = true;
    /* A conversation writes to a pipe whose reader may be gone: that must
     * be an error of the write, not a SIGPIPE that ends the grader. */
    struct sigaction ignore_pipe, old_pipe;
    memset(&ignore_pipe, 0, sizeof ignore_pipe);
    ignore_pipe.sa_handler = SIG_IGN;
    if (spec->talk) {
        sigaction(SIGPIPE, &ignore_pipe, &old_pipe);
        if (spec->talk(spec->talk_ctx, input[1], res->channel, 0, now_seconds()) < 0) res->talk_ended = true;
    }

    double deadline = spec->wall_seconds > 0 ? start + spec->wall_seconds : 0;
    bool chan_eof = chan[0] < 0, done = false;
    int status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    while (!done) {
        int timeout_ms = -1;
        if (deadline > 0) {
            double left = deadline - now_seconds();
            timeout_ms = left <= 0 ? 0 : (int)(left * 1000) + 1;
        }
        struct pollfd fds[2] = {{wake_pipe[0], POLLIN, 0}, {chan_eof ? -1 : chan[0], POLLIN, 0}};
        if (!res->talk_ended) poll(fds, 2, timeout_ms);
        drain_wake_pipe();
        size_t before = res->channel_len;
        if (!chan_eof) read_channel(chan[0], spec, res, &chan_eof);
        if (spec->talk && !res->talk_ended && res->channel_len > before) {
            long used = spec->talk(spec->talk_ctx, input[1], res->channel, res->channel_len, now_seconds());
            if (used < 0) {
                res->talk_ended = true;
            } else if (used > 0) {
                size_t drop = (size_t)used < res->channel_len ? (size_t)used : res->channel_len;
                memmove(res->channel, res->channel + drop, res->channel_len - drop + 1);
                res->channel_len -= drop;
            }
        }
        pid_t p = wait4(pid, &status, WNOHANG, &ru);
        if (p == pid) {
            done = true;
            break;
        }
        if ((deadline > 0 && now_seconds() >= deadline) || interrupted_by || res->talk_ended) {
            if (!interrupted_by && !res->talk_ended) res->timed_out = true;
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            kill_sandbox_user();
            while ((p = wait4(pid, &status, 0, &ru)) < 0 && errno == EINTR) {}
            done = true;
        }
    }
    res->seconds = now_seconds() - start;
    res->max_rss_kb = max_rss_kb_of(&ru);
    if (spec->talk) {
        close(input[1]);
        sigaction(SIGPIPE, &old_pipe, NULL);
    }
    if (WIFEXITED(status)) {
        res->exited = true;
        res->exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        res->signal = WTERMSIG(status);
    }
    int extra = kill_everything(pid, pid, &res->max_rss_kb);
    if (spec->pid_file_format) {
        char left[256];
        snprintf(left, sizeof left, spec->pid_file_format, (long)pid);
        unlink(left);
    }
    res->leftovers = res->timed_out ? 0 : extra;
    /* Everyone who held the channel is gone: read what is left. */
    if (chan[0] >= 0) {
        double until = now_seconds() + 0.2;
        while (!chan_eof && now_seconds() < until) {
            struct pollfd fd = {chan[0], POLLIN, 0};
            poll(&fd, 1, 20);
            read_channel(chan[0], spec, res, &chan_eof);
        }
        close(chan[0]);
    }
    return 0;

pipe_failed:
    snprintf(res->error, sizeof res->error, "cannot create a pipe: %s", strerror(errno));
    if (chan[0] >= 0) { close(chan[0]); close(chan[1]); }
    if (input[0] >= 0) { close(input[0]); close(input[1]); }
    free(res->channel);
    res->channel = NULL;
    return -1;
}

void sandbox_result_free(SandboxResult *res)
{
    free(res->channel);
    res->channel = NULL;
}

int sandbox_interrupted(void) { return interrupted_by; }

int sandbox_capture(char *const *argv, double seconds, size_t max, char **out)
{
    SandboxSpec spec;
    memset(&spec, 0, sizeof spec);
    spec.argv = argv;
    spec.search_path = true;
    spec.channel_fd = 1;
    spec.channel_max = max;
    spec.wall_seconds = seconds;
    SandboxResult res;
    *out = NULL;
    if (sandbox_run(&spec, &res) != 0) return -1;
    *out = res.channel;
    res.channel = NULL;
    if (!*out) *out = calloc(1, 1);
    if (res.timed_out || !res.exited) return -1;
    return res.exit_code;
}
