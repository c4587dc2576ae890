/*
 * Pending signals, as kernel/signal.c keeps them: every thread has its own
 * queue (tkill, tgkill, faults, SIGPIPE) and its process has a shared one,
 * kept in the leader (kill, SIGCHLD, a process group's signals). A signal
 * for the process waits there until any thread that does not block it
 * takes it; complete_signal wakes the one that should. Each queue holds
 * the siginfo of every instance in the order sent: a standard signal
 * already pending in a queue is merged, a real-time one (SIGRTMIN and up)
 * is queued again, within RLIMIT_SIGPENDING.
 */
#include "sched.h"
#include "syscalls.h"
#include "uaccess.h"

/* The instances every queue draws on. RLIMIT_SIGPENDING (1024 at boot)
 * bounds the real-time ones and the queued standard ones the user sent
 * with a negative si_code; the rest is room for the others, which Linux
 * never refuses (each queue holds at most one per standard signal). */
#define NR_SIGQUEUE 1280
static struct sigqueue sigqueue_pool[NR_SIGQUEUE];
static struct sigqueue *sigqueue_free;
static bool sigqueue_ready;
static u32 sigqueue_used; /* Linux: the user's UCOUNT_RLIMIT_SIGPENDING */

struct sigpending *task_shared_pending(struct task_struct *t)
{
    return &t->group_leader->shared_pending;
}

sigset_t task_pending_signals(struct task_struct *t)
{
    return t->pending.signal | task_shared_pending(t)->signal;
}

static void sigqueue_pool_init(void)
{
    if (sigqueue_ready)
        return;
    for (int i = 0; i < NR_SIGQUEUE; i++) {
        sigqueue_pool[i].next = sigqueue_free;
        sigqueue_free = &sigqueue_pool[i];
    }
    sigqueue_ready = true;
}

/* __sigqueue_alloc: a real-time signal (or one sent with a negative
 * si_code) needs room under RLIMIT_SIGPENDING; NULL means no room. A
 * timer's instance (timer_slot >= 0) was charged when the timer was made. */
static struct sigqueue *sigqueue_alloc(int sig, const siginfo_t *info, int timer_slot)
{
    sigqueue_pool_init();
    bool override_rlimit = timer_slot >= 0 || (sig < SIGRTMIN && info->si_code >= 0);
    if (!sigqueue_free || (!override_rlimit && sigqueue_used >= rlimit_cur(RLIMIT_SIGPENDING)))
        return NULL;
    struct sigqueue *q = sigqueue_free;
    sigqueue_free = q->next;
    q->uncounted = timer_slot >= 0;
    if (!q->uncounted)
        sigqueue_used++;
    q->timer = timer_slot + 1;
    q->next = NULL;
    q->info = *info;
    return q;
}

static void sigqueue_release(struct sigqueue *q)
{
    q->next = sigqueue_free;
    sigqueue_free = q;
    if (!q->uncounted)
        sigqueue_used--;
}

bool sigqueue_charge(void)
{
    if (sigqueue_used >= rlimit_cur(RLIMIT_SIGPENDING))
        return false;
    sigqueue_used++;
    return true;
}

void sigqueue_uncharge(void)
{
    sigqueue_used--;
}

static struct sigqueue *find_timer_instance(struct sigpending *p, int slot)
{
    for (struct sigqueue *q = p->list; q; q = q->next)
        if (q->timer == slot + 1)
            return q;
    return NULL;
}

void sigqueue_disown_timer(int slot)
{
    struct task_struct *t;
    for_each_task(t)
    {
        struct sigqueue *q = find_timer_instance(&t->pending, slot);
        if (!q)
            q = find_timer_instance(&t->shared_pending, slot);
        if (q)
            q->timer = -1;
    }
}

/* Drop every instance of the signals in `mask` from one queue. */
void flush_sigqueue_mask(struct sigpending *p, sigset_t mask)
{
    if (!(p->signal & mask))
        return;
    p->signal &= ~mask;
    for (struct sigqueue **link = &p->list; *link;) {
        struct sigqueue *q = *link;
        if (mask & sigmask(q->info.si_signo)) {
            *link = q->next;
            sigqueue_release(q);
        } else {
            link = &q->next;
        }
    }
}

