/*
 * POSIX interval timers (timer_create and its calls), on the guest's
 * deterministic clock (time.c): a timer expires when the clock passes its
 * expiry, whether a look at the clock, a sleep's end, the timer tick or
 * the scheduler's jump to the next expiry (nothing else can run) moves it.
 *
 * As kernel/time/posix-timers.c: each timer has one siginfo instance of
 * its own (SI_TIMER, its id, sigev_value), charged to RLIMIT_SIGPENDING
 * while the timer exists. An interval timer whose signal is queued stands
 * still until the signal is taken; taking it runs the timer again past
 * the present (hrtimer_forward) and the intervals skipped are the
 * overrun (si_overrun, timer_getoverrun). As since Linux 6.13, a signal
 * queued before the timer was set again or deleted is dropped when taken
 * (it_signal_seq). A timer whose signal is ignored keeps its interval (at
 * least a tick), as up to 6.12. SIGEV_NONE timers never signal;
 * timer_gettime moves them on.
 */
#include <slowpath/vvar.h>

#include "sched.h"
#include "syscalls.h"
#include "uaccess.h"

#define EOPNOTSUPP 95
#define TIMER_ABSTIME 1
#define SIGEV_SIGNAL 0
#define SIGEV_NONE 1
#define SIGEV_THREAD 2
#define SIGEV_THREAD_ID 4
/* it_status */
#define TIMER_DISARMED 0
#define TIMER_ARMED 1
#define TIMER_REQUEUE_PENDING 2 /* its signal is queued; taking it runs it again */
#define INT_MAX 0x7fffffff
#define KTIME_MAX 0x7fffffffffffffffLL

/* Timers of all processes: past this many, timer_create gives EAGAIN. */
#define NR_POSIX_TIMERS 64

/* struct sigevent as user space passes it (64 bytes). */
struct sigevent {
    u64 sigev_value;
    s32 sigev_signo;
    s32 sigev_notify;
    s32 sigev_notify_thread_id;
    s32 pad[11];
};

struct itimerspec {
    struct __kernel_timespec it_interval;
    struct __kernel_timespec it_value;
};

struct k_itimer {
    bool in_use;
    struct task_struct *owner; /* the leader of its process (it_signal) */
    s32 id;
    long clock;
    int notify;                /* SIGEV_* */
    struct task_struct *to;    /* SIGEV_THREAD_ID: the thread, else NULL */
    s32 to_pid;
    siginfo_t info;            /* what its signal carries */
    int status;                /* TIMER_* */
    s64 expires;               /* on the boot counter */
    s64 interval;
    s64 overrun, overrun_last; /* it_overrun, it_overrun_last */
    u32 signal_seq;            /* each setting and rearm: a signal queued before is stale */
};

static struct k_itimer timers[NR_POSIX_TIMERS];

/* hrtimer_forward: move the expiry past `now` by whole intervals; how many. */
static s64 timer_forward(struct k_itimer *t, s64 now)
{
    s64 delta = now - t->expires, interval = t->interval, orun = 1;
    if (delta < 0)
        return 0;
    if (interval < 1)
        interval = 1;
    if (delta >= interval) {
        orun = delta / interval;
        t->expires += interval * orun;
        if (t->expires > now)
            return orun;
        orun++;
    }
    t->expires += interval;
    return orun;
}

static int overrun_to_int(const struct k_itimer *t)
{
    return t->overrun_last > INT_MAX ? INT_MAX : (int)t->overrun_last;
}

/* posix_timer_fn: the timer expired; its signal goes to the thread named,
 * or to its process (taken first by current, if current is of it). */
static void timer_fire(int slot)
{
    struct k_itimer *t = &timers[slot];
    t->status = t->interval ? TIMER_REQUEUE_PENDING : TIMER_DISARMED;
    t->info.fields.timer.sys_private = (s32)t->signal_seq;
    int ret;
    if (t->to) {
        bool alive = t->to->in_use && t->to->pid == t->to_pid && !t->to->exit_state;
        ret = alive ? send_timer_signal(slot, &t->info, t->to, false) : -1;
    } else {
        struct task_struct *p = current->group_leader == t->owner ? current : t->owner;
        ret = send_timer_signal(slot, &t->info, p, true);
    }
    if (ret > 0 && t->interval) {
        /* Ignored: run again, at least a tick on, in case a handler comes. */
        s64 now = current_boot_ns();
        if (t->interval < SP_TICK_NSEC)
            now += SP_TICK_NSEC;
        t->overrun += timer_forward(t, now);
        t->status = TIMER_ARMED;
    }
}

