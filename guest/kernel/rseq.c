/*
 * Restartable sequences (rseq, 334), as Linux 6.12's kernel/rseq.c does
 * them on a machine with one CPU.
 *
 * A thread registers a struct rseq in its own memory. From then on the
 * kernel keeps its CPU fields current: every time the thread may have
 * lost the CPU or been interrupted (a switch away from it, a signal, a
 * fork's first run, the registration itself) TIF_NOTIFY_RESUME is set,
 * and on the way back to user mode the kernel writes cpu_id_start,
 * cpu_id, node_id and mm_cid (0, 0, 0, 0 here: one CPU, one node, and
 * only one thread of a process can hold the CPU, so concurrency id 0).
 *
 * The struct's rseq_cs field may point at a critical-section descriptor
 * (start_ip, post_commit_offset, abort_ip). If the thread is preempted or
 * gets a signal with its ip inside [start_ip, start_ip + post_commit_offset),
 * the kernel sends it to abort_ip instead, after checking that the 4 bytes
 * before abort_ip are the signature the thread registered with. Any
 * inconsistency in the descriptor, or user memory that cannot be read or
 * written, ends in SIGSEGV.
 */
#include "sched.h"
#include "syscalls.h"
#include "uaccess.h"

/* The original struct rseq, padding included: the smallest length. */
#define ORIG_RSEQ_SIZE 32

#define RSEQ_FLAG_UNREGISTER 1
#define RSEQ_CPU_ID_UNINITIALIZED ((u32)-1)

/* The three flags an old ABI let user space set to ask for no restart;
 * 6.12 refuses them (and anything else) in either structure. */
#define RSEQ_CS_NO_RESTART_FLAGS (RSEQ_EVENT_PREEMPT | RSEQ_EVENT_SIGNAL | RSEQ_EVENT_MIGRATE)

/* The user's struct rseq (uapi/linux/rseq.h). */
struct rseq {
    u32 cpu_id_start;
    u32 cpu_id;
    u64 rseq_cs;
    u32 flags;
    u32 node_id;
    u32 mm_cid;
} __aligned(RSEQ_ALIGN);
_Static_assert(offsetof(struct rseq, mm_cid) + 4 == RSEQ_FEATURE_SIZE, "struct rseq layout");

/* A critical section's descriptor. */
struct rseq_cs {
    u32 version;
    u32 flags;
    u64 start_ip;
    u64 post_commit_offset;
    u64 abort_ip;
};

static struct rseq __user *rseq_area(struct task_struct *t)
{
    return (struct rseq __user *)t->rseq;
}

static int put_user_32(u32 v, u32 __user *p)
{
    return copy_to_user(p, &v, sizeof(v)) ? -EFAULT : 0;
}

static int get_user_32(u32 *v, const u32 __user *p)
{
    return copy_from_user(v, p, sizeof(*v)) ? -EFAULT : 0;
}

void rseq_set_notify_resume(struct task_struct *t)
{
    if (t->rseq)
        set_tsk_thread_flag(t, TIF_NOTIFY_RESUME);
}

/* The scheduler takes the CPU from t (prepare_task_switch). */
void rseq_preempt(struct task_struct *t)
{
    t->rseq_event_mask |= RSEQ_EVENT_PREEMPT;
    rseq_set_notify_resume(t);
}

/* t gets a CPU it did not have: a new task's first (sched_fork). */
void rseq_migrate(struct task_struct *t)
{
    t->rseq_event_mask |= RSEQ_EVENT_MIGRATE;
    rseq_set_notify_resume(t);
}

/* A new program knows nothing of the old one's area. */
void rseq_execve(struct task_struct *t)
{
    t->rseq = 0;
    t->rseq_len = 0;
    t->rseq_sig = 0;
    t->rseq_event_mask = 0;
}

/* A child process keeps the registration (its copy of the area is at the
 * same address); a thread (CLONE_VM) starts with none. A registered child
 * writes its CPU fields before its first user instruction: sched_fork's
 * rseq_migrate. */
