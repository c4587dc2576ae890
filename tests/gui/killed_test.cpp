// A program killed by a signal inside its own system call, as the app shows
// it: the decision banner and the compare view's era table say the task was
// killed, checked against the emulator's record of the run.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app_run.h"
#include "slowpath/era.h"
#include "slowpath/session.h"

using nlohmann::json;
using namespace slowpath;
using gui_test::AppRun;
using gui_test::expect_real_screenshot;
using gui_test::run_app;

#ifdef SLOWPATH_KILLED_PROGRAM
// A task killed by a signal in do_notify_resume never reaches an exit: the
// decision banner says so (in each era and in the compare view) instead of
// "not decided yet", and before the kill it still waits for the decision.
TEST(GuiApp, BannerSaysTheTaskWasKilledBeforeTheExit) {
    for (Era era : {Era::V3_13, Era::Rfc, Era::Modern}) {
        std::string era_name(era_info(era).name);
        SCOPED_TRACE(era_name);
        Scenario sc;
        sc.era = era;
        sc.user_program = SLOWPATH_KILLED_PROGRAM;
        Session machine(sc);
        const Trace& t = machine.trace();
        ASSERT_EQ(t.outcome, Outcome::Fault) << t.outcome_detail;
        ASSERT_EQ(t.killed_by, 15u) << t.outcome_detail;  // SIGTERM
        int kill_nr = -1;
        for (size_t k = 0; k < t.syscalls.size(); k++)
            if (t.syscalls[k].name.str() == "kill") kill_nr = static_cast<int>(k);
        ASSERT_GE(kill_nr, 0);
        const SyscallRecord& kill = t.syscalls[static_cast<size_t>(kill_nr)];
        ASSERT_EQ(kill.exit, ExitKind::None);  // neither sysret nor iret
        ASSERT_EQ(kill.return_step, 0u);
        std::string focus = "focus " + std::to_string(kill_nr);

        AppRun end = run_app({"--era", era_name, "--program", SLOWPATH_KILLED_PROGRAM, "--commands",
                              focus + "; end"},
                             true, "", "_" + era_name);
        ASSERT_EQ(end.status, 0) << end.err;
        EXPECT_EQ(end.state["step"], t.last_step());
        EXPECT_EQ(end.state["shown_syscall"], kill_nr);
        EXPECT_TRUE(end.state["decision"].is_null());
        const json& b = end.state["decision_banner"];
        EXPECT_EQ(b["kind"], "no-exit") << b;
        EXPECT_EQ(b["head"], "killed") << b;
        std::string why = b["why"].get<std::string>();
        EXPECT_EQ(why.rfind("kill: the task was killed by SIGTERM (signal 15) in ", 0), 0u) << why;
        EXPECT_NE(why.find("before the exit was chosen"), std::string::npos) << why;
        EXPECT_EQ(why.find("not decided"), std::string::npos) << why;
        expect_real_screenshot(end);

        // At the syscall's entry the exit is still to come.
        AppRun start = run_app({"--era", era_name, "--program", SLOWPATH_KILLED_PROGRAM,
                                "--commands", focus + "; reset"},
                               true, "", "_start_" + era_name);
        ASSERT_EQ(start.status, 0) << start.err;
        EXPECT_EQ(start.state["step"], kill.entry_step);
        EXPECT_EQ(start.state["decision_banner"]["kind"], "undecided")
            << start.state["decision_banner"];
    }
    // Both columns of the compare view say it too.
    AppRun cmp = run_app(
        {"--compare", "v3.13,modern", "--program", SLOWPATH_KILLED_PROGRAM, "--commands", "end"},
        true, "", "_compare");
    ASSERT_EQ(cmp.status, 0) << cmp.err;
    ASSERT_TRUE(cmp.state["compare_panes"].is_array()) << cmp.state.dump().substr(0, 400);
    ASSERT_EQ(cmp.state["compare_panes"].size(), 1u);  // the partner of the main pane
    EXPECT_EQ(cmp.state["decision_banner"]["kind"], "no-exit") << cmp.state["decision_banner"];
    for (const json& pane : cmp.state["compare_panes"])
        EXPECT_EQ(pane["decision_banner"]["kind"], "no-exit") << pane["decision_banner"];
}

