// `slowpath-cli run --summary`: the run's system calls counted per name, as
// `strace -c` counts them: calls, errors (a return of -4095 to -1), how each
// returned to user mode (sysretq or iretq), and the guest instructions from
// each SYSCALL to the first step back in ring 3; then the run's totals.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "slowpath/trace.h"

namespace slowpath {

// A row is a SyscallTally (trace.h): its instructions are those of the
// calls that returned (exit_group never does).
struct Summary {
    std::vector<SyscallTally> rows;  // most instructions first, then by name
    SyscallTally total;              // named "total"
};

Summary summarize(const Trace& trace);
std::string summary_text(const Summary& summary);
// {"schema": 1, "syscalls": [{"name", "calls", "errors", "sysret", "iret", "instructions"}...],
//  "total": {...the same keys...}}
nlohmann::json summary_json(const Summary& summary);

}  // namespace slowpath
