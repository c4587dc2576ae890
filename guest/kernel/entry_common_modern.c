/*
 * The modern era (Linux 6.12): the whole system call in C.
 *
 * entry_SYSCALL_64 (entry/modern/entry_64.S) saves a complete pt_regs and
 * calls do_syscall_64(regs, nr). From there, in Linux's files:
 *   arch/x86/entry/common.c     do_syscall_64, do_syscall_x64
 *   include/linux/entry-common.h  syscall_enter_from_user_mode,
 *                                 exit_to_user_mode_prepare
 *   kernel/entry/common.c       syscall_trace_enter, exit_to_user_mode_loop,
 *                               syscall_exit_work, syscall_exit_to_user_mode
 *   arch/x86/include/asm/entry-common.h  arch_exit_to_user_mode_prepare
 *
 * Two words of work flags: thread_info->flags (TIF_*: reschedule, signals,
 * notify-resume, uprobes...) as before, and thread_info->syscall_work
 * (SYSCALL_WORK_*: tracing, audit, the tracepoint, seccomp, emulation),
 * which only the system-call path reads. The TIF bits keep this machine's
 * v3.13 numbering; 6.12 numbers them differently.
 *
 * Many of these functions are __always_inline in Linux. Here they are real
 * calls, so that the host can show each of them on the path.
 *
 * The `asm volatile` notes emit no instruction. They tell the host what the
 * next instruction means: a work check (the flags in %edx), the moment the
 * handler has returned, or a SYSRET check (values in %rax and %rdx).
 */
#include "compat.h"
#include "note_asm.h"
#include "sched.h"
#include "syscalls.h"

#define SYSCALL_WORK_SECCOMP (1UL << SYSCALL_WORK_BIT_SECCOMP)
#define SYSCALL_WORK_SYSCALL_TRACEPOINT (1UL << SYSCALL_WORK_BIT_SYSCALL_TRACEPOINT)
#define SYSCALL_WORK_SYSCALL_TRACE (1UL << SYSCALL_WORK_BIT_SYSCALL_TRACE)
#define SYSCALL_WORK_SYSCALL_EMU (1UL << SYSCALL_WORK_BIT_SYSCALL_EMU)
#define SYSCALL_WORK_SYSCALL_AUDIT (1UL << SYSCALL_WORK_BIT_SYSCALL_AUDIT)
#define SYSCALL_WORK_SYSCALL_USER_DISPATCH (1UL << SYSCALL_WORK_BIT_SYSCALL_USER_DISPATCH)
#define SYSCALL_WORK_SYSCALL_EXIT_TRAP (1UL << SYSCALL_WORK_BIT_SYSCALL_EXIT_TRAP)

/* What the entry work looks at, and what the exit work looks at. */
#define SYSCALL_WORK_ENTER                                                                 \
    (SYSCALL_WORK_SECCOMP | SYSCALL_WORK_SYSCALL_TRACEPOINT | SYSCALL_WORK_SYSCALL_TRACE | \
     SYSCALL_WORK_SYSCALL_EMU | SYSCALL_WORK_SYSCALL_AUDIT | SYSCALL_WORK_SYSCALL_USER_DISPATCH)
#define SYSCALL_WORK_EXIT                                                                        \
    (SYSCALL_WORK_SYSCALL_TRACEPOINT | SYSCALL_WORK_SYSCALL_TRACE | SYSCALL_WORK_SYSCALL_AUDIT | \
     SYSCALL_WORK_SYSCALL_USER_DISPATCH | SYSCALL_WORK_SYSCALL_EXIT_TRAP)

/* The TIF bits exit_to_user_mode_loop() serves (6.12 adds PATCH_PENDING and
 * NOTIFY_SIGNAL, which nothing here sets). USER_RETURN_NOTIFY is not among
 * them: x86 fires those notifiers once, after the loop. */