// The compare view's era table says the task was killed: the run column
// names the signal and the syscall. The rows describe the syscall the
// columns show: at the end of the run that is the kill, whose exit reads
// "killed" and its return "never" (it never returned), not the record's
// unset exit and return value; at the focus's decision, the focus.
TEST(GuiApp, EraTableSaysTheTaskWasKilled) {
    Scenario sc;
    sc.user_program = SLOWPATH_KILLED_PROGRAM;
    Session machine(sc);
    const Trace& t = machine.trace();
    ASSERT_EQ(t.killed_by, 15u) << t.outcome_detail;  // SIGTERM
    int kill_nr = -1;
    for (size_t k = 0; k < t.syscalls.size(); k++)
        if (t.syscalls[k].name.str() == "kill") kill_nr = static_cast<int>(k);
    ASSERT_GE(kill_nr, 0);
    ASSERT_NE(t.focus, kill_nr);  // the program's first syscall is the focus by default
    const SyscallRecord& focus_record = t.syscalls[static_cast<size_t>(t.focus)];
    ASSERT_TRUE(focus_record.exit != ExitKind::None);

    auto rows = [](const AppRun& r) {
        std::vector<json> out{r.state["era_summary"]};
        for (const json& pane : r.state["compare_panes"]) out.push_back(pane["era_summary"]);
        return out;
    };
    AppRun end = run_app(
        {"--compare", "v3.13,modern", "--program", SLOWPATH_KILLED_PROGRAM, "--commands", "end"},
        true, "", "_table");
    ASSERT_EQ(end.status, 0) << end.err;
    ASSERT_EQ(end.state["compare_panes"].size(), 1u);
    EXPECT_EQ(end.state["shown_syscall"], kill_nr);
    for (const json& row : rows(end)) {
        EXPECT_EQ(row["run"], "killed by SIGTERM in kill") << row;
        EXPECT_EQ(row["syscall"], kill_nr) << row;
        EXPECT_EQ(row["name"], "kill") << row;
        EXPECT_EQ(row["exit"], "killed") << row;
        EXPECT_EQ(row["returns"], "never") << row;
    }
    // The columns stand in a role of the kill (their route has chips), not
    // past the focus with nothing to show.
    EXPECT_FALSE(end.state["role"].is_null()) << end.state["role"];
    for (const json& pane : end.state["compare_panes"]) {
        EXPECT_EQ(pane["shown_syscall"], kill_nr);
        EXPECT_FALSE(pane["role"].is_null()) << pane["scenario"]["era"];
    }

    AppRun at_focus = run_app({"--compare", "v3.13,modern", "--program", SLOWPATH_KILLED_PROGRAM,
                               "--commands", "decision"},
                              true, "", "_table_at_focus");
    ASSERT_EQ(at_focus.status, 0) << at_focus.err;
    for (const json& row : rows(at_focus)) {
        EXPECT_EQ(row["syscall"], t.focus) << row;
        EXPECT_EQ(row["name"], focus_record.name.str()) << row;
        EXPECT_NE(row["exit"], "killed") << row;  // the focus syscall itself returned
        EXPECT_EQ(row["returns"], std::to_string(focus_record.ret)) << row;
    }

    std::string focus = "focus " + std::to_string(kill_nr);
    AppRun killed = run_app({"--compare", "v3.13,modern", "--program", SLOWPATH_KILLED_PROGRAM,
                             "--commands", focus + "; end"},
                            true, "", "_table_focus");
    ASSERT_EQ(killed.status, 0) << killed.err;
    EXPECT_EQ(killed.state["focus_syscall"], kill_nr);
    ASSERT_EQ(killed.state["compare_panes"].size(), 1u);
    for (const json& row : rows(killed)) {
        EXPECT_EQ(row["exit"], "killed") << row;
        EXPECT_EQ(row["returns"], "never") << row;
        EXPECT_EQ(row["run"], "killed by SIGTERM in kill") << row;
        EXPECT_TRUE(row["instructions"].is_number()) << row;
    }
    expect_real_screenshot(killed);
}
#endif
