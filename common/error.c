/* GIVEN -- read it, don't edit it.
 *
 * error.c -- the per-thread "last error" buffer behind cnn_error(). */
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

enum { ERROR_CAPACITY = 1024 };

static _Thread_local char last_error[ERROR_CAPACITY];

int cnn_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    return -1;
}

int cnn_error_context(const char *fmt, ...)
{
    char context[ERROR_CAPACITY];
    char previous[ERROR_CAPACITY];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(context, sizeof context, fmt, ap);
    va_end(ap);
    memcpy(previous, last_error, sizeof previous);
    /* context + ": " + previous, cut to the buffer. */
    size_t used = strlen(context);
    if (used > ERROR_CAPACITY - 3) used = ERROR_CAPACITY - 3;
    memcpy(last_error, context, used);
    memcpy(last_error + used, ": ", 2);
    used += 2;
    size_t rest = strnlen(previous, ERROR_CAPACITY - 1 - used);
    memcpy(last_error + used, previous, rest);
    last_error[used + rest] = '\0';
    return -1;
}

const char *cnn_last_error(void) { return last_error; }

void cnn_clear_error(void) { last_error[0] = '\0'; }

int cnn_close_written(FILE *f, bool ok, const char *path)
{
    int saved = errno;
    if (fclose(f) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    if (!ok) return cnn_error("%s: write failed: %s", path, strerror(saved ? saved : EIO));
    return 0;
}
