/*
 * Process groups and sessions: setpgid, getpgid, getpgrp, setsid, getsid,
 * the signals kill sends to a whole group, and the orphaned groups of
 * POSIX job control, with the rules of Linux's kernel/sys.c and
 * kernel/exit.c.
 *
 * A process's group and session are numbers kept in its leader (Linux
 * links the task to a struct pid of each type). A group exists while a
 * process that has not been reaped names it. init (pid 1) leads session 1
 * and group 1; a fork's child is in its parent's group and session.
 *
 * A group is orphaned when no member has a parent in another group of the
 * same session: nobody is left there to resume a stopped member. A
 * parent that is init does not count. There, SIGTSTP, SIGTTIN and SIGTTOU
 * do nothing by default, and a group that becomes orphaned while a member
 * is stopped gets SIGHUP and then SIGCONT.
 */
#include "sched.h"
#include "signal.h"
#include "syscalls.h"

/* A process (its leader) that has not been reaped yet. */
static bool is_process(struct task_struct *t)
{
    return t->group_leader == t && t->exit_state != EXIT_DEAD && !t->kthread_fn;
}

static bool in_group(struct task_struct *t, s32 pgid)
{
    return is_process(t) && t->pgid == pgid;
}

/* Does any process name this group? (Linux: pid_task(pgrp, PIDTYPE_PGID).)
 * Its session, through *sid. */
static bool group_exists(s32 pgid, s32 *sid)
{
    struct task_struct *t;
    for_each_task(t)
    {
        if (in_group(t, pgid)) {
            if (sid)
                *sid = t->sid;
            return true;
        }
    }
    return false;
}

noinline long sys_setpgid(long upid, long upgid)
{
    struct task_struct *leader = current->group_leader;
    int pid = (int)upid, pgid = (int)upgid;
    if (!pid)
        pid = leader->pid;
    if (!pgid)
        pgid = pid;
    if (pgid < 0)
        return -EINVAL;
    struct task_struct *p = find_task_by_pid(pid);
    if (!p || p->kthread_fn)
        return -ESRCH;
    if (p->group_leader != p)
        return -EINVAL; /* a thread that leads no process */
    if (p->parent == leader) {
        /* A child of ours: only in our session, and only until it execs. */
        if (p->sid != leader->sid)
            return -EPERM;
        if (!p->fork_noexec)
            return -EACCES;
    } else if (p != leader) {
        return -ESRCH;
    }
    if (p->session_leader)
        return -EPERM;
    if (pgid != pid) {
        s32 sid;
        if (!group_exists(pgid, &sid) || sid != leader->sid)
            return -EPERM; /* no such group in our session */
    }
    p->pgid = pgid;
    return 0;
}

/* The group or the session of the process of any thread (0: the caller). */
static long group_or_session(long upid, bool session)
{
    int pid = (int)upid;
    struct task_struct *p = pid ? find_task_by_pid(pid) : current;
    if (!p)
        return -ESRCH;
    return session ? p->group_leader->sid : p->group_leader->pgid;
}

noinline long sys_getpgid(long upid)
{
    return group_or_session(upid, false);
}

noinline long sys_getpgrp(void)
{
    return group_or_session(0, false);
}

noinline long sys_getsid(long upid)
{
    return group_or_session(upid, true);
}

/* A new session and group, both named after the caller's pid; not for a
 * session leader, nor while a group of that number exists (the caller
 * leads a group, or one outlived its leader). */
noinline long sys_setsid(void)
{
    struct task_struct *leader = current->group_leader;
    if (leader->session_leader || group_exists(leader->pid, NULL))
        return -EPERM;
    leader->session_leader = true;
    leader->sid = leader->pid;
    leader->pgid = leader->pid;
    return leader->pid;
}

/* fork: a new process starts in its parent's group and session, leading
 * neither, and may have its group set by its parent until it execs. (A
 * new thread's copy goes unread: a process's are its leader's.) */
void pgrp_fork(struct task_struct *p, struct task_struct *parent_leader)
{
    p->pgid = parent_leader->pgid;
    p->sid = parent_leader->sid;
    p->session_leader = false;
    p->fork_noexec = true;
}

/* Signal every process of the group: 0 if one took it, else the last
 * error, -ESRCH for an empty group (__kill_pgrp_info). `send` checks the
 * signal number per process, as group_send_sig_info does; a zombie takes
 * any valid signal and nothing happens. */
int kill_pgrp(s32 pgid, int sig, siginfo_t *info,
              int (*send)(int sig, siginfo_t *info, struct task_struct *t))
{
    struct task_struct *t;
    int ret = -ESRCH;
    for_each_task(t)
    {
        if (!in_group(t, pgid))
            continue;
        int err = (t->exit_state && valid_signal(sig)) ? 0 : send(sig, info, t);
        if (ret)
            ret = err;
    }
    return ret;
}

static int send_priv(int sig, siginfo_t *info, struct task_struct *t)
{
    return group_send_signal(sig, info, t);
}

/* Would the group be orphaned without `ignored`? A member's parent in
 * another group of the same session holds it together, unless that
 * parent is init (will_become_orphaned_pgrp). */
static bool will_become_orphaned(s32 pgid, struct task_struct *ignored)
{
    struct task_struct *p;
    for_each_task(p)
    {
        if (!in_group(p, pgid) || p == ignored || p->exit_state)
            continue;
        struct task_struct *parent = p->parent;
        if (!parent || parent == child_reaper)
            continue;
        if (parent->pgid != pgid && parent->sid == p->sid)
            return false;
    }
    return true;
}

bool is_current_pgrp_orphaned(void)
{
    return will_become_orphaned(current->group_leader->pgid, NULL);
}

static bool has_stopped_jobs(s32 pgid)
{
    struct task_struct *p;
    for_each_task(p)
    {
        if (in_group(p, pgid) && (p->signal_flags & SIGNAL_STOP_STOPPED))
            return true;
    }
    return false;
}

/*
 * A process ends (parent NULL: tsk is the one ending) or loses its parent
 * (parent: the one ending, tsk its child, already given to init): if that
 * was the last link of tsk's group to the rest of its session and a member
 * is stopped, the group gets SIGHUP, then SIGCONT (kill_orphaned_pgrp).
 */
void kill_orphaned_pgrp(struct task_struct *tsk, struct task_struct *parent)
{
    struct task_struct *ignored = tsk;
    if (!parent)
        parent = tsk->parent;
    else
        ignored = NULL;
    if (!parent || parent->pgid == tsk->pgid || parent->sid != tsk->sid)
        return;
    if (!will_become_orphaned(tsk->pgid, ignored) || !has_stopped_jobs(tsk->pgid))
        return;
    siginfo_t info;
    memset(&info, 0, sizeof(info));
    info.si_code = SI_KERNEL;
    info.si_signo = SIGHUP;
    kill_pgrp(tsk->pgid, SIGHUP, &info, send_priv);
    info.si_signo = SIGCONT;
    kill_pgrp(tsk->pgid, SIGCONT, &info, send_priv);
}
