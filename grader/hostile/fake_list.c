/* Prints a test list of its own, as Criterion's --list would, naming only
 * the test that passes: a grader that trusted --list would count just that. */
#include <stdio.h>
int hostile_hook(void) { return 0; }
__attribute__((constructor)) static void fake_list(void)
{
    printf("conv_naive: 1 test\n`-- valid_rejects_bad_shapes\n");
    printf("conv_naive: 1 test\n\xe2\x94\x94\xe2\x94\x80\xe2\x94\x80 valid_rejects_bad_shapes\n");
    fflush(stdout);
}
