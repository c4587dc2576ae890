/*
 * The contract between the guest kernel (guest/) and the host machine (emu/).
 *
 * Included by freestanding guest C, by guest assembly (with __ASSEMBLER__
 * defined, only the #defines are seen) and by host C++. Everything the host
 * reads out of guest memory is described here, with fixed-width fields and
 * explicit padding so both sides agree on the layout.
 */
#ifndef SLOWPATH_ABI_H
#define SLOWPATH_ABI_H

/* ---- memory layout: one flat identity map, virtual == physical ---------- */
/* Every mapping is identity (Unicorn 2.0.1 ignored a PTE's frame; 2.1 uses
 * it, the layout still has VA == PA). Kernel low and supervisor-only; user
 * pages start at SP_USER_BASE, where a static Linux program is linked. */
#define SP_RAM_SIZE 0x10000000         /* 256 MiB of guest RAM           */
#define SP_BOOT_PARAMS 0x1000          /* struct sp_boot_params (host)   */
#define SP_KERNEL_BASE 0x100000        /* kernel ELF is linked here      */
#define SP_USER_BASE 0x400000          /* first user page                */
#define SP_USER_STACK_TOP 0xFFFF000    /* top page stays unmapped (guard) */
#define SP_USER_STACK_SIZE 0x800000    /* 8 MiB stack VMA (RLIMIT_STACK)  */
#define SP_PAGE_SIZE 0x1000

/* ---- segment selectors, as Linux lays out its GDT ---------------------- */
#define SP_KERNEL_CS 0x10
#define SP_KERNEL_DS 0x18
#define SP_USER32_CS 0x23
#define SP_USER_DS 0x2b
#define SP_USER_CS 0x33
#define SP_TSS_SEL 0x40

/* ---- MSRs ---------------------------------------------------------------- */
#define SP_MSR_EFER 0xC0000080
#define SP_MSR_STAR 0xC0000081
#define SP_MSR_LSTAR 0xC0000082
#define SP_MSR_FMASK 0xC0000084
#define SP_MSR_GS_BASE 0xC0000101
#define SP_MSR_KERNEL_GS_BASE 0xC0000102
#define SP_FMASK_VALUE 0x47700 /* TF DF IF IOPL AC NT, as Linux sets it */

/* ---- thread_info flags (v3.13 numbering) ------------------------------- */
#define TIF_SYSCALL_TRACE 0
#define TIF_NOTIFY_RESUME 1
#define TIF_SIGPENDING 2
#define TIF_NEED_RESCHED 3
#define TIF_SINGLESTEP 4
#define TIF_SYSCALL_EMU 6
#define TIF_SYSCALL_AUDIT 7
#define TIF_SECCOMP 8
#define TIF_MCE_NOTIFY 10
#define TIF_USER_RETURN_NOTIFY 11
#define TIF_UPROBE 12
#define TIF_NOHZ 19
#define TIF_FORCED_TF 24 /* TF in the user flags was set by a tracer (no work mask has it) */
#define TIF_SYSCALL_TRACEPOINT 28

#define _TIF_SYSCALL_TRACE (1 << TIF_SYSCALL_TRACE)
#define _TIF_NOTIFY_RESUME (1 << TIF_NOTIFY_RESUME)
#define _TIF_SIGPENDING (1 << TIF_SIGPENDING)
#define _TIF_NEED_RESCHED (1 << TIF_NEED_RESCHED)
#define _TIF_SINGLESTEP (1 << TIF_SINGLESTEP)
#define _TIF_SYSCALL_EMU (1 << TIF_SYSCALL_EMU)
#define _TIF_SYSCALL_AUDIT (1 << TIF_SYSCALL_AUDIT)
#define _TIF_SECCOMP (1 << TIF_SECCOMP)
#define _TIF_MCE_NOTIFY (1 << TIF_MCE_NOTIFY)
#define _TIF_USER_RETURN_NOTIFY (1 << TIF_USER_RETURN_NOTIFY)
#define _TIF_UPROBE (1 << TIF_UPROBE)
#define _TIF_NOHZ (1 << TIF_NOHZ)
#define _TIF_SYSCALL_TRACEPOINT (1 << TIF_SYSCALL_TRACEPOINT)

