/* Two system calls the guest kernel does not implement: acct (a number in
 * the table with no handler) and 500 (past the table's end). Both return
 * -ENOSYS, as an unknown number does on Linux; the app must flag them. */
#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    long a = syscall(SYS_acct, 0);
    int ea = errno;
    long b = syscall(500);
    int eb = errno;
    printf("acct %ld %d, 500 %ld %d\n", a, ea == ENOSYS, b, eb == ENOSYS);
    return 0;
}
