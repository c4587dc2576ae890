/* fork + wait: children that exit with several statuses, one killed by a
 * signal, waitpid for a given pid and for any, WNOHANG, waitid's siginfo,
 * ECHILD when there is no child left, and that a child's memory is its own
 * (a write in the child is not seen by the parent). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int shared_looking = 100;

static void describe(const char *what, int status)
{
    if (WIFEXITED(status))
        printf("%s: exited with %d\n", what, WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        printf("%s: killed by signal %d\n", what, WTERMSIG(status));
    else
        printf("%s: status 0x%x\n", what, status);
}

int main(void)
{
    fflush(stdout);
    /* Three children, each exits with its own status. */
    pid_t kids[3];
    for (int i = 0; i < 3; i++) {
        pid_t p = fork();
        if (p < 0) {
            printf("fork: %s\n", strerror(errno));
            return 1;
        }
        if (p == 0) {
            shared_looking = 200 + i; /* the child's own copy */
            _exit(10 + i * shared_looking % 7);
        }
        kids[i] = p;
    }
    for (int i = 2; i >= 0; i--) {
        int st;
        pid_t got = waitpid(kids[i], &st, 0);
        char what[32];
        snprintf(what, sizeof(what), "child %d", i);
        if (got != kids[i])
            printf("waitpid returned another pid\n");
        describe(what, st);
    }
    printf("parent's variable still %d\n", shared_looking);

    /* A child killed by a signal: SIGTERM from its parent. */
    pid_t p = fork();
    if (p == 0) {
        for (;;)
            pause();
    }
    kill(p, SIGTERM);
    int st;
    waitpid(p, &st, 0);
    describe("killed child", st);

    /* A child that kills itself with SIGKILL, reported by waitid. */
    fflush(stdout);
    p = fork();
    if (p == 0) {
        raise(SIGKILL);
        _exit(99);
    }
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    if (waitid(P_PID, p, &si, WEXITED) == 0)
        printf("waitid: signo %d code %s status %d pid matches %s\n", si.si_signo,
               si.si_code == CLD_KILLED   ? "CLD_KILLED"
               : si.si_code == CLD_EXITED ? "CLD_EXITED"
                                          : "other",
               si.si_status, si.si_pid == p ? "yes" : "no");

    /* WNOHANG while the child still runs, then a normal wait. */
    int pfd[2];
    pipe(pfd);
    fflush(stdout);
    p = fork();
    if (p == 0) {
        char c;
        close(pfd[1]);
        read(pfd[0], &c, 1); /* until the parent closes its end */
        _exit(5);
    }
    close(pfd[0]);
    printf("WNOHANG with a running child: %d\n", (int)waitpid(p, &st, WNOHANG));
    close(pfd[1]);
    wait(&st);
    describe("waited child", st);

    /* No child left. */
    int r = (int)wait(&st);
    printf("wait with no child: %d %s\n", r, strerror(errno));
    r = (int)waitpid(-1, &st, 0x1000);
    printf("waitpid bad options: %d %s\n", r, strerror(errno));

    /* The child's stdout is a copy of the parent's descriptor. */
    fflush(stdout);
    p = fork();
    if (p == 0) {
        printf("hello from the child, ppid is the parent: %s\n",
               getppid() == getppid() ? "yes" : "no");
        exit(0);
    }
    waitpid(p, &st, 0);
    describe("printing child", st);
    return 3;
}
