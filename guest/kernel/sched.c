/*
 * The scheduler of a one-CPU kernel.
 *
 * init_task (pid 1) runs the user program; clone and fork add its threads
 * and processes from a fixed pool. The runnable tasks take turns in the
 * order of the task table: a task gives the CPU up when it blocks (futex,
 * wait4, a pipe, pause), yields or exits, or when the timer tick finds its
 * slice used up (scheduler_tick). kworker_task (pid 2) is a kernel
 * thread that sleeps until someone wakes it (slowpath_inject does, to give
 * TIF_NEED_RESCHED its real cause). Waking it marks the running task for
 * rescheduling; the next schedule() switches to the kworker, which does its
 * work, goes back to sleep and switches back.
 *
 * The switch is real: each task has its own kernel stack, and switching
 * moves rsp, the per-CPU kernel_stack/old_rsp/current_task and TSS.RSP0.
 */
#include "sched.h"

#include "desc.h"
#include "fs.h"
#include "mm.h"

struct x86_percpu sp_percpu = {.irq_count = -1};

/* Every kernel stack in one array: the kworker's first, below the others
 * (the host, following calls, takes a stack above the one it was on for a
 * return across a switch), then init's and the pool's. The host reads the
 * user tasks' part, [1..], to tell which task's system call an
 * instruction belongs to (a kernel thread's time belongs to whoever
 * switched to it). */
union thread_union task_stacks[NR_TASKS + 2] __aligned(SP_THREAD_SIZE);
#define kworker_thread_union task_stacks[0]
#define init_thread_union task_stacks[1]

struct task_struct init_task = {
    .stack = &init_thread_union,
    .pid = 1,
    .tgid = 1,
    .state = TASK_RUNNING,
    .comm = "demo",
    .files = &init_files,
    .sighand = &init_sighand,
    .in_use = true,
    .group_leader = &init_task,
    .pgid = 1, /* init leads session 1 and its process group 1 */
    .sid = 1,
    .session_leader = true,
};

struct task_struct kworker_task = {
    .stack = &kworker_thread_union,
    .pid = 2,
    .tgid = 2,
    .state = TASK_INTERRUPTIBLE,
    .comm = "kworker/0:1",
    .sighand = &kworker_sighand,
    .in_use = true,
    .group_leader = &kworker_task,
};

struct task_struct *child_reaper = &init_task;

static struct task_struct task_pool[NR_TASKS];

#define P(i) &task_pool[i]

/* scheduler_tick: the ticks a task runs before another that can run gets
 * the CPU (Linux's sched_min_granularity is a few ms: a tick or more). */
#define SLICE_TICKS 100
struct task_struct *const task_table[NR_ALL_TASKS] = {
    &init_task, &kworker_task, P(0),  P(1),  P(2),  P(3),  P(4),  P(5),  P(6),  P(7),  P(8),  P(9),
    P(10),      P(11),         P(12), P(13), P(14), P(15), P(16), P(17), P(18), P(19), P(20), P(21),
    P(22),      P(23),         P(24), P(25), P(26), P(27), P(28), P(29), P(30), P(31),
};
#undef P
_Static_assert(NR_TASKS == 32, "task_table lists every pool slot");

struct task_struct *find_task_by_pid(long pid)
{
    struct task_struct *t;
    for_each_task(t) if (t->pid == pid && t->exit_state != EXIT_DEAD) return t;
    return NULL;
}

/* Whose user FPU state and FS base the CPU holds. */
static struct task_struct *fpu_owner = &init_task;

/* A slot nobody uses, or one whose task is dead and no longer on its stack. */
struct task_struct *alloc_task(void)
{
    for (int i = 0; i < NR_TASKS; i++) {
        struct task_struct *t = &task_pool[i];
        if (t->in_use && !(t->exit_state == EXIT_DEAD && t != current))
            continue;
        if (t == fpu_owner)
            fpu_owner = NULL; /* its registers are nobody's now */
        flush_sigqueue(&t->pending); /* normally emptied at its exit already */
        flush_sigqueue(&t->shared_pending);
        if (t->sighand)
            sighand_put(t->sighand); /* the table the slot's last task held */
        memset(t, 0, sizeof(*t));
        t->stack = &task_stacks[i + 2];
        t->stack->info.task = t;
        t->thread.sp0 = task_stack_top(t);
        return t;
    }
    return NULL;
}

