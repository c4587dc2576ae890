// The desktop app driven by real X input: each test opens an attended
// `slowpath` window under its own Xvfb (with_xvfb.sh), moves the pointer,
// clicks, scrolls and taps keys with xdotool, and reads what the app says it
// shows: --state-live (the --dump-state JSON rewritten after every frame,
// polled instead of sleeping) and --state-on-quit (written when Ctrl+Q quits).
// Where to click comes from the app's own dump: the named items the panels
// drew this frame (ui.items) and ImGui's windows with their scroll offsets.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "live_app.h"
#include "model/timeline.h"
#include "model/tour.h"
#include "slowpath/session.h"
#include "slowpath/tif.h"
#include "slowpath/walkthrough.h"
#include "tour_pages.h"

using nlohmann::json;
using namespace slowpath;
using gui_test::Clock;
using gui_test::LiveApp;
using gui_test::quote;
using gui_test::read_json;
using gui_test::read_text;
using gui_test::test_name;

namespace {

const json& item(const json& state, const std::string& name) {
    static const json none;
    const json& items = state["ui"]["items"];
    return items.contains(name) ? items[name]["rect"] : none;
}

// An ImGui window whose name contains `part` ("Code###code/##source").
json window(const json& state, const std::string& part) {
    for (const json& w : state["ui"]["windows"])
        if (w["name"].get<std::string>().find(part) != std::string::npos) return w;
    return nullptr;
}

uint64_t step_of(const json& s) {
    return s["step"].get<uint64_t>();
}

Scenario with(std::vector<std::string> injections) {
    Scenario s;
    for (const std::string& text : injections) s.injections.push_back(parse_injection(text));
    return s;
}

uint64_t focus_entry(const Session& s) {
    const Trace& t = s.trace();
    return t.focus >= 0 ? t.syscalls[t.focus].entry_step : 0;
}

}  // namespace

// Buttons and chips take the mouse; a flag flipped at the decision lands on
// the new run's decision; the state written on Ctrl+Q is what was shown.
TEST(GuiInput, ClicksOnButtonsAndChipsAndAFlagKeepsThePoint) {
    LiveApp app({});
    ASSERT_TRUE(app.ready()) << app.error();
    json s = app.settle();
    uint64_t start = step_of(s);
    Session plain(Scenario{});
    EXPECT_EQ(start, focus_entry(plain));

    app.click(s, "button:step");
    s = app.wait_for([&](const json& d) { return step_of(d) == start + 1; });
    EXPECT_EQ(step_of(s), start + 1) << "a click on Step";

    app.click(s, "button:decision");
    s = app.wait_for([](const json& d) { return d["decision"].is_object(); });
    plain.seek(start);
    uint64_t plain_decision = plain.run_to_decision();
    EXPECT_EQ(step_of(s), plain_decision) << "a click on Decision";
    ASSERT_TRUE(s["decision"].is_object());
    EXPECT_EQ(s["decision"]["exit"], "sysret");

    // The SIGPENDING chip at the decision: the new run, at its own decision.
    app.click(s, "chip:SIGPENDING");
    s = app.wait_for([](const json& d) { return !d["scenario"]["injections"].empty(); });
    EXPECT_EQ(s["scenario"]["injections"], json::array({"SIGPENDING@exit"}));
    Session signal(with({"SIGPENDING@exit"}));
    signal.seek(focus_entry(signal));
    EXPECT_EQ(step_of(s), signal.run_to_decision()) << "not the decision of the new run";
    ASSERT_TRUE(s["decision"].is_object());
    EXPECT_EQ(s["decision"]["exit"], "iret");
    // And back: the old run's decision again.
    app.click(s, "chip:SIGPENDING");
    s = app.wait_for([](const json& d) { return d["scenario"]["injections"].empty(); });
    EXPECT_EQ(step_of(s), plain_decision);

    app.click(s, "button:compare toggle");
    s = app.wait_for([](const json& d) { return d["comparing"].get<bool>(); });
    EXPECT_TRUE(s["comparing"].get<bool>()) << "a click on Compare";

    int status = -1;
    json q = app.quit(&status);
    EXPECT_EQ(status, 0);
    ASSERT_TRUE(q.is_object()) << "--state-on-quit wrote nothing";
    EXPECT_TRUE(q["comparing"].get<bool>());
    EXPECT_EQ(step_of(q), plain_decision);
    EXPECT_EQ(q["compare"]["scenario"]["era"], "rfc");
}

