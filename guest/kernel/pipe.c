/*
 * Pipes and descriptor plumbing: pipe/pipe2, dup/dup2/dup3, fcntl, poll,
 * and the reference counts that let a pipe end be shared by descriptors,
 * threads and forked processes.
 *
 * A pipe is a 16 KiB ring (Linux gives 64 KiB; PIPE_BUF, the atomic
 * write size, is Linux's 4096). A reader finding it empty, or a writer
 * finding it full, sleeps until the other side acts; the last writer's
 * close is the reader's end of file, the last reader's close makes writes
 * fail with EPIPE and SIGPIPE. A sleeper that a signal interrupts returns
 * -ERESTARTSYS: the signal code restarts the call after a SA_RESTART
 * handler, or makes it fail with EINTR.
 *
 * Not modelled: a struct file shared between descriptors. dup and fork
 * copy the descriptor's slot, so a file offset is not shared after them
 * (pipes and the standard streams have none to share).
 */
#include "fs.h"
#include "sched.h"
#include "syscalls.h"

#define O_ACCMODE 00000003
#define O_WRONLY 00000001
#define O_APPEND 00002000
#define O_NONBLOCK 00004000
#define O_DIRECT 00040000
#define O_LARGEFILE 00100000
#define O_NOATIME 01000000
#define O_CLOEXEC 02000000
#define O_CREAT 00000100
#define O_EXCL 00000200
#define O_NOCTTY 00000400
#define O_TRUNC 00001000
#define FASYNC 00020000

#define PIPE_SIZE 16384
#define PIPE_BUF 4096
#define NR_PIPES 32

struct pipe_inode_info {
    u8 buf[PIPE_SIZE];
    u32 head;             /* next byte to read */
    u32 len;              /* bytes in the ring */
    u32 readers, writers; /* descriptors open on each end, in every table */
};

static struct pipe_inode_info pipes[NR_PIPES];

/* Tasks sleeping in poll wait here: any pipe's change wakes them. */
static char poll_wait_chan;

static bool is_write_end(const struct file *f)
{
    return (f->flags & O_ACCMODE) == O_WRONLY;
}

static struct file *fdget(long fd)
{
    if (fd < 0 || fd >= NR_OPEN || !current->files)
        return NULL;
    struct file *f = &current->files->fd[fd];
    return f->kind == FILE_NONE ? NULL : f;
}

void poll_wake_all(void)
{
    wake_up_chan(&poll_wait_chan);
}

static void pipe_changed(struct pipe_inode_info *p)
{
    wake_up_chan(p);
    wake_up_chan(&poll_wait_chan);
}

/* ---- reference counts -------------------------------------------------------- */

void file_get(struct file *f)
{
    if (f->kind != FILE_PIPE)
        return;
    struct pipe_inode_info *p = &pipes[f->handle];
    if (is_write_end(f))
        p->writers++;
    else
        p->readers++;
}

void file_put(struct file *f)
{
    if (f->kind != FILE_PIPE)
        return;
    struct pipe_inode_info *p = &pipes[f->handle];
    if (is_write_end(f))
        p->writers--;
    else
        p->readers--;
    pipe_changed(p);
}

static struct files_struct files_pool[8];

struct files_struct *dup_files(struct files_struct *old)
{
    for (unsigned i = 0; i < sizeof(files_pool) / sizeof(files_pool[0]); i++) {
        struct files_struct *n = &files_pool[i];
        if (n->users)
            continue;
        memcpy(n->fd, old->fd, sizeof(n->fd));
        n->users = 1;
        for (int fd = 0; fd < NR_OPEN; fd++)
            file_get(&n->fd[fd]);
        return n;
    }
    return NULL;
}

/* A task lets go of its table; the last one closes every descriptor. */
void put_files(struct files_struct *files)
{
    if (!files || --files->users > 0)
        return;
    for (int fd = 0; fd < NR_OPEN; fd++) {
        if (files->fd[fd].kind == FILE_NONE)
            continue;
        file_put(&files->fd[fd]);
        memset(&files->fd[fd], 0, sizeof(files->fd[fd]));
    }
}

/* ---- pipe2 ------------------------------------------------------------------ */

