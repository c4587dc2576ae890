// The focus syscall chosen by its index in the run (Scenario::focus_index,
// what a click in the GUI's Syscalls list sets): injections at entry and at
// exit apply to that syscall, not to the first one of the scenario's number.
#include <gtest/gtest.h>

#include <string>

#include "slowpath/scenario_line.h"
#include "slowpath/session.h"
#include "slowpath/tif.h"

namespace slowpath {
namespace {

Scenario fork_program() {
    Scenario sc;
    sc.user_program = SLOWPATH_FORK_PROGRAM;
    sc.max_steps = 50'000'000;
    return sc;
}

// The last syscall before the program exits that left by SYSRET: one the
// default focus (the first getpid, if any) is not.
int a_sysret_syscall(const Trace& t) {
    for (int k = static_cast<int>(t.syscalls.size()) - 1; k >= 0; k--) {
        const SyscallRecord& r = t.syscalls[static_cast<size_t>(k)];
        if (r.exit == ExitKind::Sysret && !r.is_focus && r.name != "exit" && r.name != "exit_group")
            return k;
    }
    return -1;
}

TEST(FocusIndex, InjectionsApplyToTheChosenSyscall) {
    if (std::string(SLOWPATH_FORK_PROGRAM).empty()) GTEST_SKIP() << "no musl-gcc";
    Session plain(fork_program());
    const Trace& t = plain.trace();
    ASSERT_EQ(t.outcome, Outcome::Exited) << t.outcome_detail;
    const int k = a_sysret_syscall(t);
    ASSERT_GT(k, 0);

    Scenario sc = fork_program();
    sc.focus_index = k;
    sc.injections.push_back(parse_injection("NOTIFY_RESUME@exit"));
    Session chosen(sc);
    const Trace& u = chosen.trace();
    ASSERT_EQ(u.focus, k);
    ASSERT_GT(u.syscalls.size(), static_cast<size_t>(k));
    const SyscallRecord& r = u.syscalls[static_cast<size_t>(k)];
    EXPECT_TRUE(r.is_focus);
    EXPECT_EQ(r.name, t.syscalls[static_cast<size_t>(k)].name);
    // The flag was set after its handler returned: its exit took the slow
    // path and went out by IRET, where the same call without it took SYSRET.
    EXPECT_EQ(r.exit, ExitKind::Iret) << r.name;
    EXPECT_EQ(t.syscalls[static_cast<size_t>(k)].exit, ExitKind::Sysret);
    // Every syscall before it is as in the run without the injection.
    for (int j = 0; j < k; j++) {
        EXPECT_EQ(u.syscalls[static_cast<size_t>(j)].exit, t.syscalls[static_cast<size_t>(j)].exit)
            << j;
        EXPECT_FALSE(u.syscalls[static_cast<size_t>(j)].is_focus) << j;
    }
}

TEST(FocusIndex, AtEntryFiresBeforeTheChosenSyscall) {
    if (std::string(SLOWPATH_FORK_PROGRAM).empty()) GTEST_SKIP() << "no musl-gcc";
    Session plain(fork_program());
    const int k = a_sysret_syscall(plain.trace());
    ASSERT_GT(k, 0);
    Scenario sc = fork_program();
    sc.focus_index = k;
    sc.injections.push_back(parse_injection("NOTIFY_RESUME@entry"));
    Session chosen(sc);
    const SyscallRecord& r = chosen.trace().syscalls.at(static_cast<size_t>(k));
    EXPECT_TRUE(r.is_focus);
    EXPECT_EQ(r.exit, ExitKind::Iret);
    // The flag is in the task's word once that syscall's SYSCALL has run.
    chosen.seek(r.entry_step + 1);
    EXPECT_TRUE(chosen.tif().flags & (1u << *parse_tif("NOTIFY_RESUME")));
}

TEST(FocusIndex, RoundTripsInTheScenarioLine) {
    Scenario sc;
    sc.focus_index = 7;
    sc.injections.push_back(parse_injection("SIGPENDING@exit"));
    std::string line = scenario_line_text(sc, {});
    EXPECT_NE(line.find("/focus:7"), std::string::npos) << line;
    EXPECT_EQ(parse_scenario_line(line).scenario.focus_index, 7);
    EXPECT_EQ(parse_scenario_line("slowpath:rfc/getpid").scenario.focus_index, -1);
    EXPECT_THROW(parse_scenario_line("slowpath:rfc/getpid/focus:x"), std::invalid_argument);
    EXPECT_NE(scenario_command_line(sc, {}).find("focus 7"), std::string::npos);
}

}  // namespace
}  // namespace slowpath
