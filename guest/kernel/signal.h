/*
 * Signals: numbers, the kernel's struct sigaction and siginfo (x86-64
 * layouts, as user space sees them), and the functions that queue and
 * deliver them.
 */
#ifndef GUEST_SIGNAL_H
#define GUEST_SIGNAL_H

#include "kernel.h"

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGWINCH 28
#define SIGPOLL 29
#define SIGSYS 31
#define SIGRTMIN 32 /* the first real-time signal: these queue, the others merge */
#define _NSIG 64

#define SIG_DFL 0UL
#define SIG_IGN 1UL

#define SA_SIGINFO 0x00000004UL
#define SA_ONSTACK 0x08000000UL
#define SA_RESTART 0x10000000UL
#define SA_NODEFER 0x40000000UL
#define SA_RESETHAND 0x80000000UL
#define SA_RESTORER 0x04000000UL

/* sigaltstack() */
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1U << 31)
#define SS_FLAG_BITS SS_AUTODISARM
#define MINSIGSTKSZ 2048 /* the kernel's floor for sigaltstack() */

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

/* si_code values */
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_QUEUE (-1)
#define SI_TIMER (-2)
#define SI_TKILL (-6)
#define SI_DETHREAD (-7)
#define SI_ASYNCNL (-60)
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define ILL_ILLOPN 2
#define FPE_INTDIV 1
#define TRAP_BRKPT 1
#define TRAP_TRACE 2
#define TRAP_HWBKPT 4
#define BUS_ADRALN 1

/* One bit per signal: bit (signo - 1), as the kernel and sp_state use. */
typedef u64 sigset_t;
#define sigmask(sig) (1ULL << ((sig) - 1))
/* The two signals nobody may catch, block or ignore. */
#define SIG_UNCATCHABLE (sigmask(SIGKILL) | sigmask(SIGSTOP))

/* struct sigaction as rt_sigaction passes it on x86-64. */
struct k_sigaction {
    u64 handler;  /* SIG_DFL, SIG_IGN or a user address */
    u64 flags;    /* SA_* */
    u64 restorer; /* user code that calls rt_sigreturn */
    sigset_t mask;
};

/* siginfo_t: 128 bytes; the union starts at offset 16. */
typedef struct siginfo {
    s32 si_signo;
    s32 si_errno;
    s32 si_code;
    s32 __pad0;
    union {
        s32 _pad[28];
        struct {
            s32 pid;
            u32 uid;
        } kill;
        struct {
            u64 addr;
        } fault;
        struct {
            s32 pid;
            u32 uid;
            s32 status;
            s32 pad;
            s64 utime, stime;
        } chld; /* SIGCHLD */
        struct {
            s32 tid;         /* the timer's id */
            s32 overrun;     /* expirations it missed */
            u64 value;       /* sigev_value */
            s32 sys_private; /* the kernel's: which arming queued it (never shown) */
        } timer; /* SI_TIMER */
    } fields;
} siginfo_t;
_Static_assert(sizeof(siginfo_t) == 128, "siginfo is 128 bytes");
/* What of a siginfo the kernel keeps (Linux: struct kernel_siginfo): the
 * header and the union's first 32 bytes; the rest goes out as zero. */
#define SI_KERNEL_BYTES 48

struct task_struct;
struct pt_regs;

/* One pending instance of a signal, with its siginfo (Linux: sigqueue). */
struct sigqueue {
    struct sigqueue *next;
    s32 timer;      /* a POSIX timer's own instance: its slot + 1; -1 once deleted */
    bool uncounted; /* the timer was charged for it (RLIMIT_SIGPENDING), not the queue */
    siginfo_t info;
};

/* A queue of pending signals: a bit per signal with an instance pending,
 * and the instances in the order they were sent (Linux: sigpending). A
 * bit without an instance is a signal sent when there was no room for
 * its siginfo. */
struct sigpending {
    sigset_t signal;
    struct sigqueue *list;
};

/* The handlers of one or more processes (Linux: sighand_struct): the
 * threads of a process share them, and so does a process made with
 * CLONE_SIGHAND without CLONE_THREAD. count: the tasks that hold it. */
struct sighand_struct {
    int count;
    struct k_sigaction action[_NSIG];
};
extern struct sighand_struct init_sighand, kworker_sighand;
struct sighand_struct *sighand_copy(const struct sighand_struct *from); /* count 1, or NULL */
void sighand_put(struct sighand_struct *sh);
int unshare_sighand(struct task_struct *t); /* exec: a table of its own */

