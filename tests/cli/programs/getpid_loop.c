/* For the --summary tests: N getpid calls and M failing close(-1) calls
 * (EBADF), made with the raw syscall so libc adds none of its own. */
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 0, m = argc > 2 ? atol(argv[2]) : 0;
    for (long i = 0; i < n; i++)
        syscall(SYS_getpid);
    for (long i = 0; i < m; i++)
        syscall(SYS_close, -1);
    return 0;
}
