/*
 * Frame-building macros shared by both eras of entry_64.S.
 *
 * They do what the v3.13 macros of the same names do: the system-call fast
 * path saves only the registers a C function may clobber (the "partial
 * frame"), and the rest or the hardware-style top of the frame are filled in
 * only when a slow path needs a complete struct pt_regs.
 *
 * Every macro that changes the shape of the frame ends with an annotation
 * (NOTE) so the host can show which pt_regs slots hold values. Notes emit no
 * instruction; they name the address of the instruction that follows.
 */
#ifndef GUEST_ENTRY_CALLING_H
#define GUEST_ENTRY_CALLING_H

#include <slowpath/abi.h>

/* pt_regs slot offsets, under the names the entry code uses. */
#define R15 SP_R15
#define R14 SP_R14
#define R13 SP_R13
#define R12 SP_R12
#define RBP SP_RBP
#define RBX SP_RBX
#define R11 SP_R11
#define R10 SP_R10
#define R9 SP_R9
#define R8 SP_R8
#define RAX SP_RAX
#define RCX SP_RCX
#define RDX SP_RDX
#define RSI SP_RSI
#define RDI SP_RDI
#define ORIG_RAX SP_ORIG_RAX
#define RIP SP_RIP
#define CS SP_CS
#define EFLAGS SP_EFLAGS
#define RSP SP_RSP
#define SS SP_SS

#define ARGOFFSET SP_ARGOFFSET /* the partial frame starts at r11 */
#define REST_SKIP SP_REST_SKIP /* rbx rbp r12-r15 sit below it */
#define ARG_SKIP (9 * 8)       /* r11 .. rdi, the nine slots SAVE_ARGS fills */

#define THREAD_SIZE SP_THREAD_SIZE
#define KERNEL_STACK_OFFSET SP_KERNEL_STACK_OFFSET
#define TI_flags SP_TI_flags
#define TI_status SP_TI_status
#define TS_COMPAT 0x0002 /* "32-bit system call in progress": int $0x80 */

#define __KERNEL_CS SP_KERNEL_CS
#define __KERNEL_DS SP_KERNEL_DS
#define __USER_CS SP_USER_CS
#define __USER_DS SP_USER_DS

#define ENOSYS 38
#define MAX_ERRNO 4095
#define __NR_syscall_max 462 /* v3.13 had 314 entries; see kernel/syscalls.h */

/* arch EM_X86_64 (62) with the 64-bit and little-endian bits */
#define AUDIT_ARCH_X86_64 0xC000003E

/* The per-CPU area is reached through %gs once swapgs has run. */
#define PER_CPU_VAR(var) %gs:SP_PERCPU_##var

/* thread_info sits at the bottom of the kernel stack; the per-CPU
 * kernel_stack points KERNEL_STACK_OFFSET below its top. */
#define GET_THREAD_INFO(reg)               \
    movq PER_CPU_VAR(kernel_stack), reg;   \
    subq $(THREAD_SIZE - KERNEL_STACK_OFFSET), reg

/* The same, as a memory operand, when `reg + off` is known to equal the
 * per-CPU kernel_stack (on the syscall path: %rsp + RIP-ARGOFFSET). */
#define THREAD_INFO(reg, off) (KERNEL_STACK_OFFSET + (off) - THREAD_SIZE)(reg)

/* NOTE kind, arg: annotate the address of the next instruction. */
.macro NOTE kind, arg = 0
.Lnote_\@:
    .pushsection .slowpath_notes, "a"
    .balign 8
    .quad .Lnote_\@
    .long \kind, \arg
    .popsection
.endm

/*
 * SAVE_ARGS: push the registers the C calling convention lets a callee
 * clobber. addskip reserves extra room above them (the syscall path uses 8
 * for orig_rax). save_rcx=0 on the syscall path: rcx holds the user RIP,
 * which goes to the rip slot instead.
 */
.macro SAVE_ARGS addskip = 0, save_rcx = 1, save_r891011 = 1
    subq $9 * 8 + \addskip, %rsp
    movq %rdi, 8 * 8(%rsp)
    movq %rsi, 7 * 8(%rsp)
    movq %rdx, 6 * 8(%rsp)
    .if \save_rcx
    movq %rcx, 5 * 8(%rsp)
    .endif
    movq %rax, 4 * 8(%rsp)
    .if \save_r891011
    movq %r8, 3 * 8(%rsp)
    movq %r9, 2 * 8(%rsp)
    movq %r10, 1 * 8(%rsp)
    movq %r11, 0 * 8(%rsp)
    .endif
