# ptrace(2): a parent that traces its child (its syscalls, registers,
# memory, single steps, signals, the stops wait4 reports).
native_test(NAME proc_ptrace PROGRAM proc_ptrace ERAS v3.13 modern)
# The RFC differs from Linux here, as its patch does: when a signal stop
# leaves by sysret_using_iret, int_with_check runs with the whole work mask
# again, so a tracer that asked for PTRACE_SYSCALL (or SINGLESTEP) at that
# stop gets a second exit stop of the syscall that raised the signal
# (v3.13 masks the exit-work bits after reporting them once). The expected
# output shows that extra stop shifting every later one.
native_test(NAME proc_ptrace_rfc PROGRAM proc_ptrace ERAS rfc
            EXPECT ${CMAKE_CURRENT_SOURCE_DIR}/expected/proc_ptrace_rfc.out)

# FS/GS bases and selectors: arch_prctl, and a tracer's PEEKUSER/POKEUSER
# and GETREGS/SETREGS of fs_base, gs_base and gs.
native_test(NAME proc_fsgs PROGRAM proc_fsgs)
# The debug registers a tracer sets in its tracee (u_debugreg): checked as
# Linux checks them.
native_test(NAME proc_debugreg PROGRAM proc_debugreg ERAS v3.13 modern)
# And armed: a write watchpoint and an execute breakpoint stop the tracee
# with SIGTRAP (TRAP_HWBKPT), after the write and before the instruction,
# DR6 naming the breakpoint (the engine's debug unit, engine_debug.cpp).
native_test(NAME proc_hwbreak PROGRAM proc_hwbreak)
# The RFC reports the step after the tracee's SIGSTOP at the syscall exit
# it rechecks (as in proc_ptrace_rfc), not by a #DB, so DR6 keeps what the
# tracer wrote, as Linux's step report at a syscall exit leaves it.
native_test(NAME proc_debugreg_rfc PROGRAM proc_debugreg ERAS rfc
            EXPECT ${CMAKE_CURRENT_SOURCE_DIR}/expected/proc_debugreg_rfc.out)

# The kernel's own ptrace selftests, ptrace_syscall and mov_ss_trap, are
# built and compared with the others in selftests.cmake.

# PTRACE_SETOPTIONS' events, a small strace that follows a child through
# fork, vfork, clone and exec (the exec needs the program in a root of its
# own, beside proc_exec's), PTRACE_SEIZE with INTERRUPT, LISTEN and
# SETSIGINFO, PTRACE_O_EXITKILL, DETACH and the requests' errors.
native_program(proc_ptrace_events)
add_custom_command(OUTPUT ${EXEC_ROOT}/proc_ptrace_events
  COMMAND ${CMAKE_COMMAND} -E make_directory ${EXEC_ROOT}
  COMMAND ${CMAKE_COMMAND} -E copy ${NATIVE_OUT}/proc_ptrace_events ${EXEC_ROOT}/proc_ptrace_events
  DEPENDS ${NATIVE_OUT}/proc_ptrace_events
  COMMENT "proc_ptrace_events in the exec tests' root")
add_custom_target(native_ptrace_events_root ALL DEPENDS ${EXEC_ROOT}/proc_ptrace_events)
native_test(NAME proc_ptrace_events PROGRAM proc_ptrace_events ROOT ${EXEC_ROOT} ERAS v3.13 modern)
# The RFC's second syscall-exit stop after a signal stop resumed with
# PTRACE_SYSCALL (see proc_ptrace_rfc): after the tracee's first SIGSTOP
# and after each new child's, whose stop comes at the exit of the fork,
# vfork or clone it was created by.
native_test(NAME proc_ptrace_events_rfc PROGRAM proc_ptrace_events ROOT ${EXEC_ROOT} ERAS rfc
            EXPECT ${CMAKE_CURRENT_SOURCE_DIR}/expected/proc_ptrace_events_rfc.out)

# What strace and gdb read besides the general registers: PTRACE_GET_SYSCALL_INFO
# at signal and syscall stops (the size argument cutting the record), and
# the register sets (GETREGSET/SETREGSET of NT_PRSTATUS, NT_PRFPREG,
# NT_X86_XSTATE, NT_386_IOPERM; GETFPREGS/SETFPREGS) with their errors.
# The RFC's second exit stop after the first SIGSTOP is skipped over by
# the tracer, which waits for the entry of a marker call.
native_test(NAME proc_ptrace_info PROGRAM proc_ptrace_info)

# Job control: SIGSTOP stops every thread of a process, the parent's
# wait4 (WUNTRACED) and waitid (WSTOPPED) report it once, SIGCONT resumes
# it (WCONTINUED: 0xffff, CLD_CONTINUED), each with its SIGCHLD; a tracer
# sees the group stop after the signal-delivery stop (a seized tracee's as
# PTRACE_EVENT_STOP, which PTRACE_LISTEN keeps until SIGCONT).
native_test(NAME proc_jobctl PROGRAM proc_jobctl)
