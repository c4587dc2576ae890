// The desktop app as a user drives it, checked against the emulator.
//
// Each test starts the real `slowpath` under Xvfb with --commands (the same
// command language its buttons and keys use) and --dump-state, then drives a
// headless Session the same way and compares what the panels showed with
// what the machine says: the step, rip, label, pt_regs slots and their
// states, TIF flags, the route, the decision and the console. Screenshots
// are checked to be real pictures of the whole window.
#include <gtest/gtest.h>
#include <stb_image.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app_run.h"
#include "model/tour.h"
#include "slowpath/era.h"
#include "slowpath/session.h"
#include "slowpath/tif.h"
#include "slowpath/walkthrough.h"
#include "test_shell.h"
#include "tour_pages.h"

using nlohmann::json;
using namespace slowpath;
using gui_test::AppRun;
using gui_test::expect_real_screenshot;
using gui_test::quote;
using gui_test::run_app;
using gui_test::test_name;

namespace {

int count_lines(const std::string& s) {
    int n = 0;
    for (char c : s) n += c == '\n';
    return n;
}

// ---- the same views, read straight from a headless Session ----

std::string last_label(const Session& s) {
    const Trace& t = s.trace();
    std::string label;
    for (const Event& e : t.events) {
        if (e.step > s.step()) break;
        if (e.kind == EventKind::Label) label = e.name;
    }
    return label;
}

int shown_syscall(const Session& s) {
    int running = s.current_syscall();
    if (running >= 0) return running;
    int shown = -1;
    const Trace& t = s.trace();
    for (size_t i = 0; i < t.syscalls.size() && t.syscalls[i].entry_step <= s.step(); i++)
        shown = static_cast<int>(i);
    return shown;
}

std::vector<std::string> route(const Session& s) {
    std::vector<std::string> out;
    int sc = shown_syscall(s);
    if (sc < 0) return out;
    const Trace& t = s.trace();
    const SyscallRecord& r = t.syscalls[sc];
    for (size_t i = r.first_event; i < r.end_event && i < t.events.size(); i++) {
        const Event& e = t.events[i];
        if (e.step > s.step()) break;
        if (e.kind == EventKind::Label || e.kind == EventKind::Call) out.push_back(e.name);
    }
    return out;
}

std::optional<Event> decision(const Session& s) {
    int sc = shown_syscall(s);
    if (sc < 0) return std::nullopt;
    const Trace& t = s.trace();
    const SyscallRecord& r = t.syscalls[sc];
    std::optional<Event> found;
    for (size_t i = r.first_event; i < r.end_event && i < t.events.size(); i++)
        if (t.events[i].step <= s.step() && t.events[i].kind == EventKind::Decision)
            found = t.events[i];
    return found;
}

uint64_t focus_entry(const Session& s) {
    const Trace& t = s.trace();
    return t.focus >= 0 ? t.syscalls[t.focus].entry_step : 0;
}

// Everything the dump must agree with the machine on.
void expect_matches(const json& d, const Session& s, const std::string& context) {
    SCOPED_TRACE(context);
    ASSERT_TRUE(d.is_object());
    ASSERT_TRUE(d["error"].is_null()) << d["error"];
    EXPECT_EQ(d["step"].get<uint64_t>(), s.step());
    EXPECT_EQ(d["last_step"].get<uint64_t>(), s.last_step());
    CpuState cpu = s.machine().cpu();
    EXPECT_EQ(d["rip"].get<uint64_t>(), cpu.rip);
    EXPECT_EQ(d["cpl"].get<int>(), cpu.cpl);
    EXPECT_EQ(d["where"].get<std::string>(), s.where());
    EXPECT_EQ(d["label"].get<std::string>(), last_label(s));
    for (int i = 0; i < GPR_COUNT; i++)
        EXPECT_EQ(d["registers"][std::string(gpr_name(i))].get<uint64_t>(), cpu.gpr[i])
            << gpr_name(i);
    EXPECT_EQ(d["registers"]["gs_base"].get<uint64_t>(), cpu.gs_base);
    EXPECT_EQ(d["registers"]["kernel_gs_base"].get<uint64_t>(), cpu.kernel_gs_base);

    PtRegsView regs = s.pt_regs();
    EXPECT_EQ(d["pt_regs"]["present"].get<bool>(), regs.present);
    if (regs.present) {
        EXPECT_EQ(d["pt_regs"]["base"].get<uint64_t>(), regs.base);
        const json& slots = d["pt_regs"]["slots"];
        ASSERT_EQ(slots.size(), regs.slots.size());
        for (size_t i = 0; i < regs.slots.size(); i++) {
            EXPECT_EQ(slots[i]["name"].get<std::string>(), std::string(regs.slots[i].name));
            EXPECT_EQ(slots[i]["value"].get<uint64_t>(), regs.slots[i].value) << regs.slots[i].name;
            EXPECT_EQ(slots[i]["state"].get<std::string>(),
                      std::string(slot_state_name(regs.slots[i].state)))
                << regs.slots[i].name;
        }
    }
    TifView tif = s.tif();
    EXPECT_EQ(d["tif"]["flags"].get<uint32_t>(), tif.flags);
    std::vector<std::string> set;
    for (const auto& b : tif.bits)
        if (b.set) set.push_back(std::string(b.name));
    EXPECT_EQ(d["tif"]["set"].get<std::vector<std::string>>(), set);

    KernelStackView stack = s.kernel_stack();
    EXPECT_EQ(d["kernel_stack"]["rsp"].get<uint64_t>(), stack.rsp);
    EXPECT_EQ(d["kernel_stack"]["words"].size(), stack.words.size());

    EXPECT_EQ(d["path"].get<std::vector<std::string>>(), route(s));
    std::optional<Event> dec = decision(s);
    if (dec) {
        ASSERT_TRUE(d["decision"].is_object());
        EXPECT_EQ(d["decision"]["exit"].get<std::string>(), dec->a[0] == 1 ? "sysret" : "iret");
        EXPECT_EQ(d["decision"]["why"].get<std::string>(), dec->text());
    } else {
        EXPECT_TRUE(d["decision"].is_null());
    }
    EXPECT_EQ(d["console"].get<std::string>(), s.console());
}

std::set<std::string> drawn_panels(const json& d) {
    std::set<std::string> ids;
    for (const json& p : d["ui"]["panels"]) ids.insert(p["id"].get<std::string>());
    return ids;
}

Scenario scenario(Era era, std::vector<std::string> injections = {}) {
    Scenario s;
    s.era = era;
    for (const std::string& text : injections) s.injections.push_back(parse_injection(text));
    return s;
}

}  // namespace

