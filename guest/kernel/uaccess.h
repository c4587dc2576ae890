/*
 * Reading and writing user memory from the kernel.
 *
 * A user pointer is never trusted: access_ok() rejects ranges outside the
 * user part of the address space, and every instruction that touches user
 * memory has an entry in the exception table (__ex_table). If it faults,
 * do_page_fault() finds the entry and resumes at the fixup code, which
 * turns the fault into -EFAULT instead of a kernel oops.
 */
#ifndef GUEST_UACCESS_H
#define GUEST_UACCESS_H

#include "kernel.h"

/* User addresses: from the first user page up to where Linux's user
 * address space ends (TASK_SIZE_MAX). The kernel lives below SP_USER_BASE
 * here, so the lower bound keeps user pointers out of it. */
#define USER_ADDR_MIN ((u64)SP_USER_BASE)
#define USER_ADDR_MAX 0x00007ffffffff000ULL

/* As Linux's __range_not_ok: the end of the range must neither carry past
 * 2^64 nor lie beyond the user limit (a start above the limit would make
 * "limit - start" wrap and pass). */
static inline bool access_ok(const void __user *addr, u64 size)
{
    u64 a = (u64)addr;
    u64 end = a + size;
    return a >= USER_ADDR_MIN && end >= a && end <= USER_ADDR_MAX;
}

struct exception_table_entry {
    u64 insn;  /* the instruction that may fault */
    u64 fixup; /* where to continue if it does */
};

/* One exception-table entry from inline assembly. */
#define _ASM_EXTABLE(from, to)               \
    ".pushsection __ex_table, \"a\"\n\t"     \
    ".balign 8\n\t"                          \
    ".quad " #from ", " #to "\n\t"           \
    ".popsection\n\t"

/* Copy n bytes; return how many were NOT copied (0 = success). */
unsigned long copy_from_user(void *to, const void __user *from, unsigned long n);
unsigned long copy_to_user(void __user *to, const void *from, unsigned long n);
int get_user_u64(u64 *val, const u64 __user *ptr);
int put_user_u64(u64 val, u64 __user *ptr);

struct pt_regs;
bool fixup_exception(struct pt_regs *regs);

#endif /* GUEST_UACCESS_H */
