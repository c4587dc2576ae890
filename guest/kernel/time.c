/*
 * Time: the clocks a program reads (clock_gettime, gettimeofday, time) and
 * the sleeps it asks for (nanosleep, clock_nanosleep).
 *
 * The guest clock is deterministic, so a replay of a run sees the same
 * values: it never looks at the host's time. It is one counter of
 * nanoseconds since boot, which starts at 1 s and moves only when the
 * program looks at it or sleeps:
 *   - every clock read (any clock, any of these calls) advances it by
 *     CLOCK_READ_NS first, so two reads always differ;
 *   - a sleep lets the other tasks run first; when none can, the clock
 *     jumps to the end of the sleep that ends first (sched.c). A signal
 *     can cut a sleep short while the others run.
 * CLOCK_REALTIME is that counter plus SP_REALTIME_AT_BOOT, the start of
 * 2014-01-20 UTC (the day after Linux 3.13 came out). MONOTONIC, BOOTTIME
 * (nothing suspends) and MONOTONIC_RAW are the counter itself; TAI is
 * REALTIME (no leap-second offset was ever set); the COARSE clocks are
 * the fine ones cut down to a 4 ms tick (HZ=250); the CPU-time clocks are
 * the time since exec, as the program is all that runs.
 *
 * The vDSO (guest/vdso, kernel/vdso.c) answers the same clocks in user
 * mode from the vvar page, which the kernel rewrites whenever the counter
 * moves. A vDSO read does not move it (user mode cannot write that page):
 * between two kernel entries, the vDSO's clocks stand still. The CPU-time
 * clocks are always the system call, as with Linux's vDSO.
 */
#include <slowpath/vvar.h>

#include "mm.h"
#include "sched.h"
#include "syscalls.h"

#define EOPNOTSUPP 95

#define NSEC_PER_SEC 1000000000LL
#define NSEC_PER_USEC 1000LL
#define CLOCK_READ_NS 1000LL        /* what one look at the clock costs */
#define BOOT_NS 1000000000LL        /* the counter at boot: 1 s */
#define TICK_NSEC SP_TICK_NSEC        /* HZ = 250: the coarse clocks' step (vvar.h) */

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define CLOCK_REALTIME_ALARM 8
#define CLOCK_BOOTTIME_ALARM 9
#define CLOCK_TAI 11
#define TIMER_ABSTIME 1


struct __kernel_old_timeval {
    s64 tv_sec;
    s64 tv_usec;
};

struct timezone {
    s32 tz_minuteswest;
    s32 tz_dsttime;
};

static s64 boot_ns = BOOT_NS;
static s64 exec_ns = BOOT_NS; /* the program started at boot */

/* What a clock id names. CPU clocks of a process or thread can also be
 * named by negative ids ((~pid << 3) | type, bit 2 for a thread, type 3
 * for a clock file descriptor): only this process's exist here. */
enum clock_kind { CK_NONE, CK_REALTIME, CK_MONOTONIC, CK_CPUTIME, CK_THREAD_CPUTIME };

struct kclock {
    enum clock_kind kind;
    bool coarse;
    bool can_sleep; /* kc->nsleep exists */
};

/* clockid_t is an int: the upper half of the register does not count. */
static struct kclock clockid_to_kclock(long which_clock)
{
    int id = (int)which_clock;
    struct kclock none = {CK_NONE, false, false};
    if (id < 0) {
        if ((id & 7) == 3 || (id & 3) == 3)
            return none; /* a clock fd, or no such CPU clock type */
        int pid = ~(id >> 3);
        if (pid != 0 && pid != current->tgid && pid != current->pid)
            return none;
        if (id & 4) /* posix_cpu_nsleep refuses it (EINVAL) */
            return (struct kclock){CK_THREAD_CPUTIME, false, true};
        return (struct kclock){CK_CPUTIME, false, true};
    }
    switch (id) {
    case CLOCK_REALTIME:
    case CLOCK_TAI:
        return (struct kclock){CK_REALTIME, false, true};
    case CLOCK_MONOTONIC:
    case CLOCK_BOOTTIME:
        return (struct kclock){CK_MONOTONIC, false, true};
    case CLOCK_MONOTONIC_RAW:
        return (struct kclock){CK_MONOTONIC, false, false};
    case CLOCK_REALTIME_COARSE:
        return (struct kclock){CK_REALTIME, true, false};
    case CLOCK_MONOTONIC_COARSE:
        return (struct kclock){CK_MONOTONIC, true, false};
    case CLOCK_PROCESS_CPUTIME_ID:
        return (struct kclock){CK_CPUTIME, false, true};
    case CLOCK_THREAD_CPUTIME_ID:
        return (struct kclock){CK_THREAD_CPUTIME, false, false};
    default:
        /* The alarm clocks need a real-time-clock device: there is none. */
        return none;
    }
}

