/*
 * IA32 emulation: `int $0x80`, the 32-bit system-call entry, as v3.13's
 * arch/x86/ia32/ia32entry.S has it (ia32_syscall), written anew for this
 * machine. The RFC era builds this same file: the RFC did not touch it.
 *
 * A 64-bit program may execute `int $0x80` too: it then makes a 32-bit
 * system call, numbered by the 32-bit table (kernel/compat_table.c) and
 * with its arguments in the i386 registers:
 *
 *   eax  system call number      ebx ecx edx esi edi ebp  arguments 0-5
 *
 * The CPU has already switched to TSS.RSP0 and pushed ss rsp rflags cs
 * rip: the top of stack is real, so the exit is int_ret_from_sys_call and
 * iret, never sysret. The arguments are zero-extended (IA32_ARG_FIXUP
 * moves 32-bit halves). r8-r11 are not saved: CLEAR_RREGS zeroes their
 * slots, so the program gets them back as 0, as on a v3.13 kernel; every
 * other register but eax comes back as it was.
 *
 * Left out: the CFI annotations, paravirt, the SYSENTER and SYSCALL compat
 * entries (SYSENTER is #GP on this machine), the audit fast path (v3.13's
 * int 0x80 has none either) and the ia32 ptregs stubs: no call in the
 * table needs the full frame.
 */
#include <slowpath/abi.h>
#include "../calling.h"
#include "compat.h"

/* The 32-bit call's arguments, as the C convention wants them. */
.macro IA32_ARG_FIXUP
    movl %edi, %r8d                     /* arg 4 */
    movl %ebp, %r9d                     /* arg 5 */
    xchg %ecx, %esi                     /* arg 1 to rsi, arg 3 to rcx */
    movl %ebx, %edi                     /* arg 0 */
    movl %edx, %edx                     /* arg 2, zero-extended */
.endm

/* r8-r11 of the frame: what a 32-bit program never had. */
.macro CLEAR_RREGS offset = 0
    xorl %eax, %eax
    movq %rax, \offset + R11(%rsp)
    movq %rax, \offset + R10(%rsp)
    movq %rax, \offset + R9(%rsp)
    movq %rax, \offset + R8(%rsp)
.endm

/* After a tracer: the argument registers from the frame, zero-extended. */
.macro LOAD_ARGS32 offset
    movl \offset + 40(%rsp), %ecx
    movl \offset + 48(%rsp), %edx
    movl \offset + 56(%rsp), %esi
    movl \offset + 64(%rsp), %edi
    movl %eax, %eax                     /* the number syscall_trace_enter returned */
.endm

    .code64
    .section .entry.text, "ax"

/*
 * ia32_syscall: vector 0x80, an interrupt gate of DPL 3, so interrupts
 * are off and user mode may raise it.
 */
    .globl ia32_syscall
ia32_syscall:
    swapgs
    sti                                 /* on the task's own stack already */
    movl %eax, %eax                     /* a 32-bit number */
    pushq %rax                          /* orig_rax */
    cld
    SAVE_ARGS 0, 1, 0                   /* rcx saved, r8-r11 not */
    NOTE SP_NOTE_PARTIAL_FRAME
    orl $TS_COMPAT, TI_status+THREAD_INFO(%rsp, RIP-ARGOFFSET)
    testl $_TIF_WORK_SYSCALL_ENTRY, TI_flags+THREAD_INFO(%rsp, RIP-ARGOFFSET)
    NOTE SP_NOTE_TIF_MEMTEST, _TIF_WORK_SYSCALL_ENTRY
    jnz ia32_tracesys
    cmpq $(IA32_NR_syscalls - 1), %rax
    ja ia32_badsys
ia32_do_call:
    IA32_ARG_FIXUP
    call *ia32_sys_call_table(, %rax, 8)
ia32_sysret:
    movq %rax, RAX-ARGOFFSET(%rsp)
ia32_ret_from_sys_call:
    CLEAR_RREGS -ARGOFFSET
    jmp int_ret_from_sys_call

    /*
     * Entry work (a tracer, audit...): the full frame for the C code,
     * with r8-r11 already zero, as the tracer will see them.
     */
ia32_tracesys:
    SAVE_REST
    CLEAR_RREGS
    movq $-ENOSYS, RAX(%rsp)            /* the answer if the tracer skips the call */
    movq %rsp, %rdi
    call syscall_trace_enter            /* returns the number to run */
    LOAD_ARGS32 ARGOFFSET               /* the tracer may have changed them */
    RESTORE_REST                        /* ebx and ebp too */
    cmpq $(IA32_NR_syscalls - 1), %rax
    ja int_ret_from_sys_call            /* the rax slot holds -ENOSYS */
    jmp ia32_do_call

    /* A number past the table: -ENOSYS, and orig_rax 0 as v3.13 leaves it. */
ia32_badsys:
    movq $0, ORIG_RAX-ARGOFFSET(%rsp)
    movq $-ENOSYS, %rax
    jmp ia32_sysret

    .section .rodata
    .balign 8
    .globl ia32_syscall_gate
ia32_syscall_gate:
    .quad ia32_syscall
