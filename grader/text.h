/* text.h -- growing strings, whole-file reads, and making untrusted text safe
 * to show: on a terminal (no escape sequences, no control characters) and in
 * JSON (every control character escaped, valid UTF-8 only).
 *
 * Everything a test prints or reports is untrusted: student code can put any
 * byte into an error message. What the grader shows goes through these.
 */
#ifndef GRADER_TEXT_H
#define GRADER_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* A NUL-terminated string that grows; zero-initialise, free with buf_free. */
typedef struct {
    char *data;
    size_t len, cap;
} Buf;

void buf_add(Buf *b, const char *s, size_t n);
void buf_puts(Buf *b, const char *s);
void buf_printf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_free(Buf *b);
/* The string ("" when empty); owned by b. */
const char *buf_str(const Buf *b);

/* The first max bytes of a file, NUL-terminated, in *out (caller frees);
 * *size gets the number of bytes read and *truncated whether more followed.
 * Returns 0, or -1 when the file cannot be opened. */
int read_file(const char *path, size_t max, char **out, size_t *size, bool *truncated);

/* Appends s, made safe for a terminal: ANSI escape sequences are dropped,
 * other control characters (except newline when keep_newlines) become '?',
 * invalid UTF-8 becomes '?'. */
void buf_add_display(Buf *b, const char *s, bool keep_newlines);

/* Appends s as the inside of a JSON string: quotes, backslashes and every
 * control character escaped; invalid UTF-8 becomes U+FFFD. */
void buf_add_json(Buf *b, const char *s);

/* Number of bytes of the valid UTF-8 sequence starting at s (1-4), or 0 when
 * it is not one. */
int utf8_sequence_length(const unsigned char *s);

/* Edit distance between two strings (for "did you mean ...?"). */
int edit_distance(const char *a, const char *b);

#endif