void rseq_fork(struct task_struct *p, bool clone_vm)
{
    if (clone_vm)
        rseq_execve(p); /* the same reset */
    rseq_migrate(p);
}

static int rseq_update_cpu_node_id(struct task_struct *t)
{
    struct rseq __user *rseq = rseq_area(t);
    u32 cpu_id = task_thread_info(t)->cpu; /* always 0 */
    if (!access_ok(rseq, t->rseq_len))
        return -EFAULT;
    if (put_user_32(cpu_id, &rseq->cpu_id_start) || put_user_32(cpu_id, &rseq->cpu_id) ||
        put_user_32(0, &rseq->node_id) || put_user_32(0, &rseq->mm_cid))
        return -EFAULT;
    return 0;
}

/* Unregistration leaves the fields as before registration, cpu_id saying
 * "not registered". */
static int rseq_reset_rseq_cpu_node_id(struct task_struct *t)
{
    struct rseq __user *rseq = rseq_area(t);
    if (put_user_32(0, &rseq->cpu_id_start) ||
        put_user_32(RSEQ_CPU_ID_UNINITIALIZED, &rseq->cpu_id) || put_user_32(0, &rseq->node_id) ||
        put_user_32(0, &rseq->mm_cid))
        return -EFAULT;
    return 0;
}

/* Read the user's rseq_cs pointer and the descriptor behind it, and check
 * it: inside the user address space, version 0, abort_ip outside the
 * section, and the registered signature right before abort_ip. */
static int rseq_get_rseq_cs(struct task_struct *t, struct rseq_cs *cs)
{
    u64 ptr;
    if (get_user_u64(&ptr, &rseq_area(t)->rseq_cs))
        return -EFAULT;
    if (!ptr) {
        memset(cs, 0, sizeof(*cs));
        return 0;
    }
    if (ptr >= SP_TASK_SIZE_MAX)
        return -EINVAL;
    if (copy_from_user(cs, (const void __user *)ptr, sizeof(*cs)))
        return -EFAULT;
    if (cs->start_ip >= SP_TASK_SIZE_MAX ||
        cs->start_ip + cs->post_commit_offset >= SP_TASK_SIZE_MAX ||
        cs->abort_ip >= SP_TASK_SIZE_MAX || cs->version > 0)
        return -EINVAL;
    if (cs->start_ip + cs->post_commit_offset < cs->start_ip)
        return -EINVAL; /* wraps */
    if (cs->abort_ip - cs->start_ip < cs->post_commit_offset)
        return -EINVAL; /* abort_ip inside the section */
    u32 sig;
    int ret = get_user_32(&sig, (const u32 __user *)(cs->abort_ip - sizeof(u32)));
    if (ret)
        return ret;
    if (sig != t->rseq_sig)
        return -EINVAL; /* Linux warns of a possible attack */
    return 0;
}

/* Restart if anything happened since the mask was last looked at; any
 * flag in the descriptor or in the area is an error. */
static int rseq_need_restart(struct task_struct *t, u32 cs_flags)
{
    u32 flags;
    if (cs_flags)
        return -EINVAL;
    if (get_user_32(&flags, &rseq_area(t)->flags))
        return -EFAULT;
    if (flags)
        return -EINVAL;
    u32 event_mask = t->rseq_event_mask;
    t->rseq_event_mask = 0;
    return event_mask != 0;
}

static int clear_rseq_cs(struct rseq __user *rseq)
{
    return put_user_u64(0, &rseq->rseq_cs) ? -EFAULT : 0;
}

static bool in_rseq_cs(u64 ip, const struct rseq_cs *cs)
{
    return ip - cs->start_ip < cs->post_commit_offset; /* unsigned: start_ip <= ip < end */
}

/* Outside a section the pointer is simply cleared (lazily, here rather
 * than by user space); inside, the thread goes to abort_ip. */
