/*
 * The RFC: all of the system-call exit work in one C function, which also
 * decides how to leave. Written as in the mail, including what a review
 * would question:
 *   - __audit_syscall_exit gets (return value, success) although it takes
 *     (success, return value);
 *   - with AUDIT set, syscall_trace_leave has already reported the exit
 *     to audit; the direct call reports it again (Linux's audit would find
 *     the call already closed; the record here shows the second call);
 *   - flags that no exit work clears (SYSCALL_TRACE, SYSCALL_TRACEPOINT,
 *     SYSCALL_EMU) leave the return value 0, so sysret_check sees them
 *     again and calls us again, for ever. SINGLESTEP escapes only because
 *     its report forces a SIGTRAP: the next round delivers it, returns 1,
 *     and the iret path masks the exit-work bits.
 */
#include "sched.h"

/* Returns 0 if the saved user state is unchanged and sysret may be used,
 * nonzero if registers may have changed and only iret is safe. */
noinline int syscall_exit_slowpath(struct pt_regs *regs, u32 thread_info_flags)
{
    int retval = 0;

    if (thread_info_flags & _TIF_NEED_RESCHED)
        schedule();

    if (thread_info_flags & _TIF_WORK_SYSCALL_EXIT)
        syscall_trace_leave(regs);

    if (thread_info_flags & _TIF_SYSCALL_AUDIT)
        __audit_syscall_exit(regs->ax, regs->ax < (u64)-MAX_ERRNO);

    /* A machine check hit memory this task uses. */
    if (thread_info_flags & _TIF_MCE_NOTIFY)
        mce_notify_process();

    if (thread_info_flags & _TIF_UPROBE)
        uprobe_notify_resume(regs);

    /* A signal frame rewrites ip, sp and more: only iret restores those. */
    if (thread_info_flags & _TIF_SIGPENDING) {
        do_signal(regs);
        retval = 1;
    }

    /* Task work runs here and no longer forces the iret path. */
    if (thread_info_flags & _TIF_NOTIFY_RESUME) {
        clear_thread_flag(TIF_NOTIFY_RESUME);
        tracehook_notify_resume(regs);
    }

    if (thread_info_flags & _TIF_USER_RETURN_NOTIFY)
        fire_user_return_notifiers();

    return retval;
}

/* The old entry point, still used by the iret path and exception returns;
 * those already handled rescheduling and audit in assembly. */
noinline void do_notify_resume(struct pt_regs *regs, void *unused, u32 thread_info_flags)
{
    (void)unused;
    syscall_exit_slowpath(regs, thread_info_flags & ~(_TIF_NEED_RESCHED | _TIF_SYSCALL_AUDIT));
}

/* uname's release: the Linux this era models, and that it is this model. */
const char uts_release[] = "3.13.0-slowpath-rfc";