void flush_sigqueue(struct sigpending *p)
{
    flush_sigqueue_mask(p, ~0ULL);
    while (p->list) { /* instances whose bit went some other way */
        struct sigqueue *q = p->list;
        p->list = q->next;
        sigqueue_release(q);
    }
}

/* The signals of `mask`, pending anywhere in p's process, are gone. */
void flush_signals_everywhere(struct task_struct *p, sigset_t mask)
{
    struct task_struct *t, *leader = p->group_leader;
    flush_sigqueue_mask(&leader->shared_pending, mask);
    for_each_task(t) if (t->group_leader == leader)
    {
        flush_sigqueue_mask(&t->pending, mask);
        sync_signal_state(t);
    }
}

/* A thread that is leaving or gone takes no signal of its process. */
static bool task_exiting(struct task_struct *t)
{
    return !t->in_use || t->exit_state || t->state == TASK_DEAD;
}

/* Would t take sig now, or soon without being told (wants_signal)? */
static bool wants_signal(int sig, struct task_struct *t)
{
    if ((t->blocked & sigmask(sig)) || task_exiting(t))
        return false;
    if (sig == SIGKILL)
        return true;
    if (t->state == TASK_STOPPED || t->state == TASK_TRACED)
        return false;
    return t == current || !test_tsk_thread_flag(t, TIF_SIGPENDING);
}

/* signal_wake_up: t has a signal to act on; only SIGKILL (resume) ends a
 * group stop or a ptrace stop. */
static void signal_wake_up(struct task_struct *t, bool resume)
{
    set_tsk_thread_flag(t, TIF_SIGPENDING);
    if (t == current)
        return;
    if (t->state == TASK_INTERRUPTIBLE)
        wake_up_process(t); /* it leaves its wait with -EINTR or a restart */
    else if (resume && (t->state == TASK_STOPPED || t->state == TASK_TRACED))
        wake_up_process(t);
}

/* The signals whose default action dumps core: the thread that takes one
 * ends the process itself, as Linux's do_coredump path. */
#define COREDUMP_SIGNALS                                                                           \
    (sigmask(SIGQUIT) | sigmask(SIGILL) | sigmask(SIGTRAP) | sigmask(SIGABRT) | sigmask(SIGBUS) |  \
     sigmask(SIGFPE) | sigmask(SIGSEGV) | sigmask(SIGXCPU) | sigmask(SIGXFSZ) | sigmask(SIGSYS))

/* The thread after t in the task table, of the same process, round. */
static struct task_struct *next_thread(struct task_struct *t)
{
    int i = 0;
    while (i < NR_ALL_TASKS && task_table[i] != t)
        i++;
    for (int n = 1; n <= NR_ALL_TASKS; n++) {
        struct task_struct *u = task_table[(i + n) % NR_ALL_TASKS];
        if (u->in_use && u->group_leader == t->group_leader && u->exit_state != EXIT_DEAD)
            return u;
    }
    return t;
}

/*
 * complete_signal: sig is queued for p (its own queue) or p's process
 * (group). Wake a thread to take it: p if it can, else, for a process's
 * signal, the next thread that can, starting where the last search ended
 * (curr_target). None: it waits, and the first thread to unblock it or
 * to look anyway takes it.
 */