/* The clock's value in nanoseconds, at the counter's value `now`. */
static s64 clock_value(struct kclock kc, s64 now)
{
    if (kc.kind == CK_CPUTIME || kc.kind == CK_THREAD_CPUTIME)
        return now - exec_ns;
    /* The vDSO computes these with the same function. */
    return sp_clock_from_boot_ns(now, kc.kind == CK_REALTIME, kc.coarse);
}

static s64 read_clock(struct kclock kc)
{
    return clock_value(kc, clock_read_boot_ns());
}

/* A look at the clock: it moves on, and the POSIX timers it passes fire. */
s64 clock_read_boot_ns(void)
{
    boot_ns += CLOCK_READ_NS;
    vvar_refresh();
    posix_timers_expire(boot_ns);
    return boot_ns;
}

/* posix_timers.c: the clock a timer counts on, as its offset from the boot
 * counter now (clock = counter + offset), or why there is no timer on it
 * (timer_create's errors: no such clock; a clock with no timers). */
long timer_clock_offset(long which_clock, s64 *offset)
{
    int id = (int)which_clock;
    if (id == CLOCK_REALTIME_ALARM || id == CLOCK_BOOTTIME_ALARM)
        return -EOPNOTSUPP; /* alarm timers need a real-time-clock device */
    struct kclock kc = clockid_to_kclock(which_clock);
    if (kc.kind == CK_NONE)
        return -EINVAL;
    if (kc.coarse || (kc.kind == CK_MONOTONIC && !kc.can_sleep))
        return -EOPNOTSUPP; /* the coarse clocks and MONOTONIC_RAW */
    *offset = clock_value(kc, boot_ns) - boot_ns;
    return 0;
}

struct __kernel_timespec ns_to_timespec(s64 ns)
{
    return (struct __kernel_timespec){ns / NSEC_PER_SEC, ns % NSEC_PER_SEC};
}

/* timespec64_valid: no negative seconds, nanoseconds below one second. */
bool timespec_valid(const struct __kernel_timespec *ts)
{
    return ts->tv_sec >= 0 && (u64)ts->tv_nsec < (u64)NSEC_PER_SEC;
}

/* Seconds beyond what nanoseconds in an s64 can hold sleep "forever":
 * clamp as ktime does (KTIME_MAX). */
s64 timespec_to_ns(const struct __kernel_timespec *ts)
{
    const s64 max_sec = 0x7fffffffffffffffLL / NSEC_PER_SEC;
    if (ts->tv_sec >= max_sec)
        return 0x7fffffffffffffffLL;
    return ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
}

noinline long sys_clock_gettime(long which_clock, struct __kernel_timespec __user *tp)
{
    struct kclock kc = clockid_to_kclock(which_clock);
    if (kc.kind == CK_NONE)
        return -EINVAL;
    struct __kernel_timespec ts = ns_to_timespec(read_clock(kc));
    return copy_to_user(tp, &ts, sizeof(ts)) ? -EFAULT : 0;
}

noinline long sys_clock_getres(long which_clock, struct __kernel_timespec __user *tp)
{
    struct kclock kc = clockid_to_kclock(which_clock);
    if (kc.kind == CK_NONE)
        return -EINVAL;
    struct __kernel_timespec ts = {0, kc.coarse ? TICK_NSEC : 1}; /* hrtimers: 1 ns */
    if (tp && copy_to_user(tp, &ts, sizeof(ts)))
        return -EFAULT;
    return 0;
}

