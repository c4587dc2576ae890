/* POSIX timers: timer_create with SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD_ID
 * and no event (SIGALRM with the id as value); timer_settime relative, at
 * an absolute time (past and future) and with an interval; timer_gettime,
 * timer_getoverrun and timer_delete. The siginfo of a timer's signal
 * (SI_TIMER, si_timerid, si_overrun, si_value), taken by sigwaitinfo or a
 * handler; an interval timer whose signal waits counts overruns; a
 * deleted timer's queued signal stays; a fork's child has no timers; a
 * sleep cut short by a timer's handler. Then the errors of every call,
 * in Linux's order. Times are printed only as comparisons. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "show.h"

#define SIG_A (SIGRTMIN + 2)
#define MS 1000000L

/* The kernel's timer id is an int; the raw calls use it as is. */
static int ktimer_create(clockid_t clock, struct sigevent* ev) {
    int id = -1;
    errno = 0;
    long r = syscall(SYS_timer_create, clock, ev, &id);
    return r < 0 ? -errno : id;
}

static long ksettime(int id, int flags, long value_ns, long interval_ns) {
    struct itimerspec its = {{interval_ns / 1000000000L, interval_ns % 1000000000L},
                             {value_ns / 1000000000L, value_ns % 1000000000L}};
    errno = 0;
    return syscall(SYS_timer_settime, id, flags, &its, NULL);
}

static struct itimerspec kgettime(int id) {
    struct itimerspec its;
    memset(&its, 0x55, sizeof(its));
    syscall(SYS_timer_gettime, id, &its);
    return its;
}

static long ns_of(struct timespec ts) {
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * MS};
    nanosleep(&ts, NULL);
}

static struct sigevent signal_event(int sig, int value) {
    struct sigevent ev;
    memset(&ev, 0, sizeof(ev));
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = sig;
    ev.sigev_value.sival_int = value;
    return ev;
}

static sigset_t only(int sig) {
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    return s;
}

static void print_timer_info(const char* what, int sig, const siginfo_t* si, int id) {
    printf("%s: signal is SIG_A %s, SI_TIMER %s, timerid %s, overrun %d, value %d\n", what,
           yes(sig == SIG_A), yes(si->si_code == SI_TIMER), yes(si->si_timerid == id),
           si->si_overrun, si->si_value.sival_int);
}

static void one_shot_and_interval(void) {
    sigset_t a = only(SIG_A);
    sigprocmask(SIG_BLOCK, &a, NULL);
    struct sigevent ev = signal_event(SIG_A, 42);
    int id = ktimer_create(CLOCK_MONOTONIC, &ev);
    int id2 = ktimer_create(CLOCK_REALTIME, &ev);
    printf("timer ids: %d %d\n", id, id2);
    struct itimerspec its = kgettime(id);
    printf("new timer: value %ld interval %ld\n", ns_of(its.it_value), ns_of(its.it_interval));
    show("settime 10 ms", ksettime(id, 0, 10 * MS, 0));
    its = kgettime(id);
    printf("armed: 0 < value <= 10 ms %s, interval %ld\n",
           yes(ns_of(its.it_value) > 0 && ns_of(its.it_value) <= 10 * MS), ns_of(its.it_interval));
    siginfo_t si;
    int sig = sigwaitinfo(&a, &si);
    print_timer_info("one shot", sig, &si, id);
    its = kgettime(id);
    printf("after it: value %ld interval %ld\n", ns_of(its.it_value), ns_of(its.it_interval));

    /* Every 1 ms, while the signal waits 30 ms to be taken. */
    show("settime 1 ms every 1 ms", ksettime(id, 0, 1 * MS, 1 * MS));
    sleep_ms(30);
    sig = sigwaitinfo(&a, &si);
    printf("interval: signal is SIG_A %s, SI_TIMER %s, overrun above 10 %s, value %d\n",
           yes(sig == SIG_A), yes(si.si_code == SI_TIMER), yes(si.si_overrun > 10),
           si.si_value.sival_int);
    errno = 0;
    long ovr = syscall(SYS_timer_getoverrun, id);
    printf("getoverrun is the siginfo's: %s\n", yes(ovr == si.si_overrun));
    its = kgettime(id);
    printf("running: interval %ld, 0 < value <= 1 ms %s\n", ns_of(its.it_interval),
           yes(ns_of(its.it_value) > 0 && ns_of(its.it_value) <= 1 * MS));
    show("disarm", ksettime(id, 0, 0, 5 * MS));
    its = kgettime(id);
    printf("disarmed: value %ld interval %ld\n", ns_of(its.it_value), ns_of(its.it_interval));
    struct timespec zero = {0, 0};
    while (sigtimedwait(&a, &si, &zero) > 0) /* one may have come meanwhile */
        ;

    /* At an absolute time: 5 ms from now, then one already past. */
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    show("settime abs now + 5 ms", ksettime(id2, TIMER_ABSTIME, ns_of(now) + 5 * MS, 0));
    sig = sigwaitinfo(&a, &si);
    print_timer_info("absolute", sig, &si, id2);
    show("settime abs in the past", ksettime(id2, TIMER_ABSTIME, ns_of(now) - 5 * MS, 0));
    sig = sigtimedwait(&a, &si, &zero);
    print_timer_info("past", sig, &si, id2);

    /* Deleted while its signal waits: the signal stays. */
    show("settime 1 ms", ksettime(id, 0, 1 * MS, 0));
    sleep_ms(5);
    show("delete", syscall(SYS_timer_delete, id));
    sigset_t pending;
    sigpending(&pending);
    printf("pending after delete: %s\n", yes(sigismember(&pending, SIG_A)));
    sig = sigtimedwait(&a, &si, &zero);
    printf("taken: SIG_A %s, SI_TIMER %s, timerid %s, value %d\n", yes(sig == SIG_A),
           yes(si.si_code == SI_TIMER), yes(si.si_timerid == id), si.si_value.sival_int);
    show("delete again", syscall(SYS_timer_delete, id));
    show("delete the other", syscall(SYS_timer_delete, id2));
    sigprocmask(SIG_UNBLOCK, &a, NULL);
}