static void complete_signal(int sig, struct task_struct *p, bool group)
{
    struct task_struct *leader = p->group_leader, *t = p;
    if (!wants_signal(sig, p)) {
        if (!group || next_thread(p) == p)
            return;
        struct task_struct *start = leader->curr_target;
        if (!start || !start->in_use || start->group_leader != leader ||
            start->exit_state == EXIT_DEAD)
            start = leader;
        t = start;
        while (!wants_signal(sig, t)) {
            t = next_thread(t);
            if (t == start)
                return;
        }
        leader->curr_target = t;
    }
    if (sig_fatal_default(p, sig) && !leader->group_exit_sig && !(t->real_blocked & sigmask(sig)) &&
        !(sigmask(sig) & COREDUMP_SIGNALS)) {
        /* It will end the process: every thread goes at once, with a
         * SIGKILL of its own, and the process's status names sig. */
        struct task_struct *u;
        leader->group_exit_sig = sig;
        leader->group_stop_count = 0;
        for_each_task(u) if (u->group_leader == leader && !task_exiting(u))
        {
            u->jobctl &= ~(JOBCTL_TRAP_MASK | JOBCTL_STOP_PENDING | JOBCTL_STOP_CONSUME);
            u->pending.signal |= sigmask(SIGKILL);
            signal_wake_up(u, true);
        }
        return;
    }
    signal_wake_up(t, sig == SIGKILL);
}

/* Nothing is queued for a thread that has ended, nor for a process whose
 * threads have all ended. */
static bool target_gone(struct task_struct *t, bool group)
{
    if (t->group_leader->group_exit_sig)
        return true; /* the process is dying: nothing more for it */
    if (!group)
        return task_exiting(t);
    struct task_struct *u;
    for_each_task(u) if (u->group_leader == t->group_leader && !task_exiting(u)) return false;
    return true;
}

/* timer_slot >= 0: a POSIX timer's own instance (send_sigqueue), which
 * is never merged: queued once, it counts the expirations it misses. */
static int __send_signal(int sig, const siginfo_t *info, struct task_struct *t, bool group,
                         int timer_slot)
{
    bool timer = timer_slot >= 0;
    if (target_gone(t, group))
        return timer ? -1 : 0;
    /* A seized tracee's tracer hears of a SIGCONT by a trap first. */
    if (sig == SIGCONT)
        ptrace_sigcont_notify(t);
    jobctl_prepare_signal(sig, t);
    if (sig_ignored(t, sig))
        return timer ? 1 : 0;
    struct sigpending *pending = group ? task_shared_pending(t) : &t->pending;
    if (timer) {
        struct sigqueue *q = find_timer_instance(pending, timer_slot);
        if (q) {
            q->info.fields.timer.overrun++;
            return 0;
        }
    } else if (sig < SIGRTMIN && (pending->signal & sigmask(sig))) {
        return 0; /* a standard signal pending already: merged */
    }
    /* SIGKILL needs no siginfo (nobody reads it); kernel threads take none. */
    if (sig != SIGKILL) {
        struct sigqueue *q = sigqueue_alloc(sig, info, timer_slot);
        if (q) {
            struct sigqueue **link = &pending->list;
            while (*link)
                link = &(*link)->next;
            *link = q;
        } else if (timer) {
            return -1;
        } else if (sig >= SIGRTMIN && info->si_code != SI_USER) {
            return -EAGAIN; /* sigqueue over the limit; kill() still sends */
        }
    }
    pending->signal |= sigmask(sig);
    signalfd_notify(t);
    complete_signal(sig, t, group);
    sync_signal_state(t);
    return 0;
}

/* To one thread (tkill, a fault, SIGPIPE, a tracer's resume signal). */
int send_signal(int sig, const siginfo_t *info, struct task_struct *t)
{
    return __send_signal(sig, info, t, false, -1);
}

/* To p's whole process (kill, SIGCHLD): p is the thread tried first. */
int group_send_signal(int sig, const siginfo_t *info, struct task_struct *p)
{
    return __send_signal(sig, info, p, true, -1);
}

int send_timer_signal(int slot, const siginfo_t *info, struct task_struct *t, bool group)
{
    return __send_signal(info->si_signo, info, t, group, slot);
}

/* ---- taking a signal ---------------------------------------------------------------- */

/* Signals the task caused itself (faults) go first, then the lowest number. */
#define SYNCHRONOUS_MASK                                                                           \
    (sigmask(SIGSEGV) | sigmask(SIGBUS) | sigmask(SIGILL) | sigmask(SIGTRAP) | sigmask(SIGFPE))

