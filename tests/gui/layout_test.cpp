// The layout holds at classroom sizes: the pure fitting arithmetic of
// model/fit.h, model/timeline.h and model/frame_view.h, then the real app
// under Xvfb at each size and mode (--screenshot --dump-state, one run each),
// checked with the layout code's own numbers ("layout_fit" in the dump):
// nothing that carries the lesson (the path graph with both exits, the
// decision banner, the flags, the pt_regs names and states) is cut off, and
// the graph's text grows with the rest.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/fit.h"
#include "model/frame_view.h"
#include "model/glossary.h"
#include "model/path_graph.h"
#include "model/source.h"
#include "model/timeline.h"
#include "slowpath/decode.h"
#include "slowpath/era.h"
#include "slowpath/session.h"
#include "slowpath/tif.h"
#include "test_shell.h"

using nlohmann::json;
using namespace slowpath;
using gui_test::quote;
using namespace slowpath::gui;

namespace {

// ---- the arithmetic ----

TEST(LayoutFit, ScaleGrowsWithTheWindowAndStaysUnderTheCap) {
    EXPECT_FLOAT_EQ(ui_scale_for(1, 1, 1280, 800, false), 1.0f);
    EXPECT_GT(ui_scale_for(1, 1, 1920, 1080, false), 1.1f);  // 13 px body text was too small
    EXPECT_GT(ui_scale_for(1, 1, 1920, 1080, true), ui_scale_for(1, 1, 1920, 1080, false));
    EXPECT_GT(ui_scale_for(1, 1, 3840, 2160, true), 2.5f);
    // Zoom 2 at 720p would double the text; the window cannot hold that.
    float z = ui_scale_for(1, 2, 1280, 720, true);
    EXPECT_LE(z, max_scale_for_window(1280, 720, true) + 0.03f);
    EXPECT_GE(z, ui_scale_for(1, 1, 1280, 720, true));
    // Controls grow at half the rate.
    EXPECT_FLOAT_EQ(controls_font_factor(1.0f), 1.0f);
    EXPECT_NEAR(controls_font_factor(2.0f) * 2.0f, 1.5f, 1e-5);
}

TEST(LayoutFit, GraphPicksTheShapeWithTheLargerText) {
    GraphShape one{{10, 12, 8}, {1, 1, 1}};  // wide, short
    GraphShape two{{5, 6, 4}, {2, 2, 2}};    // narrow, tall
    // A wide, low area: one line wins.
    GraphFit wide = fit_graph({one, two}, 1200, 150, 8, 40);
    EXPECT_TRUE(wide.fits);
    EXPECT_EQ(wide.shape, 0);
    EXPECT_LE(wide.width, 1200.0f + 0.01f);
    EXPECT_LE(wide.height, 150.0f + 0.01f);
    // A narrow, tall area: the split names win with a larger font.
    GraphFit narrow = fit_graph({one, two}, 400, 600, 8, 40);
    EXPECT_TRUE(narrow.fits);
    EXPECT_EQ(narrow.shape, 1);
    EXPECT_GT(narrow.font, fit_graph({one}, 400, 600, 8, 40).font);
    // Too small for the minimum: reported, drawn at the minimum, scrolls.
    GraphFit tiny = fit_graph({one, two}, 100, 50, 10, 40);
    EXPECT_FALSE(tiny.fits);
    EXPECT_FLOAT_EQ(tiny.font, 10.0f);
    // Never above the maximum.
    EXPECT_FLOAT_EQ(fit_graph({one}, 5000, 5000, 8, 20).font, 20.0f);
}

// The line of C calls under a node has room of its own: it covers no node
// of the row below, in any era, at the label sizes of 1280x720 up to 4K
// (syscall_exit_slowpath's calls over sysret_using_iret in the RFC,
// exit_to_user_mode_loop's over native_irq_return_iret in modern).
TEST(LayoutFit, GraphCallLinesClearEveryNode) {
    for (Era era : {Era::V3_13, Era::Rfc, Era::Modern}) {
        PathGraph graph = make_path_graph(era);
        int cols = 0, rows = 0;
        for (const GraphNode& n : graph.nodes) {
            cols = std::max(cols, n.col + 1);
            rows = std::max(rows, n.row + 1);
        }
        // The panel's three shapes; DejaVu Sans Bold is about 0.64 em a letter.
        for (size_t split_above : {size_t(1000), size_t(17), size_t(12)}) {
            GraphShape shape{std::vector<float>(cols, 3.0f), std::vector<int>(rows, 1)};
            std::vector<float> label_em(graph.nodes.size());
            for (size_t i = 0; i < graph.nodes.size(); i++) {
                const GraphNode& n = graph.nodes[i];
                auto parts = n.name.size() > split_above ? split_label(n.name)
                                                         : std::make_pair(n.name, std::string());
                if (!parts.second.empty()) shape.row_lines[n.row] = 2;
                label_em[i] = 0.64f * std::max(parts.first.size(), parts.second.size());
                shape.col_text_em[n.col] = std::max(shape.col_text_em[n.col], label_em[i]);
            }
            for (float font : {10.8f, 15.0f, 17.25f, 34.5f}) {
                SCOPED_TRACE(std::string(era_info(era).name) + " split above " +
                             std::to_string(split_above) + " at " + std::to_string(font) + " px");
                // Rows apart: every node but the exits has its line, clear
                // of every node, inside the drawing.
                GraphLayout layout = layout_graph(graph, shape, label_em, font);
                EXPECT_EQ(graph_overlaps(graph, layout), std::vector<std::string>{});
                for (size_t k = 0; k < graph.nodes.size(); k++) {
                    const GraphNode& n = graph.nodes[k];
                    const GraphRect& room = layout.calls[k];
                    if (n.kind == NodeKind::Exit) {
                        EXPECT_TRUE(room.empty()) << n.name;
                        continue;
                    }
                    ASSERT_FALSE(room.empty()) << n.name << ": no room for its calls";
                    EXPECT_GE(room.y0, layout.nodes[k].y1) << n.name;
                    EXPECT_GE(room.y1 - room.y0, layout.call_font * 0.99f) << n.name;
                    EXPECT_LE(room.y1, layout.height + 0.01f) << n.name;
                }
                // Rows closed up (a crowded panel): fewer lines, none over a node.
                GraphGeometry tight;
                tight.call_rooms = false;
                GraphLayout close = layout_graph(graph, shape, label_em, font, tight);
                EXPECT_LT(close.height, layout.height);
                EXPECT_EQ(graph_overlaps(graph, close), std::vector<std::string>{});
            }
        }
    }
}

// The status bar's message is cut at a character, never inside one, and the
// ellipsis counts in the width.
TEST(LayoutFit, CutToFitKeepsWholeCharactersAndTheEllipsis) {
    // One pixel per byte: "…" is three bytes, so three pixels.
    auto bytes = [](const std::string& t) { return static_cast<float>(t.size()); };
    EXPECT_EQ(cut_to_fit("saved /tmp/x.png", 100, bytes), "saved /tmp/x.png");
    EXPECT_EQ(cut_to_fit("saved /tmp/x.png", 8, bytes), "saved\xe2\x80\xa6");
    EXPECT_EQ(cut_to_fit("abc", 2, bytes), "");
    // "é" is two bytes: a cut that would split it ends before it.
    const std::string word =
        "ab\xc3\xa9"
        "cdef";
    EXPECT_EQ(cut_to_fit(word, 6, bytes), "ab\xe2\x80\xa6");
    EXPECT_EQ(cut_to_fit(word, 7, bytes), "ab\xc3\xa9\xe2\x80\xa6");
}

TEST(LayoutFit, SplitLabelAtTheMiddleUnderscore) {
    EXPECT_EQ(split_label("system_call_after_swapgs"),
              std::make_pair(std::string("system_call_"), std::string("after_swapgs")));
    EXPECT_EQ(split_label("int_check_syscall_exit_work").second.empty(), false);
    EXPECT_EQ(split_label("sysretq"), std::make_pair(std::string("sysretq"), std::string()));
}

TEST(LayoutFit, StackColumnsDropTheAddressThenDigitsNeverTheName) {
    StackColumns wide = fit_stack_columns(80, 24);
    EXPECT_TRUE(wide.fits);
    EXPECT_TRUE(wide.address);
    EXPECT_EQ(wide.value_chars, 16);
    StackColumns mid = fit_stack_columns(wide.width - 3, 24);
    EXPECT_TRUE(mid.fits);
    EXPECT_FALSE(mid.address);
    EXPECT_EQ(mid.value_chars, 16);
    StackColumns narrow = fit_stack_columns(mid.width - 4, 24);
    EXPECT_TRUE(narrow.fits);
    EXPECT_EQ(narrow.value_chars, 12);
    EXPECT_LE(narrow.x_meaning + 24, mid.width - 4 + 1e-3);
    EXPECT_FALSE(fit_stack_columns(20, 24).fits);
}

TEST(LayoutFit, StackScrollKeepsTheFrameTopWhileRspFits) {
    const float line = 20, view = 400;
    // After SAVE_REST rsp is 21 slots below the header: 440 px, too far:
    // rsp wins.
    EXPECT_GT(stack_scroll_target(0, 22 * line, line, view, 0), 0.0f);
    // rsp 12 rows under the header, view scrolled past the header: back up.
    EXPECT_FLOAT_EQ(stack_scroll_target(5 * line, 17 * line, line, view, 8 * line), 4.5f * line);
    // Both in view: no move.
    EXPECT_FLOAT_EQ(stack_scroll_target(2 * line, 10 * line, line, view, 0), 0.0f);
}

TEST(LayoutFit, GridShrinksBeforeItOverflows) {
    GridFit g = fit_grid(14, 200, 24, 4, 420, 7 * 28, 0.75f);
    EXPECT_TRUE(g.fits);
    EXPECT_EQ(g.cols, 2);
    EXPECT_FLOAT_EQ(g.factor, 1.0f);
    GridFit tight = fit_grid(14, 200, 24, 4, 420, 6 * 28, 0.75f);
    EXPECT_TRUE(tight.fits);
    EXPECT_LT(tight.factor, 1.0f);
    EXPECT_GE(tight.cols, 2);
    EXPECT_FALSE(fit_grid(14, 200, 24, 4, 100, 50, 0.75f).fits);
}

TEST(LayoutFit, TimelineLabelsDoNotOverlapAndHighFirst) {
    std::vector<float> x = {100, 105, 300};
    std::vector<float> w = {40, 40, 40};
    std::vector<bool> shown = place_labels(x, w, {1, 5, 1}, 0, 400, 2);
    EXPECT_FALSE(shown[0]);  // under the higher-priority label
    EXPECT_TRUE(shown[1]);
    EXPECT_TRUE(shown[2]);
    StepSpan s = overview_span(60000, 67000, false);
    EXPECT_EQ(s.lo, 60000u);
    EXPECT_EQ(overview_span(60000, 67000, true).lo, 0u);
    EXPECT_EQ(step_of_x(s, x_of_step(s, 63000, 10, 500), 10, 500), 63000u);
}

// ---- the glossary and the project's NOTE lines ----

TEST(Glossary, EveryTermOfTheLessonHasAnEntryWithAPointer) {
    for (const char* term : {"TIF", "pt_regs", "swapgs", "sysret", "iret", "old_rsp",
                             "FIXUP_TOP_OF_STACK", "SAVE_REST", "partial frame"}) {
        const GlossaryEntry* e = glossary_entry(term);
        ASSERT_NE(e, nullptr) << term;
        EXPECT_GT(std::string(e->text).size(), 60u) << term;
        EXPECT_NE(std::string(e->where).find("panel"), std::string::npos) << term;
    }
    EXPECT_EQ(glossary_entry("TIF_SIGPENDING"), glossary_entry("TIF"));
    EXPECT_EQ(glossary_term_in("    swapgs"), glossary_entry("swapgs"));
    EXPECT_EQ(glossary_term_in("    movq %rsp, PER_CPU_VAR(old_rsp)"), glossary_entry("old_rsp"));
    EXPECT_EQ(glossary_term_in("    USERGS_SYSRET64"), nullptr);
    EXPECT_EQ(glossary_term_in("not_swapgs_here"), nullptr);  // whole words only
}

TEST(SourceView, ProjectNotesAreFoundAndHiddenByDefault) {
    // The real entry source: its NOTE lines are ours, the rest is kernel code.
    std::ifstream in(std::string(SLOWPATH_SOURCE_DIR) + "/guest/entry/v3.13/entry_64.S");
    ASSERT_TRUE(in);
    SourceFile f;
    f.name = "entry_64.S";
    std::string line;
    while (std::getline(in, line)) {
        if (is_project_note(line)) f.note_lines.push_back(static_cast<int>(f.lines.size() + 1));
        f.lines.push_back(line);
    }
    ASSERT_GT(f.note_lines.size(), 3u);
    std::vector<int> shown = visible_lines(f, false);
    EXPECT_EQ(shown.size() + f.note_lines.size(), f.lines.size());
    for (int n : shown) EXPECT_FALSE(is_project_note(f.lines[n - 1])) << n;
    EXPECT_EQ(visible_lines(f, true).size(), f.lines.size());
    EXPECT_FALSE(is_project_note("    swapgs"));
}

// ---- the emulator's frame, as the panels name its slots ----

TEST(LayoutFit, SysretDecisionShowsTheFrameRestoredNotUnsaved) {
    Scenario sc;
    Session session(sc);
    const Trace& t = session.trace();
    size_t decision = 0;
    for (size_t i = 0; i < t.events.size(); i++)
        if (t.events[i].kind == EventKind::Decision && t.events[i].syscall >= 0 &&
            t.syscalls[t.events[i].syscall].is_focus)
            decision = i;
    ASSERT_GT(decision, 0u);
    const Event& d = t.events[decision];
    session.seek(d.step);
    uint32_t released = released_frame_mask(t, d.syscall, d.step);
    PtRegsView regs = session.pt_regs();
    ASSERT_TRUE(regs.present);
    // At the sysret decision the machine says nothing is valid (the frame
    // was released), yet the partial frame was saved.
    ASSERT_EQ(session.frame_valid_mask(), 0u);
    {
        EXPECT_EQ(released, valid_mask_partial_frame());
        int rip = pt_regs_slot_index("rip");
        EXPECT_EQ(shown_slot_state(regs.slots[rip].state, rip, released), ShownSlotState::Restored);
        EXPECT_EQ(frame_summary(regs, released).find("0 of"), std::string::npos);
        EXPECT_NE(frame_summary(regs, released).find("restored"), std::string::npos);
    }
    // r15 was never saved on the fast path.
    EXPECT_EQ(shown_slot_state(regs.slots[0].state, 0, released), ShownSlotState::NotSaved);
    // Before the exit path the frame is not released.
    session.seek(t.syscalls[d.syscall].entry_step + 20);
    EXPECT_EQ(released_frame_mask(t, d.syscall, session.step()), 0u);
}

TEST(LayoutFit, IretPathShowsRestoredSlotsBesideTheIretFrame) {
    Scenario sc;
    sc.injections = {parse_injection("SIGPENDING@exit")};
    Session session(sc);
    const Trace& t = session.trace();
    std::optional<Event> iret;
    for (const Event& e : t.events)
        if (e.kind == EventKind::Iret && e.syscall >= 0 && t.syscalls[e.syscall].is_focus) {
            iret = e;
            break;
        }
    ASSERT_TRUE(iret);
    session.seek(iret->step);  // at iretq: only the five slots it reads are in use
    uint32_t released = released_frame_mask(t, iret->syscall, iret->step);
    uint32_t now = session.frame_valid_mask();
    EXPECT_NE(now, 0u);
    EXPECT_EQ(released & now, 0u);
    PtRegsView regs = session.pt_regs();
    int orig = pt_regs_slot_index("orig_rax"), rip = pt_regs_slot_index("rip");
    EXPECT_EQ(shown_slot_state(regs.slots[orig].state, orig, released), ShownSlotState::Restored);
    EXPECT_EQ(shown_slot_state(regs.slots[rip].state, rip, released), ShownSlotState::Saved);
    // SAVE_REST ran on this path: r15 was saved, then restored.
    EXPECT_EQ(shown_slot_state(regs.slots[0].state, 0, released), ShownSlotState::Restored);
}

// ---- the app at each size and mode ----

struct Mode {
    int w, h;
    bool presenter;
    float zoom;
    bool tour;
};

std::string name_of(const Mode& m) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%dx%d_%s_zoom%02d%s", m.w, m.h,
                  m.presenter ? "presenter" : "normal", static_cast<int>(m.zoom * 10),
                  m.tour ? "_tour" : "");
    return buf;
}