static void signalling_nothing(void) {
    struct sigevent ev;
    memset(&ev, 0, sizeof(ev));
    ev.sigev_notify = SIGEV_NONE;
    int id = ktimer_create(CLOCK_MONOTONIC, &ev);
    printf("SIGEV_NONE id: %d\n", id);
    show("settime 5 ms", ksettime(id, 0, 5 * MS, 0));
    sleep_ms(10);
    struct itimerspec its = kgettime(id);
    printf("expired: value %ld interval %ld\n", ns_of(its.it_value), ns_of(its.it_interval));
    show("settime 1 ms every 2 ms", ksettime(id, 0, 1 * MS, 2 * MS));
    sleep_ms(10);
    its = kgettime(id);
    printf("running: interval %ld, 0 < value <= 2 ms %s\n", ns_of(its.it_interval),
           yes(ns_of(its.it_value) > 0 && ns_of(its.it_value) <= 2 * MS));
    show("getoverrun", syscall(SYS_timer_getoverrun, id));
    sigset_t pending;
    sigpending(&pending);
    printf("anything pending: %s\n", yes(!sigisemptyset(&pending)));
    show("delete", syscall(SYS_timer_delete, id));
}

/* SIGEV_THREAD_ID: the named thread takes it; the main thread never sees it. */
static int tid_pipe[2];
static void* waiter(void* arg) {
    long me = syscall(SYS_gettid);
    if (write(tid_pipe[1], &me, sizeof(me)) != sizeof(me)) return NULL;
    sigset_t a = only(SIG_A);
    siginfo_t si;
    int sig = sigwaitinfo(&a, &si);
    *(int*)arg = sig == SIG_A && si.si_code == SI_TIMER ? si.si_value.sival_int : -1;
    return NULL;
}

static void to_a_thread(void) {
    sigset_t a = only(SIG_A);
    sigprocmask(SIG_BLOCK, &a, NULL);
    if (pipe(tid_pipe)) return;
    int got = 0;
    pthread_t th;
    pthread_create(&th, NULL, waiter, &got);
    long tid = 0;
    if (read(tid_pipe[0], &tid, sizeof(tid)) != sizeof(tid)) return;
    struct sigevent ev = signal_event(SIG_A, 77);
    ev.sigev_notify = SIGEV_THREAD_ID;
    ev.sigev_notify_thread_id = (pid_t)tid;
    int id = ktimer_create(CLOCK_MONOTONIC, &ev);
    printf("SIGEV_THREAD_ID id: %d\n", id);
    show("settime 3 ms", ksettime(id, 0, 3 * MS, 0));
    pthread_join(th, NULL);
    printf("the thread took value %d\n", got);
    sigset_t pending;
    sigpending(&pending);
    printf("main thread has it pending: %s\n", yes(sigismember(&pending, SIG_A)));
    show("delete", syscall(SYS_timer_delete, id));
    sigprocmask(SIG_UNBLOCK, &a, NULL);
}

static volatile int alarm_value = -1, alarm_code, alarms;
static void on_alarm(int sig, siginfo_t* si, void* uc) {
    (void)sig;
    (void)uc;
    alarm_value = si->si_value.sival_int;
    alarm_code = si->si_code;
    alarms++;
}

/* No event: SIGALRM with the id as its value, to a handler. */
static void default_event_to_a_handler(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_alarm;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGALRM, &sa, NULL);
    int id = ktimer_create(CLOCK_MONOTONIC, NULL);
    printf("default event id: %d\n", id);
    show("settime 3 ms", ksettime(id, 0, 3 * MS, 0));
    pause();
    printf("handler: %d run, value is the id %s, SI_TIMER %s\n", alarms, yes(alarm_value == id),
           yes(alarm_code == SI_TIMER));
    /* A long sleep, cut short by the timer's handler. */
    show("settime 5 ms", ksettime(id, 0, 5 * MS, 0));
    struct timespec req = {1, 0}, rem = {0, 0};
    show("nanosleep 1 s", nanosleep(&req, &rem));
    printf("time left above 0.9 s: %s; handler runs %d\n", yes(ns_of(rem) > 900 * MS), alarms);
    pid_t child = fork();
    if (child == 0) {
        errno = 0;
        long r = syscall(SYS_timer_gettime, id, &(struct itimerspec){0});
        printf("child: gettime of the parent's timer: %ld errno %d\n", r, r ? errno : 0);
        _exit(0);
    }
    int st;
    waitpid(child, &st, 0);
    show("delete", syscall(SYS_timer_delete, id));
    signal(SIGALRM, SIG_DFL);
}

