/* A program killed inside its own system call: kill(getpid(), SIGTERM)
 * makes the signal pending, and on the way out of kill the kernel's
 * do_notify_resume delivers it with the default action, so the task dies
 * there and the syscall never returns to user mode (no sysret, no iret). */
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    syscall(SYS_kill, syscall(SYS_getpid), SIGTERM);
    return 0; /* not reached */
}
