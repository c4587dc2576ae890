/*
 * The file system calls: a read-only view of one host directory (--root)
 * as /, plus /dev/null, /dev/zero and the host's standard streams. The host
 * resolves paths (inside the root, as chroot would) and reads the files;
 * this side keeps the file table and gives Linux's error numbers.
 */
#include "fs.h"

#include "sched.h"
#include "syscalls.h"

#define O_ACCMODE 00000003
#define O_RDONLY 00000000
#define O_WRONLY 00000001
#define O_CREAT 00000100
#define O_EXCL 00000200
#define O_TRUNC 00001000
#define O_DIRECTORY 00200000
#define O_NOFOLLOW 00400000
#define O_PATH 010000000

#define AT_FDCWD -100
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_NO_AUTOMOUNT 0x800
#define AT_EMPTY_PATH 0x1000
#define AT_STATX_SYNC_TYPE 0x6000

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define SEEK_DATA 3
#define SEEK_HOLE 4

#define S_IFMT 0170000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFLNK 0120000
#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#define S_ISLNK(m) (((m) & S_IFMT) == S_IFLNK)

#define PATH_MAX 4096

struct files_struct init_files = {
    .fd = {
        [0] = {.kind = FILE_STDIN, .handle = 0},
        [1] = {.kind = FILE_STDOUT, .handle = 1},
        [2] = {.kind = FILE_STDOUT, .handle = 2},
    },
    .users = 1,
};

static struct sp_hostio_request req;

static struct file *fget(long fd)
{
    if (fd < 0 || fd >= NR_OPEN || !current->files)
        return NULL;
    struct file *f = &current->files->fd[fd];
    return f->kind == FILE_NONE ? NULL : f;
}

/* Copy a path into hostio_buf; returns its length or -errno. */
static long getname(const char __user *upath, bool empty_ok)
{
    for (long i = 0; i < PATH_MAX; i++) {
        if (copy_from_user(&hostio_buf[i], upath + i, 1))
            return -EFAULT;
        if (!hostio_buf[i])
            return i || empty_ok ? i : -ENOENT;
    }
    return -ENAMETOOLONG;
}

/* Where a relative path starts: the cwd, or an open directory. */
static long lookup_base(long dfd, u64 *handle)
{
    *handle = SP_HOSTIO_CWD;
    if (hostio_buf[0] == '/' || (int)dfd == AT_FDCWD)
        return 0;
    struct file *f = fget(dfd);
    if (!f)
        return -EBADF;
    if (f->kind != FILE_HOST || !S_ISDIR(f->mode))
        return -ENOTDIR;
    *handle = f->handle;
    return 0;
}

/* Resolve the path in hostio_buf; on success req.kind and req.st describe it. */
static long lookup(long dfd, bool follow)
{
    u64 base;
    long err = lookup_base(dfd, &base);
    if (err)
        return err;
    req.op = SP_HOSTIO_LOOKUP;
    req.flags = follow ? SP_LOOKUP_FOLLOW : 0;
    req.handle = base;
    req.buf = (u64)hostio_buf;
    req.len = strlen(hostio_buf);
    req.offset = 0;
    return hostio_call(&req);
}

static void fill_dev_stat(struct sp_linux_stat *st, u32 kind)
{
    memset(st, 0, sizeof(*st));
    st->st_mode = S_IFCHR | 0666;
    st->st_nlink = 1;
    st->st_rdev = kind == FILE_ZERO ? 0x105 : 0x103; /* makedev(1, 5), (1, 3) */
    st->st_blksize = 4096;
}

long alloc_fd_from(long start)
{
    if (!current->files)
        return -EMFILE;
    for (long fd = start; fd < NR_OPEN; fd++)
        if (current->files->fd[fd].kind == FILE_NONE)
            return fd;
    return -EMFILE;
}

static long alloc_fd(void)
{
    return alloc_fd_from(0);
}

