/* pidfd_open and pidfd_send_signal: a pidfd's descriptor flags; poll on
 * it while the child lives, once it has exited and once it is reaped; a
 * signal through it (SI_USER from the sender), signal 0, then ESRCH once
 * the child is gone; a siginfo of the caller's own to itself (SI_QUEUE)
 * and the EPERM of one for another process; a thread's pidfd
 * (PIDFD_THREAD) whose signal is that thread's (SI_TKILL), or its
 * process's with the thread-group scope; the scope flags; waitid(P_PIDFD).
 * Then the errors of both calls, and read and write on a pidfd. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "show.h"

#define PIDFD_NONBLOCK O_NONBLOCK
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif
#define P_PIDFD 3
#define PIDFD_SIGNAL_THREAD 1
#define PIDFD_SIGNAL_THREAD_GROUP 2
#define PIDFD_SIGNAL_PROCESS_GROUP 4

static long pidfd_open(long pid, long flags) {
    errno = 0;
    return syscall(SYS_pidfd_open, pid, flags);
}

static long pidfd_send(long fd, long sig, siginfo_t* info, long flags) {
    errno = 0;
    return syscall(SYS_pidfd_send_signal, fd, sig, info, flags);
}

static short poll_once(long fd) {
    struct pollfd p = {(int)fd, POLLIN, 0};
    poll(&p, 1, 0);
    return p.revents;
}

static volatile int got_code = -1, from_parent;
static void on_usr1(int sig, siginfo_t* si, void* uc) {
    (void)sig;
    (void)uc;
    got_code = si->si_code;
    from_parent = si->si_pid == getppid();
}

static void a_child(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    int ready[2];
    if (pipe(ready)) return;
    pid_t child = fork();
    if (child == 0) {
        close(ready[0]);
        if (write(ready[1], "r", 1) != 1) _exit(1);
        while (got_code < 0) pause();
        _exit(got_code == SI_USER && from_parent ? 4 : 5); /* 4: SI_USER, from its parent */
    }
    char c;
    if (read(ready[0], &c, 1) != 1) return;
    long fd = pidfd_open(child, 0);
    printf("pidfd_open(child): fd above 2 %s\n", yes(fd > 2));
    int fl = fcntl((int)fd, F_GETFL);
    printf("flags: O_RDWR %s, O_NONBLOCK %s, FD_CLOEXEC %s\n", yes((fl & O_ACCMODE) == O_RDWR),
           yes(fl & O_NONBLOCK), yes(fcntl((int)fd, F_GETFD) & FD_CLOEXEC));
    printf("poll while it lives: %#x\n", poll_once(fd));
    show("send signal 0", pidfd_send(fd, 0, NULL, 0));
    show("send SIGUSR1", pidfd_send(fd, SIGUSR1, NULL, 0));
    struct pollfd p = {(int)fd, POLLIN, 0};
    show("poll until it exits", poll(&p, 1, -1));
    printf("revents: %#x\n", p.revents);
    show("send signal 0 to the zombie", pidfd_send(fd, 0, NULL, 0));
    int st;
    waitpid(child, &st, 0);
    show_status("child", st);
    printf("poll once reaped: %#x\n", poll_once(fd));
    show("send once reaped", pidfd_send(fd, SIGUSR1, NULL, 0));
    errno = 0;
    char buf[8];
    show("read", read((int)fd, buf, sizeof(buf)));
    errno = 0;
    show("write", write((int)fd, "x", 1));
    close((int)fd);
    signal(SIGUSR1, SIG_DFL);
}

static void my_own(void) {
    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    sigprocmask(SIG_BLOCK, &usr2, NULL);
    long fd = pidfd_open(getpid(), PIDFD_NONBLOCK);
    printf("pidfd_open(me, NONBLOCK): O_NONBLOCK %s\n", yes(fcntl((int)fd, F_GETFL) & O_NONBLOCK));
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    si.si_signo = SIGUSR2;
    si.si_code = SI_QUEUE;
    si.si_pid = getpid();
    si.si_value.sival_int = 33;
    show("send SIGUSR2 with SI_QUEUE", pidfd_send(fd, SIGUSR2, &si, 0));
    siginfo_t got;
    int sig = sigwaitinfo(&usr2, &got);
    printf("took SIGUSR2 %s, code %d, value %d\n", yes(sig == SIGUSR2), got.si_code,
           got.si_value.sival_int);
    si.si_code = SI_USER;
    show("send with SI_USER to myself", pidfd_send(fd, SIGUSR2, &si, 0));
    sig = sigwaitinfo(&usr2, &got);
    printf("took code %d\n", got.si_code);
    show("send, scope: thread group", pidfd_send(fd, SIGUSR2, NULL, PIDFD_SIGNAL_THREAD_GROUP));
    sig = sigwaitinfo(&usr2, &got);
    printf("took code %d, pid is mine %s\n", got.si_code, yes(got.si_pid == getpid()));
    show("send, scope: thread", pidfd_send(fd, SIGUSR2, NULL, PIDFD_SIGNAL_THREAD));
    sig = sigwaitinfo(&usr2, &got);
    printf("took code %d\n", got.si_code);
    si.si_code = SI_USER;
    show("send with SI_USER, scope: process group",
         pidfd_send(fd, SIGUSR2, &si, PIDFD_SIGNAL_PROCESS_GROUP));

    /* errors */
    si.si_code = SI_QUEUE;
    show("send, info of another signal", pidfd_send(fd, SIGUSR1, &si, 0));
    show("send, bad info", pidfd_send(fd, SIGUSR2, (siginfo_t*)8, 0));
    show("send, signal 65", pidfd_send(fd, 65, NULL, 0));
    show("send, flags 8", pidfd_send(fd, SIGUSR2, NULL, 8));
    show("send, two scopes", pidfd_send(fd, SIGUSR2, NULL, 3));
    show("send, flags 8, bad fd", pidfd_send(999, SIGUSR2, NULL, 8));
    show("send, fd 999", pidfd_send(999, SIGUSR2, NULL, 0));
    int pfd[2];
    if (pipe(pfd)) return;
    show("send, a pipe", pidfd_send(pfd[0], SIGUSR2, NULL, 0));
    memset(&si, 0, sizeof(si));
    si.si_signo = SIGUSR2;
    si.si_code = -50;
    ((char*)&si)[100] = 1;
    show("send, unknown code with bytes past the kernel's", pidfd_send(fd, SIGUSR2, &si, 0));
    sigprocmask(SIG_UNBLOCK, &usr2, NULL);
    close((int)fd);
}

