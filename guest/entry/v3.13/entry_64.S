/*
 * The 64-bit system-call and exception entry/exit code, Linux v3.13 era.
 *
 * Same labels, same order and same decisions as arch/x86/kernel/entry_64.S
 * of v3.13, written anew for this machine. Read it beside the real file:
 * the differences are listed where they occur (no CFI annotations, no
 * paravirt hooks, no IRQ stacks, no IST/paranoid entries, no IA32
 * stubs, because this kernel has no 32-bit tasks; `int $0x80` has its
 * own file, ia32entry.S).
 *
 * Vocabulary:
 *   partial frame  the registers C may clobber, saved by SAVE_ARGS;
 *                  %rsp then points at the r11 slot (ARGOFFSET).
 *   full frame     partial frame plus rbx rbp r12-r15 (SAVE_REST).
 *   top of stack   the ip cs eflags sp ss slots an interrupt would push.
 *                  SYSCALL pushes nothing, so on the fast path only ip is
 *                  written; FIXUP_TOP_OF_STACK fills in the rest.
 *
 * NOTE lines emit no code. They tell the host what a place means (a work
 * check, a frame change, the sysret/iret decision) so it can show it.
 */
#include <slowpath/abi.h>
#include "../calling.h"

/* Without kernel preemption a return to kernel mode has nothing to check. */
#define retint_kernel retint_restore_args

    .code64
    .section .entry.text, "ax"

/*
 * system_call: the SYSCALL instruction lands here (MSR_LSTAR).
 *
 *   rax  system call number      rdi rsi rdx r10 r8 r9  arguments 0-5
 *   rcx  user RIP to return to   r11  user RFLAGS
 *   rsp  still the user stack    interrupts off (MSR_FMASK clears IF)
 *
 * The fourth argument travels in r10 because SYSCALL needs rcx for the
 * return address; it is moved to rcx just before the C handler is called.
 * rbx rbp r12-r15 are preserved by the C handlers and never saved here.
 *
 * Whenever C code may have changed the saved registers (signals, ptrace,
 * sigreturn) the exit goes through iret: sysret trusts rcx and r11 and
 * mishandles a non-canonical return address on some CPUs.
 */
    .globl system_call
system_call:
    swapgs                              /* %gs now reaches the per-CPU area */
    .globl system_call_after_swapgs
system_call_after_swapgs:
    movq %rsp, PER_CPU_VAR(old_rsp)     /* park the user stack pointer */
    movq PER_CPU_VAR(kernel_stack), %rsp /* = &pt_regs->ip of this task */
    NOTE SP_NOTE_STACK_SWITCH
    sti                                 /* safe now that we are on our own stack */
    SAVE_ARGS 8, 0                      /* orig_rax slot skipped, rcx not saved */
    movq %rax, ORIG_RAX-ARGOFFSET(%rsp)
    movq %rcx, RIP-ARGOFFSET(%rsp)
    NOTE SP_NOTE_PARTIAL_FRAME
    /* Any entry work (tracing, audit, seccomp...) takes the slow entry. */
    testl $_TIF_WORK_SYSCALL_ENTRY, TI_flags+THREAD_INFO(%rsp, RIP-ARGOFFSET)
    NOTE SP_NOTE_TIF_MEMTEST, _TIF_WORK_SYSCALL_ENTRY
    jnz tracesys
system_call_fastpath:
    cmpq $__NR_syscall_max, %rax
    ja badsys
    movq %r10, %rcx                     /* fourth argument, C convention */
    call *sys_call_table(, %rax, 8)
    movq %rax, RAX-ARGOFFSET(%rsp)

/*
 * Return through sysret. The frame is partial and its top is undefined:
 * whatever runs from here on must not need a complete pt_regs, or it has
 * to build one first.
 */
ret_from_sys_call:
    NOTE SP_NOTE_HANDLER_RETURNED
    movl $_TIF_ALLWORK_MASK, %edi       /* edi: the work bits that matter */
