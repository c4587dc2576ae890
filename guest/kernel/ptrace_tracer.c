/*
 * ptrace(2) for a process that traces another: the tracee stops
 * (TASK_TRACED) at its syscall entries and exits, at each signal it is
 * about to take, after a single step and at the events its tracer asked
 * for (fork, vfork, clone, exec, exit, a seized tracee's traps); its tracer
 * hears of the stop in wait4/waitid, reads and changes its registers and
 * memory, and resumes it with the signal it chooses.
 *
 * A stop is the tracee's own schedule() away, inside the kernel, with its
 * user registers in pt_regs. Every stop but one is on a path that saved
 * them all: an exit event of an exit or exit_group that came by the old
 * eras' fast path finds the callee-saved slots unsaved, as v3.13's
 * tracer did. The tracer edits that pt_regs; the tracee's way back to
 * user mode (iret) loads whatever it finds there.
 *
 * Built per era: the modern era keeps its syscall work in syscall_work,
 * the others in the TIF word.
 */
#include "mm.h"
#include "sched.h"
#include "signal.h"
#include "syscalls.h"

#define PTRACE_TRACEME 0
#define PTRACE_PEEKTEXT 1
#define PTRACE_PEEKDATA 2
#define PTRACE_PEEKUSR 3
#define PTRACE_POKETEXT 4
#define PTRACE_POKEDATA 5
#define PTRACE_POKEUSR 6
#define PTRACE_CONT 7
#define PTRACE_KILL 8
#define PTRACE_SINGLESTEP 9
#define PTRACE_GETREGS 12
#define PTRACE_SETREGS 13
#define PTRACE_GETFPREGS 14
#define PTRACE_SETFPREGS 15
#define PTRACE_ATTACH 16
#define PTRACE_DETACH 17
#define PTRACE_SYSCALL 24
#define PTRACE_SYSEMU 31
#define PTRACE_SYSEMU_SINGLESTEP 32
#define PTRACE_SETOPTIONS 0x4200
#define PTRACE_GETEVENTMSG 0x4201
#define PTRACE_GETSIGINFO 0x4202
#define PTRACE_SETSIGINFO 0x4203
#define PTRACE_GETREGSET 0x4204
#define PTRACE_SETREGSET 0x4205
#define PTRACE_SEIZE 0x4206
#define PTRACE_INTERRUPT 0x4207
#define PTRACE_LISTEN 0x4208
#define PTRACE_GET_SYSCALL_INFO 0x420e

/* PTRACE_O_TRACEx is 1 << PTRACE_EVENT_x: an event is reported when the
 * tracer asked for it. TRACESECCOMP is accepted, and never fires: no
 * seccomp filter is ever installed here. */
#define PTRACE_O_TRACESYSGOOD 0x1
#define PTRACE_O_EXITKILL 0x100000
#define PTRACE_O_SUSPEND_SECCOMP 0x200000
#define PTRACE_O_MASK (0xff | PTRACE_O_EXITKILL | PTRACE_O_SUSPEND_SECCOMP)

/* clone flags the event choice reads (fork.c has the rest). */
#define CLONE_PTRACE_FLAG 0x00002000
#define CLONE_VFORK_FLAG 0x00004000
#define CLONE_UNTRACED_FLAG 0x00800000


#define USER_DEBUGREG_OFFSET 848 /* offsetof(struct user, u_debugreg) */
#define USER_SIZE 912            /* sizeof(struct user) */
/* The flags a tracer may change (arch/x86/kernel/ptrace.c FLAG_MASK). */
#define FLAG_MASK                                                                                  \
    (X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | X86_EFLAGS_ZF | X86_EFLAGS_SF |               \
     X86_EFLAGS_TF | X86_EFLAGS_DF | X86_EFLAGS_OF | X86_EFLAGS_RF | X86_EFLAGS_AC | 0x4000)

/* ---- the syscall work bits the tracer sets, per era ------------------------------ */

