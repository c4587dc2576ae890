/* signalfd: the descriptor's flags; a non-blocking read with nothing
 * pending (EAGAIN); poll before and after signals come; one read taking
 * several records in Linux's order (kill's SI_USER, sigqueue's SI_QUEUE
 * with its value); a new mask for the same descriptor; a blocking read in
 * a thread that a kill() to the process ends; SIGCHLD with the child's
 * status; a POSIX timer's signal (SI_TIMER, its id and value); a fork's
 * child reading its own signals through the inherited descriptor; a
 * handler's signal ending a blocking read (EINTR). Then the errors of
 * signalfd4, read, write and lseek on it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "show.h"

#define RT1 (SIGRTMIN + 1)

static sigset_t set_of(int a, int b) {
    sigset_t s;
    sigemptyset(&s);
    if (a) sigaddset(&s, a);
    if (b) sigaddset(&s, b);
    return s;
}

static const char* name(int sig) {
    if (sig == SIGUSR1) return "SIGUSR1";
    if (sig == SIGUSR2) return "SIGUSR2";
    if (sig == SIGCHLD) return "SIGCHLD";
    if (sig == RT1) return "SIGRTMIN+1";
    return "?";
}

static void print_record(const char* what, const struct signalfd_siginfo* r) {
    printf("%s: %s code %d pid is mine %s", what, name((int)r->ssi_signo), r->ssi_code,
           yes(r->ssi_pid == (unsigned)getpid()));
    if (r->ssi_code == SI_QUEUE) printf(" int %d", r->ssi_int);
    printf("\n");
}

static long read_records(int fd, struct signalfd_siginfo* r, int n) {
    errno = 0;
    return read(fd, r, sizeof(*r) * (size_t)n);
}

static void basics(void) {
    sigset_t both = set_of(SIGUSR1, RT1);
    sigprocmask(SIG_BLOCK, &both, NULL);
    int fd = signalfd(-1, &both, SFD_NONBLOCK | SFD_CLOEXEC);
    printf("signalfd: fd above 2 %s\n", yes(fd > 2));
    int fl = fcntl(fd, F_GETFL);
    printf("flags: O_RDWR %s O_NONBLOCK %s, FD_CLOEXEC %s\n", yes((fl & O_ACCMODE) == O_RDWR),
           yes(fl & O_NONBLOCK), yes(fcntl(fd, F_GETFD) & FD_CLOEXEC));
    struct signalfd_siginfo r[4];
    show("read with nothing pending", read_records(fd, r, 1));
    struct pollfd p = {fd, POLLIN | POLLOUT, 0};
    show("poll with nothing pending", poll(&p, 1, 0));
    kill(getpid(), SIGUSR1);
    sigqueue(getpid(), RT1, (union sigval){.sival_int = 5});
    sigqueue(getpid(), RT1, (union sigval){.sival_int = 6});
    show("poll", poll(&p, 1, 0));
    printf("revents: %#x\n", p.revents);
    errno = 0;
    show("read, 100 bytes", read(fd, r, 100));
    long n = read_records(fd, r, 4);
    printf("read 4 records' room: %ld bytes\n", n);
    for (long i = 0; i < n / (long)sizeof(r[0]); i++) print_record(" ", &r[i]);
    show("then", read_records(fd, r, 1));

    /* A bad buffer: the signal is taken, the copy fails. */
    kill(getpid(), SIGUSR1);
    errno = 0;
    show("read into a bad address", read(fd, (void*)8, sizeof(r[0])));
    sigset_t pending;
    sigpending(&pending);
    printf("SIGUSR1 still pending: %s\n", yes(sigismember(&pending, SIGUSR1)));

    /* The same descriptor, another mask. */
    sigset_t usr2 = set_of(SIGUSR2, 0);
    sigprocmask(SIG_BLOCK, &usr2, NULL);
    show("signalfd(fd, SIGUSR2) is fd", signalfd(fd, &usr2, 0) == fd);
    kill(getpid(), SIGUSR2);
    kill(getpid(), SIGUSR1);
    n = read_records(fd, r, 2);
    printf("read: %ld bytes, %s\n", n, name((int)r[0].ssi_signo));
    sigpending(&pending);
    printf("SIGUSR1 pending, not in the mask: %s\n", yes(sigismember(&pending, SIGUSR1)));
    sigwaitinfo(&both, NULL);

    errno = 0;
    show("write", write(fd, "x", 1));
    errno = 0;
    show("lseek", lseek(fd, 0, SEEK_SET));
    errno = 0;
    show("pread", pread(fd, r, sizeof(r[0]), 0));
    close(fd);
}

static int blocking_fd;
static void* blocked_reader(void* arg) {
    struct signalfd_siginfo r;
    long n = read(blocking_fd, &r, sizeof(r));
    *(int*)arg = n == (long)sizeof(r) ? (int)r.ssi_signo : -1;
    return NULL;
}

