/* verdict.h -- whether one test passed, and if not, why, in plain words.
 *
 * Nothing a test's own process writes is taken on trust. A test passes only
 * when all of these hold:
 *
 *   - the sandbox did not stop it at its time limit;
 *   - it changed none of the verified files and left no process behind;
 *   - exactly one record line arrived on the grader's channel (grader/record.c:
 *     Criterion's runner writes it after the test), about this test, saying
 *     PASSED, with no signal, no timeout, exit status 0;
 *   - the test's .fini left exactly one end mark: its body ran to its end;
 *   - the test program ended with status 0.
 *
 * Anything else fails with the most telling reason first: a time limit, a
 * changed file, a leftover process, a forged record, a sanitizer report
 * (file and line; for an AddressSanitizer report about a tensor the test
 * made, also which tensor and how far past its end, from the test binary's
 * "grader-tensor:" line, common/testing.h), a signal, the test's own
 * failure message.
 */
#ifndef GRADER_VERDICT_H
#define GRADER_VERDICT_H

#include "sandbox.h"
#include "testlist.h"

#include <stddef.h>

typedef struct {
    const GradedTest *test;       /* NULL: the start-up probe (must run no test, end cleanly) */
    const SandboxResult *run;     /* how the run ended, and its channel */
    double limit;                 /* the time limit it had, in seconds */
    const char *end_path;         /* the file the end mark goes to */
    const char *errors_path;      /* the run's standard error (sanitizer reports) */
    const char *changed;          /* verified files it changed ("" or NULL: none) */
    size_t memory_limit;          /* bytes of address space it had (0: none) */
} VerdictInput;

/* NULL when the test passed (the probe: started cleanly); otherwise the
 * reason, which the caller frees. */
char *verdict(const VerdictInput *in);

#endif