noinline long sys_pipe2(int __user *fildes, long flags)
{
    u32 fl = (u32)flags;
    if (fl & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
        return -EINVAL;
    int i = 0;
    while (i < NR_PIPES && (pipes[i].readers || pipes[i].writers))
        i++;
    if (i == NR_PIPES)
        return -ENFILE;
    long rfd = alloc_fd_from(0);
    if (rfd < 0)
        return rfd;
    struct file *r = &current->files->fd[rfd];
    r->kind = FILE_PIPE; /* taken, so the next search skips it */
    long wfd = alloc_fd_from(0);
    if (wfd < 0) {
        r->kind = FILE_NONE;
        return wfd;
    }
    struct file *w = &current->files->fd[wfd];
    struct pipe_inode_info *p = &pipes[i];
    p->head = p->len = 0;
    memset(r, 0, sizeof(*r));
    memset(w, 0, sizeof(*w));
    r->kind = w->kind = FILE_PIPE;
    r->handle = w->handle = (u64)i;
    r->flags = fl & (O_NONBLOCK | O_DIRECT);
    w->flags = O_WRONLY | (fl & (O_NONBLOCK | O_DIRECT));
    r->mode = w->mode = 0010600;
    r->fd_flags = w->fd_flags = (fl & O_CLOEXEC) ? FD_CLOEXEC : 0;
    p->readers = p->writers = 1;
    int fds[2] = {(int)rfd, (int)wfd};
    if (copy_to_user(fildes, fds, sizeof(fds))) {
        sys_close((unsigned long)rfd);
        sys_close((unsigned long)wfd);
        return -EFAULT;
    }
    return 0;
}

noinline long sys_pipe(int __user *fildes)
{
    return sys_pipe2(fildes, 0);
}

long pipe_read(struct file *f, char __user *buf, size_t count)
{
    if (is_write_end(f))
        return -EBADF;
    struct pipe_inode_info *p = &pipes[f->handle];
    if (!count)
        return 0;
    for (;;) {
        if (p->len) {
            size_t done = 0;
            while (done < count && p->len) {
                u32 chunk = min((u32)(count - done), min(p->len, PIPE_SIZE - p->head));
                size_t left = copy_to_user(buf + done, &p->buf[p->head], chunk);
                chunk -= (u32)left;
                p->head = (p->head + chunk) % PIPE_SIZE;
                p->len -= chunk;
                done += chunk;
                if (left) {
                    if (!done)
                        return -EFAULT;
                    break;
                }
            }
            pipe_changed(p);
            return (long)done;
        }
        if (!p->writers)
            return 0; /* end of file */
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        long err = wait_on_chan(p);
        if (err)
            return err;
    }
}

void send_sigpipe(void)
{
    siginfo_t info;
    memset(&info, 0, sizeof(info));
    info.si_signo = SIGPIPE;
    info.si_code = SI_USER;
    info.fields.kill.pid = current->tgid;
    send_signal(SIGPIPE, &info, current);
}

long pipe_write(struct file *f, const char __user *buf, size_t count)
{
    struct pipe_inode_info *p = &pipes[f->handle];
    size_t done = 0;
    if (!count)
        return 0;
    for (;;) {
        if (!p->readers) {
            send_sigpipe();
            return done ? (long)done : -EPIPE;
        }
        u32 room = PIPE_SIZE - p->len;
        size_t want = count - done;
        /* Up to PIPE_BUF bytes go in at once or not at all. */
        if (room && (want > PIPE_BUF || room >= want)) {
            while (done < count && p->len < PIPE_SIZE) {
                u32 tail = (p->head + p->len) % PIPE_SIZE;
                u32 chunk = min((u32)(count - done), min(PIPE_SIZE - p->len, PIPE_SIZE - tail));
                size_t left = copy_from_user(&p->buf[tail], buf + done, chunk);
                chunk -= (u32)left;
                p->len += chunk;
                done += chunk;
                if (left) {
                    pipe_changed(p);
                    return done ? (long)done : -EFAULT;
                }
            }
            pipe_changed(p);
            if (done == count)
                return (long)done;
        }
        if (f->flags & O_NONBLOCK)
            return done ? (long)done : -EAGAIN;
        long err = wait_on_chan(p);
        if (err)
            return done ? (long)done : err;
    }
}

/* ---- dup -------------------------------------------------------------------- */

static long do_dup2(long oldfd, long newfd, u32 fd_flags)
{
    struct file *old = fdget(oldfd);
    if (!old)
        return -EBADF;
    if (newfd < 0 || newfd >= NR_OPEN)
        return -EBADF;
    struct file *n = &current->files->fd[newfd];
    if (n == old) {
        n->fd_flags = fd_flags;
        return newfd;
    }
    struct file copy = *old;
    if (n->kind != FILE_NONE)
        file_put(n);
    *n = copy;
    n->fd_flags = fd_flags;
    file_get(n);
    return newfd;
}

noinline long sys_dup(unsigned long oldfd)
{
    if (!fdget((long)oldfd))
        return -EBADF;
    long fd = alloc_fd_from(0);
    if (fd < 0)
        return fd;
    return do_dup2((long)oldfd, fd, 0);
}

noinline long sys_dup2(unsigned long oldfd, unsigned long newfd)
{
    if (oldfd == newfd)
        return fdget((long)oldfd) ? (long)newfd : -EBADF;
    return do_dup2((long)(u32)oldfd, (long)(u32)newfd, 0);
}

noinline long sys_dup3(unsigned long oldfd, unsigned long newfd, long flags)
{
    if ((u32)flags & ~O_CLOEXEC)
        return -EINVAL;
    if ((u32)oldfd == (u32)newfd)
        return -EINVAL;
    return do_dup2((long)(u32)oldfd, (long)(u32)newfd, ((u32)flags & O_CLOEXEC) ? FD_CLOEXEC : 0);
}

/* ---- fcntl ------------------------------------------------------------------ */

#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define F_GETPIPE_SZ 1032
#define SETFL_MASK (O_APPEND | O_NONBLOCK | FASYNC | O_DIRECT | O_NOATIME)

noinline long sys_fcntl(unsigned long fd, unsigned long cmd, unsigned long arg)
{
    struct file *f = fdget((long)(u32)fd);
    if (!f)
        return -EBADF;
    switch ((u32)cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
        if (arg >= NR_OPEN)
            return -EINVAL; /* past RLIMIT_NOFILE */
        long nfd = alloc_fd_from((long)arg);
        if (nfd < 0)
            return nfd;
        return do_dup2((long)(u32)fd, nfd, (u32)cmd == F_DUPFD_CLOEXEC ? FD_CLOEXEC : 0);
    }
    case F_GETFD:
        return f->fd_flags & FD_CLOEXEC;
    case F_SETFD:
        f->fd_flags = (u32)arg & FD_CLOEXEC;
        return 0;
    case F_GETFL: {
        /* open() keeps every flag but the ones that only act at open
         * time, and forces O_LARGEFILE on 64-bit (pipes have none). */
        u32 fl = f->flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC);
        if (f->kind == FILE_PIDFD)
            fl |= f->flags & O_EXCL; /* PIDFD_THREAD */
        if (f->kind == FILE_HOST || f->kind == FILE_NULL || f->kind == FILE_ZERO)
            fl |= O_LARGEFILE;
        return fl;
    }
    case F_SETFL:
        f->flags = (f->flags & ~SETFL_MASK) | ((u32)arg & SETFL_MASK);
        return 0;
    case F_GETPIPE_SZ:
        return f->kind == FILE_PIPE ? PIPE_SIZE : -EBADF;
    default:
        return -EINVAL;
    }
}

