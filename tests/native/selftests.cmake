# The kernel's own x86 selftests (tools/testing/selftests/x86), unpacked
# from Debian's kernel source package in the build and built as their
# Makefile builds the 64-bit ones: static, -no-pie, with the kernel's UAPI
# headers (linux-libc-dev's, which the kernel's headers_install made) and
# with the assembly helpers some of them link. Each runs natively and in
# the guest in every era; compare.py wants the same lines and exit status.
set(LINUX_SOURCE_TARBALL /usr/src/linux-source-6.12.tar.xz
    CACHE FILEPATH "Debian's linux-source tarball, for the kernel's x86 selftests")
set(LINUX_UAPI_HEADERS /usr/include
    CACHE PATH "Where the kernel's installed UAPI headers are (linux/, asm-generic/, <triplet>/asm/)")
if(NOT EXISTS ${LINUX_SOURCE_TARBALL})
  message(STATUS "${LINUX_SOURCE_TARBALL} not found: the kernel's x86 selftests are not tested")
  return()
endif()

# name, then the assembly files the Makefile links with it.
set(selftests
    "check_initial_reg_state"
    "sysret_rip clang_helpers_64.S"
    "single_step_syscall"
    "sigreturn"
    "syscall_arg_fault"
    "syscall_nt"
    "test_syscall_vdso"
    "sigaltstack"
    "sysret_ss_attrs thunks.S"
    "fsgsbase"
    "iopl"
    "ioperm"
    "ptrace_syscall"
    "mov_ss_trap")

# The runs known to differ, each with its reason (README.md, "The kernel's
# x86 selftests", explains each): compare.py shows the difference and fails
# if it is gone. cpu: the emulated CPU (tests/native/cpu_probe.c shows it);
# era: what that era's Linux did too; guest: what the guest kernel lacks yet.
function(selftest_differs name eras reason)
  if(ARGN OR reason MATCHES ";")
    message(FATAL_ERROR "selftest_differs(${name}): a reason may not hold a ';'")
  endif()
  foreach(era ${eras})
    set(st_known_${name}_${era} "${reason}" PARENT_SCOPE)
  endforeach()
endfunction()
set(all_eras v3.13 rfc modern)
selftest_differs(single_step_syscall "${all_eras}"
  "guest: no 32-bit emulation, so SYSENTER in 64-bit mode is #GP (IA32_SYSENTER_CS is 0 on the emulated Intel CPU), where the host's kernel enters its compat SYSENTER entry and the SIGSEGV that follows kills the test (139), and the guest's run does not get past [RUN] Fast syscall with TF cleared")
selftest_differs(single_step_syscall "v3.13;rfc"
  "guest: no 32-bit emulation (SYSENTER is #GP, the host enters its compat SYSENTER entry), and era:  v3.13 leaves a syscall with TF set by SYSRET, which traps once more right after it (44 traps, the host's 6.x kernel uses IRET: 43)")
selftest_differs(syscall_arg_fault "${all_eras}"
  "guest: no 32-bit emulation, so SYSENTER in 64-bit mode is #GP (IA32_SYSENTER_CS is 0) and AX is still -1 in the SIGSEGV frame ([FAIL]), where the host's kernel enters its compat SYSENTER entry and fails the call with -EFAULT, and with TF the guest's handler sees repeated traps at the SYSENTER ([WARN] stuck)")
# sigaltstack runs its case of a too-small stack only when AT_MINSIGSTKSZ
# is over 2049 bytes: the host's (AVX-512 state) may be, the guest's is not.
execute_process(COMMAND env LD_SHOW_AUXV=1 /bin/true OUTPUT_VARIABLE st_host_auxv ERROR_QUIET)
string(REGEX MATCH "AT_MINSIGSTKSZ: *([0-9]+)" st_minsigstksz "${st_host_auxv}")
if(CMAKE_MATCH_1 AND CMAKE_MATCH_1 GREATER 2049)
  selftest_differs(sigaltstack "${all_eras}"
    "cpu: TCG has no AVX (cpu_probe.c), so XCR0 is x87|SSE, the XSAVE image 576 bytes and the signal frame 1104 (AT_MINSIGSTKSZ): the test skips its case for a stack below 2048 bytes, which the host's AVX-512 state (AT_MINSIGSTKSZ ${CMAKE_MATCH_1}) makes it run")
