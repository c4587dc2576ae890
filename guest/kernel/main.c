/*
 * start_kernel: after head_64.S has loaded the CPU tables, set up the two
 * tasks and hand the user program's registers back to head_64.S, which
 * enters user mode with them.
 */
#include "sched.h"

struct sp_kernel_state sp_state;

struct pt_regs *start_thread(struct task_struct *t, const struct sp_boot_params *p);

struct pt_regs *start_kernel(struct sp_boot_params *params)
{
    if (params->magic != SP_BOOT_MAGIC)
        BUG();
    sched_init();
    sync_signal_state(&init_task);
    struct pt_regs *regs = start_thread(&init_task, params);
    sp_state.halt_reason = SP_HALT_RUNNING;
    sp_state.magic = SP_BOOT_MAGIC;
    return regs;
}
