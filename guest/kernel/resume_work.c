/*
 * Work that waits for "just before returning to user mode": task work,
 * machine-check reports, uprobes and user-return notifiers. Each has a
 * producer (here driven by slowpath_inject) that queues the work and sets
 * a TIF flag, and a consumer on the exit path that does it and clears it.
 */
#include "sched.h"
#include "uaccess.h"

/* ---- task work (TIF_NOTIFY_RESUME) ----------------------------------------------- */

/* A stand-in for what task work really does (a deferred fput, a keyring
 * update...): it runs in the task's own context on its way out. */
static void demo_task_work_fn(struct callback_head *head)
{
    (void)head;
}

#define TASK_WORK_POOL 8
static struct callback_head task_work_pool[TASK_WORK_POOL];

struct callback_head *task_work_alloc_demo(void)
{
    for (int i = 0; i < TASK_WORK_POOL; i++) {
        if (!task_work_pool[i].func) {
            task_work_pool[i].func = demo_task_work_fn;
            return &task_work_pool[i];
        }
    }
    return NULL;
}

int task_work_add(struct task_struct *t, struct callback_head *work)
{
    work->next = t->task_works;
    t->task_works = work;
    sp_state.task_work_queued++;
    /* set_notify_resume(): make the exit path call us. */
    set_tsk_thread_flag(t, TIF_NOTIFY_RESUME);
    return 0;
}

noinline void task_work_run(void)
{
    for (;;) {
        /* Take the whole list at once; work queued meanwhile waits for the
         * next round of this loop. */
        struct callback_head *work = current->task_works;
        if (!work)
            break;
        current->task_works = NULL;
        /* The list is newest first: reverse it to run in queueing order. */
        struct callback_head *head = NULL;
        while (work) {
            struct callback_head *next = work->next;
            work->next = head;
            head = work;
            work = next;
        }
        while (head) {
            struct callback_head *next = head->next;
            head->func(head);
            head->func = NULL; /* back to the pool */
            sp_state.task_work_queued--;
            sp_state.task_work_runs++;
            head = next;
        }
    }
}

/* The caller has already cleared TIF_NOTIFY_RESUME. */
void tracehook_notify_resume(struct pt_regs *regs)
{
    if (current->task_works)
        task_work_run();
    /* resume_user_mode_work's last step: a restartable sequence that lost
     * the CPU restarts, and the rseq area learns the CPU again. */
    rseq_handle_notify_resume(0, regs);
}

/* ---- machine checks (TIF_MCE_NOTIFY) ---------------------------------------------- */

/* The machine-check handler found an error in memory the task uses and
 * left the report for process context. */
void mce_queue_for(struct task_struct *t)
{
    t->mce_pending++;
    set_tsk_thread_flag(t, TIF_MCE_NOTIFY);
}

noinline void mce_notify_process(void)
{
    if (!test_and_clear_thread_flag(TIF_MCE_NOTIFY))
        return;
    /* Linux would now handle the bad page (memory_failure). */
    current->mce_pending = 0;
    sp_state.mce_notify_runs++;
}

/* ---- uprobes (TIF_UPROBE) ---------------------------------------------------------- */

/*
 * The int3 handler's uprobe notifier (uprobe_pre_sstep_notifier) marks the
 * task: it stopped on a breakpoint that may belong to a uprobe, and the
 * lookup is left for the way out. Injected, the flag comes with no
 * breakpoint behind it: nothing in this kernel registers a uprobe, and the
 * user ip is wherever the task happens to be.
 */
void uprobe_hit(struct task_struct *t)
{
    t->uprobe_hit = 1;
    set_tsk_thread_flag(t, TIF_UPROBE);
}

#define UPROBE_SWBP_INSN 0xcc /* int3 */
#define UPROBE_SWBP_INSN_SIZE 1

/*
 * handle_swbp() (kernel/events/uprobes.c:2283) for a task with no uprobe
 * at the breakpoint address: the ip after an int3 is one past it
 * (uprobe_get_swbp_addr), and with no uprobe found there Linux looks at
 * the byte itself. An int3 that is not a uprobe's is the program's own:
 * SIGTRAP (:2297). Anything else, or memory it cannot read, means the
 * breakpoint went away meanwhile, so the ip is moved back onto it and the
 * task runs that address again (:2309).
 */
static void handle_swbp(struct pt_regs *regs)
{
    u64 bp_vaddr = regs->ip - UPROBE_SWBP_INSN_SIZE;
    u8 opcode = 0;

    if (copy_from_user(&opcode, (const void __user *)bp_vaddr, 1) == 0 &&
        opcode == UPROBE_SWBP_INSN) {
        force_sig(SIGTRAP, current);
        return;
    }
    regs->ip = bp_vaddr;
}

noinline void uprobe_notify_resume(struct pt_regs *regs)
{
    clear_thread_flag(TIF_UPROBE);
    /* No uprobe is ever single-stepping out of line here (utask->active_uprobe),
     * so this is always the breakpoint half. */
    if (current->uprobe_hit) {
        current->uprobe_hit = 0;
        sp_state.uprobe_runs++;
    }
    handle_swbp(regs);
}

/* ---- user-return notifiers (TIF_USER_RETURN_NOTIFY) ------------------------------- */

struct user_return_notifier {
    void (*on_user_return)(struct user_return_notifier *urn);
    struct user_return_notifier *next;
    bool registered;
};

/* Per CPU in Linux; one CPU here. */
static struct user_return_notifier *return_notifier_list;

static void user_return_notifier_register(struct user_return_notifier *urn)
{
    if (urn->registered)
        return;
    urn->registered = true;
    urn->next = return_notifier_list;
    return_notifier_list = urn;
    set_tsk_thread_flag(&init_task, TIF_USER_RETURN_NOTIFY);
}

static void user_return_notifier_unregister(struct user_return_notifier *urn)
{
    struct user_return_notifier **p = &return_notifier_list;
    while (*p && *p != urn)
        p = &(*p)->next;
    if (*p)
        *p = urn->next;
    urn->registered = false;
    if (!return_notifier_list)
        clear_thread_flag(TIF_USER_RETURN_NOTIFY);
}

/* Like KVM's notifier: restore some CPU state the user needs, once, and
 * step aside until registered again. */
static void demo_on_user_return(struct user_return_notifier *urn)
{
    sp_state.user_return_notifier_runs++;
    user_return_notifier_unregister(urn);
}

static struct user_return_notifier demo_notifier = {.on_user_return = demo_on_user_return};

void user_return_notifier_register_demo(void)
{
    user_return_notifier_register(&demo_notifier);
}

noinline void fire_user_return_notifiers(void)
{
    struct user_return_notifier *urn = return_notifier_list;
    while (urn) {
        struct user_return_notifier *next = urn->next; /* urn may unregister */
        urn->on_user_return(urn);
        urn = next;
    }
}
