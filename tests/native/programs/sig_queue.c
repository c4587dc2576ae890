/* Queued signals: a real-time signal sent three times with sigqueue
 * values arrives three times, in order, each with its siginfo (SI_QUEUE,
 * the sender's pid and uid, the value), next to the ones kill (SI_USER)
 * and tgkill (SI_TKILL) queue; a standard signal sent three times arrives
 * once. Delivered to a handler or taken by sigtimedwait, in Linux's order
 * (lowest number first, each signal's instances oldest first).
 * rt_tgsigqueueinfo to a thread, whose sigwaitinfo takes it; then the
 * errors of kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo and
 * rt_sigpending: bad signal numbers, bad ids, bad pointers, codes only
 * the kernel may use, an unknown code with bytes past the kernel's part.
 * First sigsuspend: the handler's mask while it runs, the old one after. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "show.h"

static long tid(void) {
    return syscall(SYS_gettid);
}

static sigset_t set_of(int a, int b) {
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, a);
    if (b) sigaddset(&s, b);
    return s;
}

static void print_info(const char* what, int sig, const siginfo_t* si) {
    const char* name = sig == SIGUSR2 ? "SIGUSR2" : sig == SIGRTMIN + 1 ? "SIGRTMIN+1" : "?";
    printf("%s %s code %d pid is mine %s uid %u", what, name, si->si_code,
           yes(si->si_pid == getpid()), (unsigned)si->si_uid);
    if (si->si_code == SI_QUEUE) printf(" value %d", si->si_value.sival_int);
    printf("\n");
}

/* What the handler saw, in order. */
static int seen_sig[16];
static siginfo_t seen_info[16];
static volatile int seen;
static void on_info(int sig, siginfo_t* si, void* uc) {
    (void)uc;
    if (seen < 16) {
        seen_sig[seen] = sig;
        seen_info[seen] = *si;
    }
    seen++;
}

/* Three of each, sent while blocked: three values of SIGRTMIN+1 by
 * sigqueue, one by kill and one by tgkill, and three SIGUSR2. */
static void send_batch(int base) {
    for (int i = 1; i <= 3; i++) {
        union sigval v = {.sival_int = base + i};
        show("sigqueue(getpid(), SIGRTMIN+1)", sigqueue(getpid(), SIGRTMIN + 1, v));
        show("kill(getpid(), SIGUSR2)", kill(getpid(), SIGUSR2));
    }
    show("kill(getpid(), SIGRTMIN+1)", kill(getpid(), SIGRTMIN + 1));
    show("tgkill(me, SIGRTMIN+1)", syscall(SYS_tgkill, getpid(), tid(), SIGRTMIN + 1));
}

static void queued_to_a_handler(void) {
    sigset_t both = set_of(SIGUSR2, SIGRTMIN + 1);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_info;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR2, &sa, NULL);
    sigaction(SIGRTMIN + 1, &sa, NULL);
    sigprocmask(SIG_BLOCK, &both, NULL);
    send_batch(0);
    sigset_t pending;
    sigpending(&pending);
    printf("pending: SIGUSR2 %s, SIGRTMIN+1 %s\n", yes(sigismember(&pending, SIGUSR2)),
           yes(sigismember(&pending, SIGRTMIN + 1)));
    seen = 0;
    sigprocmask(SIG_UNBLOCK, &both, NULL);
    printf("unblocked: %d deliveries\n", seen);
    for (int i = 0; i < seen && i < 16; i++) print_info(" ", seen_sig[i], &seen_info[i]);
}

static void queued_to_sigtimedwait(void) {
    sigset_t both = set_of(SIGUSR2, SIGRTMIN + 1);
    sigprocmask(SIG_BLOCK, &both, NULL);
    send_batch(10);
    struct timespec zero = {0, 0};
    siginfo_t si;
    int sig;
    while ((sig = sigtimedwait(&both, &si, &zero)) > 0) print_info("sigtimedwait:", sig, &si);
    show("then sigtimedwait", sig);
    sigprocmask(SIG_UNBLOCK, &both, NULL);
}

/* rt_tgsigqueueinfo to a thread that waits for it; it says its id first. */
static int tid_pipe[2];
static void* waiter(void* arg) {
    sigset_t s = set_of(SIGRTMIN + 1, 0);
    long me = tid();
    if (write(tid_pipe[1], &me, sizeof(me)) != sizeof(me)) return NULL;
    siginfo_t si;
    int sig = sigwaitinfo(&s, &si);
    *(int*)arg = sig == SIGRTMIN + 1 && si.si_code == SI_QUEUE ? si.si_value.sival_int : -1;
    return NULL;
}