static long do_open(long dfd, const char __user *upath, unsigned long flags)
{
    long err = getname(upath, false);
    if (err < 0)
        return err;
    bool writing = (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
    long handle = lookup(dfd, !(flags & O_NOFOLLOW) && !((flags & O_CREAT) && (flags & O_EXCL)));
    if (handle == -ENOENT && (flags & O_CREAT) && req.offset)
        return -EROFS; /* it would be created on a read-only file system */
    if (handle < 0)
        return handle;
    u32 mode = req.st.st_mode;
    u32 kind = req.kind == SP_HOSTIO_KIND_NULL   ? FILE_NULL
               : req.kind == SP_HOSTIO_KIND_ZERO ? FILE_ZERO
                                                 : FILE_HOST;
    if ((flags & O_CREAT) && (flags & O_EXCL))
        return -EEXIST;
    if (S_ISLNK(mode) && !(flags & O_PATH))
        return -ELOOP; /* O_NOFOLLOW met a symlink */
    if (S_ISDIR(mode) && (writing || (flags & O_CREAT)))
        return -EISDIR;
    if ((flags & O_DIRECTORY) && !S_ISDIR(mode))
        return -ENOTDIR;
    if (kind == FILE_HOST && writing)
        return -EROFS;
    long fd = alloc_fd();
    if (fd < 0)
        return fd;
    struct file *f = &current->files->fd[fd];
    f->kind = kind;
    f->flags = (u32)flags;
    f->handle = (u64)handle;
    f->pos = 0;
    f->size = (u64)req.st.st_size;
    f->mode = mode;
    f->fd_flags = (flags & 02000000) ? FD_CLOEXEC : 0; /* O_CLOEXEC */
    return fd;
}

noinline long sys_open(const char __user *path, unsigned long flags, unsigned long mode)
{
    (void)mode;
    return do_open(AT_FDCWD, path, flags);
}

noinline long sys_openat(long dfd, const char __user *path, unsigned long flags,
                         unsigned long mode)
{
    (void)mode;
    return do_open(dfd, path, flags);
}

/* creat: an open that always writes, so always -EROFS or an earlier error. */
noinline long sys_creat(const char __user *path, unsigned long mode)
{
    (void)mode;
    return do_open(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC);
}

noinline long sys_close(unsigned long fd)
{
    struct file *f = fget((long)fd);
    if (!f)
        return -EBADF;
    file_put(f);
    memset(f, 0, sizeof(*f));
    return 0;
}

/* Read from the host: one request per buffer-full into dst, which is user
 * memory when to_user (then a fault ends the read) and kernel memory
 * otherwise. A short answer ends the read (end of file, or stdin had no
 * more for now); an error after some bytes returns those bytes. */
static long host_read_into(struct file *f, void *dst, size_t count, u64 offset, bool to_user)
{
    size_t done = 0;
    while (done < count) {
        size_t chunk = min(count - done, (size_t)SP_HOSTIO_BUF_SIZE);
        req.op = f->kind == FILE_STDIN ? SP_HOSTIO_READ_STDIN : SP_HOSTIO_PREAD;
        req.handle = f->handle;
        req.buf = (u64)hostio_buf;
        req.len = chunk;
        req.offset = offset + done;
        long n = hostio_call(&req);
        if (n < 0)
            return done ? (long)done : n;
        if (!to_user)
            memcpy((char *)dst + done, hostio_buf, (size_t)n);
        else if (copy_to_user((char __user *)dst + done, hostio_buf, (size_t)n))
            return done ? (long)done : -EFAULT;
        done += (size_t)n;
        if ((size_t)n < chunk)
            break;
    }
    return (long)done;
}

static long zero_fill(char __user *buf, size_t count)
{
    static const char zeros[256];
    size_t done = 0;
    while (done < count) {
        size_t chunk = min(count - done, sizeof(zeros));
        size_t left = copy_to_user(buf + done, zeros, chunk);
        done += chunk - left;
        if (left)
            return done ? (long)done : -EFAULT;
    }
    return (long)done;
}

/* read and pread64 after their checks; pos is NULL for a pread. */
static long file_read(struct file *f, char __user *buf, size_t count, u64 offset, bool advance)
{
    switch (f->kind) {
    case FILE_NULL:
        return 0;
    case FILE_ZERO:
        return zero_fill(buf, count);
    case FILE_STDIN:
        if (!hostio_enabled)
            return 0;
        return host_read_into(f, (void *)buf, count, 0, true);
    case FILE_HOST: {
        if (S_ISDIR(f->mode))
            return -EISDIR;
        long n = host_read_into(f, (void *)buf, count, offset, true);
        if (n > 0 && advance)
            f->pos += (u64)n;
        return n;
    }
    case FILE_PIPE:
        return pipe_read(f, buf, count);
    case FILE_SIGNALFD:
        return signalfd_read(f, buf, count);
    case FILE_PIDFD:
        return -EINVAL; /* no read */
    default:
        return -EBADF; /* stdout and stderr are write ends */
    }
}

static struct file *fget_read(long fd)
{
    struct file *f = fget(fd);
    if (!f || f->kind == FILE_STDOUT || (f->flags & O_PATH))
        return NULL;
    return f;
}

noinline long sys_read(unsigned long fd, char __user *buf, size_t count)
{
    struct file *f = fget_read((long)fd);
    if (!f)
        return -EBADF;
    if (count > MAX_RW_COUNT)
        count = MAX_RW_COUNT;
    /* Linux's access_ok checks only the top of the range; this one also
     * refuses the lowest pages. A signalfd shows the difference (a signal
     * is taken before the copy to a low address fails, and a count too
     * small is EINVAL even at NULL): its read checks as it copies. */
    if (f->kind != FILE_SIGNALFD && !access_ok(buf, count))
        return -EFAULT;
    return file_read(f, buf, count, f->pos, true);
}

noinline long sys_pread64(unsigned long fd, char __user *buf, size_t count, long offset)
{
    struct file *f = fget_read((long)fd);
    if (!f)
        return -EBADF;
    if (offset < 0)
        return -EINVAL;
    if (f->kind == FILE_STDIN || f->kind == FILE_PIPE || f->kind == FILE_SIGNALFD)
        return -ESPIPE;
    if (count > MAX_RW_COUNT)
        count = MAX_RW_COUNT;
    if (!access_ok(buf, count))
        return -EFAULT;
    return file_read(f, buf, count, (u64)offset, false);
}

long iov_loop(struct file *f, const struct iovec __user *vec, unsigned long vlen,
              iov_transfer one)
{
    if (vlen > UIO_MAXIOV)
        return -EINVAL;
    long total = 0;
    for (unsigned long i = 0; i < vlen; i++) {
        struct iovec iov;
        if (copy_from_user(&iov, &vec[i], sizeof(iov)))
            return total ? total : -EFAULT;
        if (!iov.iov_len)
            continue;
        if (!access_ok((const void __user *)iov.iov_base, iov.iov_len))
            return total ? total : -EFAULT;
        long n = one(f, iov.iov_base, iov.iov_len);
        if (n < 0)
            return total ? total : n;
        total += n;
        if ((u64)n < iov.iov_len)
            break;
    }
    return total;
}

static long readv_one(struct file *f, u64 base, u64 len)
{
    return file_read(f, (char __user *)base, len, f->pos, true);
}

noinline long sys_readv(unsigned long fd, const struct iovec __user *vec, unsigned long vlen)
{
    struct file *f = fget_read((long)fd);
    if (!f)
        return -EBADF;
    return iov_loop(f, vec, vlen, readv_one);
}

noinline long sys_lseek(unsigned long fd, long offset, unsigned long whence)
{
    struct file *f = fget((long)fd);
    if (!f)
        return -EBADF;
    if (f->kind == FILE_STDIN || f->kind == FILE_STDOUT || f->kind == FILE_PIPE)
        return -ESPIPE; /* the host's streams are pipes or terminals here */
    if (whence > SEEK_HOLE)
        return -EINVAL;
    if (f->kind != FILE_HOST)
        return 0; /* /dev/null, /dev/zero and a signalfd (noop_llseek) stay at 0 */
    long base = whence == SEEK_CUR ? (long)f->pos : whence == SEEK_SET ? 0 : (long)f->size;
    if (S_ISDIR(f->mode) && whence != SEEK_SET && whence != SEEK_CUR)
        return -EINVAL;
    if (whence == SEEK_DATA || whence == SEEK_HOLE) {
        if (offset < 0 || (u64)offset >= f->size)
            return -ENXIO;
        base = 0;
        if (whence == SEEK_HOLE)
            offset = (long)f->size;
    }
    long pos = base + offset;
    if (pos < 0 || (offset > 0 && pos < base))
        return -EINVAL;
    f->pos = (u64)pos;
    return pos;
}

noinline long sys_getdents64(unsigned long fd, void __user *dirp, unsigned long count)
{
    struct file *f = fget((long)fd);
    if (!f || (f->flags & O_PATH))
        return -EBADF;
    if (f->kind != FILE_HOST || !S_ISDIR(f->mode))
        return -ENOTDIR;
    if (!access_ok(dirp, count))
        return -EFAULT;
    req.op = SP_HOSTIO_GETDENTS;
    req.handle = f->handle;
    req.buf = (u64)hostio_buf;
    req.len = min(count, (unsigned long)SP_HOSTIO_BUF_SIZE);
    req.offset = f->pos;
    long n = hostio_call(&req);
    if (n <= 0)
        return n;
    if (copy_to_user(dirp, hostio_buf, (size_t)n))
        return -EFAULT;
    f->pos = req.offset;
    return n;
}

static long stat_of_file(struct file *f, struct sp_linux_stat *st)
{
    if (f->kind == FILE_NULL || f->kind == FILE_ZERO) {
        fill_dev_stat(st, f->kind);
        return 0;
    }
    if (f->kind == FILE_PIPE || f->kind == FILE_SIGNALFD) {
        memset(st, 0, sizeof(*st));
        st->st_mode = f->kind == FILE_PIPE ? 0010000 | 0600 : 0600; /* S_IFIFO, or anonymous */
        st->st_nlink = 1;
        st->st_blksize = 4096;
        st->st_ino = f->handle + 1;
        return 0;
    }
    req.op = f->kind == FILE_HOST ? SP_HOSTIO_FSTAT : SP_HOSTIO_FSTAT_STD;
    req.handle = f->kind == FILE_STDIN ? 0 : f->handle;
    long err = hostio_call(&req);
    if (!err)
        memcpy(st, &req.st, sizeof(*st));
    return err;
}

static long put_stat(const struct sp_linux_stat *st, void __user *ust)
{
    return copy_to_user(ust, st, sizeof(*st)) ? -EFAULT : 0;
}

noinline long sys_fstat(unsigned long fd, void __user *ust)
{
    static struct sp_linux_stat st;
    struct file *f = fget((long)fd);
    if (!f)
        return -EBADF;
    long err = stat_of_file(f, &st);
    return err ? err : put_stat(&st, ust);
}

noinline long sys_newfstatat(long dfd, const char __user *path, void __user *ust, long flags)
{
    static struct sp_linux_stat st;
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE))
        return -EINVAL;
    long len = getname(path, flags & AT_EMPTY_PATH);
    if (len < 0)
        return len;
    if (len == 0) {
        if ((int)dfd == AT_FDCWD) {
            hostio_buf[0] = '.';
            hostio_buf[1] = 0;
        } else {
            struct file *f = fget(dfd);
            if (!f)
                return -EBADF;
            long err = stat_of_file(f, &st);
            return err ? err : put_stat(&st, ust);
        }
    }
    long handle = lookup(dfd, !(flags & AT_SYMLINK_NOFOLLOW));
    if (handle < 0)
        return handle;
    if (req.kind != SP_HOSTIO_KIND_FILE)
        fill_dev_stat(&req.st, req.kind == SP_HOSTIO_KIND_ZERO ? FILE_ZERO : FILE_NULL);
    return put_stat(&req.st, ust);
}