TEST(GuiApp, OpensOnTheFocusSyscallWithEveryPanel) {
    AppRun r = run_app({});
    ASSERT_EQ(r.status, 0) << r.err;
    Session s(Scenario{});
    s.seek(focus_entry(s));
    expect_matches(r.state, s, "opening state");
    // Ready to step: at the demo's SYSCALL, in ring 3.
    EXPECT_EQ(r.state["rip"].get<uint64_t>(), s.trace().syscalls[s.trace().focus].user_rip);
    EXPECT_EQ(r.state["cpl"].get<int>(), 3);
    std::set<std::string> panels = drawn_panels(r.state);
    for (const char* id :
         {"controls", "path", "tif", "code", "stack", "regs", "events", "user", "status"})
        EXPECT_TRUE(panels.count(id)) << id << " was not drawn";
    EXPECT_TRUE(r.state["ui"]["fonts_bundled"].get<bool>());
    expect_real_screenshot(r);
}

TEST(GuiApp, StepInjectBackAndNextLabelMatchTheMachine) {
    AppRun r = run_app({"--commands", "step 5; inject SIGPENDING now; back 2; next-label"});
    ASSERT_EQ(r.status, 0) << r.err;
    Session s(Scenario{});
    s.seek(focus_entry(s));
    s.step_forward(5);
    uint64_t here = s.step();
    s.inject_now(*parse_tif("SIGPENDING"));
    s.seek(here);  // the app stays where the flag was injected
    s.step_back(2);
    s.next_label();
    expect_matches(r.state, s, "step 5; inject SIGPENDING now; back 2; next-label");
    expect_real_screenshot(r);
}

TEST(GuiApp, FlagToggleRunsTheScenarioAgain) {
    // The chip (and key 1) toggles SIGPENDING at exit; the decision is iret in v3.13.
    AppRun r = run_app({"--commands", "toggle-flag SIGPENDING; decision"});
    ASSERT_EQ(r.status, 0) << r.err;
    Session s(scenario(Era::V3_13, {"SIGPENDING@exit"}));
    s.seek(focus_entry(s));
    s.run_to_decision();
    expect_matches(r.state, s, "toggle-flag SIGPENDING; decision");
    EXPECT_EQ(r.state["scenario"]["injections"], json::array({"SIGPENDING@exit"}));
    ASSERT_TRUE(r.state["decision"].is_object());
    EXPECT_EQ(r.state["decision"]["exit"], "iret");
    // The lit route on the graph follows the trace's labels.
    std::vector<std::string> lit = r.state["graph"]["lit"].get<std::vector<std::string>>();
    ASSERT_FALSE(lit.empty());
    EXPECT_EQ(lit.front(), "system_call");
}