/* The masks of v3.13, spelled out so a reader can check them bit by bit. */
#define _TIF_WORK_SYSCALL_ENTRY 0x100801D1 /* TRACE EMU AUDIT SECCOMP SINGLESTEP TRACEPOINT NOHZ */
#define _TIF_WORK_SYSCALL_EXIT 0x10080091  /* TRACE AUDIT SINGLESTEP TRACEPOINT NOHZ */
#define _TIF_WORK_MASK 0x0000FE2E          /* low 16 bits less TRACE AUDIT SINGLESTEP SECCOMP EMU */
#define _TIF_ALLWORK_MASK 0x1008FEFF       /* low 16 bits less SECCOMP, plus TRACEPOINT NOHZ */
#define _TIF_DO_NOTIFY_MASK 0x00000C06     /* SIGPENDING MCE_NOTIFY NOTIFY_RESUME USER_RETURN_NOTIFY */

/* ---- kernel stack, thread_info, pt_regs -------------------------------- */
#define SP_THREAD_SIZE 0x2000         /* 8 KiB kernel stacks, as in v3.13 */
#define SP_KERNEL_STACK_OFFSET 40     /* per-CPU kernel_stack = top - 40 */
#define SP_TI_task 0
#define SP_TI_flags 16                /* same offset as v3.13's TI_flags */
#define SP_TI_status 20
#define SP_TI_cpu 24
#define SP_TI_syscall_work 40         /* modern era: the SYSCALL_WORK_* word */

/* ---- syscall_work (modern era): syscall entry/exit work, not in TIF --- */
#define SYSCALL_WORK_BIT_SECCOMP 0
#define SYSCALL_WORK_BIT_SYSCALL_TRACEPOINT 1
#define SYSCALL_WORK_BIT_SYSCALL_TRACE 2
#define SYSCALL_WORK_BIT_SYSCALL_EMU 3
#define SYSCALL_WORK_BIT_SYSCALL_AUDIT 4
#define SYSCALL_WORK_BIT_SYSCALL_USER_DISPATCH 5
#define SYSCALL_WORK_BIT_SYSCALL_EXIT_TRAP 6

/* The highest user address plus one that SYSRET may return to: the last
 * page below the canonical hole stays unmapped (x86-64 TASK_SIZE_MAX). */
#define SP_TASK_SIZE_MAX 0x00007ffffffff000ULL

/* The top of the user address space: user pages at [SP_HIGH_VA,
 * SP_TASK_SIZE_MAX) are backed by the RAM at [SP_HIGH_PHYS, +SP_HIGH_SIZE)
 * through their PTEs' frame addresses (page n of the window is physical
 * page n of that range); every other address is its own physical address.
 * Both sides translate with sp_user_phys() (below). */
#define SP_HIGH_SIZE 0x200000ULL /* 2 MiB: one page table */
#define SP_HIGH_VA (SP_TASK_SIZE_MAX + SP_PAGE_SIZE - SP_HIGH_SIZE)
#define SP_HIGH_PHYS 0xD400000ULL /* below the fork stash (kernel/mm.h) */

/* pt_regs slot offsets from the frame base (struct pt_regs, 168 bytes). */
#define SP_R15 0
#define SP_R14 8
#define SP_R13 16
#define SP_R12 24
#define SP_RBP 32
#define SP_RBX 40
#define SP_R11 48
#define SP_R10 56
#define SP_R9 64
#define SP_R8 72
#define SP_RAX 80
#define SP_RCX 88
#define SP_RDX 96
#define SP_RSI 104
#define SP_RDI 112
#define SP_ORIG_RAX 120
#define SP_RIP 128
#define SP_CS 136
#define SP_EFLAGS 144
#define SP_RSP 152
#define SP_SS 160
#define SP_FRAME_SIZE 168
#define SP_ARGOFFSET SP_R11   /* the partial frame starts at r11 */
#define SP_REST_SKIP 48       /* six callee-saved slots below ARGOFFSET */

/* ---- per-CPU area (KERNEL_GS_BASE points here) ------------------------- */
#define SP_PERCPU_kernel_stack 0
#define SP_PERCPU_old_rsp 8
#define SP_PERCPU_current_task 16
#define SP_PERCPU_irq_count 24

/* ---- annotations: section .slowpath_notes in the kernel ELF ------------ */
/* Each entry is struct sp_note. The host reads them from the ELF file and
 * acts when the instruction at `addr` is about to execute. They add no
 * instruction to the guest; they only say what a place in the code means. */
