/* GIVEN -- read it, don't edit it.
 *
 * param_table_main.c -- chapter 01's program: prints the parameter table.
 *
 *     param_table [--hidden UNITS]       (default 512, as in the tutorial)
 *
 * Run it with `make param-table` (add SOLUTION=1 for the reference).
 */
#include "params.h"

#include "error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    long hidden = 512;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--hidden") == 0 && i + 1 < argc) {
            char *end;
            errno = 0;
            hidden = strtol(argv[++i], &end, 10);
            if (errno || *end || hidden <= 0 || hidden > 1000000) {
                fprintf(stderr, "param_table: --hidden wants a whole number from 1 to 1000000, not '%s'\n", argv[i]);
                return 2;
            }
        } else {
            fprintf(stderr, "usage: param_table [--hidden UNITS]\n");
            return 2;
        }
    }
    if (print_param_table(stdout, (int)hidden) != 0) {
        fprintf(stderr, "param_table: %s\n", cnn_last_error());
        return 1;
    }
    return 0;
}
