/*
 * The 64-bit system-call and exception entry/exit code of a modern kernel
 * (Linux 6.12, arch/x86/entry/entry_64.S), written anew for this machine.
 *
 * Compare it with entry/v3.13/entry_64.S: the label maze is gone. The stub
 * builds a complete struct pt_regs at once, calls one C function,
 * do_syscall_64(regs, nr) (kernel/entry_common_modern.c), and that function
 * does all the entry and exit work and then answers one question: may this
 * return use SYSRET? The stub only acts on the answer.
 *
 * Left out (there is nothing here for them to do): page-table isolation and
 * its trampoline stack, the IBRS/retbleed/BHI mitigations, Xen PV, FRED,
 * ENDBR and unwind hints, the random kernel stack offset.
 *
 * NOTE lines emit no code; they tell the host what a place means.
 */
#include <slowpath/abi.h>
#include "../calling.h"

    .code64
    .section .entry.text, "ax"

/*
 * PUSH_AND_CLEAR_REGS: push the general registers below orig_ax, in the
 * order of struct pt_regs, so that with the hardware-style frame above them
 * the whole pt_regs exists. rax's slot gets `rax` (the syscall path stores
 * -ENOSYS: the answer if no handler runs). Then clear the registers, so
 * user values cannot steer speculation inside the kernel.
 */
.macro PUSH_AND_CLEAR_REGS rax = %rax
    pushq %rdi                          /* pt_regs->di */
    pushq %rsi                          /* pt_regs->si */
    pushq %rdx                          /* pt_regs->dx */
    pushq %rcx                          /* pt_regs->cx */
    pushq \rax                          /* pt_regs->ax */
    pushq %r8                           /* pt_regs->r8 */
    pushq %r9                           /* pt_regs->r9 */
    pushq %r10                          /* pt_regs->r10 */
    pushq %r11                          /* pt_regs->r11 */
    pushq %rbx                          /* pt_regs->bx */
    pushq %rbp                          /* pt_regs->bp */
    pushq %r12                          /* pt_regs->r12 */
    pushq %r13                          /* pt_regs->r13 */
    pushq %r14                          /* pt_regs->r14 */
    pushq %r15                          /* pt_regs->r15 */
    NOTE SP_NOTE_FULL_FRAME
    xorl %esi, %esi                     /* 32-bit xor clears the whole register */
    xorl %edx, %edx
    xorl %ecx, %ecx
    xorl %r8d, %r8d
    xorl %r9d, %r9d
    xorl %r10d, %r10d
    xorl %r11d, %r11d
    xorl %ebx, %ebx
    xorl %ebp, %ebp
    xorl %r12d, %r12d
    xorl %r13d, %r13d
    xorl %r14d, %r14d
    xorl %r15d, %r15d
.endm

/* POP_REGS: the reverse; pop_rdi=0 leaves rdi's slot for later. */
.macro POP_REGS pop_rdi = 1
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbp
    popq %rbx
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rax
    popq %rcx
    popq %rdx
    popq %rsi
    .if \pop_rdi
    popq %rdi
    .endif
.endm

/*
 * entry_SYSCALL_64: the SYSCALL instruction lands here (MSR_LSTAR).
 *
 *   rax  system call number      rdi rsi rdx r10 r8 r9  arguments 0-5
 *   rcx  user RIP to return to   r11  user RFLAGS
 *   rsp  still the user stack    interrupts off (MSR_FMASK clears IF)
 *
 * Every register is saved, every time: there is no partial frame and no
 * fast path that skips part of the work, so C code may look at (and a
 * tracer may change) any pt_regs slot without FIXUP_TOP_OF_STACK.
 */
    .globl entry_SYSCALL_64
entry_SYSCALL_64:
    swapgs                              /* %gs now reaches the per-CPU area */
    /* Linux parks the user rsp in a scratch slot of the per-CPU TSS; this
     * machine's per-CPU area has old_rsp for it. */
    movq %rsp, PER_CPU_VAR(old_rsp)
    /* The top of this task's kernel stack. (Linux reads it from the
     * per-CPU top_of_stack; here the per-CPU kernel_stack keeps v3.13's
     * meaning, 40 bytes below the top.) */
    movq PER_CPU_VAR(kernel_stack), %rsp
    addq $KERNEL_STACK_OFFSET, %rsp
    NOTE SP_NOTE_STACK_SWITCH
    .globl entry_SYSCALL_64_safe_stack
entry_SYSCALL_64_safe_stack:
    /* The frame an interrupt would have pushed, built by hand. */
    pushq $__USER_DS                    /* pt_regs->ss */
    pushq PER_CPU_VAR(old_rsp)          /* pt_regs->sp */
    pushq %r11                          /* pt_regs->flags */
    pushq $__USER_CS                    /* pt_regs->cs */
    pushq %rcx                          /* pt_regs->ip */
    .globl entry_SYSCALL_64_after_hwframe
