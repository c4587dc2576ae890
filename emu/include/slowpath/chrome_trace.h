// A recorded run in the Chrome trace-event JSON format, for Perfetto or
// chrome://tracing: each system call is a slice, the entry-code labels it
// passed are slices inside it, and the C functions the entry code called
// are slices inside those. One instruction is one microsecond on the
// timeline. Checks, the decision, sysret/iret, signals and injections are
// instant events with their details as arguments.
#pragma once
#include <ostream>
#include <string>

#include "slowpath/trace.h"

namespace slowpath {

// Writes the whole document to `out`, one event at a time (nothing is built
// in memory but the event being written). `title` names the process track,
// e.g. "slowpath v3.13 getpid SIGPENDING@exit".
void write_chrome_trace(const Trace& trace, const std::string& title, std::ostream& out);

}  // namespace slowpath