sysret_check:
    cli                                 /* no new work may appear after the test */
    movl TI_flags+THREAD_INFO(%rsp, RIP-ARGOFFSET), %edx
    andl %edi, %edx
    NOTE SP_NOTE_TIF_CHECK
    jnz sysret_careful
    /* Nothing to do: the fast exit. sysretq turns interrupts back on
     * because it loads RFLAGS from r11. */
    movq RIP-ARGOFFSET(%rsp), %rcx      /* sysret returns to rcx */
    RESTORE_ARGS 1, -ARG_SKIP, 0        /* r11 = user rflags, rcx kept */
    movq PER_CPU_VAR(old_rsp), %rsp
    NOTE SP_NOTE_FRAME_GONE
    swapgs
    NOTE SP_NOTE_DECISION, SP_DECISION_SYSRET
    sysretq

    /* Work is pending. edx: the pending bits, edi: the mask in use. */
sysret_careful:
    bt $TIF_NEED_RESCHED, %edx
    NOTE SP_NOTE_TIF_BITTEST, _TIF_NEED_RESCHED
    jnc sysret_signal
    sti
    pushq %rdi                          /* schedule() may clobber the mask */
    call schedule
    popq %rdi
    jmp sysret_check                    /* new work may have come meanwhile */

    /* Not a reschedule: a signal, exit tracing, audit, single-step... */
sysret_signal:
    sti
    bt $TIF_SYSCALL_AUDIT, %edx
    NOTE SP_NOTE_TIF_BITTEST, _TIF_SYSCALL_AUDIT
    jc sysret_audit
    /*
     * Everything else ends on the iret path, so join it now. That path
     * expects a real top of stack.
     */
    FIXUP_TOP_OF_STACK %r11, -ARGOFFSET
    jmp int_check_syscall_exit_work

badsys:
    movq $-ENOSYS, RAX-ARGOFFSET(%rsp)
    NOTE SP_NOTE_HANDLER_RETURNED
    jmp ret_from_sys_call

    /*
     * Audit only, no tracer: tell audit about the entry straight from here
     * and stay on the fast path.
     */
auditsys:
    movq %r10, %r9                      /* a3 */
    movq %rdx, %r8                      /* a2 */
    movq %rsi, %rcx                     /* a1 */
    movq %rdi, %rdx                     /* a0 */
    movq %rax, %rsi                     /* syscall number */
    movl $AUDIT_ARCH_X86_64, %edi
    call __audit_syscall_entry
    LOAD_ARGS 0                         /* the call clobbered them */
    jmp system_call_fastpath

    /*
     * The audit twin on the way out: report the exit, then retry the
     * sysret check with audit masked so it is not reported twice.
     */
sysret_audit:
    movq RAX-ARGOFFSET(%rsp), %rsi      /* return value */
    cmpq $-MAX_ERRNO, %rsi              /* below the errno range: success */
    setbe %al
    movzbl %al, %edi
    call __audit_syscall_exit
    movl $(_TIF_ALLWORK_MASK & ~_TIF_SYSCALL_AUDIT), %edi
    jmp sysret_check

    /*
     * Slow entry: a tracer, seccomp, a tracepoint... C code will look at
     * (and may change) a complete pt_regs.
     */
tracesys:
    testl $(_TIF_WORK_SYSCALL_ENTRY & ~_TIF_SYSCALL_AUDIT), TI_flags+THREAD_INFO(%rsp, RIP-ARGOFFSET)
    NOTE SP_NOTE_TIF_MEMTEST, (_TIF_WORK_SYSCALL_ENTRY & ~_TIF_SYSCALL_AUDIT)
    jz auditsys
    SAVE_REST
    movq $-ENOSYS, RAX(%rsp)            /* the answer if the call is skipped */
    FIXUP_TOP_OF_STACK %rdi
    movq %rsp, %rdi
    call syscall_trace_enter            /* returns the number to run */
    /* A tracer may have rewritten the arguments: take them from the frame,
     * but keep rax, the (possibly changed) syscall number. */
    LOAD_ARGS ARGOFFSET, 1
    RESTORE_REST
    cmpq $__NR_syscall_max, %rax
    ja int_ret_from_sys_call            /* skipped: rax slot says -ENOSYS */
    movq %r10, %rcx
    call *sys_call_table(, %rax, 8)
    movq %rax, RAX-ARGOFFSET(%rsp)
    /* The tracer could have changed anything: leave through iret. */

/*
 * Return through iret. The top of stack is valid here; the frame is
 * partial (rbx rbp r12-r15 live in the registers).
 */
    .globl int_ret_from_sys_call
int_ret_from_sys_call:
    NOTE SP_NOTE_HANDLER_RETURNED
    cli
    movl $_TIF_ALLWORK_MASK, %edi
    .globl int_with_check
