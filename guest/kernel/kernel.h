/*
 * Basics every file of the guest kernel uses: types, compiler helpers,
 * errno values, and the few library routines the kernel carries itself.
 */
#ifndef GUEST_KERNEL_H
#define GUEST_KERNEL_H

#include <slowpath/abi.h>

typedef unsigned long size_t;
typedef long ssize_t;
typedef _Bool bool;
#define true 1
#define false 0
#define NULL ((void *)0)

#define offsetof(type, member) __builtin_offsetof(type, member)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define min(a, b) ((a) < (b) ? (a) : (b))

/* The host traces calls to these functions by name, so each must stay a
 * real call and never be folded into its caller. */
#define noinline __attribute__((noinline))
#define __noreturn __attribute__((noreturn))
#define __packed __attribute__((packed))
#define __aligned(n) __attribute__((aligned(n)))
#define __weak __attribute__((weak))
#define __user /* marks pointers into user space, for the reader */

#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define ENXIO 6
#define E2BIG 7
#define ENOEXEC 8
#define EBADF 9
#define ECHILD 10
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define ENODEV 19
#define ENOTDIR 20
#define EISDIR 21
#define EINVAL 22
#define ENFILE 23
#define EMFILE 24
#define ENOTTY 25
#define ESPIPE 29
#define EROFS 30
#define EPIPE 32
#define ERANGE 34
#define ENAMETOOLONG 36
#define ENOSYS 38
#define ELOOP 40
#define EOPNOTSUPP 95
#define ETIMEDOUT 110
/* Never seen by user mode: the signal code restarts the call or makes it
 * fail with EINTR (kernel/signal.c). */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516 /* run again through restart_syscall */
#define MAX_ERRNO 4095
#define IS_ERR_VALUE(x) ((unsigned long)(x) >= (unsigned long)-MAX_ERRNO)

/* The most one read, write or getrandom moves: INT_MAX rounded down to a page. */
#define MAX_RW_COUNT 0x7ffff000UL

/* lib.c */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/* head_64.S: stop the machine for good (after sp_state.halt_reason is set). */
__noreturn void machine_halt(void);

/* The bookkeeping the host reads (struct sp_kernel_state in abi.h). */
extern struct sp_kernel_state sp_state;

/* traps.c: an unexpected kernel fault or a broken invariant. */
struct pt_regs;
__noreturn void die(const char *why, struct pt_regs *regs, long error_code, u64 vector);
#define BUG() die("BUG", NULL, 0, 0xffff)
#define BUG_ON(cond)          \
    do {                      \
        if (unlikely(cond))   \
            BUG();            \
    } while (0)

#endif /* GUEST_KERNEL_H */
