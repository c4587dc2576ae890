/*
 * Exception handlers, called by the entry stubs of entry_64.S with a full
 * pt_regs and the error code (0 if the vector has none).
 *
 * From user mode, a fault becomes a signal for the task; it is delivered
 * (or kills the task) on the way back, by the exit work. From kernel mode,
 * a fault is fine only at an instruction listed in the exception table
 * (user-memory access); anything else is a kernel bug: an oops, which
 * stops the machine.
 */
#include "desc.h"
#include "mm.h"
#include "sched.h"
#include "uaccess.h"

#define X86_TRAP_DE 0
#define X86_TRAP_DB 1
#define X86_TRAP_NMI 2
#define X86_TRAP_BP 3
#define X86_TRAP_OF 4
#define X86_TRAP_BR 5
#define X86_TRAP_UD 6
#define X86_TRAP_NM 7
#define X86_TRAP_DF 8
#define X86_TRAP_OLD_MF 9
#define X86_TRAP_TS 10
#define X86_TRAP_NP 11
#define X86_TRAP_SS 12
#define X86_TRAP_GP 13
#define X86_TRAP_PF 14
#define X86_TRAP_SPURIOUS 15
#define X86_TRAP_MF 16
#define X86_TRAP_AC 17
#define X86_TRAP_MC 18
#define X86_TRAP_XF 19

/* Page-fault error code bits. */
#define PF_PROT 0x1  /* the page was present: a protection violation */
#define PF_WRITE 0x2
#define PF_USER 0x4  /* the access came from user mode */

__noreturn void die(const char *why, struct pt_regs *regs, long error_code, u64 vector)
{
    (void)why;
    (void)error_code;
    sp_state.oops_vector = vector;
    sp_state.oops_rip = regs ? regs->ip : (u64)__builtin_return_address(0);
    sp_state.oops_cr2 = vector == X86_TRAP_PF ? read_cr2() : 0;
    sp_state.halt_reason = SP_HALT_OOPS;
    machine_halt();
}

void do_general_protection(struct pt_regs *regs, long error_code);

/* fixup_bad_iret found an iretq to an LDT SS refused (entry/calling.h,
 * espfix): the fault is the user's #GP(0), whatever the CPU raised (#SS,
 * #NP, #GP(selector)), as on Linux. */
static bool espfix_fault;
static bool take_espfix_fault(void)
{
    bool was = espfix_fault;
    espfix_fault = false;
    return was;
}

static void do_trap(int trapnr, int signr, const char *str, struct pt_regs *regs, long error_code,
                    int si_code, u64 addr)
{
    if (user_mode(regs) && take_espfix_fault()) {
        do_general_protection(regs, 0);
        return;
    }
    if (user_mode(regs)) {
        current->thread.error_code = error_code;
        current->thread.trap_nr = trapnr;
        force_sig_fault(signr, si_code, addr, current);
        return;
    }
    if (!fixup_exception(regs))
        die(str, regs, error_code, trapnr);
}

#define DO_ERROR(trapnr, signr, str, name, si_code, addr)                 \
    noinline void do_##name(struct pt_regs *regs, long error_code)        \
    {                                                                     \
        do_trap(trapnr, signr, str, regs, error_code, si_code, addr);     \
    }

DO_ERROR(X86_TRAP_DE, SIGFPE, "divide error", divide_error, FPE_INTDIV, regs->ip)
DO_ERROR(X86_TRAP_OF, SIGSEGV, "overflow", overflow, SI_KERNEL, 0)
DO_ERROR(X86_TRAP_BR, SIGSEGV, "bounds", bounds, SI_KERNEL, 0)
DO_ERROR(X86_TRAP_UD, SIGILL, "invalid opcode", invalid_op, ILL_ILLOPN, regs->ip)
DO_ERROR(X86_TRAP_OLD_MF, SIGFPE, "coprocessor segment overrun", coprocessor_segment_overrun,
         SI_KERNEL, 0)
DO_ERROR(X86_TRAP_TS, SIGSEGV, "invalid TSS", invalid_TSS, SI_KERNEL, 0)
DO_ERROR(X86_TRAP_NP, SIGBUS, "segment not present", segment_not_present, SI_KERNEL, 0)
DO_ERROR(X86_TRAP_SS, SIGBUS, "stack segment", stack_segment, SI_KERNEL, 0)
DO_ERROR(X86_TRAP_AC, SIGBUS, "alignment check", alignment_check, BUS_ADRALN, 0)
DO_ERROR(X86_TRAP_MF, SIGFPE, "coprocessor error", coprocessor_error, SI_KERNEL, regs->ip)
DO_ERROR(X86_TRAP_XF, SIGFPE, "SIMD coprocessor error", simd_coprocessor_error, SI_KERNEL,
         regs->ip)
DO_ERROR(X86_TRAP_BP, SIGTRAP, "int3", int3, TRAP_BRKPT, regs->ip)

/* CR0.TS is never set (no lazy FPU switching), so this cannot happen. */
noinline void do_device_not_available(struct pt_regs *regs, long error_code)
{
    die("device not available", regs, error_code, X86_TRAP_NM);
}

noinline void do_double_fault(struct pt_regs *regs, long error_code)
{
    die("double fault", regs, error_code, X86_TRAP_DF);
}

noinline void do_machine_check(struct pt_regs *regs, long error_code)
{
    die("machine check", regs, error_code, X86_TRAP_MC);
}

noinline void do_spurious_interrupt_bug(struct pt_regs *regs, long error_code)
{
    (void)regs;
    (void)error_code;
}

