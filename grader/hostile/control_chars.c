/* Fails with an error message full of terminal escape sequences (clear the
 * screen, retitle the window), control bytes, quotes, backslashes and bytes
 * that are not UTF-8: it must not reach the terminal raw, nor break JSON. */
#include "error.h"
int hostile_hook(void)
{
    return cnn_error("\033[2J\033[H\033]0;pwned\007 evil \001\002 \"quote\" \\back\\slash\\ \177 \377\376 tab\there");
}