// Taps shorter than a frame: every press and release reaches the app.
TEST(GuiInput, ShortKeyTapsAllCount) {
    LiveApp app({});
    ASSERT_TRUE(app.ready()) << app.error();
    uint64_t start = step_of(app.state());
    app.tap("Right", 10, 10);
    json s = app.wait_for([&](const json& d) { return step_of(d) == start + 10; }, 3.0);
    EXPECT_EQ(step_of(s), start + 10) << "10 taps of 10 ms on Right";
    app.tap("Left", 4, 5);
    s = app.wait_for([&](const json& d) { return step_of(d) == start + 6; }, 3.0);
    EXPECT_EQ(step_of(s), start + 6) << "4 taps of 5 ms on Left";
    // Shift+N: a modifier held around a short tap.
    app.xdo("keydown shift keydown n sleep 0.01 keyup n keyup shift");
    Session machine(Scenario{});
    machine.seek(start + 6);
    machine.prev_label();
    s = app.wait_for([&](const json& d) { return step_of(d) == machine.step(); }, 3.0);
    EXPECT_EQ(step_of(s), machine.step()) << "a short Shift+N";
    json q = app.quit();
    ASSERT_TRUE(q.is_object());
    EXPECT_EQ(step_of(q), machine.step());
}

// The wheel scrolls the code, the kernel stack and the events list; a
// hover shows a tooltip, and it stays while the window idles.
TEST(GuiInput, WheelScrollsAndHoverShowsATooltip) {
    LiveApp app({});
    ASSERT_TRUE(app.ready()) << app.error();
    json s = app.settle();
    for (const char* part :
         {"Code###code/##source", "Kernel stack###stack/##stack", "/##events_"}) {
        SCOPED_TRACE(part);
        json w = window(s, part);
        ASSERT_TRUE(w.is_object());
        double y0 = w["scroll"][1].get<double>(), max = w["scroll_max"][1].get<double>();
        ASSERT_GT(max, 0.0) << "nothing to scroll";
        bool down = y0 < max / 2;  // towards the far end
        json r = w["rect"];
        app.move_to(r[0].get<double>() + r[2].get<double>() / 2,
                    r[1].get<double>() + r[3].get<double>() / 2);
        app.xdo(down ? "click 5 click 5" : "click 4 click 4");
        s = app.wait_for([&](const json& d) {
            double y = window(d, part)["scroll"][1].get<double>();
            return down ? y > y0 : y < y0;
        });
        double y = window(s, part)["scroll"][1].get<double>();
        if (down)
            EXPECT_GT(y, y0);
        else
            EXPECT_LT(y, y0);
    }

    // Hovering, without a click.
    json chip = item(s, "chip:NOTIFY_RESUME");
    ASSERT_TRUE(chip.is_array());
    app.move_to(chip[0].get<double>() + chip[2].get<double>() / 2,
                chip[1].get<double>() + chip[3].get<double>() / 2);
    s = app.wait_for([](const json& d) {
        return d["ui"]["tooltip"].get<bool>() && d["ui"]["items"]["chip:NOTIFY_RESUME"]["hovered"];
    });
    EXPECT_TRUE(s["ui"]["tooltip"].get<bool>()) << "no tooltip over the chip";
    EXPECT_TRUE(s["ui"]["items"]["chip:NOTIFY_RESUME"]["hovered"].get<bool>());
    EXPECT_TRUE(s["scenario"]["injections"].empty()) << "a hover is not a click";
    // The window goes idle (no frames) and the tooltip is still up.
    uint64_t frame = s["ui"]["frame"].get<uint64_t>();
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    json idle = app.state();
    EXPECT_LT(idle["ui"]["frame"].get<uint64_t>(), frame + 10) << "an idle window keeps drawing";
    EXPECT_TRUE(idle["ui"]["tooltip"].get<bool>());
    json q = app.quit();
    ASSERT_TRUE(q.is_object());
    EXPECT_TRUE(q["ui"]["tooltip"].get<bool>());
}

