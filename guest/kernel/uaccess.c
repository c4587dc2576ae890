/*
 * User-memory access with exception-table fixups.
 *
 * The copies use `rep movsb`: if it faults part-way, rcx still holds the
 * number of bytes left, which is exactly what copy_*_user must return. The
 * fixup address is simply the instruction after it.
 */
#include "uaccess.h"
#include "ptrace.h"

extern const struct exception_table_entry __start___ex_table[];
extern const struct exception_table_entry __stop___ex_table[];

static unsigned long copy_user_bytes(void *to, const void *from, unsigned long n)
{
    asm volatile("1: rep movsb\n"
                 "2:\n\t" _ASM_EXTABLE(1b, 2b)
                 : "+c"(n), "+D"(to), "+S"(from)
                 :
                 : "memory");
    return n;
}

unsigned long copy_from_user(void *to, const void __user *from, unsigned long n)
{
    unsigned long left = n;
    if (access_ok(from, n))
        left = copy_user_bytes(to, from, n);
    /* Callers must never see stale kernel data where the copy stopped. */
    if (left)
        memset((char *)to + (n - left), 0, left);
    return left;
}

unsigned long copy_to_user(void __user *to, const void *from, unsigned long n)
{
    if (!access_ok(to, n))
        return n;
    return copy_user_bytes(to, from, n);
}

int get_user_u64(u64 *val, const u64 __user *ptr)
{
    int err = 0;
    u64 v = 0;
    if (!access_ok(ptr, sizeof(*ptr)))
        return -EFAULT;
    asm volatile("1: movq %2, %1\n"
                 "2:\n\t"
                 ".pushsection .fixup, \"ax\"\n"
                 "3: movl %3, %0\n\t"
                 "xorl %k1, %k1\n\t"
                 "jmp 2b\n\t"
                 ".popsection\n\t" _ASM_EXTABLE(1b, 3b)
                 : "+r"(err), "=r"(v)
                 : "m"(*ptr), "i"(-EFAULT));
    *val = v;
    return err;
}

int put_user_u64(u64 val, u64 __user *ptr)
{
    int err = 0;
    if (!access_ok(ptr, sizeof(*ptr)))
        return -EFAULT;
    asm volatile("1: movq %2, %1\n"
                 "2:\n\t"
                 ".pushsection .fixup, \"ax\"\n"
                 "3: movl %3, %0\n\t"
                 "jmp 2b\n\t"
                 ".popsection\n\t" _ASM_EXTABLE(1b, 3b)
                 : "+r"(err), "=m"(*ptr)
                 : "r"(val), "i"(-EFAULT));
    return err;
}

/* A kernel-mode fault: is the faulting instruction allowed to fault? */
bool fixup_exception(struct pt_regs *regs)
{
    for (const struct exception_table_entry *e = __start___ex_table; e < __stop___ex_table; e++) {
        if (e->insn == regs->ip) {
            regs->ip = e->fixup;
            return true;
        }
    }
    return false;
}