json run_mode(const Mode& m, const std::vector<std::string>& extra, const std::string& tag) {
    std::string base = testing::TempDir() + "layout_" + name_of(m) + tag;
    std::string dump = base + ".json", png = base + ".png", err = base + ".stderr";
    std::remove(dump.c_str());
    std::string size = std::to_string(m.w) + "x" + std::to_string(m.h);
    std::string screen = std::to_string(m.w + 16) + "x" + std::to_string(m.h + 16) + "x24";
    // A server that did not start at all is tried once more (with_xvfb.sh).
    for (int attempt = 0; attempt < 2; attempt++) {
        std::string cmd = std::string(XVFB_RUN) + " -s " + quote("-screen 0 " + screen) + " " +
                          quote(SLOWPATH_APP) + " --no-settings --size " + size + " --zoom " +
                          std::to_string(m.zoom);
        if (m.presenter) cmd += " --presenter";
        if (m.tour)
            cmd += " --walkthrough " +
                   quote(std::string(SLOWPATH_WALKTHROUGHS) + "/03-signal-v3.13.yaml");
        for (const std::string& a : extra) cmd += " " + quote(a);
        cmd += " --dump-state " + quote(dump) + " --screenshot " + quote(png) + " 2>" + quote(err) +
               " >/dev/null";
        int st = std::system(cmd.c_str());
        std::ifstream e(err);
        std::string text((std::istreambuf_iterator<char>(e)), std::istreambuf_iterator<char>());
        if (text.find("with_xvfb: error") != std::string::npos) continue;
        EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << cmd << "\n" << text;
        break;
    }
    std::ifstream in(dump);
    json state;
    if (!in) {
        ADD_FAILURE() << "no dump at " << dump;
        return state;
    }
    in >> state;
    return state;
}

