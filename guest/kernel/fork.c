/*
 * Threads and processes: clone, the end of a thread (exit) and of a
 * process (exit_group, a fatal signal), set_tid_address, getppid.
 *
 * A new task is a copy of its parent: the same user registers (the full
 * pt_regs the clone stub built) but rax = 0, its own kernel stack, and a
 * first switch that lands in ret_from_fork, which leaves for user mode by
 * the era's own exit path. A thread (CLONE_VM) shares the address space
 * and the open files of its parent; CLONE_SIGHAND shares the signal
 * handlers (a thread's always, another process's when asked).
 */
#include "desc.h"
#include "fs.h"
#include "mm.h"
#include "sched.h"
#include "signal.h"
#include "syscalls.h"

#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_PIDFD 0x00001000
#define CLONE_PTRACE 0x00002000
#define CLONE_VFORK 0x00004000
#define CLONE_PARENT 0x00008000
#define CLONE_THREAD 0x00010000
#define CLONE_NEWNS 0x00020000
#define CLONE_SYSVSEM 0x00040000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED 0x00400000
#define CLONE_UNTRACED 0x00800000
#define CLONE_CHILD_SETTID 0x01000000
#define CSIGNAL 0x000000ff
/* Namespaces and the rest: not modelled, refused with EINVAL. */
#define CLONE_UNSUPPORTED 0x7e020000

static s32 last_pid = 2; /* init is 1, the kworker 2 */

/* ret_from_fork (each era's entry_64.S): the first instruction a new task
 * runs, on a stack whose top is its pt_regs. */
extern char ret_from_fork[];

static int put_user_u32(u32 v, u64 uaddr)
{
    return copy_to_user((void __user *)uaddr, &v, 4) ? -EFAULT : 0;
}

static bool is_thread_group_alive(struct task_struct *leader, struct task_struct *except)
{
    struct task_struct *t;
    for_each_task(t) if (t != except && t->group_leader == leader && !t->exit_state &&
                         t->state != TASK_DEAD) return true;
    return false;
}

/*
 * Build the child's kernel stack: its pt_regs at the top (the parent's,
 * copied), and below them the frame __switch_to_asm resumes: six
 * callee-saved registers and a return into ret_from_fork.
 */
static void copy_thread(struct task_struct *p, u64 newsp, u64 tls, u64 flags)
{
    struct pt_regs *child = task_pt_regs(p);
    *child = *task_pt_regs(current);
    child->ax = 0;
    if (newsp)
        child->sp = newsp;
    p->thread.usersp = child->sp;
    save_user_bases(current);
    p->thread.fs = (flags & CLONE_SETTLS) ? tls : current->thread.fs;
    p->thread.gs = current->thread.gs;
    p->usel = current->usel;
    /* The FPU state is the parent's at the time of the call. */
    asm volatile("fxsaveq %0" : "=m"(p->thread.fpstate));

    u64 *sp = (u64 *)child;
    *--sp = (u64)ret_from_fork;
    for (int i = 0; i < 6; i++)
        *--sp = 0; /* rbp rbx r12 r13 r14 r15 */
    p->thread.sp = (u64)sp;
}

/* The checks of copy_process(), in its order: every refusal is EINVAL. */
static bool clone_flags_valid(u64 flags)
{
    if (flags & CLONE_UNSUPPORTED)
        return false;
    if ((flags & (CLONE_NEWNS | CLONE_FS)) == (CLONE_NEWNS | CLONE_FS))
        return false;
    if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
        return false;
    if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
        return false;
    if (flags & CLONE_PIDFD)
        return false; /* CLONE_PIDFD is not implemented (with DETACHED or PARENT_SETTID: invalid) */
    return !((flags & CLONE_PARENT) && current->group_leader == child_reaper);
}

