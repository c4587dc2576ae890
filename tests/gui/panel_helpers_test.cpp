// The pure helpers the compare, narration and controls panels draw with
// (model/compare_route.h, model/narration_layout.h, model/timeline.h):
// chips and words flowed into lines with made-up widths, and what the
// columns, the banner and the timeline say about a booted session.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/compare_route.h"
#include "model/narration_layout.h"
#include "model/pane.h"
#include "model/roles.h"
#include "model/timeline.h"
#include "slowpath/session.h"

using namespace slowpath;
using namespace slowpath::gui;

namespace {

// Ten pixels a byte: widths a test can add up.
float ten_a_byte(const std::string& text) {
    return 10.0f * static_cast<float>(text.size());
}

TEST(ComparePanelModel, ChipsFlowAndWrapAtTheWidth) {
    std::vector<RouteChip> chips = {{"a"}, {"bb"}, {"ccc"}};
    // Widths with a pad of 1 each side: 12, 22, 32; a gap of 2.
    ChipFlow flow = flow_chips(chips, 40, 1, 2, ten_a_byte);
    ASSERT_EQ(flow.places.size(), 3u);
    EXPECT_EQ(flow.places[0].x, 0);
    EXPECT_EQ(flow.places[0].w, 12);
    EXPECT_EQ(flow.places[1].x, 14);
    EXPECT_EQ(flow.places[1].line, 0) << "14 + 22 = 36 fits in 40";
    EXPECT_EQ(flow.places[2].x, 0) << "38 + 32 does not";
    EXPECT_EQ(flow.places[2].line, 1);
    EXPECT_EQ(flow.lines, 2);
    // A chip wider than the row still takes a line of its own.
    ChipFlow narrow = flow_chips(chips, 5, 1, 2, ten_a_byte);
    EXPECT_EQ(narrow.lines, 3);
    EXPECT_EQ(flow_chips({}, 40, 1, 2, ten_a_byte).lines, 1);
    EXPECT_EQ(chip_text({"do_notify_resume", 3, false, true}),
              "do_notify_resume() \xc3\x97"
              "3");
    EXPECT_EQ(chip_text({"sysret_check", 1, false, false}), "sysret_check");
}

TEST(ComparePanelModel, ChipsByRoleAndTheBannerOfARealRun) {
    Scenario sc;
    sc.era = Era::Rfc;
    Pane pane;
    pane.load(sc, [](const Trace& t) { return t.syscalls[t.focus].return_step; });
    ASSERT_TRUE(pane.ok()) << pane.error();
    RoleSpans spans = role_spans(*pane.trace(), Era::Rfc);
    RouteChips chips = chips_by_role(pane, spans);
    const auto& entry = chips[static_cast<size_t>(PathRole::Entry)];
    ASSERT_FALSE(entry.empty());
    EXPECT_EQ(entry.front().name, "system_call");
    const auto& exit = chips[static_cast<size_t>(PathRole::Exit)];
    ASSERT_FALSE(exit.empty());
    EXPECT_EQ(exit.back().name, "sysretq") << "getpid with no work leaves by sysret";
    EXPECT_TRUE(exit.back().current);
    int current = 0;
    for (const auto& role : chips)
        for (const RouteChip& c : role) current += c.current;
    EXPECT_EQ(current, 1) << "one chip is where the column is";
    const auto& handler = chips[static_cast<size_t>(PathRole::Handler)];
    bool getpid = false;
    for (const RouteChip& c : handler) getpid |= c.name == "sys_getpid" && c.function;
    EXPECT_TRUE(getpid);

    CompareBanner b = compare_banner(pane);
    EXPECT_TRUE(b.decided);
    EXPECT_TRUE(b.sysret);
    EXPECT_EQ(b.head, "SYSRET");
    ASSERT_TRUE(pane.now().decision);
    EXPECT_EQ(b.why, decision_why(pane.trace()->events[*pane.now().decision]));

    pane.load(sc, std::optional<uint64_t>(0));
    CompareBanner start = compare_banner(pane);
    EXPECT_FALSE(start.decided);
    EXPECT_EQ(start.head, "no syscall yet");
}

TEST(NarrationPanelModel, WordsWrapAsUnitsAndDropASpaceAtALineStart) {
    // "ab " "cd " "ef", three pixels each, in seven.
    WordFlow f = flow_words({"ab ", "cd ", "ef"}, {3, 3, 3}, 7, 0);
    ASSERT_EQ(f.places.size(), 3u);
    EXPECT_EQ(f.places[1].x, 3);
    EXPECT_EQ(f.places[1].line, 0);
    EXPECT_EQ(f.places[2].x, 0);
    EXPECT_EQ(f.places[2].line, 1);
    EXPECT_EQ(f.lines, 2);
    // "`r11`" ");" with no space between: one unit, wrapped together.
    WordFlow unit = flow_words({"see ", "r11", "); "}, {4, 3, 3}, 8, 0);
    EXPECT_EQ(unit.places[1].line, 1) << "4 + 3 + 3 is over 8";
    EXPECT_EQ(unit.places[2].line, 1);
    EXPECT_EQ(unit.places[2].x, 3);
    // A space that would begin a line is not drawn; the indent holds.
    WordFlow space = flow_words({"aaaa ", " ", "b"}, {5, 1, 1}, 7, 2);
    EXPECT_EQ(space.places[0].x, 2);
    EXPECT_FALSE(space.places[1].drawn);
    EXPECT_EQ(space.places[2].x, 2);
    EXPECT_EQ(space.places[2].line, 1);
    // The first word of a line never wraps, however wide.
    EXPECT_EQ(flow_words({"wide"}, {100}, 7, 0).lines, 1);
}

TEST(NarrationPanelModel, ParagraphsJoinAndTheVerdictSaysWho) {
    auto lines = joined_narration("one\ntwo\n\n- a\n  b\nthree\n");
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_EQ(lines[0].kind, NarrationLine::Kind::Paragraph);
    ASSERT_EQ(lines[0].spans.size(), 3u);
    EXPECT_EQ(lines[0].spans[0].text + lines[0].spans[1].text + lines[0].spans[2].text, "one two");
    EXPECT_EQ(lines[1].kind, NarrationLine::Kind::Blank);
    EXPECT_EQ(lines[2].kind, NarrationLine::Kind::Bullet);
    EXPECT_EQ(lines[2].spans.back().text, "b") << "the indented line continues the item";
    EXPECT_EQ(lines[3].kind, NarrationLine::Kind::Paragraph);

    Question q;
    q.question = "which exit?";
    q.choices = {"sysret", "iret"};
    q.answer = 1;
    TourAnswer v;
    v.question = &q;
    EXPECT_EQ(verdict_headline(v), "The answer: iret");
    v.chosen = 1;
    EXPECT_EQ(verdict_headline(v), "Right: iret");
    v.chosen = 0;
    EXPECT_EQ(verdict_headline(v), "Not quite. You said sysret; the answer is iret");

    EXPECT_EQ(shot_file_name("03-x.png", 1, "rfc"), "03-x.png");
    EXPECT_EQ(shot_file_name("03-x.png", 2, "rfc"), "03-x-rfc.png");
    EXPECT_EQ(shot_file_name("shot", 3, "modern"), "shot-modern");
}

TEST(ControlsPanelModel, TimelineTicksBarsAndWhatAStepIs) {
    Event e;
    e.kind = EventKind::Sysret;
    EXPECT_EQ(timeline_tick(e)->label, "sysretq");
    EXPECT_TRUE(timeline_tick(e)->major());
    e.kind = EventKind::Label;
    e.name = "sysret_check";
    EXPECT_EQ(timeline_tick(e)->label, "sysret_check");
    EXPECT_FALSE(timeline_tick(e)->major());
    e.kind = EventKind::Inject;
    EXPECT_FALSE(timeline_tick(e)) << "the host's injections get no tick";
    e.kind = EventKind::Call;
    ASSERT_TRUE(timeline_tick(e));
    EXPECT_EQ(timeline_tick(e)->priority, 0);
    EXPECT_TRUE(timeline_tick(e)->label.empty());

    Scenario sc;
    Session s(sc);
    const Trace& t = s.trace();
    const SyscallRecord& focus = t.syscalls[t.focus];
    uint64_t boot_end = boot_end_step(t);
    ASSERT_GT(boot_end, 0u);
    EXPECT_EQ(overview_what(t, 0, boot_end), "boot");
    EXPECT_EQ(overview_what(t, focus.entry_step + 1, boot_end),
              "in " + focus.name + " (the focus syscall)");
    ASSERT_GT(focus.return_step, 0u);
    EXPECT_EQ(overview_what(t, focus.return_step, boot_end), "user mode");

    StepSpan run = overview_span(boot_end, t.last_step(), false);
    std::vector<TimelineBar> bars = overview_bars(t, run, t.last_step(), 100, 400);
    size_t focus_bars = 0;
    for (const TimelineBar& b : bars) {
        EXPECT_GE(b.x0, 100);
        EXPECT_LE(b.x1, 500 + 2);
        EXPECT_GE(b.x1 - b.x0, 2.0f);
        focus_bars += b.focus;
    }
    EXPECT_EQ(focus_bars, 1u);
    EXPECT_EQ(bars.size(), t.syscalls.size()) << "every syscall runs after boot";
}

}  // namespace
