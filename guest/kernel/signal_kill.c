/*
 * kill, tkill, tgkill, rt_sigqueueinfo and rt_tgsigqueueinfo: a signal
 * from one task to a process (its shared queue) or to one thread, with the
 * sender's siginfo (SI_USER, SI_TKILL) or the one the caller wrote
 * (sigqueue's SI_QUEUE and its value). Queueing is signal_queue.c's.
 * Also pidfds: pidfd_open, and pidfd_send_signal through one.
 */
#include "fs.h"
#include "sched.h"
#include "syscalls.h"
#include "uaccess.h"

static int send_checked(int sig, siginfo_t *info, struct task_struct *t)
{
    if (!valid_signal(sig))
        return -EINVAL;
    if (sig == 0)
        return 0; /* only "may I signal it?", and root may */
    return send_signal(sig, info, t);
}

/* kill: a signal for t's whole process (kill_pid_info, PIDTYPE_TGID),
 * taken by whichever of its threads can, even when the main thread has
 * exited; t is the one tried first. */
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

/* To thread pid, of process tgid unless tgid is 0 (do_send_specific). */
static long send_specific(long tgid, long pid, long sig, siginfo_t *info)
{
    struct task_struct *t = find_task_by_pid(pid);
    if (!t || (tgid > 0 && t->tgid != tgid))
        return -ESRCH;
    return send_checked((int)sig, info, t);
}

static long do_tkill(long tgid, long pid, long sig)
{
    siginfo_t info;
    fill_user_info(&info, (int)sig, SI_TKILL);
    return send_specific(tgid, pid, sig, &info);
}

/* The ids are pid_t (int): the register's upper half does not count. */
noinline long sys_tkill(long pid, long sig)
{
    if ((int)pid <= 0)
        return -EINVAL;
    return do_tkill(0, (int)pid, sig);
}

noinline long sys_tgkill(long tgid, long pid, long sig)
{
    if ((int)pid <= 0 || (int)tgid <= 0)
        return -EINVAL;
    return do_tkill((int)tgid, (int)pid, sig);
}

/* Does the kernel know how to copy a siginfo of this code? For one it does
 * not, the caller's bytes past the kernel's part must be zero
 * (known_siginfo_layout). */
static bool known_siginfo_layout(int sig, int code)
{
    static const u8 code_limit[] = {[SIGILL] = 11, [SIGFPE] = 15, [SIGSEGV] = 10, [SIGBUS] = 5,
                                    [SIGTRAP] = 6, [SIGCHLD] = 6, [SIGPOLL] = 6,  [SIGSYS] = 2};
    if (code == SI_KERNEL)
        return true;
    if (code > SI_USER) {
        if (sig > 0 && sig < (int)sizeof(code_limit) && code_limit[sig])
            return code <= code_limit[sig];
        return code <= code_limit[SIGPOLL];
    }
    return code >= SI_DETHREAD || code == SI_ASYNCNL;
}

/* __copy_siginfo_from_user: the kernel's part of the caller's siginfo
 * (the rest reads as zero to whoever takes it), numbered sig; sig < 0
 * keeps the caller's number (copy_siginfo_from_user). */
static long siginfo_from_user(int sig, siginfo_t *info, const siginfo_t __user *uinfo)
{
    memset(info, 0, sizeof(*info));
    if (copy_from_user(info, uinfo, SI_KERNEL_BYTES))
        return -EFAULT;
    if (sig >= 0)
        info->si_signo = sig;
    if (known_siginfo_layout(info->si_signo, info->si_code))
        return 0;
    u8 rest[sizeof(siginfo_t) - SI_KERNEL_BYTES];
    if (copy_from_user(rest, (const u8 __user *)uinfo + SI_KERNEL_BYTES, sizeof(rest)))
        return -EFAULT;
    for (size_t i = 0; i < sizeof(rest); i++)
        if (rest[i])
            return -E2BIG;
    return 0;
}

/* Only the kernel sends with a code >= 0, and only kill/tgkill with
 * SI_TKILL; a task may still queue those to itself. */
static bool may_claim_code(const siginfo_t *info, long pid)
{
    return (info->si_code < 0 && info->si_code != SI_TKILL) || (int)pid == current->pid;
}

/* sigqueue(): to a process, with the caller's siginfo. */
noinline long sys_rt_sigqueueinfo(long pid, long sig, siginfo_t __user *uinfo)
{
    siginfo_t info;
    long err = siginfo_from_user((int)sig, &info, uinfo);
    if (err)
        return err;
    if (!may_claim_code(&info, pid))
        return -EPERM;
    struct task_struct *t = (int)pid > 0 ? find_task_by_pid((int)pid) : NULL;
    return t ? send_checked_group((int)sig, &info, t) : -ESRCH;
}