#define EXIT_TO_USER_MODE_WORK \
    (_TIF_SIGPENDING | _TIF_NOTIFY_RESUME | _TIF_UPROBE | _TIF_NEED_RESCHED)

/* A test of the TIF word `flags` against `mask` happens here. */
#define NOTE_WORK_TEST(mask, flags) \
    asm volatile(NOTE_ASM ::"i"(SP_NOTE_TIF_BITTEST), "i"(mask), "d"((u32)(flags)))
/* SYSRET check `id` compares `value` with `against` (see abi.h). */
#define NOTE_SYSRET_CHECK(id, value, against)                                          \
    asm volatile(NOTE_ASM ::"i"(SP_NOTE_SYSRET_CHECK), "i"(id), "a"((u64)(value)), \
                 "d"((u64)(against)))

static inline void local_irq_enable(void)
{
    asm volatile("sti" ::: "memory");
}
static inline void local_irq_disable(void)
{
    asm volatile("cli" ::: "memory");
}

static inline struct thread_info *current_thread_info(void)
{
    return task_thread_info(current);
}
static inline u32 read_thread_flags(void)
{
    return *(volatile u32 *)&current_thread_info()->flags;
}
static inline u64 read_syscall_work(void)
{
    return *(volatile u64 *)&current_thread_info()->syscall_work;
}
static inline void set_task_syscall_work(struct task_struct *t, int bit)
{
    asm volatile("lock btsq %q1, %0"
                 : "+m"(task_thread_info(t)->syscall_work)
                 : "r"((u64)bit)
                 : "memory");
}

/* ---- ptrace and audit, as the generic entry code calls them ------------------ */

void user_single_step_report(struct pt_regs *regs); /* ptrace.c */

/* Returns nonzero if the call must be skipped (the tracee was killed). */
static int ptrace_report_syscall_entry(struct pt_regs *regs)
{
    return ptrace_report_syscall(regs, 1);
}

static void ptrace_report_syscall_exit(struct pt_regs *regs, bool step)
{
    if (step)
        user_single_step_report(regs);
    else
        ptrace_report_syscall(regs, 2);
}

static void syscall_enter_audit(struct pt_regs *regs, long syscall)
{
    if (unlikely(current->audit_context))
        __audit_syscall_entry(AUDIT_ARCH_X86_64, (int)syscall, regs->di, regs->si, regs->dx,
                              regs->r10);
}

/*
 * The entry work. Returns the system call to run, or -1 to skip it (the
 * ax slot then keeps the -ENOSYS the entry code stored).
 */
noinline long syscall_trace_enter(struct pt_regs *regs, long syscall, unsigned long work)
{
    long ret = 0;

    /* Syscall user dispatch: never enabled here. */

    if (work & (SYSCALL_WORK_SYSCALL_TRACE | SYSCALL_WORK_SYSCALL_EMU)) {
        ret = ptrace_report_syscall_entry(regs);
        if (ret || (work & SYSCALL_WORK_SYSCALL_EMU))
            return -1L;
        /* The tracer may have changed the work bits. */
        work = read_syscall_work();
    }

    /* SECCOMP: no filter is ever installed, so every call is allowed. */

    /* A tracer may have changed the number (orig_ax). */
    syscall = (long)regs->orig_ax;

    if (unlikely(work & SYSCALL_WORK_SYSCALL_TRACEPOINT))
        trace_sys_enter(regs, syscall);

    syscall_enter_audit(regs, syscall);

    return ret ? ret : syscall;
}

/* Interrupts on, then the entry work if the syscall_work word asks for it.
 * (Linux also tells context tracking and lockdep we left user mode.) */
noinline long syscall_enter_from_user_mode(struct pt_regs *regs, long syscall)
{
    local_irq_enable();
    unsigned long work = read_syscall_work();
    if (work & SYSCALL_WORK_ENTER)
        syscall = syscall_trace_enter(regs, syscall, work);
    return syscall;
}

/* ---- the exit work -------------------------------------------------------------- */

