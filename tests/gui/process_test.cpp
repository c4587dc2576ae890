// A user's program in the window: opened by `program PATH` or `open PATH`
// (what a dropped ELF does), its syscall list picked from with real mouse
// clicks (xdotool under Xvfb), and its task list after a fork. What the
// window says it shows is checked against a headless Session of the same
// program.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "live_app.h"
#include "slowpath/session.h"
#include "slowpath/tasks.h"

using nlohmann::json;
using namespace slowpath;
using gui_test::LiveApp;

namespace {

const std::string kForkProgram = SLOWPATH_FORK_PROGRAM;

Scenario fork_scenario() {
    Scenario s;
    s.user_program = kForkProgram;
    return s;
}

uint64_t step_of(const json& s) {
    return s["step"].get<uint64_t>();
}

json window(const json& state, const std::string& part) {
    for (const json& w : state["ui"]["windows"])
        if (w["name"].get<std::string>().find(part) != std::string::npos) return w;
    return nullptr;
}

int first_fork(const Trace& t) {
    for (size_t k = 0; k < t.syscalls.size(); k++)
        if ((t.syscalls[k].name == "fork" || t.syscalls[k].name == "clone") &&
            t.syscalls[k].has_ret && t.syscalls[k].ret > 0)
            return static_cast<int>(k);
    return -1;
}

bool loaded(const json& d) {
    return d["scenario"]["program"] == kForkProgram && d["error"].is_null() &&
           d["syscall_count"].get<size_t>() > 0;
}

}  // namespace

// A click on a row of the syscall list shows that syscall: the window goes
// to its SYSCALL instruction and says which one it shows, as the machine has it.
TEST(GuiProcess, ClickOnASyscallRowShowsThatSyscall) {
    Session machine(fork_scenario());
    const Trace& t = machine.trace();
    ASSERT_GT(t.syscalls.size(), 8u);
    LiveApp app({"--commands", "program " + kForkProgram});
    ASSERT_TRUE(app.ready()) << app.error();
    json s = app.wait_for(loaded, 10.0);
    ASSERT_TRUE(loaded(s)) << s["status"] << s["error"];
    EXPECT_EQ(s["syscall_count"].get<size_t>(), t.syscalls.size());
    s = app.settle();
    app.click(s, "tab:syscalls");
    s = app.wait_for([](const json& d) { return d["ui"]["tabs"]["lists"] == "syscalls"; });
    ASSERT_EQ(s["ui"]["tabs"]["lists"], "syscalls");
    s = app.settle();

    // A row wholly inside the list, of another syscall than the one shown.
    json list = window(s, "##syscalls");
    ASSERT_TRUE(list.is_object()) << s["ui"]["windows"];
    double top = list["rect"][1].get<double>(), bottom = top + list["rect"][3].get<double>();
    int shown = s["shown_syscall"].get<int>();
    int target = -1;
    std::string row;
    for (const auto& [name, it] : s["ui"]["items"].items()) {
        if (name.rfind("syscall-row:", 0) != 0) continue;
        const json& r = it["rect"];
        int k = std::stoi(name.substr(name.rfind(':') + 1));
        if (r[1].get<double>() >= top + r[3].get<double>() &&
            r[1].get<double>() + r[3].get<double>() <= bottom && k != shown && k > target) {
            row = name;
            target = k;
        }
    }
    ASSERT_GE(target, 0) << "no whole syscall row in the list";
    app.click(s, row);
    s = app.wait_for([&](const json& d) { return d["shown_syscall"] == target; });
    ASSERT_EQ(s["shown_syscall"], target) << "a click on " << row;
    const SyscallRecord& r = t.syscalls[static_cast<size_t>(target)];
    EXPECT_EQ(step_of(s), r.entry_step);
    EXPECT_EQ(s["rip"].get<uint64_t>(), r.user_rip);
    EXPECT_EQ(s["shown_syscall_record"]["name"], r.name);
    EXPECT_EQ(s["shown_syscall_record"]["nr"], r.nr);
    EXPECT_EQ(s["shown_syscall_record"]["exit"], std::string(exit_kind_name(r.exit)));
    json q = app.quit();
    ASSERT_TRUE(q.is_object());
    EXPECT_EQ(q["shown_syscall"], target);
    EXPECT_EQ(step_of(q), r.entry_step);
}