int_with_check:
    GET_THREAD_INFO(%rcx)
    movl TI_flags(%rcx), %edx
    andl %edi, %edx
    NOTE SP_NOTE_TIF_CHECK
    jnz int_careful
    andl $~TS_COMPAT, TI_status(%rcx)
    jmp retint_swapgs

    /* Work again: reschedule first. edx: pending bits, edi: mask. */
int_careful:
    bt $TIF_NEED_RESCHED, %edx
    NOTE SP_NOTE_TIF_BITTEST, _TIF_NEED_RESCHED
    jnc int_very_careful
    sti
    pushq %rdi
    call schedule
    popq %rdi
    cli
    jmp int_with_check

    /* Signals and exit tracing both want a full frame. */
int_very_careful:
    sti
int_check_syscall_exit_work:
    SAVE_REST
    testl $_TIF_WORK_SYSCALL_EXIT, %edx
    NOTE SP_NOTE_TIF_BITTEST, _TIF_WORK_SYSCALL_EXIT
    jz int_signal
    pushq %rdi
    leaq 8(%rsp), %rdi                  /* pt_regs, above the saved mask */
    call syscall_trace_leave
    popq %rdi
    /* Exit tracing is done once per syscall: drop those bits from the
     * mask, or the persistent flags would bring us back here forever. */
    andl $~(_TIF_WORK_SYSCALL_EXIT | _TIF_SYSCALL_EMU), %edi
    jmp int_restore_rest

int_signal:
    testl $_TIF_DO_NOTIFY_MASK, %edx
    NOTE SP_NOTE_TIF_BITTEST, _TIF_DO_NOTIFY_MASK
    jz 1f
    movq %rsp, %rdi                     /* pt_regs */
    xorl %esi, %esi                     /* unused (was oldset) */
    call do_notify_resume               /* flags still in edx */
1:  movl $_TIF_WORK_MASK, %edi          /* from now on, only the work mask */
int_restore_rest:
    RESTORE_REST
    cli
    jmp int_with_check

/*
 * rt_sigreturn replaces every register with the ones saved in the signal
 * frame, so it needs the full frame and must leave through iret. The table
 * points here instead of at sys_rt_sigreturn.
 */
    .globl stub_rt_sigreturn
stub_rt_sigreturn:
    addq $8, %rsp                       /* drop the return into the fast path */
    SAVE_REST
    movq %rsp, %rdi
    FIXUP_TOP_OF_STACK %r11
    NOTE SP_NOTE_FULL_FRAME
    call sys_rt_sigreturn
    movq %rax, RAX(%rsp)                /* the restored rax */
    RESTORE_REST
    jmp int_ret_from_sys_call

/*
 * fork, vfork and clone copy the whole user state into the child, so,
 * like rt_sigreturn, they need the full frame: v3.13's FORK_LIKE stubs.
 * The table points here; the return goes back into the fast path with the
 * partial frame (the extra registers are dropped by `ret $REST_SKIP`).
 */
.macro FORK_LIKE func
    .globl stub_\func
stub_\func:
    popq %r11                           /* the return into the fast path */
    SAVE_REST
    pushq %r11
    FIXUP_TOP_OF_STACK %r11, 8
    call sys_\func
    RESTORE_TOP_OF_STACK %r11, 8
    ret $REST_SKIP
.endm
    FORK_LIKE clone
    FORK_LIKE fork
    FORK_LIKE vfork

/*
 * execve replaces every user register, so it needs the full frame and
 * leaves through iret, as rt_sigreturn does (v3.13's stub_execve).
 */
    .globl stub_execve
stub_execve:
    addq $8, %rsp                       /* drop the return into the fast path */
    SAVE_REST
    FIXUP_TOP_OF_STACK %r11
    call sys_execve
    movq %rax, RAX(%rsp)
    RESTORE_REST
    jmp int_ret_from_sys_call

/*
 * A new task's first instructions. __switch_to returned here on the
 * child's stack, whose top is the pt_regs its parent's stub completed
 * (rax 0). The child returns from the system call as its parent does,
 * by the sysret path.
 */
    .globl ret_from_fork
ret_from_fork:
    NOTE SP_NOTE_FULL_FRAME
    call schedule_tail                  /* the C side of a first run */
    RESTORE_REST
    RESTORE_TOP_OF_STACK %rdi, -ARGOFFSET
    jmp ret_from_sys_call

