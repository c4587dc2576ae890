/*
 * Tasks, their kernel stacks and thread_info, the per-CPU area and the
 * scheduler. One CPU; at boot two tasks: the user program "demo" (pid 1)
 * and a kernel thread "kworker/0:1" (pid 2) that only runs when woken.
 * clone/fork add tasks from a fixed pool (NR_TASKS); the scheduler runs
 * the runnable ones round robin.
 */
#ifndef GUEST_SCHED_H
#define GUEST_SCHED_H

#include "kernel.h"
#include "ptrace.h"
#include "signal.h"

/* thread_info lives at the lowest address of each kernel stack. Its
 * flags word is what every work check of the entry code reads. */
struct thread_info {
    struct task_struct *task;
    void *exec_domain; /* unused; keeps flags at the offset v3.13 has */
    u32 flags;         /* TIF_* */
    u32 status;        /* TS_* (TS_COMPAT: during an int $0x80 call) */
    u32 cpu;
    s32 preempt_count;
    u64 addr_limit;
    u64 syscall_work; /* SYSCALL_WORK_* (modern era only; 0 in the others) */
};
_Static_assert(offsetof(struct thread_info, task) == SP_TI_task, "thread_info layout");
_Static_assert(offsetof(struct thread_info, flags) == SP_TI_flags, "thread_info layout");
_Static_assert(offsetof(struct thread_info, status) == SP_TI_status, "thread_info layout");
_Static_assert(offsetof(struct thread_info, cpu) == SP_TI_cpu, "thread_info layout");
_Static_assert(offsetof(struct thread_info, syscall_work) == SP_TI_syscall_work, "thread_info layout");

union thread_union {
    struct thread_info info;
    u64 stack[SP_THREAD_SIZE / 8];
};

/* What switch_to must remember of a task that is not running. */
struct thread_struct {
    u64 sp;     /* kernel rsp while switched out (first: switch_to.S uses offset 0) */
    u64 sp0;    /* top of the kernel stack, for TSS.RSP0 */
    u64 usersp; /* the per-CPU old_rsp belongs to the task */
    u64 fs;     /* FS base (arch_prctl, WRFSBASE) */
    u64 gs;     /* the user's GS base (WRGSBASE, ARCH_SET_GS) */
    u64 trap_nr, error_code, cr2;  /* the last fault, for sigcontext */
    u8 fpstate[512] __aligned(16); /* FXSAVE image while switched out */
};

struct callback_head {
    struct callback_head *next;
    void (*func)(struct callback_head *head);
};

#define TASK_RUNNING 0
#define TASK_INTERRUPTIBLE 1
#define TASK_STOPPED 4 /* in a group stop (jobctl.c): SIGCONT or SIGKILL wakes it */
#define TASK_TRACED 8 /* stopped for its tracer (ptrace): only the tracer resumes it */
#define TASK_DEAD 64 /* exited: never runs again */

/* exit_state, as Linux names them. */
#define EXIT_ZOMBIE 16 /* a process that exited, waiting for its parent's wait */
#define EXIT_DEAD 32   /* gone: its slot may be reused once it is not current */

/* Tasks beyond init and the kworker: threads and processes. */
#define NR_TASKS 32

/* How restart_syscall resumes a sleep that a signal without a handler
 * interrupted (time.c). fn NULL: nothing to resume, EINTR. */
struct restart_block {
    long (*fn)(struct restart_block *);
    s64 expires; /* the end of the sleep on the boot clock */
    u64 rmtp;    /* where an interrupted sleep writes the time left */
};

struct task_struct {
    struct thread_struct thread;
    union thread_union *stack;
    s32 pid;
    s32 tgid;
    long state;
    char comm[16];

    /* Signals: the thread's own queue and mask, and the handlers it
     * shares with its process (and with a CLONE_SIGHAND creator). */
    struct sigpending pending;
    sigset_t blocked;
    struct sighand_struct *sighand;

    struct callback_head *task_works; /* task_work_add() */
    u32 mce_pending;                  /* machine-check records to report */
    u32 uprobe_hit;                   /* a probed instruction was hit */
    bool audit_context;               /* audit is watching this task */
    bool audit_in_syscall;            /* an entry record awaits its exit */
    u32 audit_major;                  /* the syscall number of that entry */

