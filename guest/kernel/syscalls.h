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
#define __NR_poll 7
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
#define __NR_pipe 22
#define __NR_sched_yield 24
#define __NR_mremap 25
#define __NR_madvise 28
#define __NR_dup 32
#define __NR_dup2 33
#define __NR_pause 34
#define __NR_nanosleep 35
#define __NR_getpid 39
#define __NR_clone 56
#define __NR_fork 57
#define __NR_vfork 58
#define __NR_execve 59
#define __NR_exit 60
#define __NR_wait4 61
#define __NR_fcntl 72
#define __NR_getcwd 79
#define __NR_creat 85
#define __NR_readlink 89
#define __NR_kill 62
#define __NR_newuname 63
#define __NR_umask 95
#define __NR_gettimeofday 96
#define __NR_getrlimit 97
#define __NR_sysinfo 99
#define __NR_ptrace 101
#define __NR_getuid 102
#define __NR_getgid 104
#define __NR_geteuid 107
#define __NR_getegid 108
#define __NR_setpgid 109
#define __NR_getppid 110
#define __NR_getpgrp 111
#define __NR_setsid 112
#define __NR_getgroups 115
#define __NR_getresuid 118
#define __NR_getresgid 120
#define __NR_getpgid 121
#define __NR_getsid 124
#define __NR_rt_sigpending 127
#define __NR_rt_sigtimedwait 128
#define __NR_rt_sigqueueinfo 129
#define __NR_rt_sigsuspend 130
#define __NR_sigaltstack 131
#define __NR_getpriority 140
#define __NR_setpriority 141
#define __NR_prctl 157
#define __NR_modify_ldt 154
#define __NR_arch_prctl 158
#define __NR_setrlimit 160
#define __NR_gettid 186
#define __NR_tkill 200
#define __NR_time 201
#define __NR_futex 202
#define __NR_sched_setaffinity 203
#define __NR_sched_getaffinity 204
#define __NR_getdents64 217
#define __NR_set_tid_address 218
#define __NR_restart_syscall 219
#define __NR_timer_create 222
#define __NR_timer_settime 223
#define __NR_timer_gettime 224
#define __NR_timer_getoverrun 225
#define __NR_timer_delete 226
#define __NR_clock_gettime 228
#define __NR_clock_getres 229
#define __NR_clock_nanosleep 230
#define __NR_exit_group 231
#define __NR_tgkill 234
#define __NR_waitid 247
#define __NR_openat 257
#define __NR_newfstatat 262
#define __NR_readlinkat 267
#define __NR_faccessat 269
#define __NR_set_robust_list 273
#define __NR_get_robust_list 274
#define __NR_signalfd 282
#define __NR_signalfd4 289
#define __NR_dup3 292
#define __NR_pipe2 293
#define __NR_rt_tgsigqueueinfo 297
#define __NR_prlimit64 302
#define __NR_getrandom 318
#define __NR_rseq 334
/* v3.13's table ended at 313 (finit_module); it reaches 6.12's last number
 * (462, mseal) so that the calls of today's C libraries (getrandom, rseq,
 * clone3...) reach a handler or sys_ni_syscall, not badsys. */
#define __NR_pidfd_send_signal 424
#define __NR_pidfd_open 434
#define __NR_syscall_max 462

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
long sys_rt_sigqueueinfo(long pid, long sig, siginfo_t __user *uinfo);
long sys_rt_sigsuspend(const sigset_t __user *unewset, size_t sigsetsize);
long sys_rt_tgsigqueueinfo(long tgid, long pid, long sig, siginfo_t __user *uinfo);
long sys_arch_prctl(long code, u64 addr);
long sys_modify_ldt(int func, void __user *ptr, unsigned long bytecount);
struct user_desc;
long sys_set_thread_area(struct user_desc __user *u_info); /* 32-bit only, as on Linux */
long sys_get_thread_area(struct user_desc __user *u_info);
long sys_set_tid_address(u64 tidptr);
long sys_getppid(void);
long sys_setpgid(long upid, long upgid);
long sys_getpgid(long upid);
long sys_getpgrp(void);
long sys_setsid(void);
long sys_getsid(long upid);

/* fork.c, futex.c */
long sys_clone(u64 flags, u64 newsp, u64 parent_tid, u64 child_tid, u64 tls);
long sys_fork(void);
long sys_vfork(void);
long sys_futex(u64 uaddr, long op, u64 val, u64 utime, u64 uaddr2, u64 val3);
long sys_pause(void);
long sys_execve(const char __user *path, const u64 __user *argv, const u64 __user *envp);
long sys_wait4(long upid, int __user *stat_addr, unsigned long options, void __user *ru);
long sys_waitid(long which, long upid, void __user *infop, long options, void __user *ru);

