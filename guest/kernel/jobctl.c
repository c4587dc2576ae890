/*
 * Job control: a stop signal whose action is the default stops the whole
 * process (a group stop), SIGCONT ends it, and the parent hears of both,
 * by SIGCHLD (CLD_STOPPED, CLD_CONTINUED) and in wait4/waitid (WUNTRACED,
 * WCONTINUED), each reported once. As kernel/signal.c does it: the thread
 * that takes the signal marks every other thread of its process with a
 * pending stop and wakes it; each stops at its own way out to user mode,
 * and the last one to stop tells the parent. A traced thread stops for
 * its tracer instead (ptrace_group_stop), as a stop the tracer sees.
 *
 * The state of the process is kept in its leader (Linux: signal_struct).
 * In an orphaned process group (pgrp.c) SIGTSTP, SIGTTIN and SIGTTOU do
 * not stop anyone (their default action is then to do nothing). SIGSTOP
 * does.
 */
#include "sched.h"
#include "signal.h"

#define SA_NOCLDSTOP 1
#define STOP_SIGNALS (sigmask(SIGSTOP) | sigmask(SIGTSTP) | sigmask(SIGTTIN) | sigmask(SIGTTOU))

static bool same_group(struct task_struct *t, struct task_struct *leader)
{
    return t->group_leader == leader && !t->exit_state && t->state != TASK_DEAD;
}

/* SIGCHLD to the parent of tsk's process (or to its tracer): what became
 * of it, unless the parent said it does not care for stops (SA_NOCLDSTOP,
 * or SIGCHLD ignored); the parent's wait is woken in any case. */
void do_notify_parent_cldstop(struct task_struct *tsk, bool for_ptracer, int why)
{
    struct task_struct *parent;
    if (for_ptracer) {
        parent = tsk->tracer ? tsk->tracer->group_leader : NULL;
    } else {
        tsk = tsk->group_leader;
        parent = tsk->parent;
    }
    if (!parent)
        return;
    siginfo_t info;
    memset(&info, 0, sizeof(info));
    info.si_signo = SIGCHLD;
    info.si_code = why;
    info.fields.chld.pid = tsk->pid;
    if (why == CLD_CONTINUED)
        info.fields.chld.status = SIGCONT;
    else if (why == CLD_STOPPED)
        info.fields.chld.status = tsk->group_leader->group_stop_code & 0x7f;
    else
        info.fields.chld.status = (tsk->ptrace_stop_status >> 8) & 0x7f;
    struct k_sigaction *ka = sig_action(parent, SIGCHLD);
    if (ka->handler != SIG_IGN && !(ka->flags & SA_NOCLDSTOP))
        group_send_signal(SIGCHLD, &info, parent);
    wake_up_chan(parent);
}

/* fork: a new thread or process takes part in no group stop (a thread of
 * a stopping process is asked to by the next stop, as in Linux); a new
 * process is in the caller's process group and session (pgrp.c). */
void jobctl_init_task(struct task_struct *p)
{
    pgrp_fork(p, current->group_leader);
    p->signal_flags = 0;
    p->group_stop_code = 0;
    p->group_stop_count = 0;
    p->jobctl_stop_sig = 0;
    p->last_siginfo_none = false;
}

/* The thread takes part in the group stop it was asked to join. True when
 * it was the last: the process is stopped now (task_participate_group_stop). */
bool jobctl_participate(struct task_struct *t)
{
    struct task_struct *leader = t->group_leader;
    bool consume = t->jobctl & JOBCTL_STOP_CONSUME;
    if (!(t->jobctl & JOBCTL_STOP_PENDING))
        return false;
    t->jobctl &= ~(JOBCTL_STOP_PENDING | JOBCTL_STOP_CONSUME);
    if (!consume)
        return false;
    if (leader->group_stop_count)
        leader->group_stop_count--;
    if (leader->group_stop_count || (leader->signal_flags & SIGNAL_STOP_STOPPED))
        return false;
    leader->signal_flags = (leader->signal_flags & ~SIGNAL_STOP_MASK) | SIGNAL_STOP_STOPPED;
    return true;
}

/* Is t's process in a group stop, or on its way to one? */
bool group_stop_active(struct task_struct *t)
{
    struct task_struct *leader = t->group_leader;
    return leader->group_stop_count || (leader->signal_flags & SIGNAL_STOP_STOPPED);
}

/* A tracee let go (detached, or its tracer ended) while its process is in
 * a group stop, or on its way to one, goes back to that stop: it stops on
 * its way out, without counting again (__ptrace_unlink). */
void jobctl_untraced(struct task_struct *t)
{
    if (t->exit_state || t->state == TASK_DEAD || t->group_exiting || !group_stop_active(t))
        return;
    t->jobctl |= JOBCTL_STOP_PENDING;
    if (!t->jobctl_stop_sig)
        t->jobctl_stop_sig = SIGSTOP;
    set_tsk_thread_flag(t, TIF_SIGPENDING);
    sync_signal_state(t);
}