/* pthread_sigqueue: to one thread, with the caller's siginfo. */
noinline long sys_rt_tgsigqueueinfo(long tgid, long pid, long sig, siginfo_t __user *uinfo)
{
    siginfo_t info;
    long err = siginfo_from_user((int)sig, &info, uinfo);
    if (err)
        return err;
    if ((int)pid <= 0 || (int)tgid <= 0)
        return -EINVAL;
    if (!may_claim_code(&info, pid))
        return -EPERM;
    return send_specific((int)tgid, (int)pid, sig, &info);
}

/* ---- pidfds --------------------------------------------------------------------------- */

#define O_EXCL 00000200
#define O_NONBLOCK 00004000
#define PIDFD_NONBLOCK O_NONBLOCK
#define PIDFD_THREAD O_EXCL /* the pidfd names a thread, not its process */
#define PIDFD_SIGNAL_THREAD 1
#define PIDFD_SIGNAL_THREAD_GROUP 2
#define PIDFD_SIGNAL_PROCESS_GROUP 4
#define POLLIN 0x0001
#define POLLHUP 0x0010
#define POLLRDNORM 0x0040
#define ENOENT 2

/* A pidfd holds the pid (f->handle); the task is looked up at each use, as
 * pid numbers are never given twice here. */
noinline long sys_pidfd_open(long upid, long uflags)
{
    int pid = (int)upid;
    u32 flags = (u32)uflags;
    if (flags & ~(u32)(PIDFD_NONBLOCK | PIDFD_THREAD))
        return -EINVAL;
    if (pid <= 0)
        return -EINVAL;
    struct task_struct *t = find_task_by_pid(pid);
    if (!t)
        return -ESRCH;
    if (!(flags & PIDFD_THREAD) && t->group_leader != t)
        return -ENOENT; /* a thread's pid names no process */
    return anon_inode_getfd(FILE_PIDFD, (u64)pid, flags, true); /* always close-on-exec */
}

/* pidfd_get_pid: the pid a pidfd names and its file's flags; EBADF for a
 * descriptor that is not open or no pidfd. */
long pidfd_get_pid(long ufd, u32 *f_flags)
{
    int fd = (int)ufd;
    if (fd < 0 || fd >= NR_OPEN || current->files->fd[fd].kind != FILE_PIDFD)
        return -EBADF;
    *f_flags = current->files->fd[fd].flags;
    return (long)current->files->fd[fd].handle;
}

/* pidfd_poll: readable once the process (or the thread) has ended; and
 * hung up once it is reaped. */
u32 pidfd_poll(struct file *f)
{
    struct task_struct *t = find_task_by_pid((long)f->handle);
    if (!t)
        return POLLIN | POLLRDNORM | POLLHUP;
    return t->exit_state ? POLLIN | POLLRDNORM : 0;
}

/* The scope of a pidfd's signal: its thread, its process, or the process
 * group that bears its number. */
enum { SCOPE_PID, SCOPE_TGID, SCOPE_PGID };

static int pidfd_scope(u32 f_flags, u32 flags)
{
    if (flags == PIDFD_SIGNAL_THREAD)
        return SCOPE_PID;
    if (flags == PIDFD_SIGNAL_THREAD_GROUP)
        return SCOPE_TGID;
    if (flags == PIDFD_SIGNAL_PROCESS_GROUP)
        return SCOPE_PGID;
    return (f_flags & PIDFD_THREAD) ? SCOPE_PID : SCOPE_TGID;
}

noinline long sys_pidfd_send_signal(long pidfd, long usig, siginfo_t __user *uinfo, long uflags)
{
    u32 flags = (u32)uflags, f_flags;
    int sig = (int)usig;
    const u32 all = PIDFD_SIGNAL_THREAD | PIDFD_SIGNAL_THREAD_GROUP | PIDFD_SIGNAL_PROCESS_GROUP;
    u32 scope_flags = flags & all;
    if ((flags & ~all) || (scope_flags & (scope_flags - 1))) /* one scope at most */
        return -EINVAL;
    long pid_or_err = pidfd_get_pid(pidfd, &f_flags);
    if (pid_or_err < 0)
        return pid_or_err;
    int pid = (int)pid_or_err, scope = pidfd_scope(f_flags, flags);
    siginfo_t info;
    if (uinfo) {
        long err = siginfo_from_user(-1, &info, uinfo);
        if (err)
            return err;
        if (info.si_signo != sig)
            return -EINVAL;
        if ((pid != current->pid || scope == SCOPE_PGID) &&
            (info.si_code >= 0 || info.si_code == SI_TKILL))
            return -EPERM;
    } else {
        fill_user_info(&info, sig, scope == SCOPE_PID ? SI_TKILL : SI_USER);
    }
    if (scope == SCOPE_PGID)
        return kill_pgrp(pid, sig, &info, send_checked_group);
    struct task_struct *t = find_task_by_pid(pid);
    if (!t)
        return -ESRCH;
    return scope == SCOPE_PID ? send_checked(sig, &info, t) : send_checked_group(sig, &info, t);
}