/*
 * External interrupts and the reserved vectors 20-31. This machine has no
 * interrupt controller; the stubs exist so that every IDT gate leads
 * somewhere sensible. Each pushes ~vector+0x80 (a small signed byte) and
 * joins common_interrupt. 16 bytes each, so the IDT setup can find them.
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
    addq $-0x80, (%rsp)                 /* orig_rax = ~vector, in [-256,-1] */
    /* The `interrupt` macro: a partial frame plus rbp, then the handler.
     * (Linux also switches to the per-CPU IRQ stack here.) */
    subq $ORIG_RAX-RBP, %rsp
    cld
    movq %rdi, RDI-RBP(%rsp)
    movq %rsi, RSI-RBP(%rsp)
    movq %rdx, RDX-RBP(%rsp)
    movq %rcx, RCX-RBP(%rsp)
    movq %rax, RAX-RBP(%rsp)
    movq %r8, R8-RBP(%rsp)
    movq %r9, R9-RBP(%rsp)
    movq %r10, R10-RBP(%rsp)
    movq %r11, R11-RBP(%rsp)
    movq %rbp, 0(%rsp)
    leaq -RBP(%rsp), %rdi               /* pt_regs */
    testl $3, CS-RBP(%rsp)
    je 1f
    swapgs
1:  incl PER_CPU_VAR(irq_count)
    movq %rsp, %rsi
    pushq %rsi                          /* where the frame is, for the exit */
    call do_IRQ
ret_from_intr:
    cli
    decl PER_CPU_VAR(irq_count)
    popq %rsi
    leaq ARGOFFSET-RBP(%rsi), %rsp
exit_intr:
    GET_THREAD_INFO(%rcx)
    testl $3, CS-ARGOFFSET(%rsp)
    je retint_kernel

    /* Back to user space: correct top of stack, partial frame,
     * rcx = thread_info, interrupts off. */
retint_with_reschedule:
    movl $_TIF_WORK_MASK, %edi
retint_check:
    movl TI_flags(%rcx), %edx
    andl %edi, %edx
    NOTE SP_NOTE_TIF_CHECK
    jnz retint_careful

retint_swapgs:                          /* to user space */
    cli
    swapgs
    jmp restore_args

retint_restore_args:                    /* to kernel space */
    cli
restore_args:
    RESTORE_ARGS 1, 8, 1                /* and skip orig_rax */
    ESPFIX_IF_LDT_SS
    .globl irq_return
irq_return:
    NOTE SP_NOTE_FRAME_GONE
    NOTE SP_NOTE_DECISION, SP_DECISION_IRET
    iretq
    ESPFIX_RETURN

    /* edx: pending work, edi: mask. */
retint_careful:
    bt $TIF_NEED_RESCHED, %edx
    NOTE SP_NOTE_TIF_BITTEST, _TIF_NEED_RESCHED
    jnc retint_signal
    sti
    pushq %rdi
    call schedule
    popq %rdi
    GET_THREAD_INFO(%rcx)
    cli
    jmp retint_check

retint_signal:
    testl $_TIF_DO_NOTIFY_MASK, %edx
    NOTE SP_NOTE_TIF_BITTEST, _TIF_DO_NOTIFY_MASK
    jz retint_swapgs
    sti
    SAVE_REST
    movq $-1, ORIG_RAX(%rsp)            /* not a system call: nothing to restart */
    xorl %esi, %esi
    movq %rsp, %rdi
    call do_notify_resume
    RESTORE_REST
    cli
    GET_THREAD_INFO(%rcx)
    jmp retint_with_reschedule

/*
 * Exceptions. The CPU (here: the host, on its behalf) pushed ss rsp rflags
 * cs rip, plus an error code for some vectors, on the stack from TSS.RSP0
 * (from user mode) or on the current stack (from kernel mode).
 * zeroentry pushes -1 where there is no error code, so both end with the
 * orig_rax slot filled; error_entry then saves every register.
 * do_<name>(regs, error_code) handles it; error_exit leaves by iret.
 *
 * Linux sends #DB, #BP, #DF, #MC and NMI through "paranoid" entries on IST
 * stacks, because they can strike anywhere, even before swapgs. Here they
 * can only come from user mode or from plain kernel code, so the ordinary
 * entry serves.
 */
