/* Signals in a process of three threads: one sent to the process (kill)
 * waits in the process's queue until a thread that does not block it
 * takes it; one sent to a thread (tgkill, tkill, raise) stays with that
 * thread. sigpending shows both queues, a thread that unblocks takes the
 * process's signal, so does one in sigsuspend, sigwaitinfo in a thread
 * collects it, SIG_IGN drops
 * what is pending in every queue, a handler one thread installs is every
 * thread's, a fatal signal ends all threads, and a stopped process keeps
 * a SIGTERM until SIGCONT. Each thread reports through a pipe or a join,
 * and only main prints, so the output is the same however they run. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "show.h"

static long tid(void) {
    return syscall(SYS_gettid);
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) && errno == EINTR) {
    }
}

/* The handler says which thread ran it, and that it ran, through a pipe. */
static volatile long handled_by;
static volatile int handled_count;
static int handled_pipe[2];
static void on_signal(int sig) {
    (void)sig;
    handled_by = tid();
    handled_count++;
    char c = 1;
    if (write(handled_pipe[1], &c, 1) != 1) _exit(89);
}

static void set_handler(int sig, void (*fn)(int)) {
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = fn;
    sa.sa_flags = SA_RESTART; /* a worker's read goes on after it */
    sigaction(sig, &sa, NULL);
}

static sigset_t just(int sig) {
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    return s;
}

static int pending_here(int sig) {
    sigset_t s;
    sigpending(&s);
    return sigismember(&s, sig);
}

/* A worker: blocks or unblocks `sig`, says it is ready (its tid), then
 * does its part and writes one byte of result. */
struct worker {
    pthread_t th;
    int sig;
    int block;
    int part;
    long tid;
    int ready[2], done[2], go[2];
    int result;
};

enum part { WAIT_GO, UNBLOCK_LATER, SIGWAIT, INSTALL_HANDLER, SUSPEND };

static void put(int fd, int v) {
    char c = (char)v;
    if (write(fd, &c, 1) != 1) _exit(90);
}
static int get(int fd) {
    char c;
    return read(fd, &c, 1) == 1 ? c : -1;
}
static void wait_handled(void) {
    get(handled_pipe[0]);
}

static void* worker_main(void* arg) {
    struct worker* w = arg;
    sigset_t s = just(w->sig);
    pthread_sigmask(w->block ? SIG_BLOCK : SIG_UNBLOCK, &s, NULL);
    w->tid = tid();
    put(w->ready[1], 1);
    switch (w->part) {
        case WAIT_GO: /* until main says the part is over */
            get(w->go[0]);
            break;
        case UNBLOCK_LATER:
            get(w->go[0]);
            put(w->done[1], pending_here(w->sig)); /* the process's, seen from here */
            pthread_sigmask(SIG_UNBLOCK, &s, NULL);
            put(w->done[1], handled_by == w->tid);
            break;
        case SIGWAIT: {
            siginfo_t si;
            int got = sigwaitinfo(&s, &si);
            put(w->done[1], got == w->sig && si.si_code == SI_USER && si.si_pid == getpid());
            break;
        }
        case SUSPEND: { /* sigsuspend with nothing blocked, then the old mask again */
            sigset_t none, now;
            sigemptyset(&none);
            int r = sigsuspend(&none);
            pthread_sigmask(SIG_BLOCK, NULL, &now);
            put(w->done[1], r == -1 && errno == EINTR && sigismember(&now, w->sig));
            break;
        }
        case INSTALL_HANDLER:
            set_handler(w->sig, on_signal);
            put(w->done[1], 1);
            break;
    }
    return NULL;
}

static void start(struct worker* w, int sig, int block, int part) {
    memset(w, 0, sizeof(*w));
    w->sig = sig;
    w->block = block;
    w->part = part;
    if (pipe(w->ready) || pipe(w->done) || pipe(w->go)) exit(91);
    if (pthread_create(&w->th, NULL, worker_main, w)) exit(92);
    get(w->ready[0]);
}

static void finish(struct worker* w) {
    if (w->part == WAIT_GO) put(w->go[1], 1);
    pthread_join(w->th, NULL);
    close(w->ready[0]), close(w->ready[1]), close(w->done[0]), close(w->done[1]);
    close(w->go[0]), close(w->go[1]);
}

