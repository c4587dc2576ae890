/*
 * Signals: sending (kill, tkill, tgkill, faults, the injector), blocking
 * (rt_sigprocmask), handlers (rt_sigaction), delivery on the way back to
 * user mode (do_signal, setup_rt_frame) and the return from a handler
 * (rt_sigreturn). The queues of pending signals are signal_queue.c's.
 */
#include "desc.h"
#include "sched.h"
#include "syscalls.h"
#include "uaccess.h"

/* The flag bits a signal handler may change through sigreturn. */
#define FIX_EFLAGS                                                                        \
    (X86_EFLAGS_AC | X86_EFLAGS_OF | X86_EFLAGS_DF | X86_EFLAGS_TF | X86_EFLAGS_SF |     \
     X86_EFLAGS_ZF | X86_EFLAGS_AF | X86_EFLAGS_PF | X86_EFLAGS_CF | X86_EFLAGS_RF)

/* FXSAVE's image of the state exec starts a program with (init_fpstate). */
const struct fxregs_state init_fpstate = {.cwd = 0x37f, .mxcsr = MXCSR_DEFAULT};
/* A scratch area for FXSAVE/XSAVE and their restores, which need 16- and
 * 64-byte alignment: one CPU, and the kernel never sleeps while it is in
 * use. */
static union {
    struct fxregs_state fx;
    u8 bytes[XSTATE_BUF_SIZE];
} fpu_scratch __aligned(64);
#define XSTATE_HEADER ((struct xstate_header *)(fpu_scratch.bytes + 512))

/* The FPU state's room in a signal frame (fpu__get_fpstate_size). */
static u64 sigframe_fpstate_size(void)
{
    return xstate_size ? xstate_size + FP_XSTATE_MAGIC2_SIZE : sizeof(struct fxregs_state);
}

/* The MXCSR bits this CPU implements (FXSAVE's mxcsr_mask; 0 means the
 * architectural default 0xffbf). A handler may not set the others. */
u32 mxcsr_feature_mask(const struct fxregs_state *fx)
{
    return fx->mxcsr_mask ? fx->mxcsr_mask : 0xffbf;
}

/* ---- bookkeeping ----------------------------------------------------------------- */

/* The host shows the user task's signal sets, its own pending signals
 * and its process's: mirror them on every change. */
void sync_signal_state(struct task_struct *t)
{
    if (t->group_leader == child_reaper) {
        sp_state.pending_signals = task_pending_signals(child_reaper);
        sp_state.blocked_signals = child_reaper->blocked;
    }
}

/* Signals whose default action is to do nothing. */
static bool sig_default_ignore(int sig)
{
    return sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH;
}

/* Stop signals: SIGSTOP stops the process (jobctl.c); the others do
 * so only outside an orphaned process group (pgrp.c). */
