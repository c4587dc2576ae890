// The routes the scenario tests expect, era by era: each derived from the
// v3.13 sources, the 2014 RFC and Linux 6.12 (see EXPECTATIONS.md beside
// this file). A table of data, read by scenario_test.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "route_match.h"
#include "slowpath/era.h"
#include "slowpath/trace.h"

namespace slowpath::scenario_routes {

using testing::join;
using testing::Names;
using testing::only_labels;

// System call numbers of the demo's focus syscalls (x86-64 ABI).
constexpr long NR_WRITE = 1;
constexpr long NR_RT_SIGRETURN = 15;
constexpr long NR_GETPID = 39;
constexpr long NR_KILL = 62;
constexpr long NR_EXIT_GROUP = 231;
constexpr long NR_BAD = 500;  // beyond __NR_syscall_max

constexpr int64_t ENOSYS_ = 38;
constexpr int64_t EFAULT_ = 14;

inline const char* const kHandlerLine = "demo: SIGUSR1 handler ran";

// Route pieces, named as in entry_64.S.
inline const Names kEntry = {"system_call", "system_call_after_swapgs"};
inline const Names kFast = {"system_call_fastpath"};
inline const Names kRet = {"ret_from_sys_call"};
inline const Names kIret = {"retint_swapgs", "restore_args", "irq_return"};

inline Names cat(std::initializer_list<Names> parts) {
    Names out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

// v3.13: from sysret_signal into the iret path for DO_NOTIFY work.
inline const Names kV313Notify = {
    "sysret_check", "sysret_careful",   "sysret_signal", "int_check_syscall_exit_work",
    "int_signal",   "int_restore_rest", "int_with_check"};
// v3.13: from sysret_signal into the iret path for exit work (trace leave).
inline const Names kV313ExitWork = {"sysret_check",     "sysret_careful",
                                    "sysret_signal",    "int_check_syscall_exit_work",
                                    "int_restore_rest", "int_with_check"};
// v3.13: audit fast exit.
inline const Names kV313Audit = {"sysret_check", "sysret_careful", "sysret_signal", "sysret_audit",
                                 "sysret_check"};
// RFC: the C slow path said sysret is still fine.
inline const Names kRfcSysret = {"sysret_check", "sysret_careful", "sysret_check"};
// RFC: the C slow path delivered a signal.
inline const Names kRfcIret = {"sysret_check", "sysret_careful", "sysret_using_iret",
                               "int_with_check"};

struct Expected {
    std::string name;  // test name
    Era era;
    long nr = NR_GETPID;
    bool bad_pointer = false;
    std::vector<std::string> inject;  // "FLAG@exit"
    // Route of the focus syscall, entry-code labels only.
    Names labels;
    // For livelocks: `labels` is the prefix and this repeats after it.
    Names cycle;
    Names calls;      // C functions that must appear in the path, in this order
    Names forbidden;  // C functions that must not appear
    ExitKind exit = ExitKind::Sysret;
    Outcome outcome = Outcome::Exited;
    std::optional<int64_t> ret = 1;  // getpid: the demo is pid 1
    bool signal = false;             // SIGUSR1 is delivered to the demo's handler
    std::string livelock_flag;
    // Modern era: the SYSRET check do_syscall_64() fails first ("" = none
    // fails, sysret), and how the handler's rt_sigreturn leaves.
    std::string sysret_failed;
    ExitKind sigreturn_exit = ExitKind::Iret;
    // Where ring 3 resumes, from the syscall instruction: past it (2), or
    // one byte back from there (1) after handle_swbp found no uprobe. The
    // demo then runs the syscall's second byte as code, so its own report
    // is not checked.
    uint64_t resume_offset = 2;
};

// gtest prints a parameter on failure; the test name says it all.
inline void PrintTo(const Expected& e, std::ostream* os) {
    *os << era_info(e.era).name << " " << e.name;
}

// Every scenario of the table, the modern era's among them.
std::vector<Expected> scenarios();

}  // namespace slowpath::scenario_routes
