/* jsoncheck.h -- `grader check-json FILE`: is FILE one valid JSON value
 * (RFC 8259: UTF-8, every control character escaped)? `make test` uses it on
 * the results.json of hostile submissions, without needing jq or Python. */
#ifndef GRADER_JSONCHECK_H
#define GRADER_JSONCHECK_H

#include <stddef.h>

/* 0 when text[0..size) is valid JSON; else -1 with the offset and what was
 * expected in error. */
int json_validate(const char *text, size_t size, char *error, size_t error_size);

/* The subcommand; returns the exit status (0 valid, 1 invalid, 2 usage). */
int check_json_command(int argc, char **argv);

#endif