long do_fork(u64 flags, u64 newsp, u64 parent_tid, u64 child_tid, u64 tls)
{
    if (!clone_flags_valid(flags))
        return -EINVAL;

    struct task_struct *p = alloc_task();
    if (!p)
        return -EAGAIN; /* RLIMIT_NPROC's answer */
    struct files_struct *files = current->files;
    if (!(flags & CLONE_FILES)) {
        files = dup_files(current->files);
        if (!files)
            return -EMFILE; /* no free table */
    } else {
        files->users++;
    }
    struct mm_struct *mm = current->mm;
    if (!(flags & CLONE_VM)) {
        mm = dup_mm(current->mm);
        if (!mm) {
            put_files(files);
            return -ENOMEM;
        }
    } else {
        mm_get(mm);
    }

    /* Copy what a child inherits, then set what is its own. */
    union thread_union *stack = p->stack;
    u64 sp0 = p->thread.sp0;
    *p = *current;
    p->stack = stack;
    p->thread.sp0 = sp0;
    p->in_use = true;
    p->state = TASK_RUNNING;
    p->exit_state = 0;
    p->exit_code = 0;
    p->group_exiting = false;
    jobctl_init_task(p);
    p->pid = ++last_pid;
    p->mm = mm;
    p->files = files;
    if (signals_fork(p, flags & CLONE_SIGHAND)) {
        p->in_use = false;
        put_files(files);
        mm_put(mm);
        return -ENOMEM;
    }
    p->task_works = NULL;
    p->mce_pending = 0;
    p->uprobe_hit = 0;
    p->audit_context = false;
    p->audit_in_syscall = false;
    p->futex_queued = false;
    p->vfork_done = !(flags & CLONE_VFORK);
    p->vfork_parent = (flags & CLONE_VFORK) ? current : NULL;
    p->robust_list = 0;
    p->clear_child_tid = (flags & CLONE_CHILD_CLEARTID) ? child_tid : 0;
    if (flags & CLONE_THREAD) {
        p->tgid = current->tgid;
        p->group_leader = current->group_leader;
        p->parent = current->parent;
        p->exit_signal = -1;
    } else {
        p->tgid = p->pid;
        p->group_leader = p;
        p->parent = (flags & CLONE_PARENT) ? current->group_leader->parent : current->group_leader;
        p->exit_signal = (int)(flags & CSIGNAL);
    }
    /* A new stack starts with no alternate signal stack in use;
     * CLONE_VM without CLONE_VFORK clears it (copy_process). */
    if ((flags & (CLONE_VM | CLONE_VFORK)) == CLONE_VM) {
        p->sas_ss_sp = p->sas_ss_size = 0;
        p->sas_ss_flags = SS_DISABLE;
    }
    struct thread_info *ti = task_thread_info(p);
    ti->task = p;
    /* Work flags belong to the parent's syscall, not to the child. */
    ti->flags &= ~(_TIF_NEED_RESCHED | _TIF_SIGPENDING | _TIF_NOTIFY_RESUME);
    rseq_fork(p, flags & CLONE_VM);
    copy_thread(p, newsp, tls, flags);
    ptrace_init_task(p);
    int trace = ptrace_fork_attach(p, flags); /* the event to report, or 0 */

    if (flags & CLONE_PARENT_SETTID)
        put_user_u32((u32)p->pid, parent_tid); /* a fault here is ignored, as in Linux */
    /* The child's memory: for a thread it is ours; a new process writes
     * its own when it first runs (schedule_tail). */
    p->set_child_tid = 0;
    if (flags & CLONE_CHILD_SETTID) {
        if (flags & CLONE_VM)
            put_user_u32((u32)p->pid, child_tid);
        else
            p->set_child_tid = child_tid;
    }

    long pid = p->pid;
    /* The tracer hears of the child once it can run (the child's own first
     * stop may come before or after this one). */
    if (trace)
        ptrace_event(trace, (u64)pid);
    if (flags & CLONE_VFORK) {
        /* The parent sleeps until the child execs or exits. */
        while (!p->vfork_done) {
            current->state = TASK_INTERRUPTIBLE;
            schedule();
            current->state = TASK_RUNNING;
        }
        ptrace_event(PTRACE_EVENT_VFORK_DONE, (u64)pid);
    }
    return pid;
}

noinline long sys_clone(u64 flags, u64 newsp, u64 parent_tid, u64 child_tid, u64 tls)
{
    return do_fork(flags, newsp, parent_tid, child_tid, tls);
}

noinline long sys_fork(void)
{
    return do_fork(SIGCHLD, 0, 0, 0, 0);
}

