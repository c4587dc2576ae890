// A user's program in the window: opened by `program PATH` or `open PATH`
// (what a dropped ELF does), its syscall list picked from with real mouse
// clicks (xdotool under Xvfb), and its task list after a fork. What the
// window says it shows is checked against a headless Session of the same
// program.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../trace_queries.h"
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

using test_queries::first_fork;

// A row of the syscall list wholly inside it, not `avoid`, for which `ok`
// holds; "" when none is.
std::string visible_syscall_row(const json& s, int avoid, const std::function<bool(int)>& ok,
                                int* index) {
    json list = window(s, "##syscalls");
    if (!list.is_object()) return "";
    double top = list["rect"][1].get<double>(), bottom = top + list["rect"][3].get<double>();
    std::string row;
    *index = -1;
    for (const auto& [name, it] : s["ui"]["items"].items()) {
        if (name.rfind("syscall-row:", 0) != 0) continue;
        const json& r = it["rect"];
        int k = std::stoi(name.substr(name.rfind(':') + 1));
        if (r[1].get<double>() >= top + r[3].get<double>() &&
            r[1].get<double>() + r[3].get<double>() <= bottom && k != avoid && ok(k) &&
            k > *index) {
            row = name;
            *index = k;
        }
    }
    return row;
}

// Loaded and recorded to its end (the app records a long run in the
// background, and these tests compare the whole run).
bool loaded(const json& d) {
    return d["scenario"]["program"] == kForkProgram && d["error"].is_null() &&
           d["syscall_count"].get<size_t>() > 0 && !d["recording"].get<bool>();
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
    int target = -1;
    std::string row = visible_syscall_row(
        s, s["shown_syscall"].get<int>(), [](int) { return true; }, &target);
    ASSERT_GE(target, 0) << "no whole syscall row in the list";
    app.click(s, row);
    s = app.wait_for([&](const json& d) { return d["shown_syscall"] == target; });
    ASSERT_EQ(s["shown_syscall"], target) << "a click on " << row;
    const SyscallRecord& r = t.syscalls[static_cast<size_t>(target)];
    EXPECT_EQ(step_of(s), r.entry_step);
    EXPECT_EQ(s["rip"].get<uint64_t>(), r.user_rip);
    EXPECT_EQ(s["shown_syscall_record"]["name"], r.name.str());
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
    std::string cmd = std::string(XVFB_RUN) + " -s '-screen 0 1280x800x24' " +
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
        std::string(XVFB_RUN) + " -s '-screen 0 1280x800x24' " + gui_test::quote(SLOWPATH_APP) +
        " --no-settings --frames 5 --program /no/such/program >/dev/null 2>" + gui_test::quote(err);
    st = std::system(option.c_str());
    text = gui_test::read_text(err);
    ASSERT_TRUE(WIFEXITED(st)) << text;
    EXPECT_EQ(WEXITSTATUS(st), 2) << text;
    EXPECT_NE(text.find("/no/such/program: cannot read"), std::string::npos) << text;
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
}