/* pipe.c */
struct pollfd;
long sys_pipe(int __user *fildes);
long sys_pipe2(int __user *fildes, long flags);
long sys_dup(unsigned long oldfd);
long sys_dup2(unsigned long oldfd, unsigned long newfd);
long sys_dup3(unsigned long oldfd, unsigned long newfd, long flags);
long sys_fcntl(unsigned long fd, unsigned long cmd, unsigned long arg);
long sys_poll(struct pollfd __user *ufds, unsigned long nfds, long timeout_msecs);

/* signal.c */
struct sigaltstack;
long sys_sigaltstack(const struct sigaltstack __user *uss, struct sigaltstack __user *uoss);

/* time.c */
struct __kernel_timespec;
long sys_rt_sigtimedwait(const sigset_t __user *uthese, siginfo_t __user *uinfo,
                         const struct __kernel_timespec __user *uts, size_t sigsetsize);
struct __kernel_old_timeval;
struct timezone;
long sys_clock_gettime(long which_clock, struct __kernel_timespec __user *tp);
struct sigevent;
struct itimerspec;
long sys_timer_create(long which_clock, const struct sigevent __user *uevent,
                      s32 __user *created_timer_id);
long sys_timer_settime(long timer_id, long flags, const struct itimerspec __user *new_setting,
                       struct itimerspec __user *old_setting);
long sys_timer_gettime(long timer_id, struct itimerspec __user *setting);
long sys_timer_getoverrun(long timer_id);
long sys_timer_delete(long timer_id);
long sys_signalfd4(long ufd, const sigset_t __user *user_mask, size_t sizemask, long flags);
long sys_signalfd(long ufd, const sigset_t __user *user_mask, size_t sizemask);
long sys_pidfd_open(long upid, long uflags);
long sys_pidfd_send_signal(long pidfd, long usig, siginfo_t __user *uinfo, long uflags);
long sys_clock_getres(long which_clock, struct __kernel_timespec __user *tp);
long sys_gettimeofday(struct __kernel_old_timeval __user *tv, struct timezone __user *tz);
long sys_time(s64 __user *tloc);
long sys_nanosleep(const struct __kernel_timespec __user *rqtp,
                   struct __kernel_timespec __user *rmtp);
long sys_clock_nanosleep(long which_clock, long flags, const struct __kernel_timespec __user *rqtp,
                         struct __kernel_timespec __user *rmtp);
long sys_restart_syscall(void);

/* sys_info.c */
struct new_utsname;
struct rlimit64;
struct sysinfo;
long sys_newuname(struct new_utsname __user *name);
long sys_getuid(void);
long sys_geteuid(void);
long sys_getgid(void);
long sys_getegid(void);
long sys_getgroups(long gidsetsize, u32 __user *grouplist);
long sys_getresuid(u32 __user *ruid, u32 __user *euid, u32 __user *suid);
long sys_getresgid(u32 __user *rgid, u32 __user *egid, u32 __user *sgid);
long sys_umask(long mask);
long sys_getrlimit(unsigned long resource, struct rlimit64 __user *ulim);
long sys_setrlimit(unsigned long resource, const struct rlimit64 __user *ulim);
long sys_prlimit64(long pid, unsigned long resource, const struct rlimit64 __user *new_rlim,
                   struct rlimit64 __user *old_rlim);
long sys_getrandom(char __user *ubuf, size_t len, unsigned long flags);
/* rseq.c */
long sys_rseq(u64 urseq, u64 rseq_len, long flags, u64 sig);
long sys_set_robust_list(u64 head, size_t len);
long sys_get_robust_list(long pid, u64 __user *head_ptr, u64 __user *len_ptr);
long sys_sched_getaffinity(long pid, unsigned long len, u64 __user *user_mask_ptr);
long sys_sched_setaffinity(long pid, unsigned long len, const u64 __user *user_mask_ptr);
long sys_prctl(long option, unsigned long arg2, unsigned long arg3, unsigned long arg4,
               unsigned long arg5);
long sys_sysinfo(struct sysinfo __user *info);
long sys_getpriority(long which, long who);
long sys_setpriority(long which, long who, long niceval);
void random_init(const u64 seed[2]);

#endif /* GUEST_SYSCALLS_H */
