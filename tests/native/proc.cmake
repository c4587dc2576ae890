# Processes and threads: clone, futex, exit of one thread and of the group.
native_test(NAME proc_threads PROGRAM proc_threads)
native_test(NAME proc_futex PROGRAM proc_futex)
native_test(NAME proc_fork PROGRAM proc_fork)
native_test(NAME proc_pipe PROGRAM proc_pipe)
# Threads that spin-wait on each other: only the timer tick lets both run.
native_test(NAME proc_spin PROGRAM proc_spin)
# Signals to a process whose main thread has exited: kill(getpid()) and a
# parent's kill reach the thread left, and wait4 gets the status of the
# last thread's exit, of exit_group or of the signal; kill(-1) with signal
# 0 and an invalid one. A real kill(-1, SIGTERM) is never sent on the host:
# that part runs in the guest only, where the program is pid 1, and the
# expected output is Linux's for the program as a PID namespace's init.
native_test(NAME proc_leader_exit PROGRAM proc_leader_exit)
native_test(NAME proc_leader_exit_killall PROGRAM proc_leader_exit ARGS killall
  EXPECT ${CMAKE_CURRENT_SOURCE_DIR}/expected/proc_leader_exit_killall.out)

# A test whose program execs itself: it runs from a root of its own in the
# build tree (<stem>root) that holds only the program.
function(native_test_own_root stem)
  set(root ${CMAKE_CURRENT_BINARY_DIR}/${stem}root)
  native_program(${stem})
  add_custom_command(OUTPUT ${root}/${stem}
    COMMAND ${CMAKE_COMMAND} -E copy ${NATIVE_OUT}/${stem} ${root}/${stem}
    DEPENDS ${NATIVE_OUT}/${stem}
    COMMENT "${stem}'s root")
  add_custom_target(native_${stem}_root ALL DEPENDS ${root}/${stem})
  native_test(NAME ${stem} PROGRAM ${stem} ROOT ${root})
endfunction()

# execve needs the program inside the guest's root: a root of its own in the
# build tree, with the program, two fixture files and (busybox.cmake) a
# busybox with its applets as links.
set(EXEC_ROOT ${CMAKE_CURRENT_BINARY_DIR}/execroot)
native_program(proc_exec)
add_custom_command(OUTPUT ${EXEC_ROOT}/proc_exec
  COMMAND ${CMAKE_COMMAND} -E make_directory ${EXEC_ROOT}/sub ${EXEC_ROOT}/bin
  COMMAND ${CMAKE_COMMAND} -E copy ${NATIVE_OUT}/proc_exec ${EXEC_ROOT}/proc_exec
  COMMAND ${CMAKE_COMMAND} -E copy ${CMAKE_CURRENT_SOURCE_DIR}/root/hello.txt ${EXEC_ROOT}/hello.txt
  COMMAND ${CMAKE_COMMAND} -E copy ${CMAKE_CURRENT_SOURCE_DIR}/root/sub/inner.txt
          ${EXEC_ROOT}/sub/inner.txt
  DEPENDS ${NATIVE_OUT}/proc_exec
  COMMENT "the exec tests' root")
add_custom_target(native_exec_root ALL DEPENDS ${EXEC_ROOT}/proc_exec)
native_test(NAME proc_exec PROGRAM proc_exec ROOT ${EXEC_ROOT})
native_test(NAME proc_fcntl PROGRAM proc_fcntl)

# A signal that comes while a system call sleeps: read, wait4, pause,
# nanosleep and clock_nanosleep, each with and without SA_RESTART.
native_test(NAME sig_restart PROGRAM sig_restart)
# SS in the signal frame: its flags, sigreturn into 32-bit code, to a bad SS
# (the iretq's fault comes back as SIGSEGV) and a non-strict return.
native_test(NAME sig_frame_ss PROGRAM sig_frame_ss)
# modify_ldt and the 32-bit set_thread_area/get_thread_area: the LDT of the
# process and its TLS slots, read through GS, across fork.
# It runs from a root of its own, to exec itself.
native_test_own_root(proc_ldt)

# Process groups and sessions: setpgid/getpgid/setsid/getsid and their
# errors (EACCES after the child execs: it runs from a root of its own, to
# exec itself), kill and wait by group, and job control in orphaned groups.
native_test_own_root(proc_pgrp)

# Signals in a process of several threads: the process's queue (kill) is
# taken by a thread that does not block it, a thread's own (tgkill, tkill)
# stays with it; sigpending, sigwaitinfo in a thread, SIG_IGN on what is
# pending, handlers shared by the threads, a fatal signal to all threads,
# SIGTERM kept by a stopped process until SIGCONT.
native_test(NAME sig_threads PROGRAM sig_threads)
# Queued signals: real-time ones queue with their siginfo (sigqueue's
# values, SI_QUEUE/SI_USER/SI_TKILL), standard ones merge; rt_sigqueueinfo,
# rt_tgsigqueueinfo and the errors of the signal-sending calls.
native_test(NAME sig_queue PROGRAM sig_queue)
# POSIX timers on the guest's clock: SIGEV_SIGNAL, SIGEV_NONE,
# SIGEV_THREAD_ID and the default SIGALRM; relative, absolute and interval
# settings; the timer's siginfo and overruns; a deleted timer's queued
# signal; no timers in a fork's child; every call's errors.
native_test(NAME sig_timer PROGRAM sig_timer)
# exec in a process of several threads (de_thread: the others end, a
# thread takes the leader's pid and keeps the process's pending signals),
# handlers shared by clone(CLONE_SIGHAND) without CLONE_THREAD and made
# its own again by an exec, and clone's flag errors. It execs itself.
native_test_own_root(sig_exec)
# signalfd: records of kill, sigqueue, SIGCHLD and a timer's signal; poll;
# a blocking read in a thread; the descriptor across fork; EINTR; errors.
native_test(NAME sig_signalfd PROGRAM sig_signalfd)
# pidfd_open and pidfd_send_signal: poll on a child's pidfd, signals
# through it, a thread's pidfd (PIDFD_THREAD), the scope flags, errors.
native_test(NAME sig_pidfd PROGRAM sig_pidfd)