// Presenter mode has the syscall and task lists on tabs beside the flags:
// both are reached by a click, and a row of the syscall list picks it.
TEST(GuiProcess, PresenterModeReachesTheSyscallAndTaskLists) {
    Session machine(fork_scenario());
    LiveApp app({"--presenter", "--commands", "program " + kForkProgram}, "1280x720");
    ASSERT_TRUE(app.ready()) << app.error();
    json s = app.wait_for(loaded, 10.0);
    ASSERT_TRUE(loaded(s)) << s["status"] << s["error"];
    s = app.settle();
    ASSERT_TRUE(s["ui"]["presenter"].get<bool>());
    app.click(s, "tab:syscalls");
    s = app.wait_for([](const json& d) { return d["ui"]["tabs"]["flags"] == "syscalls"; });
    ASSERT_EQ(s["ui"]["tabs"]["flags"], "syscalls") << s["ui"]["tabs"];
    s = app.settle();
    int target = -1;
    std::string row = visible_syscall_row(
        s, s["shown_syscall"].get<int>(), [](int) { return true; }, &target);
    ASSERT_FALSE(row.empty()) << "no whole syscall row in the presenter's list";
    app.click(s, row);
    s = app.wait_for([&](const json& d) { return d["shown_syscall"] == target; }, 10.0);
    ASSERT_EQ(s["shown_syscall"], target);
    EXPECT_EQ(s["shown_syscall_record"]["name"],
              machine.trace().syscalls[static_cast<size_t>(target)].name.str());
    s = app.settle();
    app.click(s, "tab:tasks");
    s = app.wait_for([](const json& d) { return d["ui"]["tabs"]["flags"] == "tasks"; });
    ASSERT_EQ(s["ui"]["tabs"]["flags"], "tasks");
    s = app.settle();
    EXPECT_TRUE(s["ui"]["items"].contains("task-row:1")) << s["ui"]["items"].dump();
    // And back to the flags.
    app.click(s, "tab:tif");
    s = app.wait_for([](const json& d) { return d["ui"]["tabs"]["flags"] == "tif"; });
    EXPECT_EQ(s["ui"]["tabs"]["flags"], "tif");
    EXPECT_TRUE(app.quit().is_object());
}

// A syscall picked in the list becomes the focus: a flag chip clicked then
// injects at that syscall's exit, and it leaves by IRET as a headless run
// with that focus and that injection does.
TEST(GuiProcess, InjectionsFollowTheSyscallPickedInTheList) {
    Session plain(fork_scenario());
    const Trace& t = plain.trace();
    LiveApp app({"--commands", "program " + kForkProgram});
    ASSERT_TRUE(app.ready()) << app.error();
    json s = app.wait_for(loaded, 10.0);
    ASSERT_TRUE(loaded(s)) << s["status"] << s["error"];
    const int first_focus = s["focus_syscall"].get<int>();
    s = app.settle();
    app.click(s, "tab:syscalls");
    s = app.wait_for([](const json& d) { return d["ui"]["tabs"]["lists"] == "syscalls"; });
    s = app.settle();
    int target = -1;
    std::string row = visible_syscall_row(
        s, first_focus,
        [&](int k) {
            const SyscallRecord& r = t.syscalls[static_cast<size_t>(k)];
            return r.exit == ExitKind::Sysret && r.name != "exit_group";
        },
        &target);
    ASSERT_FALSE(row.empty()) << "no whole SYSRET row in the list";
    app.click(s, row);
    s = app.wait_for(
        [&](const json& d) { return d["focus_syscall"] == target && d["shown_syscall"] == target; },
        10.0);
    ASSERT_EQ(s["focus_syscall"], target) << s["status"];
    EXPECT_EQ(s["scenario"]["focus_index"], target);
    EXPECT_TRUE(s["shown_syscall_record"]["focus"].get<bool>());
    EXPECT_EQ(s["shown_syscall_record"]["exit"], "sysret");
    s = app.settle();
    app.click(s, "chip:NOTIFY_RESUME");
    s = app.wait_for(
        [](const json& d) {
            return d["scenario"]["injections"] == json::array({"NOTIFY_RESUME@exit"});
        },
        10.0);
    ASSERT_EQ(s["scenario"]["injections"], json::array({"NOTIFY_RESUME@exit"}));
    s = app.settle();

    Scenario sc = fork_scenario();
    sc.focus_index = target;
    sc.injections.push_back(parse_injection("NOTIFY_RESUME@exit"));
    Session want(sc);
    const SyscallRecord& r = want.trace().syscalls.at(static_cast<size_t>(target));
    ASSERT_EQ(r.exit, ExitKind::Iret);
    EXPECT_EQ(s["focus_syscall"], target);
    EXPECT_EQ(s["shown_syscall"], target);
    EXPECT_EQ(s["shown_syscall_record"]["exit"], "iret");
    EXPECT_EQ(s["syscall_count"].get<size_t>(), want.trace().syscalls.size());
    EXPECT_EQ(s["last_step"].get<uint64_t>(), want.last_step());
    EXPECT_TRUE(app.quit().is_object());
}