/* With SYSCALL_EMU the entry report already covered this call; otherwise a
 * single-stepping tracer hears of the step at the exit. */
static bool report_single_step(unsigned long work)
{
    if (work & SYSCALL_WORK_SYSCALL_EMU)
        return false;
    return work & SYSCALL_WORK_SYSCALL_EXIT_TRAP;
}

/* Once per system call, with interrupts on. */
noinline void syscall_exit_work(struct pt_regs *regs, unsigned long work)
{
    audit_syscall_exit(regs);

    if (work & SYSCALL_WORK_SYSCALL_TRACEPOINT)
        trace_sys_exit(regs, (long)regs->ax);

    bool step = report_single_step(work);
    if (step || (work & SYSCALL_WORK_SYSCALL_TRACE))
        ptrace_report_syscall_exit(regs, step);
}

/* Signals: 6.12's x86 hook around get_signal()/handle_signal(); the
 * shared do_signal() does both here (no system call restart). */
noinline void arch_do_signal_or_restart(struct pt_regs *regs)
{
    do_signal(regs);
}

/* TIF_NOTIFY_RESUME: clear it first, so work queued meanwhile sets it
 * again, then run the task work. */
noinline void resume_user_mode_work(struct pt_regs *regs)
{
    clear_thread_flag(TIF_NOTIFY_RESUME);
    tracehook_notify_resume(regs);
}

/*
 * Serve the TIF work until none is left. The flags are read again after
 * every round: the work itself (a signal frame that faults, a reschedule
 * that lets another task queue work) may set new bits.
 */
noinline u32 exit_to_user_mode_loop(struct pt_regs *regs, u32 ti_work)
{
    for (;;) {
        NOTE_WORK_TEST(EXIT_TO_USER_MODE_WORK, ti_work);
        if (!(ti_work & EXIT_TO_USER_MODE_WORK))
            break;

        local_irq_enable();

        if (ti_work & _TIF_NEED_RESCHED)
            schedule();

        if (ti_work & _TIF_UPROBE)
            uprobe_notify_resume(regs);

        if (ti_work & _TIF_SIGPENDING)
            arch_do_signal_or_restart(regs);

        if (ti_work & _TIF_NOTIFY_RESUME)
            resume_user_mode_work(regs);

        /* Interrupts off, and look again. */
        local_irq_disable();
        ti_work = read_thread_flags();
    }
    return ti_work;
}

/* x86's last step, with the final flags: user-return notifiers fire once. */
noinline void arch_exit_to_user_mode_prepare(struct pt_regs *regs, u32 ti_work)
{
    (void)regs;
    NOTE_WORK_TEST(_TIF_USER_RETURN_NOTIFY, ti_work);
    if (ti_work & _TIF_USER_RETURN_NOTIFY)
        fire_user_return_notifiers();
    /* The end of a 32-bit call (int $0x80): no longer in one. */
    current_thread_info()->status &= ~TS_COMPAT;
}

noinline void exit_to_user_mode_prepare(struct pt_regs *regs)
{
    u32 ti_work = read_thread_flags();
    NOTE_WORK_TEST(EXIT_TO_USER_MODE_WORK, ti_work);
    if (unlikely(ti_work & EXIT_TO_USER_MODE_WORK))
        ti_work = exit_to_user_mode_loop(regs, ti_work);
    arch_exit_to_user_mode_prepare(regs, ti_work);
}

noinline void syscall_exit_to_user_mode(struct pt_regs *regs)
{
    /* The syscall-specific work, exactly once, interrupts on. */
    unsigned long work = read_syscall_work();
    if (unlikely(work & SYSCALL_WORK_EXIT))
        syscall_exit_work(regs, work);

    /* Then the TIF work, interrupts off between rounds. */
    local_irq_disable();
    exit_to_user_mode_prepare(regs);
}

/* Exceptions and interrupts from user mode leave through the same TIF work
 * (no syscall_work: they are not system calls). */
