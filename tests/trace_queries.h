// Questions the tests of several folders ask of a recorded trace.
#pragma once
#include "slowpath/trace.h"

namespace slowpath::test_queries {

// The first fork (or clone) that made a child, as an index into
// Trace::syscalls, or -1.
inline int first_fork(const Trace& t) {
    for (size_t k = 0; k < t.syscalls.size(); k++)
        if ((t.syscalls[k].name == "fork" || t.syscalls[k].name == "clone") &&
            t.syscalls[k].has_ret && t.syscalls[k].ret > 0)
            return static_cast<int>(k);
    return -1;
}

// The first wait4 from syscall `from` on that returned `pid` (reaped or
// reported it), as an index into Trace::syscalls, or -1.
inline int first_wait4_for(const Trace& t, int from, long pid) {
    for (size_t k = static_cast<size_t>(from); k < t.syscalls.size(); k++)
        if (t.syscalls[k].name == "wait4" && t.syscalls[k].has_ret && t.syscalls[k].ret == pid)
            return static_cast<int>(k);
    return -1;
}

}  // namespace slowpath::test_queries