static void block_in_main(int sig, int how) {
    sigset_t s = just(sig);
    pthread_sigmask(how, &s, NULL);
}

/* Main and one worker block SIGUSR1, the third thread does not. */
static void kill_taken_by_the_free_thread(void) {
    struct worker a, b;
    set_handler(SIGUSR1, on_signal);
    block_in_main(SIGUSR1, SIG_BLOCK);
    handled_by = 0;
    start(&a, SIGUSR1, 1, WAIT_GO);
    start(&b, SIGUSR1, 0, WAIT_GO);
    show("kill(getpid(), SIGUSR1), main and one thread block it", kill(getpid(), SIGUSR1));
    wait_handled();
    printf("  taken by the thread that does not block it: %s\n", yes(handled_by == b.tid));
    printf("  pending in main afterwards: %s\n", yes(pending_here(SIGUSR1)));
    finish(&a);
    finish(&b);
}

/* Everybody blocks SIGUSR2: it stays pending, seen by every thread, until
 * one unblocks it and takes it. */
static void all_block_then_one_unblocks(void) {
    struct worker a, b;
    set_handler(SIGUSR2, on_signal);
    block_in_main(SIGUSR2, SIG_BLOCK);
    handled_by = 0;
    handled_count = 0;
    start(&a, SIGUSR2, 1, WAIT_GO);
    start(&b, SIGUSR2, 1, UNBLOCK_LATER);
    show("kill(getpid(), SIGUSR2), every thread blocks it", kill(getpid(), SIGUSR2));
    show("kill(getpid(), SIGUSR2) again", kill(getpid(), SIGUSR2));
    printf("  pending in main: %s\n", yes(pending_here(SIGUSR2)));
    put(b.go[1], 1);
    printf("  pending in the other thread: %s\n", yes(get(b.done[0]) == 1));
    printf("  taken by it once it unblocks: %s\n", yes(get(b.done[0]) == 1));
    wait_handled();
    printf("  handled %d time(s); pending in main now: %s\n", handled_count,
           yes(pending_here(SIGUSR2)));
    finish(&a);
    finish(&b);
}

/* Everybody blocks SIGUSR1; one thread's sigsuspend takes the process's. */
static void taken_by_sigsuspend(void) {
    struct worker w;
    set_handler(SIGUSR1, on_signal);
    block_in_main(SIGUSR1, SIG_BLOCK);
    handled_by = 0;
    start(&w, SIGUSR1, 1, SUSPEND);
    show("kill(getpid(), SIGUSR1) while a thread is in sigsuspend", kill(getpid(), SIGUSR1));
    wait_handled();
    printf("  its handler ran in that thread: %s\n", yes(handled_by == w.tid));
    printf("  sigsuspend gave EINTR and put the mask back: %s\n", yes(get(w.done[0]) == 1));
    finish(&w);
}

/* A thread's own signal is not the process's: another thread's
 * sigwaitinfo does not see it, the thread it was sent to does. */
static void thread_directed_stays(void) {
    block_in_main(SIGUSR1, SIG_BLOCK);
    struct worker w;
    start(&w, SIGUSR1, 1, SIGWAIT);
    show("tgkill(main, SIGUSR1) while a thread waits for SIGUSR1",
         syscall(SYS_tgkill, getpid(), tid(), SIGUSR1));
    sleep_ms(20);
    printf("  pending in main: %s\n", yes(pending_here(SIGUSR1)));
    show("kill(getpid(), SIGUSR1)", kill(getpid(), SIGUSR1));
    printf("  the waiting thread took the process's signal: %s\n", yes(get(w.done[0]) == 1));
    finish(&w);
    siginfo_t si;
    struct timespec zero = {0, 0};
    sigset_t usr1 = just(SIGUSR1);
    int got = sigtimedwait(&usr1, &si, &zero);
    printf("  main's own: signal %d code %d (SI_TKILL %d)\n", got, si.si_code, SI_TKILL);
    errno = 0;
    show("  and nothing else", sigtimedwait(&usr1, &si, &zero));
}

/* tgkill and tkill reach the thread named; kill with a thread's id is for
 * the process, that thread tried first. */