// Once the parent is back from fork, the task list holds it and the child
// (and the kworker), with the pid fork returned; the parent runs.
TEST(GuiProcess, TaskListShowsTheChildAfterAFork) {
    Session machine(fork_scenario());
    int fork = first_fork(machine.trace());
    ASSERT_GE(fork, 0);
    const SyscallRecord& r = machine.trace().syscalls[static_cast<size_t>(fork)];
    const int child = static_cast<int>(r.ret);
    // `open` takes the ELF as a dropped file does.
    LiveApp app({"--commands", "open " + kForkProgram + "; seek " + std::to_string(r.return_step)});
    ASSERT_TRUE(app.ready()) << app.error();
    json s =
        app.wait_for([&](const json& d) { return loaded(d) && step_of(d) == r.return_step; }, 10.0);
    ASSERT_EQ(step_of(s), r.return_step) << s["status"];
    s = app.settle();
    app.click(s, "tab:tasks");
    s = app.wait_for([](const json& d) { return d["ui"]["tabs"]["lists"] == "tasks"; });
    ASSERT_EQ(s["ui"]["tabs"]["lists"], "tasks");
    s = app.settle();

    machine.seek(r.return_step);
    TaskListView want = decode_tasks(machine.machine());
    std::vector<int> user_pids;
    for (const json& task : s["tasks"])
        if (!task["kernel_thread"].get<bool>()) user_pids.push_back(task["pid"].get<int>());
    EXPECT_EQ(user_pids, (std::vector<int>{1, child}));
    ASSERT_EQ(s["tasks"].size(), want.tasks.size());
    EXPECT_EQ(s["current_pid"], 1);
    for (size_t i = 0; i < want.tasks.size(); i++) {
        EXPECT_EQ(s["tasks"][i]["pid"], want.tasks[i].pid);
        EXPECT_EQ(s["tasks"][i]["state"], std::string(task_state_name(want.tasks[i].state)));
    }
    // Both user tasks are rows the panel drew.
    for (int pid : {1, child})
        EXPECT_TRUE(s["ui"]["items"].contains("task-row:" + std::to_string(pid))) << pid;
    json q = app.quit();
    ASSERT_TRUE(q.is_object());
    EXPECT_EQ(q["tasks"].size(), want.tasks.size());
}

// `slowpath --program PROG --args ...` opens on the program, as the CLI runs it.
TEST(GuiProcess, ProgramOptionOpensOnTheProgram) {
    Scenario sc = fork_scenario();
    sc.user_args = {"x", "y"};
    Session machine(sc);
    LiveApp app({"--program", kForkProgram, "--args", "x", "y"});
    ASSERT_TRUE(app.ready()) << app.error();
    json s = app.wait_for(loaded, 10.0);
    ASSERT_TRUE(loaded(s)) << s["status"] << s["error"];
    EXPECT_EQ(s["scenario"]["args"], json::array({"x", "y"}));
    EXPECT_EQ(s["syscall_count"].get<size_t>(), machine.trace().syscalls.size());
    EXPECT_EQ(s["last_step"].get<uint64_t>(), machine.last_step());
}

// A path that is not a file is one line naming it, and a failed script's
// status, not a crash.
TEST(GuiProcess, AProgramThatCannotBeReadIsOneLine) {
    std::string err = testing::TempDir() + "gui_process_bad_program.txt";
    std::string cmd = std::string(XVFB_RUN) + " -a -s '-screen 0 1280x800x24' " +
                      gui_test::quote(SLOWPATH_APP) +
                      " --no-settings --frames 5 --commands 'program /no/such/program' "
                      ">/dev/null 2>" +
                      gui_test::quote(err);
    int st = std::system(cmd.c_str());
    std::string text = gui_test::read_text(err);
    ASSERT_TRUE(WIFEXITED(st)) << text;
    EXPECT_NE(WEXITSTATUS(st), 0) << text;
    EXPECT_NE(text.find("/no/such/program: cannot read"), std::string::npos) << text;
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;

    std::string option =
        std::string(XVFB_RUN) + " -a -s '-screen 0 1280x800x24' " + gui_test::quote(SLOWPATH_APP) +
        " --no-settings --frames 5 --program /no/such/program >/dev/null 2>" + gui_test::quote(err);
    st = std::system(option.c_str());
    text = gui_test::read_text(err);
    ASSERT_TRUE(WIFEXITED(st)) << text;
    EXPECT_EQ(WEXITSTATUS(st), 2) << text;
    EXPECT_NE(text.find("/no/such/program: cannot read"), std::string::npos) << text;
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
}