noinline void irqentry_exit_to_user_mode(struct pt_regs *regs)
{
    local_irq_disable();
    exit_to_user_mode_prepare(regs);
}

/* ---- the system call ------------------------------------------------------------ */

typedef long (*sys_call_args_t)(u64, u64, u64, u64, u64, u64);
typedef long (*sys_call_ptr_t)(void);
extern const sys_call_ptr_t sys_call_table[__NR_syscall_max + 1];

/*
 * rt_sigreturn needs no assembly stub any more: the frame is always
 * complete. 6.12's table entry is the pt_regs wrapper of sys_rt_sigreturn,
 * which finds the registers at current_pt_regs(); the shared table calls
 * that entry stub_rt_sigreturn, so here is a stub by that name doing it.
 */
noinline long stub_rt_sigreturn(void)
{
    return sys_rt_sigreturn(task_pt_regs(current));
}

/* fork and clone need no stubs either; the shared table names them. */
long sys_clone(u64 flags, u64 newsp, u64 parent_tid, u64 child_tid, u64 tls);
long sys_fork(void);
long sys_vfork(void);
noinline long stub_clone(u64 flags, u64 newsp, u64 parent_tid, u64 child_tid, u64 tls)
{
    return sys_clone(flags, newsp, parent_tid, child_tid, tls);
}
noinline long stub_fork(void)
{
    return sys_fork();
}
noinline long stub_vfork(void)
{
    return sys_vfork();
}
long sys_execve(const char __user *path, const u64 __user *argv, const u64 __user *envp);
noinline long stub_execve(const char __user *path, const u64 __user *argv,
                          const u64 __user *envp)
{
    return sys_execve(path, argv, envp);
}

/* The child's side of fork (6.12's ret_from_fork, user case): the exit
 * work of the call it returns from. */
void schedule_tail(void);
noinline void ret_from_fork_c(struct pt_regs *regs)
{
    schedule_tail();
    syscall_exit_to_user_mode(regs);
}

/* Numbers are unsigned for the bounds check: a negative one is out of range. */
static bool do_syscall_x64(struct pt_regs *regs, int nr)
{
    unsigned int unr = (unsigned int)nr;
    if (likely(unr <= __NR_syscall_max)) {
        sys_call_args_t fn = (sys_call_args_t)(void (*)(void))sys_call_table[unr];
        regs->ax = (u64)fn(regs->di, regs->si, regs->dx, regs->r10, regs->r8, regs->r9);
        return true;
    }
    return false;
}

/* Returns true to leave by SYSRET, false to leave by IRET. */
noinline bool do_syscall_64(struct pt_regs *regs, int nr)
{
    nr = (int)syscall_enter_from_user_mode(regs, nr);

    if (!do_syscall_x64(regs, nr) && nr != -1) {
        /* An invalid number is still a system call: it fails. */
        regs->ax = (u64)sys_ni_syscall();
    }
    NOTE_HANDLER_RETURNED();

    syscall_exit_to_user_mode(regs);

    /*
     * Is the saved state one that SYSRET can restore? SYSRET loads rip
     * from rcx and rflags from r11, and its cs and ss from MSR_STAR.
     * Anything a tracer, a signal frame or sigreturn changed elsewhere
     * needs IRET.
     */
    NOTE_SYSRET_CHECK(SP_SYSRET_CHECK_RCX_RIP, regs->cx, regs->ip);
    if (unlikely(regs->cx != regs->ip))
        return false;
    NOTE_SYSRET_CHECK(SP_SYSRET_CHECK_R11_FLAGS, regs->r11, regs->flags);
    if (unlikely(regs->r11 != regs->flags))
        return false;

    NOTE_SYSRET_CHECK(SP_SYSRET_CHECK_CS, regs->cs, SP_USER_CS);
    if (unlikely(regs->cs != SP_USER_CS))
        return false;
    NOTE_SYSRET_CHECK(SP_SYSRET_CHECK_SS, regs->ss, SP_USER_DS);
    if (unlikely(regs->ss != SP_USER_DS))
        return false;

    /*
     * Intel CPUs raise #GP for a SYSRET to a non-canonical rcx while still
     * in ring 0, on the user's stack: a way for a user to own the kernel.
     * Below TASK_SIZE_MAX every address is canonical, and the last page
     * below the hole is never mapped.
     */
    NOTE_SYSRET_CHECK(SP_SYSRET_CHECK_IP_LIMIT, regs->ip, SP_TASK_SIZE_MAX);
    if (unlikely(regs->ip >= SP_TASK_SIZE_MAX))
        return false;

    /* SYSRET cannot restore RF; restoring TF would trap right after it. */
    NOTE_SYSRET_CHECK(SP_SYSRET_CHECK_RF_TF, regs->flags, X86_EFLAGS_RF | X86_EFLAGS_TF);
    if (unlikely(regs->flags & (X86_EFLAGS_RF | X86_EFLAGS_TF)))
        return false;

    return true;
}

