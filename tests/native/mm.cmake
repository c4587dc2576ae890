# Memory: brk, mmap and friends.
native_test(NAME mm_malloc_1mb PROGRAM mm_malloc ARGS 1)
native_test(NAME mm_malloc_100mb PROGRAM mm_malloc ARGS 100 sparse)
native_test(NAME mm_brk PROGRAM mm_brk)
native_test(NAME mm_mmap PROGRAM mm_mmap)
native_test(NAME mm_madvise PROGRAM mm_madvise)
native_test(NAME mm_segv PROGRAM mm_segv)
native_test(NAME mm_segv_death PROGRAM mm_segv ARGS die)
