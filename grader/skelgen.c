/* skelgen.c -- makes a student's skeleton file from a solution file.
 *
 *     skelgen SOLUTION_FILE SKELETON_FILE
 *
 * Copies the solution line by line, except inside a marked region:
 *
 *     //>> solution          start of the code the student writes (dropped)
 *     ...                    the solution's code (dropped)
 *     //| return 0;          skeleton-only code: emitted as "return 0;",
 *                            indented like the //>> marker
 *     //<<                   end of the region (dropped)
 *
 * Everything outside regions, including the TODO and hint comments above
 * them, is kept, so the skeleton reads like the solution with holes. The
 * tool fails (exit 1, with file:line) on an unterminated or nested region,
 * so a marker typo cannot silently leak a solution into chapters/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { LINE_MAX_LEN = 4096 };

/* Returns the text after leading blanks. */
static const char *skip_blanks(const char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    return s;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: skelgen SOLUTION_FILE SKELETON_FILE\n");
        return 2;
    }
    FILE *in = fopen(argv[1], "r");
    if (!in) {
        perror(argv[1]);
        return 1;
    }
    FILE *out = fopen(argv[2], "w");
    if (!out) {
        perror(argv[2]);
        fclose(in);
        return 1;
    }
    char line[LINE_MAX_LEN];
    char indent[LINE_MAX_LEN] = "";
    int in_region = 0, start_line = 0, lineno = 0, status = 0;
    while (fgets(line, sizeof line, in)) {
        lineno++;
        const char *text = skip_blanks(line);
        if (strncmp(text, "//>>", 4) == 0) {
            if (in_region) {
                fprintf(stderr, "%s:%d: region opened inside the region of line %d\n", argv[1], lineno, start_line);
                status = 1;
                break;
            }
            in_region = 1;
            start_line = lineno;
            size_t n = (size_t)(text - line);
            memcpy(indent, line, n);
            indent[n] = '\0';
        } else if (strncmp(text, "//<<", 4) == 0) {
            if (!in_region) {
                fprintf(stderr, "%s:%d: //<< without a matching //>>\n", argv[1], lineno);
                status = 1;
                break;
            }
            in_region = 0;
        } else if (in_region) {
            if (strncmp(text, "//|", 3) == 0) {
                const char *code = text + 3;
                if (*code == ' ') code++;
                fprintf(out, "%s%s", *code == '\n' ? "" : indent, code);
            }
        } else {
            fputs(line, out);
        }
    }
    if (status == 0 && in_region) {
        fprintf(stderr, "%s:%d: region is never closed with //<<\n", argv[1], start_line);
        status = 1;
    }
    fclose(in);
    if (fclose(out) != 0) {
        perror(argv[2]);
        status = 1;
    }
    if (status) remove(argv[2]);
    return status;
}
