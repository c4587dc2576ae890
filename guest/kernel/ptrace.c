/*
 * The slow entry and exit hooks of a system call: what a tracer (ptrace),
 * the syscall tracepoints and audit see. tracesys calls
 * syscall_trace_enter; the exit path calls syscall_trace_leave.
 *
 * A task a program traces with ptrace(2) really stops (ptrace_tracer.c).
 * The flag injections' tracer is simulated: instead of stopping the task
 * and waking a debugger, a stop is recorded in sp_state.tracer_stops and
 * the task goes on at once, as if the tracer had resumed it without
 * changing anything.
 */
#include "sched.h"

bool syscall_tracepoints_enabled;

static void record_tracer_stop(u32 kind, u32 nr, s64 value)
{
    u32 n = sp_state.tracer_stop_count;
    if (n < SP_MAX_RECORDS) {
        sp_state.tracer_stops[n].kind = kind;
        sp_state.tracer_stops[n].nr = nr;
        sp_state.tracer_stops[n].value = value;
        sp_state.tracer_stop_count = n + 1;
    }
}

/* kind 1: syscall entry (the tracer sees orig_rax), 2: syscall exit
 * (it sees the return value). Returns nonzero if the call must not run
 * (a real tracee killed in its entry stop). */
noinline int ptrace_report_syscall(struct pt_regs *regs, u32 kind)
{
    if (current->ptrace)
        return ptrace_report_syscall_real(kind);
    if (!sp_state.tracer_attached)
        return 0;
    record_tracer_stop(kind, (u32)regs->orig_ax, kind == 1 ? (s64)regs->orig_ax : (s64)regs->ax);
    return 0;
}

/*
 * The task finished a step that ended in a system call: the single-stepping
 * tracer must hear of it (kind 3). Linux tells it the way a hardware step
 * would, with a SIGTRAP forced on the task; the tracer receives that signal
 * on the way out (do_signal) and keeps it.
 */
noinline void user_single_step_report(struct pt_regs *regs)
{
    if (current->ptrace) {
        force_sig_fault(SIGTRAP, TRAP_BRKPT, regs->ip, current);
        return;
    }
    if (!sp_state.tracer_attached)
        return;
    record_tracer_stop(3, (u32)regs->orig_ax, (s64)regs->ax);
    force_sig_fault(SIGTRAP, TRAP_BRKPT, regs->ip, current);
}

/* A signal handler was just set up while single-stepping: the tracer stops
 * the task at the handler's first instruction (ptrace_notify, no signal).
 * handle_signal cleared TF for the handler; the tracer's PTRACE_SINGLESTEP
 * sets it again, so the handler is stepped too. */
void tracehook_signal_handler(struct pt_regs *regs, bool stepping)
{
    if (stepping && current->ptrace) {
        ptrace_notify(SIGTRAP);
        return;
    }
    if (stepping && sp_state.tracer_attached) {
        record_tracer_stop(3, (u32)regs->orig_ax, (s64)regs->ax);
        user_enable_single_step(current);
    }
}

/*
 * PTRACE_SINGLESTEP, as arch/x86/kernel/step.c:113 enable_single_step()
 * does it to a stopped tracee: TIF_SINGLESTEP, and TF in the saved user
 * flags, so the CPU raises #DB after the next user instruction (do_debug
 * turns that into a SIGTRAP for the tracer). TIF_FORCED_TF remembers that
 * the tracer, not the program, set TF (:169). The modern era also sets
 * the SYSCALL_EXIT_TRAP work bit (:141), in its era_inject.
 *
 * The saved flags are task_pt_regs()->flags. Where the entry code has not
 * filled that slot (v3.13's and the RFC's fast path keep the user flags in
 * r11 until FIXUP_TOP_OF_STACK copies them over it), the TF written here
 * is lost, and only syscall_trace_enter sets it again at the next entry.
 */