.endm

/*
 * RESTORE_ARGS: the way back. rstor_rcx=0 on the sysret path, where rcx must
 * carry the return RIP; addskip=-ARG_SKIP leaves rsp alone because the
 * sysret path loads the user stack pointer next anyway.
 */
.macro RESTORE_ARGS rstor_rax = 1, addskip = 0, rstor_rcx = 1, rstor_r11 = 1, rstor_r8910 = 1, rstor_rdx = 1
    .if \rstor_r11
    movq 0 * 8(%rsp), %r11
    .endif
    .if \rstor_r8910
    movq 1 * 8(%rsp), %r10
    movq 2 * 8(%rsp), %r9
    movq 3 * 8(%rsp), %r8
    .endif
    .if \rstor_rax
    movq 4 * 8(%rsp), %rax
    .endif
    .if \rstor_rcx
    movq 5 * 8(%rsp), %rcx
    .endif
    .if \rstor_rdx
    movq 6 * 8(%rsp), %rdx
    .endif
    movq 7 * 8(%rsp), %rsi
    movq 8 * 8(%rsp), %rdi
    .if ARG_SKIP + \addskip > 0
    addq $ARG_SKIP + \addskip, %rsp
    .endif
.endm

/*
 * LOAD_ARGS: reload the argument registers from the partial frame at
 * `offset` after a C call clobbered them. rax comes from orig_rax (the
 * syscall number), unless the caller already holds the number to use.
 */
.macro LOAD_ARGS offset, skiprax = 0
    movq \offset(%rsp), %r11
    movq \offset + 8(%rsp), %r10
    movq \offset + 16(%rsp), %r9
    movq \offset + 24(%rsp), %r8
    movq \offset + 40(%rsp), %rcx
    movq \offset + 48(%rsp), %rdx
    movq \offset + 56(%rsp), %rsi
    movq \offset + 64(%rsp), %rdi
    .if \skiprax
    .else
    movq \offset + 72(%rsp), %rax
    .endif
.endm

/* SAVE_REST: the callee-saved registers complete the frame. They still
 * hold the user's values: every C function so far preserved them. */
.macro SAVE_REST
    subq $REST_SKIP, %rsp
    movq %rbx, 5 * 8(%rsp)
    movq %rbp, 4 * 8(%rsp)
    movq %r12, 3 * 8(%rsp)
    movq %r13, 2 * 8(%rsp)
    movq %r14, 1 * 8(%rsp)
    movq %r15, 0 * 8(%rsp)
    NOTE SP_NOTE_SAVE_REST
.endm

/* RESTORE_REST: reload them, since C code (a signal frame, ptrace) may
 * have changed the saved values, and drop them from the frame. */
.macro RESTORE_REST
    movq 0 * 8(%rsp), %r15
    movq 1 * 8(%rsp), %r14
    movq 2 * 8(%rsp), %r13
    movq 3 * 8(%rsp), %r12
    movq 4 * 8(%rsp), %rbp
    movq 5 * 8(%rsp), %rbx
    addq $REST_SKIP, %rsp
    NOTE SP_NOTE_RESTORE_REST
.endm

/*
 * FIXUP_TOP_OF_STACK: SYSCALL pushes nothing, so the five slots an interrupt
 * frame would hold are undefined on the fast path. Before C code looks at
 * a whole pt_regs, fill them in from where the state really is: the user
 * rsp in the per-CPU old_rsp, the user rflags in the r11 slot. rcx is
 * marked -1 because SYSCALL destroyed the user's value.
 * offset: where %rsp is relative to the frame base (-ARGOFFSET on a partial
 * frame, 0 on a full one).
 */
.macro FIXUP_TOP_OF_STACK tmp, offset = 0
    movq PER_CPU_VAR(old_rsp), \tmp
    movq \tmp, RSP + \offset(%rsp)
    movq $__USER_DS, SS + \offset(%rsp)
    movq $__USER_CS, CS + \offset(%rsp)
    movq $-1, RCX + \offset(%rsp)
    movq R11 + \offset(%rsp), \tmp
    movq \tmp, EFLAGS + \offset(%rsp)
    NOTE SP_NOTE_FIXUP_TOS
.endm

/* RESTORE_TOP_OF_STACK: the reverse, for a sysret after C code changed the
 * frame: the user rsp back to old_rsp, rflags back to the r11 slot. */
