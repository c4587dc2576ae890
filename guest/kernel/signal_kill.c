/*
 * kill, tkill and tgkill: a signal from one task to another, with the
 * sender's siginfo (SI_USER, SI_TKILL). Sending itself is signal.c's.
 */
#include "sched.h"
#include "syscalls.h"

static int send_checked(int sig, siginfo_t *info, struct task_struct *t)
{
    if (!valid_signal(sig))
        return -EINVAL;
    if (sig == 0)
        return 0; /* only "may I signal it?", and root may */
    return send_signal(sig, info, t);
}

static void fill_user_info(siginfo_t *info, int sig, int code)
{
    memset(info, 0, sizeof(*info));
    info->si_signo = sig;
    info->si_code = code;
    info->fields.kill.pid = current->tgid;
    info->fields.kill.uid = 0;
}

noinline long sys_kill(long pid, long sig)
{
    siginfo_t info;
    fill_user_info(&info, (int)sig, SI_USER);
    if (pid > 0) {
        struct task_struct *t = find_task_by_pid(pid);
        return t ? send_checked((int)sig, &info, t) : -ESRCH;
    }
    /* Process group 1 (pid 0 = the caller's own) holds only the user task;
     * pid -1 means everybody but init and the caller: nobody here. */
    if (pid == 0 || pid == -(long)init_task.pid)
        return send_checked((int)sig, &info, &init_task);
    return -ESRCH;
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