noinline long sys_gettimeofday(struct __kernel_old_timeval __user *tv,
                               struct timezone __user *tz)
{
    if (tv) {
        struct kclock kc = clockid_to_kclock(CLOCK_REALTIME);
        s64 ns = read_clock(kc);
        struct __kernel_old_timeval v = {ns / NSEC_PER_SEC, (ns % NSEC_PER_SEC) / NSEC_PER_USEC};
        if (copy_to_user(tv, &v, sizeof(v)))
            return -EFAULT;
    }
    if (tz) {
        struct timezone sys_tz = {0, 0}; /* nobody ever set one */
        if (copy_to_user(tz, &sys_tz, sizeof(sys_tz)))
            return -EFAULT;
    }
    return 0;
}

noinline long sys_time(s64 __user *tloc)
{
    s64 now = read_clock(clockid_to_kclock(CLOCK_REALTIME)) / NSEC_PER_SEC;
    if (tloc && put_user_u64((u64)now, (u64 __user *)tloc))
        return -EFAULT;
    return now;
}

/* expire_first_sleep (sched.c): nothing else can run, so the sleep that
 * ends first ends now. */
void clock_advance_to(s64 boot_ns_end)
{
    if (boot_ns_end > boot_ns) {
        boot_ns = boot_ns_end;
        vvar_refresh();
        posix_timers_expire(boot_ns);
    }
}

/* scheduler_tick (sched.c): a timer interrupt is one tick of time. */
s64 clock_tick(void)
{
    clock_advance_to(boot_ns + SP_TICK_NSEC);
    return boot_ns;
}

/*
 * Sleep until the boot clock reaches `end`. While the task sleeps the
 * others run, and the clock stands still for them (it moves only when
 * they look at it or sleep themselves); when nothing can run, the
 * scheduler ends the first sleep by moving the clock to its end. Returns
 * false if a signal came first.
 */
static bool sleep_to(s64 end)
{
    struct task_struct *me = current;
    static char sleep_chan; /* no wake_up_chan() names it: only the clock or a signal */
    me->sleep_until = end;
    while (boot_ns < end && !test_thread_flag(TIF_SIGPENDING)) {
        me->wait_chan = &sleep_chan;
        me->state = TASK_INTERRUPTIBLE;
        schedule();
        me->wait_chan = NULL;
        me->state = TASK_RUNNING;
    }
    me->sleep_until = 0;
    return boot_ns >= end;
}

/* A relative sleep that a signal cut short: rmtp gets the time left, and
 * restart_syscall (after a signal with no handler) sleeps the rest. */
static long sleep_interrupted(struct restart_block *rb)
{
    if (rb->rmtp) {
        struct __kernel_timespec left = ns_to_timespec(rb->expires - boot_ns);
        if (copy_to_user((void __user *)rb->rmtp, &left, sizeof(left)))
            return -EFAULT;
    }
    return -ERESTART_RESTARTBLOCK;
}

static long nanosleep_restart(struct restart_block *rb)
{
    if (sleep_to(rb->expires))
        return 0;
    return sleep_interrupted(rb);
}

static long do_nanosleep(struct kclock kc, long flags, const struct __kernel_timespec *t, u64 rmtp)
{
    s64 ns = timespec_to_ns(t);
    if ((int)flags & TIMER_ABSTIME) {
        s64 now = clock_value(kc, boot_ns);
        if (ns <= now)
            return 0; /* the deadline has passed */
        ns -= now;
    }
    if (ns > 0x7fffffffffffffffLL - boot_ns)
        ns = 0x7fffffffffffffffLL - boot_ns;
    s64 end = boot_ns + ns;
    if (sleep_to(end))
        return 0;
    /* An absolute deadline stays what it was: the call can simply run
     * again, unless a handler ran (EINTR). */
    if ((int)flags & TIMER_ABSTIME)
        return -ERESTARTNOHAND;
    struct restart_block *rb = &current->restart_block;
    rb->fn = nanosleep_restart;
    rb->expires = end;
    rb->rmtp = rmtp;
    return sleep_interrupted(rb);
}

