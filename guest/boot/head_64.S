/*
 * The first instructions of the kernel, and its last.
 *
 * The machine starts us in 64-bit mode at CPL 0 with paging off and no
 * tables of ours, RDI = the boot parameters the host wrote. We build the
 * tables in C, load them here with the real instructions, set up the
 * SYSCALL MSRs, let C create the first task and enter user mode with iretq.
 */
#include <slowpath/abi.h>

#define X86_CR0_PE 0x00000001
#define X86_CR0_MP 0x00000002
#define X86_CR0_ET 0x00000010
#define X86_CR0_NE 0x00000020
#define X86_CR0_WP 0x00010000
#define X86_CR0_AM 0x00040000
#define X86_CR0_PG 0x80000000
#define CR0_STATE (X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE | X86_CR0_WP | X86_CR0_AM | X86_CR0_PG)

#define X86_CR4_PAE 0x00000020
#define X86_CR4_PGE 0x00000080
#define X86_CR4_OSFXSR 0x00000200      /* user programs may use SSE */
#define X86_CR4_OSXMMEXCPT 0x00000400
#define CR4_STATE (X86_CR4_PAE | X86_CR4_PGE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT)

#define EFER_SCE 0x001 /* SYSCALL/SYSRET enable */
#define EFER_LME 0x100 /* long mode */
#define EFER_NX 0x800

/* Load a 64-bit value into an MSR. */
.macro WRMSR64 msr, value
    movl $\msr, %ecx
    movq \value, %rax
    movq %rax, %rdx
    shrq $32, %rdx
    wrmsr
.endm

    .code64
    .section .head.text, "ax"
    .globl _start
_start:
    cli
    cld
    movq $boot_stack_top, %rsp
    xorl %ebp, %ebp
    movq %rdi, %r12                 /* struct sp_boot_params *, kept for later */
    /* .bss needs no clearing: the loader fills memory past each segment's
     * file contents with zeros, as an ELF loader does. */

    call x86_64_start_kernel        /* builds page tables, GDT, IDT, TSS */

    movq $init_level4_pgt, %rax
    movq %rax, %cr3
    movl $CR4_STATE, %eax
    movq %rax, %cr4
    /* SCE is what lets SYSCALL/SYSRET work; the emulator refuses it here
     * (its CPU model lacks the feature bit) and the host sets it after
     * boot. A kernel writes it all the same. */
    movl $SP_MSR_EFER, %ecx
    rdmsr
    orl $(EFER_SCE | EFER_LME | EFER_NX), %eax
    wrmsr
    movl $CR0_STATE, %eax
    movq %rax, %cr0

    lgdt early_gdt_descr
    lidt idt_descr
    pushq $SP_KERNEL_CS             /* reload CS from our GDT */
    pushq $1f
    lretq
1:  movl $SP_KERNEL_DS, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    xorl %eax, %eax
    movl %eax, %fs
    movl %eax, %gs
    movl $SP_TSS_SEL, %eax
    ltr %ax

    /* SYSCALL: CS = STAR[47:32], SS = that + 8.
     * SYSRET:  CS = STAR[63:48] + 16, SS = STAR[63:48] + 8 (RPL 3). */
    WRMSR64 SP_MSR_STAR, $((SP_USER32_CS << 48) | (SP_KERNEL_CS << 32))
    WRMSR64 SP_MSR_LSTAR, $system_call
    WRMSR64 SP_MSR_FMASK, $SP_FMASK_VALUE
    /* In user mode GS_BASE is the user's (0) and the per-CPU area waits in
     * KERNEL_GS_BASE; the swapgs at each kernel entry exchanges them. */
    WRMSR64 SP_MSR_KERNEL_GS_BASE, $sp_percpu
    WRMSR64 SP_MSR_GS_BASE, $0

    call cpu_init_features          /* XSAVE, FSGSBASE: CR4 and XCR0 */

    movq %r12, %rdi
    call start_kernel               /* returns the first task's user registers */

/*
 * The first return to user mode: the pt_regs at the top of the task's
 * stack hold the initial register state (entry point, stack, flags),
 * exactly as if the task were returning from a system call by iret.
 */
    .globl ret_to_first_user_task
ret_to_first_user_task:
    /* The FPU as exec leaves it (init_fpstate): FNINIT's x87 state, with
     * control word 0x37f (64-bit precision, every exception masked), and
     * MXCSR 0x1f80 (SSE exceptions masked, round to nearest). The CPU
     * comes up with both at 0: single precision, exceptions unmasked. */
    fninit
    ldmxcsr init_mxcsr(%rip)
    movq %rax, %rsp
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
    popq %rdi
    addq $8, %rsp                   /* orig_rax */
    iretq                           /* rip cs rflags rsp ss */

/* The end: the last task exited, or the kernel hit something fatal.
 * sp_state.halt_reason says which. */
    .globl machine_halt
    .type machine_halt, @function
machine_halt:
    cli
1:  hlt
    jmp 1b
    .size machine_halt, . - machine_halt

/* Where slowpath_inject returns to when the host calls it: the host stops
 * at this hlt and restores the machine as it was. */
    .globl inject_return
inject_return:
    hlt

    .section .rodata
    .balign 4
init_mxcsr:
    .long 0x1f80                    /* MXCSR_DEFAULT */

    .section .bss
    .balign 16
boot_stack:
    .skip 16384
boot_stack_top:

    .balign 16
    .globl inject_stack
inject_stack:
    .skip 16384
    .globl inject_stack_top
inject_stack_top:
