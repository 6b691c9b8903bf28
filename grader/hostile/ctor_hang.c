/* Code that runs before main (a constructor) and never returns. */
int hostile_hook(void) { return 0; }
__attribute__((constructor)) static void hang(void)
{
    for (volatile int forever = 1; forever;) {}
}