TEST(GuiApp, SeekBackAndTimelineMoves) {
    AppRun r = run_app({"--commands", "end; reset; ring3; seek 12; step 3; back 1"});
    ASSERT_EQ(r.status, 0) << r.err;
    Session s(Scenario{});
    s.seek(12);
    s.step_forward(3);
    s.step_back(1);
    expect_matches(r.state, s, "end; reset; ring3; seek 12; step 3; back 1");
}

TEST(GuiApp, KeyboardShortcutsDriveTheSameMoves) {
    // Right steps, Shift+N goes back a label, Home resets, 1 toggles SIGPENDING, F1 opens help.
    AppRun r = run_app(
        {"--commands", "press Right; press Right; press N; press shift+N; press D; press F1"});
    ASSERT_EQ(r.status, 0) << r.err;
    Session s(Scenario{});
    s.seek(focus_entry(s));
    s.step_forward(2);
    s.next_label();
    s.prev_label();
    s.run_to_decision();
    expect_matches(r.state, s, "keys Right Right N Shift+N D");
    EXPECT_TRUE(r.state["ui"]["help_open"].get<bool>());
    EXPECT_TRUE(drawn_panels(r.state).count("help"));

    AppRun flag = run_app({"--commands", "press 1; press D"}, true, "", "_flag");
    ASSERT_EQ(flag.status, 0) << flag.err;
    EXPECT_EQ(flag.state["scenario"]["injections"], json::array({"SIGPENDING@exit"}));
    ASSERT_TRUE(flag.state["decision"].is_object());
    EXPECT_EQ(flag.state["decision"]["exit"], "iret");
}

// Every injectable flag, both eras: the panels agree with the machine at the decision.
class GuiFlags : public testing::TestWithParam<const char*> {};

TEST_P(GuiFlags, DecisionMatchesInBothEras) {
    for (Era era : {Era::V3_13, Era::Rfc}) {
        std::string era_name(era_info(era).name);
        std::string inject = std::string(GetParam()) + "@exit";
        AppRun r = run_app({"--era", era_name, "--inject", inject, "--commands", "decision; step"},
                           true, "", "_" + era_name);
        ASSERT_EQ(r.status, 0) << r.err;
        Session s(scenario(era, {inject}));
        s.seek(focus_entry(s));
        s.run_to_decision();
        s.step_forward(1);
        expect_matches(r.state, s, era_name + " " + inject);
    }
}

INSTANTIATE_TEST_SUITE_P(AllFlags, GuiFlags,
                         testing::Values("SIGPENDING", "NEED_RESCHED", "NOTIFY_RESUME",
                                         "SYSCALL_AUDIT", "SYSCALL_TRACE", "SINGLESTEP",
                                         "SYSCALL_TRACEPOINT", "MCE_NOTIFY", "USER_RETURN_NOTIFY",
                                         "UPROBE"));