endif()
selftest_differs(sigreturn "${all_eras}"
  "cpu: every case passes as on Linux (the 16-bit and 32-bit CS and SS through the LDT, espfix64 giving ESP bits 31:16 back, #GP(0) for each refused iretq to an LDT SS), but Unicorn's IRET to a 16-bit SS keeps bits 63:16 of the kernel's RSP (cpu_probe.c, iret16) where the host's Intel CPU clears bits 63:32, so after the espfix stack at 0xffffff0000000000 the three [NOTE] SP lines show ffffff005aadc0de where the host shows 5aadc0de, what the test says AMD CPUs do")
# Its int $0x80 part (Check int80 return regs) passes in every era.
selftest_differs(ptrace_syscall "rfc"
  "era: the part kernel syscall restart under ptrace goes otherwise in the RFC, whose sysret_using_iret rechecks the whole work mask after a signal stop (as native.proc_ptrace shows), so the tracer's waitpid after PTRACE_CONT never returns and the run deadlocks")
# mov_ss_trap and mov_ss_trap_unbuffered (the same test with stdout
# unbuffered, below) agree case by case on an Intel host: the watched read,
# each MOV SS case and the breakpointed NOP give the host's SIGTRAPs and
# RIPs (the engine's debug unit arms the debug registers the tracer set),
# and both runs die at the SYSENTER case, where the host's compat entry
# returns to a 32-bit address and the guest's SYSENTER is #GP: the SIGSEGV
# that follows cannot be delivered on the alternate stack the test has just
# freed (musl's free unmaps it), so it kills the test (139). With stdout to
# a pipe mov_ss_trap's parent lines die with it, and only the child's copy
# of the buffer (up to "Set up a watchpoint") shows. An AMD host raises #UD
# for SYSENTER in 64-bit mode instead: its run gets SIGILL there and goes on
# to the end, which the emulated Intel CPU cannot match.
file(STRINGS /proc/cpuinfo st_host_vendor REGEX "^vendor_id" LIMIT_COUNT 1)
if(st_host_vendor MATCHES "AuthenticAMD")
  selftest_differs(mov_ss_trap "${all_eras}"
    "cpu: the host's AMD CPU raises #UD for SYSENTER in 64-bit mode, so its run gets SIGILL there (the handler the SYSCALL case left), runs the INT $0x80 case and exits 0 with every line, where the emulated Intel CPU raises #GP, whose SIGSEGV cannot be delivered on the freed alternate stack: the guest's run dies (139) and its pipe shows only the child's copy of the buffer")
  selftest_differs(mov_ss_trap_unbuffered "${all_eras}"
    "cpu: the host's AMD CPU raises #UD for SYSENTER in 64-bit mode, so its run prints Got SIGILL there (the handler the SYSCALL case left), runs the INT $0x80 case and exits 0, where the emulated Intel CPU raises #GP, whose SIGSEGV cannot be delivered on the freed alternate stack: the guest's run dies (139) after the [RUN] line of that case. Every case before it matches, the watchpoint and breakpoint SIGTRAPs among them")
endif()

set(st_root ${CMAKE_CURRENT_BINARY_DIR}/selftests)
set(st_dir ${st_root}/tools/testing/selftests/x86)

# The UAPI headers alone, without the rest of /usr/include (glibc's), which
# musl's headers must not meet.
set(st_uapi ${st_root}/uapi)
file(MAKE_DIRECTORY ${st_uapi})
foreach(pair "linux;linux" "asm-generic;asm-generic" "asm;x86_64-linux-gnu/asm")
  list(GET pair 0 link)
  list(GET pair 1 target)
  if(NOT EXISTS ${LINUX_UAPI_HEADERS}/${target})
    message(STATUS "${LINUX_UAPI_HEADERS}/${target} not found (linux-libc-dev): "
                   "the kernel's x86 selftests are not tested")
    return()
  endif()
  file(CREATE_LINK ${LINUX_UAPI_HEADERS}/${target} ${st_uapi}/${link} SYMBOLIC)
endforeach()

# One pass over the tarball for every file: the sources keep their place in
# the tree, as sigreturn.c includes arch/x86/include/asm/desc_defs.h by a
# relative path.
set(members */arch/x86/include/asm/desc_defs.h */tools/testing/selftests/x86/helpers.h)
set(unpacked ${st_root}/arch/x86/include/asm/desc_defs.h ${st_dir}/helpers.h)
foreach(entry ${selftests})
  separate_arguments(files UNIX_COMMAND "${entry}")
  list(GET files 0 name)
  list(REMOVE_AT files 0)
  foreach(f ${name}.c ${files})
    if(NOT ${st_dir}/${f} IN_LIST unpacked)
      list(APPEND members */tools/testing/selftests/x86/${f})
      list(APPEND unpacked ${st_dir}/${f})
    endif()
  endforeach()