void expect_lesson_fits(const json& s, const Mode& m, const char* what) {
    SCOPED_TRACE(name_of(m) + " " + what);
    ASSERT_TRUE(s.contains("layout_fit"));
    const json& fit = s["layout_fit"];
    for (const char* panel : {"path", "stack", "tif"}) {
        ASSERT_TRUE(fit.contains(panel)) << panel << " not drawn: " << fit.dump();
        EXPECT_TRUE(fit[panel]["fits"].get<bool>()) << panel << ": " << fit[panel].dump();
        EXPECT_TRUE(fit[panel]["clipped"].empty()) << panel << ": " << fit[panel].dump();
    }
    // A tab group's labels whole: ImGui shrinks tabs that do not fit and
    // cuts their labels ("Registers and...").
    for (const auto& [id, report] : fit.items()) {
        if (id.rfind("tabs:", 0) != 0) continue;
        EXPECT_TRUE(report["fits"].get<bool>()) << id << ": " << report.dump();
        EXPECT_TRUE(report["clipped"].empty()) << id << ": " << report.dump();
    }
    if (m.presenter && !m.tour) {
        EXPECT_TRUE(fit.contains("tabs:more")) << fit.dump();
    }
    // The registers panel, where it is drawn (presenter mode has it on a
    // tab): no note cut at its column's edge, no column past the panel.
    if (fit.contains("regs")) {
        EXPECT_TRUE(fit["regs"]["fits"].get<bool>()) << "regs: " << fit["regs"].dump();
        EXPECT_TRUE(fit["regs"]["clipped"].empty()) << "regs: " << fit["regs"].dump();
    }
    // The graph's text follows the body text (15 px at scale 1).
    float scale = s["ui"]["scale"].get<float>();
    float graph_font = fit["path"]["font"].get<float>();
    EXPECT_GE(graph_font, 15.0f * scale * 0.7f) << "graph labels smaller than the rest";
    EXPECT_GE(graph_font, 10.0f);
    // The graph's drawing is inside its panel, both exits included.
    EXPECT_LE(fit["path"]["content"][0].get<float>(), fit["path"]["avail"][0].get<float>() + 1);
    // The window really is that size and the scale grows with it.
    EXPECT_EQ(s["ui"]["framebuffer"][0].get<int>(), m.w);
    EXPECT_EQ(s["ui"]["framebuffer"][1].get<int>(), m.h);
    // Every panel's ImGui window, the status bar's too, ends at the edge of
    // the window, not past it. (Child windows are named "parent/child".)
    int top_level = 0;
    for (const json& w : s["ui"]["windows"]) {
        std::string name = w["name"];
        if (name.find('/') != std::string::npos || name.rfind("##Tooltip", 0) == 0) continue;
        top_level++;
        const json& r = w["rect"];
        EXPECT_GE(r[0].get<float>(), 0.0f) << name;
        EXPECT_GE(r[1].get<float>(), 0.0f) << name;
        EXPECT_LE(r[0].get<float>() + r[2].get<float>(), m.w + 0.5f) << name << " " << r.dump();
        EXPECT_LE(r[1].get<float>() + r[3].get<float>(), m.h + 0.5f) << name << " " << r.dump();
    }
    EXPECT_GT(top_level, 3);
}