// The Open program chooser under real input: the Program... button, a
// folder typed, a program whose name has a space picked with a click, its
// arguments typed, Open; then a text file (said in the chooser, nothing
// runs) and an ELF with a broken body (the window's error, never a crash).
TEST(GuiProcess, TheProgramChooserOpensAProgramWithItsArguments) {
    namespace fs = std::filesystem;
    fs::path dir = fs::path(testing::TempDir()) / ("chooser " + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "a folder");
    fs::copy_file(kForkProgram, dir / "my prog");
    std::ofstream(dir / "notes.txt") << "not a program\n";
    {
        // A valid x86-64 ELF header over nothing: the loader must refuse it.
        std::string head = gui_test::read_text(kForkProgram).substr(0, 64);
        std::ofstream(dir / "broken", std::ios::binary) << head << std::string(200, '\xff');
    }
    const std::string prog = (dir / "my prog").string();
    Scenario sc = fork_scenario();
    sc.user_program = prog;
    sc.user_args = {"one", "two words"};
    Session machine(sc);

    LiveApp app({});
    ASSERT_TRUE(app.ready()) << app.error();
    json s = app.settle();
    app.click(s, "button:program-browse");
    s = app.wait_for([](const json& d) { return d["program_browser"]["open"].get<bool>(); });
    ASSERT_TRUE(s["program_browser"]["open"].get<bool>());
    s = app.settle();
    // The folder, typed over what the field holds.
    app.click(s, "browse-dir");
    app.xdo("key ctrl+a");
    app.xdo("type --delay 5 " + gui_test::quote(dir.string()));
    app.xdo("key Return");
    s = app.wait_for([&](const json& d) { return d["program_browser"]["dir"] == dir.string(); });
    ASSERT_EQ(s["program_browser"]["dir"], dir.string()) << s["program_browser"];
    std::vector<std::string> names;
    for (const json& e : s["program_browser"]["entries"]) names.push_back(e["name"]);
    EXPECT_EQ(names, (std::vector<std::string>{"a folder", "broken", "my prog", "notes.txt"}));
    s = app.settle();
    app.click(s, "browse-row:my prog");
    s = app.wait_for([](const json& d) { return d["program_browser"]["selected"] == "my prog"; });
    ASSERT_EQ(s["program_browser"]["selected"], "my prog");
    app.click(s, "browse-args");
    app.xdo("type --delay 5 " + gui_test::quote("one 'two words'"));
    s = app.wait_for(
        [](const json& d) { return d["program_browser"]["args"] == "one 'two words'"; });
    s = app.settle();
    app.click(s, "button:program-browse-open");
    s = app.wait_for(
        [&](const json& d) {
            return d["scenario"]["program"] == prog && !d["recording"].get<bool>();
        },
        15.0);
    ASSERT_EQ(s["scenario"]["program"], prog) << s["status"];
    EXPECT_EQ(s["scenario"]["args"], json::array({"one", "two words"}));
    EXPECT_FALSE(s["program_browser"]["open"].get<bool>());
    EXPECT_TRUE(s["error"].is_null()) << s["error"];
    EXPECT_EQ(s["syscall_count"].get<size_t>(), machine.trace().syscalls.size());
    EXPECT_EQ(s["last_step"].get<uint64_t>(), machine.last_step());

    // A text file: the chooser says so and stays open; nothing is run.
    s = app.settle();
    app.click(s, "button:program-browse");
    s = app.wait_for([](const json& d) { return d["program_browser"]["open"].get<bool>(); });
    EXPECT_EQ(s["program_browser"]["dir"], dir.string());  // the shown program's folder
    s = app.settle();
    app.click(s, "browse-row:notes.txt");
    s = app.wait_for([](const json& d) { return d["program_browser"]["selected"] == "notes.txt"; });
    s = app.settle();
    app.click(s, "button:program-browse-open");
    s = app.wait_for([](const json& d) {
        return d["program_browser"]["message"].get<std::string>().find("not an ELF") !=
               std::string::npos;
    });
    EXPECT_NE(s["program_browser"]["message"].get<std::string>().find("not an ELF"),
              std::string::npos)
        << s["program_browser"];
    EXPECT_TRUE(s["program_browser"]["open"].get<bool>());
    EXPECT_EQ(s["scenario"]["program"], prog);

    // An ELF the loader refuses: the window says why and keeps running.
    s = app.settle();
    app.click(s, "browse-row:broken");
    s = app.wait_for([](const json& d) { return d["program_browser"]["selected"] == "broken"; });
    s = app.settle();
    app.click(s, "button:program-browse-open");
    const std::string broken = (dir / "broken").string();
    s = app.wait_for(
        [&](const json& d) { return d["scenario"]["program"] == broken && !d["error"].is_null(); },
        15.0);
    ASSERT_EQ(s["scenario"]["program"], broken) << s["status"];
    ASSERT_FALSE(s["error"].is_null());
    EXPECT_NE(s["error"].get<std::string>().find("broken"), std::string::npos) << s["error"];
    s = app.settle();  // still drawing frames
    EXPECT_TRUE(s.is_object());
    int status = -1;
    EXPECT_TRUE(app.quit(&status).is_object());
    EXPECT_EQ(status, 0);
    fs::remove_all(dir);
}

