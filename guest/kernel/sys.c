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

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

/* The C library keeps its thread pointer in the FS base; GS is the
 * program's. Setting a base loads the null selector with it, as Linux has
 * always done (the selector's own base would be meaningless then). */
noinline long sys_arch_prctl(long code, u64 addr)
{
    struct task_struct *me = current;
    switch (code) {
    case ARCH_SET_FS:
        if (addr >= SP_TASK_SIZE_MAX)
            return -EPERM;
        asm volatile("movw %w0, %%fs" : : "r"(0));
        me->usel.fs = 0;
        me->thread.fs = addr;
        wrmsrl(MSR_FS_BASE, addr);
        return 0;
    case ARCH_SET_GS:
        if (addr >= SP_TASK_SIZE_MAX)
            return -EPERM;
        load_user_gs(me, 0, addr);
        return 0;
    case ARCH_GET_FS:
    case ARCH_GET_GS:
        save_user_bases(me);
        if (put_user_u64(code == ARCH_GET_FS ? me->thread.fs : me->thread.gs, (u64 __user *)addr))
            return -EFAULT;
        return 0;
    default:
        return -EINVAL;
    }
}
