/*
 * IA32 emulation in the modern era: the C side of `int $0x80`, after
 * 6.12's arch/x86/entry/common.c (do_int80_emulation, syscall_32_enter,
 * do_syscall_32_irqs_on), written anew.
 *
 * The entry (asm_int80_emulation → int80_emulation) saved every register
 * in pt_regs with orig_ax -1 and the number in ax. Here the number moves
 * to orig_ax (32 bits of it) and ax becomes -ENOSYS, the answer if no
 * handler runs, so a tracer at the entry stop sees what it sees for a
 * 64-bit call: the compat number in orig_ax. Then the same entry work,
 * the 32-bit table (compat_table.c) with the arguments from ebx ecx edx esi
 * edi ebp, and the same exit work. The exit is always IRET, with every
 * register restored from pt_regs (r8-r15 included).
 *
 * Left out: the panics for an int 0x80 from kernel mode or from the
 * interrupt controller (this machine has no APIC), context tracking, the
 * random kernel-stack offset.
 */
#include "compat.h"
#include "kernel.h"
#include "note_asm.h"
#include "sched.h"
#include "syscalls.h"

long syscall_enter_from_user_mode(struct pt_regs* regs, long syscall); /* entry_common_modern.c */
void syscall_exit_to_user_mode(struct pt_regs* regs);

typedef long (*ia32_sys_call_args_t)(u64, u64, u64, u64, u64, u64);

/* TS_COMPAT: "a 32-bit system call is running"; the exit work clears it. */
static int syscall_32_enter(struct pt_regs* regs) {
    task_thread_info(current)->status |= TS_COMPAT;
    return (int)regs->orig_ax;
}

/* The 32-bit handlers take their arguments as 32-bit values. */
static long ia32_sys_call(struct pt_regs* regs, unsigned int nr) {
    ia32_sys_call_args_t fn = (ia32_sys_call_args_t)(void (*)(void))ia32_sys_call_table[nr];
    return fn((u32)regs->bx, (u32)regs->cx, (u32)regs->dx, (u32)regs->si, (u32)regs->di,
              (u32)regs->bp);
}

/* A negative number compares as a very large one: out of range. */
static void do_syscall_32_irqs_on(struct pt_regs* regs, int nr) {
    unsigned int unr = (unsigned int)nr;
    if (likely(unr < IA32_NR_syscalls))
        regs->ax = (u64)ia32_sys_call(regs, unr);
    else if (nr != -1)
        regs->ax = (u64)sys_ni_syscall();
}

noinline void do_int80_emulation(struct pt_regs* regs) {
    regs->orig_ax = regs->ax & 0xffffffffUL;
    regs->ax = (u64)-ENOSYS;

    int nr = syscall_32_enter(regs);

    /* Interrupts on, then the entry work (syscall_enter_from_user_mode_work). */
    nr = (int)syscall_enter_from_user_mode(regs, nr);
    do_syscall_32_irqs_on(regs, nr);
    NOTE_HANDLER_RETURNED();

    syscall_exit_to_user_mode(regs);
}