noinline long sys_vfork(void)
{
    return do_fork(CLONE_VFORK | CLONE_VM | SIGCHLD, 0, 0, 0, 0);
}

/* A new task's first C code, from ret_from_fork, in its own address space. */
noinline void schedule_tail(void)
{
    if (current->set_child_tid)
        put_user_u32((u32)current->pid, current->set_child_tid);
}

noinline long sys_set_tid_address(u64 tidptr)
{
    current->clear_child_tid = tidptr;
    return current->pid;
}

noinline long sys_getppid(void)
{
    struct task_struct *parent = current->group_leader->parent;
    return parent ? parent->tgid : 0; /* init's parent is the idle task, pid 0 */
}

/* ---- the end ------------------------------------------------------------------- */

/* mm_release: a thread that leaves clears its tid word and wakes whoever
 * waits on it (pthread_join); a vfork parent gets its CPU back. */
void exit_mm_release(struct task_struct *t)
{
    if (t->clear_child_tid) {
        if (put_user_u32(0, t->clear_child_tid) == 0)
            futex_wake(t->mm, t->clear_child_tid, 1, ~0u);
        t->clear_child_tid = 0;
    }
    if (!t->vfork_done) {
        t->vfork_done = true;
        if (t->vfork_parent)
            wake_up_process(t->vfork_parent);
    }
}

#define SA_NOCLDWAIT 2

static void send_exit_signal(int sig, struct task_struct *leader, struct task_struct *to)
{
    siginfo_t info;
    memset(&info, 0, sizeof(info));
    info.si_signo = sig;
    int code = leader->exit_code;
    info.si_code = (code & 0x7f) ? CLD_KILLED : CLD_EXITED;
    info.fields.chld.pid = leader->tgid;
    info.fields.chld.status = (code & 0x7f) ? (code & 0x7f) : (code >> 8) & 0xff;
    group_send_signal(sig, &info, to); /* do_notify_parent: to the process */
}

/* The ended process becomes a zombie for its parent (wait4, its exit
 * signal), or is reaped at once if the parent ignores SIGCHLD. */
void exit_notify_parent(struct task_struct *leader)
{
    struct task_struct *parent = leader->parent;
    if (!parent) {
        leader->exit_state = EXIT_DEAD;
        return;
    }
    struct k_sigaction *ka = sig_action(parent, SIGCHLD);
    bool autoreap =
        leader->exit_signal == SIGCHLD && (ka->handler == SIG_IGN || (ka->flags & SA_NOCLDWAIT));
    leader->exit_state = autoreap ? EXIT_DEAD : EXIT_ZOMBIE;
    if (leader->exit_signal > 0)
        send_exit_signal(leader->exit_signal, leader, parent);
    wake_up_chan(parent);
    poll_wake_all(); /* a pidfd of it is readable */
}

/* The last thread of a process is gone: its children go to init, and the
 * process is a zombie for its parent; for a tracer outside the parent's
 * process first (SIGCHLD to it), the parent hearing of it once the tracer
 * has reaped it (reap) or let it go (exit_ptrace). */
static void release_process(struct task_struct *leader, long code)
{
    struct task_struct *t;
    leader->exit_code = (int)code;
    for_each_task(t)
    {
        if (t->parent == leader && t != leader) {
            t->parent = child_reaper;
            if (t->exit_state == EXIT_ZOMBIE)
                wake_up_chan(child_reaper);
            if (t->group_leader == t)
                kill_orphaned_pgrp(t, leader); /* was leader its group's last link? */
        }
    }
    kill_orphaned_pgrp(leader, NULL); /* or was leader itself? */
    if (ptrace_reparented(leader)) {
        leader->exit_state = EXIT_ZOMBIE;
        send_exit_signal(SIGCHLD, leader, leader->tracer->group_leader);
        wake_up_chan(leader->tracer->group_leader);
        return;
    }
    exit_notify_parent(leader);
}

/* Halts the machine when no task can run: every task sleeps and nothing
 * (no timer, no device) could wake one. */
static __noreturn void all_asleep(void)
{
    sp_state.halt_reason = SP_HALT_DEADLOCK;
    machine_halt();
}

