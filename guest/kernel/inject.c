/*
 * slowpath_inject(bit): make a thread_info work flag appear the way it
 * appears in a real kernel, by performing its cause. The host calls this
 * in ring 0 on a stack of its own (inject_stack_top), at the moment the
 * scenario asks for, and puts the registers back afterwards.
 *
 * The target is the user task. Whether the flag ends up set is up to the
 * cause, as in Linux: a blocked SIGUSR1 stays pending without setting
 * TIF_SIGPENDING; waking an already running kworker changes nothing.
 */
#include "sched.h"

/* An era whose causes differ (the modern one) overrides this. */
__attribute__((weak)) bool era_inject(u32 tif_bit, struct task_struct *t)
{
    (void)tif_bit;
    (void)t;
    return false;
}

noinline void slowpath_inject(u32 tif_bit)
{
    struct task_struct *t = &init_task;

    if (era_inject(tif_bit, t))
        return;

    switch (tif_bit) {
    case TIF_SIGPENDING: {
        /* Someone sends the task SIGUSR1. */
        siginfo_t info = {.si_signo = SIGUSR1, .si_code = SI_KERNEL};
        send_signal(SIGUSR1, &info, t);
        break;
    }
    case TIF_NEED_RESCHED:
        /* A kernel thread becomes runnable and should preempt the task. */
        wake_up_process(&kworker_task);
        break;
    case TIF_NOTIFY_RESUME: {
        /* Work queued to run in the task's context before user mode. */
        struct callback_head *work = task_work_alloc_demo();
        if (work)
            task_work_add(t, work);
        else
            set_tsk_thread_flag(t, TIF_NOTIFY_RESUME);
        break;
    }
    case TIF_SYSCALL_AUDIT:
        audit_attach();
        break;
    case TIF_SYSCALL_TRACE:
        /* A debugger attaches and asks to stop at each system call
         * (PTRACE_SYSCALL). */
        sp_state.tracer_attached = 1;
        set_tsk_thread_flag(t, TIF_SYSCALL_TRACE);
        break;
    case TIF_SINGLESTEP:
        /* A debugger single-steps the task (PTRACE_SINGLESTEP). */
        sp_state.tracer_attached = 1;
        user_enable_single_step(t);
        sp_state.user_flags_set |= X86_EFLAGS_TF; /* see abi.h */
        break;
    case TIF_SYSCALL_TRACEPOINT:
        /* Someone enables the sys_enter/sys_exit tracepoints; Linux marks
         * every task at that moment. */
        syscall_tracepoints_enabled = true;
        set_tsk_thread_flag(t, TIF_SYSCALL_TRACEPOINT);
        break;
    case TIF_MCE_NOTIFY:
        mce_queue_for(t);
        break;
    case TIF_USER_RETURN_NOTIFY:
        user_return_notifier_register_demo();
        break;
    case TIF_UPROBE:
        uprobe_hit(t);
        break;
    default:
        /* No cause modelled (SECCOMP, SYSCALL_EMU, NOHZ...): the bit alone. */
        if (tif_bit < 32)
            set_tsk_thread_flag(t, (int)tif_bit);
        break;
    }
}