// A long status message (F12's "saved <path>" into a deep folder, at
// 1280x720 in presenter mode) is cut before the status bar's controls, which
// stay in the window; the whole message shows on hover.
TEST(GuiInput, LongStatusMessageLeavesTheStatusBarControlsInView) {
    std::string dir = testing::TempDir() + "snapshots-" + std::to_string(getpid()) + "/" +
                      std::string(60, 'd') + "/" + std::string(60, 'e');
    LiveApp app({"--presenter", "--snapshot-dir", dir}, "1280x720");
    ASSERT_TRUE(app.ready()) << app.error();
    json s = app.settle();
    app.tap("F12", 1);
    s = app.wait_for([](const json& d) {
        return d["status"].get<std::string>().rfind("saved ", 0) == 0 &&
               !d["ui"]["status_shown"].get<std::string>().empty();
    });
    const std::string full = s["status"].get<std::string>();
    ASSERT_EQ(full.rfind("saved " + dir + "/", 0), 0u) << full;
    const std::string shown = s["ui"]["status_shown"].get<std::string>();
    EXPECT_LT(shown.size(), full.size()) << "a message this long fits? " << shown;
    EXPECT_EQ(shown.substr(shown.size() - 3), "\xe2\x80\xa6");
    EXPECT_EQ(full.rfind(shown.substr(0, shown.size() - 3), 0), 0u) << "not a prefix: " << shown;

    double width = s["ui"]["framebuffer"][0].get<double>();
    json copy = item(s, "button:copy-scenario"), message = item(s, "status:message");
    ASSERT_TRUE(copy.is_array() && message.is_array());
    EXPECT_LE(copy[0].get<double>() + copy[2].get<double>(), width) << "copy scenario is cut";
    EXPECT_LE(message[0].get<double>() + message[2].get<double>(), copy[0].get<double>())
        << "the message runs under copy scenario";

    app.move_to(message[0].get<double>() + message[2].get<double>() / 2,
                message[1].get<double>() + message[3].get<double>() / 2);
    s = app.wait_for([](const json& d) {
        return d["ui"]["tooltip"].get<bool>() && d["ui"]["items"]["status:message"]["hovered"];
    });
    EXPECT_TRUE(s["ui"]["tooltip"].get<bool>()) << "no tooltip with the whole message";
    app.quit();
}

// Presenter mode puts registers, the user side and events on tabs: a click
// picks a tab, a click on an event row goes to its step.
TEST(GuiInput, TabsAndTheEventsListTakeClicks) {
    LiveApp app({"--presenter"});
    ASSERT_TRUE(app.ready()) << app.error();
    json s = app.settle();
    ASSERT_TRUE(item(s, "tab:events").is_array()) << s["ui"]["items"];
    app.click(s, "tab:events");
    s = app.wait_for([](const json& d) { return d["ui"]["tabs"]["more"] == "events"; });
    EXPECT_EQ(s["ui"]["tabs"]["more"], "events");
    s = app.settle();
    // A row wholly inside the list, at another step than the current one.
    json list = window(s, "##events");
    ASSERT_TRUE(list.is_object());
    double top = list["rect"][1].get<double>(), bottom = top + list["rect"][3].get<double>();
    uint64_t target = 0;
    std::string row;
    for (const auto& [name, it] : s["ui"]["items"].items()) {
        if (name.rfind("event-row:", 0) != 0) continue;
        const json& r = it["rect"];
        uint64_t step = std::stoull(name.substr(name.rfind(':') + 1));
        // Below the list's header row, not cut by its edges.
        if (r[1].get<double>() >= top + r[3].get<double>() &&
            r[1].get<double>() + r[3].get<double>() <= bottom && step != step_of(s)) {
            row = name;
            target = step;
            break;
        }
    }
    ASSERT_FALSE(row.empty()) << "no whole event row in the list";
    app.click(s, row);
    s = app.wait_for([&](const json& d) { return step_of(d) == target; });
    EXPECT_EQ(step_of(s), target) << "a click on an event row";
    s = app.settle();
    app.click(s, "tab:regs");
    s = app.wait_for([](const json& d) { return d["ui"]["tabs"]["more"] == "regs"; });
    EXPECT_EQ(s["ui"]["tabs"]["more"], "regs")
        << "mouse at " << s["ui"]["mouse"] << ", the tab at " << item(s, "tab:regs");
    json q = app.quit();
    ASSERT_TRUE(q.is_object());
    EXPECT_EQ(step_of(q), target);
}