/* Leave the CPU for good. */
static __noreturn void exit_schedule(void)
{
    current->state = TASK_DEAD;
    for (;;) {
        if (!any_other_runnable())
            all_asleep();
        schedule();
    }
}

/*
 * The end of the current thread. `code` is a wait() status: (status << 8)
 * for a normal exit, the signal number for death by a signal. When the
 * last thread of pid 1's process ends, so does the machine.
 */
noinline __noreturn void do_exit(long code)
{
    struct task_struct *me = current;
    struct task_struct *leader = me->group_leader;
    /* PTRACE_EVENT_EXIT: the tracer sees the task before anything of it is
     * gone, with the wait status to come as the message; not when SIGKILL
     * ends it, which no stop survives. */
    if ((code & 0x7f) != SIGKILL && !(me->pending.signal & sigmask(SIGKILL)))
        ptrace_event(PTRACE_EVENT_EXIT, (u64)code);
    jobctl_exit(me);
    exit_signals(me, !is_thread_group_alive(leader, me));
    futex_unqueue(me);
    exit_mm_release(me);
    exit_ptrace(me);
    ptrace_exit_tracee(me, me == leader && !is_thread_group_alive(leader, me));
    if (!is_thread_group_alive(leader, me))
        exit_itimers(leader);
    if (leader == child_reaper && !is_thread_group_alive(leader, me)) {
        /* pid 1's process is the program: its end is the machine's. */
        int sig = code & 0x7f;
        sp_state.killed_by = sig;
        sp_state.exit_code = sig ? 128 + sig : (code >> 8) & 0xff; /* as a shell reports it */
        me->state = TASK_DEAD;
        sp_state.halt_reason = SP_HALT_EXITED;
        machine_halt();
    }
    put_files(me->files);
    me->files = NULL;
    mm_put(me->mm);
    me->mm = NULL;
    if (is_thread_group_alive(leader, me)) {
        /* Other threads go on. A leader stays as the process's handle. */
        if (me != leader)
            me->exit_state = EXIT_DEAD;
        poll_wake_all(); /* a pidfd of the thread is readable */
        exit_schedule();
    }
    if (me != leader)
        me->exit_state = EXIT_DEAD;
    leader->state = TASK_DEAD;
    release_process(leader, code);
    exit_schedule();
}

/* exit_group, or a fatal signal: every other thread of the process ends
 * where it sleeps (all of them are switched out at a schedule() point,
 * holding nothing), then this one. */
noinline __noreturn void do_group_exit(long code)
{
    struct task_struct *me = current, *t;
    for_each_task(t)
    {
        if (t == me || t->group_leader != me->group_leader || t->exit_state ||
            t->state == TASK_DEAD)
            continue;
        futex_unqueue(t);
        flush_sigqueue(&t->pending);
        t->state = TASK_DEAD;
        if (t != t->group_leader)
            t->exit_state = EXIT_DEAD;
    }
    do_exit(code);
}

noinline long sys_exit(long error_code)
{
    do_exit((error_code & 0xff) << 8);
}

noinline long sys_exit_group(long error_code)
{
    do_group_exit((error_code & 0xff) << 8);
}

/* ---- wait4, waitid -------------------------------------------------------------- */

#define WNOHANG 0x00000001
#define WUNTRACED 0x00000002
#define WEXITED 0x00000004
#define WCONTINUED 0x00000008
#define WNOWAIT 0x01000000
#define __WNOTHREAD 0x20000000
#define __WALL 0x40000000
#define __WCLONE 0x80000000
#define P_ALL 0
#define P_PID 1
#define P_PGID 2
#define P_PIDFD 3
#define O_NONBLOCK 00004000

struct rusage_words {
    u64 w[18]; /* struct rusage: 144 bytes, all zero (no accounting) */
};

/* wait4's and waitid's rusage: all zero. Non-zero when the copy faulted. */
static unsigned long put_rusage(void __user *ru)
{
    struct rusage_words z;
    memset(&z, 0, sizeof(z));
    return copy_to_user(ru, &z, sizeof(z));
}

/* Does `t` match wait's selector: a child process of ours, or a task we
 * trace, with that pid or in that process group? */
