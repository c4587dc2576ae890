# Files, standard input and output.
set(IO_ROOT ${CMAKE_CURRENT_SOURCE_DIR}/root)
native_test(NAME io_cat_file PROGRAM io_cat ROOT ${IO_ROOT}
            ARGS hello.txt sub/inner.txt numbers.txt link_rel)
native_test(NAME io_cat_missing PROGRAM io_cat ROOT ${IO_ROOT} ARGS hello.txt missing.txt)
native_test(NAME io_cat_stdin PROGRAM io_cat STDIN ${IO_ROOT}/numbers.txt)
native_test(NAME io_stdio PROGRAM io_stdio
            STDIN ${IO_ROOT}/numbers.txt)
native_test(NAME io_listdir PROGRAM io_listdir ROOT ${IO_ROOT} ARGS . sub empty)
native_test(NAME io_seek PROGRAM io_seek ROOT ${IO_ROOT})
native_test(NAME io_errors PROGRAM io_errors ROOT ${IO_ROOT})
native_test(NAME io_devices PROGRAM io_devices)
native_test(NAME io_streams PROGRAM io_streams)
native_test(NAME io_signal_abort PROGRAM io_signal)
native_test(NAME io_signal_segv PROGRAM io_signal ARGS segv)
native_test(NAME io_signal_term PROGRAM io_signal ARGS term)
native_test(NAME io_big_output PROGRAM io_big)
# What Linux gives a process chrooted in the root on a read-only mount.
native_test(NAME io_escape PROGRAM io_escape ROOT ${IO_ROOT}
            EXPECT ${CMAKE_CURRENT_SOURCE_DIR}/expected/io_escape.out)