/* ---- poll ------------------------------------------------------------------- */

#define POLLIN 0x0001
#define POLLPRI 0x0002
#define POLLOUT 0x0004
#define POLLERR 0x0008
#define POLLHUP 0x0010
#define POLLNVAL 0x0020
#define POLLRDNORM 0x0040
#define POLLWRNORM 0x0100

struct pollfd {
    s32 fd;
    short events;
    short revents;
};

static u32 file_poll(struct file *f)
{
    if (f->kind == FILE_SIGNALFD)
        return signalfd_poll(f);
    if (f->kind == FILE_PIDFD)
        return pidfd_poll(f);
    if (f->kind != FILE_PIPE)
        return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM; /* never blocks here */
    struct pipe_inode_info *p = &pipes[f->handle];
    u32 mask = 0;
    if (is_write_end(f)) {
        if (p->len < PIPE_SIZE)
            mask |= POLLOUT | POLLWRNORM;
        if (!p->readers)
            mask |= POLLERR;
    } else {
        if (p->len)
            mask |= POLLIN | POLLRDNORM;
        if (!p->writers)
            mask |= POLLHUP;
    }
    return mask;
}

#define POLL_STACK 64

noinline long sys_poll(struct pollfd __user *ufds, unsigned long nfds, long timeout_msecs)
{
    struct pollfd fds[POLL_STACK];
    if (nfds > NR_OPEN)
        return -EINVAL;
    if (nfds > POLL_STACK)
        return -ENOMEM; /* this kernel polls at most 64 descriptors */
    if (copy_from_user(fds, ufds, nfds * sizeof(fds[0])))
        return -EFAULT;
    for (;;) {
        long ready = 0;
        for (unsigned long i = 0; i < nfds; i++) {
            u32 mask = 0;
            if (fds[i].fd >= 0) {
                struct file *f = fdget(fds[i].fd);
                mask = f ? file_poll(f) & ((u16)fds[i].events | POLLERR | POLLHUP) : POLLNVAL;
            }
            fds[i].revents = (short)mask;
            if (mask)
                ready++;
        }
        if (ready || timeout_msecs == 0) {
            for (unsigned long i = 0; i < nfds; i++)
                if (copy_to_user(&ufds[i].revents, &fds[i].revents, sizeof(short)))
                    return -EFAULT;
            return ready;
        }
        /* No timer: a timed poll that nobody can end times out now. */
        if (timeout_msecs > 0 && !any_other_runnable())
            timeout_msecs = 0;
        else {
            long err = wait_on_chan(&poll_wait_chan);
            if (err)
                return -ERESTARTNOHAND;
        }
    }
}