static u32 kworker_work_done;

/* What the kworker does when woken: a stand-in for deferred kernel work
 * (flushing a buffer, updating statistics...). */
static noinline void kworker_do_work(void)
{
    kworker_work_done++;
}

/* The kworker's life: work, sleep, repeat. It starts here the first time
 * it is switched to (see kworker_init) and never returns. */
static __noreturn void kworker_thread(void)
{
    for (;;) {
        kworker_do_work();
        current->state = TASK_INTERRUPTIBLE;
        schedule();
    }
}

/* Make the current task the one the CPU runs: the per-CPU pointers and the
 * TSS must always describe it, because the entry code trusts them. */
void set_current_task(struct task_struct *t)
{
    sp_percpu.current_task = t;
    sp_percpu.kernel_stack = task_stack_top(t) - SP_KERNEL_STACK_OFFSET;
    load_sp0(task_stack_top(t));
    sp_state.current_pid = t->pid;
}

/* Prepare a stack that __switch_to_asm can "resume": six callee-saved
 * registers (zero) under a return address that enters the thread. */
static void kthread_init_stack(struct task_struct *t, void (*fn)(void))
{
    u64 *sp = (u64 *)task_stack_top(t);
    *--sp = 0;                /* no caller: ends a backtrace */
    *--sp = (u64)fn;          /* __switch_to_asm's final ret lands here */
    for (int i = 0; i < 6; i++)
        *--sp = 0;            /* rbp rbx r12 r13 r14 r15 */
    t->thread.sp = (u64)sp;
}

void sched_init(void)
{
    for (int i = 0; i < 2; i++) {
        struct task_struct *t = i ? &kworker_task : &init_task;
        t->stack->info.task = t;
        t->thread.sp0 = task_stack_top(t);
    }
    kworker_task.kthread_fn = kworker_thread;
    kthread_init_stack(&kworker_task, kworker_thread);
    set_current_task(&init_task);
}

/* Called by __switch_to_asm on the new task's stack, like Linux's
 * __switch_to: hand the CPU state that belongs to a task over to next. */
/* The user's selectors stay loaded while the kernel runs (64-bit code
 * ignores them). With FSGSBASE the user task may also have written its FS
 * and GS bases itself: read them back from the CPU (its GS base waits in
 * KERNEL_GS_BASE while the kernel runs). Without it, thread.fs/gs are
 * always up to date. */
void save_user_bases(struct task_struct *t)
{
    asm volatile("movw %%ds, %0" : "=m"(t->usel.ds));
    asm volatile("movw %%es, %0" : "=m"(t->usel.es));
    asm volatile("movw %%fs, %0" : "=m"(t->usel.fs));
    asm volatile("movw %%gs, %0" : "=m"(t->usel.gs));
    if (!fsgsbase_enabled)
        return;
    t->thread.fs = rdmsrl(MSR_FS_BASE);
    t->thread.gs = rdmsrl(MSR_KERNEL_GS_BASE);
}

/* A selector the CPU would refuse to load (an LDT entry that does not
 * exist or is not present, a kernel segment: a tracer may poke any
 * selector with RPL 3) becomes 0, as Linux's fault fixup in load_gs_index
 * makes it. Null selectors (0-3) always load. VERR does not look at P. */
static u16 loadable_selector(u16 sel)
{
    bool readable;
    u32 ar = 0;
    if (sel <= 3)
        return sel;
    asm("verr %1\n\tsetz %0" : "=qm"(readable) : "rm"(sel) : "cc");
    asm("lar %k1, %0" : "+r"(ar) : "r"((u32)sel) : "cc");
    return readable && (ar & AR_P) ? sel : 0;
}