static void errors(void) {
    struct sigevent ev = signal_event(SIG_A, 1);
    printf("create, clock 99: %d\n", ktimer_create(99, &ev));
    printf("create, MONOTONIC_RAW: %d\n", ktimer_create(CLOCK_MONOTONIC_RAW, &ev));
    printf("create, REALTIME_COARSE: %d\n", ktimer_create(CLOCK_REALTIME_COARSE, &ev));
    struct sigevent bad = ev;
    bad.sigev_notify = 99;
    printf("create, notify 99: %d\n", ktimer_create(CLOCK_MONOTONIC, &bad));
    bad = ev;
    bad.sigev_signo = 0;
    printf("create, signal 0: %d\n", ktimer_create(CLOCK_MONOTONIC, &bad));
    bad.sigev_signo = 65;
    printf("create, signal 65: %d\n", ktimer_create(CLOCK_MONOTONIC, &bad));
    bad = ev;
    bad.sigev_notify = SIGEV_THREAD_ID;
    bad.sigev_notify_thread_id = getppid();
    printf("create, THREAD_ID of another process: %d\n", ktimer_create(CLOCK_MONOTONIC, &bad));
    bad.sigev_notify_thread_id = 999999;
    printf("create, THREAD_ID of nobody: %d\n", ktimer_create(CLOCK_MONOTONIC, &bad));
    printf("create, bad event pointer: %d\n", ktimer_create(CLOCK_MONOTONIC, (struct sigevent*)8));
    printf("create, bad event pointer, bad clock: %d\n", ktimer_create(99, (struct sigevent*)8));
    errno = 0;
    long r = syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, (int*)8);
    show("create, bad id pointer", r);
    /* The id that failed to be copied out was spent. */
    int id = ktimer_create(CLOCK_MONOTONIC, &ev);
    printf("next id: %d\n", id);

    struct itimerspec its = {{0, 0}, {1, 0}};
    errno = 0;
    show("settime, no such timer", syscall(SYS_timer_settime, 12345, 0, &its, NULL));
    errno = 0;
    show("settime, negative id", syscall(SYS_timer_settime, -1, 0, &its, NULL));
    errno = 0;
    show("settime, NULL setting", syscall(SYS_timer_settime, id, 0, NULL, NULL));
    errno = 0;
    show("settime, bad setting, no such timer",
         syscall(SYS_timer_settime, 12345, 0, (void*)8, NULL));
    struct itimerspec inval = {{0, 0}, {0, 1000000000L}};
    errno = 0;
    show("settime, nsec 1e9", syscall(SYS_timer_settime, id, 0, &inval, NULL));
    inval = (struct itimerspec){{0, -1}, {1, 0}};
    errno = 0;
    show("settime, interval nsec -1", syscall(SYS_timer_settime, id, 0, &inval, NULL));
    inval = (struct itimerspec){{0, 0}, {-1, 0}};
    errno = 0;
    show("settime, value sec -1", syscall(SYS_timer_settime, id, 0, &inval, NULL));
    errno = 0;
    show("settime, bad old pointer", syscall(SYS_timer_settime, id, 0, &its, (void*)8));
    struct itimerspec old;
    errno = 0;
    show("settime, with old", syscall(SYS_timer_settime, id, 0, &its, &old));
    its = kgettime(id);
    printf("armed although old faulted: value > 0.9 s %s\n", yes(ns_of(its.it_value) > 900 * MS));
    errno = 0;
    show("gettime, no such timer", syscall(SYS_timer_gettime, 12345, &its));
    errno = 0;
    show("gettime, bad pointer", syscall(SYS_timer_gettime, id, (void*)8));
    errno = 0;
    show("gettime, bad pointer, no such timer", syscall(SYS_timer_gettime, 12345, (void*)8));
    errno = 0;
    show("getoverrun, no such timer", syscall(SYS_timer_getoverrun, 12345));
    errno = 0;
    show("getoverrun", syscall(SYS_timer_getoverrun, id));
    errno = 0;
    show("delete, no such timer", syscall(SYS_timer_delete, 12345));
    errno = 0;
    show("delete, negative id", syscall(SYS_timer_delete, -5));
    errno = 0;
    show("delete", syscall(SYS_timer_delete, id));
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    one_shot_and_interval();
    signalling_nothing();
    to_a_thread();
    default_event_to_a_handler();
    errors();
    return 0;
}