entry_SYSCALL_64_after_hwframe:
    pushq %rax                          /* pt_regs->orig_ax */
    PUSH_AND_CLEAR_REGS rax=$-ENOSYS

    /* Interrupts are still off: do_syscall_64 turns them on. */
    movq %rsp, %rdi                     /* regs */
    movslq %eax, %rsi                   /* nr: system call numbers are int */
    call do_syscall_64                  /* returns with interrupts off */

    /*
     * do_syscall_64 returns true (al != 0) only if the saved state is one
     * SYSRET can restore exactly; anything else goes out through IRET.
     */
    testb %al, %al
    jz swapgs_restore_regs_and_return_to_usermode

    /* Nothing jumps here; the label names the fast exit. */
syscall_return_via_sysret:
    POP_REGS pop_rdi=0                  /* rcx = pt_regs->cx, r11 = pt_regs->r11 */
    /*
     * Left: rdi (its slot is at rsp) and rsp itself. Linux moves to the
     * per-CPU trampoline stack here to switch page tables; without page
     * table isolation the user rsp passes through the per-CPU scratch slot.
     */
    movq RSP-RDI(%rsp), %rdi
    movq %rdi, PER_CPU_VAR(old_rsp)
    popq %rdi
    movq PER_CPU_VAR(old_rsp), %rsp
    NOTE SP_NOTE_FRAME_GONE
    .globl entry_SYSRETQ_unsafe_stack
entry_SYSRETQ_unsafe_stack:
    swapgs
    NOTE SP_NOTE_DECISION, SP_DECISION_SYSRET
    sysretq
    .globl entry_SYSRETQ_end
entry_SYSRETQ_end:
    int3

/*
 * The one way back to user mode through IRET: system calls that failed a
 * SYSRET check, and every interrupt and exception that came from user
 * mode. All exit work is done by now (in C).
 */
    .globl swapgs_restore_regs_and_return_to_usermode
swapgs_restore_regs_and_return_to_usermode:
    POP_REGS
    addq $8, %rsp                       /* orig_ax */
    swapgs
    testb $3, 8(%rsp)                   /* the iret frame must say user mode */
    jz 1f
    ESPFIX_IF_LDT_SS
    jmp native_irq_return_iret
1:  ud2

    /* Back to interrupted kernel code: no swapgs, no exit work. */
    .globl restore_regs_and_return_to_kernel
restore_regs_and_return_to_kernel:
    POP_REGS
    addq $8, %rsp                       /* orig_ax */
    .globl native_irq_return_iret
native_irq_return_iret:
    NOTE SP_NOTE_FRAME_GONE
    NOTE SP_NOTE_DECISION, SP_DECISION_IRET
    iretq
    ESPFIX_RETURN

/*
 * A new task's first instructions (the child of fork or clone): the top of
 * its stack is the pt_regs copied from its parent, rax 0. 6.12's
 * ret_from_fork_asm calls ret_from_fork(), which does the exit work of the
 * system call, and leaves through IRET.
 */
    .globl ret_from_fork
ret_from_fork:
    movq %rsp, %rdi                     /* regs */
    call ret_from_fork_c                /* returns with interrupts off */
    jmp swapgs_restore_regs_and_return_to_usermode

/*
 * External interrupts and the reserved vectors 20-31. No device raises
 * them here; the stubs exist so that every IDT gate leads somewhere. Each
 * pushes ~vector+0x80 and joins common_interrupt. 16 bytes each, so the
 * IDT setup can find them.
 */
#define FIRST_IRQ_STUB_VECTOR 20
    .p2align 4
    .globl irq_entries_start
irq_entries_start:
    .set .Lvector, FIRST_IRQ_STUB_VECTOR
    .rept 256 - FIRST_IRQ_STUB_VECTOR
    .balign 16
    pushq $(~.Lvector + 0x80)
    jmp common_interrupt
    .set .Lvector, .Lvector + 1
    .endr

    .p2align 4
common_interrupt:
    cld                                 /* the C code wants DF clear; user mode may have set it */
    addq $-0x80, (%rsp)                 /* orig_ax = ~vector, in [-256,-1] */
    PUSH_AND_CLEAR_REGS
    call error_entry
    movq %rsp, %rdi                     /* pt_regs */
    call do_IRQ
    jmp error_return