/* Load the user's GS selector from kernel mode: swapgs around it, so that
 * the descriptor's base lands in the user's half (KERNEL_GS_BASE here), not
 * in the per-CPU base the kernel runs with; then the saved base on top, as
 * Linux does with FSGSBASE. */
void load_user_gs(struct task_struct *t, u16 sel, u64 base)
{
    sel = loadable_selector(sel);
    asm volatile("pushfq\n\tcli\n\tswapgs\n\tmovw %0, %%gs\n\tswapgs\n\tpopfq"
                 :
                 : "r"(sel)
                 : "memory", "cc");
    wrmsrl(MSR_KERNEL_GS_BASE, base);
    t->usel.gs = sel;
    t->thread.gs = base;
}

void load_user_segments(struct task_struct *t)
{
    u16 ds = loadable_selector(t->usel.ds), es = loadable_selector(t->usel.es);
    u16 fs = loadable_selector(t->usel.fs);
    asm volatile("movw %0, %%ds\n\tmovw %1, %%es\n\tmovw %2, %%fs" : : "r"(ds), "r"(es), "r"(fs));
    wrmsrl(MSR_FS_BASE, t->thread.fs);
    load_user_gs(t, t->usel.gs, t->thread.gs);
}

struct task_struct *__switch_to(struct task_struct *prev, struct task_struct *next)
{
    prev->thread.usersp = sp_percpu.old_rsp;
    sp_percpu.old_rsp = next->thread.usersp;
    /* The user FPU/SSE registers and the thread pointer belong to a user
     * task. A kernel thread uses neither, so they change hands only when
     * another user task runs (lazily, as Linux did before 4.x). */
    if (next->mm && next != fpu_owner) {
        if (fpu_owner) {
            asm volatile("fxsaveq %0" : "=m"(fpu_owner->thread.fpstate));
            save_user_bases(fpu_owner);
        }
        asm volatile("fxrstorq %0" : : "m"(next->thread.fpstate));
        /* Its segments first: the selectors may name its TLS or LDT. */
        load_tls(next);
        load_mm_ldt(next->mm);
        load_user_segments(next);
        fpu_owner = next;
    }
    load_debugregs(next);
    set_current_task(next);
    return prev;
}

static void record_switch(struct task_struct *prev, struct task_struct *next)
{
    /* A ring of the last SP_MAX_RECORDS switches; the count goes on. */
    u32 n = sp_state.switch_count;
    sp_state.switches[n % SP_MAX_RECORDS].from_pid = prev->pid;
    sp_state.switches[n % SP_MAX_RECORDS].to_pid = next->pid;
    sp_state.switch_count = n + 1;
}

noinline void context_switch(struct task_struct *prev, struct task_struct *next)
{
    record_switch(prev, next);
    /* prepare_task_switch: prev's restartable sequence, if it was in one,
     * restarts when prev gets back to user mode. */
    rseq_preempt(prev);
    /* Another process: its pages come back into place (mm.c). A kernel
     * thread borrows whatever address space is there. */
    if (next->mm && next->mm != active_mm)
        switch_mm(active_mm, next->mm);
    __switch_to_asm(prev, next);
    /* Back on prev's stack: someone switched to us again. */
}

static int task_index(struct task_struct *t)
{
    for (int i = 0; i < NR_ALL_TASKS; i++)
        if (task_table[i] == t)
            return i;
    return 0;
}

static bool runnable(struct task_struct *t)
{
    return t->in_use && t->state == TASK_RUNNING && !t->exit_state;
}

/* Round robin: the first runnable task after prev in the table, prev
 * itself if no other can run. (With only init and the kworker this is
 * "the other one if it is awake".) */
static struct task_struct *pick_next_task(struct task_struct *prev)
{
    int at = task_index(prev);
    for (int k = 1; k < NR_ALL_TASKS; k++) {
        struct task_struct *t = task_table[(at + k) % NR_ALL_TASKS];
        if (runnable(t))
            return t;
    }
    return prev;
}