/* Work checks. The note sits on the conditional jump that acts on the test:
 *   TIF_CHECK   after `movl TI_flags,%edx; andl %edi,%edx`: mask %edi,
 *               flags from thread_info in memory, result %edx.
 *   TIF_BITTEST after `bt`/`testl $arg,%edx` on the work word in %edx:
 *               mask arg, flags %edx, result %edx & arg.
 *   TIF_MEMTEST after `testl $arg, TI_flags(...)`: mask arg, flags from
 *               thread_info in memory, result flags & arg. */
#define SP_NOTE_TIF_CHECK 1
#define SP_NOTE_TIF_BITTEST 2
#define SP_NOTE_TIF_MEMTEST 3
#define SP_NOTE_STACK_SWITCH 4   /* the instruction after rsp <- per-CPU kernel_stack */
#define SP_NOTE_PARTIAL_FRAME 5  /* partial pt_regs complete: args, orig_rax and rip slots hold values */
#define SP_NOTE_SAVE_REST 6      /* after SAVE_REST: r15..rbx slots hold values */
#define SP_NOTE_RESTORE_REST 7   /* after RESTORE_REST: rest slots no longer part of the frame */
#define SP_NOTE_FIXUP_TOS 8      /* after FIXUP_TOP_OF_STACK: rcx cs eflags rsp ss valid */
#define SP_NOTE_RESTORE_TOS 9    /* after RESTORE_TOP_OF_STACK */
#define SP_NOTE_FRAME_GONE 10    /* after the frame is popped on the way out */
#define SP_NOTE_HANDLER_RETURNED 11 /* the syscall's handler is done; exit work starts here */
#define SP_NOTE_FULL_FRAME 12    /* a complete pt_regs exists (exception entry, stubs) */
#define SP_NOTE_DECISION 13      /* arg: SP_DECISION_SYSRET or SP_DECISION_IRET */
#define SP_DECISION_SYSRET 1     /* the exit leaves by sysretq */
#define SP_DECISION_IRET 2       /* the exit leaves by iretq */
/* One of the checks the modern era's do_syscall_64() makes before it allows
 * SYSRET (arg: SP_SYSRET_CHECK_*). On the instruction after the note's place
 * in C, %rax holds the value tested and %rdx what it is tested against:
 *   RCX_RIP, R11_FLAGS, CS, SS   pass if rax == rdx
 *   IP_LIMIT                     pass if rax <  rdx (TASK_SIZE_MAX)
 *   RF_TF                        pass if (rax & rdx) == 0
 * The checks run in this order and the first failure ends them. */
#define SP_NOTE_SYSRET_CHECK 14
#define SP_SYSRET_CHECK_RCX_RIP 1
#define SP_SYSRET_CHECK_R11_FLAGS 2
#define SP_SYSRET_CHECK_CS 3
#define SP_SYSRET_CHECK_SS 4
#define SP_SYSRET_CHECK_IP_LIMIT 5
#define SP_SYSRET_CHECK_RF_TF 6

#ifndef __ASSEMBLER__