static void blocking_reads(void) {
    sigset_t usr2 = set_of(SIGUSR2, 0);
    sigprocmask(SIG_BLOCK, &usr2, NULL);
    blocking_fd = signalfd(-1, &usr2, 0);
    int got = 0;
    pthread_t th;
    pthread_create(&th, NULL, blocked_reader, &got);
    struct timespec ms10 = {0, 10000000};
    nanosleep(&ms10, NULL);
    kill(getpid(), SIGUSR2);
    pthread_join(th, NULL);
    printf("the thread's blocking read took %s\n", name(got));

    /* SIGCHLD, with the child's status. */
    sigset_t chld = set_of(SIGCHLD, 0);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    int cfd = signalfd(-1, &chld, 0);
    pid_t child = fork();
    if (child == 0) _exit(3);
    struct signalfd_siginfo r;
    long n = read(cfd, &r, sizeof(r));
    printf("SIGCHLD: %ld bytes, code CLD_EXITED %s, status %d, pid is the child %s\n", n,
           yes(r.ssi_code == CLD_EXITED), r.ssi_status, yes(r.ssi_pid == (unsigned)child));
    waitpid(child, NULL, 0);
    close(cfd);

    /* A POSIX timer's signal. */
    sigset_t rt = set_of(RT1, 0);
    sigprocmask(SIG_BLOCK, &rt, NULL);
    int tfd = signalfd(-1, &rt, 0);
    struct sigevent ev;
    memset(&ev, 0, sizeof(ev));
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = RT1;
    ev.sigev_value.sival_int = 9;
    int id = -1;
    syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &id);
    struct itimerspec its = {{0, 0}, {0, 2000000}};
    syscall(SYS_timer_settime, id, 0, &its, NULL);
    n = read(tfd, &r, sizeof(r));
    printf("timer: %ld bytes, SI_TIMER %s, tid is the timer %s, int %d, overrun %u\n", n,
           yes(r.ssi_code == SI_TIMER), yes((int)r.ssi_tid == id), r.ssi_int, r.ssi_overrun);
    syscall(SYS_timer_delete, id);

    /* A fork's child reads its own signals through the same descriptor. */
    child = fork();
    if (child == 0) {
        sigqueue(getpid(), RT1, (union sigval){.sival_int = 11});
        n = read(tfd, &r, sizeof(r));
        printf("child: %ld bytes, int %d, pid is mine %s\n", n, r.ssi_int,
               yes(r.ssi_pid == (unsigned)getpid()));
        _exit(0);
    }
    waitpid(child, NULL, 0);
    sigset_t pending;
    sigpending(&pending);
    printf("parent has SIGRTMIN+1 pending: %s\n", yes(sigismember(&pending, RT1)));
    close(tfd);
}

static volatile int alarms;
static void on_alarm(int sig) {
    (void)sig;
    alarms++;
}

/* A handled signal ends a blocking read: EINTR without SA_RESTART. */
static void interrupted_read(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    int id = -1;
    syscall(SYS_timer_create, CLOCK_MONOTONIC, NULL, &id);
    struct itimerspec its = {{0, 0}, {0, 3000000}};
    syscall(SYS_timer_settime, id, 0, &its, NULL);
    struct signalfd_siginfo r;
    errno = 0;
    show("read, a handler's signal comes", read(blocking_fd, &r, sizeof(r)));
    printf("handler ran %d\n", alarms);
    syscall(SYS_timer_delete, id);
}

static void errors(void) {
    sigset_t usr1 = set_of(SIGUSR1, 0);
    int pfd[2];
    if (pipe(pfd)) return;
    errno = 0;
    show("signalfd4, sizemask 4", syscall(SYS_signalfd4, -1, &usr1, 4, 0));
    errno = 0;
    show("signalfd4, bad mask", syscall(SYS_signalfd4, -1, (void*)8, 8, 0));
    errno = 0;
    show("signalfd4, bad mask and size", syscall(SYS_signalfd4, -1, (void*)8, 4, 0));
    errno = 0;
    show("signalfd4, flags 1", syscall(SYS_signalfd4, -1, &usr1, 8, 1));
    errno = 0;
    show("signalfd4, flags 1, bad fd", syscall(SYS_signalfd4, 999, &usr1, 8, 1));
    errno = 0;
    show("signalfd4, O_APPEND", syscall(SYS_signalfd4, -1, &usr1, 8, O_APPEND));
    errno = 0;
    show("signalfd4, fd 999", syscall(SYS_signalfd4, 999, &usr1, 8, 0));
    errno = 0;
    show("signalfd4, fd -2", syscall(SYS_signalfd4, -2, &usr1, 8, 0));
    errno = 0;
    show("signalfd4, a pipe", syscall(SYS_signalfd4, pfd[0], &usr1, 8, 0));
    errno = 0;
    show("signalfd, sizemask 16", syscall(SYS_signalfd, -1, &usr1, 16));
    errno = 0;
    long fd = syscall(SYS_signalfd, -1, &usr1, 8);
    printf("signalfd: fd above 2 %s, blocking %s\n", yes(fd > 2),
           yes(!(fcntl((int)fd, F_GETFL) & O_NONBLOCK)));
    errno = 0;
    show("read, 0 bytes", read((int)fd, NULL, 0));
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    basics();
    blocking_reads();
    interrupted_read();
    errors();
    return 0;
}