/* ---- injection: the causes that differ in this era ------------------------------ */

/* A machine check in memory the task uses: 6.12 queues task work
 * (kill_me_maybe) instead of setting TIF_MCE_NOTIFY. */
static void kill_me_maybe(struct callback_head *cb)
{
    (void)cb;
    current->mce_pending = 0;
    sp_state.mce_notify_runs++;
}
static struct callback_head mce_work;

/*
 * Called by slowpath_inject first; returns true if this era gives the
 * flag a cause of its own. The syscall work moved out of the TIF word:
 * its causes set the syscall_work bit.
 */
bool era_inject(u32 tif_bit, struct task_struct *t)
{
    switch (tif_bit) {
    case TIF_SYSCALL_TRACE:
        sp_state.tracer_attached = 1; /* PTRACE_SYSCALL */
        set_task_syscall_work(t, SYSCALL_WORK_BIT_SYSCALL_TRACE);
        return true;
    case TIF_SYSCALL_EMU:
        sp_state.tracer_attached = 1; /* PTRACE_SYSEMU */
        set_task_syscall_work(t, SYSCALL_WORK_BIT_SYSCALL_EMU);
        return true;
    case TIF_SYSCALL_AUDIT:
        /* audit_attach() marks the task in the TIF word for the old eras;
         * here the mark is the syscall_work bit. */
        sp_state.audit_enabled = 1;
        t->audit_context = true;
        set_task_syscall_work(t, SYSCALL_WORK_BIT_SYSCALL_AUDIT);
        return true;
    case TIF_SYSCALL_TRACEPOINT:
        syscall_tracepoints_enabled = true;
        set_task_syscall_work(t, SYSCALL_WORK_BIT_SYSCALL_TRACEPOINT);
        return true;
    case TIF_SECCOMP:
        /* A filter-less seccomp mode: the bit alone. */
        set_task_syscall_work(t, SYSCALL_WORK_BIT_SECCOMP);
        return true;
    case TIF_SINGLESTEP:
        /* user_enable_single_step(): TIF_SINGLESTEP, TF in the saved
         * flags, and the exit trap (arch/x86/kernel/step.c:141). */
        sp_state.tracer_attached = 1;
        user_enable_single_step(t);
        sp_state.user_flags_set |= X86_EFLAGS_TF; /* see abi.h */
        set_task_syscall_work(t, SYSCALL_WORK_BIT_SYSCALL_EXIT_TRAP);
        return true;
    case TIF_MCE_NOTIFY:
        t->mce_pending++;
        if (!mce_work.func) {
            mce_work.func = kill_me_maybe;
            task_work_add(t, &mce_work);
        }
        return true;
    default:
        return false;
    }
}

/* uname's release: the Linux this era models, and that it is this model. */
const char uts_release[] = "6.12.0-slowpath";
