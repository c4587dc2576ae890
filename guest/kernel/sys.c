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
        save_user_bases(current);
        return put_user_u64(current->thread.fs, (u64 __user *)addr) ? -EFAULT : 0;
    default:
        return -EINVAL;
    }
}