static void set_work(struct task_struct *t, int tif, int work_bit, bool on)
{
#ifdef CONFIG_GENERIC_ENTRY
    (void)tif;
    u64 *w = &task_thread_info(t)->syscall_work;
    if (on)
        asm volatile("lock btsq %q1, %0" : "+m"(*w) : "r"((u64)work_bit) : "memory");
    else
        asm volatile("lock btrq %q1, %0" : "+m"(*w) : "r"((u64)work_bit) : "memory");
#else
    (void)work_bit;
    if (on)
        set_tsk_thread_flag(t, tif);
    else
        clear_tsk_thread_flag(t, tif);
#endif
}

/* arch/x86/kernel/step.c: TF off again, unless the program set it itself. */
static void user_disable_single_step(struct task_struct *t)
{
    set_work(t, TIF_SINGLESTEP, SYSCALL_WORK_BIT_SYSCALL_EXIT_TRAP, false);
    clear_tsk_thread_flag(t, TIF_SINGLESTEP);
    if (test_and_clear_ti_thread_flag(task_thread_info(t), TIF_FORCED_TF))
        task_pt_regs(t)->flags &= ~(u64)X86_EFLAGS_TF;
}

static void enable_step(struct task_struct *t)
{
    user_enable_single_step(t);
#ifdef CONFIG_GENERIC_ENTRY
    set_work(t, TIF_SINGLESTEP, SYSCALL_WORK_BIT_SYSCALL_EXIT_TRAP, true);
#endif
}

/* ---- the tracee's side ------------------------------------------------------------ */

/* Send sig to t with the sender's pid in its siginfo (SI_USER's form). */
static void send_sig_from(int sig, int code, s32 pid, struct task_struct *t)
{
    siginfo_t info;
    memset(&info, 0, sizeof(info));
    info.si_signo = sig;
    info.si_code = code;
    info.fields.kill.pid = pid;
    send_signal(sig, &info, t);
}

static bool same_process(struct task_struct *a, struct task_struct *b)
{
    return a && b && a->group_leader == b->group_leader;
}

/*
 * Stop for the tracer: `code` is what wait() reports as the stop signal
 * (SIGTRAP, SIGTRAP|0x80 at a syscall, SIGTRAP|event<<8 at an event, the
 * signal about to be taken); `message` is what PTRACE_GETEVENTMSG reads
 * during the stop, `why` the SIGCHLD's si_code. Returns the signal the
 * tracer resumed the task with (0: none).
 */
static int ptrace_stop(int code, int why, u64 message, const siginfo_t *info)
{
    struct task_struct *me = current, *tracer = me->tracer;
    if (!me->ptrace || !tracer)
        return 0;
    /* Any stop answers a pending PTRACE_INTERRUPT; an event stop tells
     * the news too. */
    me->jobctl &= ~JOBCTL_TRAP_STOP;
    if (info && (info->si_code >> 8) == PTRACE_EVENT_STOP)
        me->jobctl &= ~JOBCTL_TRAP_NOTIFY;
    /* A stop of any kind counts as this thread's part of a group stop
     * under way; the last to stop tells a parent that is not the tracer. */
    bool gstop_done = jobctl_participate(me);
    me->last_siginfo_none = !info;
    if (info)
        me->last_siginfo = *info;
    me->ptrace_message = message;
    me->ptrace_stop_status = (code << 8) | 0x7f;
    me->ptrace_stop_unreported = true;
    me->ptrace_resume_sig = 0;
    me->state = TASK_TRACED;
    do_notify_parent_cldstop(me, true, why);
    if (gstop_done && ptrace_reparented(me->group_leader))
        do_notify_parent_cldstop(me, false, CLD_STOPPED);
    schedule_while_in(TASK_TRACED); /* until the tracer resumes it, or SIGKILL */
    me->ptrace_stop_unreported = false;
    me->ptrace_message = 0;
    me->last_siginfo_none = false;
    me->jobctl &= ~JOBCTL_LISTENING;
    recalc_sigpending(); /* signals that came during the stop, or a new trap */
    return me->ptrace_resume_sig;
}

