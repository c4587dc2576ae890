/*
 * The scheduler of a one-CPU, two-task kernel.
 *
 * init_task (pid 1) runs the user program. kworker_task (pid 2) is a kernel
 * thread that sleeps until someone wakes it (slowpath_inject does, to give
 * TIF_NEED_RESCHED its real cause). Waking it marks the running task for
 * rescheduling; the next schedule() switches to the kworker, which does its
 * work, goes back to sleep and switches back.
 *
 * The switch is real: each task has its own kernel stack, and switching
 * moves rsp, the per-CPU kernel_stack/old_rsp/current_task and TSS.RSP0.
 */
#include "desc.h"
#include "fs.h"
#include "sched.h"

struct x86_percpu sp_percpu = {.irq_count = -1};

static union thread_union init_thread_union __aligned(SP_THREAD_SIZE);
static union thread_union kworker_thread_union __aligned(SP_THREAD_SIZE);

struct task_struct init_task = {
    .stack = &init_thread_union,
    .pid = 1,
    .tgid = 1,
    .state = TASK_RUNNING,
    .comm = "demo",
    .files = &init_files,
};

struct task_struct kworker_task = {
    .stack = &kworker_thread_union,
    .pid = 2,
    .tgid = 2,
    .state = TASK_INTERRUPTIBLE,
    .comm = "kworker/0:1",
};

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
struct task_struct *__switch_to(struct task_struct *prev, struct task_struct *next)
{
    prev->thread.usersp = sp_percpu.old_rsp;
    sp_percpu.old_rsp = next->thread.usersp;
    set_current_task(next);
    return prev;
}

static void record_switch(struct task_struct *prev, struct task_struct *next)
{
    u32 n = sp_state.switch_count;
    if (n < SP_MAX_RECORDS) {
        sp_state.switches[n].from_pid = prev->pid;
        sp_state.switches[n].to_pid = next->pid;
        sp_state.switch_count = n + 1;
    }
}

noinline void context_switch(struct task_struct *prev, struct task_struct *next)
{
    record_switch(prev, next);
    __switch_to_asm(prev, next);
    /* Back on prev's stack: someone switched to us again. */
}

/* Two tasks: whoever is not running gets the CPU if it can run. */
static struct task_struct *pick_next_task(struct task_struct *prev)
{
    struct task_struct *other = prev == &init_task ? &kworker_task : &init_task;
    if (other->state == TASK_RUNNING)
        return other;
    return prev;
}

noinline void schedule(void)
{
    struct task_struct *prev = current;
    /* The request is being served: forget it before choosing. */
    clear_tsk_thread_flag(prev, TIF_NEED_RESCHED);
    struct task_struct *next = pick_next_task(prev);
    if (next != prev)
        context_switch(prev, next);
}

/* Wake a sleeping task. It preempts the current task at the next chance
 * (the exit path's NEED_RESCHED check), as a freshly woken kworker does. */
int wake_up_process(struct task_struct *t)
{
    if (t->state == TASK_RUNNING)
        return 0;
    t->state = TASK_RUNNING;
    if (t != current)
        set_tsk_thread_flag(current, TIF_NEED_RESCHED); /* resched_task() */
    return 1;
}