    struct mm_struct *mm;             /* user address space (NULL: kernel thread) */
    u64 sas_ss_sp, sas_ss_size;       /* the alternate signal stack (sigaltstack) */
    u32 sas_ss_flags;
    s32 nice;                         /* setpriority */
    u64 robust_list, robust_list_len; /* set_robust_list: read at exit by a futex-aware kernel */
    void (*kthread_fn)(void);         /* kernel threads: what they run */
    struct files_struct *files;       /* open files (fs.h); none for kernel threads */

    /* Processes and threads (fork.c). */
    bool in_use;                      /* a pool slot holding a task */
    int exit_state;                   /* 0, EXIT_ZOMBIE or EXIT_DEAD */
    int exit_code;                    /* wait() status of the process (leader only) */
    bool group_exiting;               /* exit_group or a fatal signal is ending the group */
    struct task_struct *group_leader; /* the thread whose pid is the tgid */
    struct task_struct *parent;       /* the leader of the process that forked this one */
    int exit_signal;                  /* sent to the parent when the process ends (SIGCHLD) */
    u64 clear_child_tid;              /* set_tid_address / CLONE_CHILD_CLEARTID */
    u64 set_child_tid;                /* CLONE_CHILD_SETTID of a new process */
    bool vfork_done;                  /* a vfork child released its parent (exec or exit) */
    struct task_struct *vfork_parent; /* the task that sleeps until then */

    /* futex.c: the wait this task sleeps in. */
    u64 futex_uaddr;
    struct mm_struct *futex_mm;
    u32 futex_bitset;
    u64 futex_seq; /* queue order: lower waited first */
    bool futex_queued;
    void *wait_chan; /* pipe.c, wait4: what the task sleeps on */

    /* ptrace_tracer.c: the tracer of this task, and the stop it sits in. */
    u32 ptrace;                  /* PT_PTRACED; 0: not traced */
    u32 ptrace_options;          /* PTRACE_O_* */
    struct task_struct *tracer;  /* the thread that traces this task */
    int ptrace_stop_status;      /* the wait() status of the current stop */
    bool ptrace_stop_unreported; /* wait4 has not told the tracer of it yet */
    int ptrace_resume_sig;       /* the signal the tracer resumed it with */
    siginfo_t last_siginfo;      /* what PTRACE_GETSIGINFO reads */
    u64 debugreg[8];             /* u_debugreg as the tracer set it (validated, not armed) */

    /* time.c: the end of a timed sleep on the boot clock (0: not in one),
     * and how restart_syscall resumes an interrupted one. */
    s64 sleep_until;
    struct restart_block restart_block;

    /* The user's segment selectors while switched out (Linux keeps them in
     * thread_struct; here they come last, so the host's offsets stay). */
    struct {
        u16 ds, es, fs, gs;
    } usel;
    u8 debugreg_used; /* DR0-DR3 a tracer has set or enabled (Linux: a ptrace_bps event) */
    u32 slice_ticks;  /* timer ticks since it last got the CPU (scheduler_tick) */
    u64 tls_array[3]; /* ldt.c: set_thread_area's GDT entries 12-14 (0: empty) */
    u32 jobctl;         /* JOBCTL_* (ptrace.h) */
    u64 ptrace_message; /* PTRACE_GETEVENTMSG's word during a stop */
    /* jobctl.c: the group stop. The first three are the process's, kept
     * in its leader (Linux: signal_struct). */
    u32 signal_flags;        /* SIGNAL_STOP_*, SIGNAL_CLD_* (signal.h) */
    int group_stop_code;     /* the stop signal its parent's wait has not reported (0: none) */
    int group_stop_count;    /* threads yet to stop */
    int jobctl_stop_sig;     /* the signal of the group stop this thread joins */
    bool last_siginfo_none;  /* a group stop of a non-seized tracee: no siginfo to read */
    sigset_t real_blocked;   /* rt_sigtimedwait: the mask it narrowed for its wait */
    /* pgrp.c: the process group and session of the process, kept in its
     * leader (Linux: the PIDTYPE_PGID and PIDTYPE_SID links). */
    s32 pgid, sid;
    bool session_leader; /* setsid made it one (signal->leader) */
    bool fork_noexec;    /* forked and not exec'd since (PF_FORKNOEXEC) */
    /* rseq.c: the registered struct rseq (0: none), its length and
     * signature, and what happened since a critical section last looked
     * (RSEQ_EVENT_*). */
    u64 rseq;
    u32 rseq_len;
    u32 rseq_sig;
    u32 rseq_event_mask;
    /* signal_queue.c: the process's pending signals, the thread its last
     * signal woke, and the signal that is ending it (Linux: signal_struct's
     * shared_pending, curr_target, SIGNAL_GROUP_EXIT); the leader's. */
    struct sigpending shared_pending;
    struct task_struct *curr_target;
    int group_exit_sig;
    /* rt_sigsuspend: the mask to put back once a signal is dealt with. */
    sigset_t saved_sigmask;
    bool restore_sigmask;
    s32 next_timer_id; /* posix_timers.c: the leader's (signal->next_posix_timer_id) */
};
_Static_assert(offsetof(struct task_struct, thread.sp) == 0, "switch_to.S uses offset 0");