/* ptrace_notify: a stop that is no signal (a syscall, an event, a step
 * into a handler); its siginfo names the tracee and the stop code. */
static int ptrace_notify_why(int code, int why, u64 message)
{
    siginfo_t info;
    memset(&info, 0, sizeof(info));
    info.si_signo = SIGTRAP;
    info.si_code = code;
    info.fields.kill.pid = current->pid;
    return ptrace_stop(code, why, message, &info);
}

int ptrace_notify(int code)
{
    return ptrace_notify_why(code, CLD_TRAPPED, 0);
}

/* A syscall stop (kind 1: entry, 2: exit, which is also the event message
 * a tracer reads then). Returns nonzero when the call must not run: the
 * task was killed while stopped. A signal the tracer resumed with is sent. */
int ptrace_report_syscall_real(u32 kind)
{
    struct task_struct *me = current;
    int code = SIGTRAP | ((me->ptrace_options & PTRACE_O_TRACESYSGOOD) ? 0x80 : 0);
    int sig = ptrace_notify_why(code, CLD_TRAPPED, kind);
    if (sig > 0 && sig < _NSIG)
        send_sig_from(sig, SI_KERNEL, 0, me); /* send_sig(exit_code, current, 1) */
    return (me->pending.signal & sigmask(SIGKILL)) != 0;
}

static bool event_enabled(struct task_struct *t, int event)
{
    return t->ptrace && (t->ptrace_options & (1u << event));
}

/* A PTRACE_EVENT_x stop, if the tracer asked for it; the signal it resumes
 * with is dropped, as Linux drops it. exec without TRACEEXEC gets the
 * old-style SIGTRAP (not a seized tracee). */
void ptrace_event(int event, u64 message)
{
    struct task_struct *me = current;
    if (event_enabled(me, event)) {
        ptrace_notify_why(SIGTRAP | (event << 8), CLD_TRAPPED, message);
        return;
    }
    if (event == PTRACE_EVENT_EXEC && (me->ptrace & (PT_PTRACED | PT_SEIZED)) == PT_PTRACED)
        send_sig_from(SIGTRAP, SI_USER, me->tgid, me);
}

/* exec: the event's message is the pid the task had before (a thread that
 * execs takes the leader's in de_thread). */
void ptrace_exec_notify(long old_pid)
{
    ptrace_event(PTRACE_EVENT_EXEC, (u64)old_pid);
}

/* A seized tracee's PTRACE_EVENT_STOP: the signal it shows is the group
 * stop's while its process is in one, else SIGTRAP. */
static void ptrace_event_stop(int signr)
{
    if (!group_stop_active(current))
        signr = SIGTRAP;
    siginfo_t info;
    memset(&info, 0, sizeof(info));
    info.si_signo = signr;
    info.si_code = signr | (PTRACE_EVENT_STOP << 8);
    info.fields.kill.pid = current->pid;
    ptrace_stop(info.si_code, CLD_STOPPED, 0, &info);
}

/* get_signal, before any signal: a seized tracee asked to stop
 * (PTRACE_INTERRUPT, a new child's first stop, news of a SIGCONT or of a
 * group stop) stops with PTRACE_EVENT_STOP. */
void ptrace_do_jobctl_trap(void)
{
    struct task_struct *me = current;
    if (!(me->ptrace & PT_SEIZED)) {
        me->jobctl &= ~JOBCTL_TRAP_MASK;
        return;
    }
    ptrace_event_stop(me->jobctl_stop_sig);
}

/* A traced thread's part in a group stop (do_signal_stop): a stop its
 * tracer sees, with the stop signal as its code; a seized tracee's is a
 * PTRACE_EVENT_STOP, and an attached one's has no siginfo to read. */
void ptrace_group_stop(int signr)
{
    if (current->ptrace & PT_SEIZED)
        ptrace_event_stop(signr);
    else
        ptrace_stop(signr, CLD_STOPPED, 0, NULL);
}

