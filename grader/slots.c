/* slots.c -- see slots.h. */
#include "slots.h"

#include "sandbox.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { MAX_SLOTS = 8 };

/* What travels back for one job; the reason's bytes follow. */
typedef struct {
    uint32_t index;
    int32_t passed, got;
    uint32_t reason_len; /* NO_REASON: reason is NULL */
} ResultHeader;
#define NO_REASON UINT32_MAX

typedef struct {
    pid_t pid;
    int cmd_fd, result_fd; /* the grader's ends */
    long busy;             /* the job it runs, or -1 */
    bool alive;
} Worker;

static int write_all(int fd, const void *data, size_t size)
{
    const char *p = data;
    while (size) {
        ssize_t n = write(fd, p, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n;
        size -= (size_t)n;
    }
    return 0;
}

static int read_all(int fd, void *data, size_t size)
{
    char *p = data;
    while (size) {
        ssize_t n = read(fd, p, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n;
        size -= (size_t)n;
    }
    return 0;
}

int slots_default(size_t n)
{
    long slots = 0;
    const char *env = getenv("GRADE_JOBS");
    if (env && *env) {
        char *end;
        slots = strtol(env, &end, 10);
        if (*end || slots < 1 || slots > MAX_SLOTS) slots = 0;
    }
    if (slots == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        slots = cpus >= 2 ? 2 : 1;
    }
    if ((size_t)slots > n) slots = n > 0 ? (long)n : 1;
    return (int)slots;
}

/* The worker: takes job numbers from cmd_fd until it closes, answers each
 * on result_fd. Never returns. */
static void worker_main(const SlotJobs *jobs, int slot, int cmd_fd, int result_fd, const Outcome *outcomes)
{
    if (jobs->start && jobs->start(jobs->ctx, slot) != 0) _exit(3);
    uint32_t index;
    while (read_all(cmd_fd, &index, sizeof index) == 0) {
        Outcome o = outcomes[index];
        o.reason = NULL;
        o.passed = false;
        o.got = 0;
        if (jobs->job(jobs->ctx, slot, index, &o) != 0) _exit(130);
        size_t len = o.reason ? strlen(o.reason) : 0;
        ResultHeader h = {index, o.passed, o.got, o.reason ? (uint32_t)len : NO_REASON};
        if (write_all(result_fd, &h, sizeof h) != 0 || (len && write_all(result_fd, o.reason, len) != 0))
            _exit(3);
        free(o.reason);
    }
    _exit(0);
}

static void fail_job(Outcome *o, const char *why)
{
    free(o->reason);
    o->reason = strdup(why);
    o->passed = false;
    o->got = 0;
}

static bool job_alone(const SlotJobs *jobs, size_t index)
{
    return jobs->alone && jobs->alone(jobs->ctx, index);
}

/* Hands worker w the next job, or tells it there is none (closes its
 * command pipe). A job that must run alone is handed out only when no
 * other worker is busy, and while it runs nothing else is: then w waits
 * (returns with w->busy -1 and its pipe open) and is given work later. */
static void give_next(const SlotJobs *jobs, Worker *workers, int slots, Worker *w, size_t *next, size_t n)
{
    w->busy = -1;
    if (w->cmd_fd < 0) return;
    bool others_busy = false, alone_running = false;
    for (int s = 0; s < slots; s++) {
        if (&workers[s] == w || workers[s].busy < 0) continue;
        others_busy = true;
        alone_running = alone_running || job_alone(jobs, (size_t)workers[s].busy);
    }
    if (*next < n && (alone_running || (others_busy && job_alone(jobs, *next)))) return; /* wait */
    if (*next < n) {
        uint32_t index = (uint32_t)*next;
        if (write_all(w->cmd_fd, &index, sizeof index) == 0) {
            w->busy = (long)(*next)++;
            return;
        }
    }
    close(w->cmd_fd);
    w->cmd_fd = -1;
}

/* Reads one answer from w into outcomes; -1 when the worker has gone. */
static int take_result(Worker *w, Outcome *outcomes, size_t n)
{
    ResultHeader h;
    if (read_all(w->result_fd, &h, sizeof h) != 0) return -1;
    if (h.index >= n || (long)h.index != w->busy) return -1;
    char *reason = NULL;
    if (h.reason_len != NO_REASON) {
        if (h.reason_len > (64u << 20)) return -1;
        reason = malloc((size_t)h.reason_len + 1);
        if (!reason || read_all(w->result_fd, reason, h.reason_len) != 0) {
            free(reason);
            return -1;
        }
        reason[h.reason_len] = '\0';
    }
    Outcome *o = &outcomes[h.index];
    free(o->reason);
    o->reason = reason;
    o->passed = h.passed != 0;
    o->got = h.got;
    return 0;
}

static void end_worker(Worker *w, int sig)
{
    if (w->pid > 0 && sig) kill(w->pid, sig);
    if (w->cmd_fd >= 0) close(w->cmd_fd);
    if (w->result_fd >= 0) close(w->result_fd);
    w->cmd_fd = w->result_fd = -1;
    if (w->pid > 0) {
        int status;
        while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR) {}
    }
    w->pid = 0;
    w->alive = false;
}

int slots_run(const SlotJobs *jobs, int slots, size_t n, Outcome *outcomes)
{
    if (n == 0) return 0;
    if (slots < 1) slots = 1;
    if (slots > MAX_SLOTS) slots = MAX_SLOTS;
    if ((size_t)slots > n) slots = (int)n;
    Worker workers[MAX_SLOTS];
    memset(workers, 0, sizeof workers);
    fflush(stdout);
    fflush(stderr);
    int started = 0;
    for (int s = 0; s < slots; s++) {
        Worker *w = &workers[s];
        w->cmd_fd = w->result_fd = -1;
        w->busy = -1;
        int cmd[2], result[2];
        if (pipe(cmd) != 0) continue;
        if (pipe(result) != 0) {
            close(cmd[0]);
            close(cmd[1]);
            continue;
        }
        pid_t pid = fork();
        if (pid == 0) {
            close(cmd[1]);
            close(result[0]);
            for (int o = 0; o < s; o++) { /* the other workers' pipes are not ours */
                if (workers[o].cmd_fd >= 0) close(workers[o].cmd_fd);
                if (workers[o].result_fd >= 0) close(workers[o].result_fd);
            }
            worker_main(jobs, s, cmd[0], result[1], outcomes);
        }
        close(cmd[0]);
        close(result[1]);
        if (pid < 0) {
            close(cmd[1]);
            close(result[0]);
            continue;
        }
        fcntl(cmd[1], F_SETFD, FD_CLOEXEC);
        fcntl(result[0], F_SETFD, FD_CLOEXEC);
        w->pid = pid;
        w->cmd_fd = cmd[1];
        w->result_fd = result[0];
        w->alive = true;
        started++;
    }
    /* A job only reaches a worker through a pipe write: ignore SIGPIPE, so a
     * worker that died makes the write fail instead of ending the grader. */
    struct sigaction ignore, old_pipe;
    memset(&ignore, 0, sizeof ignore);
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, &old_pipe);

    size_t next = 0, done = 0;
    for (int s = 0; s < slots; s++)
        if (workers[s].alive) give_next(jobs, workers, slots, &workers[s], &next, n);
    int status = 0;
    while (done < n) {
        struct pollfd fds[MAX_SLOTS];
        int alive = 0;
        for (int s = 0; s < slots; s++) {
            fds[s].fd = workers[s].alive ? workers[s].result_fd : -1;
            fds[s].events = POLLIN;
            fds[s].revents = 0;
            alive += workers[s].alive;
        }
        if (alive == 0) {
            /* No worker left (they could not start, or all died): what was
             * never handed out fails with the reason. */
            for (; next < n; next++, done++)
                fail_job(&outcomes[next], "the grader could not run the test: its worker processes ended");
            break;
        }
        /* A signal interrupts poll (EINTR); the timeout bounds the one that
         * lands just before it. */
        poll(fds, (nfds_t)slots, 200);
        if (sandbox_interrupted()) {
            status = -1;
            break;
        }
        for (int s = 0; s < slots; s++) {
            Worker *w = &workers[s];
            if (!w->alive || !(fds[s].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            long job = w->busy;
            if (take_result(w, outcomes, n) != 0) {
                /* The worker died (it runs the grader's code, not the
                 * student's: this is a grader bug or a kill from outside). */
                if (job >= 0) {
                    fail_job(&outcomes[job], "the grader could not run the test: its worker process ended");
                    done++;
                }
                end_worker(w, SIGKILL);
                continue;
            }
            done++;
            if (jobs->progress) jobs->progress(jobs->ctx, done, n);
            give_next(jobs, workers, slots, w, &next, n);
        }
        /* An idle worker may have work now: after a job that ran alone, or
         * one that waited for the others to finish, or a worker's death. */
        for (int s = 0; s < slots; s++)
            if (workers[s].alive && workers[s].busy < 0 && workers[s].cmd_fd >= 0)
                give_next(jobs, workers, slots, &workers[s], &next, n);
    }
    for (int s = 0; s < slots; s++)
        if (workers[s].pid > 0) end_worker(&workers[s], status != 0 ? SIGTERM : 0);
    sigaction(SIGPIPE, &old_pipe, NULL);
    (void)started;
    return status;
}