// A tour: the checks are hidden from students until the teacher's view is
// clicked on; PageDown taps page on; a question is answered by its number
// key (not a flag toggle) and, asked again, by a click.
TEST(GuiInput, TourTeacherViewPagingAndPredictByKeyAndClick) {
    const gui_test::LessonTour lesson = gui_test::lesson_tour("03-signal-v3.13.yaml");
    ASSERT_LT(lesson.ask, lesson.pages.size());
    LiveApp app({"--walkthrough", lesson.file});
    ASSERT_TRUE(app.ready()) << app.error();
    json s = app.settle();
    ASSERT_TRUE(s["tour"].is_object());
    EXPECT_EQ(s["tour"]["page"], 0);
    ASSERT_FALSE(s["tour"]["checks"].empty()) << "the first page checks nothing";
    EXPECT_FALSE(s["tour"]["checks_shown"].get<bool>());
    EXPECT_EQ(s["tour"]["checks_drawn"], 0) << "checks shown to a student";

    app.click(s, "tour-checks");
    s = app.wait_for([](const json& d) { return d["tour"]["checks_drawn"].get<size_t>() > 0; });
    EXPECT_TRUE(s["tour"]["checks_shown"].get<bool>());
    EXPECT_EQ(s["tour"]["checks_drawn"].get<size_t>(), s["tour"]["checks"].size());

    app.tap("Next", static_cast<int>(lesson.ask), 10);  // PageDown
    s = app.wait_for([&](const json& d) { return d["tour"]["page"].get<size_t>() == lesson.ask; },
                     8.0);
    ASSERT_EQ(s["tour"]["page"].get<size_t>(), lesson.ask) << "PageDown taps lost";
    ASSERT_TRUE(s["tour"]["awaiting_answer"].get<bool>());

    // Key 1 answers with the first choice (sysretq: wrong) and toggles no flag.
    json injections = s["scenario"]["injections"];
    app.tap("1", 1, 10);
    s = app.wait_for([](const json& d) { return d["tour"]["verdict"].is_object(); });
    ASSERT_TRUE(s["tour"]["verdict"].is_object()) << "key 1 did not answer";
    EXPECT_EQ(s["tour"]["verdict"]["chosen"], 0);
    EXPECT_FALSE(s["tour"]["verdict"]["right"].get<bool>());
    EXPECT_EQ(s["tour"]["page"].get<size_t>(), lesson.ask + 1);
    EXPECT_EQ(s["scenario"]["injections"], injections);

    app.tap("Prior", 1, 10);  // PageUp: the question again
    s = app.wait_for([](const json& d) { return d["tour"]["awaiting_answer"].get<bool>(); });
    ASSERT_TRUE(s["tour"]["awaiting_answer"].get<bool>());
    s = app.settle();
    ASSERT_TRUE(item(s, "choice:2").is_array());
    app.click(s, "choice:2");
    s = app.wait_for([](const json& d) { return d["tour"]["verdict"].is_object(); });
    ASSERT_TRUE(s["tour"]["verdict"].is_object()) << "a click on choice 2 did not answer";
    EXPECT_EQ(s["tour"]["verdict"]["chosen"], 1);
    EXPECT_TRUE(s["tour"]["verdict"]["right"].get<bool>());
    ASSERT_TRUE(s["decision"].is_object());
    EXPECT_EQ(s["decision"]["exit"], "iret");
    json q = app.quit();
    ASSERT_TRUE(q.is_object());
    EXPECT_TRUE(q["tour"]["verdict"]["right"].get<bool>());
}

// `wait N` counts frames: in a live window the script still runs to its end.
TEST(GuiInput, ScriptWithWaitFinishesInALiveWindow) {
    LiveApp app({"--commands", "step; wait 20; step 2; wait 5; step 3"});
    ASSERT_TRUE(app.ready()) << app.error();
    Session machine(Scenario{});
    uint64_t want = focus_entry(machine) + 6;
    json s = app.wait_for([&](const json& d) { return step_of(d) == want; }, 5.0);
    EXPECT_EQ(step_of(s), want) << "the script stopped at a wait";
    json q = app.quit();
    ASSERT_TRUE(q.is_object());
    EXPECT_EQ(step_of(q), want);
}