endforeach()
add_custom_command(OUTPUT ${unpacked}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${st_root}
  COMMAND tar -xJf ${LINUX_SOURCE_TARBALL} -C ${st_root} --strip-components=1 --wildcards
          ${members}
  COMMAND ${CMAKE_COMMAND} -E touch ${unpacked}
  COMMENT "unpacking the x86 selftests from ${LINUX_SOURCE_TARBALL}"
  VERBATIM)

set(selftest_programs "")
foreach(entry ${selftests})
  separate_arguments(files UNIX_COMMAND "${entry}")
  list(GET files 0 name)
  list(REMOVE_AT files 0)
  list(TRANSFORM files PREPEND ${st_dir}/)
  set(out ${NATIVE_OUT}/${name}_64)
  set(entry_flags "")
  if(name STREQUAL "check_initial_reg_state")
    # Entered at its own real_start, which records the registers exec left
    # and then jumps to the C library's _start.
    set(entry_flags -Wl,-ereal_start)
  endif()
  add_custom_command(OUTPUT ${out}
    COMMAND ${MUSL_GCC} -m64 -o ${out} -O2 -g -std=gnu99 -pthread -Wall -no-pie -static
            ${entry_flags} -DCAN_BUILD_64 -isystem ${st_uapi} ${name}.c ${files} -lrt -ldl
    WORKING_DIRECTORY ${st_dir}
    DEPENDS ${unpacked}
    COMMENT "musl-gcc -static ${name}.c (the kernel's x86 selftest)"
    VERBATIM)
  list(APPEND selftest_programs ${out})
  foreach(era ${all_eras})
    set(known "")
    if(DEFINED st_known_${name}_${era})
      # A known difference shows within 6M steps: single_step_syscall's
      # runs reach their last line by 2M and then loop on SIGSEGV to the
      # limit (2.3 s to 2M steps, 140 s to 20M).
      set(known --known-difference "${st_known_${name}_${era}}" --max-steps 6000000)
    endif()
    add_test(NAME native.${name}.${era}
      COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/compare.py
              --cli $<TARGET_FILE:slowpath-cli> --era ${era} ${known} ${out} --)
    set_property(TEST native.${name}.${era} APPEND PROPERTY LABELS selftest)
  endforeach()
endforeach()

# mov_ss_trap again, with selftest_unbuffered.c: every line reaches the
# pipe before the SIGSEGV that ends both runs.
set(out ${NATIVE_OUT}/mov_ss_trap_unbuffered_64)
add_custom_command(OUTPUT ${out}
  COMMAND ${MUSL_GCC} -m64 -o ${out} -O2 -g -std=gnu99 -pthread -Wall -no-pie -static
          -DCAN_BUILD_64 -isystem ${st_uapi} mov_ss_trap.c
          ${CMAKE_CURRENT_SOURCE_DIR}/selftest_unbuffered.c -lrt -ldl
  WORKING_DIRECTORY ${st_dir}
  DEPENDS ${unpacked} ${CMAKE_CURRENT_SOURCE_DIR}/selftest_unbuffered.c
  COMMENT "musl-gcc -static mov_ss_trap.c, stdout unbuffered"
  VERBATIM)
list(APPEND selftest_programs ${out})
foreach(era ${all_eras})
  set(known "")
  if(DEFINED st_known_mov_ss_trap_unbuffered_${era})
    set(known --known-difference "${st_known_mov_ss_trap_unbuffered_${era}}")
  endif()
  add_test(NAME native.mov_ss_trap_unbuffered.${era}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/compare.py
            --cli $<TARGET_FILE:slowpath-cli> --era ${era} ${known} --max-steps 20000000
            ${out} --)
  set_property(TEST native.mov_ss_trap_unbuffered.${era} APPEND PROPERTY LABELS selftest)
endforeach()
add_custom_target(native_selftests ALL DEPENDS ${selftest_programs})

# The emulated CPU's facts behind the "cpu:" reasons above.
add_executable(selftest_cpu_probe cpu_probe.c)
target_link_libraries(selftest_cpu_probe PRIVATE PkgConfig::UNICORN)
add_test(NAME native.selftest_cpu_probe COMMAND selftest_cpu_probe)
set_property(TEST native.selftest_cpu_probe APPEND PROPERTY LABELS selftest)