class LayoutHolds : public testing::TestWithParam<Mode> {};

// Two states per mode in one run would need two runs: the decision of a
// signal's iret (long banner text, full frame after SAVE_REST) carries most.
TEST_P(LayoutHolds, NothingOfTheLessonIsCut) {
    const Mode& m = GetParam();
    json s = run_mode(m, {"--inject", "SIGPENDING@exit", "--commands", "decision; step 3"}, "");
    ASSERT_FALSE(s.is_null());
    ASSERT_TRUE(s["error"].is_null()) << s["error"];
    expect_lesson_fits(s, m, "at the iret decision");
    if (!m.tour) {
        EXPECT_EQ(s["decision"]["exit"], "iret");  // a tour runs its own scenario
    }
    if (m.presenter) {
        // Presenter mode gives the graph the whole width of the body.
        for (const json& p : s["ui"]["panels"]) {
            if (p["id"] == "path" && !m.tour) {
                EXPECT_GE(p["rect"][2].get<float>(), m.w - 1.0f);
            }
        }
    }
}

// The line of C calls under the graph's nodes ("↳ sys_getpid()", "↳ 9
// calls") is given up only in a crowded panel, never at the classroom sizes;
// the flags panel's "last check" line ends inside the panel.
class CallLinesShown : public testing::TestWithParam<Mode> {};