/* A SIGCONT to a process (prepare_signal): each of its seized threads
 * owes its tracer a PTRACE_EVENT_STOP trap; one listening leaves its stop
 * for it. (There are no group stops here for SIGCONT to end.) */
void ptrace_sigcont_notify(struct task_struct *t)
{
    struct task_struct *u;
    for_each_task(u)
    {
        if (!same_process(u, t) || !(u->ptrace & PT_SEIZED) || u->exit_state)
            continue;
        u->jobctl |= JOBCTL_TRAP_NOTIFY;
        set_tsk_thread_flag(u, TIF_SIGPENDING);
        sync_signal_state(u);
        if (u->state == TASK_TRACED && (u->jobctl & JOBCTL_LISTENING))
            wake_up_process(u);
    }
}

/* get_signal: a traced task shows the signal to its tracer first, which
 * may cancel it (0), replace it, or rewrite its siginfo (SETSIGINFO). */
int ptrace_signal(int sig, siginfo_t *info)
{
    int nsig = ptrace_stop(sig, CLD_TRAPPED, 0, info);
    *info = current->last_siginfo;
    if (!nsig || nsig >= _NSIG)
        return 0;
    if (nsig != info->si_signo) {
        memset(info, 0, sizeof(*info));
        info->si_signo = nsig;
        info->si_code = SI_USER;
        info->fields.kill.pid = current->tracer ? current->tracer->tgid : 0;
    }
    if (current->blocked & sigmask(nsig)) {
        send_signal(nsig, info, current);
        return 0;
    }
    return nsig;
}

static void ptrace_unlink(struct task_struct *t)
{
    t->ptrace = 0;
    t->tracer = NULL;
    t->ptrace_options = 0;
    t->ptrace_stop_unreported = false;
    /* The tracer's traps go; a part in a group stop is the process's. */
    t->jobctl &= ~(JOBCTL_TRAP_MASK | JOBCTL_LISTENING);
    set_work(t, TIF_SYSCALL_TRACE, SYSCALL_WORK_BIT_SYSCALL_TRACE, false);
    set_work(t, TIF_SYSCALL_EMU, SYSCALL_WORK_BIT_SYSCALL_EMU, false);
    user_disable_single_step(t);
}

/* fork: a child is not traced (unless ptrace_fork_attach makes it so),
 * nor does it step or stop at system calls for anyone; a TF its parent's
 * tracer set is not the program's. */
void ptrace_init_task(struct task_struct *p)
{
    struct thread_info *ti = task_thread_info(p);
    p->ptrace = 0;
    p->tracer = NULL;
    p->ptrace_options = 0;
    p->ptrace_stop_unreported = false;
    p->jobctl = 0;
    p->ptrace_message = 0;
    memset(p->debugreg, 0, sizeof(p->debugreg));
    p->debugreg_used = 0;
    ti->flags &= ~(_TIF_SYSCALL_TRACE | _TIF_SYSCALL_EMU | _TIF_SINGLESTEP | (1u << TIF_FORCED_TF));
    ti->syscall_work &= ~((1ull << SYSCALL_WORK_BIT_SYSCALL_TRACE) |
                          (1ull << SYSCALL_WORK_BIT_SYSCALL_EMU) |
                          (1ull << SYSCALL_WORK_BIT_SYSCALL_EXIT_TRAP));
    if (test_tsk_thread_flag(current, TIF_FORCED_TF))
        task_pt_regs(p)->flags &= ~(u64)X86_EFLAGS_TF;
}

/* The event a new task's creation reports (kernel_clone): VFORK, CLONE
 * for a child that does not signal SIGCHLD at its end, else FORK; 0 when
 * the tracer did not ask for it. */
static int ptrace_clone_event(u64 clone_flags)
{
    int event;
    if (clone_flags & CLONE_UNTRACED_FLAG)
        return 0;
    if (clone_flags & CLONE_VFORK_FLAG)
        event = PTRACE_EVENT_VFORK;
    else if ((clone_flags & 0xff) != SIGCHLD)
        event = PTRACE_EVENT_CLONE;
    else
        event = PTRACE_EVENT_FORK;
    return event_enabled(current, event) ? event : 0;
}

