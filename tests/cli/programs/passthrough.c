/* For the CLI's passthrough tests: prints its arguments on stdout, copies
 * stdin to stdout when asked ("cat"), writes to stdout until that fails
 * ("flood"), writes a line on stderr, and exits as its first argument says
 * (a number, or "abort"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=%s\n", i, argv[i]);
    fflush(stdout);
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "cat")) {
            char buf[64];
            ssize_t n;
            while ((n = read(0, buf, sizeof buf)) > 0)
                write(1, buf, (size_t)n);
        }
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "flood")) {
            static char block[4096];
            memset(block, 'y', sizeof block);
            while (write(1, block, sizeof block) > 0)
                ;
            perror("flood");
        }
    fprintf(stderr, "to stderr\n");
    if (argc > 1 && !strcmp(argv[1], "abort"))
        abort();
    return argc > 1 ? atoi(argv[1]) : 0;
}