static bool signals_on_expiry(const struct k_itimer *t)
{
    return t->in_use && t->status == TIMER_ARMED && t->notify != SIGEV_NONE;
}

/* The clock has reached `now`: the timers due fire, the earliest first. */
void posix_timers_expire(s64 now)
{
    for (;;) {
        int first = -1;
        for (int i = 0; i < NR_POSIX_TIMERS; i++)
            if (signals_on_expiry(&timers[i]) && timers[i].expires <= now &&
                (first < 0 || timers[i].expires < timers[first].expires))
                first = i;
        if (first < 0)
            return;
        timer_fire(first);
    }
}

s64 posix_timers_next_expiry(void)
{
    s64 next = 0;
    for (int i = 0; i < NR_POSIX_TIMERS; i++)
        if (signals_on_expiry(&timers[i]) && (!next || timers[i].expires < next))
            next = timers[i].expires;
    return next;
}

/* posixtimer_deliver_signal: its signal is being taken. One from before
 * the timer was set again is dropped (false); an interval timer runs
 * again, and the siginfo tells the expirations missed meanwhile. */
bool posix_timer_dequeued(int slot, siginfo_t *info)
{
    struct k_itimer *t = &timers[slot];
    if (!t->in_use || t->signal_seq != (u32)info->fields.timer.sys_private)
        return false;
    if (t->interval && t->status == TIMER_REQUEUE_PENDING) {
        t->overrun += timer_forward(t, current_boot_ns());
        t->status = TIMER_ARMED;
        t->overrun_last = t->overrun;
        t->overrun = -1;
        ++t->signal_seq;
        info->fields.timer.overrun = overrun_to_int(t);
    }
    return true;
}

/* lock_timer: the caller's process's timer of that id. */
static struct k_itimer *find_timer(long timer_id)
{
    int id = (int)timer_id;
    if (id < 0)
        return NULL;
    for (int i = 0; i < NR_POSIX_TIMERS; i++)
        if (timers[i].in_use && timers[i].id == id && timers[i].owner == current->group_leader)
            return &timers[i];
    return NULL;
}

/* good_sigevent: what the event names exists and is the caller's. */
static bool good_sigevent(const struct sigevent *ev, struct task_struct **to)
{
    *to = NULL;
    switch (ev->sigev_notify) {
    case SIGEV_SIGNAL | SIGEV_THREAD_ID:
        *to = find_task_by_pid(ev->sigev_notify_thread_id);
        if (!*to || (*to)->group_leader != current->group_leader)
            return false;
        /* fallthrough */
    case SIGEV_SIGNAL:
    case SIGEV_THREAD:
        return ev->sigev_signo > 0 && ev->sigev_signo <= _NSIG;
    case SIGEV_NONE:
        return true;
    default:
        return false;
    }
}

static void timer_free(struct k_itimer *t)
{
    sigqueue_disown_timer((int)(t - timers)); /* queued, it is dropped when taken */
    sigqueue_uncharge();
    t->in_use = false;
}

/* do_timer_create, in its order: the clock, room (EAGAIN), the id, the
 * event (EINVAL), the copy out (EFAULT; the id is spent). */
static long do_timer_create(long which_clock, const struct sigevent *ev, s32 __user *created)
{
    s64 offset;
    long err = timer_clock_offset(which_clock, &offset);
    if (err)
        return err;
    struct k_itimer *t = NULL;
    for (int i = 0; i < NR_POSIX_TIMERS && !t; i++)
        if (!timers[i].in_use)
            t = &timers[i];
    if (!t || !sigqueue_charge())
        return -EAGAIN;
    struct task_struct *leader = current->group_leader;
    memset(t, 0, sizeof(*t));
    t->in_use = true;
    t->owner = leader;
    t->id = leader->next_timer_id;
    leader->next_timer_id = (leader->next_timer_id + 1) & INT_MAX;
    t->clock = which_clock;
    t->overrun = -1;
    if (ev) {
        if (!good_sigevent(ev, &t->to)) {
            timer_free(t);
            return -EINVAL;
        }
        t->to_pid = t->to ? t->to->pid : 0;
        t->notify = ev->sigev_notify;
        t->info.si_signo = ev->sigev_signo;
        t->info.fields.timer.value = ev->sigev_value;
    } else {
        t->notify = SIGEV_SIGNAL;
        t->info.si_signo = SIGALRM;
        t->info.fields.timer.value = (u64)(u32)t->id;
    }
    t->info.si_code = SI_TIMER;
    t->info.fields.timer.tid = t->id;
    if (copy_to_user(created, &t->id, sizeof(t->id))) {
        timer_free(t);
        return -EFAULT;
    }
    return 0;
}