/* sys_info.c: a soft resource limit. */
#define RLIMIT_SIGPENDING 11
u64 rlimit_cur(unsigned int resource);

/* signal_queue.c */
int send_signal(int sig, const siginfo_t *info, struct task_struct *t);
/* To a whole process: its shared queue, taken by any thread that does
 * not block it; p is the thread tried first (kill, SIGCHLD). */
int group_send_signal(int sig, const siginfo_t *info, struct task_struct *p);
/* posix_timers.c's send_sigqueue: the timer's own instance (slot), to a
 * thread or its process; a copy already queued counts an overrun.
 * 0: queued, 1: ignored, -1: nobody to take it. */
int send_timer_signal(int slot, const siginfo_t *info, struct task_struct *t, bool group);
bool sigqueue_charge(void); /* a timer's instance, within RLIMIT_SIGPENDING */
void signalfd_notify(struct task_struct *t); /* signalfd.c: t got a signal */
void sigqueue_uncharge(void);
void sigqueue_disown_timer(int slot); /* timer_delete: a queued instance is stale */
/* posix_timers.c */
bool posix_timer_dequeued(int slot, siginfo_t *info); /* false: a stale one, dropped */
void exit_itimers(struct task_struct *leader);
s64 posix_timers_next_expiry(void); /* 0: none armed */
void posix_timers_expire(s64 now);
struct sigpending *task_shared_pending(struct task_struct *t);
sigset_t task_pending_signals(struct task_struct *t); /* its own and its process's */
void flush_sigqueue(struct sigpending *p);
void flush_sigqueue_mask(struct sigpending *p, sigset_t mask);
void flush_signals_everywhere(struct task_struct *p, sigset_t mask);
int dequeue_synchronous_signal(siginfo_t *info);
void set_current_blocked(sigset_t set);
int signals_fork(struct task_struct *p, bool share_handlers); /* -ENOMEM */
void exit_signals(struct task_struct *tsk, bool group_dead);
/* signal.c */
bool sig_ignored(struct task_struct *t, int sig);
bool sig_fatal_default(struct task_struct *t, int sig);
static inline bool valid_signal(long sig)
{
    return (unsigned long)sig <= _NSIG;
}
int force_sig_info(int sig, const siginfo_t *info, struct task_struct *t);
void force_sig(int sig, struct task_struct *t);
void force_sig_fault(int sig, int code, u64 addr, struct task_struct *t);
void force_sigsegv(int sig, struct task_struct *t); /* a frame or rseq fixup that failed */
void recalc_sigpending(void);
void do_signal(struct pt_regs *regs);
int setup_rt_frame(int sig, struct k_sigaction *ka, siginfo_t *info, sigset_t oldset,
                   struct pt_regs *regs);
void sync_signal_state(struct task_struct *t);
void recalc_sigpending_tsk(struct task_struct *t);
int dequeue_signal_mask(struct task_struct *t, sigset_t allowed, siginfo_t *info);

/* SIGCHLD's si_code: what became of the child. */
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_TRAPPED 4
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

/* jobctl.c: group stops. The process's state, in its leader's
 * signal_flags: stopped; continued and not yet reported by wait; and a
 * SIGCHLD its parent is still owed (CLD_STOPPED, CLD_CONTINUED). */
#define SIGNAL_STOP_STOPPED 0x1
#define SIGNAL_STOP_CONTINUED 0x2
#define SIGNAL_CLD_STOPPED 0x10
#define SIGNAL_CLD_CONTINUED 0x20
#define SIGNAL_CLD_MASK (SIGNAL_CLD_STOPPED | SIGNAL_CLD_CONTINUED)
#define SIGNAL_STOP_MASK (SIGNAL_CLD_MASK | SIGNAL_STOP_STOPPED | SIGNAL_STOP_CONTINUED)
void do_notify_parent_cldstop(struct task_struct *tsk, bool for_ptracer, int why);
void jobctl_init_task(struct task_struct *p);
bool jobctl_participate(struct task_struct *t);
bool group_stop_active(struct task_struct *t);
void jobctl_exit(struct task_struct *me);
void jobctl_untraced(struct task_struct *t);
void jobctl_prepare_signal(int sig, struct task_struct *t);
bool jobctl_report_continued(void);
bool do_signal_stop(int signr);
/* pgrp.c */
int kill_pgrp(s32 pgid, int sig, siginfo_t *info,
              int (*send)(int sig, siginfo_t *info, struct task_struct *t));