noinline long sys_stat(const char __user *path, void __user *ust)
{
    return sys_newfstatat(AT_FDCWD, path, ust, 0);
}

noinline long sys_lstat(const char __user *path, void __user *ust)
{
    return sys_newfstatat(AT_FDCWD, path, ust, AT_SYMLINK_NOFOLLOW);
}

noinline long sys_readlinkat(long dfd, const char __user *path, char __user *buf, long bufsiz)
{
    if (bufsiz <= 0)
        return -EINVAL;
    long err = getname(path, false);
    if (err < 0)
        return err;
    long handle = lookup(dfd, false);
    if (handle < 0)
        return handle;
    if (req.kind != SP_HOSTIO_KIND_FILE || !S_ISLNK(req.st.st_mode))
        return -EINVAL;
    req.op = SP_HOSTIO_READLINK;
    req.handle = (u64)handle;
    req.buf = (u64)hostio_buf;
    req.len = SP_HOSTIO_BUF_SIZE;
    long n = hostio_call(&req);
    if (n < 0)
        return n;
    if (n > bufsiz)
        n = bufsiz;
    return copy_to_user(buf, hostio_buf, (size_t)n) ? -EFAULT : n;
}

noinline long sys_readlink(const char __user *path, char __user *buf, long bufsiz)
{
    return sys_readlinkat(AT_FDCWD, path, buf, bufsiz);
}

