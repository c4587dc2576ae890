/* rt_sigtimedwait (sigtimedwait, sigwaitinfo): a pending signal of the set
 * is taken with its siginfo, blocked or not; with none the call waits
 * until one comes or the timeout passes (EAGAIN), and a signal outside the
 * set with a handler ends the wait (EINTR). A SIGCHLD that is blocked with
 * its default action is kept for the wait, not dropped as ignored. The
 * argument errors are Linux's. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void show(const char* what, long ret) {
    int e = errno;
    printf("%s: %ld errno %d\n", what, ret, ret == -1 ? e : 0);
}

static volatile int handled;

static void on_usr2(int sig) {
    handled = sig;
}

static long timedwait(const sigset_t* set, siginfo_t* si, long sec, long nsec, size_t size) {
    struct timespec ts = {sec, nsec};
    errno = 0;
    return syscall(SYS_rt_sigtimedwait, set, si, sec < 0 ? NULL : &ts, size);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    sigset_t set, none;
    sigemptyset(&none);
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, 0);
    siginfo_t si;

    show("sigsetsize 4", timedwait(&set, &si, 0, 0, 4));
    show("bad set", timedwait((sigset_t*)8, &si, 0, 0, 8));
    show("bad timeout", timedwait(&set, &si, 0, 1000000000, 8));
    show("nothing pending, no wait", timedwait(&set, &si, 0, 0, 8));
    show("nothing pending, 10 ms", timedwait(&set, &si, 0, 10000000, 8));

    /* A pending blocked signal: taken at once, with its siginfo. */
    raise(SIGUSR1);
    memset(&si, 0, sizeof(si));
    long r = timedwait(&set, &si, 0, 0, 8);
    printf("raised: %ld signo %d code %d pid is mine %s\n", r, si.si_signo, si.si_code,
           si.si_pid == getpid() ? "yes" : "no");
    show("taken, so gone", timedwait(&set, &si, 0, 0, 8));
    raise(SIGUSR1);
    show("bad info pointer", timedwait(&set, (siginfo_t*)8, 0, 0, 8));
    show("lost with it", timedwait(&set, &si, 0, 0, 8));

    /* A child's end while waiting without a timeout: SIGCHLD's siginfo. */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        struct timespec ts = {0, 20000000};
        nanosleep(&ts, 0);
        syscall(SYS_exit_group, 7);
    }
    memset(&si, 0, sizeof(si));
    r = timedwait(&set, &si, -1, 0, 8);
    printf("child: %ld signo %d code %d status %d pid is child %s\n", r, si.si_signo, si.si_code,
           si.si_status, si.si_pid == pid ? "yes" : "no");
    waitpid(pid, 0, 0);

    /* A signal outside the set, with a handler, ends the wait. */
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr2;
    sigaction(SIGUSR2, &sa, 0);
    /* The child ends only when told to: its SIGCHLD must not come first. */
    int hold[2];
    if (pipe(hold)) return 1;
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        char c;
        struct timespec ts = {0, 20000000};
        close(hold[1]);
        nanosleep(&ts, 0);
        kill(getppid(), SIGUSR2);
        if (read(hold[0], &c, 1) != 1) syscall(SYS_exit_group, 1);
        syscall(SYS_exit_group, 0);
    }
    close(hold[0]);
    r = timedwait(&set, &si, 5, 0, 8);
    printf("other signal: %ld errno %d handler ran %s\n", r, errno,
           handled == SIGUSR2 ? "yes" : "no");
    if (write(hold[1], "x", 1) != 1) return 1;
    waitpid(pid, 0, 0);
    memset(&si, 0, sizeof(si));
    r = timedwait(&set, &si, 0, 0, 8);
    printf("then the child's end: %ld signo %d code %d\n", r, si.si_signo, si.si_code);

    /* SIGKILL and SIGSTOP cannot be waited for: a set of them alone waits
     * for nothing. */
    sigset_t ks;
    sigemptyset(&ks);
    sigaddset(&ks, SIGKILL);
    sigaddset(&ks, SIGSTOP);
    show("kill and stop only", timedwait(&ks, &si, 0, 1000000, 8));
    return 0;
}