/* A task in a timed sleep (nanosleep) that no wake-up has ended yet. */
static bool in_timed_sleep(struct task_struct *t)
{
    return t->sleep_until && t->state == TASK_INTERRUPTIBLE;
}

/* Could anyone but the current task run, now or when its timed sleep
 * ends? A sleeper that finds nobody would sleep forever. */
bool any_other_runnable(void)
{
    if (pick_next_task(current) != current)
        return true;
    struct task_struct *t;
    for_each_task(t)
    {
        if (t != current && in_timed_sleep(t))
            return true;
    }
    return posix_timers_next_expiry() != 0; /* its signal may wake someone */
}

/* Sleep until someone moves the current task out of `state` (a stop that
 * SIGCONT, SIGKILL or a tracer ends). With nobody left to do that the
 * machine stops, as Linux would wait forever. */
void schedule_while_in(long state)
{
    while (current->state == state) {
        if (!any_other_runnable()) {
            sp_state.halt_reason = SP_HALT_DEADLOCK;
            machine_halt();
        }
        schedule();
    }
}

/* Nothing can run: the timed sleep or POSIX timer that ends first ends
 * now, the clock jumping to its end (there is no timer interrupt to wait
 * for). Ties go to the timer, then to the first in the task table. */
static bool expire_first_sleep(void)
{
    struct task_struct *t, *first = NULL;
    for_each_task(t)
    {
        if (in_timed_sleep(t) && (!first || t->sleep_until < first->sleep_until))
            first = t;
    }
    s64 timer_at = posix_timers_next_expiry();
    if (timer_at && (!first || timer_at <= first->sleep_until)) {
        clock_advance_to(timer_at); /* it fires: its signal wakes whom it wakes */
        return true;
    }
    if (!first)
        return false;
    clock_advance_to(first->sleep_until);
    wake_up_process(first);
    return true;
}

noinline void schedule(void)
{
    struct task_struct *prev = current;
    /* The request is being served: forget it before choosing. */
    clear_tsk_thread_flag(prev, TIF_NEED_RESCHED);
    struct task_struct *next = pick_next_task(prev);
    if (next == prev && !runnable(prev) && expire_first_sleep()) {
        next = pick_next_task(prev);
        /* prev slept with nothing else to run: Linux would have switched
         * to the idle task and back (prepare_task_switch, rseq_preempt). */
        if (next == prev)
            rseq_preempt(prev);
    }
    if (next != prev) {
        next->slice_ticks = 0;
        context_switch(prev, next);
        /* Running again, on a new slice. The ticks during our own
         * switch-out (switch_mm copies for a million instructions when
         * the processes are big) were charged to us, and may have marked
         * us for rescheduling for the slice we had then used up: left
         * set, it would send us away at once, and two big processes
         * would pass the CPU back and forth doing nothing but copies. */
        clear_tsk_thread_flag(prev, TIF_NEED_RESCHED);
    }
}

/*
 * The timer interrupt's work (do_IRQ): a slice is SLICE_TICKS ticks (100,
 * a million instructions); when the running task has used its slice up and
 * another can run, it is marked for rescheduling, and the interrupt's return to user mode (retint_careful,
 * exit_to_user_mode_loop) or the system call's exit switches tasks. Linux's
 * scheduler_tick -> task_tick_fair -> resched_curr, with every task of the
 * same weight. A tick is time passing as well: the clock moves on by one
 * tick (the clock otherwise stands still while a task runs, time.c), and a
 * timed sleep that has ended wakes, as Linux's hrtimer interrupt wakes it,
 * so a task asleep in nanosleep gets its turn while another spins. The
 * host ticks only a user program with two user tasks or more that run or
 * sleep until a time (emu/src/engine_events.cpp).
 */