static bool sig_default_stop(int sig)
{
    return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* Would sig end t's process, taken now? (Linux: sig_fatal, and a traced
 * task's tracer sees any signal but SIGKILL first.) */
bool sig_fatal_default(struct task_struct *t, int sig)
{
    if (sig == SIGKILL)
        return true;
    return !t->ptrace && sig_action(t, sig)->handler == SIG_DFL && !sig_default_ignore(sig) &&
           !sig_default_stop(sig);
}

static bool sig_handler_ignored(u64 handler, int sig)
{
    return handler == SIG_IGN || (handler == SIG_DFL && sig_default_ignore(sig));
}

/* An ignored signal is dropped at once, unless it is blocked: the handler
 * might change before it is unblocked. Kernel threads ignore signals. */
bool sig_ignored(struct task_struct *t, int sig)
{
    if (t->kthread_fn)
        return true;
    if ((t->blocked | t->real_blocked) & sigmask(sig))
        return false; /* real_blocked: what rt_sigtimedwait unblocked for its wait */
    /* A tracer sees even the signals its tracee ignores. */
    if (t->ptrace && sig != SIGKILL)
        return false;
    return sig_handler_ignored(sig_action(t, sig)->handler, sig);
}

/* TIF_SIGPENDING means "something deliverable is pending": in the
 * thread's queue or its process's. */
void recalc_sigpending_tsk(struct task_struct *t)
{
    /* A trap a seized tracee owes its tracer is work of the same path. */
    if ((task_pending_signals(t) & ~t->blocked) ||
        (t->jobctl & (JOBCTL_TRAP_MASK | JOBCTL_STOP_PENDING)))
        set_tsk_thread_flag(t, TIF_SIGPENDING);
    else
        clear_tsk_thread_flag(t, TIF_SIGPENDING);
}

void recalc_sigpending(void)
{
    recalc_sigpending_tsk(current);
}

/* ---- sending --------------------------------------------------------------------- */

/* A signal the task cannot refuse (a fault it caused): unblock it and undo
 * SIG_IGN, so it is either handled or fatal. */
int force_sig_info(int sig, const siginfo_t *info, struct task_struct *t)
{
    struct k_sigaction *ka = sig_action(t, sig);
    bool blocked = t->blocked & sigmask(sig);
    if (blocked || ka->handler == SIG_IGN) {
        ka->handler = SIG_DFL;
        if (blocked) {
            t->blocked &= ~sigmask(sig);
            recalc_sigpending_tsk(t);
        }
    }
    int ret = send_signal(sig, info, t);
    /* Already pending while it was blocked: it is deliverable now. */
    if (!test_tsk_thread_flag(t, TIF_SIGPENDING))
        recalc_sigpending_tsk(t);
    return ret;
}

void force_sig(int sig, struct task_struct *t)
{
    siginfo_t info = {.si_signo = sig, .si_code = SI_KERNEL};
    force_sig_info(sig, &info, t);
}

void force_sig_fault(int sig, int code, u64 addr, struct task_struct *t)
{
    siginfo_t info = {.si_signo = sig, .si_code = code};
    info.fields.fault.addr = addr;
    force_sig_info(sig, &info, t);
}

/* A handler could not be set up: the task gets SIGSEGV, and if that was
 * the signal being set up, without a handler this time. */
void force_sigsegv(int sig, struct task_struct *t)
{
    if (sig == SIGSEGV)
        sig_action(t, SIGSEGV)->handler = SIG_DFL;
    force_sig(SIGSEGV, t);
}

/* ---- handlers and masks ---------------------------------------------------------- */

noinline long sys_rt_sigaction(long sig, const struct k_sigaction __user *act,
                               struct k_sigaction __user *oact, size_t sigsetsize)
{
    struct k_sigaction new_ka, old_ka;
    if (sigsetsize != sizeof(sigset_t))
        return -EINVAL;
    if (act && copy_from_user(&new_ka, act, sizeof(new_ka)))
        return -EFAULT;
    if (!valid_signal(sig) || sig < 1 || (act && (sigmask(sig) & SIG_UNCATCHABLE)))
        return -EINVAL;

    struct task_struct *t = current;
    struct k_sigaction *k = sig_action(t, (int)sig);
    old_ka = *k;
    if (act) {
        new_ka.mask &= ~SIG_UNCATCHABLE;
        *k = new_ka;
        /* Ignoring a signal discards its instances already pending, in
         * every thread's queue and the process's. */
        if (sig_handler_ignored(k->handler, (int)sig)) {
            flush_signals_everywhere(t, sigmask(sig));
            recalc_sigpending();
        }
    }
    if (oact && copy_to_user(oact, &old_ka, sizeof(old_ka)))
        return -EFAULT;
    return 0;
}

noinline long sys_rt_sigprocmask(long how, const sigset_t __user *nset, sigset_t __user *oset,
                                 size_t sigsetsize)
{
    sigset_t old = current->blocked, set;
    if (sigsetsize != sizeof(sigset_t))
        return -EINVAL;
    if (nset) {
        if (copy_from_user(&set, nset, sizeof(set)))
            return -EFAULT;
        set &= ~SIG_UNCATCHABLE;
        switch (how) {
        case SIG_BLOCK:
            set_current_blocked(old | set);
            break;
        case SIG_UNBLOCK:
            set_current_blocked(old & ~set);
            break;
        case SIG_SETMASK:
            set_current_blocked(set);
            break;
        default:
            return -EINVAL;
        }
    }
    if (oset && copy_to_user(oset, &old, sizeof(old)))
        return -EFAULT;
    return 0;
}

/* ---- the alternate signal stack ------------------------------------------------------ */

/* Is sp on the alternate stack? It grows down: sp in (base, base + size]. */
static bool __on_sig_stack(u64 sp)
{
    struct task_struct *t = current;
    return sp > t->sas_ss_sp && sp - t->sas_ss_sp <= t->sas_ss_size;
}

/* With SS_AUTODISARM the stack is given up on entry to a handler, so the
 * task is never "on" it as far as sigaltstack() is concerned. */
static bool on_sig_stack(u64 sp)
{
    if (current->sas_ss_flags & SS_AUTODISARM)
        return false;
    return __on_sig_stack(sp);
}

static int sas_ss_flags(u64 sp)
{
    if (!current->sas_ss_size)
        return SS_DISABLE;
    return on_sig_stack(sp) ? SS_ONSTACK : 0;
}

static void sas_ss_reset(struct task_struct *t)
{
    t->sas_ss_sp = 0;
    t->sas_ss_size = 0;
    t->sas_ss_flags = SS_DISABLE;
}

static long do_sigaltstack(const stack_t *ss, stack_t *oss, u64 sp)
{
    struct task_struct *t = current;
    if (oss) {
        memset(oss, 0, sizeof(*oss));
        oss->ss_sp = t->sas_ss_sp;
        oss->ss_size = t->sas_ss_size;
        oss->ss_flags = sas_ss_flags(sp) | (int)(t->sas_ss_flags & SS_FLAG_BITS);
    }
    if (!ss)
        return 0;
    /* No changing the stack a handler is running on. */
    if (on_sig_stack(sp))
        return -EPERM;
    u32 flags = (u32)ss->ss_flags;
    u32 mode = flags & ~SS_FLAG_BITS;
    if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
        return -EINVAL;
    u64 ss_sp = ss->ss_sp, ss_size = ss->ss_size;
    if (mode == SS_DISABLE) {
        ss_sp = 0;
        ss_size = 0;
    } else if (ss_size < MINSIGSTKSZ) {
        return -ENOMEM;
    }
    t->sas_ss_sp = ss_sp;
    t->sas_ss_size = ss_size;
    t->sas_ss_flags = flags;
    return 0;
}

noinline long sys_sigaltstack(const stack_t __user *uss, stack_t __user *uoss)
{
    stack_t new, old;
    if (uss && copy_from_user(&new, uss, sizeof(new)))
        return -EFAULT;
    long err = do_sigaltstack(uss ? &new : NULL, uoss ? &old : NULL, task_pt_regs(current)->sp);
    if (!err && uoss && copy_to_user(uoss, &old, sizeof(old)))
        err = -EFAULT;
    return err;
}

/* ---- delivery -------------------------------------------------------------------- */

static int dequeue_signal(struct task_struct *t, siginfo_t *info)
{
    return dequeue_signal_mask(t, ~t->blocked, info);
}

/* Kill the whole process: the default action of most signals. */
__noreturn void do_group_exit_by_signal(int sig)
{
    do_group_exit(sig); /* exit status = signal number, as wait() reports it */
}

/* Find a signal to act on; run default actions on the way. Returns 0 when
 * nothing needs a handler. */
static int get_signal_to_deliver(siginfo_t *info, struct k_sigaction *ka_out)
{
    for (;;) {
        if (jobctl_report_continued())
            continue;
        /* A fatal signal is ending the process (complete_signal). */
        if (current->group_leader->group_exit_sig)
            do_group_exit_by_signal(current->group_leader->group_exit_sig);
        if ((current->jobctl & JOBCTL_STOP_PENDING) && do_signal_stop(0))
            continue;
        if (current->jobctl & JOBCTL_TRAP_MASK) {
            ptrace_do_jobctl_trap(); /* before any signal, as do_jobctl_trap */
            continue;
        }
        int sig = dequeue_synchronous_signal(info);
        if (!sig)
            sig = dequeue_signal(current, info);
        if (!sig)
            return 0;
        /* A traced task shows each signal to its tracer first: a real
         * one (ptrace_tracer.c) may cancel or replace it. The simulated
         * tracer keeps the SIGTRAPs of its own single-stepping and passes
         * every other signal on, as a debugger or strace does. It resumes
         * the task as it was: a single-stepping one with PTRACE_SINGLESTEP
         * again, which sets TF in the (now complete) frame once more. */
        if (current->ptrace && sig != SIGKILL) {
            sig = ptrace_signal(sig, info);
            if (!sig)
                continue;
        } else if (sp_state.tracer_attached && sig == SIGTRAP) {
            if (test_thread_flag(TIF_SINGLESTEP))
                user_enable_single_step(current);
            continue;
        }
        struct k_sigaction *ka = sig_action(current, sig);
        if (ka->handler == SIG_IGN)
            continue;
        if (ka->handler != SIG_DFL) {
            *ka_out = *ka;
            if (ka->flags & SA_RESETHAND)
                ka->handler = SIG_DFL; /* one-shot handler */
            return sig;
        }
        /* SIGSTOP stops the process; the other stop signals do nothing in
         * an orphaned process group, where nobody would resume it. */
        if (sig == SIGSTOP || (sig_default_stop(sig) && !is_current_pgrp_orphaned())) {
            do_signal_stop(sig);
            continue;
        }
        if (sig_default_ignore(sig) || sig_default_stop(sig))
            continue;
        do_group_exit_by_signal(sig);
    }
}

static u64 align_sigframe(u64 sp)
{
    /* A handler is entered as if called: rsp + 8 is 16-byte aligned. */
    return (sp & ~15ULL) - 8;
}

/* The worst-case frame of this kernel, told to user space as AT_MINSIGSTKSZ
 * (get_sigframe_size): frame, FPU state and their alignment padding. */
u64 sigframe_min_size(void)
{
    u64 size = sizeof(struct rt_sigframe) + 15 + sigframe_fpstate_size() + 63;
    return (size + 15) & ~15ULL;
}

/* Where the frame goes (get_sigframe): below the red zone, or at the top of
 * the alternate stack for an SA_ONSTACK handler when the task is not on it
 * already; the FPU state first, 64-byte aligned, the frame below it.
 * Returns 0 for a frame that would overflow the alternate stack. */
static u64 get_sigframe(struct k_sigaction *ka, struct pt_regs *regs, size_t frame_size,
                        u64 *fpstate)
{
    bool nested_altstack = on_sig_stack(regs->sp);
    bool entering_altstack = false;
    u64 sp = regs->sp - 128; /* skip the interrupted code's red zone */
    if ((ka->flags & SA_ONSTACK) && sas_ss_flags(sp) == 0) {
        sp = current->sas_ss_sp + current->sas_ss_size;
        entering_altstack = true;
    }
    sp = (sp - sigframe_fpstate_size()) & ~63ULL;
    *fpstate = sp;
    sp = align_sigframe(sp - frame_size);
    if ((nested_altstack || entering_altstack) && !__on_sig_stack(sp))
        return 0;
    return sp;
}

/* Save the user's FPU registers, which are still live in the CPU (the
 * kernel itself never touches them), into the frame. */
static int save_fpu_to_sigframe(u64 fpstate)
{
    u64 size = sizeof(struct fxregs_state);
    u64 features = XFEATURE_MASK_FPSSE;
    if (xstate_size) {
        /* XSAVE writes XSTATE_BV and leaves the rest of the header alone. */
        memset(XSTATE_HEADER, 0, sizeof(struct xstate_header));
        asm volatile("xsaveq %0"
                     : "+m"(fpu_scratch)
                     : "a"((u32)xfeatures_mask), "d"((u32)(xfeatures_mask >> 32)));
        /* The legacy area is always filled in: say so, as Linux does. */
        XSTATE_HEADER->xfeatures |= XFEATURE_MASK_FPSSE;
        u32 magic2 = FP_XSTATE_MAGIC2;
        memcpy(fpu_scratch.bytes + xstate_size, &magic2, sizeof magic2);
        size = xstate_size;
        features = xfeatures_mask;
    } else {
        asm volatile("fxsaveq %0" : "=m"(fpu_scratch.fx));
    }
    u32 *sw = fpu_scratch.fx.sw_reserved;
    memset(sw, 0, sizeof(fpu_scratch.fx.sw_reserved));
    sw[0] = FP_XSTATE_MAGIC1;
    sw[1] = size + FP_XSTATE_MAGIC2_SIZE; /* extended_size */
    sw[2] = (u32)features;                /* xfeatures */
    sw[3] = (u32)(features >> 32);
    sw[4] = size; /* xstate_size */
    if (copy_to_user((void __user *)fpstate, &fpu_scratch, sigframe_fpstate_size()))
        return -EFAULT;
    return 0;
}

/* After the legacy area is read: the rest of an XSAVE image, when the
 * software bytes and FP_XSTATE_MAGIC2 say there is one of a size this
 * kernel writes (check_xstate_in_sigframe). 1: it is in fpu_scratch;
 * 0: the frame has the legacy state alone; -EFAULT: it cannot be read. */
static int read_xstate_from_sigframe(u64 fpstate)
{
    const u32 *sw = fpu_scratch.fx.sw_reserved;
    u32 size = sw[4];
    if (!xstate_size || sw[0] != FP_XSTATE_MAGIC1 || size < XSTATE_MIN_SIZE ||
        size > xstate_size || size > sw[1])
        return 0;
    u32 magic2;
    if (copy_from_user(fpu_scratch.bytes + 512, (const void __user *)(fpstate + 512),
                       size - 512) ||
        copy_from_user(&magic2, (const void __user *)(fpstate + size), sizeof magic2))
        return -EFAULT;
    return magic2 == FP_XSTATE_MAGIC2;
}

/* Load the handler's (possibly edited) FPU state back. No state at all
 * (fpstate 0) means the initial one, as Linux's fpu__clear_user_states. A
 * state that cannot be read fails the sigreturn. */
static int restore_fpu_from_sigframe(u64 fpstate)
{
    if (!fpstate) {
        asm volatile("fxrstorq %0" : : "m"(init_fpstate));
        return 0;
    }
    if (copy_from_user(&fpu_scratch.fx, (const void __user *)fpstate, sizeof(fpu_scratch.fx)))
        return -EFAULT;
    int xstate = read_xstate_from_sigframe(fpstate);
    if (xstate < 0)
        return xstate;
    static struct fxregs_state now;
    asm volatile("fxsaveq %0" : "=m"(now));
    fpu_scratch.fx.mxcsr &= mxcsr_feature_mask(&now); /* the restore would #GP on the rest */
    if (!xstate) {
        asm volatile("fxrstorq %0" : : "m"(fpu_scratch.fx));
        return 0;
    }
    /* XRSTOR's #GP cases, refused here instead: a component XCR0 lacks, a
     * compacted image, a reserved header word that is not 0. A component
     * the software bytes leave out starts in its initial state. */
    struct xstate_header *h = XSTATE_HEADER;
    if ((h->xfeatures & ~xfeatures_mask) || h->xcomp_bv || h->reserved[0])
        return -EFAULT;
    const u32 *sw = fpu_scratch.fx.sw_reserved;
    h->xfeatures &= ((u64)sw[3] << 32) | sw[2];
    asm volatile("xrstorq %0"
                 :
                 : "m"(fpu_scratch), "a"((u32)xfeatures_mask), "d"((u32)(xfeatures_mask >> 32)));
    return 0;
}

/* Interrupted in 64-bit user code? (Any other CS is 32- or 16-bit.) */
static bool user_64bit_mode(const struct pt_regs *regs)
{
    return regs->cs == SP_USER_CS;
}

/* Build the rt_sigframe on the user stack and point the registers at the
 * handler. Returns 0, or -EFAULT if the frame cannot be written. */
noinline int setup_rt_frame(int sig, struct k_sigaction *ka, siginfo_t *info, sigset_t oldset,
                            struct pt_regs *regs)
{
    /* A signal that interrupts a restartable sequence returns to its
     * abort_ip: the frame is built after the fixup. */
    rseq_signal_deliver(sig, regs);

    u64 fpstate;
    u64 frame_addr = get_sigframe(ka, regs, sizeof(struct rt_sigframe), &fpstate);
    if (!frame_addr)
        return -EFAULT; /* the alternate stack would overflow */
    struct rt_sigframe __user *frame = (struct rt_sigframe __user *)frame_addr;
    struct rt_sigframe kf;
    struct task_struct *t = current;

    memset(&kf, 0, offsetof(struct rt_sigframe, info));
    if (!(ka->flags & SA_RESTORER))
        return -EFAULT; /* x86-64 has no default return trampoline */
    kf.pretcode = ka->restorer;
    /* An XSAVE image follows? And the interrupted SS is in the frame;
     * rt_sigreturn restores it strictly only if the signal came from
     * 64-bit code (a 32- or 16-bit program may not have set it up for a
     * return to 64-bit mode). */
    kf.uc.uc_flags = (xstate_size ? UC_FP_XSTATE : 0) | UC_SIGCONTEXT_SS;
    if (user_64bit_mode(regs))
        kf.uc.uc_flags |= UC_STRICT_RESTORE_SS;
    kf.uc.uc_link = 0;
    /* __save_altstack: the alternate stack's settings when the signal came. */
    kf.uc.uc_stack.ss_sp = t->sas_ss_sp;
    kf.uc.uc_stack.ss_flags = (s32)t->sas_ss_flags;
    kf.uc.uc_stack.ss_size = t->sas_ss_size;

    struct sigcontext *sc = &kf.uc.uc_mcontext;
    sc->r8 = regs->r8;
    sc->r9 = regs->r9;
    sc->r10 = regs->r10;
    sc->r11 = regs->r11;
    sc->r12 = regs->r12;
    sc->r13 = regs->r13;
    sc->r14 = regs->r14;
    sc->r15 = regs->r15;
    sc->di = regs->di;
    sc->si = regs->si;
    sc->bp = regs->bp;
    sc->bx = regs->bx;
    sc->dx = regs->dx;
    sc->ax = regs->ax;
    sc->cx = regs->cx;
    sc->sp = regs->sp;
    sc->ip = regs->ip;
    sc->flags = regs->flags;
    sc->cs = (u16)regs->cs;
    sc->ss = (u16)regs->ss;
    sc->err = t->thread.error_code;
    sc->trapno = t->thread.trap_nr;
    sc->oldmask = oldset;
    sc->cr2 = t->thread.cr2;
    sc->fpstate = fpstate;
    kf.uc.uc_sigmask = oldset;

    if (save_fpu_to_sigframe(fpstate))
        return -EFAULT;
    if (copy_to_user(frame, &kf, offsetof(struct rt_sigframe, info)))
        return -EFAULT;
    if (t->sas_ss_flags & SS_AUTODISARM)
        sas_ss_reset(t);
    if ((ka->flags & SA_SIGINFO) && copy_to_user(&frame->info, info, sizeof(*info)))
        return -EFAULT;

    /* Enter the handler: handler(signo, &info, &uc), returning to pretcode. */
    regs->di = sig;
    regs->ax = 0; /* for handlers declared without a prototype */
    regs->si = (u64)&frame->info;
    regs->dx = (u64)&frame->uc;
    regs->ip = ka->handler;
    regs->sp = frame_addr;
    /* 64-bit mode; a usable SS stays (DOSEMU reads it), as Linux keeps it. */
    regs->cs = SP_USER_CS;
    if (regs->ss != SP_USER_DS && !user_data_segment((u16)regs->ss))
        regs->ss = SP_USER_DS;

    sp_state.sigframe_addr = frame_addr;
    sp_state.sigframe_signo = sig;
    sp_state.signals_delivered++;
    return 0;
}

void tracehook_signal_handler(struct pt_regs *regs, bool stepping); /* ptrace.c */

static void handle_signal(int sig, siginfo_t *info, struct k_sigaction *ka, struct pt_regs *regs)
{
    /*
     * First a system call that a signal interrupted (-ERESTART* return
     * values): it fails with EINTR, or runs again after the handler
     * (SA_RESTART), as arch/x86/kernel/signal.c decides.
     */
    if ((long)regs->orig_ax >= 0) {
        switch ((long)regs->ax) {
        case -ERESTART_RESTARTBLOCK:
        case -ERESTARTNOHAND:
            regs->ax = (u64)-EINTR;
            break;
        case -ERESTARTSYS:
            if (!(ka->flags & SA_RESTART)) {
                regs->ax = (u64)-EINTR;
                break;
            }
            /* fallthrough */
        case -ERESTARTNOINTR:
            regs->ax = regs->orig_ax;
            regs->ip -= 2;
            break;
        }
    }
    /* After rt_sigsuspend the frame holds the mask it replaced, which the
     * handler's sigreturn brings back (sigmask_to_save). */
    sigset_t oldset = current->restore_sigmask ? current->saved_sigmask : current->blocked;
    bool stepping = test_thread_flag(TIF_SINGLESTEP);
    if (setup_rt_frame(sig, ka, info, oldset, regs) < 0) {
        force_sigsegv(sig, current);
        return;
    }
    current->restore_sigmask = false;
    /* The handler starts with a clean direction flag and no trap flag, and
     * with the FPU as exec leaves it (fpu__clear_user_states): the state it
     * interrupted is in the frame. */
    regs->flags &= ~(X86_EFLAGS_DF | X86_EFLAGS_RF | X86_EFLAGS_TF);
    asm volatile("fxrstorq %0" : : "m"(init_fpstate));

    /* While the handler runs, block what it asked for, and the signal
     * itself unless SA_NODEFER. */
    sigset_t blocked = oldset | ka->mask;
    if (!(ka->flags & SA_NODEFER))
        blocked |= sigmask(sig);
    set_current_blocked(blocked);

    tracehook_signal_handler(regs, stepping);
}

noinline void do_signal(struct pt_regs *regs)
{
    siginfo_t info;
    struct k_sigaction ka;
    int sig = get_signal_to_deliver(&info, &ka);
    if (sig) {
        handle_signal(sig, &info, &ka, regs);
        return;
    }
    /* No handler ran: rt_sigsuspend's mask goes (restore_saved_sigmask),
     * and an interrupted system call simply runs again. */
    if (current->restore_sigmask) {
        current->restore_sigmask = false;
        set_current_blocked(current->saved_sigmask);
    }
    if ((long)regs->orig_ax >= 0) {
        long ret = (long)regs->ax;
        if (ret == -ERESTARTNOHAND || ret == -ERESTARTSYS || ret == -ERESTARTNOINTR) {
            regs->ax = regs->orig_ax;
            regs->ip -= 2;
        } else if (ret == -ERESTART_RESTARTBLOCK) {
            /* The call's arguments may be gone (a relative sleep's time
             * has partly passed): restart_syscall finishes it instead. */
            regs->ax = __NR_restart_syscall;
            regs->ip -= 2;
        }
    }
}

/* ---- back from a handler ----------------------------------------------------------- */

/* Keep SS only if it names a present, writable user data segment. */
static void force_valid_ss(struct pt_regs *regs)
{
    if (!user_data_segment((u16)regs->ss))
        regs->ss = SP_USER_DS;
}

static void signal_fault(void)
{
    force_sig(SIGSEGV, current);
}

/*
 * Called by stub_rt_sigreturn with the full frame. The handler returned to
 * sa_restorer, which popped pretcode (the `ret`) and made this call: the
 * frame starts 8 bytes below the user rsp.
 */
noinline long sys_rt_sigreturn(struct pt_regs *regs)
{
    u64 frame_addr = regs->sp - 8;
    const struct rt_sigframe __user *frame = (const struct rt_sigframe __user *)frame_addr;
    struct ucontext uc;

    if (copy_from_user(&uc, &frame->uc, sizeof(uc))) {
        signal_fault();
        return 0;
    }
    set_current_blocked(uc.uc_sigmask);
    /* restore_altstack, still on the handler's stack (so a handler on the
     * alternate stack cannot change it this way either); a bad value is
     * ignored, as Linux ignores everything but a fault here. */
    do_sigaltstack(&uc.uc_stack, NULL, regs->sp);

    const struct sigcontext *sc = &uc.uc_mcontext;
    regs->r8 = sc->r8;
    regs->r9 = sc->r9;
    regs->r10 = sc->r10;
    regs->r11 = sc->r11;
    regs->r12 = sc->r12;
    regs->r13 = sc->r13;
    regs->r14 = sc->r14;
    regs->r15 = sc->r15;
    regs->di = sc->di;
    regs->si = sc->si;
    regs->bp = sc->bp;
    regs->bx = sc->bx;
    regs->dx = sc->dx;
    regs->cx = sc->cx;
    regs->sp = sc->sp;
    regs->ip = sc->ip;
    regs->cs = sc->cs | 3; /* never back to kernel mode */
    regs->ss = sc->ss | 3;
    /* A handler that cleared UC_STRICT_RESTORE_SS (DOSEMU going back to
     * 64-bit code) gets a usable SS even if the frame's is garbage. */
    if (!(uc.uc_flags & UC_STRICT_RESTORE_SS) && user_64bit_mode(regs))
        force_valid_ss(regs);
    /* Only the arithmetic and a few control flags are the user's to set. */
    regs->flags = (regs->flags & ~FIX_EFLAGS) | (sc->flags & FIX_EFLAGS);
    /* Not inside a system call any more: nothing to restart. */
    regs->orig_ax = -1;
    current->restart_block.fn = NULL;

    if (restore_fpu_from_sigframe(sc->fpstate)) {
        signal_fault();
        return 0;
    }

    sp_state.sigframe_addr = 0; /* the handler's frame is finished */
    /* The restored rax becomes the "return value", so it survives. */
    return sc->ax;
}