TEST_P(CallLinesShown, AtTheDecisionOfASignal) {
    const Mode& m = GetParam();
    json s = run_mode(m, {"--inject", "SIGPENDING@exit", "--commands", "decision"}, "_calls");
    ASSERT_FALSE(s.is_null());
    SCOPED_TRACE(name_of(m));
    const json& fit = s["layout_fit"];
    ASSERT_TRUE(fit.contains("path")) << fit.dump();
    ASSERT_TRUE(fit["path"]["shown"].contains("call lines")) << fit["path"].dump();
    EXPECT_TRUE(fit["path"]["shown"]["call lines"].get<bool>()) << fit["path"].dump();
    ASSERT_TRUE(fit.contains("tif")) << fit.dump();
    EXPECT_TRUE(fit["tif"]["clipped"].empty()) << fit["tif"].dump();
}

INSTANTIATE_TEST_SUITE_P(Sizes, CallLinesShown,
                         testing::Values(Mode{1280, 720, false, 1.0f, false},
                                         Mode{1280, 800, false, 1.0f, false},
                                         Mode{1280, 800, true, 1.0f, false},
                                         Mode{1920, 1080, false, 1.0f, false}),
                         [](const testing::TestParamInfo<Mode>& info) {
                             std::string n = name_of(info.param);
                             for (char& c : n)
                                 if (c == '.') c = '_';
                             return n;
                         });

