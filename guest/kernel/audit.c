/*
 * System-call auditing, reduced to its visible effect: a record per
 * audited entry and exit in sp_state.audit.
 *
 * A task is audited when it has an audit context; Linux creates one when
 * the task is created while audit is enabled, and marks the task with
 * TIF_SYSCALL_AUDIT so the entry code takes the audit paths.
 */
#include "sched.h"

static void record_audit(u32 kind, u32 nr, s64 value, u32 success)
{
    u32 n = sp_state.audit_count;
    if (n < SP_MAX_RECORDS) {
        sp_state.audit[n].kind = kind;
        sp_state.audit[n].nr = nr;
        sp_state.audit[n].value = value;
        sp_state.audit[n].success = success;
        sp_state.audit_count = n + 1;
    }
}

/* Audit switched on (auditctl -e 1) and a context for the user task. */
void audit_attach(void)
{
    sp_state.audit_enabled = 1;
    init_task.audit_context = true;
    set_tsk_thread_flag(&init_task, TIF_SYSCALL_AUDIT);
}

noinline void __audit_syscall_entry(int arch, int major, unsigned long a1, unsigned long a2,
                                    unsigned long a3, unsigned long a4)
{
    (void)arch;
    (void)a2;
    (void)a3;
    (void)a4;
    if (!sp_state.audit_enabled)
        return;
    current->audit_in_syscall = true;
    current->audit_major = (u32)major;
    record_audit(1, (u32)major, (s64)a1, 0);
}

/*
 * success: nonzero if the call succeeded; return_code: its result.
 *
 * Only a call that audit saw enter is written out, once: the record is
 * made while the context is "in a syscall" and that state ends here,
 * whatever happens. v3.13 tests context->in_syscall, 6.12 tests
 * context->context == AUDIT_CTX_SYSCALL (kernel/auditsc.c:2064) and
 * resets it on every way out (audit_reset_context, :2082). So a second
 * call for the same syscall (the RFC's direct one after
 * syscall_trace_leave) writes nothing, and neither does the exit of a call
 * that was already running when audit was switched on.
 */
noinline void __audit_syscall_exit(int success, long return_code)
{
    bool in_syscall = current->audit_in_syscall;
    current->audit_in_syscall = false;
    if (!sp_state.audit_enabled || !in_syscall)
        return;
    record_audit(2, current->audit_major, return_code, success != 0);
}

/* The C-side wrapper syscall_trace_leave uses. */
void audit_syscall_exit(struct pt_regs *regs)
{
    if (current->audit_context) {
        long ret = (long)regs->ax;
        __audit_syscall_exit(!IS_ERR_VALUE(ret), ret);
    }
}