static bool wait_matches(struct task_struct *t, int type, long id)
{
    bool child = t->group_leader == t && t->parent == current->group_leader;
    if (!child && !ptrace_traced_by_waiter(t))
        return false;
    if (type == P_PID)
        return t->pid == id;
    if (type == P_PGID)
        return t->group_leader->pgid == id;
    return true;
}

/* A stop a tracer has not heard of yet (wait_task_stopped for ptrace). */
static bool unreported_stop(struct task_struct *t)
{
    return t->state == TASK_TRACED && t->ptrace_stop_unreported && ptrace_traced_by_waiter(t);
}

/* What wait found: an exit or a ptrace stop (the task's own state says
 * which), or the process's group stop or its end (wait_task_stopped and
 * wait_task_continued without ptrace). */
enum { WAIT_TASK, WAIT_GROUP_STOP, WAIT_CONTINUED };

/* A child process's group stop, or the SIGCONT that ended one, that its
 * parent has not been told of; a tracer sees its tracee's stops instead. */
static int group_event(struct task_struct *t, u32 options)
{
    if (t->group_leader != t || ptrace_traced_by_waiter(t))
        return WAIT_TASK;
    if ((options & WUNTRACED) && (t->signal_flags & SIGNAL_STOP_STOPPED) && t->group_stop_code)
        return WAIT_GROUP_STOP;
    if ((options & WCONTINUED) && (t->signal_flags & SIGNAL_STOP_CONTINUED))
        return WAIT_CONTINUED;
    return WAIT_TASK;
}

/* Find a zombie child (WEXITED), a ptrace stop, a group stop (WUNTRACED)
 * or a continued child (WCONTINUED); NULL with *any false if there is no
 * child at all. */
static struct task_struct *find_waitable(int type, long id, u32 options, bool *any, int *kind)
{
    struct task_struct *t;
    *any = false;
    *kind = WAIT_TASK;
    for_each_task(t)
    {
        if (t->exit_state == EXIT_DEAD || !wait_matches(t, type, id))
            continue;
        *any = true;
        /* A zombie its tracer has not reaped yet is not its parent's. */
        if ((options & WEXITED) && t->exit_state == EXIT_ZOMBIE &&
            (!ptrace_reparented(t) || ptrace_traced_by_waiter(t)))
            return t;
        if (!t->exit_state && unreported_stop(t))
            return t;
        if (!t->exit_state && (*kind = group_event(t, options)) != WAIT_TASK)
            return t;
    }
    return NULL;
}

static long do_wait(int type, long id, u32 options, struct task_struct **found, int *kind)
{
    for (;;) {
        bool any;
        struct task_struct *t = find_waitable(type, id, options, &any, kind);
        if (t) {
            *found = t;
            return t->pid;
        }
        if (!any)
            return -ECHILD;
        if (options & WNOHANG)
            return 0;
        long err = wait_on_chan(current->group_leader);
        if (err)
            return err;
    }
}

/* The task wait found: a zombie is gone (the tracer's goes on to its
 * parent), a stop has been told. */
static void reap(struct task_struct *t, int kind)
{
    if (kind == WAIT_GROUP_STOP)
        t->group_stop_code = 0;
    else if (kind == WAIT_CONTINUED)
        t->signal_flags &= ~SIGNAL_STOP_CONTINUED;
    else if (t->exit_state == EXIT_ZOMBIE && ptrace_reparented(t)) {
        ptrace_release_zombie(t);
        exit_notify_parent(t);
    } else if (t->exit_state == EXIT_ZOMBIE) {
        t->exit_state = EXIT_DEAD;
        poll_wake_all(); /* a pidfd of it hangs up */
    } else
        t->ptrace_stop_unreported = false;
}

static int wait_status(struct task_struct *t, int kind)
{
    if (kind == WAIT_GROUP_STOP)
        return (t->group_stop_code << 8) | 0x7f;
    if (kind == WAIT_CONTINUED)
        return 0xffff;
    return t->exit_state ? t->exit_code : t->ptrace_stop_status;
}

