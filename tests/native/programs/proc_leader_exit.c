/* Signals to a process whose main thread has exited (pthread_exit in
 * main while another thread runs): kill(getpid()) and a parent's kill
 * still reach the live thread, a fatal one ends the process, and the
 * parent's wait4 sees the status Linux gives: the last thread's code when
 * it leaves with exit() (the last thread out sets the group's code), the
 * exit_group code, or the signal. With main alive but blocking a signal, another
 * thread takes it. Then kill(-1, ...) with the signals that send
 * nothing (0, and an invalid number).
 *
 * "proc_leader_exit killall" sends a real kill(-1, SIGTERM), which on a
 * host would reach every process the user may signal: it runs only as pid
 * 1 (the guest's init, which kill(-1) spares), never on the host, and its
 * output is compared with expected/proc_leader_exit_killall.out. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "show.h"

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) && errno == EINTR) {
    }
}

static long tid(void) {
    return syscall(SYS_gettid);
}

static volatile long usr1_tid;
static volatile int usr2_seen;
static void on_usr1(int sig) {
    (void)sig;
    usr1_tid = tid();
}
static void on_usr2(int sig) {
    (void)sig;
    usr2_seen = 1;
}

/* What the thread left running does once the main thread is gone. */
enum ending { END_EXIT, END_EXIT_GROUP, END_KILLED };
static enum ending ending;
static int report_fd;

static void* survivor(void* arg) {
    (void)arg;
    /* Long enough for the main thread's pthread_exit to finish. */
    sleep_ms(100);
    long me = tid();
    usr1_tid = 0;
    long r = kill(getpid(), SIGUSR1);
    printf("  kill(getpid(), SIGUSR1) with main gone: %ld, handled by this thread: %s\n", r,
           yes(usr1_tid == me));
    fflush(stdout);
    /* Tell the parent, and wait for its signal. */
    if (write(report_fd, "r", 1) != 1) _exit(80);
    while (!usr2_seen) pause();
    printf("  the parent's SIGUSR2 reached this thread: yes\n");
    fflush(stdout);
    if (ending == END_EXIT) syscall(SYS_exit, 3); /* this thread only: the last one */
    if (ending == END_EXIT_GROUP) exit(7);
    for (;;) pause(); /* END_KILLED: the parent's SIGTERM ends the process */
}

static void run_case(const char* what, enum ending how) {
    int fds[2];
    if (pipe(fds)) exit(90);
    printf("%s\n", what);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        report_fd = fds[1];
        ending = how;
        signal(SIGUSR1, on_usr1);
        signal(SIGUSR2, on_usr2);
        pthread_t th;
        if (pthread_create(&th, NULL, survivor, NULL)) _exit(91);
        pthread_exit(NULL); /* main's thread only: exit(0) for it */
    }
    close(fds[1]);
    char c;
    if (read(fds[0], &c, 1) != 1) printf("  no report\n");
    close(fds[0]);
    show("  kill(child, SIGUSR2)", kill(pid, SIGUSR2));
    if (how == END_KILLED) {
        sleep_ms(50); /* let it print */
        show("  kill(child, SIGTERM)", kill(pid, SIGTERM));
    }
    int st = 0;
    pid_t w = waitpid(pid, &st, 0);
    printf("  wait4 got the child: %s\n", yes(w == pid));
    show_status("  child", st);
}

/* kill(-1) from a child while init waits: every process but init and the
 * sender ends; the sender gets 0. Only ever as pid 1. */
static volatile int term_seen;
static void on_term(int sig) {
    (void)sig;
    term_seen = 1;
}

static void killall(void) {
    if (getpid() != 1) {
        printf("not pid 1: kill(-1, SIGTERM) not sent\n");
        return;
    }
    signal(SIGTERM, on_term);
    pid_t kids[3];
    for (int i = 0; i < 3; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            signal(SIGTERM, SIG_DFL);
            if (i == 2) setsid(); /* another session: kill(-1) reaches it too */
            for (;;) pause();
        }
    }
    fflush(stdout);
    pid_t sender = fork();
    if (sender == 0) {
        show("sender: kill(-1, 0)", kill(-1, 0));
        show("sender: kill(-1, 65)", kill(-1, 65));
        show("sender: kill(-1, SIGTERM)", kill(-1, SIGTERM));
        printf("sender: got SIGTERM itself: %s\n", yes(term_seen));
        fflush(stdout);
        _exit(0);
    }
    int st;
    waitpid(sender, &st, 0);
    show_status("sender", st);
    for (int i = 0; i < 3; i++) {
        char what[16];
        snprintf(what, sizeof(what), "child %d", i);
        waitpid(kids[i], &st, 0);
        show_status(what, st);
    }
    printf("init got SIGTERM: %s\n", yes(term_seen));
}

/* Main alive but blocking the signal: the other thread takes it. */
static volatile long waiter_tid;
static void* usr1_waiter(void* arg) {
    (void)arg;
    /* A new thread starts with its creator's mask: unblock, then say so. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    waiter_tid = tid();
    while (!usr1_tid) pause();
    return NULL;
}

static void blocked_in_main(void) {
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    signal(SIGUSR1, on_usr1);
    usr1_tid = 0;
    pthread_t th;
    if (pthread_create(&th, NULL, usr1_waiter, NULL)) exit(92);
    while (!waiter_tid) sched_yield();
    long r = kill(getpid(), SIGUSR1);
    pthread_join(th, NULL);
    printf("main blocks SIGUSR1: kill(getpid()) %ld, handled by the other thread: %s\n", r,
           yes(usr1_tid != 0 && usr1_tid == waiter_tid));
    sigset_t pending;
    sigpending(&pending);
    printf("  still pending for main: %s\n", yes(sigismember(&pending, SIGUSR1)));
    sigprocmask(SIG_SETMASK, &old, NULL);
}

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "killall") == 0) {
        killall();
        return 0;
    }
    run_case("the last thread calls exit(3)", END_EXIT);
    run_case("the last thread calls exit_group(7)", END_EXIT_GROUP);
    run_case("the parent sends SIGTERM", END_KILLED);
    blocked_in_main();

    /* kill(-1) with signals that send nothing. */
    show("kill(-1, 0)", kill(-1, 0));
    show("kill(-1, 65)", kill(-1, 65));
    return 0;
}