/* The per-CPU area. swapgs makes %gs point at it in the entry code; C code
 * (single CPU) simply uses the symbol. */
struct x86_percpu {
    u64 kernel_stack;                 /* top of current's stack - KERNEL_STACK_OFFSET */
    u64 old_rsp;                      /* user rsp during a system call */
    struct task_struct *current_task;
    s32 irq_count;                    /* -1: not in an interrupt */
    u32 pad;
};
_Static_assert(offsetof(struct x86_percpu, kernel_stack) == SP_PERCPU_kernel_stack, "percpu");
_Static_assert(offsetof(struct x86_percpu, old_rsp) == SP_PERCPU_old_rsp, "percpu");
_Static_assert(offsetof(struct x86_percpu, current_task) == SP_PERCPU_current_task, "percpu");
_Static_assert(offsetof(struct x86_percpu, irq_count) == SP_PERCPU_irq_count, "percpu");

extern struct x86_percpu sp_percpu;
#define current (sp_percpu.current_task)

extern struct task_struct init_task;    /* pid 1, runs the user program */
extern struct task_struct kworker_task; /* pid 2, a kernel thread */
/* The leader of pid 1's process, which orphans go to: init_task, or the
 * thread that took its place by an exec (de_thread). */
extern struct task_struct *child_reaper;

/* Every task slot, in scheduling order: init, the kworker, the pool. The
 * unused pool slots have in_use false. */
