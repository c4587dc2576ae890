/*
 * User-memory access with exception-table fixups.
 *
 * The copies use `rep movsb`: if it faults part-way, rcx still holds the
 * number of bytes left, which is exactly what copy_*_user must return.
 *
 * Every fixup target is a named label in .fixup, named as Linux's
 * arch/x86/lib names them: bad_from_user and bad_to_user (copy_user_64.S),
 * bad_get_user (getuser.S) and bad_put_user (putuser.S). Being real symbols,
 * a walkthrough and the stack and code panels can call them by name. A name
 * is global, so each stub exists once: the copy's inline assembly is written
 * out in copy_from_user() and copy_to_user() themselves, not shared.
 */
#include "uaccess.h"
#include "ptrace.h"

extern const struct exception_table_entry __start___ex_table[];
extern const struct exception_table_entry __stop___ex_table[];

/* rep movsb from 1:, resuming at 2:; a fault goes to the named stub, which
 * leaves rcx (the bytes not copied) as it is and jumps back to 2:. */
#define COPY_USER_BYTES(fixup_name, n, to, from)                 \
    asm volatile("1: rep movsb\n"                                \
                 "2:\n\t"                                        \
                 ".pushsection .fixup, \"ax\"\n\t"               \
                 ".globl " fixup_name "\n"                       \
                 fixup_name ":\n\t"                              \
                 "jmp 2b\n\t"                                    \
                 ".popsection\n\t" _ASM_EXTABLE(1b, fixup_name) \
                 : "+c"(n), "+D"(to), "+S"(from)                 \
                 :                                               \
                 : "memory")

unsigned long copy_from_user(void *to, const void __user *from, unsigned long n)
{
    unsigned long left = n;
    void *dst = to;
    if (access_ok(from, n))
        COPY_USER_BYTES("bad_from_user", left, dst, from);
    /* Callers must never see stale kernel data where the copy stopped. */
    if (left)
        memset((char *)to + (n - left), 0, left);
    return left;
}

unsigned long copy_to_user(void __user *to, const void *from, unsigned long n)
{
    if (!access_ok(to, n))
        return n;
    COPY_USER_BYTES("bad_to_user", n, to, from);
    return n;
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
                 ".globl bad_get_user\n"
                 "bad_get_user: movl %3, %0\n\t"
                 "xorl %k1, %k1\n\t"
                 "jmp 2b\n\t"
                 ".popsection\n\t" _ASM_EXTABLE(1b, bad_get_user)
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
                 ".globl bad_put_user\n"
                 "bad_put_user: movl %3, %0\n\t"
                 "jmp 2b\n\t"
                 ".popsection\n\t" _ASM_EXTABLE(1b, bad_put_user)
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
