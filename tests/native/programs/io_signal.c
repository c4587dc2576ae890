/* Killed by a signal after writing: the status is 128+N, as a shell says. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    printf("before the signal\n");
    fflush(stdout);
    fprintf(stderr, "on stderr too\n");
    if (argc > 1 && !strcmp(argv[1], "segv"))
        *(volatile int *)16 = 1;
    if (argc > 1 && !strcmp(argv[1], "term"))
        kill(getpid(), SIGTERM);
    abort();
}