static long tgsigqueue(pid_t tgid, long t, int sig, int code, int value) {
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    si.si_signo = sig;
    si.si_code = code;
    si.si_pid = getpid();
    si.si_value.sival_int = value;
    errno = 0;
    return syscall(SYS_rt_tgsigqueueinfo, tgid, t, sig, &si);
}

static void to_a_thread(void) {
    sigset_t s = set_of(SIGRTMIN + 1, 0);
    sigprocmask(SIG_BLOCK, &s, NULL);
    int got = 0;
    pthread_t th;
    long thread_tid = 0;
    if (pipe(tid_pipe) || pthread_create(&th, NULL, waiter, &got)) return;
    if (read(tid_pipe[0], &thread_tid, sizeof(thread_tid)) != sizeof(thread_tid)) return;
    show("rt_tgsigqueueinfo(thread, SIGRTMIN+1, 42)",
         tgsigqueue(getpid(), thread_tid, SIGRTMIN + 1, SI_QUEUE, 42));
    pthread_join(th, NULL);
    printf("  the thread's sigwaitinfo got value %d\n", got);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
}

static long sigqueueinfo(pid_t pid, int sig, int code, int expansion_byte, void* where) {
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    si.si_signo = sig;
    si.si_code = code;
    si.si_pid = getpid();
    ((unsigned char*)&si)[100] = (unsigned char)expansion_byte;
    errno = 0;
    return syscall(SYS_rt_sigqueueinfo, pid, sig, where ? where : &si);
}

static void errors(void) {
    int rt = SIGRTMIN + 1;
    sigset_t s = set_of(rt, 0);
    sigprocmask(SIG_BLOCK, &s, NULL);
    errno = 0;
    show("kill(getpid(), 65)", kill(getpid(), 65));
    show("kill(getpid(), -1)", kill(getpid(), -1));
    show("kill(99999, SIGUSR2)", kill(99999, SIGUSR2));
    show("tkill(0, SIGUSR2)", syscall(SYS_tkill, 0, SIGUSR2));
    show("tkill(-5, SIGUSR2)", syscall(SYS_tkill, -5, SIGUSR2));
    show("tkill(99999, SIGUSR2)", syscall(SYS_tkill, 99999, SIGUSR2));
    show("tkill(me, 65)", syscall(SYS_tkill, tid(), 65));
    show("tkill(me, 0)", syscall(SYS_tkill, tid(), 0));
    show("tgkill(0, me, SIGUSR2)", syscall(SYS_tgkill, 0, tid(), SIGUSR2));
    show("tgkill(getpid(), 0, SIGUSR2)", syscall(SYS_tgkill, getpid(), 0, SIGUSR2));
    show("tgkill(getpid(), 99999, SIGUSR2)", syscall(SYS_tgkill, getpid(), 99999, SIGUSR2));
    show("tgkill(getpid() + 1, me, SIGUSR2)", syscall(SYS_tgkill, getpid() + 1, tid(), SIGUSR2));
    show("tgkill(getpid(), me, 65)", syscall(SYS_tgkill, getpid(), tid(), 65));
    show("tgkill(getpid(), me, 0)", syscall(SYS_tgkill, getpid(), tid(), 0));

    show("rt_sigqueueinfo(getpid(), rt, bad pointer)",
         sigqueueinfo(getpid(), rt, SI_QUEUE, 0, (void*)8));
    show("rt_sigqueueinfo(getpid(), 65)", sigqueueinfo(getpid(), 65, SI_QUEUE, 0, NULL));
    show("rt_sigqueueinfo(getpid(), 0)", sigqueueinfo(getpid(), 0, SI_QUEUE, 0, NULL));
    show("rt_sigqueueinfo(99999, rt)", sigqueueinfo(99999, rt, SI_QUEUE, 0, NULL));
    show("rt_sigqueueinfo(0, rt)", sigqueueinfo(0, rt, SI_QUEUE, 0, NULL));
    show("rt_sigqueueinfo(-1, rt)", sigqueueinfo(-1, rt, SI_QUEUE, 0, NULL));
    show("rt_sigqueueinfo(99999, rt, SI_USER)", sigqueueinfo(99999, rt, SI_USER, 0, NULL));
    show("rt_sigqueueinfo(99999, rt, SI_KERNEL)", sigqueueinfo(99999, rt, SI_KERNEL, 0, NULL));
    show("rt_sigqueueinfo(99999, rt, SI_TKILL)", sigqueueinfo(99999, rt, SI_TKILL, 0, NULL));
    show("rt_sigqueueinfo(getpid(), rt, SI_USER) to itself",
         sigqueueinfo(getpid(), rt, SI_USER, 0, NULL));
    show("rt_sigqueueinfo(getpid(), rt, code -50, a byte past 48)",
         sigqueueinfo(getpid(), rt, -50, 7, NULL));
    show("rt_sigqueueinfo(getpid(), rt, code -50, zeros past 48)",
         sigqueueinfo(getpid(), rt, -50, 0, NULL));
    show("rt_sigqueueinfo(getpid(), rt, SI_QUEUE, a byte past 48)",
         sigqueueinfo(getpid(), rt, SI_QUEUE, 7, NULL));
    struct timespec zero = {0, 0};
    siginfo_t si;
    int sig;
    while ((sig = sigtimedwait(&s, &si, &zero)) > 0)
        printf("  queued: code %d, byte 100 reads %d\n", si.si_code, ((unsigned char*)&si)[100]);

    show("rt_tgsigqueueinfo(getpid(), me, rt, bad pointer)",
         syscall(SYS_rt_tgsigqueueinfo, getpid(), tid(), rt, (void*)8));
    show("rt_tgsigqueueinfo(0, 0, rt, bad pointer)",
         syscall(SYS_rt_tgsigqueueinfo, 0, 0, rt, (void*)8));
    show("rt_tgsigqueueinfo(0, me)", tgsigqueue(0, tid(), rt, SI_QUEUE, 1));
    show("rt_tgsigqueueinfo(getpid(), -1)", tgsigqueue(getpid(), -1, rt, SI_QUEUE, 1));
    show("rt_tgsigqueueinfo(getpid(), 99999)", tgsigqueue(getpid(), 99999, rt, SI_QUEUE, 1));
    show("rt_tgsigqueueinfo(getpid() + 1, me)", tgsigqueue(getpid() + 1, tid(), rt, SI_QUEUE, 1));
    show("rt_tgsigqueueinfo(getpid(), me, 65)", tgsigqueue(getpid(), tid(), 65, SI_QUEUE, 1));
    show("rt_tgsigqueueinfo(getpid(), 99999, SI_USER)",
         tgsigqueue(getpid(), 99999, rt, SI_USER, 1));
    show("rt_tgsigqueueinfo(getpid(), me, SI_TKILL)", tgsigqueue(getpid(), tid(), rt, SI_TKILL, 5));
    sig = sigtimedwait(&s, &si, &zero);
    printf("  queued: %s code %d\n", yes(sig == rt), si.si_code);

    sigset_t out;
    show("rt_sigpending(size 9)", syscall(SYS_rt_sigpending, &out, 9));
    show("rt_sigpending(size 4)", syscall(SYS_rt_sigpending, &out, 4));
    show("rt_sigpending(bad pointer)", syscall(SYS_rt_sigpending, (void*)8, 8));
    sigprocmask(SIG_UNBLOCK, &s, NULL);
}

