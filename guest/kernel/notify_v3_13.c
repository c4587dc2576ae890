/*
 * v3.13: the C half of the exit work. The assembly has already dealt with
 * rescheduling, audit and exit tracing, and chosen the iret path; what is
 * left is called here, in this order.
 */
#include "sched.h"

noinline void do_notify_resume(struct pt_regs *regs, void *unused, u32 thread_info_flags)
{
    (void)unused;

    /* A machine check hit memory this task uses. */
    if (thread_info_flags & _TIF_MCE_NOTIFY)
        mce_notify_process();

    if (thread_info_flags & _TIF_UPROBE)
        uprobe_notify_resume(regs);

    /* Deliver a signal: may rewrite regs to enter a handler. */
    if (thread_info_flags & _TIF_SIGPENDING)
        do_signal(regs);

    if (thread_info_flags & _TIF_NOTIFY_RESUME) {
        /* Clear first: work queued while we run must set it again. */
        clear_thread_flag(TIF_NOTIFY_RESUME);
        tracehook_notify_resume(regs);
    }

    if (thread_info_flags & _TIF_USER_RETURN_NOTIFY)
        fire_user_return_notifiers();
}

/* uname's release: the Linux this era models, and that it is this model. */
const char uts_release[] = "3.13.0-slowpath";
