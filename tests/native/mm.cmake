# Memory: brk, mmap and friends.
native_test(NAME mm_malloc_1mb PROGRAM mm_malloc ARGS 1)
native_test(NAME mm_malloc_100mb PROGRAM mm_malloc ARGS 100 sparse)
native_test(NAME mm_brk PROGRAM mm_brk)
native_test(NAME mm_mmap PROGRAM mm_mmap)
native_test(NAME mm_high PROGRAM mm_high)
native_test(NAME mm_madvise PROGRAM mm_madvise)
native_test(NAME mm_segv PROGRAM mm_segv)
native_test(NAME mm_segv_death PROGRAM mm_segv ARGS die)
native_test(NAME mm_shared_fork PROGRAM mm_shared_fork)

# The routes memory faults take in the trace (demand paging in user and
# kernel mode, a protection fault's SIGSEGV), read from the programs above.
add_executable(mm_route_tests mm_route_test.cpp)
target_link_libraries(mm_route_tests PRIVATE slowpath_emu GTest::gtest_main)
target_compile_definitions(mm_route_tests PRIVATE MM_MALLOC_PROGRAM="${NATIVE_OUT}/mm_malloc"
                                                  MM_SEGV_PROGRAM="${NATIVE_OUT}/mm_segv"
                                                  MM_MMAP_PROGRAM="${NATIVE_OUT}/mm_mmap")
add_dependencies(mm_route_tests mm_malloc_program mm_segv_program mm_mmap_program)
slowpath_host_target(mm_route_tests)
gtest_discover_tests(mm_route_tests
  DISCOVERY_TIMEOUT 60
  PROPERTIES TIMEOUT 600
             ENVIRONMENT "SLOWPATH_GUEST_DIR=${SLOWPATH_GUEST_DIR}")