/* A thread of a process in a group stop ends: it no longer holds the stop
 * up (exit_signals). */
void jobctl_exit(struct task_struct *me)
{
    if (jobctl_participate(me))
        do_notify_parent_cldstop(me, false, CLD_STOPPED);
}

/*
 * The signal is about to be queued for t (prepare_signal): a stop signal
 * cancels a pending SIGCONT of the process, and SIGCONT cancels its pending
 * stop signals and ends its stop: its stopped threads run again, and the
 * first of them to get through get_signal tells the parent (CLD_CONTINUED,
 * or CLD_STOPPED for a stop that had not quite finished).
 */
void jobctl_prepare_signal(int sig, struct task_struct *t)
{
    struct task_struct *leader = t->group_leader, *u;
    if (STOP_SIGNALS & sigmask(sig)) {
        flush_signals_everywhere(t, sigmask(SIGCONT));
        return;
    }
    if (sig != SIGCONT)
        return;
    flush_signals_everywhere(t, STOP_SIGNALS);
    for_each_task(u)
    {
        if (!same_group(u, leader))
            continue;
        u->jobctl &= ~(JOBCTL_STOP_PENDING | JOBCTL_STOP_CONSUME);
        recalc_sigpending_tsk(u);
        sync_signal_state(u);
        if (u->state == TASK_STOPPED)
            wake_up_process(u);
    }
    u32 why = 0;
    if (leader->signal_flags & SIGNAL_STOP_STOPPED)
        why = SIGNAL_CLD_CONTINUED;
    else if (leader->group_stop_count)
        why = SIGNAL_CLD_STOPPED;
    if (why) {
        leader->signal_flags = why | SIGNAL_STOP_CONTINUED;
        leader->group_stop_count = 0;
        leader->group_stop_code = 0;
    }
}

/* get_signal, first of all: a SIGCONT ended a stop of this process and the
 * parent (and a tracer that is not the parent) has not heard of it yet.
 * True if this thread told it. */
bool jobctl_report_continued(void)
{
    struct task_struct *me = current, *leader = me->group_leader;
    u32 flags = leader->signal_flags & SIGNAL_CLD_MASK;
    if (!flags)
        return false;
    int why = (flags & SIGNAL_CLD_CONTINUED) ? CLD_CONTINUED : CLD_STOPPED;
    leader->signal_flags &= ~SIGNAL_CLD_MASK;
    do_notify_parent_cldstop(me, false, why);
    if (ptrace_reparented(leader))
        do_notify_parent_cldstop(leader, true, why);
    return true;
}

/*
 * A stop signal with the default action (signr), or a group stop another
 * thread began (signr 0): every thread of the process is asked to stop,
 * then this one stops (do_signal_stop). True when the caller should look
 * for signals again.
 */
bool do_signal_stop(int signr)
{
    struct task_struct *me = current, *leader = me->group_leader, *t;
    if (!(me->jobctl & JOBCTL_STOP_PENDING)) {
        if (!signr || me->group_exiting)
            return false;
        if (!(leader->signal_flags & SIGNAL_STOP_STOPPED))
            leader->group_stop_code = signr;
        leader->group_stop_count = 1;
        me->jobctl |= JOBCTL_STOP_PENDING | JOBCTL_STOP_CONSUME;
        me->jobctl_stop_sig = signr;
        for_each_task(t)
        {
            if (t == me || !same_group(t, leader) || t->state == TASK_STOPPED)
                continue;
            t->jobctl |= JOBCTL_STOP_PENDING | JOBCTL_STOP_CONSUME;
            t->jobctl_stop_sig = signr;
            leader->group_stop_count++;
            if (t->ptrace & PT_SEIZED)
                t->jobctl |= JOBCTL_TRAP_NOTIFY; /* its tracer hears of it by a trap */
            set_tsk_thread_flag(t, TIF_SIGPENDING);
            sync_signal_state(t);
            if (t->state == TASK_INTERRUPTIBLE ||
                (t->state == TASK_TRACED && (t->jobctl & JOBCTL_LISTENING)))
                wake_up_process(t);
        }
    }
    if (me->ptrace) {
        /* A tracee stops for its tracer, which sees the group stop. */
        ptrace_group_stop(me->jobctl_stop_sig);
        return true;
    }
    bool notify = jobctl_participate(me);
    me->state = TASK_STOPPED;
    recalc_sigpending();
    if (notify)
        do_notify_parent_cldstop(me, false, CLD_STOPPED);
    schedule_while_in(TASK_STOPPED); /* until SIGCONT or SIGKILL */
    return true;
}
