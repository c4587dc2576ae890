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

# The kernel's own selftest of the registers exec leaves, built from the
# kernel source package as its Makefile builds it (tools/testing/selftests/
# x86/Makefile: static, entered at its own real_start, which records the
# registers and then jumps to the C library's _start).
set(LINUX_SOURCE_TARBALL /usr/src/linux-source-6.12.tar.xz
    CACHE FILEPATH "Debian's linux-source tarball, for the kernel's x86 selftests")
if(EXISTS ${LINUX_SOURCE_TARBALL})
  set(selftest_src ${CMAKE_CURRENT_BINARY_DIR}/selftests/check_initial_reg_state.c)
  set(selftest ${NATIVE_OUT}/check_initial_reg_state_64)
  add_custom_command(OUTPUT ${selftest_src}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/selftests
    COMMAND tar -xJf ${LINUX_SOURCE_TARBALL} -C ${CMAKE_CURRENT_BINARY_DIR}/selftests
            --strip-components=5 --wildcards */tools/testing/selftests/x86/check_initial_reg_state.c
    COMMENT "unpacking check_initial_reg_state.c from ${LINUX_SOURCE_TARBALL}"
    VERBATIM)
  add_custom_command(OUTPUT ${selftest}
    COMMAND ${MUSL_GCC} -m64 -o ${selftest} -O2 -g -std=gnu99 -pthread -Wall -no-pie
            -Wl,-ereal_start -static -DCAN_BUILD_64 ${selftest_src} -lrt -ldl
    DEPENDS ${selftest_src}
    COMMENT "musl-gcc -static check_initial_reg_state.c (the kernel's selftest)"
    VERBATIM)
  add_custom_target(native_check_initial_reg_state ALL DEPENDS ${selftest})
  foreach(era v3.13 rfc modern)
    add_test(NAME native.check_initial_reg_state.${era}
      COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/compare.py
              --cli $<TARGET_FILE:slowpath-cli> --era ${era} ${selftest} --)
  endforeach()
else()
  message(STATUS "${LINUX_SOURCE_TARBALL} not found: check_initial_reg_state is not tested")
endif()