// The longest reason a decision gives (a tracer's non-canonical rip, with
// the CVE-2012-0217 note) wraps to three lines at 1280 px: the banner grows
// to hold them instead of cutting the last one off.
class LongReasonFits : public testing::TestWithParam<Mode> {};

TEST_P(LongReasonFits, TheDecisionBannerHoldsATamperedRipsReason) {
    const Mode& m = GetParam();
    for (const char* era : {"v3.13", "rfc", "modern"}) {
        std::string line = std::string("slowpath:") + era +
                           "/getpid/tamper:rip=0x800000000000/tamper:rcx=0x800000000000/"
                           "signal:ignore/at=decision";
        json s = run_mode(m, {line}, std::string("_reason_") + era);
        ASSERT_FALSE(s.is_null());
        SCOPED_TRACE(name_of(m) + " " + era);
        ASSERT_TRUE(s["decision"].is_object()) << s["step"];
        const json& fit = s["layout_fit"];
        ASSERT_TRUE(fit.contains("path")) << fit.dump();
        EXPECT_TRUE(fit["path"]["clipped"].empty()) << fit["path"].dump();
    }
}

INSTANTIATE_TEST_SUITE_P(Sizes, LongReasonFits,
                         testing::Values(Mode{1280, 720, false, 1.0f, false},
                                         Mode{1280, 800, false, 1.0f, false},
                                         Mode{1280, 800, true, 1.0f, false}),
                         [](const testing::TestParamInfo<Mode>& info) {
                             std::string n = name_of(info.param);
                             for (char& c : n)
                                 if (c == '.') c = '_';
                             return n;
                         });