// A click on a node of the path graph runs to that label: the step is the
// one a headless Session reaches with run_to_label, and the state names it.
// A click on an exit runs on to ring 3.
TEST(GuiInput, GraphNodeClickRunsToThatLabel) {
    LiveApp app({});
    ASSERT_TRUE(app.ready()) << app.error();
    json s = app.settle();
    Session machine(Scenario{});
    machine.seek(focus_entry(machine));
    ASSERT_EQ(step_of(s), machine.step());
    ASSERT_TRUE(machine.run_to_label("sysret_check").has_value());
    ASSERT_TRUE(item(s, "node:sysret_check").is_array()) << s["ui"]["items"];
    app.click(s, "node:sysret_check");
    s = app.wait_for([&](const json& d) { return step_of(d) == machine.step(); });
    EXPECT_EQ(step_of(s), machine.step()) << "a click on the sysret_check node";
    EXPECT_EQ(s["label"], "sysret_check");
    EXPECT_EQ(s["cpl"], 0);

    s = app.settle();
    machine.run_to_ring3();
    app.click(s, "node:sysretq");
    s = app.wait_for([&](const json& d) { return step_of(d) == machine.step(); });
    EXPECT_EQ(step_of(s), machine.step()) << "a click on the sysretq exit";
    EXPECT_EQ(s["cpl"], 3);
    json q = app.quit();
    ASSERT_TRUE(q.is_object());
    EXPECT_EQ(step_of(q), machine.step());
}

namespace {

// The step a pointer at x lands on, on a strip drawn at `rect` showing
// `span`, and how many steps one pixel of it spans.
uint64_t step_at(const gui::StepSpan& span, const json& rect, double x) {
    return gui::step_of_x(span, static_cast<float>(x), rect[0].get<float>(), rect[2].get<float>());
}
uint64_t steps_per_pixel(const gui::StepSpan& span, const json& rect) {
    return static_cast<uint64_t>(std::ceil(span.length() / rect[2].get<double>()));
}
uint64_t distance(uint64_t a, uint64_t b) {
    return a > b ? a - b : b - a;
}

// A question's choices wrap inside the tour panel instead of running past its
// edge: lesson 14's long choices, in a 1280x720 window, lie within the
// narration panel's rectangle, one below the other, and the longest takes
// more than one line.
TEST(GuiInput, TourChoicesWrapInsideThePanel) {
    const gui_test::LessonTour lesson = gui_test::lesson_tour("14-bad-pointer-fixup.yaml");
    ASSERT_LT(lesson.ask, lesson.pages.size());
    LiveApp app({"--walkthrough", lesson.file}, "1280x720");
    ASSERT_TRUE(app.ready()) << app.error();
    json s = app.settle();
    app.tap("Next", static_cast<int>(lesson.ask), 10);  // PageDown
    s = app.wait_for([&](const json& d) { return d["tour"]["page"].get<size_t>() == lesson.ask; },
                     8.0);
    ASSERT_EQ(s["tour"]["page"].get<size_t>(), lesson.ask);
    ASSERT_TRUE(s["tour"]["awaiting_answer"].get<bool>());
    s = app.settle();
    json panel;
    for (const json& p : s["ui"]["panels"])
        if (p["id"] == "narration") panel = p["rect"];
    ASSERT_TRUE(panel.is_array()) << s["ui"]["panels"];
    const float left = panel[0].get<float>(), right = left + panel[2].get<float>();
    const float top = panel[1].get<float>(), bottom = top + panel[3].get<float>();
    float tallest = 0, shortest = 1e9f, last_bottom = 0;
    for (int i = 1; i <= 3; i++) {
        const json& r = item(s, "choice:" + std::to_string(i));
        ASSERT_TRUE(r.is_array()) << "choice " << i << " not drawn";
        const float x = r[0].get<float>(), y = r[1].get<float>();
        const float rw = r[2].get<float>(), rh = r[3].get<float>();
        EXPECT_GE(x, left) << "choice " << i << " starts left of the panel";
        EXPECT_LE(x + rw, right) << "choice " << i << " runs past the panel's right edge";
        EXPECT_GE(y, top);
        EXPECT_LE(y + rh, bottom) << "choice " << i << " below the panel";
        EXPECT_GE(y, last_bottom) << "choice " << i << " overlaps the one above";
        last_bottom = y + rh;
        tallest = std::max(tallest, rh);
        shortest = std::min(shortest, rh);
    }
    // The long second choice wrapped: its button is taller than a one-line one.
    EXPECT_GT(tallest, shortest * 1.4f) << "no choice wrapped (tallest " << tallest << ")";
    json q = app.quit();
    ASSERT_TRUE(q.is_object());
}

}  // namespace