/* sigsuspend: a pending signal it unblocks runs its handler at once, with
 * the handler's mask; the old mask is back afterwards. */
static sigset_t mask_in_handler;
static void on_usr2(int sig) {
    (void)sig;
    sigprocmask(SIG_BLOCK, NULL, &mask_in_handler);
}

static void suspend(void) {
    sigset_t usr2 = set_of(SIGUSR2, 0), none, now;
    sigemptyset(&none);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr2;
    sigaddset(&sa.sa_mask, SIGRTMIN + 1);
    sigaction(SIGUSR2, &sa, NULL);
    sigprocmask(SIG_BLOCK, &usr2, NULL);
    raise(SIGUSR2);
    errno = 0;
    show("sigsuspend(empty) with SIGUSR2 pending", sigsuspend(&none));
    printf("  the handler ran with SIGUSR2 %s and SIGRTMIN+1 %s blocked\n",
           yes(sigismember(&mask_in_handler, SIGUSR2)),
           yes(sigismember(&mask_in_handler, SIGRTMIN + 1)));
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("  afterwards SIGUSR2 blocked again: %s, SIGRTMIN+1 blocked: %s\n",
           yes(sigismember(&now, SIGUSR2)), yes(sigismember(&now, SIGRTMIN + 1)));
    errno = 0;
    show("rt_sigsuspend(size 4)", syscall(SYS_rt_sigsuspend, &none, 4));
    show("rt_sigsuspend(bad pointer)", syscall(SYS_rt_sigsuspend, (void*)8, 8));
    sigprocmask(SIG_UNBLOCK, &usr2, NULL);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    suspend();
    queued_to_a_handler();
    queued_to_sigtimedwait();
    to_a_thread();
    errors();
    return 0;
}