TEST(GuiApp, CompareModeStepsBothErasTogether) {
    AppRun r = run_app({"--compare", "--inject", "NOTIFY_RESUME@exit", "--commands", "decision"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(r.state["comparing"].get<bool>());
    EXPECT_TRUE(drawn_panels(r.state).count("compare"));
    Session v313(scenario(Era::V3_13, {"NOTIFY_RESUME@exit"}));
    v313.seek(focus_entry(v313));
    v313.run_to_decision();
    expect_matches(r.state, v313, "v3.13 pane");
    Session rfc(scenario(Era::Rfc, {"NOTIFY_RESUME@exit"}));
    rfc.seek(focus_entry(v313));  // the partner opens at the primary's step
    rfc.run_to_decision();
    ASSERT_TRUE(r.state["compare"].is_object());
    EXPECT_EQ(r.state["compare"]["scenario"]["era"], "rfc");
    expect_matches(r.state["compare"], rfc, "rfc pane");
    // The case that prompted the RFC: task work forces iret in v3.13 only.
    EXPECT_EQ(r.state["decision"]["exit"], "iret");
    EXPECT_EQ(r.state["compare"]["decision"]["exit"], "sysret");
    expect_real_screenshot(r);
}

TEST(GuiApp, PresenterLightThemeAndPointing) {
    AppRun r = run_app({"--presenter", "--theme", "light", "--commands",
                        "point tif:SIGPENDING; label sysret_check"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(r.state["ui"]["presenter"].get<bool>());
    EXPECT_FALSE(r.state["ui"]["dark"].get<bool>());
    EXPECT_GT(r.state["ui"]["scale"].get<double>(), 1.1);  // sized to the 800-pixel window
    EXPECT_EQ(r.state["ui"]["pointer"]["panel"], "tif");
    EXPECT_EQ(r.state["ui"]["pointer"]["item"], "SIGPENDING");
    std::set<std::string> panels = drawn_panels(r.state);
    for (const char* id : {"controls", "path", "tif", "code", "stack"})
        EXPECT_TRUE(panels.count(id)) << id;
    Session s(Scenario{});
    s.seek(focus_entry(s));
    s.run_to_label("sysret_check");
    expect_matches(r.state, s, "presenter: label sysret_check");
    expect_real_screenshot(r);
}

TEST(GuiApp, GuestLoadErrorIsShownNotFatal) {
    std::string empty = testing::TempDir() + "gui_empty_guest_dir";
    std::string mk = "mkdir -p " + quote(empty);
    ASSERT_EQ(std::system(mk.c_str()), 0);
    AppRun r =
        run_app({"--commands", "step; era rfc"}, true, "SLOWPATH_GUEST_DIR=" + quote(empty) + " ");
    // The moves fail (there is no machine), the app does not crash.
    EXPECT_EQ(r.status, 1) << r.err;
    ASSERT_TRUE(r.state["error"].is_string());
    EXPECT_NE(r.state["error"].get<std::string>().find("kernel-rfc.elf"), std::string::npos);
    EXPECT_TRUE(drawn_panels(r.state).count("error"));
    expect_real_screenshot(r);
}

TEST(GuiCommandLine, BadArgumentsAreOneLineAndStatusTwo) {
    for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
             {"--era", "v2.6"},
             {"--syscall", "frobnicate"},
             {"--inject", "NOPE@exit"},
             {"--inject", "SIGPENDING@later"},
             {"--commands", "step; frob"},
             {"--commands", "inject WHAT now"},
             {"--size", "10x10"},
             {"--memory", "1k"},
             {"--memory", "lots"},
             {"--no-such-option"},
         }) {
        AppRun r = run_app(args, false);
        std::string shown = args[0] + (args.size() > 1 ? " " + args[1] : "");
        EXPECT_EQ(r.status, 2) << shown;
        EXPECT_EQ(count_lines(r.err), 1) << shown << ": " << r.err;
        EXPECT_EQ(r.err.rfind("slowpath: ", 0), 0u) << r.err;
    }
}

// ---- tour mode (--walkthrough) ----

namespace {

std::string walkthrough(const std::string& name) {
    return std::string(SLOWPATH_WALKTHROUGHS) + "/" + name;
}

// A picture file of a real window: loads, and is not one flat colour.
void expect_real_png(const std::string& path) {
    int w = 0, h = 0, n = 0;
    unsigned char* pixels = stbi_load(path.c_str(), &w, &h, &n, 3);
    ASSERT_NE(pixels, nullptr) << path << " is missing or not an image";
    EXPECT_EQ(w, 1280) << path;
    EXPECT_EQ(h, 800) << path;
    std::set<uint32_t> colours;
    for (int i = 0; i < w * h && colours.size() < 64; i += 97)
        colours.insert(pixels[i * 3] << 16 | pixels[i * 3 + 1] << 8 | pixels[i * 3 + 2]);
    stbi_image_free(pixels);
    EXPECT_GE(colours.size(), 16u) << path << " looks blank";
}

// The GUI's tour page against a headless WalkRunner run to the same step:
// the machine the panels show, the machine step and place, the narration.
void expect_tour_matches(const json& d, const Walkthrough& w, const std::string& context) {
    SCOPED_TRACE(context);
    const json& t = d["tour"];
    ASSERT_TRUE(t.is_object()) << d;
    ASSERT_TRUE(t["error"].is_null()) << t["error"];
    WalkRunner runner(w, t["era_index"].get<size_t>());
    std::vector<StepResult> results = runner.run_to(t["steps_run"].get<size_t>());
    Session& s = runner.session();
    EXPECT_EQ(t["machine_step"].get<uint64_t>(), s.step());
    EXPECT_EQ(t["where"].get<std::string>(), s.where());
    expect_matches(d, s, context);  // every panel shows the runner's machine
    std::string narration;
    size_t begin = t["page_begin"].get<size_t>();
    for (const StepResult& r : results)
        if (r.index >= begin && r.kind == StepKind::Say && !r.narration.empty()) {
            if (!narration.empty()) narration += "\n\n";
            narration += r.narration;
            while (!narration.empty() && narration.back() == '\n') narration.pop_back();
        }
    EXPECT_EQ(t["narration"].get<std::string>(), narration);
    for (const StepResult& r : results) {
        if (r.index < begin) continue;
        for (const CheckResult& c : r.checks) EXPECT_TRUE(c.passed) << c.what << ": " << c.detail;
    }
}

}  // namespace

// Each page of every shipped walkthrough, in every era, has words (or a
// question; see the exceptions below) and shows a machine that has run to
// the focus syscall, not boot code: the state the page talks about is on the
// screen as it is read.
TEST(GuiTourPages, EveryPageHasWordsAndShowsTheLessonsMachine) {
    std::vector<std::string> files;
    for (int i = 1; i <= 10; i++) {
        char prefix[8];
        std::snprintf(prefix, sizeof prefix, "%02d-", i);
        std::string cmd = "ls " + quote(SLOWPATH_WALKTHROUGHS) + " | grep '^" + prefix + "'";
        FILE* p = popen(cmd.c_str(), "r");
        char line[256];
        while (p && fgets(line, sizeof line, p)) {
            std::string name(line);
            while (!name.empty() && name.back() == '\n') name.pop_back();
            files.push_back(walkthrough(name));
        }
        if (p) pclose(p);
    }
    ASSERT_GE(files.size(), 10u);
    for (const std::string& file : files) {
        gui::Tour tour(file);
        for (size_t era = 0; era < tour.era_count(); era++) {
            ASSERT_EQ(tour.set_era(era), "") << file;
            for (size_t page = 0; page < tour.pages().size(); page++) {
                SCOPED_TRACE(file + " era " + std::to_string(era) + " page " +
                             std::to_string(page + 1));
                ASSERT_EQ(tour.go_to(page), "");
                // Wordless only where moves cannot join the words after them:
                // the answer to a question, a picture's moment, the last page.
                bool words = !tour.narration().empty() || tour.question();
                bool answer = page > 0 && tour.pages()[page - 1].asks;
                bool last = page + 1 == tour.pages().size();
                EXPECT_TRUE(words || answer || last || !tour.screenshots().empty()) << "no words";
                Session* s = tour.session();
                ASSERT_NE(s, nullptr);
                const Trace& t = s->trace();
                ASSERT_GE(t.focus, 0);
                EXPECT_GE(s->step(), t.syscalls[t.focus].entry_step)
                    << "the page shows " << s->where();
            }
        }
    }
}

class GuiTourPlays : public testing::TestWithParam<const char*> {};

TEST_P(GuiTourPlays, UnattendedSavesEveryShot) {
    std::string file = walkthrough(GetParam());
    Walkthrough w = load_walkthrough(file);
    std::string dir = testing::TempDir() + "tour_shots_" + std::to_string(getpid()) + "_" +
                      std::string(GetParam());
    std::vector<std::string> expected;
    for (const EraPlan& plan : w.plans)
        for (const Step& step : plan.steps)
            for (std::string name : {step.kind == StepKind::Shoot ? step.text : "",
                                     step.kind == StepKind::Ask ? step.question.shot : "",
                                     step.kind == StepKind::Ask && !step.question.shot.empty()
                                         ? gui::ask_answer_shot(step.question.shot)
                                         : ""}) {
                if (name.empty() || step.skipped) continue;
                if (w.plans.size() > 1)  // one picture per era
                    name.insert(name.rfind('.'), "-" + std::string(era_info(plan.era).name));
                expected.push_back(dir + "/" + name);
            }
    ASSERT_FALSE(expected.empty()) << file << " has no shoot step";
    for (const std::string& path : expected) std::remove(path.c_str());
    AppRun r = run_app({"--walkthrough", file, "--screenshot-dir", dir, "--exit-at-end"});
    ASSERT_EQ(r.status, 0) << r.err;
    for (const std::string& path : expected) expect_real_png(path);
    // It played to the end of the last era, every expectation passing.
    const json& t = r.state["tour"];
    EXPECT_EQ(t["era_index"].get<size_t>(), w.plans.size() - 1);
    EXPECT_EQ(t["page"].get<size_t>() + 1, t["pages"].get<size_t>());
    EXPECT_EQ(t["steps_run"].get<size_t>(), w.step_count());
    EXPECT_EQ(t["failed_total"].get<size_t>(), 0u);
    // Unattended, the teacher's view: the checks are on the page.
    EXPECT_TRUE(t["checks_shown"].get<bool>());
    EXPECT_EQ(t["checks_drawn"].get<size_t>(), t["checks"].size());
    expect_tour_matches(r.state, w, "the end of the tour");
}

INSTANTIATE_TEST_SUITE_P(Shipped, GuiTourPlays,
                         testing::Values("01-getpid-fast-path.yaml", "03-signal-v3.13.yaml",
                                         "15-resched-or-signal-v3.13.yaml"),
                         [](const testing::TestParamInfo<const char*>& info) {
                             return std::string(info.param).substr(0, 2);
                         });

TEST(GuiTour, NextPreviousAndEraMatchTheHeadlessRunner) {
    std::string file = walkthrough("01-getpid-fast-path.yaml");
    Walkthrough w = load_walkthrough(file);
    std::string base = testing::TempDir() + "tour_steps_" + std::to_string(getpid());
    std::string a = base + "_a.json", b = base + "_b.json", c = base + "_c.json";
    AppRun r =
        run_app({"--walkthrough", file, "--commands",
                 "dump " + a + "; tour-next; tour-next; tour-next; press PageDown; dump " + b +
                     "; tour-prev; press PageUp; dump " + c + "; tour-era rfc; tour-next"});
    ASSERT_EQ(r.status, 0) << r.err;
    auto read = [](const std::string& path) {
        std::ifstream in(path);
        json j;
        in >> j;
        return j;
    };
    json da = read(a), db = read(b), dc = read(c);
    EXPECT_EQ(da["tour"]["page"], 0);
    EXPECT_EQ(db["tour"]["page"], 4);
    EXPECT_EQ(dc["tour"]["page"], 2);
    EXPECT_LT(dc["tour"]["steps_run"].get<size_t>(), db["tour"]["steps_run"].get<size_t>());
    EXPECT_NE(db["tour"]["narration"].get<std::string>(), "");
    expect_tour_matches(da, w, "the first page");
    expect_tour_matches(db, w, "four pages on");
    expect_tour_matches(dc, w, "two pages back");
    // Era rfc at the same moment of the lesson, then one page on.
    EXPECT_EQ(r.state["tour"]["era"], "rfc");
    EXPECT_EQ(r.state["scenario"]["era"], "rfc");
    expect_tour_matches(r.state, w, "in rfc");
}

TEST(GuiTour, PredictModeAsksThenStepsOnAndSaysWhy) {
    const gui_test::LessonTour lesson = gui_test::lesson_tour("03-signal-v3.13.yaml");
    ASSERT_LT(lesson.ask, lesson.pages.size());
    const Question& q =
        lesson.walkthrough.plans[0].steps[lesson.pages[lesson.ask].end - 1].question;
    size_t wrong = q.answer == 0 ? 1 : 0;
    std::string before = testing::TempDir() + "tour_ask_" + std::to_string(getpid()) + ".json";
    AppRun r = run_app({"--walkthrough", lesson.file, "--commands",
                        "tour-goto " + std::to_string(lesson.ask + 1) + "; dump " + before +
                            "; tour-answer " + std::to_string(wrong + 1)});
    ASSERT_EQ(r.status, 0) << r.err;
    std::ifstream in(before);
    json d;
    in >> d;
    // Asked, not answered: the question and its choices, no verdict yet.
    EXPECT_TRUE(d["tour"]["awaiting_answer"].get<bool>());
    EXPECT_EQ(d["tour"]["question"]["question"], q.question);
    EXPECT_EQ(d["tour"]["question"]["choices"].get<std::vector<std::string>>(), q.choices);
    EXPECT_TRUE(d["tour"]["verdict"].is_null());
    expect_tour_matches(d, lesson.walkthrough, "the question");
    // Answered wrong: the tour stepped on (to the decision) and says so.
    const json& t = r.state["tour"];
    EXPECT_EQ(t["page"].get<size_t>(), lesson.ask + 1);
    EXPECT_GT(t["steps_run"].get<size_t>(), d["tour"]["steps_run"].get<size_t>());
    ASSERT_TRUE(t["verdict"].is_object());
    EXPECT_FALSE(t["verdict"]["right"].get<bool>());
    EXPECT_EQ(t["verdict"]["chosen"].get<size_t>(), wrong);
    EXPECT_EQ(t["verdict"]["answer"].get<size_t>(), q.answer);
    expect_tour_matches(r.state, lesson.walkthrough, "after the answer");
    ASSERT_TRUE(r.state["decision"].is_object());
    EXPECT_EQ(r.state["decision"]["exit"], "iret");
    EXPECT_TRUE(drawn_panels(r.state).count("narration"));
}

// A compare step shows its two sides as the compare view's two columns, each
// the runner's own machine; a ghost setup leaves the last route on the graph.
TEST(GuiTour, CompareStepShowsTwoColumnsAndAGhostRoute) {
    std::string file = walkthrough("15-resched-or-signal-v3.13.yaml");
    Walkthrough w = load_walkthrough(file);
    // The pages to look at, and what the headless tour finds there.
    gui::Tour tour(file);
    size_t split = tour.pages().size(), ghost = tour.pages().size();
    uint64_t left_step = 0, right_step = 0;
    for (size_t p = 0; p < tour.pages().size(); p++) {
        ASSERT_EQ(tour.go_to(p), "");
        if (split == tour.pages().size() && tour.right_session() &&
            tour.narration().find("The routes split") != std::string::npos) {
            split = p;
            left_step = tour.session()->step();
            right_step = tour.right_session()->step();
        }
        if (ghost == tour.pages().size() && !tour.ghost_route().empty()) ghost = p;
    }
    ASSERT_LT(split, tour.pages().size());
    ASSERT_LT(ghost, tour.pages().size());
    ASSERT_NE(left_step, right_step);
    std::string at_split =
        testing::TempDir() + "tour_compare_" + std::to_string(getpid()) + ".json";
    AppRun r = run_app({"--walkthrough", file, "--commands",
                        "tour-goto " + std::to_string(split + 1) + "; dump " + at_split +
                            "; tour-goto " + std::to_string(ghost + 1)});
    ASSERT_EQ(r.status, 0) << r.err;
    std::ifstream in(at_split);
    json d;
    in >> d;
    // Two columns: the primary pane is the left side, one partner the right.
    EXPECT_TRUE(d["comparing"].get<bool>());
    ASSERT_EQ(d["compare_panes"].size(), 1u);
    EXPECT_TRUE(drawn_panels(d).count("compare"));
    // Headed by what differs (both sides are v3.13 getpid).
    EXPECT_EQ(d["caption"], "left: NEED_RESCHED@exit");
    EXPECT_EQ(d["compare_panes"][0]["caption"], "right: SIGPENDING@exit");
    EXPECT_EQ(d["tour"]["compare"]["right"], "right: SIGPENDING@exit");
    // Each column is its side's machine at the decision: sysret on the left, iret on the right.
    EXPECT_EQ(d["step"].get<uint64_t>(), left_step);
    EXPECT_EQ(d["compare_panes"][0]["step"].get<uint64_t>(), right_step);
    EXPECT_EQ(d["decision"]["exit"], "sysret");
    EXPECT_EQ(d["compare_panes"][0]["decision"]["exit"], "iret");
    // The lesson's view asks for presenter mode.
    EXPECT_TRUE(w.view.presenter.value_or(false));
    EXPECT_TRUE(d["ui"]["presenter"].get<bool>());
    // The ghost page: one machine again, the reschedule's route kept on its graph.
    const json& g = r.state;
    EXPECT_FALSE(g["comparing"].get<bool>());
    std::vector<std::string> faint = g["graph"]["ghost"].get<std::vector<std::string>>();
    std::vector<std::string> lit = g["graph"]["lit"].get<std::vector<std::string>>();
    auto has = [](const std::vector<std::string>& v, const char* name) {
        return std::find(v.begin(), v.end(), name) != v.end();
    };
    EXPECT_TRUE(has(faint, "sysret_careful"));
    EXPECT_TRUE(has(faint, "sysretq"));
    EXPECT_FALSE(has(faint, "sysret_signal"));
    EXPECT_TRUE(has(lit, "sysret_signal"));
    EXPECT_EQ(g["decision"]["exit"], "iret");
}

// `view: {compare: true}`: the tour's machine beside the same scenario in the other era.
TEST(GuiTour, LessonViewComparesTheOtherEra) {
    std::string path = testing::TempDir() + "view_compare_" + std::to_string(getpid()) + ".yaml";
    {
        std::ofstream out(path);
        out << "title: view\nera: v3.13\nprogram: {syscall: getpid}\n"
               "view: {compare: true, presenter: true}\nsteps:\n"
               "  - setup: {inject: SIGPENDING, at: exit}\n"
               "  - move: {to: decision}\n"
               "  - say: The decision, beside the RFC's.\n";
    }
    AppRun r = run_app({"--walkthrough", path});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(r.state["comparing"].get<bool>());
    ASSERT_EQ(r.state["compare_panes"].size(), 1u);
    EXPECT_EQ(r.state["compare_panes"][0]["caption"], "");
    EXPECT_TRUE(r.state["ui"]["presenter"].get<bool>());
    // Both columns at their decision: the RFC's comes from syscall_exit_slowpath().
    EXPECT_EQ(r.state["decision"]["exit"], "iret");
    EXPECT_NE(r.state["compare_panes"][0]["decision"]["why"].get<std::string>().find(
                  "syscall_exit_slowpath"),
              std::string::npos);
    std::remove(path.c_str());
}

// `view: {panels}` lays out only the lesson's panels (their neighbours take the
// room), and a view step changes them from its page on: in the tour's first
// page and at the end of an unattended handout, as the app's dump says.
TEST(GuiTour, LessonAndPageViewChooseThePanels) {
    std::string path = testing::TempDir() + "view_panels_" + std::to_string(getpid()) + ".yaml";
    {
        std::ofstream out(path);
        out << "title: panels\nera: v3.13\nprogram: {syscall: getpid}\n"
               "view: {panels: [path, stack]}\nsteps:\n"
               "  - move: {to: focus}\n  - say: The graph and the stack only.\n"
               "  - move: {to: decision}\n  - view: {panels: [code, regs]}\n"
               "  - say: Now the code and the registers.\n";
    }
    auto rect_of = [](const json& d, const std::string& id) {
        for (const json& p : d["ui"]["panels"])
            if (p["id"] == id) return p["rect"];
        return json();
    };
    AppRun first = run_app({"--walkthrough", path});
    ASSERT_EQ(first.status, 0) << first.err;
    ASSERT_EQ(first.state["tour"]["page"], 0);
    std::set<std::string> shown = drawn_panels(first.state);
    EXPECT_TRUE(shown.count("path") && shown.count("stack") && shown.count("narration"))
        << first.state["ui"]["panels"];
    for (const char* hidden : {"code", "regs", "tif", "user", "events"})
        EXPECT_FALSE(shown.count(hidden)) << hidden << " shown";
    // The tab group's room went to the stack: as wide as the graph above it.
    json graph = rect_of(first.state, "path"), stack = rect_of(first.state, "stack");
    ASSERT_TRUE(graph.is_array() && stack.is_array());
    EXPECT_NEAR(stack[2].get<float>(), graph[2].get<float>(), 1.0f);
    EXPECT_GT(stack[1].get<float>(), graph[1].get<float>());

    std::string dir = testing::TempDir() + "view_panels_handout_" + std::to_string(getpid());
    AppRun last = run_app({"--walkthrough", path, "--handout", dir});
    ASSERT_EQ(last.status, 0) << last.err;
    EXPECT_EQ(last.state["tour"]["page"].get<size_t>() + 1, last.state["tour"]["pages"]);
    shown = drawn_panels(last.state);
    for (const char* hidden : {"path", "stack", "tif", "user", "events"})
        EXPECT_FALSE(shown.count(hidden)) << hidden << " shown on the last page";
    EXPECT_TRUE(shown.count("code") || shown.count("regs")) << last.state["ui"]["panels"];
    // Two tabs left of five, and the graph's room is theirs: they fill the body.
    const json& items = last.state["ui"]["items"];
    EXPECT_TRUE(items.contains("tab:code") && items.contains("tab:regs"));
    EXPECT_FALSE(items.contains("tab:tif") || items.contains("tab:user"));
    size_t pictures = 0;  // the handout's pages, each a real picture
    for (const auto& f : std::filesystem::directory_iterator(dir))
        if (f.path().extension() == ".png") {
            expect_real_png(f.path().string());
            pictures++;
        }
    EXPECT_EQ(pictures, last.state["tour"]["pages"].get<size_t>());
    std::remove(path.c_str());
}

TEST(GuiTour, BrokenFileGivesLineAndColumn) {
    std::string bad = testing::TempDir() + "tour_bad_" + std::to_string(getpid()) + ".yaml";
    {
        std::ofstream out(bad);
        out << "title: Broken\nera: v3.13\nprogram:\n  syscall: getpid\nsteps:\n"
               "  - dance: now\n  - setup: {inject: SIGPENDNG, at: exit}\n";
    }
    // On the command line: the problems on stderr, status 2, no window needed.
    AppRun cli = run_app({"--walkthrough", bad}, false);
    EXPECT_EQ(cli.status, 2) << cli.err;
    EXPECT_NE(cli.err.find(bad + ":6:5: "), std::string::npos) << cli.err;
    EXPECT_NE(cli.err.find(bad + ":7:"), std::string::npos) << cli.err;
    // Opened from the window: shown in the panel, never a crash.
    AppRun gui = run_app({"--commands", "tour-open " + bad});
    EXPECT_EQ(gui.status, 1) << gui.err;  // the script's tour-open failed
    const json& t = gui.state["tour"];
    ASSERT_TRUE(t.is_object()) << gui.state;
    ASSERT_TRUE(t["errors"].is_array());
    EXPECT_EQ(t["errors"][0].get<std::string>().rfind(bad + ":6:5: ", 0), 0u) << t["errors"];
    EXPECT_TRUE(drawn_panels(gui.state).count("narration"));
    expect_real_screenshot(gui);
}