std::vector<Mode> modes() {
    std::vector<Mode> out;
    const int sizes[][2] = {{1280, 720}, {1280, 800}, {1920, 1080}, {3840, 2160}};
    for (auto [w, h] : sizes)
        for (bool presenter : {false, true}) {
            out.push_back({w, h, presenter, 1.0f, false});
            out.push_back({w, h, presenter, 2.0f, false});
            out.push_back({w, h, presenter, 1.4f, true});
        }
    return out;
}

// Compare mode with all three eras: three columns, each with its route by
// role and its decision banner, at the smallest classroom size and at 1080p.
class CompareLayoutHolds : public testing::TestWithParam<Mode> {};

TEST_P(CompareLayoutHolds, ThreeColumnsKeepTheirRolesAndBanners) {
    const Mode& m = GetParam();
    json s = run_mode(
        m,
        {"--compare", "v3.13,rfc,modern", "--inject", "SIGPENDING@exit", "--commands", "decision"},
        "_compare3");
    ASSERT_FALSE(s.is_null());
    SCOPED_TRACE(name_of(m));
    EXPECT_EQ(s["compare_eras"], json::array({"v3.13", "rfc", "modern"}));
    ASSERT_EQ(s["compare_panes"].size(), 2u);
    ASSERT_TRUE(s["layout_fit"].contains("compare")) << s["layout_fit"].dump();
    const json& fit = s["layout_fit"]["compare"];
    EXPECT_TRUE(fit["fits"].get<bool>()) << fit.dump();
    EXPECT_TRUE(fit["clipped"].empty()) << fit.dump();
    // Three columns across the window, none wider than a third of it.
    EXPECT_LE(fit["avail"][0].get<float>(), m.w / 3.0f);
    EXPECT_GE(fit["avail"][0].get<float>(), m.w / 3.0f - 40.0f);
    // The route text stays readable.
    EXPECT_GE(fit["font"].get<float>(), 10.0f);
    EXPECT_EQ(s["decision"]["exit"], "iret");
    for (const json& p : s["compare_panes"]) EXPECT_EQ(p["decision"]["exit"], "iret");
    EXPECT_EQ(s["ui"]["framebuffer"][0].get<int>(), m.w);
}

INSTANTIATE_TEST_SUITE_P(Sizes, CompareLayoutHolds,
                         testing::Values(Mode{1280, 720, false, 1.0f, false},
                                         Mode{1920, 1080, false, 1.0f, false},
                                         Mode{1280, 720, true, 1.0f, false}),
                         [](const testing::TestParamInfo<Mode>& info) {
                             std::string n = name_of(info.param);
                             for (char& c : n)
                                 if (c == '.') c = '_';
                             return n;
                         });

