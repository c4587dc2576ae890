/*
 * __switch_to_asm(prev, next): the only place where one task's kernel
 * stack is left for another's.
 *
 * prev's callee-saved registers go onto prev's stack and its rsp into
 * prev->thread.sp; next's rsp comes back from next->thread.sp and its
 * registers off its stack. The tail jump to __switch_to (C) updates the
 * per-CPU state; its `ret` returns into next, wherever next last called
 * __switch_to_asm (or into a new thread's entry function).
 */
    .code64
    .text
    .globl __switch_to_asm
    .type __switch_to_asm, @function
__switch_to_asm:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, 0(%rdi)          /* prev->thread.sp */
    movq 0(%rsi), %rsp          /* next->thread.sp */
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    jmp __switch_to             /* rdi = prev, rsi = next */
    .size __switch_to_asm, . - __switch_to_asm