#define NR_ALL_TASKS (NR_TASKS + 2)
extern struct task_struct *const task_table[NR_ALL_TASKS];
#define for_each_task(t)                                                                           \
    for (struct task_struct *const *t##_p = task_table;                                            \
         t##_p < task_table + NR_ALL_TASKS && ((t) = *t##_p, 1); t##_p++)                          \
        if ((t)->in_use)
struct task_struct *find_task_by_pid(long pid);
struct task_struct *alloc_task(void); /* a free pool slot with its stack, or NULL */

/* The handler of sig for t: the table its process shares (CLONE_SIGHAND). */
static inline struct k_sigaction *sig_action(struct task_struct *t, int sig)
{
    return &t->sighand->action[sig - 1];
}

static inline struct thread_info *task_thread_info(struct task_struct *t)
{
    return &t->stack->info;
}
static inline u64 task_stack_top(struct task_struct *t)
{
    return (u64)t->stack + SP_THREAD_SIZE;
}
/* The user registers of a task sit at the very top of its stack. */
static inline struct pt_regs *task_pt_regs(struct task_struct *t)
{
    return (struct pt_regs *)(task_stack_top(t) - sizeof(struct pt_regs));
}

/*
 * Flag updates are single locked instructions: the host may inject work
 * between any two instructions, and a plain load-modify-store here could
 * lose a flag set in between.
 */
static inline void set_ti_thread_flag(struct thread_info *ti, int flag)
{
    asm volatile("lock btsl %1, %0" : "+m"(ti->flags) : "Ir"(flag) : "memory");
}
static inline void clear_ti_thread_flag(struct thread_info *ti, int flag)
{
    asm volatile("lock btrl %1, %0" : "+m"(ti->flags) : "Ir"(flag) : "memory");
}
static inline bool test_ti_thread_flag(struct thread_info *ti, int flag)
{
    return (*(volatile u32 *)&ti->flags >> flag) & 1;
}
static inline bool test_and_clear_ti_thread_flag(struct thread_info *ti, int flag)
{
    bool was_set;
    asm volatile("lock btrl %2, %0" : "+m"(ti->flags), "=@ccc"(was_set) : "Ir"(flag) : "memory");
    return was_set;
}
#define set_tsk_thread_flag(t, f) set_ti_thread_flag(task_thread_info(t), f)
#define clear_tsk_thread_flag(t, f) clear_ti_thread_flag(task_thread_info(t), f)
#define test_tsk_thread_flag(t, f) test_ti_thread_flag(task_thread_info(t), f)
#define set_thread_flag(f) set_tsk_thread_flag(current, f)
#define clear_thread_flag(f) clear_tsk_thread_flag(current, f)
#define test_thread_flag(f) test_tsk_thread_flag(current, f)
#define test_and_clear_thread_flag(f) test_and_clear_ti_thread_flag(task_thread_info(current), f)

/* sched.c */
void schedule(void);
void scheduler_tick(void);
bool any_other_runnable(void);
void schedule_while_in(long state);
/* time.c */
struct __kernel_timespec {
    s64 tv_sec;
    s64 tv_nsec;
};
void clock_advance_to(s64 boot_ns_end); /* the clock jumps to a sleep's end */
s64 clock_read_boot_ns(void);           /* a look at the clock: it moves on */
s64 current_boot_ns(void);              /* the counter, unmoved */
long timer_clock_offset(long which_clock, s64 *offset);
bool timespec_valid(const struct __kernel_timespec *ts);
s64 timespec_to_ns(const struct __kernel_timespec *ts); /* clamped to KTIME_MAX */
struct __kernel_timespec ns_to_timespec(s64 ns);
s64 clock_tick(void);                   /* the timer tick: one tick on, the new time */
void wake_up_chan(void *chan);
long wait_on_chan(void *chan);
void context_switch(struct task_struct *prev, struct task_struct *next);
int wake_up_process(struct task_struct *t);
void sched_init(void);
void set_current_task(struct task_struct *t);
void save_user_bases(struct task_struct *t); /* thread.fs/gs and selectors from the CPU */
void load_user_gs(struct task_struct *t, u16 sel, u64 base); /* current's GS selector, then base */
void load_user_segments(struct task_struct *t); /* t's selectors and bases into the CPU */
void load_tls(const struct task_struct *t);     /* ldt.c: t's TLS slots into the GDT */

/* switch_to.S: save prev's callee-saved registers and stack pointer,
 * resume next where it stopped; returns prev, on next's stack. */
struct task_struct *__switch_to_asm(struct task_struct *prev, struct task_struct *next);

/* resume_work.c: the work behind the notify flags. */
int task_work_add(struct task_struct *t, struct callback_head *work);
void task_work_run(void);
void tracehook_notify_resume(struct pt_regs *regs);
void mce_notify_process(void);
void uprobe_notify_resume(struct pt_regs *regs);
void fire_user_return_notifiers(void);
void mce_queue_for(struct task_struct *t);
void uprobe_hit(struct task_struct *t);
void user_return_notifier_register_demo(void);
struct callback_head *task_work_alloc_demo(void);

/* rseq.c: what may have moved a thread off its restartable sequence.
 * The bits are the rseq_cs flags' (RSEQ_CS_FLAG_NO_RESTART_ON_*). */
#define RSEQ_EVENT_PREEMPT 1
#define RSEQ_EVENT_SIGNAL 2
#define RSEQ_EVENT_MIGRATE 4
/* The fields this kernel fills (offsetof(struct rseq, end)) and the
 * struct's alignment: exec passes them as AT_RSEQ_FEATURE_SIZE and
 * AT_RSEQ_ALIGN. */
#define RSEQ_FEATURE_SIZE 28
#define RSEQ_ALIGN 32
void rseq_set_notify_resume(struct task_struct *t);
void rseq_preempt(struct task_struct *t);
void rseq_migrate(struct task_struct *t);
void rseq_fork(struct task_struct *p, bool clone_vm);
void rseq_execve(struct task_struct *t);
void rseq_handle_notify_resume(int sig, struct pt_regs *regs); /* sig 0: not for a signal */
void rseq_signal_deliver(int sig, struct pt_regs *regs);

/* fork.c */
__noreturn void do_exit(long code);       /* this thread ends */
__noreturn void do_group_exit(long code); /* the whole process ends */
void exit_mm_release(struct task_struct *t);

/* futex.c */
int futex_wake(struct mm_struct *mm, u64 uaddr, int nr, u32 bitset);
void futex_unqueue(struct task_struct *t);

#endif /* GUEST_SCHED_H */