noinline void scheduler_tick(void)
{
    struct task_struct *t;
    bool woke = false;
    s64 now = clock_tick();
    for_each_task(t)
    {
        if (in_timed_sleep(t) && t->sleep_until <= now) {
            wake_up_process(t);
            woke = true;
        }
    }
    /* A sleeper that wakes takes the CPU at once (Linux's wakeup
     * preemption of a task that has slept long); otherwise the running task
     * keeps it for a slice of SLICE_TICKS ticks. A switch between processes
     * copies their pages, so slices of one tick would spend the CPU on
     * copies alone. */
    if (++current->slice_ticks < SLICE_TICKS && !woke)
        return;
    if (any_other_runnable())
        set_tsk_thread_flag(current, TIF_NEED_RESCHED);
}

/* Wake a sleeping task. A kernel thread preempts the current task at the
 * next chance (the exit path's NEED_RESCHED check), as a freshly woken
 * kworker does. A user task just becomes runnable and gets its turn when
 * the current one sleeps or yields: each switch between processes copies
 * their pages (mm.c), so switching at every wake-up would cost a copy per
 * pipe read. */
int wake_up_process(struct task_struct *t)
{
    if (t->state == TASK_RUNNING)
        return 0;
    t->state = TASK_RUNNING;
    if (t != current && t->kthread_fn)
        set_tsk_thread_flag(current, TIF_NEED_RESCHED); /* resched_task() */
    return 1;
}

/* Wake every task sleeping on `chan` (a pipe, a parent waiting for its
 * children...). */
void wake_up_chan(void *chan)
{
    struct task_struct *t;
    for_each_task(t)
    {
        if (t->wait_chan == chan && t->state == TASK_INTERRUPTIBLE) {
            t->wait_chan = NULL;
            wake_up_process(t);
        }
    }
}

/*
 * Sleep on `chan` until woken. Returns 0 when woken, -ERESTARTSYS if a
 * signal is pending. If no other task can run, nobody could wake us: the
 * machine stops, as Linux would hang (SP_HALT_DEADLOCK).
 */
long wait_on_chan(void *chan)
{
    struct task_struct *me = current;
    if (test_thread_flag(TIF_SIGPENDING))
        return -ERESTARTSYS;
    if (!any_other_runnable()) {
        sp_state.halt_reason = SP_HALT_DEADLOCK;
        machine_halt();
    }
    me->wait_chan = chan;
    me->state = TASK_INTERRUPTIBLE;
    schedule();
    me->wait_chan = NULL;
    me->state = TASK_RUNNING;
    return 0;
}

/* The fields the host reads to list the tasks (abi.h). */
_Static_assert(offsetof(struct task_struct, pid) == SP_TASK_pid, "task_struct layout");
_Static_assert(offsetof(struct task_struct, tgid) == SP_TASK_tgid, "task_struct layout");
_Static_assert(offsetof(struct task_struct, state) == SP_TASK_state, "task_struct layout");
_Static_assert(offsetof(struct task_struct, comm) == SP_TASK_comm, "task_struct layout");
_Static_assert(sizeof(((struct task_struct *)0)->comm) == SP_TASK_COMM_LEN, "task_struct layout");
_Static_assert(offsetof(struct task_struct, mm) == SP_TASK_mm, "task_struct layout");
_Static_assert(offsetof(struct task_struct, kthread_fn) == SP_TASK_kthread_fn, "task_struct layout");
_Static_assert(offsetof(struct task_struct, in_use) == SP_TASK_in_use, "task_struct layout");
_Static_assert(offsetof(struct task_struct, exit_state) == SP_TASK_exit_state, "task_struct layout");
_Static_assert(offsetof(struct task_struct, parent) == SP_TASK_parent, "task_struct layout");
_Static_assert(offsetof(struct task_struct, wait_chan) == SP_TASK_wait_chan, "task_struct layout");
_Static_assert(offsetof(struct task_struct, futex_queued) == SP_TASK_futex_queued, "task_struct layout");
_Static_assert(offsetof(struct task_struct, sleep_until) == SP_TASK_sleep_until, "task_struct layout");