static void to_a_thread(void) {
    struct worker a, b;
    set_handler(SIGUSR1, on_signal);
    block_in_main(SIGUSR1, SIG_BLOCK);
    const char* how[] = {"tgkill", "tkill", "kill with its tid"};
    for (int i = 0; i < 3; i++) {
        handled_by = 0;
        start(&a, SIGUSR1, 0, WAIT_GO);
        start(&b, SIGUSR1, 0, WAIT_GO);
        struct worker* to = i == 1 ? &a : &b;
        long r = i == 0   ? syscall(SYS_tgkill, getpid(), to->tid, SIGUSR1)
                 : i == 1 ? syscall(SYS_tkill, to->tid, SIGUSR1)
                          : kill((pid_t)to->tid, SIGUSR1);
        wait_handled();
        printf("%s: %ld, handled by that thread: %s\n", how[i], r, yes(handled_by == to->tid));
        finish(&a);
        finish(&b);
    }
}

/* SIG_IGN drops the instances pending in every queue; a handler a thread
 * installs is every thread's. */
static void ignore_and_share(void) {
    struct worker a;
    block_in_main(SIGUSR1, SIG_BLOCK);
    start(&a, SIGUSR1, 1, UNBLOCK_LATER);
    syscall(SYS_tgkill, getpid(), a.tid, SIGUSR1);
    kill(getpid(), SIGUSR1);
    raise(SIGUSR1);
    printf("SIGUSR1 pending in main before SIG_IGN: %s\n", yes(pending_here(SIGUSR1)));
    set_handler(SIGUSR1, SIG_IGN);
    printf("  after: %s\n", yes(pending_here(SIGUSR1)));
    handled_by = 0;
    put(a.go[1], 1);
    printf("  in the other thread: %s\n", yes(get(a.done[0]) == 1));
    get(a.done[0]);
    finish(&a);

    set_handler(SIGUSR2, SIG_DFL);
    block_in_main(SIGUSR2, SIG_UNBLOCK);
    start(&a, SIGUSR2, 1, INSTALL_HANDLER);
    get(a.done[0]);
    finish(&a);
    handled_by = 0;
    show("raise(SIGUSR2) after another thread installed the handler", raise(SIGUSR2));
    printf("  main ran it: %s\n", yes(handled_by == tid()));
    wait_handled();
}

/* A fatal signal to a process of three threads, main blocking it: the
 * process ends by it. A stopped process keeps a SIGTERM until SIGCONT. */
static void fatal_and_stopped(void) {
    int ready[2];
    if (pipe(ready)) exit(93);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        struct worker a, b;
        block_in_main(SIGTERM, SIG_BLOCK);
        start(&a, SIGTERM, 0, WAIT_GO);
        start(&b, SIGTERM, 1, WAIT_GO);
        put(ready[1], 1);
        for (;;) pause();
    }
    get(ready[0]);
    show("kill(child of 3 threads, main blocking SIGTERM, SIGTERM)", kill(pid, SIGTERM));
    int st = 0;
    waitpid(pid, &st, 0);
    show_status("  child", st);

    /* One thread's SIGTERM ends the whole process too. */
    pid = fork();
    if (pid == 0) {
        struct worker a;
        block_in_main(SIGTERM, SIG_BLOCK);
        start(&a, SIGTERM, 0, WAIT_GO);
        syscall(SYS_tgkill, getpid(), a.tid, SIGTERM);
        for (;;) pause();
    }
    waitpid(pid, &st, 0);
    show_status("child that sent SIGTERM to one of its threads", st);

    pid = fork();
    if (pid == 0) {
        raise(SIGSTOP);
        _exit(0);
    }
    waitpid(pid, &st, WUNTRACED);
    show_status("stopped child", st);
    show("  kill(SIGTERM)", kill(pid, SIGTERM));
    sleep_ms(50);
    show("  waitpid(WNOHANG) while it is stopped", waitpid(pid, &st, WNOHANG));
    show("  kill(SIGCONT)", kill(pid, SIGCONT));
    waitpid(pid, &st, 0);
    show_status("  child", st);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (pipe(handled_pipe)) return 94;
    kill_taken_by_the_free_thread();
    block_in_main(SIGUSR1, SIG_UNBLOCK);
    all_block_then_one_unblocks();
    block_in_main(SIGUSR2, SIG_UNBLOCK);
    taken_by_sigsuspend();
    thread_directed_stays();
    to_a_thread();
    ignore_and_share();
    fatal_and_stopped();
    return 0;
}
