/*
 * struct pt_regs: the saved user registers at the top of a task's kernel
 * stack, in the order the entry code writes them (see abi.h for offsets).
 */
#ifndef GUEST_PTRACE_H
#define GUEST_PTRACE_H

#include "kernel.h"

struct pt_regs {
    /* Saved only when a slow path needs a full frame (SAVE_REST). */
    u64 r15;
    u64 r14;
    u64 r13;
    u64 r12;
    u64 bp;
    u64 bx;
    /* The partial frame: what a C function may clobber (SAVE_ARGS). */
    u64 r11;
    u64 r10;
    u64 r9;
    u64 r8;
    u64 ax;
    u64 cx;
    u64 dx;
    u64 si;
    u64 di;
    /* The system call number, or the error code of an exception, or -1. */
    u64 orig_ax;
    /* What an interrupt pushes ("top of stack"). */
    u64 ip;
    u64 cs;
    u64 flags;
    u64 sp;
    u64 ss;
};

_Static_assert(offsetof(struct pt_regs, r11) == SP_R11, "pt_regs layout");
_Static_assert(offsetof(struct pt_regs, ax) == SP_RAX, "pt_regs layout");
_Static_assert(offsetof(struct pt_regs, orig_ax) == SP_ORIG_RAX, "pt_regs layout");
_Static_assert(offsetof(struct pt_regs, ip) == SP_RIP, "pt_regs layout");
_Static_assert(offsetof(struct pt_regs, ss) == SP_SS, "pt_regs layout");
_Static_assert(sizeof(struct pt_regs) == SP_FRAME_SIZE, "pt_regs layout");

#define X86_EFLAGS_CF 0x00000001
#define X86_EFLAGS_PF 0x00000004
#define X86_EFLAGS_AF 0x00000010
#define X86_EFLAGS_ZF 0x00000040
#define X86_EFLAGS_SF 0x00000080
#define X86_EFLAGS_TF 0x00000100
#define X86_EFLAGS_IF 0x00000200
#define X86_EFLAGS_DF 0x00000400
#define X86_EFLAGS_OF 0x00000800
#define X86_EFLAGS_RF 0x00010000
#define X86_EFLAGS_AC 0x00040000

static inline bool user_mode(const struct pt_regs *regs)
{
    return (regs->cs & 3) == 3;
}

/* ptrace.c: the slow entry and exit hooks of the system-call path. */
#ifndef CONFIG_GENERIC_ENTRY
long syscall_trace_enter(struct pt_regs *regs);
void syscall_trace_leave(struct pt_regs *regs);
#endif
int ptrace_report_syscall(struct pt_regs *regs, u32 kind);
void trace_sys_enter(struct pt_regs *regs, long id);
void trace_sys_exit(struct pt_regs *regs, long ret);
extern bool syscall_tracepoints_enabled;
struct task_struct;
void user_enable_single_step(struct task_struct *child);

/* ptrace_tracer.c: ptrace(2), a real tracer process. */
struct siginfo;
#define PTRACE_EVENT_FORK 1
#define PTRACE_EVENT_VFORK 2
#define PTRACE_EVENT_CLONE 3
#define PTRACE_EVENT_EXEC 4
#define PTRACE_EVENT_VFORK_DONE 5
#define PTRACE_EVENT_EXIT 6
#define PTRACE_EVENT_STOP 128
/* task_struct.jobctl: a trap a seized tracee owes its tracer (asked for
 * by PTRACE_INTERRUPT: any stop answers it; or news, a SIGCONT: only a
 * PTRACE_EVENT_STOP does), and a stop the tracer lets wait for news
 * (PTRACE_LISTEN). */
#define JOBCTL_TRAP_STOP 0x1
#define JOBCTL_LISTENING 0x2
#define JOBCTL_TRAP_NOTIFY 0x4
#define JOBCTL_TRAP_MASK (JOBCTL_TRAP_STOP | JOBCTL_TRAP_NOTIFY)
/* A group stop of its process this thread has yet to join (jobctl.c),
 * and whether joining it counts towards the stop being complete (not for
 * a tracee let go in a stop that is already complete). */
#define JOBCTL_STOP_PENDING 0x8
#define JOBCTL_STOP_CONSUME 0x10
#define PT_PTRACED 1
#define PT_SEIZED 0x10000 /* attached by PTRACE_SEIZE: no SIGSTOP, PTRACE_EVENT_STOP traps */
void ptrace_group_stop(int signr);
int ptrace_notify(int code);
int ptrace_report_syscall_real(u32 kind);
int ptrace_signal(int sig, struct siginfo *info);
void ptrace_event(int event, u64 message);
void ptrace_do_jobctl_trap(void);
void ptrace_sigcont_notify(struct task_struct *t);
int ptrace_fork_attach(struct task_struct *p, u64 clone_flags);
void ptrace_init_task(struct task_struct *p);
void load_debugregs(struct task_struct *t);
void flush_debugregs(struct task_struct *t);
bool debugreg_is_execute(struct task_struct *t, int n);
long set_debugreg(struct task_struct *t, int n, u64 v); /* ptrace_debugreg.c */
u64 get_debugreg(struct task_struct *t, int n);
void exit_ptrace(struct task_struct *me);
void ptrace_exit_tracee(struct task_struct *me, bool process_ends);
bool ptrace_reparented(struct task_struct *t);
void ptrace_release_zombie(struct task_struct *t);
void exit_notify_parent(struct task_struct *leader); /* fork.c */
bool ptrace_traced_by_waiter(struct task_struct *t);
void ptrace_exec_notify(long old_pid); /* PTRACE_EVENT_EXEC, with the pid before exec */
long sys_ptrace(long request, long pid, u64 addr, u64 data);
/* struct user_regs_struct: pt_regs' 21 words, then the bases and selectors. */
#define USER_REGS_WORDS 27
u64 ptrace_getreg(struct task_struct *t, int i); /* user_regs_struct word i */
long ptrace_putreg(struct task_struct *t, int i, u64 v);
/* ptrace_regset.c */
long ptrace_get_syscall_info(struct task_struct *t, u64 size, void __user *out);
long ptrace_regset(struct task_struct *t, bool set, u64 type, void __user *uiov);
long ptrace_getfpregs(struct task_struct *t, void __user *to);
long ptrace_setfpregs(struct task_struct *t, const void __user *from);

/* audit.c */
#define AUDIT_ARCH_X86_64 0xC000003E
void __audit_syscall_entry(int arch, int major, unsigned long a1, unsigned long a2,
                           unsigned long a3, unsigned long a4);
void __audit_syscall_exit(int success, long return_code);
void audit_syscall_exit(struct pt_regs *regs);
void audit_attach(void);

/* The exit work of both eras. */
void do_notify_resume(struct pt_regs *regs, void *unused, u32 thread_info_flags);
int syscall_exit_slowpath(struct pt_regs *regs, u32 thread_info_flags); /* rfc only */

#endif /* GUEST_PTRACE_H */
