/*
 * Work that waits for "just before returning to user mode": task work,
 * machine-check reports, uprobes and user-return notifiers. Each has a
 * producer (here driven by slowpath_inject) that queues the work and sets
 * a TIF flag, and a consumer on the exit path that does it and clears it.
 */
#include "sched.h"

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
    (void)regs;
    if (current->task_works)
        task_work_run();
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

/* The breakpoint of a uprobe was hit in the task. */
void uprobe_hit(struct task_struct *t)
{
    t->uprobe_hit = 1;
    set_tsk_thread_flag(t, TIF_UPROBE);
}

noinline void uprobe_notify_resume(struct pt_regs *regs)
{
    (void)regs;
    clear_thread_flag(TIF_UPROBE);
    /* Linux runs the probe's handlers here and arranges to execute the
     * original instruction out of line. */
    if (current->uprobe_hit) {
        current->uprobe_hit = 0;
        sp_state.uprobe_runs++;
    }
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
