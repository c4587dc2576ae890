/* Clocks and sleeps. The values differ from run to run on Linux and are
 * the guest's own clock in the guest, so only their relations are printed:
 * which clocks exist, monotonic time never goes back, a sleep advances the
 * clocks by at least its length, an absolute sleep ends at its deadline,
 * and every error case as an errno value. Raw system calls throughout: on
 * Linux the C library would answer some of these from the vDSO. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define BAD ((void *)8)

static long sys(long nr, long a, long b, long c, long d)
{
    long r = syscall(nr, a, b, c, d);
    return r < 0 ? -errno : r;
}

static void show(const char *what, long r)
{
    printf("%-50s %s\n", what, r < 0 ? strerror((int)-r) : r == 0 ? "ok" : "value");
}

static int64_t ns(const struct timespec *t)
{
    return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static int64_t now(clockid_t c)
{
    struct timespec t;
    if (sys(SYS_clock_gettime, c, (long)&t, 0, 0))
        return -1;
    return ns(&t);
}

int main(void)
{
    const char *names[] = {"REALTIME", "MONOTONIC", "PROCESS_CPUTIME_ID", "THREAD_CPUTIME_ID",
                           "MONOTONIC_RAW", "REALTIME_COARSE", "MONOTONIC_COARSE", "BOOTTIME",
                           "REALTIME_ALARM", "BOOTTIME_ALARM", "10", "TAI", "12", "16"};
    int ids[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 16};
    for (int i = 0; i < 14; i++) {
        struct timespec t, res;
        char what[96];
        long r = sys(SYS_clock_gettime, ids[i], (long)&t, 0, 0);
        long rr = sys(SYS_clock_getres, ids[i], (long)&res, 0, 0);
        snprintf(what, sizeof what, "clock %s: gettime, getres", names[i]);
        printf("%-50s %s, %s", what, r ? strerror((int)-r) : "ok", rr ? strerror((int)-rr) : "ok");
        if (!rr)
            printf(", resolution %s", res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 10000000
                                          ? "1 ns to 10 ms" : "odd");
        printf("\n");
    }
    show("clock_gettime(REALTIME, bad pointer)", sys(SYS_clock_gettime, 0, (long)BAD, 0, 0));
    show("clock_gettime(99, bad pointer)", sys(SYS_clock_gettime, 99, (long)BAD, 0, 0));
    show("clock_gettime(-1)", sys(SYS_clock_gettime, -1, 0, 0, 0));
    show("clock_getres(MONOTONIC, NULL)", sys(SYS_clock_getres, 1, 0, 0, 0));
    show("clock_getres(MONOTONIC, bad pointer)", sys(SYS_clock_getres, 1, (long)BAD, 0, 0));
    struct timespec own;
    show("clock_gettime(process CPU clock of pid 0)",
         sys(SYS_clock_gettime, (long)(-8 | 2) /* (~0 << 3) | CPUCLOCK_SCHED */, (long)&own, 0, 0));

    int back = 0;
    int64_t prev = now(CLOCK_MONOTONIC);
    for (int i = 0; i < 200; i++) {
        int64_t t = now(CLOCK_MONOTONIC);
        if (t < prev)
            back++;
        prev = t;
    }
    printf("monotonic went back %d times in 200 reads\n", back);
    int64_t mono = now(CLOCK_MONOTONIC);
    printf("boottime read later >= monotonic: %s\n", now(CLOCK_BOOTTIME) >= mono ? "yes" : "no");
    printf("realtime after 2014: %s\n", now(CLOCK_REALTIME) > 1388534400LL * 1000000000 ? "yes" : "no");
    int64_t fine = now(CLOCK_MONOTONIC), coarse = now(CLOCK_MONOTONIC_COARSE);
    printf("coarse within 50 ms of fine: %s\n", coarse <= fine + 50000000 && coarse > fine - 50000000 ? "yes" : "no");

    struct timespec d = {0, 20000000};
    int64_t m0 = now(CLOCK_MONOTONIC), r0 = now(CLOCK_REALTIME), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
    show("nanosleep(20 ms)", sys(SYS_nanosleep, (long)&d, 0, 0, 0));
    int64_t m1 = now(CLOCK_MONOTONIC), r1 = now(CLOCK_REALTIME), c1 = now(CLOCK_PROCESS_CPUTIME_ID);
    printf("monotonic advanced >= 20 ms: %s, realtime too: %s, cpu time did not go back: %s\n",
           m1 - m0 >= 20000000 ? "yes" : "no", r1 - r0 >= 20000000 ? "yes" : "no",
           c1 >= c0 ? "yes" : "no");

    struct timespec deadline;
    sys(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&deadline, 0, 0);
    deadline.tv_nsec += 5000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_nsec -= 1000000000;
        deadline.tv_sec++;
    }
    show("clock_nanosleep(MONOTONIC, ABSTIME, +5 ms)",
         sys(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, (long)&deadline, 0));
    printf("woke at or after the deadline: %s\n", now(CLOCK_MONOTONIC) >= ns(&deadline) ? "yes" : "no");
    struct timespec past = {1, 0};
    show("clock_nanosleep(MONOTONIC, ABSTIME, 1 s)",
         sys(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, (long)&past, 0));
    struct timespec rt;
    sys(SYS_clock_gettime, CLOCK_REALTIME, (long)&rt, 0, 0);
    rt.tv_nsec = 0;
    rt.tv_sec += 1;
    show("clock_nanosleep(REALTIME, ABSTIME, next second)",
         sys(SYS_clock_nanosleep, CLOCK_REALTIME, TIMER_ABSTIME, (long)&rt, 0));
    printf("realtime at or after it: %s\n", now(CLOCK_REALTIME) >= ns(&rt) ? "yes" : "no");
    struct timespec small = {0, 1000};
    show("clock_nanosleep(BOOTTIME, 0, 1 us)", sys(SYS_clock_nanosleep, CLOCK_BOOTTIME, 0, (long)&small, 0));
    show("clock_nanosleep(TAI, 0, 1 us)", sys(SYS_clock_nanosleep, CLOCK_TAI, 0, (long)&small, 0));
    show("clock_nanosleep(flags 0x10, 1 us)", sys(SYS_clock_nanosleep, 0, 0x10, (long)&small, 0));
    show("clock_nanosleep(THREAD_CPUTIME)", sys(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, (long)&small, 0));
    show("clock_nanosleep(own thread's CPU clock)", sys(SYS_clock_nanosleep, -8 | 4 | 2, 0, (long)&small, 0));
    show("clock_nanosleep(pid 0x0fffffff's CPU clock)",
         sys(SYS_clock_nanosleep, (int)(~0x0fffffffu << 3) | 2, 0, (long)&small, 0));
    /* clockid_t is an int: the upper half of the register is not looked at. */
    show("clock_gettime(REALTIME + 2^32)", sys(SYS_clock_gettime, 1L << 32, (long)&small, 0, 0));
    show("clock_nanosleep(MONOTONIC_RAW)", sys(SYS_clock_nanosleep, CLOCK_MONOTONIC_RAW, 0, (long)&small, 0));
    show("clock_nanosleep(MONOTONIC_COARSE)", sys(SYS_clock_nanosleep, CLOCK_MONOTONIC_COARSE, 0, (long)&small, 0));
    show("clock_nanosleep(99)", sys(SYS_clock_nanosleep, 99, 0, (long)&small, 0));
    show("clock_nanosleep(REALTIME, bad pointer)", sys(SYS_clock_nanosleep, 0, 0, (long)BAD, 0));
    struct timespec bad_ns = {0, 1000000000}, neg_ns = {0, -1}, neg_s = {-1, 0};
    show("clock_nanosleep(tv_nsec = 1e9)", sys(SYS_clock_nanosleep, 0, 0, (long)&bad_ns, 0));
    show("nanosleep(tv_nsec = 1e9)", sys(SYS_nanosleep, (long)&bad_ns, 0, 0, 0));
    show("nanosleep(tv_nsec = -1)", sys(SYS_nanosleep, (long)&neg_ns, 0, 0, 0));
    show("nanosleep(tv_sec = -1)", sys(SYS_nanosleep, (long)&neg_s, 0, 0, 0));
    show("nanosleep(NULL)", sys(SYS_nanosleep, 0, 0, 0, 0));
    show("nanosleep(bad pointer)", sys(SYS_nanosleep, (long)BAD, 0, 0, 0));
    struct timespec zero = {0, 0};
    show("nanosleep(0, bad rmtp)", sys(SYS_nanosleep, (long)&zero, (long)BAD, 0, 0));

    struct timeval tv;
    struct timezone tz = {123, 456};
    show("gettimeofday(tv, tz)", sys(SYS_gettimeofday, (long)&tv, (long)&tz, 0, 0));
    printf("timezone %d/%d, usec below 1e6: %s\n", tz.tz_minuteswest, tz.tz_dsttime,
           tv.tv_usec >= 0 && tv.tv_usec < 1000000 ? "yes" : "no");
    printf("gettimeofday within 1 s of REALTIME: %s\n",
           (now(CLOCK_REALTIME) / 1000000000 - tv.tv_sec) <= 1 ? "yes" : "no");
    show("gettimeofday(NULL, NULL)", sys(SYS_gettimeofday, 0, 0, 0, 0));
    show("gettimeofday(bad pointer, NULL)", sys(SYS_gettimeofday, (long)BAD, 0, 0, 0));
    show("gettimeofday(NULL, bad pointer)", sys(SYS_gettimeofday, 0, (long)BAD, 0, 0));
    time_t t1 = 0;
    long t0 = sys(SYS_time, 0, 0, 0, 0);
    long t2 = sys(SYS_time, (long)&t1, 0, 0, 0);
    printf("time(NULL) after 2014: %s, time(&t) stores what it returns: %s\n",
           t0 > 1388534400 ? "yes" : "no", t1 == t2 ? "yes" : "no");
    show("time(bad pointer)", sys(SYS_time, (long)BAD, 0, 0, 0));

    /* The C library's own calls (vDSO on Linux). */
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    usleep(1000);
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("usleep(1000) advanced the C library's monotonic clock by >= 1 ms: %s\n",
           ns(&b) - ns(&a) >= 1000000 ? "yes" : "no");
    printf("time() after 2014: %s\n", time(NULL) > 1388534400 ? "yes" : "no");
    return 0;
}