// The timeline: a click on the program strip seeks to the step under the
// pointer; a press on the zoomed strip and a drag across it follow the
// pointer inside the focus syscall, while the button is held.
TEST(GuiInput, TimelineClickAndDragSeek) {
    LiveApp app({});
    ASSERT_TRUE(app.ready()) << app.error();
    json s = app.settle();
    Session machine(Scenario{});
    const Trace& trace = machine.trace();
    uint64_t start = focus_entry(machine);
    ASSERT_EQ(step_of(s), start);
    ASSERT_TRUE(item(s, "timeline:overview").is_array()) << s["ui"]["items"];

    // The program strip (boot folded away): a click a third of the way in.
    gui::StepSpan run = gui::overview_span(gui::boot_end_step(trace), trace.last_step(), false);
    json rect = item(s, "timeline:overview");
    double x = app.point_into(s, "timeline:overview", 0.33);
    uint64_t want = step_at(run, rect, x), slack = 2 * steps_per_pixel(run, rect) + 1;
    ASSERT_GT(distance(want, start), slack) << "the click target is where the app already is";
    app.xdo("click 1");
    s = app.wait_for([&](const json& d) { return step_of(d) != start; });
    EXPECT_LE(distance(step_of(s), want), slack) << "a click on the program strip at x=" << x
                                                 << ": step " << step_of(s) << ", want " << want;

    // Back to the focus syscall, then its zoomed strip.
    app.tap("Home", 1, 10);
    s = app.wait_for([&](const json& d) { return step_of(d) == start; });
    ASSERT_EQ(step_of(s), start);
    s = app.settle();
    int shown = s["shown_syscall"].get<int>();
    ASSERT_EQ(shown, trace.focus);
    gui::StepSpan span = gui::detail_span(trace, shown, start, trace.last_step());
    rect = item(s, "timeline:detail");
    ASSERT_TRUE(rect.is_array());
    uint64_t px = steps_per_pixel(span, rect);
    const SyscallRecord& focus = trace.syscalls[trace.focus];
    // Press at a fifth: the step under the pointer, or an event's within
    // 5 px of it (a press by a tick lands on the tick).
    x = app.point_into(s, "timeline:detail", 0.2);
    want = step_at(span, rect, x);
    app.xdo("mousedown 1");
    s = app.wait_for([&](const json& d) { return step_of(d) != start; });
    EXPECT_NE(step_of(s), start) << "a press on the zoomed strip did not seek";
    EXPECT_LE(distance(step_of(s), want), 6 * px + 1) << "a press on the zoomed strip";
    // Dragged on, still held: the step follows the pointer.
    for (double f : {0.45, 0.7}) {
        double to = std::round(rect[0].get<double>() + rect[2].get<double>() * f);
        uint64_t target = step_at(span, rect, to);
        ASSERT_GT(target, focus.entry_step);
        ASSERT_LT(target, focus.return_step) << "the drag left the syscall: the strip would move";
        app.xdo("mousemove --window " + app.window() + " " + std::to_string(std::lround(to)) + " " +
                std::to_string(std::lround(rect[1].get<double>() + rect[3].get<double>() / 2)));
        s = app.wait_for([&](const json& d) { return distance(step_of(d), target) <= px + 1; });
        EXPECT_LE(distance(step_of(s), target), px + 1)
            << "dragged to " << f << " of the strip: step " << step_of(s) << ", want " << target;
    }
    app.xdo("mouseup 1");
    uint64_t held = step_of(app.settle());
    // Released: moving the pointer no longer seeks.
    app.move_to(rect[0].get<double>() + rect[2].get<double>() * 0.9,
                rect[1].get<double>() + rect[3].get<double>() / 2);
    s = app.settle();
    EXPECT_EQ(step_of(s), held) << "the strip still seeks after the button came up";
    json q = app.quit();
    ASSERT_TRUE(q.is_object());
    EXPECT_EQ(step_of(q), held);
}
