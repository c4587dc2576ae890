/*
 * System call numbers (x86-64) and the handlers this kernel implements.
 * Every other number in the table leads to sys_ni_syscall (-ENOSYS).
 */
#ifndef GUEST_SYSCALLS_H
#define GUEST_SYSCALLS_H

#include "ptrace.h"
#include "signal.h"
#include "uaccess.h"

#define __NR_read 0
#define __NR_write 1
#define __NR_open 2
#define __NR_close 3
#define __NR_stat 4
#define __NR_fstat 5
#define __NR_lstat 6
#define __NR_lseek 8
#define __NR_mmap 9
#define __NR_mprotect 10
#define __NR_munmap 11
#define __NR_brk 12
#define __NR_rt_sigaction 13
#define __NR_rt_sigprocmask 14
#define __NR_rt_sigreturn 15
#define __NR_ioctl 16
#define __NR_pread64 17
#define __NR_readv 19
#define __NR_writev 20
#define __NR_access 21
#define __NR_sched_yield 24
#define __NR_mremap 25
#define __NR_madvise 28
#define __NR_getpid 39
#define __NR_exit 60
#define __NR_getcwd 79
#define __NR_creat 85
#define __NR_readlink 89
#define __NR_kill 62
#define __NR_rt_sigpending 127
#define __NR_arch_prctl 158
#define __NR_gettid 186
#define __NR_tkill 200
#define __NR_set_tid_address 218
#define __NR_getdents64 217
#define __NR_exit_group 231
#define __NR_tgkill 234
#define __NR_openat 257
#define __NR_newfstatat 262
#define __NR_readlinkat 267
#define __NR_faccessat 269
#define __NR_syscall_max 313 /* v3.13: the last number is 313 (finit_module) */

struct iovec;

long sys_ni_syscall(void);
long sys_write(unsigned long fd, const char __user *buf, size_t count);
long sys_writev(unsigned long fd, const struct iovec __user *vec, unsigned long vlen);
long sys_ioctl(unsigned long fd, unsigned long cmd, unsigned long arg);
/* fs.c */
long sys_read(unsigned long fd, char __user *buf, size_t count);
long sys_readv(unsigned long fd, const struct iovec __user *vec, unsigned long vlen);
long sys_pread64(unsigned long fd, char __user *buf, size_t count, long offset);
long sys_open(const char __user *path, unsigned long flags, unsigned long mode);
long sys_openat(long dfd, const char __user *path, unsigned long flags, unsigned long mode);
long sys_close(unsigned long fd);
long sys_creat(const char __user *path, unsigned long mode);
long sys_lseek(unsigned long fd, long offset, unsigned long whence);
long sys_getdents64(unsigned long fd, void __user *dirp, unsigned long count);
long sys_fstat(unsigned long fd, void __user *st);
long sys_stat(const char __user *path, void __user *st);
long sys_lstat(const char __user *path, void __user *st);
long sys_newfstatat(long dfd, const char __user *path, void __user *st, long flags);
long sys_readlink(const char __user *path, char __user *buf, long bufsiz);
long sys_readlinkat(long dfd, const char __user *path, char __user *buf, long bufsiz);
long sys_access(const char __user *path, long mode);
long sys_faccessat(long dfd, const char __user *path, long mode);
long sys_getcwd(char __user *buf, unsigned long size);
long sys_brk(u64 brk);
long sys_mmap(u64 addr, u64 len, u64 prot, u64 flags, long fd, u64 off);
long sys_munmap(u64 start, u64 len);
long sys_mprotect(u64 start, u64 len, u64 prot);
long sys_mremap(u64 addr, u64 old_len, u64 new_len, u64 flags, u64 new_addr);
long sys_madvise(u64 start, u64 len_in, long behavior);
long sys_rt_sigaction(long sig, const struct k_sigaction __user *act,
                      struct k_sigaction __user *oact, size_t sigsetsize);
long sys_rt_sigprocmask(long how, const sigset_t __user *nset, sigset_t __user *oset,
                        size_t sigsetsize);
long sys_rt_sigpending(sigset_t __user *uset, size_t sigsetsize);
long sys_rt_sigreturn(struct pt_regs *regs);
long sys_sched_yield(void);
long sys_getpid(void);
long sys_gettid(void);
long sys_exit(long error_code);
long sys_exit_group(long error_code);
long sys_kill(long pid, long sig);
long sys_tkill(long pid, long sig);
long sys_tgkill(long tgid, long pid, long sig);
long sys_arch_prctl(long code, u64 addr);
long sys_set_tid_address(u64 tidptr);

#endif /* GUEST_SYSCALLS_H */