#define R_OK 4
#define W_OK 2
#define X_OK 1

noinline long sys_faccessat(long dfd, const char __user *path, long mode)
{
    if (mode & ~(R_OK | W_OK | X_OK))
        return -EINVAL;
    long err = getname(path, false);
    if (err < 0)
        return err;
    long handle = lookup(dfd, true);
    if (handle < 0)
        return handle;
    if (req.kind != SP_HOSTIO_KIND_FILE)
        return (mode & X_OK) ? -EACCES : 0;
    if (mode & W_OK)
        return -EROFS;
    if (!(mode & (R_OK | X_OK)))
        return 0;
    req.op = SP_HOSTIO_ACCESS;
    req.handle = (u64)handle;
    req.flags = (u32)mode;
    return hostio_call(&req);
}

noinline long sys_access(const char __user *path, long mode)
{
    return sys_faccessat(AT_FDCWD, path, mode);
}

/* The cwd is always the root of the view. */
noinline long sys_getcwd(char __user *buf, unsigned long size)
{
    static const char root[] = "/";
    if (size < sizeof(root))
        return -ERANGE;
    return copy_to_user(buf, root, sizeof(root)) ? -EFAULT : (long)sizeof(root);
}

/*
 * mm.c asks whether a descriptor could back a mapping: -1 for none (an
 * O_PATH descriptor counts as none, as fdget() sees it for mmap), 0 for
 * one not open for reading, 1 otherwise. No file here has an mmap
 * operation, so mmap refuses what is left with -ENODEV.
 */