/*
 * rt_sigtimedwait: take a signal of `these` that is pending (blocked or
 * not); with none, wait for one until the timeout, the set unblocked in
 * the meantime (the mask it had is real_blocked, whose signals are not
 * dropped as ignored). A signal outside the set that comes first ends the
 * wait (EINTR; it is delivered on the way out), the timeout EAGAIN, as
 * do_sigtimedwait.
 */
noinline long sys_rt_sigtimedwait(const sigset_t __user *uthese, siginfo_t __user *uinfo,
                                  const struct __kernel_timespec __user *uts, size_t sigsetsize)
{
    struct task_struct *me = current;
    static char wait_chan; /* only a signal wakes an untimed wait */
    sigset_t these;
    struct __kernel_timespec t;
    if (sigsetsize != sizeof(sigset_t))
        return -EINVAL;
    if (copy_from_user(&these, uthese, sizeof(these)))
        return -EFAULT;
    s64 timeout = 0x7fffffffffffffffLL;
    if (uts) {
        if (copy_from_user(&t, uts, sizeof(t)))
            return -EFAULT;
        if (!timespec_valid(&t))
            return -EINVAL;
        timeout = timespec_to_ns(&t);
    }
    these &= ~(sigmask(SIGKILL) | sigmask(SIGSTOP));
    siginfo_t info;
    int sig = dequeue_signal_mask(me, these, &info);
    bool interrupted = false;
    if (!sig && timeout) {
        me->real_blocked = me->blocked;
        me->blocked &= ~these;
        recalc_sigpending();
        sync_signal_state(me);
        if (uts) {
            s64 end = timeout > 0x7fffffffffffffffLL - boot_ns ? 0x7fffffffffffffffLL
                                                               : boot_ns + timeout;
            interrupted = !sleep_to(end);
        } else {
            while (!test_thread_flag(TIF_SIGPENDING))
                wait_on_chan(&wait_chan);
            interrupted = true;
        }
        sigset_t restore = me->real_blocked;
        me->real_blocked = 0;
        set_current_blocked(restore); /* what it unblocked goes to others */
        sig = dequeue_signal_mask(me, these, &info);
    }
    if (!sig)
        return interrupted ? -EINTR : -EAGAIN;
    if (uinfo && copy_to_user(uinfo, &info, sizeof(info)))
        return -EFAULT;
    return sig;
}

noinline long sys_nanosleep(const struct __kernel_timespec __user *rqtp,
                            struct __kernel_timespec __user *rmtp)
{
    struct __kernel_timespec t;
    if (copy_from_user(&t, rqtp, sizeof(t)))
        return -EFAULT;
    if (!timespec_valid(&t))
        return -EINVAL;
    return do_nanosleep(clockid_to_kclock(CLOCK_MONOTONIC), 0, &t, (u64)rmtp);
}

noinline long sys_clock_nanosleep(long which_clock, long flags,
                                  const struct __kernel_timespec __user *rqtp,
                                  struct __kernel_timespec __user *rmtp)
{
    struct kclock kc = clockid_to_kclock(which_clock);
    if (kc.kind == CK_NONE)
        return -EINVAL;
    if (!kc.can_sleep)
        return -EOPNOTSUPP;
    struct __kernel_timespec t;
    if (copy_from_user(&t, rqtp, sizeof(t)))
        return -EFAULT;
    if (!timespec_valid(&t))
        return -EINVAL;
    if (kc.kind == CK_THREAD_CPUTIME)
        return -EINVAL; /* posix_cpu_nsleep: a thread cannot wait for its own clock */
    return do_nanosleep(kc, flags, &t, (u64)rmtp);
}

/* sysinfo() reports the uptime. */
s64 guest_uptime_ns(void)
{
    return boot_ns;
}

/* The boot counter as it stands, without a look that moves it. */
s64 current_boot_ns(void)
{
    return boot_ns;
}

/* restart_syscall: what an interrupted call left to do (nanosleep's rest),
 * or EINTR if nothing. */
noinline long sys_restart_syscall(void)
{
    struct restart_block *rb = &current->restart_block;
    return rb->fn ? rb->fn(rb) : -EINTR;
}
