/* Writes to stdout and stderr, interleaved, with write(2) and with stdio:
 * each stream must get its own bytes. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    for (int i = 0; i < 5; i++) {
        char line[64];
        int n = snprintf(line, sizeof line, "out %d\n", i);
        write(1, line, (size_t)n);
        n = snprintf(line, sizeof line, "err %d\n", i);
        write(2, line, (size_t)n);
    }
    printf("buffered stdout ");
    fprintf(stderr, "unbuffered stderr\n");
    printf("ends here\n");
    fputs("a byte that is not UTF-8: \xff\n", stderr);
    return 3;
}