.macro RESTORE_TOP_OF_STACK tmp, offset = 0
    movq RSP + \offset(%rsp), \tmp
    movq \tmp, PER_CPU_VAR(old_rsp)
    movq EFLAGS + \offset(%rsp), \tmp
    movq \tmp, R11 + \offset(%rsp)
    NOTE SP_NOTE_RESTORE_TOS
.endm

/*
 * espfix: an IRET to a 16-bit stack segment sets only SP[15:0], and bits
 * 31:16 of ESP keep what the kernel's RSP had there (a leak of the kernel
 * stack's address, and the wrong ESP for the program). As Linux's espfix64
 * does, such a return leaves from a stack whose address has the user's
 * bits 31:16: in the 4 GiB at ESPFIX_BASE the first 4 KiB of every 64 KiB
 * are the same page (ldt.c has the tables). Only an LDT selector can name
 * a 16-bit SS (the TLS slots refuse 16-bit segments), so only a frame with
 * an LDT SS takes this way, and only one whose iretq cannot fault: SS a
 * present DPL 3 writable data segment, CS a present code segment ring 3
 * may return to, RIP within its limit (canonical for a 64-bit CS). A frame
 * that fails these leaves from the kernel stack and faults there; like
 * every fault of an iretq to an LDT SS, it is reported as #GP(0), as
 * Linux's espfix64 (through its double fault) reports it (traps.c).
 */
#define ESPFIX_BASE 0xffffff0000000000
#define ESPFIX_FRAME 0xfd0 /* the user's rax, then the iret frame: the page's last 48 bytes */

.macro ESPFIX_IF_LDT_SS
    testb $4, 32(%rsp)                  /* the iret frame's SS: in the LDT? */
    jz 9f
    call espfix_frame_check
    jz espfix_return
9:
.endm

/* Copy rax and the iret frame to the espfix stack, move there, iretq. */
.macro ESPFIX_RETURN
    .globl espfix_return
espfix_return:
    pushq %rax
    pushq %rdi
    movl 16+24(%rsp), %eax              /* the user's rsp, bits 31:16 */
    andl $0xffff0000, %eax
    movabsq $(ESPFIX_BASE + ESPFIX_FRAME), %rdi
    orq %rax, %rdi
    .irp slot, 0, 1, 2, 3, 4, 5
    movq 8+8*\slot(%rsp), %rax
    movq %rax, 8*\slot(%rdi)
    .endr
    movq %rdi, %rax
    popq %rdi
    movq %rax, %rsp
    popq %rax
    .globl espfix_iret
espfix_iret:
    NOTE SP_NOTE_FRAME_GONE
    NOTE SP_NOTE_DECISION, SP_DECISION_IRET
    iretq

/* ZF set if the iret frame above the return address loads without a
 * fault. Changes only the flags. */
espfix_frame_check:
    pushq %rax
    pushq %rcx
    movzwl 56(%rsp), %ecx               /* SS */
    lar %ecx, %eax
    jnz 1f
    andl $0xfe00, %eax                  /* P, DPL, S, type without accessed */
    cmpl $0xf200, %eax                  /* read/write data */
    je 2f
    cmpl $0xf600, %eax                  /* read/write, expand-down */
    jne 1f
2:  movzwl 32(%rsp), %ecx               /* CS (LAR checks a nonconforming DPL) */
    lar %ecx, %eax
    jnz 1f
    testl $0x8000, %eax                 /* present */
    jz 1f
    testl $0x0800, %eax                 /* code */
    jz 1f
    testl $0x200000, %eax               /* L: a 64-bit CS */
    jz 3f
    movq 24(%rsp), %rax
    shrq $47, %rax                      /* RIP in the lower half */
    jnz 1f
    jmp 4f
3:  lsl %ecx, %eax                      /* RIP within CS's limit */
    cmpq 24(%rsp), %rax
    jb 1f
4:  xorl %eax, %eax                     /* ZF: it loads */
    jmp 5f
1:  orl $1, %eax                        /* not ZF: it would fault */
5:  popq %rcx
    popq %rax
    ret
.endm

/*
 * For error_entry, after a fault on the exit path's iretq (the kernel's gs
 * already taken back): fixup_bad_iret (traps.c) rebuilds the frame at the
 * top of the stack as a fault of user mode at the frame the iretq refused,
 * and the stack moves there, with error_entry's return address below it.
 */
.macro MOVE_TO_BAD_IRET_FRAME
    movq (%rsp), %r12                   /* our return address (r12 is saved) */
    leaq 8(%rsp), %rdi
    call fixup_bad_iret
    leaq -8(%rax), %rsp
    movq %r12, (%rsp)
.endm

#endif /* GUEST_ENTRY_CALLING_H */