static int next_signal(const struct sigpending *p, sigset_t allowed)
{
    sigset_t ready = p->signal & allowed;
    if (!ready)
        return 0;
    if (ready & SYNCHRONOUS_MASK)
        ready &= SYNCHRONOUS_MASK;
    return __builtin_ctzll(ready) + 1;
}

/* Unlink q (found in p's list) and give its siginfo; the bit goes when no
 * other instance of the signal is left. False: a POSIX timer's signal
 * that is stale (the timer was set again or deleted since), dropped. */
static bool take_instance(struct sigpending *p, struct sigqueue *q, siginfo_t *info)
{
    int sig = q->info.si_signo;
    bool more = false;
    struct sigqueue **link = &p->list;
    while (*link != q)
        link = &(*link)->next;
    *link = q->next;
    for (struct sigqueue *r = q->next; r && !more; r = r->next)
        more = r->info.si_signo == sig;
    if (!more)
        p->signal &= ~sigmask(sig);
    *info = q->info;
    int timer = q->timer;
    sigqueue_release(q);
    if (!timer)
        return true;
    bool deliver = timer > 0 && posix_timer_dequeued(timer - 1, info);
    info->fields.timer.sys_private = 0;
    return deliver;
}

/* collect_signal: the oldest instance of sig; one sent without room for
 * its siginfo reads as a kill() from nobody. False: it was dropped. */
static bool collect_signal(struct sigpending *p, int sig, siginfo_t *info)
{
    for (struct sigqueue *q = p->list; q; q = q->next)
        if (q->info.si_signo == sig)
            return take_instance(p, q, info);
    p->signal &= ~sigmask(sig);
    memset(info, 0, sizeof(*info));
    info->si_signo = sig;
    info->si_code = SI_USER;
    return true;
}

/* The next signal of `allowed` for current: its own queue first, then
 * its process's (dequeue_signal). */
int dequeue_signal_mask(struct task_struct *t, sigset_t allowed, siginfo_t *info)
{
    int sig;
    struct sigpending *p;
    do { /* a stale timer signal is dropped: then the next one */
        p = &t->pending;
        sig = next_signal(p, allowed);
        if (!sig) {
            p = task_shared_pending(t);
            sig = next_signal(p, allowed);
        }
    } while (sig && !collect_signal(p, sig, info));
    recalc_sigpending_tsk(t);
    sync_signal_state(t);
    return sig;
}

/* get_signal, before anything else: a fault of the thread's own, the
 * first in the order they came (dequeue_synchronous_signal). */
int dequeue_synchronous_signal(siginfo_t *info)
{
    struct task_struct *me = current;
    if (!(me->pending.signal & ~me->blocked & SYNCHRONOUS_MASK))
        return 0;
    for (struct sigqueue *q = me->pending.list; q; q = q->next) {
        if (q->info.si_code > SI_USER && (sigmask(q->info.si_signo) & SYNCHRONOUS_MASK) &&
            !(me->blocked & sigmask(q->info.si_signo))) {
            take_instance(&me->pending, q, info);
            recalc_sigpending();
            sync_signal_state(me);
            return info->si_signo;
        }
    }
    return 0;
}

/* ---- new tasks, masks and exits -------------------------------------------------------------- */

/* Handler tables: one per task at most, so a pool of one per task slot
 * never runs out. */
struct sighand_struct init_sighand = {.count = 1}, kworker_sighand = {.count = 1};
static struct sighand_struct sighand_pool[NR_ALL_TASKS];

struct sighand_struct *sighand_copy(const struct sighand_struct *from)
{
    for (int i = 0; i < NR_ALL_TASKS; i++) {
        struct sighand_struct *sh = &sighand_pool[i];
        if (sh->count)
            continue;
        memcpy(sh->action, from->action, sizeof(sh->action));
        sh->count = 1;
        return sh;
    }
    return NULL;
}

void sighand_put(struct sighand_struct *sh)
{
    if (sh->count > 0)
        sh->count--;
}

/* exec (unshare_sighand): a table shared with another process becomes a
 * copy of its own, so that the reset of the handlers is its alone. */