/* The new child of a tracee the event follows (or CLONE_PTRACE): traced
 * by the same tracer with the same options. It starts with a stop of its
 * own: a SIGSTOP (as if raised, SI_USER from nobody), or for a seized
 * tracer a PTRACE_EVENT_STOP trap. Returns the event the parent reports
 * once the child can run (0: none). */
int ptrace_fork_attach(struct task_struct *p, u64 clone_flags)
{
    struct task_struct *me = current;
    int event = ptrace_clone_event(clone_flags);
    if (!me->ptrace || !me->tracer || !(event || (clone_flags & CLONE_PTRACE_FLAG)))
        return event;
    p->ptrace = me->ptrace;
    p->tracer = me->tracer;
    p->ptrace_options = me->ptrace_options;
    if (p->ptrace & PT_SEIZED) {
        p->jobctl |= JOBCTL_TRAP_STOP;
    } else {
        p->pending.signal |= sigmask(SIGSTOP); /* no siginfo: SI_USER from nobody */
    }
    set_tsk_thread_flag(p, TIF_SIGPENDING);
    sync_signal_state(p);
    return event;
}

/* The tracer thread `me` ends: its tracees go free (PTRACE_O_EXITKILL:
 * killed), those in a stop go on. */
void exit_ptrace(struct task_struct *me)
{
    struct task_struct *t;
    for_each_task(t)
    {
        if (t->tracer != me)
            continue;
        if (t->exit_state == EXIT_ZOMBIE) {
            bool reparented = ptrace_reparented(t);
            ptrace_unlink(t);
            if (reparented)
                exit_notify_parent(t); /* the parent's now */
            continue;
        }
        bool kill = t->ptrace_options & PTRACE_O_EXITKILL;
        ptrace_unlink(t);
        jobctl_untraced(t);
        if (kill)
            force_sig(SIGKILL, t);
        if (t->state == TASK_TRACED)
            wake_up_process(t);
    }
}

/* A traced task ends: a tracer that is not its parent loses a thread,
 * but keeps a process that ends here, whose zombie it reaps first. */
void ptrace_exit_tracee(struct task_struct *me, bool process_ends)
{
    struct task_struct *tracer = me->tracer;
    if (!me->ptrace || process_ends)
        return;
    if (tracer && !same_process(tracer, me->group_leader->parent)) {
        ptrace_unlink(me);
        wake_up_chan(tracer->group_leader);
    }
}

/* A traced process whose zombie goes to its tracer before its parent. */
bool ptrace_reparented(struct task_struct *t)
{
    return t->ptrace && t->tracer && !same_process(t->tracer, t->parent);
}

/* The tracer reaped it: the zombie is its parent's. */
void ptrace_release_zombie(struct task_struct *t)
{
    ptrace_unlink(t);
}

/* wait4 from the tracer's process: does it trace t? */
bool ptrace_traced_by_waiter(struct task_struct *t)
{
    return t->ptrace && same_process(t->tracer, current);
}

/* ---- the tracer's requests ------------------------------------------------------- */

static long ptrace_traceme(void)
{
    struct task_struct *me = current, *parent = me->group_leader->parent;
    if (me->ptrace || !parent)
        return -EPERM;
    me->ptrace = PT_PTRACED;
    me->tracer = parent;
    return 0;
}

/* PTRACE_ATTACH stops the tracee with a SIGSTOP from the kernel
 * (SEND_SIG_PRIV); PTRACE_SEIZE does not stop it and sets the options in
 * `data` at once. */
static long ptrace_attach(struct task_struct *t, bool seize, u64 addr, u64 data)
{
    u32 flags = PT_PTRACED;
    if (seize) {
        if (addr || (data & ~(u64)PTRACE_O_MASK))
            return -EIO;
        flags |= PT_SEIZED;
    }
    if (!t->mm || same_process(t, current))
        return -EPERM; /* kernel threads, ourselves */
    if (t->ptrace)
        return -EPERM;
    t->ptrace = flags;
    t->tracer = current;
    t->ptrace_options = seize ? (u32)data : 0;
    t->jobctl &= ~(JOBCTL_TRAP_MASK | JOBCTL_LISTENING);
    if (!seize)
        send_sig_from(SIGSTOP, SI_KERNEL, 0, t);
    return 0;
}

