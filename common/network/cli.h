/* GIVEN -- read it, don't edit it. Part of common/network/.
 *
 * cli.h -- command-line parsing shared by the programs (train, verdict,
 * chapter 06's bench).
 *
 * Every value is checked completely ("12abc" is not 12) and a bad one is
 * explained in one line: the option, what it got, what it accepts.
 */
#ifndef NETWORK_CLI_H
#define NETWORK_CLI_H

#include <signal.h>
#include <stdint.h>

/* Parse "--name value" as an int in lo..hi, a float in (lo, hi] or a seed.
 * -1 with an error naming the option and the accepted range. */
int cli_int(int *out, const char *option, const char *text, int lo, int hi);
int cli_float(float *out, const char *option, const char *text, double lo, double hi);
int cli_u64(uint64_t *out, const char *option, const char *text);

/* Sets the number of OpenMP threads (no-op without OpenMP). */
void cli_set_threads(int threads);

/* Installs a SIGINT handler that sets *flag to 1; a second Ctrl-C kills
 * the program at once (the default action comes back). */
int cli_catch_sigint(volatile sig_atomic_t *flag);

#endif