static int tid_pipe[2], quit_pipe[2];
static volatile int thread_code;
static void* waiter(void* arg) {
    (void)arg;
    long me = syscall(SYS_gettid);
    if (write(tid_pipe[1], &me, sizeof(me)) != sizeof(me)) return NULL;
    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    siginfo_t si;
    sigwaitinfo(&usr2, &si);
    thread_code = si.si_code;
    char c = 'd';
    if (write(tid_pipe[1], &c, 1) != 1) return NULL;
    if (read(quit_pipe[0], &c, 1) != 1) return NULL; /* alive, SIGUSR2 blocked, till told */
    return NULL;
}

static void a_thread(void) {
    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    sigprocmask(SIG_BLOCK, &usr2, NULL);
    if (pipe(tid_pipe) || pipe(quit_pipe)) return;
    pthread_t th;
    pthread_create(&th, NULL, waiter, NULL);
    long t = 0;
    if (read(tid_pipe[0], &t, sizeof(t)) != sizeof(t)) return;
    show("pidfd_open(a thread)", pidfd_open(t, 0));
    long fd = pidfd_open(t, PIDFD_THREAD);
    printf("pidfd_open(a thread, PIDFD_THREAD): fd above 2 %s, O_EXCL in its flags %s\n",
           yes(fd > 2), yes(fcntl((int)fd, F_GETFL) & O_EXCL));
    show("send SIGUSR2 to the thread", pidfd_send(fd, SIGUSR2, NULL, 0));
    char c;
    if (read(tid_pipe[0], &c, 1) != 1) return;
    printf("the thread took code %d\n", thread_code);
    show("send, scope: thread group", pidfd_send(fd, SIGUSR2, NULL, PIDFD_SIGNAL_THREAD_GROUP));
    sigset_t pending;
    sigpending(&pending);
    printf("pending for the main thread: %s\n", yes(sigismember(&pending, SIGUSR2)));
    siginfo_t si;
    int sig = sigwaitinfo(&usr2, &si);
    printf("the process's: SIGUSR2 %s, code %d\n", yes(sig == SIGUSR2), si.si_code);
    if (write(quit_pipe[1], "q", 1) != 1) return;
    pthread_join(th, NULL);
    sigprocmask(SIG_UNBLOCK, &usr2, NULL);
}

/* waitid(P_PIDFD): a pidfd's child; a non-blocking pidfd does not wait. */
static void waiting_by_pidfd(void) {
    int go[2];
    if (pipe(go)) return;
    pid_t child = fork();
    if (child == 0) {
        char c;
        if (read(go[0], &c, 1) != 1) _exit(1);
        _exit(6);
    }
    long fd = pidfd_open(child, 0), nfd = pidfd_open(child, PIDFD_NONBLOCK);
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    errno = 0;
    show("waitid, non-blocking pidfd, running", syscall(SYS_waitid, P_PIDFD, nfd, &si, WEXITED, 0));
    errno = 0;
    show("waitid, WNOHANG, running", syscall(SYS_waitid, P_PIDFD, fd, &si, WEXITED | WNOHANG, 0));
    printf("si_pid %d\n", si.si_pid);
    errno = 0;
    show("waitid, fd -1", syscall(SYS_waitid, P_PIDFD, -1, &si, WEXITED, 0));
    errno = 0;
    show("waitid, fd 999", syscall(SYS_waitid, P_PIDFD, 999, &si, WEXITED, 0));
    errno = 0;
    show("waitid, a pipe", syscall(SYS_waitid, P_PIDFD, go[0], &si, WEXITED, 0));
    long me = pidfd_open(getpid(), 0);
    errno = 0;
    show("waitid, myself", syscall(SYS_waitid, P_PIDFD, me, &si, WEXITED, 0));
    if (write(go[1], "g", 1) != 1) return;
    errno = 0;
    show("waitid, blocking", syscall(SYS_waitid, P_PIDFD, fd, &si, WEXITED, 0));
    printf("the child %s, CLD_EXITED %s, status %d\n", yes(si.si_pid == child),
           yes(si.si_code == CLD_EXITED), si.si_status);
    errno = 0;
    show("waitid again", syscall(SYS_waitid, P_PIDFD, fd, &si, WEXITED, 0));
}

static void open_errors(void) {
    show("pidfd_open(0)", pidfd_open(0, 0));
    show("pidfd_open(-1)", pidfd_open(-1, 0));
    show("pidfd_open(nobody)", pidfd_open(999999, 0));
    show("pidfd_open(me, flags 1)", pidfd_open(getpid(), 1));
    show("pidfd_open(nobody, flags 1)", pidfd_open(999999, 1));
    show("pidfd_open(0, flags 1)", pidfd_open(0, 1));
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    a_child();
    my_own();
    a_thread();
    waiting_by_pidfd();
    open_errors();
    return 0;
}
