/*
 * signalfd and signalfd4 (fs/signalfd.c): a descriptor whose read takes
 * the reader's pending signals of a mask, blocked or not, from its own
 * queue and then its process's, as struct signalfd_siginfo records; poll
 * reports POLLIN while one is pending. The mask lives in the descriptor
 * (f->handle); a dup or a fork copies it, where Linux's copies share one
 * context (see the README).
 */
#include "fs.h"
#include "sched.h"
#include "syscalls.h"
#include "uaccess.h"

#define O_RDWR 00000002
#define O_NONBLOCK 00004000
#define O_CLOEXEC 02000000
#define SFD_CLOEXEC O_CLOEXEC
#define SFD_NONBLOCK O_NONBLOCK
#define POLLIN 0x0001

/* What the reader sees of one signal (128 bytes). */
struct signalfd_siginfo {
    u32 ssi_signo;
    s32 ssi_errno;
    s32 ssi_code;
    u32 ssi_pid;
    u32 ssi_uid;
    s32 ssi_fd;
    u32 ssi_tid;
    u32 ssi_band;
    u32 ssi_overrun;
    u32 ssi_trapno;
    s32 ssi_status;
    s32 ssi_int;
    u64 ssi_ptr;
    u64 ssi_utime;
    u64 ssi_stime;
    u64 ssi_addr;
    u16 ssi_addr_lsb;
    u16 pad2;
    s32 ssi_syscall;
    u64 ssi_call_addr;
    u32 ssi_arch;
    u8 pad[28];
};
_Static_assert(sizeof(struct signalfd_siginfo) == 128, "signalfd_siginfo is 128 bytes");

/* The signals SIGCHLD, the faults and SIGSYS carry in their own layout when
 * the kernel sent them (siginfo_layout). */
static bool kernel_code_for(int sig, int code)
{
    return code > SI_USER && code < SI_KERNEL &&
           (sig == SIGCHLD || sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
            sig == SIGTRAP);
}

/* signalfd_copyinfo: the fields of the siginfo's layout. */
static void to_signalfd_info(const siginfo_t *si, struct signalfd_siginfo *out)
{
    memset(out, 0, sizeof(*out));
    out->ssi_signo = (u32)si->si_signo;
    out->ssi_errno = si->si_errno;
    out->ssi_code = si->si_code;
    if (kernel_code_for(si->si_signo, si->si_code) && si->si_signo == SIGCHLD) {
        out->ssi_pid = (u32)si->fields.chld.pid;
        out->ssi_uid = si->fields.chld.uid;
        out->ssi_status = si->fields.chld.status;
        out->ssi_utime = (u64)si->fields.chld.utime;
        out->ssi_stime = (u64)si->fields.chld.stime;
    } else if (kernel_code_for(si->si_signo, si->si_code)) {
        out->ssi_addr = si->fields.fault.addr;
    } else if (si->si_code == SI_TIMER) {
        out->ssi_tid = (u32)si->fields.timer.tid;
        out->ssi_overrun = (u32)si->fields.timer.overrun;
        out->ssi_ptr = si->fields.timer.value;
        out->ssi_int = (s32)si->fields.timer.value;
    } else {
        out->ssi_pid = (u32)si->fields.kill.pid;
        out->ssi_uid = si->fields.kill.uid;
        if (si->si_code < 0) { /* SIL_RT: sigqueue's value too */
            out->ssi_ptr = si->fields.timer.value;
            out->ssi_int = (s32)si->fields.timer.value;
        }
    }
}

/* signalfd_dequeue: a signal of the mask, or wait for one (a signal the
 * reader must act on first ends the wait: -ERESTARTSYS). */
static int signalfd_dequeue(sigset_t mask, siginfo_t *info, bool nonblock)
{
    struct task_struct *me = current;
    for (;;) {
        int sig = dequeue_signal_mask(me, mask, info);
        if (sig)
            return sig;
        if (nonblock)
            return -EAGAIN;
        if (wait_on_chan(me->sighand))
            return -ERESTARTSYS;
    }
}

long signalfd_read(struct file *f, char __user *buf, size_t count)
{
    count /= sizeof(struct signalfd_siginfo);
    if (!count)
        return -EINVAL;
    bool nonblock = f->flags & O_NONBLOCK;
    long total = 0, ret;
    do {
        siginfo_t info;
        ret = signalfd_dequeue((sigset_t)f->handle, &info, nonblock);
        if (ret <= 0)
            break;
        struct signalfd_siginfo out;
        to_signalfd_info(&info, &out);
        if (copy_to_user(buf + total, &out, sizeof(out))) {
            ret = -EFAULT;
            break;
        }
        total += (long)sizeof(out);
        nonblock = true;
    } while (--count);
    return total ? total : ret;
}

u32 signalfd_poll(struct file *f)
{
    return (task_pending_signals(current) & (sigset_t)f->handle) ? POLLIN : 0;
}

/* signalfd_notify: a signal was queued for t; its readers look again. */
void signalfd_notify(struct task_struct *t)
{
    if (t->sighand)
        wake_up_chan(t->sighand);
    poll_wake_all();
}

/* anon_inode_getfd: a descriptor for a file of no file system (a
 * signalfd, a pidfd), open for reading and writing. */
long anon_inode_getfd(u32 kind, u64 handle, u32 flags, bool cloexec)
{
    long fd = alloc_fd_from(0);
    if (fd < 0)
        return fd;
    struct file *f = &current->files->fd[fd];
    memset(f, 0, sizeof(*f));
    f->kind = kind;
    f->flags = O_RDWR | flags;
    f->handle = handle;
    f->mode = 0600; /* an anonymous inode: no file type */
    f->fd_flags = cloexec ? FD_CLOEXEC : 0;
    return fd;
}

static long do_signalfd4(long ufd, sigset_t mask, long flags)
{
    if (flags & ~(long)(SFD_CLOEXEC | SFD_NONBLOCK))
        return -EINVAL;
    mask &= ~SIG_UNCATCHABLE;
    if ((int)ufd == -1)
        return anon_inode_getfd(FILE_SIGNALFD, mask, (u32)(flags & O_NONBLOCK),
                                flags & O_CLOEXEC);
    int fd = (int)ufd;
    if (fd < 0 || fd >= NR_OPEN || current->files->fd[fd].kind == FILE_NONE)
        return -EBADF;
    struct file *f = &current->files->fd[fd];
    if (f->kind != FILE_SIGNALFD)
        return -EINVAL;
    f->handle = mask;
    signalfd_notify(current);
    return fd;
}

noinline long sys_signalfd4(long ufd, const sigset_t __user *user_mask, size_t sizemask,
                            long flags)
{
    sigset_t mask;
    if (sizemask != sizeof(sigset_t))
        return -EINVAL;
    if (copy_from_user(&mask, user_mask, sizeof(mask)))
        return -EFAULT;
    return do_signalfd4(ufd, mask, (int)flags);
}

noinline long sys_signalfd(long ufd, const sigset_t __user *user_mask, size_t sizemask)
{
    return sys_signalfd4(ufd, user_mask, sizemask, 0);
}
