/*
 * Process-level system calls: identity, yielding, exiting, the program
 * break and the thread pointer.
 */
#include "desc.h"
#include "sched.h"
#include "syscalls.h"

noinline long sys_ni_syscall(void)
{
    return -ENOSYS;
}

noinline long sys_getpid(void)
{
    return current->tgid;
}

noinline long sys_gettid(void)
{
    return current->pid;
}

noinline long sys_sched_yield(void)
{
    schedule();
    return 0;
}

/*
 * The end of the task. `code` is a wait() status: (status << 8) for a
 * normal exit, the signal number for death by a signal. This kernel has
 * one user task, so its end is the end of the machine.
 */
noinline __noreturn void do_exit(long code)
{
    int sig = code & 0x7f;
    sp_state.killed_by = sig;
    sp_state.exit_code = sig ? 128 + sig : (code >> 8) & 0xff; /* as a shell reports it */
    current->state = TASK_INTERRUPTIBLE; /* never runs again */
    sp_state.halt_reason = SP_HALT_EXITED;
    machine_halt();
}

noinline long sys_exit(long error_code)
{
    do_exit((error_code & 0xff) << 8);
}

noinline long sys_exit_group(long error_code)
{
    do_exit((error_code & 0xff) << 8); /* one thread: the group is the task */
}

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

/* The C library keeps its thread pointer in the FS base. */
noinline long sys_arch_prctl(long code, u64 addr)
{
    switch (code) {
    case ARCH_SET_FS:
        if (addr >= 0x00007ffffffff000ULL)
            return -EPERM;
        current->thread.fs = addr;
        wrmsrl(MSR_FS_BASE, addr);
        return 0;
    case ARCH_GET_FS:
        return put_user_u64(current->thread.fs, (u64 __user *)addr) ? -EFAULT : 0;
    default:
        return -EINVAL;
    }
}

/* Thread exit would clear *tidptr; a single-threaded program only needs
 * its thread id back. */
noinline long sys_set_tid_address(u64 tidptr)
{
    (void)tidptr;
    return current->pid;
}