/* PTRACE_INTERRUPT: a seized tracee stops (PTRACE_EVENT_STOP) at its next
 * way out to user mode; a sleeping call is interrupted for it, and runs
 * again afterwards, as for a signal without a handler. A listening tracee
 * traps again. */
static long ptrace_interrupt(struct task_struct *t)
{
    if (!(t->ptrace & PT_SEIZED))
        return -EIO;
    t->jobctl |= JOBCTL_TRAP_STOP;
    set_tsk_thread_flag(t, TIF_SIGPENDING);
    sync_signal_state(t);
    if (t->state == TASK_INTERRUPTIBLE ||
        (t->state == TASK_TRACED && (t->jobctl & JOBCTL_LISTENING)))
        wake_up_process(t);
    return 0;
}

/* PTRACE_LISTEN: only at a PTRACE_EVENT_STOP of a seized tracee. The
 * tracee stays stopped but no longer counts as stopped for requests; the
 * next trap (PTRACE_INTERRUPT) is reported again. */
static long ptrace_listen(struct task_struct *t)
{
    if (!(t->ptrace & PT_SEIZED) || (t->last_siginfo.si_code >> 8) != PTRACE_EVENT_STOP)
        return -EIO;
    t->jobctl |= JOBCTL_LISTENING;
    if (t->jobctl & JOBCTL_TRAP_NOTIFY)
        wake_up_process(t); /* news came meanwhile: trap again */
    return 0;
}

/* PTRACE_SETOPTIONS: the event options, EXITKILL and TRACESYSGOOD. No
 * seccomp filter exists here to suspend: refused as for a tracer without
 * CAP_SYS_ADMIN. */
static long ptrace_setoptions(struct task_struct *t, u64 data)
{
    if (data & ~(u64)PTRACE_O_MASK)
        return -EINVAL;
    if (data & PTRACE_O_SUSPEND_SECCOMP)
        return -EPERM;
    t->ptrace_options = (u32)data;
    return 0;
}

/* user_regs_struct's words after pt_regs'. A stopped tracee is not on
 * the CPU (its tracer is), so its bases and selectors are those its last
 * switch saved. */
enum { UR_FS_BASE = 21, UR_GS_BASE, UR_DS, UR_ES, UR_FS, UR_GS };

static u16 *user_selector(struct task_struct *t, int i)
{
    switch (i) {
    case UR_DS:
        return &t->usel.ds;
    case UR_ES:
        return &t->usel.es;
    case UR_FS:
        return &t->usel.fs;
    default:
        return &t->usel.gs;
    }
}

/* user_regs_struct word i of a stopped tracee. */
u64 ptrace_getreg(struct task_struct *t, int i)
{
    /* A TF the tracer set for its single steps is not shown (get_flags). */
    if (i == offsetof(struct pt_regs, flags) / 8 && test_tsk_thread_flag(t, TIF_FORCED_TF))
        return task_pt_regs(t)->flags & ~(u64)X86_EFLAGS_TF;
    if (i < UR_FS_BASE)
        return ((const u64 *)task_pt_regs(t))[i];
    if (i == UR_FS_BASE)
        return t->thread.fs;
    if (i == UR_GS_BASE)
        return t->thread.gs;
    return *user_selector(t, i);
}

