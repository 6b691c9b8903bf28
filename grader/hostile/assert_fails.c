/* An assert() that fails, as a student's own sanity check would: the test
 * crashes with SIGABRT, and the grade must say so and quote the assert's
 * message from stderr (the line that names the failed condition). */
#include <assert.h>
int hostile_hook(void)
{
    int shapes_agree = 0;
    assert(shapes_agree && "hostile: the shapes agree");
    return 0;
}