bool is_current_pgrp_orphaned(void);
void kill_orphaned_pgrp(struct task_struct *tsk, struct task_struct *parent);
void pgrp_fork(struct task_struct *p, struct task_struct *parent_leader);
/* ---- the FPU state in a signal frame ---- */

/*
 * The FPU and SSE state as FXSAVE stores it (512 bytes): the legacy part of
 * an XSAVE image too. The handler finds it through sigcontext.fpstate;
 * rt_sigreturn loads it back. Its software bytes (sw_reserved, struct
 * _fpx_sw_bytes) describe what follows: with XSAVE in use, the XSAVE
 * header and the rest of the image (xstate_size bytes in all), then
 * FP_XSTATE_MAGIC2, as Linux writes it.
 */
struct fxregs_state {
    u16 cwd, swd, twd, fop;
    u64 rip, rdp;
    u32 mxcsr, mxcsr_mask;
    u32 st_space[32];
    u32 xmm_space[64];
    u32 padding[12];
    u32 sw_reserved[12]; /* struct _fpx_sw_bytes */
} __aligned(16);
_Static_assert(sizeof(struct fxregs_state) == 512, "fxsave area is 512 bytes");
/* signal.c: the MXCSR bits the CPU implements, by an FXSAVE image's mask. */
u32 mxcsr_feature_mask(const struct fxregs_state *fx);
#define FP_XSTATE_MAGIC1 0x46505853U
#define FP_XSTATE_MAGIC2 0x46505845U
#define FP_XSTATE_MAGIC2_SIZE 4
#define UC_FP_XSTATE 0x1 /* uc_flags: the frame's FPU state is an XSAVE image */
#define UC_SIGCONTEXT_SS 0x2     /* uc_flags: sigcontext.ss holds the interrupted SS */
#define UC_STRICT_RESTORE_SS 0x4 /* rt_sigreturn loads that SS as it is, valid or not */

/* The 64 bytes after the legacy area of an XSAVE image. */
struct xstate_header {
    u64 xfeatures; /* XSTATE_BV: the components the image holds */
    u64 xcomp_bv;  /* 0: the standard format */
    u64 reserved[6];
};
#define XSTATE_MIN_SIZE (512 + 64)
#define XFEATURE_MASK_FPSSE 3
#define MXCSR_DEFAULT 0x1f80

u64 sigframe_min_size(void); /* AT_MINSIGSTKSZ */
__noreturn void do_group_exit_by_signal(int sig);

/* ---- the frame a handler runs on (x86-64 user ABI) --------------------------- */

/* Registers as the handler sees them in uc_mcontext. */
struct sigcontext {
    u64 r8, r9, r10, r11, r12, r13, r14, r15;
    u64 di, si, bp, bx, dx, ax, cx, sp;
    u64 ip;
    u64 flags;
    u16 cs, gs, fs, ss; /* ss: Linux 4.6 and later (UC_SIGCONTEXT_SS); v3.13 left it 0 */
    u64 err;
    u64 trapno;
    u64 oldmask;
    u64 cr2;
    u64 fpstate; /* user address of the saved FPU state (struct fxregs_state) */
    u64 reserved1[8];
};
_Static_assert(sizeof(struct sigcontext) == 256, "sigcontext is 256 bytes");

typedef struct sigaltstack {
    u64 ss_sp;
    s32 ss_flags;
    s32 __pad;
    u64 ss_size;
} stack_t;

struct ucontext {
    u64 uc_flags;
    u64 uc_link;
    stack_t uc_stack;
    struct sigcontext uc_mcontext;
    sigset_t uc_sigmask;
};

struct rt_sigframe {
    u64 pretcode; /* the handler's return address: sa_restorer */
    struct ucontext uc;
    siginfo_t info;
};
_Static_assert(offsetof(struct rt_sigframe, uc.uc_mcontext) == 48, "rt_sigframe layout");
_Static_assert(offsetof(struct rt_sigframe, info) == 312, "rt_sigframe layout");

#endif /* GUEST_SIGNAL_H */