#ifdef __cplusplus
#include <cstdint>
namespace slowpath::abi {
using u8 = std::uint8_t;
using u16 = std::uint16_t;
using u32 = std::uint32_t;
using u64 = std::uint64_t;
using s32 = std::int32_t;
using s64 = std::int64_t;
#else
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef int s32;
typedef long long s64;
#endif

struct sp_note {
    u64 addr;
    u32 kind;
    u32 arg;
};

/* Written by the host at SP_BOOT_PARAMS before the first instruction. */
#define SP_BOOT_MAGIC 0x68746170776f6c73ULL /* "slowpath" */
#define SP_BOOT_STRINGS 3072
struct sp_boot_params {
    u64 magic;
    u64 user_entry;     /* e_entry of the user ELF                   */
    u64 user_brk;       /* page-aligned end of the highest PT_LOAD   */
    u64 user_phdr;      /* address of the program headers (AT_PHDR) */
    u32 user_phnum;
    u32 user_phent;
    u32 argc;           /* strings: argc argv strings, then envc env strings, each NUL-terminated */
    u32 envc;
    u64 random[2];      /* AT_RANDOM bytes, fixed so runs are deterministic */
    char strings[SP_BOOT_STRINGS];
};

/* Why the machine stopped (sp_state.halt_reason). */
#define SP_HALT_RUNNING 0
#define SP_HALT_EXITED 1   /* the last task called exit/exit_group */
#define SP_HALT_OOPS 2     /* an unexpected kernel fault or BUG */
#define SP_HALT_DEADLOCK 3 /* every task sleeps and nothing could wake one */

/* The timer interrupt the host raises every SP_TICK_INSNS guest
 * instructions while IF is set and two user tasks or more run or sleep
 * until a time (Linux's
 * LOCAL_TIMER_VECTOR, the local APIC timer). Counted in instructions, so a
 * replay takes it at the same instruction. */
#define SP_TIMER_VECTOR 0xec
#define SP_TICK_INSNS 10000

#define SP_CONSOLE_SIZE 8192
#define SP_MAX_RECORDS 64

/* One audit record, appended by the audit entry and exit hooks. */
struct sp_audit_record {
    u32 kind;   /* 1 = entry, 2 = exit */
    u32 nr;     /* syscall number */
    s64 value;  /* exit: return value; entry: first argument */
    u32 success;
    u32 pad;
};

/* One stop reported to the simulated tracer (ptrace). */
struct sp_tracer_stop {
    u32 kind;   /* 1 = syscall entry, 2 = syscall exit, 3 = single-step report */
    u32 nr;
    s64 value;  /* entry: orig_rax; exit: rax */
};

/* One context switch made by schedule(). */
struct sp_switch_record {
    u32 from_pid;
    u32 to_pid;
};

/* Everything the host wants to know about the guest kernel; at symbol sp_state. */
struct sp_kernel_state {
    u64 magic;                  /* SP_BOOT_MAGIC once booted */
    u32 halt_reason;            /* SP_HALT_* */
    s32 exit_code;              /* exit status of the last task */
    u64 oops_vector;            /* SP_HALT_OOPS: vector (or 0xffff for BUG) */
    u64 oops_rip;
    u64 oops_cr2;
    u64 console_len;            /* bytes written to fd 1 and 2 */
    char console[SP_CONSOLE_SIZE];
    u32 audit_enabled;
    u32 audit_count;
    struct sp_audit_record audit[SP_MAX_RECORDS];
    u32 tracer_attached;
    u32 tracer_stop_count;
    struct sp_tracer_stop tracer_stops[SP_MAX_RECORDS];
    u32 switch_count;
    u32 pad0;
    struct sp_switch_record switches[SP_MAX_RECORDS];
    u32 task_work_queued;       /* items waiting */
    u32 task_work_runs;         /* items run */
    u32 mce_notify_runs;
    u32 uprobe_runs;
    u32 user_return_notifier_runs;
    u32 signals_delivered;
    u32 tracepoint_hits;        /* sys_enter/sys_exit tracepoint records */
    u32 killed_by;              /* signal that killed the last task, 0 if it exited */
    u64 sigframe_addr;          /* user address of the live rt_sigframe, 0 if none */
    u32 sigframe_signo;
    u32 current_pid;
    u64 pending_signals;        /* bit (signo-1) */
    u64 blocked_signals;
    /* RFLAGS bits an injection wants in the user's flags (a tracer's TF).
     * It also sets them in pt_regs->flags; when the task was running in
     * user mode, its flags are the CPU's, and the host sets them there
     * after the injection. The host clears this after every injection. */
    u64 user_flags_set;
    /* The debug registers loaded for the task that runs now: DR0-DR3 and
     * DR7 as its tracer set them (PTRACE_POKEUSER u_debugreg), loaded at
     * every switch to a task as Linux's switch_to installs a task's
     * breakpoints. The guest never writes the CPU's own DR7: Unicorn
     * raises no #DB for a data watchpoint there and fails on an execute
     * breakpoint, so the host plays the debug unit with these for ring 3,
     * reading them whenever the kernel returns to user mode. */
    u64 user_dr[4];
    u64 user_dr7;
};

/* ---- the host I/O device ------------------------------------------------
 * A ring-0 `outl %eax, $SP_HOSTIO_PORT` with the address of a struct
 * sp_hostio_request in eax asks the host to do one I/O operation; when the
 * instruction completes the host has written `result` (and any data into
 * the kernel buffer at `buf`). The guest only uses it when the host has set
 * the kernel's `hostio_enabled` word (a user program is running, not the
 * demo). The host logs every answer, so a re-execution from a checkpoint
 * gets the same answers without reading or writing anything again. */
#define SP_HOSTIO_PORT 0x5e0
#define SP_HOSTIO_BUF_SIZE 4096     /* the largest transfer of one request */
#define SP_HOSTIO_WRITE 1        /* handle 1|2: append buf[0..len) to stdout|stderr */
#define SP_HOSTIO_READ_STDIN 2   /* read up to len bytes of the host's stdin into buf */
#define SP_HOSTIO_LOOKUP 3       /* resolve the path in buf from directory `handle`; flags
                                  * SP_LOOKUP_*; result: a handle, kind and st */
#define SP_HOSTIO_PREAD 4        /* handle, len bytes at offset into buf */
#define SP_HOSTIO_GETDENTS 5     /* handle: linux_dirent64 records from entry `offset`
                                  * into buf (len bytes at most); offset: the next entry */
#define SP_HOSTIO_READLINK 6     /* handle (a symlink): its target into buf */
#define SP_HOSTIO_FSTAT 7        /* handle: st */
#define SP_HOSTIO_FSTAT_STD 8    /* handle 0|1|2: st of the host's own fd */
#define SP_HOSTIO_ACCESS 9       /* handle, flags R_OK|X_OK: 0 or -errno */
#define SP_HOSTIO_CWD 0xffffffffffffffffULL /* LOOKUP: relative to the cwd (/) */
#define SP_LOOKUP_FOLLOW 1       /* follow a symlink in the last component */
#define SP_HOSTIO_KIND_FILE 0    /* a file of the --root view */
#define SP_HOSTIO_KIND_NULL 1    /* /dev/null */
#define SP_HOSTIO_KIND_ZERO 2    /* /dev/zero */

/* struct stat as x86-64 Linux lays it out (144 bytes). */
struct sp_linux_stat {
    u64 st_dev, st_ino, st_nlink;
    u32 st_mode, st_uid, st_gid, pad0;
    u64 st_rdev;
    s64 st_size, st_blksize, st_blocks;
    u64 st_atime_sec, st_atime_nsec, st_mtime_sec, st_mtime_nsec, st_ctime_sec, st_ctime_nsec;
    s64 unused[3];
};

struct sp_hostio_request {
    u32 op;          /* SP_HOSTIO_* */
    u32 flags;
    u64 handle;
    u64 buf;         /* kernel address of the data */
    u64 len;
    u64 offset;      /* in and out (GETDENTS); LOOKUP: 1 when only the last component is missing */
    s64 result;      /* bytes, a handle, or -errno */
    u32 kind;        /* LOOKUP: SP_HOSTIO_KIND_* */
    u32 pad;
    struct sp_linux_stat st;
};

/* Injection entry point: the host calls `void slowpath_inject(u32 tif_bit)`
 * in ring 0 on a stack of its own (symbol inject_stack_top) with the return
 * address `inject_return` (a hlt). It performs the flag's real cause
 * (queue SIGUSR1, wake another task, queue task work, attach the tracer...)
 * which in turn sets the TIF bit. Memory changes stay; registers are restored. */

/* struct task_struct fields the host reads to list the tasks (sched.h
 * checks them): task_table[] holds a pointer to every task slot. */
#define SP_TASK_pid 584
#define SP_TASK_tgid 588
#define SP_TASK_state 592
#define SP_TASK_comm 600
#define SP_TASK_COMM_LEN 16
#define SP_TASK_mm 672
#define SP_TASK_kthread_fn 720
#define SP_TASK_in_use 736
#define SP_TASK_exit_state 740
#define SP_TASK_parent 760
#define SP_TASK_wait_chan 848
#define SP_TASK_futex_queued 840
#define SP_TASK_sleep_until 1080 /* nonzero: a timed sleep's end (time.c) */

#ifdef __cplusplus
} /* namespace slowpath::abi */
#endif

/* A user virtual address's physical address (SP_HIGH_VA above). */
static inline unsigned long long sp_user_phys(unsigned long long va)
{
    if (va >= SP_HIGH_VA && va < SP_HIGH_VA + SP_HIGH_SIZE)
        return va - SP_HIGH_VA + SP_HIGH_PHYS;
    return va;
}

#endif /* !__ASSEMBLER__ */
#endif /* SLOWPATH_ABI_H */