void user_enable_single_step(struct task_struct *child)
{
    struct pt_regs *regs = task_pt_regs(child);

    if (test_tsk_thread_flag(child, TIF_SINGLESTEP))
        regs->flags |= X86_EFLAGS_TF;
    set_tsk_thread_flag(child, TIF_SINGLESTEP);
    u64 oflags = regs->flags;
    regs->flags |= X86_EFLAGS_TF;
    if (!(oflags & X86_EFLAGS_TF))
        set_tsk_thread_flag(child, TIF_FORCED_TF);
}

/* The v3.13-shaped hooks below serve the two old eras; the modern era has
 * the generic entry code (kernel/entry_common_modern.c) instead, as Linux
 * has with CONFIG_GENERIC_ENTRY. */
#ifndef CONFIG_GENERIC_ENTRY
/* Returns nonzero if the system call must be skipped (the tracee was killed). */
static int tracehook_report_syscall_entry(struct pt_regs *regs)
{
    return ptrace_report_syscall(regs, 1);
}

static void tracehook_report_syscall_exit(struct pt_regs *regs, bool step)
{
    if (step)
        user_single_step_report(regs);
    else
        ptrace_report_syscall(regs, 2);
}

#endif /* !CONFIG_GENERIC_ENTRY */

noinline void trace_sys_enter(struct pt_regs *regs, long id)
{
    (void)regs;
    (void)id;
    if (syscall_tracepoints_enabled)
        sp_state.tracepoint_hits++;
}

noinline void trace_sys_exit(struct pt_regs *regs, long ret)
{
    (void)regs;
    (void)ret;
    if (syscall_tracepoints_enabled)
        sp_state.tracepoint_hits++;
}

#ifndef CONFIG_GENERIC_ENTRY
static void audit_syscall_entry(int arch, long major, u64 a0, u64 a1, u64 a2, u64 a3)
{
    if (current->audit_context)
        __audit_syscall_entry(arch, (int)major, a0, a1, a2, a3);
}

/*
 * Returns the system call number to run, or -1 to skip the call (its
 * result then stays -ENOSYS, written by tracesys).
 */
noinline long syscall_trace_enter(struct pt_regs *regs)
{
    long ret = 0;

    /*
     * A step into the syscall instruction: SYSCALL cleared TF (MSR_FMASK),
     * so put it back in the saved flags; the iret at the end restores it
     * and stepping goes on after the call (v3.13 arch/x86/kernel/ptrace.c,
     * syscall_trace_enter). syscall_trace_leave reports the step itself.
     */
    if (test_thread_flag(TIF_SINGLESTEP))
        regs->flags |= X86_EFLAGS_TF;

    /* TIF_SECCOMP: no filter is ever installed, so every call is allowed. */

    if (unlikely(test_thread_flag(TIF_SYSCALL_EMU)))
        ret = -1L; /* the tracer emulates the call: skip it */

    if ((ret || test_thread_flag(TIF_SYSCALL_TRACE)) && tracehook_report_syscall_entry(regs))
        ret = -1L;

    if (unlikely(test_thread_flag(TIF_SYSCALL_TRACEPOINT)))
        trace_sys_enter(regs, (long)regs->orig_ax);

    audit_syscall_entry(AUDIT_ARCH_X86_64, (long)regs->orig_ax, regs->di, regs->si, regs->dx,
                        regs->r10);

    return ret ? ret : (long)regs->orig_ax;
}

noinline void syscall_trace_leave(struct pt_regs *regs)
{
    audit_syscall_exit(regs);

    if (unlikely(test_thread_flag(TIF_SYSCALL_TRACEPOINT)))
        trace_sys_exit(regs, (long)regs->ax);

    /* With SYSCALL_EMU the entry report already covered this call. */
    bool step = unlikely(test_thread_flag(TIF_SINGLESTEP)) && !test_thread_flag(TIF_SYSCALL_EMU);
    if (step || test_thread_flag(TIF_SYSCALL_TRACE))
        tracehook_report_syscall_exit(regs, step);
}
#endif /* !CONFIG_GENERIC_ENTRY */
