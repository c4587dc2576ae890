# A glibc-static program nobody here wrote: Debian's busybox-static, its
# applets run natively and in the guest (files from the I/O fixture, by
# relative paths, so that both runs read the same ones).
find_program(BUSYBOX_STATIC busybox PATHS /bin /usr/bin NO_DEFAULT_PATH)
if(NOT BUSYBOX_STATIC)
  message(WARNING "busybox not found: the busybox tests are skipped (apt-get install busybox-static)")
  return()
endif()
set(BB_ROOT ${CMAKE_CURRENT_SOURCE_DIR}/root)
native_test(NAME busybox_echo BINARY ${BUSYBOX_STATIC} ARGS echo hello -n world)
native_test(NAME busybox_seq BINARY ${BUSYBOX_STATIC} ARGS seq -s , 3 2 17)
native_test(NAME busybox_sh BINARY ${BUSYBOX_STATIC}
            ARGS sh -c "for i in 1 2 3; do echo line $i; done; echo to stderr >&2; exit 3")
native_test(NAME busybox_awk BINARY ${BUSYBOX_STATIC}
            ARGS awk "BEGIN { printf \"%d %.3f %s\\n\", 7*6, 2/3, toupper(\"ok\") }")
native_test(NAME busybox_ls BINARY ${BUSYBOX_STATIC} ROOT ${BB_ROOT} ARGS ls -a . sub empty)
native_test(NAME busybox_cat BINARY ${BUSYBOX_STATIC} ROOT ${BB_ROOT}
            ARGS cat hello.txt sub/inner.txt)
native_test(NAME busybox_wc BINARY ${BUSYBOX_STATIC} ROOT ${BB_ROOT} ARGS wc -l numbers.txt)
native_test(NAME busybox_sort BINARY ${BUSYBOX_STATIC} ROOT ${BB_ROOT} ARGS sort -r numbers.txt)
# Not yet: a shell running a command that is not a builtin (cat) execs it,
# and execve is not implemented (-ENOSYS, exit 126).
native_test(NAME busybox_missing_file BINARY ${BUSYBOX_STATIC} ROOT ${BB_ROOT}
            ARGS cat no-such-file)
# Subshells, a pipeline between two forked shells, and their statuses.
native_test(NAME busybox_sh_fork BINARY ${BUSYBOX_STATIC}
            ARGS sh -c "(exit 3); echo $?; echo b | { read x; echo got $x; }; (echo sub; exit 4) | { read l; echo piped $l; }; echo status $?; exit 5")

# A shell that runs applets by execve from --root (proc.cmake's root, with
# busybox as /bin/busybox and its applets as links to it).
add_custom_command(OUTPUT ${EXEC_ROOT}/bin/busybox
  COMMAND ${CMAKE_COMMAND} -E make_directory ${EXEC_ROOT}/bin
  COMMAND ${CMAKE_COMMAND} -E copy ${BUSYBOX_STATIC} ${EXEC_ROOT}/bin/busybox
  COMMAND ${CMAKE_COMMAND} -E create_symlink busybox ${EXEC_ROOT}/bin/cat
  COMMAND ${CMAKE_COMMAND} -E create_symlink busybox ${EXEC_ROOT}/bin/sh
  COMMAND ${CMAKE_COMMAND} -E create_symlink busybox ${EXEC_ROOT}/bin/wc
  COMMENT "busybox in the exec tests' root")
add_custom_target(native_exec_root_busybox ALL DEPENDS ${EXEC_ROOT}/bin/busybox)
native_test(NAME busybox_sh_exec BINARY ${BUSYBOX_STATIC} ROOT ${EXEC_ROOT}
            ARGS sh -c "echo a | cat; (exit 3); echo $?; cat hello.txt | wc -c; sh -c 'exit 7'; echo inner $?; exec cat sub/inner.txt")