.macro zeroentry sym, do_sym
    .globl \sym
\sym:
    pushq $-1                           /* orig_rax: no system call */
    subq $ORIG_RAX-R15, %rsp
    call error_entry
    NOTE SP_NOTE_FULL_FRAME
    movq %rsp, %rdi                     /* pt_regs */
    xorl %esi, %esi                     /* no error code */
    call \do_sym
    jmp error_exit                      /* ebx: "came from the kernel" */
.endm

.macro errorentry sym, do_sym
    .globl \sym
\sym:
    subq $ORIG_RAX-R15, %rsp
    call error_entry
    NOTE SP_NOTE_FULL_FRAME
    movq %rsp, %rdi                     /* pt_regs */
    movq ORIG_RAX(%rsp), %rsi           /* the error code */
    movq $-1, ORIG_RAX(%rsp)            /* no system call to restart */
    call \do_sym
    jmp error_exit
.endm

zeroentry divide_error do_divide_error
zeroentry overflow do_overflow
zeroentry bounds do_bounds
zeroentry invalid_op do_invalid_op
zeroentry device_not_available do_device_not_available
errorentry double_fault do_double_fault
zeroentry coprocessor_segment_overrun do_coprocessor_segment_overrun
errorentry invalid_TSS do_invalid_TSS
errorentry segment_not_present do_segment_not_present
zeroentry spurious_interrupt_bug do_spurious_interrupt_bug
zeroentry coprocessor_error do_coprocessor_error
errorentry alignment_check do_alignment_check
zeroentry simd_coprocessor_error do_simd_coprocessor_error
zeroentry debug do_debug
zeroentry int3 do_int3
errorentry stack_segment do_stack_segment
errorentry general_protection do_general_protection
errorentry page_fault do_page_fault
zeroentry machine_check do_machine_check
zeroentry nmi do_nmi

/*
 * Save the full frame (above our return address) and decide about gs.
 * Returns ebx = 0 if we came from user mode (swapgs done, undo it on exit),
 * 1 if from the kernel.
 */
    .globl error_entry
error_entry:
    cld
    movq %rdi, RDI+8(%rsp)
    movq %rsi, RSI+8(%rsp)
    movq %rdx, RDX+8(%rsp)
    movq %rcx, RCX+8(%rsp)
    movq %rax, RAX+8(%rsp)
    movq %r8, R8+8(%rsp)
    movq %r9, R9+8(%rsp)
    movq %r10, R10+8(%rsp)
    movq %r11, R11+8(%rsp)
    movq %rbx, RBX+8(%rsp)
    movq %rbp, RBP+8(%rsp)
    movq %r12, R12+8(%rsp)
    movq %r13, R13+8(%rsp)
    movq %r14, R14+8(%rsp)
    movq %r15, R15+8(%rsp)
    xorl %ebx, %ebx
    testl $3, CS+8(%rsp)
    je error_kernelspace
error_swapgs:
    swapgs
error_sti:
    ret

    /*
     * A fault in kernel mode. One case still runs with the user's gs: the
     * iretq of the exit path itself faulted on a bad user frame, after the
     * swapgs. Take the kernel's gs back in that case.
     */
error_kernelspace:
    incl %ebx
    leaq irq_return(%rip), %rcx
    cmpq %rcx, RIP+8(%rsp)
    je error_bad_iret
    leaq espfix_iret(%rip), %rcx
    cmpq %rcx, RIP+8(%rsp)
    je error_bad_iret
    jmp error_sti

    /* The iretq refused the user frame (a bad SS or CS that rt_sigreturn
     * or a tracer left): handled as a fault of user mode (SIGSEGV). */
error_bad_iret:
    swapgs
    MOVE_TO_BAD_IRET_FRAME
    decl %ebx                           /* 0: back to user mode */
    ret

    /* ebx: 0 = back to user mode, 1 = back to the kernel. */
    .globl error_exit
error_exit:
    movl %ebx, %eax
    RESTORE_REST
    cli
    GET_THREAD_INFO(%rcx)
    testl %eax, %eax
    jne retint_kernel
    movl TI_flags(%rcx), %edx
    movl $_TIF_WORK_MASK, %edi
    andl %edi, %edx
    NOTE SP_NOTE_TIF_CHECK
    jnz retint_careful
    jmp retint_swapgs
