/*
 * kill, tkill and tgkill: a signal from one task to another, with the
 * sender's siginfo (SI_USER, SI_TKILL), and which thread of a process
 * takes a signal sent to the whole process. Sending itself is signal.c's.
 */
#include "sched.h"
#include "syscalls.h"

/* A thread that can take a process's signal now: alive, not blocking it. */
static bool wants_signal(struct task_struct *t, int sig)
{
    return t->in_use && !t->exit_state && t->state != TASK_DEAD && !(t->blocked & sigmask(sig));
}

static bool thread_alive(struct task_struct *t)
{
    return t->in_use && !t->exit_state && t->state != TASK_DEAD;
}

/*
 * Which thread a signal to process p (kill, a child's SIGCHLD) goes to:
 * Linux queues it for the whole thread group and complete_signal picks the
 * main thread if it can take it, else another thread that can. This kernel
 * has no shared queue: the chosen thread's own queue holds it. With no
 * thread free to take it now, it waits with the main thread, or, when the
 * main thread has already exited (pthread_exit in main), with the first
 * live thread, which takes it once it unblocks it.
 */
struct task_struct *signal_target(int sig, struct task_struct *p)
{
    struct task_struct *leader = p->group_leader, *t;
    if (!valid_signal(sig) || !sig || wants_signal(leader, sig))
        return leader;
    for_each_task(t) if (t->group_leader == leader && wants_signal(t, sig)) return t;
    if (thread_alive(leader))
        return leader;
    for_each_task(t) if (t->group_leader == leader && thread_alive(t)) return t;
    return leader;
}

int group_send_signal(int sig, const siginfo_t *info, struct task_struct *p)
{
    return send_signal(sig, info, signal_target(sig, p));
}

static int send_checked(int sig, siginfo_t *info, struct task_struct *t)
{
    if (!valid_signal(sig))
        return -EINVAL;
    if (sig == 0)
        return 0; /* only "may I signal it?", and root may */
    return send_signal(sig, info, t);
}

/* kill: a signal for t's whole process (kill_pid_info, PIDTYPE_TGID),
 * taken by whichever of its threads can (signal_target), even when the
 * main thread has exited. */
static int send_checked_group(int sig, siginfo_t *info, struct task_struct *t)
{
    if (!valid_signal(sig))
        return -EINVAL;
    if (sig == 0)
        return 0;
    return group_send_signal(sig, info, t);
}

static void fill_user_info(siginfo_t *info, int sig, int code)
{
    memset(info, 0, sizeof(*info));
    info->si_signo = sig;
    info->si_code = code;
    info->fields.kill.pid = current->tgid;
    info->fields.kill.uid = 0;
}

/* Every process but init and the caller's own (kill(-1)); the kworker
 * counts, as Linux's kernel threads do, and ignores it. */
static int kill_everybody(int sig, siginfo_t *info)
{
    struct task_struct *t;
    int ret = 0, count = 0;
    for_each_task(t)
    {
        if (t->group_leader != t || t->pid <= 1 || t == current->group_leader ||
            t->exit_state == EXIT_DEAD)
            continue;
        int err = (t->exit_state && valid_signal(sig)) ? 0 : send_checked_group(sig, info, t);
        count++;
        if (err != -EPERM)
            ret = err;
    }
    return count ? ret : -ESRCH;
}

noinline long sys_kill(long upid, long sig)
{
    siginfo_t info;
    int pid = (int)upid;
    fill_user_info(&info, (int)sig, SI_USER);
    if (pid > 0) {
        struct task_struct *t = find_task_by_pid(pid);
        return t ? send_checked_group((int)sig, &info, t) : -ESRCH;
    }
    if (pid == -2147483647 - 1)
        return -ESRCH; /* INT_MIN: -pid would overflow */
    if (pid == -1)
        return kill_everybody((int)sig, &info);
    /* 0: the caller's own group; -pgid: that group. */
    s32 pgid = pid ? -pid : current->group_leader->pgid;
    return kill_pgrp(pgid, (int)sig, &info, send_checked_group);
}

static long do_tkill(long tgid, long pid, long sig)
{
    siginfo_t info;
    fill_user_info(&info, (int)sig, SI_TKILL);
    struct task_struct *t = find_task_by_pid(pid);
    if (!t || (tgid > 0 && t->tgid != tgid))
        return -ESRCH;
    return send_checked((int)sig, &info, t);
}

noinline long sys_tkill(long pid, long sig)
{
    if (pid <= 0)
        return -EINVAL;
    return do_tkill(0, pid, sig);
}

noinline long sys_tgkill(long tgid, long pid, long sig)
{
    if (pid <= 0 || tgid <= 0)
        return -EINVAL;
    return do_tkill(tgid, pid, sig);
}
