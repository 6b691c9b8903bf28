/* GIVEN -- read it, don't edit it. Part of common/network/.
 *
 * cli.c -- option parsing, threads and Ctrl-C for the workbook's programs.
 * See cli.h. */
#include "cli.h"

#include "error.h"
#include "parallel.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int cli_int(int *out, const char *option, const char *text, int lo, int hi)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end != '\0' || v < lo || v > hi)
        return cnn_error("%s: expected a whole number from %d to %d, got '%s'", option, lo, hi, text);
    *out = (int)v;
    return 0;
}

int cli_float(float *out, const char *option, const char *text, double lo, double hi)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end != '\0' || !isfinite(v) || v < lo || v > hi)
        return cnn_error("%s: expected a number from %g to %g, got '%s'", option, lo, hi, text);
    *out = (float)v;
    return 0;
}

int cli_u64(uint64_t *out, const char *option, const char *text)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || end == text || *end != '\0' || text[0] == '-')
        return cnn_error("%s: expected a non-negative whole number, got '%s'", option, text);
    *out = (uint64_t)v;
    return 0;
}

void cli_set_threads(int threads)
{
    parallel_set_num_threads(threads);
}

static volatile sig_atomic_t *sigint_flag;

static void on_sigint(int sig)
{
    (void)sig;
    if (sigint_flag) *sigint_flag = 1;
}

int cli_catch_sigint(volatile sig_atomic_t *flag)
{
    sigint_flag = flag;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) != 0) return cnn_error("cannot install the Ctrl-C handler");
    return 0;
}