int unshare_sighand(struct task_struct *t)
{
    if (t->sighand->count <= 1)
        return 0;
    struct sighand_struct *sh = sighand_copy(t->sighand);
    if (!sh)
        return -ENOMEM;
    sighand_put(t->sighand);
    t->sighand = sh;
    return 0;
}

/* fork: nothing is pending for the new task; a new process has a queue of
 * its own. CLONE_SIGHAND shares its creator's handlers (a thread's, or
 * another process's), else it gets a copy of them. */
int signals_fork(struct task_struct *p, bool share_handlers)
{
    p->pending = (struct sigpending){0, NULL};
    p->shared_pending = (struct sigpending){0, NULL};
    p->curr_target = p;
    p->group_exit_sig = 0;
    p->restore_sigmask = false;
    p->next_timer_id = 0;
    if (share_handlers) {
        p->sighand = current->sighand;
        p->sighand->count++;
        return 0;
    }
    p->sighand = sighand_copy(current->sighand);
    return p->sighand ? 0 : -ENOMEM;
}

/*
 * tsk will not take the process's pending signals of `which` (it blocks
 * them now, or is leaving): wake other threads that can
 * (retarget_shared_pending).
 */
static void retarget_shared_pending(struct task_struct *tsk, sigset_t which)
{
    sigset_t retarget = task_shared_pending(tsk)->signal & which;
    struct task_struct *t;
    if (!retarget)
        return;
    for_each_task(t)
    {
        if (t == tsk || t->group_leader != tsk->group_leader || task_exiting(t))
            continue;
        if (!(retarget & ~t->blocked))
            continue;
        retarget &= t->blocked;
        if (!test_tsk_thread_flag(t, TIF_SIGPENDING))
            signal_wake_up(t, false);
        if (!retarget)
            break;
    }
}

void set_current_blocked(sigset_t set)
{
    struct task_struct *me = current;
    set &= ~SIG_UNCATCHABLE;
    if (test_thread_flag(TIF_SIGPENDING))
        retarget_shared_pending(me, set & ~me->blocked);
    me->blocked = set;
    recalc_sigpending();
    sync_signal_state(me);
}

/* A thread ends (exit_signals): the process's signals it would have taken
 * go to another thread; its own queue goes with it, and the process's
 * with its last thread. */
void exit_signals(struct task_struct *tsk, bool group_dead)
{
    if (!group_dead && test_tsk_thread_flag(tsk, TIF_SIGPENDING))
        retarget_shared_pending(tsk, ~tsk->blocked);
    flush_sigqueue(&tsk->pending);
    if (group_dead)
        flush_sigqueue(task_shared_pending(tsk));
    sync_signal_state(tsk);
}

/* rt_sigsuspend: wait with the given mask until a signal is to be acted
 * on; the mask it replaced comes back once one is delivered (in the
 * handler's frame) or found to need no handler (do_signal). */
noinline long sys_rt_sigsuspend(const sigset_t __user *unewset, size_t sigsetsize)
{
    static char suspend_chan; /* only a signal wakes it */
    struct task_struct *me = current;
    sigset_t set;
    if (sigsetsize != sizeof(sigset_t))
        return -EINVAL;
    if (copy_from_user(&set, unewset, sizeof(set)))
        return -EFAULT;
    me->saved_sigmask = me->blocked;
    set_current_blocked(set);
    while (!test_thread_flag(TIF_SIGPENDING))
        wait_on_chan(&suspend_chan);
    me->restore_sigmask = true;
    return -ERESTARTNOHAND;
}

/* Pending and blocked: the signals waiting for an unblock, the thread's
 * and its process's (do_sigpending). */
noinline long sys_rt_sigpending(sigset_t __user *uset, size_t sigsetsize)
{
    if (sigsetsize > sizeof(sigset_t))
        return -EINVAL;
    sigset_t set = task_pending_signals(current) & current->blocked;
    if (copy_to_user(uset, &set, sigsetsize))
        return -EFAULT;
    return 0;
}