noinline long sys_timer_create(long which_clock, const struct sigevent __user *uevent,
                               s32 __user *created_timer_id)
{
    struct sigevent ev;
    if (!uevent)
        return do_timer_create(which_clock, NULL, created_timer_id);
    if (copy_from_user(&ev, uevent, sizeof(ev)))
        return -EFAULT;
    return do_timer_create(which_clock, &ev, created_timer_id);
}

/* common_timer_get: the interval, and the time left (an expired signal
 * timer reads 1 ns; moved on first when its signal waits or it signals
 * nothing). */
static void timer_get(struct k_itimer *t, struct itimerspec *cur)
{
    memset(cur, 0, sizeof(*cur));
    bool sig_none = t->notify == SIGEV_NONE;
    if (t->interval)
        cur->it_interval = ns_to_timespec(t->interval);
    else if (t->status == TIMER_DISARMED)
        return;
    s64 now = clock_read_boot_ns();
    if (t->interval && (t->status == TIMER_REQUEUE_PENDING || sig_none))
        t->overrun += timer_forward(t, now);
    s64 remaining = t->expires - now;
    if (remaining <= 0) {
        if (!sig_none)
            cur->it_value.tv_nsec = 1;
    } else {
        cur->it_value = ns_to_timespec(remaining);
    }
}

noinline long sys_timer_gettime(long timer_id, struct itimerspec __user *setting)
{
    struct k_itimer *t = find_timer(timer_id);
    if (!t)
        return -EINVAL;
    struct itimerspec cur;
    timer_get(t, &cur);
    return copy_to_user(setting, &cur, sizeof(cur)) ? -EFAULT : 0;
}

/* common_timer_set: disarm, then arm with the new setting (relative to
 * now, or at a time of the timer's clock with TIMER_ABSTIME). */
static void timer_set(struct k_itimer *t, int flags, const struct itimerspec *new_setting)
{
    bool zero = !new_setting->it_value.tv_sec && !new_setting->it_value.tv_nsec;
    t->status = TIMER_DISARMED;
    t->interval = zero ? 0 : timespec_to_ns(&new_setting->it_interval);
    t->signal_seq++; /* a signal still queued from before is stale */
    t->overrun_last = 0;
    t->overrun = -1;
    if (zero)
        return;
    s64 now = clock_read_boot_ns();
    s64 value = timespec_to_ns(&new_setting->it_value), offset = 0;
    if (flags & TIMER_ABSTIME) {
        timer_clock_offset(t->clock, &offset);
        t->expires = value - offset;
    } else {
        t->expires = value > KTIME_MAX - now ? KTIME_MAX : now + value;
    }
    t->status = TIMER_ARMED;
    posix_timers_expire(current_boot_ns()); /* one already due fires now */
}

noinline long sys_timer_settime(long timer_id, long flags,
                                const struct itimerspec __user *new_setting,
                                struct itimerspec __user *old_setting)
{
    struct itimerspec new_spec, old_spec;
    if (!new_setting)
        return -EINVAL;
    if (copy_from_user(&new_spec, new_setting, sizeof(new_spec)))
        return -EFAULT;
    if (!timespec_valid(&new_spec.it_interval) || !timespec_valid(&new_spec.it_value))
        return -EINVAL;
    struct k_itimer *t = find_timer(timer_id);
    if (!t)
        return -EINVAL;
    if (old_setting)
        timer_get(t, &old_spec);
    timer_set(t, (int)flags, &new_spec);
    if (old_setting && copy_to_user(old_setting, &old_spec, sizeof(old_spec)))
        return -EFAULT;
    return 0;
}

noinline long sys_timer_getoverrun(long timer_id)
{
    struct k_itimer *t = find_timer(timer_id);
    if (!t)
        return -EINVAL;
    return overrun_to_int(t);
}

noinline long sys_timer_delete(long timer_id)
{
    struct k_itimer *t = find_timer(timer_id);
    if (!t)
        return -EINVAL;
    timer_free(t);
    return 0;
}

/* exit_itimers: exec, or the end of the process, deletes its timers. */
void exit_itimers(struct task_struct *leader)
{
    for (int i = 0; i < NR_POSIX_TIMERS; i++)
        if (timers[i].in_use && timers[i].owner == leader)
            timer_free(&timers[i]);
}
