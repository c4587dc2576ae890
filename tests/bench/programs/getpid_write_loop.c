/* The scaling benchmark's guest program: N rounds of getpid and a
 * one-byte write to /dev/null, raw syscalls so the C library adds none of
 * its own. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long rounds = argc > 1 ? atol(argv[1]) : 0;
    long fd = syscall(SYS_open, "/dev/null", O_WRONLY);
    for (long i = 0; i < rounds; i++) {
        syscall(SYS_getpid);
        syscall(SYS_write, fd, "x", 1);
    }
    return 0;
}
