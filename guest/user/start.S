/*
 * Process entry. The kernel left argc at (%rsp), then the argv pointers;
 * there is no C library to set anything else up.
 */
    .text
    .globl _start
_start:
    xorl %ebp, %ebp             /* outermost frame */
    movq (%rsp), %rdi           /* argc */
    leaq 8(%rsp), %rsi          /* argv */
    andq $-16, %rsp             /* the C calling convention wants this */
    call main
    movl %eax, %edi
    movl $231, %eax             /* exit_group(main's result) */
    syscall
    hlt                         /* not reached (and would fault in user mode) */

/* Signal handlers return here (sa_restorer): back into the kernel, which
 * restores the registers saved in the signal frame. */
    .globl __restore_rt
__restore_rt:
    movq $15, %rax              /* rt_sigreturn */
    syscall
