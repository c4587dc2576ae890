/*
 * futex: sleep until a word of user memory changes, the primitive behind
 * the C library's mutexes, condition variables and pthread_join.
 *
 * A waiter is a task with futex_queued set and its key (address space,
 * address) in futex_uaddr/futex_mm; the queue order is futex_seq. No hash
 * table: the task table is small and scanning it is what the host shows.
 * There is no timer, so a timed wait that nothing can end (every other
 * task asleep) times out at once; the guest clock is not advanced.
 */
#include "mm.h"
#include "sched.h"
#include "syscalls.h"

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_CMD_MASK (~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

static u64 futex_seq;

void futex_unqueue(struct task_struct *t)
{
    t->futex_queued = false;
}

static bool matches(struct task_struct *t, struct mm_struct *mm, u64 uaddr)
{
    return t->futex_queued && t->futex_mm == mm && t->futex_uaddr == uaddr;
}

/* The earliest waiter on the key whose bitset meets `bitset`. */
static struct task_struct *first_waiter(struct mm_struct *mm, u64 uaddr, u32 bitset)
{
    struct task_struct *best = NULL, *t;
    for_each_task(t)
    {
        if (matches(t, mm, uaddr) && (t->futex_bitset & bitset) &&
            (!best || t->futex_seq < best->futex_seq))
            best = t;
    }
    return best;
}

int futex_wake(struct mm_struct *mm, u64 uaddr, int nr, u32 bitset)
{
    int woken = 0;
    while (woken < nr) {
        struct task_struct *t = first_waiter(mm, uaddr, bitset);
        if (!t)
            break;
        futex_unqueue(t);
        wake_up_process(t);
        woken++;
    }
    return woken;
}

static int get_futex_value(u32 *val, u64 uaddr)
{
    return copy_from_user(val, (const void __user *)uaddr, 4) ? -EFAULT : 0;
}

static long futex_wait(u64 uaddr, u32 val, const struct __kernel_timespec __user *utime, u32 bitset)
{
    struct task_struct *me = current;
    if (!bitset)
        return -EINVAL;
    bool timed = false;
    if (utime) {
        struct __kernel_timespec ts;
        if (copy_from_user(&ts, utime, sizeof(ts)))
            return -EFAULT;
        if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000LL)
            return -EINVAL;
        timed = true;
        if (!ts.tv_sec && !ts.tv_nsec) {
            u32 now;
            if (get_futex_value(&now, uaddr))
                return -EFAULT;
            return now != val ? -EAGAIN : -ETIMEDOUT; /* expired before it slept */
        }
    }
    u32 cur;
    if (get_futex_value(&cur, uaddr))
        return -EFAULT;
    if (cur != val)
        return -EAGAIN; /* it changed already: no sleep */

    me->futex_uaddr = uaddr;
    me->futex_mm = me->mm;
    me->futex_bitset = bitset;
    me->futex_seq = ++futex_seq;
    me->futex_queued = true;
    for (;;) {
        me->state = TASK_INTERRUPTIBLE;
        if (!me->futex_queued)
            break; /* woken */
        if (test_thread_flag(TIF_SIGPENDING)) {
            futex_unqueue(me);
            me->state = TASK_RUNNING;
            /* Linux: -ERESTARTSYS, which a handler turns into -EINTR
             * (futex waits never restart after a handler). */
            return -EINTR;
        }
        if (!any_other_runnable()) {
            futex_unqueue(me);
            me->state = TASK_RUNNING;
            if (timed)
                return -ETIMEDOUT;
            sp_state.halt_reason = SP_HALT_DEADLOCK;
            machine_halt();
        }
        schedule();
    }
    me->state = TASK_RUNNING;
    return 0;
}

/* Move up to nr2 waiters of uaddr to uaddr2 after waking nr of them. */
static long futex_requeue(u64 uaddr, u64 uaddr2, int nr, int nr2, const u32 *cmpval)
{
    struct mm_struct *mm = current->mm;
    if (nr < 0 || nr2 < 0)
        return -EINVAL;
    if (cmpval) {
        u32 cur;
        if (get_futex_value(&cur, uaddr))
            return -EFAULT;
        if (cur != *cmpval)
            return -EAGAIN;
    }
    int done = futex_wake(mm, uaddr, nr, FUTEX_BITSET_MATCH_ANY);
    int moved = 0;
    while (moved < nr2) {
        struct task_struct *t = first_waiter(mm, uaddr, FUTEX_BITSET_MATCH_ANY);
        if (!t)
            break;
        t->futex_uaddr = uaddr2;
        moved++;
    }
    return done + moved;
}

noinline long sys_futex(u64 uaddr, long op, u64 val, u64 utime, u64 uaddr2, u64 val3)
{
    int cmd = (int)op & FUTEX_CMD_MASK;
    if (((int)op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT_BITSET)
        return -ENOSYS;
    if (uaddr & 3)
        return -EINVAL;
    /* FUTEX_WAKE counts a waiter before it compares with the number
     * asked for, so 0 (or less) still wakes one, as on Linux. */
    int nr_wake = (int)val > 0 ? (int)val : 1;
    switch (cmd) {
    case FUTEX_WAIT:
        return futex_wait(uaddr, (u32)val, (const struct __kernel_timespec __user *)utime,
                          FUTEX_BITSET_MATCH_ANY);
    case FUTEX_WAIT_BITSET:
        return futex_wait(uaddr, (u32)val, (const struct __kernel_timespec __user *)utime,
                          (u32)val3);
    case FUTEX_WAKE:
        return futex_wake(current->mm, uaddr, nr_wake, FUTEX_BITSET_MATCH_ANY);
    case FUTEX_WAKE_BITSET:
        if (!(u32)val3)
            return -EINVAL;
        return futex_wake(current->mm, uaddr, nr_wake, (u32)val3);
    case FUTEX_REQUEUE:
        return futex_requeue(uaddr, uaddr2, (int)val, (int)utime, NULL);
    case FUTEX_CMP_REQUEUE: {
        u32 cmp = (u32)val3;
        return futex_requeue(uaddr, uaddr2, (int)val, (int)utime, &cmp);
    }
    default:
        return -ENOSYS;
    }
}