// A syscall the guest does not implement answers -ENOSYS, and the trace
// flags it: the list's row picked with a click shows a record saying so.
TEST(GuiProcess, AnUnimplementedSyscallIsFlaggedInTheList) {
    Scenario sc;
    sc.user_program = SLOWPATH_ENOSYS_PROGRAM;
    Session machine(sc);
    const Trace& t = machine.trace();
    std::vector<int> flagged;
    for (size_t k = 0; k < t.syscalls.size(); k++)
        if (t.syscalls[k].unimplemented) flagged.push_back(static_cast<int>(k));
    ASSERT_EQ(flagged.size(), 2u);  // acct and syscall 500
    for (int k : flagged) EXPECT_EQ(t.syscalls[static_cast<size_t>(k)].ret, -38);

    // Presenter mode: the list has the flags' tall slot, every row in view.
    LiveApp app({"--presenter", "--program", SLOWPATH_ENOSYS_PROGRAM});
    ASSERT_TRUE(app.ready()) << app.error();
    json s = app.wait_for([](const json& d) { return d["syscall_count"].is_number(); }, 10.0);
    ASSERT_EQ(s["syscall_count"].get<size_t>(), t.syscalls.size()) << s["error"];
    s = app.settle();
    app.click(s, "tab:syscalls");
    s = app.wait_for([](const json& d) { return d["ui"]["tabs"]["flags"] == "syscalls"; });
    s = app.settle();
    for (int k : flagged) {
        std::string row = "syscall-row:" + std::to_string(k);
        app.click(s, row);
        s = app.wait_for([&](const json& d) { return d["shown_syscall"] == k; }, 10.0);
        ASSERT_EQ(s["shown_syscall"], k) << row;
        EXPECT_TRUE(s["shown_syscall_record"]["unimplemented"].get<bool>()) << row;
        EXPECT_EQ(s["shown_syscall_record"]["ret"], -38);
        EXPECT_EQ(s["shown_syscall_record"]["name"], t.syscalls[static_cast<size_t>(k)].name.str());
        s = app.settle();
    }
    // And a syscall it implements is not flagged.
    app.click(s, "syscall-row:0");
    s = app.wait_for([](const json& d) { return d["shown_syscall"] == 0; }, 10.0);
    EXPECT_FALSE(s["shown_syscall_record"]["unimplemented"].get<bool>());
    EXPECT_TRUE(app.quit().is_object());
}
