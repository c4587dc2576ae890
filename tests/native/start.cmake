# A new program's start: arguments, exit statuses, the FPU and the C library's start-up.
native_test(NAME exit_status PROGRAM exit_status ARGS 7)