noinline void do_nmi(struct pt_regs *regs, long error_code)
{
    (void)regs;
    (void)error_code;
}

#define DR6_RESERVED 0xffff0ff0ULL /* DR6 with no event: reserved bits as the CPU keeps them */
#define DR_TRAP_BITS 0xfULL        /* B0-B3: a DR0-DR3 breakpoint hit */
#define DR_STEP 0x4000ULL          /* BS: a single step (TF) */

/* #DB: DR6 says why (read with its bits made positive, then reset, since
 * the CPU only ever sets them). From user mode the task gets SIGTRAP with
 * the si_code Linux's get_si_code gives (TRAP_TRACE for a step,
 * TRAP_HWBKPT for a breakpoint, TRAP_BRKPT when DR6 names no cause: ICEBP),
 * and a tracer reads the step and breakpoint bits in u_debugreg[6]. In the
 * kernel there is nothing to report. */
noinline void do_debug(struct pt_regs *regs, long error_code)
{
    u64 dr6;
    asm volatile("mov %%db6, %0" : "=r"(dr6));
    dr6 ^= DR6_RESERVED;
    asm volatile("mov %0, %%db6" : : "r"(DR6_RESERVED));
    if (!user_mode(regs))
        return;
    current->debugreg[6] = dr6 & (DR_STEP | DR_TRAP_BITS);
    /* An instruction breakpoint is a fault: the frame points at the
     * instruction, which would hit it again. RF lets the iret back to it
     * (or a sigreturn's, the signal frame keeps RF) run it once, as
     * Linux's hw_breakpoint_handler sets it. */
    for (int i = 0; i < 4; i++)
        if ((dr6 & (1u << i)) && debugreg_is_execute(current, i))
            regs->flags |= X86_EFLAGS_RF;
    int si_code = (dr6 & DR_STEP) ? TRAP_TRACE : (dr6 & DR_TRAP_BITS) ? TRAP_HWBKPT : TRAP_BRKPT;
    if (!(dr6 & (DR_STEP | DR_TRAP_BITS)) && dr6)
        return; /* another cause (a bus lock): no signal */
    current->thread.trap_nr = X86_TRAP_DB;
    current->thread.error_code = error_code;
    force_sig_fault(SIGTRAP, si_code, regs->ip, current);
}

/*
 * error_entry, for a fault on the exit path's iretq: the CPU refused the
 * user frame it was popping (a bad SS or CS after rt_sigreturn or a
 * tracer), so the fault came from kernel mode. As Linux does, make it a
 * fault of user mode at that frame: the user's registers (restored just
 * before the iretq) and the refused frame (at bad->sp) become the task's
 * pt_regs at the top of its stack, where error_entry moves the stack to.
 * The handler then sends SIGSEGV (or SIGBUS) to a task whose signal frame
 * shows the CS and SS it asked for.
 */
noinline struct pt_regs *fixup_bad_iret(struct pt_regs *bad)
{
    struct pt_regs tmp;
    memcpy(&tmp, bad, offsetof(struct pt_regs, ip)); /* the registers and the error code */
    memcpy(&tmp.ip, (const void *)bad->sp, 5 * sizeof(u64)); /* ip, cs, flags, sp, ss */
    struct pt_regs *regs = task_pt_regs(current);
    memcpy(regs, &tmp, sizeof(tmp)); /* over the old frame, which tmp holds */
    espfix_fault = tmp.ss & 4; /* an LDT SS: espfix64's way out on Linux */
    return regs;
}

noinline void do_general_protection(struct pt_regs *regs, long error_code)
{
    if (!user_mode(regs)) {
        if (fixup_exception(regs))
            return;
        die("general protection fault", regs, error_code, X86_TRAP_GP);
    }
    if (take_espfix_fault())
        error_code = 0;
    current->thread.error_code = error_code;
    current->thread.trap_nr = X86_TRAP_GP;
    force_sig(SIGSEGV, current);
}

noinline void do_page_fault(struct pt_regs *regs, long error_code)
{
    u64 address = read_cr2();

    /* A user page touched for the first time (by the program, or by the
     * kernel on its behalf in copy_to_user and friends) is mapped now and
     * the instruction runs again: demand paging. */
    int si_code = SEGV_MAPERR;
    if (address >= SP_USER_BASE && address < USER_ADDR_MAX) {
        si_code = handle_mm_fault(current->mm, address, error_code);
        if (!si_code)
            return;
    }

    if (!(error_code & PF_USER)) {
        /* A bad user pointer given to the kernel: resume at the fixup,
         * which returns -EFAULT. */
        if (fixup_exception(regs))
            return;
        die("page fault", regs, error_code, X86_TRAP_PF);
    }

    /* No VMA there (SEGV_MAPERR), or one that forbids the access
     * (SEGV_ACCERR): the task gets SIGSEGV at the faulting address. */
    current->thread.cr2 = address;
    current->thread.error_code = error_code;
    current->thread.trap_nr = X86_TRAP_PF;
    force_sig_fault(SIGSEGV, si_code, address, current);
}

/* Interrupt vectors 20-255. The host raises one: the timer tick
 * (SP_TIMER_VECTOR, abi.h), whose work is scheduler_tick(). No device
 * raises the others; Linux would acknowledge the interrupt and log the
 * stray vector. The stub left ~vector in orig_ax. */
noinline void do_IRQ(struct pt_regs *regs)
{
    if (~regs->orig_ax == SP_TIMER_VECTOR)
        scheduler_tick();
}
