/* cat: copies each file named (or stdin, with none) to stdout with read(2)
 * and write(2); a file that cannot be opened is reported on stderr. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int copy(int fd)
{
    char buf[3000]; /* not a power of two: reads end mid-buffer */
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        if (write(1, buf, (size_t)n) != n)
            return 1;
    return n < 0;
}

int main(int argc, char **argv)
{
    int status = 0;
    if (argc == 1)
        return copy(0);
    for (int i = 1; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            fprintf(stderr, "cat: %s: %s\n", argv[i], strerror(errno));
            status = 1;
            continue;
        }
        status |= copy(fd);
        close(fd);
    }
    return status;
}