noinline long sys_wait4(long upid, int __user *stat_addr, unsigned long options, void __user *ru)
{
    u32 opt = (u32)options;
    int pid = (int)upid;
    if (opt & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
        return -EINVAL;
    if (pid == -2147483647 - 1)
        return -ESRCH; /* INT_MIN: -pid would overflow */
    int type = pid == -1 ? P_ALL : pid < 0 ? P_PGID : pid == 0 ? P_PGID : P_PID;
    long id = pid < -1 ? -pid : pid == 0 ? current->group_leader->pgid : pid;
    struct task_struct *t = NULL;
    int kind;
    long ret = do_wait(type, id, opt | WEXITED, &t, &kind);
    if (ret <= 0)
        return ret;
    int status = wait_status(t, kind);
    if (stat_addr && copy_to_user(stat_addr, &status, sizeof(status)))
        return -EFAULT;
    if (ru && put_rusage(ru))
        return -EFAULT;
    reap(t, kind);
    return ret;
}

/* The SIGCHLD form of siginfo that waitid fills in. */
struct waitid_info {
    s32 si_signo, si_errno, si_code, pad;
    s32 si_pid, si_uid, si_status, pad2;
    s64 si_utime, si_stime;
};

noinline long sys_waitid(long which, long upid, void __user *infop, long options, void __user *ru)
{
    u32 opt = (u32)options;
    int type = (int)which;
    bool nonblock = false;
    if (opt &
        ~(WNOHANG | WNOWAIT | WEXITED | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
        return -EINVAL;
    if (!(opt & (WEXITED | WUNTRACED | WCONTINUED)))
        return -EINVAL;
    if (type == P_ALL)
        upid = 0;
    else if (type == P_PID) {
        if ((int)upid <= 0)
            return -EINVAL;
    } else if (type == P_PGID) {
        if ((int)upid < 0)
            return -EINVAL;
        if (!upid)
            upid = current->group_leader->pgid; /* 0: our own group, since Linux 5.4 */
    } else if (type == P_PIDFD) {
        /* The pid of a pidfd; a non-blocking one does not wait (EAGAIN). */
        u32 f_flags;
        if ((int)upid < 0)
            return -EINVAL;
        upid = pidfd_get_pid((int)upid, &f_flags);
        if (upid < 0)
            return upid;
        type = P_PID;
        nonblock = (f_flags & O_NONBLOCK) && !(opt & WNOHANG);
    } else {
        return -EINVAL;
    }
    struct task_struct *t = NULL;
    int kind;
    long ret = do_wait(type, (int)upid, opt | (nonblock ? WNOHANG : 0), &t, &kind);
    if (ret < 0)
        return ret;
    if (!ret && nonblock)
        return -EAGAIN;
    struct waitid_info info;
    memset(&info, 0, sizeof(info));
    if (t && kind != WAIT_TASK) {
        info.si_signo = SIGCHLD;
        info.si_code = kind == WAIT_GROUP_STOP ? CLD_STOPPED : CLD_CONTINUED;
        info.si_pid = t->pid;
        info.si_status = kind == WAIT_GROUP_STOP ? t->group_stop_code : SIGCONT;
    } else if (t && !t->exit_state) {
        info.si_signo = SIGCHLD;
        info.si_code = CLD_TRAPPED;
        info.si_pid = t->pid;
        info.si_status = t->ptrace_stop_status >> 8; /* the whole stop code */
    } else if (t) {
        int code = t->exit_code;
        info.si_signo = SIGCHLD;
        info.si_code = (code & 0x7f) ? CLD_KILLED : CLD_EXITED;
        info.si_pid = t->pid;
        info.si_status = (code & 0x7f) ? (code & 0x7f) : (code >> 8) & 0xff;
    }
    if (infop && copy_to_user(infop, &info, offsetof(struct waitid_info, si_utime) + 16))
        return -EFAULT;
    if (ru && put_rusage(ru))
        return -EFAULT;
    if (t && !(opt & WNOWAIT))
        reap(t, kind);
    return 0;
}

/* pause: sleep until a signal is delivered; it always fails with EINTR. */
noinline long sys_pause(void)
{
    static char pause_chan;
    while (!test_thread_flag(TIF_SIGPENDING))
        wait_on_chan(&pause_chan);
    return -ERESTARTNOHAND;
}