long ptrace_putreg(struct task_struct *t, int i, u64 v)
{
    struct pt_regs *regs = task_pt_regs(t);
    u64 *w = (u64 *)regs;
    switch (i) {
    case offsetof(struct pt_regs, cs) / 8:
    case offsetof(struct pt_regs, ss) / 8:
        if ((v & 3) != 3)
            return -EIO;
        w[i] = v & 0xffff;
        return 0;
    case offsetof(struct pt_regs, flags) / 8:
        /* The tracer setting TF itself makes it the program's; one it
         * set for a step stays while the step is pending (set_flags). */
        if (v & X86_EFLAGS_TF)
            clear_tsk_thread_flag(t, TIF_FORCED_TF);
        else if (test_tsk_thread_flag(t, TIF_FORCED_TF))
            v |= X86_EFLAGS_TF;
        regs->flags = (regs->flags & ~(u64)FLAG_MASK) | (v & FLAG_MASK);
        return 0;
    case UR_FS_BASE:
    case UR_GS_BASE:
        /* Only the base changes, never the selector (Linux since 5.9). */
        if (v >= SP_TASK_SIZE_MAX)
            return -EIO;
        *(i == UR_FS_BASE ? &t->thread.fs : &t->thread.gs) = v;
        return 0;
    case UR_DS:
    case UR_ES:
    case UR_FS:
    case UR_GS:
        /* Any null selector, or one with RPL 3; a selector that turns out
         * not to load becomes 0 when the tracee runs (sched.c). */
        v &= 0xffff;
        if (v && (v & 3) != 3)
            return -EIO;
        *user_selector(t, i) = (u16)v;
        return 0;
    default:
        w[i] = v;
        return 0;
    }
}

static long peek_user(struct task_struct *t, u64 addr, u64 __user *out)
{
    if ((addr & 7) || addr >= USER_SIZE)
        return -EIO;
    u64 v = 0;
    if (addr < USER_REGS_WORDS * 8)
        v = ptrace_getreg(t, (int)(addr / 8));
    else if (addr >= USER_DEBUGREG_OFFSET)
        v = get_debugreg(t, (int)(addr - USER_DEBUGREG_OFFSET) / 8);
    return copy_to_user(out, &v, 8) ? -EFAULT : 0;
}

static long poke_user(struct task_struct *t, u64 addr, u64 v)
{
    if ((addr & 7) || addr >= USER_SIZE)
        return -EIO;
    if (addr < USER_REGS_WORDS * 8)
        return ptrace_putreg(t, (int)(addr / 8), v);
    if (addr >= USER_DEBUGREG_OFFSET)
        return set_debugreg(t, (int)(addr - USER_DEBUGREG_OFFSET) / 8, v);
    return 0;
}

static long get_regs(struct task_struct *t, u64 __user *out)
{
    u64 r[USER_REGS_WORDS];
    for (int i = 0; i < USER_REGS_WORDS; i++)
        r[i] = ptrace_getreg(t, i);
    return copy_to_user(out, r, sizeof(r)) ? -EFAULT : 0;
}

static long set_regs(struct task_struct *t, const u64 __user *in)
{
    u64 r[USER_REGS_WORDS];
    if (copy_from_user(r, in, sizeof(r)))
        return -EFAULT;
    for (int i = 0; i < USER_REGS_WORDS; i++) {
        long err = ptrace_putreg(t, i, r[i]);
        if (err)
            return err;
    }
    return 0;
}

/* CONT, SYSCALL, SYSEMU, SINGLESTEP, DETACH: set the stops the tracee
 * will make, then let it go with signal `data`. */
static long ptrace_resume(struct task_struct *t, long request, u64 data)
{
    if (data >= _NSIG)
        return -EIO;
    bool trace = request == PTRACE_SYSCALL;
    bool emu = request == PTRACE_SYSEMU || request == PTRACE_SYSEMU_SINGLESTEP;
    bool step = request == PTRACE_SINGLESTEP || request == PTRACE_SYSEMU_SINGLESTEP;
    set_work(t, TIF_SYSCALL_TRACE, SYSCALL_WORK_BIT_SYSCALL_TRACE, trace);
    set_work(t, TIF_SYSCALL_EMU, SYSCALL_WORK_BIT_SYSCALL_EMU, emu);
    if (step)
        enable_step(t);
    else
        user_disable_single_step(t);
    if (request == PTRACE_DETACH) {
        ptrace_unlink(t);
        jobctl_untraced(t);
    }
    t->ptrace_resume_sig = (int)data;
    wake_up_process(t);
    return 0;
}

