# A new program's start: arguments, exit statuses, the FPU and the C library's start-up.
native_test(NAME exit_status PROGRAM exit_status ARGS 7)

# The start state exec leaves: FPU control words (doubles print right only
# with them), the C library's own start-up work, argv/envp, the auxiliary
# vector, and the FPU state kept across a signal handler.
native_test(NAME start_float PROGRAM start_float)
native_test(NAME start_libc PROGRAM start_libc)
native_test(NAME start_args_env PROGRAM start_args_env ARGS one "two words" x=y
            ENV SLOWPATH_TEST=hello EMPTY= PATH=/bin:/usr/bin)
native_test(NAME start_args_env_empty PROGRAM start_args_env)
native_test(NAME start_auxv PROGRAM start_auxv)
native_test(NAME start_fpu_signal PROGRAM start_fpu_signal)

# Time on the guest clock, the small calls, sigaltstack.
native_test(NAME time_clock PROGRAM time_clock)
# The vDSO: the same clock reads through the C library, through the vDSO's
# own symbols (looked up from AT_SYSINFO_EHDR) and as system calls; and,
# from the guest's trace, that only the last kind enters the kernel.
native_test(NAME time_vdso_libc PROGRAM time_vdso ARGS libc)
native_test(NAME time_vdso_direct PROGRAM time_vdso ARGS direct)
native_test(NAME time_vdso_syscall PROGRAM time_vdso ARGS syscall)
foreach(era v3.13 rfc modern)
  add_test(NAME native.time_vdso_no_syscall.${era}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/vdso.py
            --cli $<TARGET_FILE:slowpath-cli> --era ${era}
            ${NATIVE_OUT}/time_vdso)
endforeach()
native_test(NAME sys_calls PROGRAM sys_calls)
native_test(NAME sys_sigaltstack PROGRAM sys_sigaltstack)
# rseq: registration and its errors, the CPU fields, critical sections
# restarted by a signal, a fault or a sleep, and the descriptors and areas
# that end in SIGSEGV.
native_test(NAME sys_rseq PROGRAM sys_rseq)
# Two threads' per-CPU increments as critical sections on one CPU: the
# timer tick preempts them inside, and only the restarts keep the count.
native_test(NAME sys_rseq_preempt PROGRAM sys_rseq_preempt)
# rt_sigtimedwait: a pending signal of the set taken with its siginfo, a
# wait ended by one, by the timeout (EAGAIN) or by another signal (EINTR),
# a blocked SIGCHLD kept for it, and the argument errors.
native_test(NAME sys_sigtimedwait PROGRAM sys_sigtimedwait)
# int $0x80 from a 64-bit program (IA32 emulation): 32-bit numbers and
# registers, -ENOSYS for a number with no call. What r8-r11 hold after it
# is an era difference: Linux since 4.17, like the modern era, keeps them;
# v3.13's ia32entry.S (so the v3.13 and RFC eras) clears them.
native_test(NAME sys_int80 PROGRAM sys_int80)
native_test(NAME sys_int80_rregs PROGRAM sys_int80 ARGS rregs ERAS modern)
native_test(NAME sys_int80_rregs PROGRAM sys_int80 ARGS rregs ERAS v3.13 rfc
  EXPECT ${CMAKE_CURRENT_SOURCE_DIR}/expected/sys_int80_rregs_v3_13.out)
# A tracer's syscall stops of int $0x80 calls: orig_rax is the 32-bit
# number. The RFC adds one exit stop after raise's signal stop (its
# sysret_using_iret, as in native.proc_ptrace).
native_test(NAME sys_int80_traced PROGRAM sys_int80 ARGS traced ERAS v3.13 modern)
native_test(NAME sys_int80_traced PROGRAM sys_int80 ARGS traced ERAS rfc
  EXPECT ${CMAKE_CURRENT_SOURCE_DIR}/expected/sys_int80_traced_rfc.out)