static int rseq_ip_fixup(struct pt_regs *regs)
{
    struct task_struct *t = current;
    struct rseq_cs cs;
    int ret = rseq_get_rseq_cs(t, &cs);
    if (ret)
        return ret;
    if (!in_rseq_cs(regs->ip, &cs))
        return clear_rseq_cs(rseq_area(t));
    ret = rseq_need_restart(t, cs.flags);
    if (ret <= 0)
        return ret;
    ret = clear_rseq_cs(rseq_area(t));
    if (ret)
        return ret;
    regs->ip = cs.abort_ip;
    return 0;
}

/*
 * On every way back to user mode after a preemption or with a signal to
 * deliver (TIF_NOTIFY_RESUME, or setup_rt_frame): fix the ip up, then
 * write the CPU fields. A failure is the thread's fault: SIGSEGV
 * (force_sigsegv: with the default action if SIGSEGV is the signal whose
 * frame is being built).
 */
noinline void rseq_handle_notify_resume(int sig, struct pt_regs *regs)
{
    struct task_struct *t = current;
    if (!t->rseq)
        return;
    if (regs && rseq_ip_fixup(regs) < 0)
        goto error;
    if (rseq_update_cpu_node_id(t))
        goto error;
    return;
error:
    force_sigsegv(sig, t);
}

/* A signal is about to be delivered: the frame must hold the ip the
 * handler returns to, abort_ip if the signal interrupted a section. */
void rseq_signal_deliver(int sig, struct pt_regs *regs)
{
    current->rseq_event_mask |= RSEQ_EVENT_SIGNAL;
    rseq_handle_notify_resume(sig, regs);
}

noinline long sys_rseq(u64 urseq, u64 rseq_len, long flags, u64 sig)
{
    struct task_struct *t = current;
    struct rseq __user *rseq = (struct rseq __user *)urseq;
    u32 len = (u32)rseq_len;
    int iflags = (int)flags;

    if (iflags & RSEQ_FLAG_UNREGISTER) {
        if (iflags & ~RSEQ_FLAG_UNREGISTER)
            return -EINVAL;
        if (t->rseq != urseq || !t->rseq)
            return -EINVAL;
        if (len != t->rseq_len)
            return -EINVAL;
        if (t->rseq_sig != (u32)sig)
            return -EPERM;
        int ret = rseq_reset_rseq_cpu_node_id(t);
        if (ret)
            return ret;
        t->rseq = 0;
        t->rseq_sig = 0;
        t->rseq_len = 0;
        return 0;
    }
    if (iflags)
        return -EINVAL;

    if (t->rseq) {
        /* Registered already: another area or length is invalid, another
         * signature not allowed, the same registration busy. */
        if (t->rseq != urseq || len != t->rseq_len)
            return -EINVAL;
        if (t->rseq_sig != (u32)sig)
            return -EPERM;
        return -EBUSY;
    }

    /* The original size aligned as the original struct, or a larger one
     * holding at least every field this kernel knows. */
    if (len < ORIG_RSEQ_SIZE || (len == ORIG_RSEQ_SIZE && (urseq & (ORIG_RSEQ_SIZE - 1))) ||
        (len != ORIG_RSEQ_SIZE && ((urseq & (RSEQ_ALIGN - 1)) || len < RSEQ_FEATURE_SIZE)))
        return -EINVAL;
    if (!access_ok(rseq, len))
        return -EFAULT;

    /* A stale rseq_cs (an old C library reusing the area for a new
     * thread) is cleared rather than refused. */
    u64 cs;
    if (get_user_u64(&cs, &rseq->rseq_cs))
        return -EFAULT;
    if (cs && clear_rseq_cs(rseq))
        return -EFAULT;

    t->rseq = urseq;
    t->rseq_len = len;
    t->rseq_sig = (u32)sig;
    /* The CPU fields are written on the way out of this very call. */
    rseq_set_notify_resume(t);
    return 0;
}
