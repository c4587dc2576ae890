/* Linked into a second build of a selftest: stdout unbuffered, so that a
 * run killed by a signal still shows every line it printed (to a pipe,
 * musl's stdout is fully buffered and the lines die with the process). */
#include <stdio.h>

__attribute__((constructor)) static void stdout_unbuffered(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
}