/*
 * Exceptions. The CPU pushed ss rsp rflags cs rip, and an error code for
 * some vectors. In Linux each is an `idtentry` (asm_exc_page_fault...)
 * whose C side is wrapped in irqentry_enter()/irqentry_exit(); the IDT
 * setup of this machine knows the entries by their v3.13 names, and the
 * plain C handlers are followed by irqentry_exit_to_user_mode() here when
 * the exception came from user mode. #DB, #BP, NMI and #MC take the same
 * entry as the rest (Linux gives them IST stacks and paranoid entries).
 */
.macro idtentry sym, do_sym, has_error_code
    .globl \sym
\sym:
    cld                                 /* as at every interrupt: a user DF must not reach C */
    .if \has_error_code == 0
    pushq $-1                           /* orig_ax: no system call */
    .endif
    PUSH_AND_CLEAR_REGS
    call error_entry
    movq %rsp, %rdi                     /* pt_regs */
    .if \has_error_code
    movq ORIG_RAX(%rsp), %rsi           /* the error code the CPU pushed */
    .else
    xorl %esi, %esi                     /* none: the handler and the signal frame see 0 */
    .endif
    movq $-1, ORIG_RAX(%rsp)            /* no system call to restart */
    call \do_sym
    jmp error_return
.endm

idtentry divide_error do_divide_error 0
idtentry overflow do_overflow 0
idtentry bounds do_bounds 0
idtentry invalid_op do_invalid_op 0
idtentry device_not_available do_device_not_available 0
idtentry double_fault do_double_fault 1
idtentry coprocessor_segment_overrun do_coprocessor_segment_overrun 0
idtentry invalid_TSS do_invalid_TSS 1
idtentry segment_not_present do_segment_not_present 1
idtentry spurious_interrupt_bug do_spurious_interrupt_bug 0
idtentry coprocessor_error do_coprocessor_error 0
idtentry alignment_check do_alignment_check 1
idtentry simd_coprocessor_error do_simd_coprocessor_error 0
idtentry debug do_debug 0
idtentry int3 do_int3 0
idtentry stack_segment do_stack_segment 1
idtentry general_protection do_general_protection 1
idtentry page_fault do_page_fault 1
idtentry machine_check do_machine_check 0
idtentry nmi do_nmi 0

/*
 * Vector 0x80, IA32 emulation (6.12: DECLARE_IDTENTRY_RAW(IA32_SYSCALL_VECTOR,
 * int80_emulation) makes asm_int80_emulation from the idtentry macro). The
 * frame is the exception's: orig_ax -1 for now, ax the 32-bit number, every
 * register saved, so the exit restores r8-r15 too. int80_emulation
 * (entry_64_compat.S) reaches do_int80_emulation, which does the system
 * call and its exit work in C; Linux's error_return then only picks the
 * user-mode exit, the exit work being done: here that is
 * swapgs_restore_regs_and_return_to_usermode directly, since this
 * machine's error_return runs the exit work of plain C handlers.
 */
    .globl asm_int80_emulation
asm_int80_emulation:
    cld
    pushq $-1                           /* orig_ax: do_int80_emulation fills it in */
    PUSH_AND_CLEAR_REGS
    call error_entry
    movq %rsp, %rdi                     /* pt_regs */
    call int80_emulation
    jmp swapgs_restore_regs_and_return_to_usermode

/*
 * error_entry: the registers are saved (the stubs run PUSH_AND_CLEAR_REGS
 * first; Linux does it inside error_entry); take the kernel's gs if the
 * exception came from user mode.
 */
    .globl error_entry
error_entry:
    testb $3, CS+8(%rsp)
    jz .Lerror_kernelspace
    swapgs
    ret

    /*
     * From kernel mode. One case still runs with the user's gs: the iretq
     * of the exit path faulted on a bad user frame after its swapgs. Take
     * the kernel's gs back: the fault is handled as one of user mode.
     */
.Lerror_kernelspace:
    leaq native_irq_return_iret(%rip), %rcx
    cmpq %rcx, RIP+8(%rsp)
    je 2f
    leaq espfix_iret(%rip), %rcx
    cmpq %rcx, RIP+8(%rsp)
    jne 1f
2:  swapgs
    MOVE_TO_BAD_IRET_FRAME
1:  ret

/*
 * error_return: an exception or interrupt is handled. Back to user mode
 * through the exit work (irqentry_exit_to_user_mode, in C) and IRET;
 * back to the kernel directly.
 */
    .globl error_return
error_return:
    testb $3, CS(%rsp)
    jz restore_regs_and_return_to_kernel
    movq %rsp, %rdi
    call irqentry_exit_to_user_mode     /* returns with interrupts off */
    jmp swapgs_restore_regs_and_return_to_usermode

/* Kept for the host and the shared boot code, which know the v3.13 name
 * of the system-call entry. */
    .globl system_call
    .set system_call, entry_SYSCALL_64
