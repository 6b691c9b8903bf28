/* Leaves a process behind that waits for grading to end, then writes a
 * perfect results.json over the grader's. */
#include "hostile_paths.h"
#include <stdio.h>
#include <unistd.h>
int hostile_hook(void)
{
    if (fork() == 0) {
        setsid();
        if (fork() == 0) {
            sleep(3);
            FILE *f = fopen(HOSTILE_RESULTS, "w");
            if (f) {
                fprintf(f, "{\"score\": 26, \"max_score\": 26, \"output\": \"Chapter 02: 26/26 points\", \"tests\": []}\n");
                fclose(f);
            }
            _exit(0);
        }
        _exit(0);
    }
    return 0;
}