static long word_access(struct task_struct *t, u64 addr, u64 data, bool write)
{
    u64 v = data;
    if (!t->mm || access_process_vm(t->mm, addr, &v, 8, write))
        return -EIO;
    if (write)
        return 0;
    return copy_to_user((void __user *)data, &v, 8) ? -EFAULT : 0;
}

static long stopped_request(struct task_struct *t, long request, u64 addr, u64 data)
{
    switch (request) {
    case PTRACE_PEEKTEXT:
    case PTRACE_PEEKDATA:
        return word_access(t, addr, data, false);
    case PTRACE_POKETEXT:
    case PTRACE_POKEDATA:
        return word_access(t, addr, data, true);
    case PTRACE_PEEKUSR:
        return peek_user(t, addr, (u64 __user *)data);
    case PTRACE_POKEUSR:
        return poke_user(t, addr, data);
    case PTRACE_GETREGS:
        return get_regs(t, (u64 __user *)data);
    case PTRACE_SETREGS:
        return set_regs(t, (const u64 __user *)data);
    case PTRACE_GETFPREGS:
        return ptrace_getfpregs(t, (void __user *)data);
    case PTRACE_SETFPREGS:
        return ptrace_setfpregs(t, (const void __user *)data);
    case PTRACE_GETREGSET:
        return ptrace_regset(t, false, addr, (void __user *)data);
    case PTRACE_SETREGSET:
        return ptrace_regset(t, true, addr, (void __user *)data);
    case PTRACE_GET_SYSCALL_INFO:
        return ptrace_get_syscall_info(t, addr, (void __user *)data);
    case PTRACE_GETSIGINFO:
        if (t->last_siginfo_none)
            return -EINVAL;
        return copy_to_user((void __user *)data, &t->last_siginfo, sizeof(siginfo_t)) ? -EFAULT : 0;
    case PTRACE_SETSIGINFO:
        /* What the tracee takes if it is resumed with this signal. */
        if (t->last_siginfo_none)
            return -EINVAL;
        return copy_from_user(&t->last_siginfo, (const void __user *)data, sizeof(siginfo_t))
                   ? -EFAULT
                   : 0;
    case PTRACE_GETEVENTMSG:
        return copy_to_user((void __user *)data, &t->ptrace_message, 8) ? -EFAULT : 0;
    case PTRACE_SETOPTIONS:
        return ptrace_setoptions(t, data);
    case PTRACE_LISTEN:
        return ptrace_listen(t);
    case PTRACE_CONT:
    case PTRACE_SYSCALL:
    case PTRACE_SINGLESTEP:
    case PTRACE_SYSEMU:
    case PTRACE_SYSEMU_SINGLESTEP:
    case PTRACE_DETACH:
        return ptrace_resume(t, request, data);
    default:
        return -EIO;
    }
}

noinline long sys_ptrace(long request, long pid, u64 addr, u64 data)
{
    if (request == PTRACE_TRACEME)
        return ptrace_traceme();
    struct task_struct *t = find_task_by_pid(pid);
    if (!t || t->exit_state)
        return -ESRCH;
    if (request == PTRACE_ATTACH || request == PTRACE_SEIZE)
        return ptrace_attach(t, request == PTRACE_SEIZE, addr, data);
    /* ptrace_check_attach: ours, and stopped (PTRACE_KILL and
     * PTRACE_INTERRUPT need no stop). */
    if (!t->ptrace || t->tracer != current)
        return -ESRCH;
    if (request == PTRACE_KILL) {
        force_sig(SIGKILL, t);
        return 0;
    }
    if (request == PTRACE_INTERRUPT)
        return ptrace_interrupt(t);
    /* A listening tracee is not stopped for the tracer's requests. */
    if (t->state != TASK_TRACED || (t->jobctl & JOBCTL_LISTENING))
        return -ESRCH;
    return stopped_request(t, request, addr, data);
}
