/*
 * IA32 emulation: the numbers of the 32-bit system calls this kernel runs
 * through `int $0x80` (arch/x86/entry/syscalls/syscall_32.tbl), and the
 * size of their table (compat_table.c). Plain defines, so the entry
 * assembly can use them too.
 */
#ifndef GUEST_KERNEL_COMPAT_H
#define GUEST_KERNEL_COMPAT_H

#define IA32_SYSCALL_VECTOR 0x80
#define IA32_NR_syscalls 463 /* 6.12's table: 0 .. 462 */

#define __NR_ia32_exit 1
#define __NR_ia32_read 3
#define __NR_ia32_write 4
#define __NR_ia32_close 6
#define __NR_ia32_getpid 20
#define __NR_ia32_pause 29
#define __NR_ia32_kill 37
#define __NR_ia32_setpgid 57
#define __NR_ia32_getppid 64
#define __NR_ia32_getpgrp 65
#define __NR_ia32_setsid 66
#define __NR_ia32_modify_ldt 123
#define __NR_ia32_getpgid 132
#define __NR_ia32_getsid 147
#define __NR_ia32_sched_yield 158
#define __NR_ia32_getuid32 199
#define __NR_ia32_getgid32 200
#define __NR_ia32_geteuid32 201
#define __NR_ia32_getegid32 202
#define __NR_ia32_gettid 224
#define __NR_ia32_tkill 238
#define __NR_ia32_set_thread_area 243
#define __NR_ia32_get_thread_area 244
#define __NR_ia32_exit_group 252
#define __NR_ia32_tgkill 270

#ifndef TS_COMPAT
#define TS_COMPAT 0x0002 /* thread_info.status: a 32-bit system call is running */
#endif

#ifndef __ASSEMBLER__
typedef long (*ia32_sys_call_ptr_t)(void);
extern const ia32_sys_call_ptr_t ia32_sys_call_table[IA32_NR_syscalls];
/* The IDT gate for vector 0x80: each era's compat entry (ia32_syscall in
 * v3.13 and the RFC, asm_int80_emulation in the modern one). */
extern const void* const ia32_syscall_gate;
#endif

#endif