INSTANTIATE_TEST_SUITE_P(Sizes, LayoutHolds, testing::ValuesIn(modes()),
                         [](const testing::TestParamInfo<Mode>& info) {
                             std::string n = name_of(info.param);
                             for (char& c : n)
                                 if (c == '.') c = '_';
                             return n;
                         });

// The other eras' graphs at each size: the RFC's and modern's C calls hang
// under their nodes (a signal at exit calls the most), the registers tab
// brought to the front in presenter mode.
struct EraMode {
    Mode mode;
    const char* era;
};

class LayoutHoldsEveryEra : public testing::TestWithParam<EraMode> {};

TEST_P(LayoutHoldsEveryEra, GraphAndRegistersFit) {
    const EraMode& p = GetParam();
    // At the decision the CPU is still in the kernel: every pt_regs slot
    // has its note (restored, not saved) in the registers panel.
    std::string script = "decision";
    if (p.mode.presenter) script += "; point panel:regs";
    json s = run_mode(p.mode, {"--era", p.era, "--inject", "SIGPENDING@exit", "--commands", script},
                      std::string("_") + p.era);
    ASSERT_FALSE(s.is_null());
    ASSERT_TRUE(s["error"].is_null()) << s["error"];
    EXPECT_EQ(s["scenario"]["era"], p.era);
    expect_lesson_fits(s, p.mode, p.era);
    EXPECT_TRUE(s["layout_fit"].contains("regs")) << "the registers were not drawn";
    EXPECT_EQ(s["cpl"], 0);
}

std::vector<EraMode> era_modes() {
    std::vector<EraMode> out;
    const int sizes[][2] = {{1280, 720}, {1280, 800}, {1920, 1080}, {3840, 2160}};
    for (const char* era : {"rfc", "modern"})
        for (auto [w, h] : sizes)
            for (bool presenter : {false, true})
                out.push_back({{w, h, presenter, 1.0f, false}, era});
    return out;
}

INSTANTIATE_TEST_SUITE_P(Sizes, LayoutHoldsEveryEra, testing::ValuesIn(era_modes()),
                         [](const testing::TestParamInfo<EraMode>& info) {
                             return std::string(info.param.era == std::string("rfc") ? "rfc"
                                                                                     : "modern") +
                                    "_" + name_of(info.param.mode);
                         });

// The frame's vertices, by window, on the benchmark's screen (the first
// label after the start): llvmpipe's cost of a frame follows them. The
// ceilings hold what the hatching from the atlas (one quad a row, not a line
// a stroke) and the graph's curves by tolerance bought; a panel that goes
// back to a primitive per stroke or per segment fails here.
TEST(DrawCost, VerticesOfTheBenchScreenStayUnderTheirCeilings) {
    Mode m{1280, 800, false, 1.0f, false};
    json s = run_mode(m, {"--commands", "next-label"}, "_vertices");
    ASSERT_FALSE(s.is_null());
    auto vertices_of = [&](const std::string& prefix) {
        for (const json& w : s["ui"]["windows"])
            if (w["name"].get<std::string>().rfind(prefix, 0) == 0) return w["vertices"].get<int>();
        ADD_FAILURE() << "no window " << prefix;
        return -1;
    };
    int total = 0;
    for (const json& w : s["ui"]["windows"]) total += w["vertices"].get<int>();
    // Before: 4,168-4,276 in the stack, 2,936 in the registers, 3,856-3,960
    // in the graph, 22,135 in all.
    EXPECT_LE(vertices_of("Kernel stack###stack/##stack_"), 2400);
    EXPECT_GT(vertices_of("Kernel stack###stack/##stack_"), 500);  // it was drawn
    EXPECT_LE(vertices_of("Registers and pt_regs###regs/##regs_"), 1900);
    EXPECT_LE(vertices_of("Path###path/##graph_"), 3600);
    EXPECT_LE(vertices_of("Controls###controls"), 4400);
    EXPECT_LE(total, 19500);
    EXPECT_GT(total, 8000);
}

}  // namespace