int mm_fd_readable(long fd)
{
    struct file *f = fget(fd);
    if (!f || (f->flags & O_PATH))
        return -1;
    if (f->kind == FILE_STDOUT)
        return 0;
    return (f->flags & O_ACCMODE) != O_WRONLY;
}

/* exec (exec.c): open the program file as open(O_RDONLY) would. */
long open_exec_fd(const char __user *path)
{
    long fd = do_open(AT_FDCWD, path, O_RDONLY);
    if (fd < 0)
        return fd;
    struct file *f = fget(fd);
    /* Only a regular file with an execute bit runs (everything runs as
     * root, for whom one bit is enough). */
    if (f->kind != FILE_HOST || (f->mode & S_IFMT) != 0100000 || !(f->mode & 0111)) {
        sys_close((unsigned long)fd);
        return -EACCES;
    }
    return fd;
}

/* Read file bytes into kernel memory (or user memory the kernel may write,
 * as exec's freshly populated pages). Returns the bytes read or -errno. */
long kernel_pread(long fd, void *dst, size_t count, u64 offset)
{
    struct file *f = fget(fd);
    if (!f || f->kind != FILE_HOST)
        return -EBADF;
    /* Every caller wants all count bytes: a short read is a failure. */
    return host_read_into(f, dst, count, offset, false);
}

/* exec closes every descriptor marked close-on-exec. */
void do_close_on_exec(void)
{
    for (long fd = 0; fd < NR_OPEN; fd++) {
        struct file *f = &current->files->fd[fd];
        if (f->kind != FILE_NONE && (f->fd_flags & FD_CLOEXEC)) {
            file_put(f);
            memset(f, 0, sizeof(*f));
        }
    }
}
