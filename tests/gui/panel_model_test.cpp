// What the path and kernel-stack panels draw, decided without ImGui
// (model/path_fit.h, model/stack_rows.h): the graph fitted at the app's
// panel sizes from 1280x720 to 4K, and the stack's rows built from a booted
// session's own decoders.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "model/pane.h"
#include "model/path_fit.h"
#include "model/path_graph.h"
#include "model/stack_rows.h"
#include "slowpath/decode.h"
#include "slowpath/era.h"
#include "slowpath/session.h"
#include "slowpath/tif.h"

using namespace slowpath;
using namespace slowpath::gui;

namespace {

// DejaVu Sans Bold, the labels' font, is about 0.64 em a letter.
float label_em(const std::string& text) {
    return 0.64f * static_cast<float>(text.size());
}

// The path panel's room in the app (--dump-state's layout_fit, normal
// mode): 802 x 220 at 1280x720 (body text 15 px), 2419 x 640 at 3840x2160
// (2.4 times the text). The banner is two lines and a bit.
PathFitInput panel_at(float w, float h, float body) {
    return PathFitInput{w, h, body * 1.3f * 2.1f, 0.0f, body, body};
}
const PathFitInput k720 = panel_at(802, 220, 15);
const PathFitInput k4k = panel_at(2419, 640, 36);

// Node k's box where the panel draws it: inside the graph's area?
bool inside(const PathFit& f, const PathFitInput& in, int k) {
    const GraphRect& b = f.layout.nodes[k];
    return f.offset_x + b.x0 >= -0.5f && f.offset_x + b.x1 <= in.avail_w + 0.5f &&
           f.offset_y + b.y0 >= -0.5f && f.offset_y + b.y1 <= f.graph_h + 0.5f;
}

TEST(LayoutPathFit, BothExitsFitFrom720pTo4KAndTheTextGrows) {
    for (Era era : {Era::V3_13, Era::Rfc, Era::Modern}) {
        SCOPED_TRACE(era_info(era).name);
        PathGraph graph = make_path_graph(era);
        PathFit small = fit_path(graph, label_em, k720);
        PathFit large = fit_path(graph, label_em, k4k);
        for (const PathFit* f : {&small, &large}) {
            const PathFitInput& in = f == &small ? k720 : k4k;
            EXPECT_TRUE(f->report.fits);
            EXPECT_EQ(f->report.clipped, std::vector<std::string>{});
            for (const char* exit : {kSysretNode, kIretNode}) {
                int k = graph.find(exit);
                ASSERT_GE(k, 0) << exit;
                EXPECT_TRUE(inside(*f, in, k)) << exit;
            }
            // The graph's area is what the banner leaves.
            EXPECT_FLOAT_EQ(f->graph_h, in.avail_h - in.banner_h);
            // Labels between 0.72 and 1.15 of the body text, never under 10 px.
            EXPECT_GE(f->fit.font, 10.0f);
            EXPECT_GE(f->fit.font, in.body_font * 0.72f - 1e-3f);
            EXPECT_LE(f->fit.font, in.body_font * 1.15f + 1e-3f);
            EXPECT_FLOAT_EQ(f->stroke_scale, f->fit.font / in.label_font);
            ASSERT_EQ(f->lines.size(), graph.nodes.size());
        }
        // 2.4 times the text at 4K: the labels at least twice as large,
        // the drawing at least twice as wide.
        EXPECT_GT(large.fit.font, 2.0f * small.fit.font);
        EXPECT_GT(large.fit.width, 2.0f * small.fit.width);
        EXPECT_GT(small.fit.font, 11.0f);
    }
}

TEST(LayoutPathFit, ACrowdedPanelKeepsTheMinimumAndSaysWhatIsCut) {
    PathGraph graph = make_path_graph(Era::Rfc);
    // The RFC's graph in a 1000x600 window's panel: 623 x 140.
    PathFitInput in{623, 140, 40, 0, 15, 15};
    PathFit f = fit_path(graph, label_em, in);
    EXPECT_FALSE(f.report.fits);
    EXPECT_TRUE(f.report.scrolls);
    EXPECT_FLOAT_EQ(f.fit.font, 10.8f);  // 0.72 x 15, over the 10 px floor
    EXPECT_FALSE(f.geo.call_rooms);      // the call lines gave their room first
    EXPECT_EQ(f.report.shown.at("call lines"), false);
    ASSERT_FALSE(f.report.clipped.empty());
    EXPECT_EQ(f.report.clipped.front(), "graph");
    // Small body text: the floor is 10 px, not 0.72 of it.
    PathFitInput tiny{300, 80, 20, 0, 11, 11};
    EXPECT_FLOAT_EQ(fit_path(graph, label_em, tiny).fit.font, 10.0f);
}

TEST(LayoutPathFit, TheChecksGiveWayWhenTheGraphCannotFit) {
    PathGraph graph = make_path_graph(Era::Modern);
    PathFitInput roomy = k720;
    roomy.checks_h = 24;
    PathFit f = fit_path(graph, label_em, roomy);
    EXPECT_TRUE(f.report.fits);
    EXPECT_FLOAT_EQ(f.checks_h, 24.0f);
    EXPECT_FLOAT_EQ(f.graph_h, roomy.avail_h - roomy.banner_h - 24);
    PathFitInput cramped = roomy;
    cramped.checks_h = 100;
    PathFit g = fit_path(graph, label_em, cramped);
    EXPECT_FLOAT_EQ(g.checks_h, 0.0f);
    EXPECT_FLOAT_EQ(g.graph_h, cramped.avail_h - cramped.banner_h);
}

TEST(LayoutPathFit, CallLineNamesWhatFitsThenCounts) {
    auto px = [](const std::string& t) { return 7.0f * static_cast<float>(t.size()); };
    std::vector<std::string> names = {"do_signal", "schedule"};
    // "↳ do_signal(), schedule()" is 27 bytes (the arrow is three).
    EXPECT_EQ(call_line(names, 27 * 7, px), "\xe2\x86\xb3 do_signal(), schedule()");
    EXPECT_EQ(call_line(names, 26 * 7, px), "\xe2\x86\xb3 do_signal() +1");
    EXPECT_EQ(call_line(names, 10 * 7, px), "\xe2\x86\xb3 2 calls");
    EXPECT_EQ(call_line({"schedule"}, 5 * 7, px), "\xe2\x86\xb3 1 call");
}

// The banner and a node's tooltip from a real run: the focus getpid leaves
// by sysret, with the Decision event's reason.
TEST(LayoutPathFit, BannerAndTooltipFromABootedSession) {
    Scenario sc;
    Session session(sc);
    const Trace& t = session.trace();
    std::optional<Event> decision;
    for (const Event& e : t.events)
        if (e.kind == EventKind::Decision && e.syscall >= 0 && t.syscalls[e.syscall].is_focus)
            decision = e;
    ASSERT_TRUE(decision);
    PathGraph graph = make_path_graph(sc.era);
    session.seek(decision->step - 1);
    Snapshot early = take_snapshot(session);
    LitRoute lit = light_route(graph, early, t);
    DecisionBanner undecided = decision_banner(graph, lit, early, t);
    EXPECT_EQ(undecided.kind, DecisionBanner::Kind::Undecided);
    EXPECT_EQ(undecided.head, "sysret or iret?");
    EXPECT_EQ(undecided.why.rfind("getpid: not decided yet", 0), 0u) << undecided.why;

    session.seek(decision->step);
    Snapshot at = take_snapshot(session);
    lit = light_route(graph, at, t);
    DecisionBanner banner = decision_banner(graph, lit, at, t);
    EXPECT_EQ(banner.kind, DecisionBanner::Kind::Sysret);
    EXPECT_EQ(banner.head, "SYSRET");
    EXPECT_EQ(banner.why, "getpid: " + lit.decision_why);
    EXPECT_FALSE(lit.decision_why.empty());

    int fastpath = graph.find("system_call_fastpath");
    ASSERT_GE(fastpath, 0);
    int visits = 0;
    for (int v : lit.visits) visits += v == fastpath;
    EXPECT_EQ(visits, 1);
    auto callees = lit.callees.find(fastpath);
    ASSERT_NE(callees, lit.callees.end());
    std::string tip = node_tooltip(graph.nodes[fastpath], visits, &callees->second);
    EXPECT_NE(tip.find("reached 1 time so far"), std::string::npos) << tip;
    EXPECT_NE(tip.find("sys_getpid()"), std::string::npos) << tip;
    EXPECT_NE(tip.find("click: run to this label"), std::string::npos) << tip;
    std::string exit_tip = node_tooltip(graph.nodes[graph.find(kSysretNode)], 0, nullptr);
    EXPECT_NE(exit_tip.find("click: run until back in ring 3"), std::string::npos);
    EXPECT_EQ(exit_tip.find("reached"), std::string::npos);
}

// ---- the kernel stack's rows ----

std::optional<Event> focus_label(const Trace& t, const std::string& name) {
    for (const Event& e : t.events)
        if (e.kind == EventKind::Label && e.name == name && e.syscall >= 0 &&
            t.syscalls[e.syscall].is_focus)
            return e;
    return std::nullopt;
}

const StackRow* row_named(const StackRows& sr, const std::string& meaning_start) {
    for (const StackRow& r : sr.rows)
        if (!r.header && !r.ghost && r.meaning.rfind(meaning_start, 0) == 0) return &r;
    return nullptr;
}

TEST(LayoutStackRows, TheFastPathFrameTopDownWithRspAndBase) {
    Scenario sc;
    Session session(sc);
    const Trace& t = session.trace();
    std::optional<Event> fastpath = focus_label(t, "system_call_fastpath");
    ASSERT_TRUE(fastpath);
    session.seek(fastpath->step);
    Snapshot now = take_snapshot(session);
    session.seek(fastpath->step - 1);
    Snapshot before = take_snapshot(session);
    const KernelStackView& ks = now.kernel_stack;
    ASSERT_TRUE(ks.present);
    StackRows sr = build_stack_rows(t, now, before);

    // Every word once, top of stack first, each after its frame's header.
    size_t words = 0;
    uint64_t last = UINT64_MAX;
    int frame = -2;
    for (size_t i = 0; i < sr.rows.size(); i++) {
        const StackRow& r = sr.rows[i];
        ASSERT_FALSE(r.ghost) << i;  // nothing popped by one instruction into the frame
        if (r.header) {
            ASSERT_GE(r.frame, 0);
            EXPECT_EQ(r.title, ks.frames[r.frame].function);
            frame = r.frame;
            continue;
        }
        words++;
        EXPECT_LT(r.word->addr, last) << i;
        last = r.word->addr;
        if (r.frame >= 0) {
            EXPECT_EQ(r.frame, frame) << i << ": a frame's words follow its header";
            EXPECT_GE(r.word->addr, ks.frames[r.frame].low);
            EXPECT_LT(r.word->addr, ks.frames[r.frame].high);
        }
    }
    EXPECT_EQ(words, ks.words.size());
    ASSERT_GE(sr.pt_regs_header, 0);
    EXPECT_EQ(sr.rows[sr.pt_regs_header].title, "pt_regs");

    // rsp and the frame base: the CPU's rsp, r15's slot (SAVE_ARGS left it unsaved).
    ASSERT_GE(sr.rsp_row, 0);
    EXPECT_EQ(sr.rows[sr.rsp_row].word->addr, now.cpu.gpr[RSP]);
    ASSERT_GE(sr.base_row, 0);
    const StackRow& base = sr.rows[sr.base_row];
    EXPECT_EQ(base.word->addr, now.pt_regs.base);
    EXPECT_EQ(base.meaning, "r15  (not saved)  \xe2\x97\x80 base");
    EXPECT_EQ(base.state, ShownSlotState::NotSaved);

    // The slots hold what SYSCALL left: rip the return address (in rcx),
    // orig_rax the syscall number; named without "pt_regs.".
    const StackRow* rip = row_named(sr, "rip");
    ASSERT_NE(rip, nullptr);
    EXPECT_EQ(rip->meaning, "rip");
    EXPECT_EQ(rip->state, ShownSlotState::Saved);
    EXPECT_EQ(rip->word->value, now.cpu.gpr[RCX]);
    EXPECT_EQ(rip->word->value, t.syscalls[fastpath->syscall].user_rip + 2);
    const StackRow* orig = row_named(sr, "orig_rax");
    ASSERT_NE(orig, nullptr);
    EXPECT_EQ(orig->word->value, 39u);  // getpid
    EXPECT_EQ(orig->word->value, static_cast<uint64_t>(t.syscalls[fastpath->syscall].nr));
}

// The iret path with a signal to deliver: do_notify_resume() and what it
// calls run below the full frame; back in the entry code their words are
// popped and shown as ghosts under the frame.
TEST(LayoutStackRows, AReturnLeavesItsWordsAsGhosts) {
    Scenario sc;
    sc.injections = {parse_injection("SIGPENDING@exit")};
    Session session(sc);
    const Trace& t = session.trace();
    const SyscallRecord* focus = nullptr;
    for (const SyscallRecord& r : t.syscalls)
        if (r.is_focus) focus = &r;
    ASSERT_NE(focus, nullptr);
    ASSERT_GT(focus->return_step, focus->entry_step);
    // The deepest the stack went, then the first step back at the frame.
    uint64_t deep_step = 0, deep_rsp = UINT64_MAX;
    for (uint64_t s = focus->entry_step + 1; s < focus->return_step; s++) {
        session.seek(s);
        uint64_t rsp = session.machine().cpu().gpr[RSP];
        if (rsp < deep_rsp) deep_rsp = rsp, deep_step = s;
    }
    session.seek(deep_step);
    Snapshot deep = take_snapshot(session);
    ASSERT_TRUE(deep.pt_regs.present);
    uint64_t back_step = 0;
    for (uint64_t s = deep_step + 1; s < focus->return_step && !back_step; s++) {
        session.seek(s);
        if (session.machine().cpu().gpr[RSP] >= deep.pt_regs.base) back_step = s;
    }
    ASSERT_GT(back_step, 0u);
    session.seek(back_step);
    Snapshot now = take_snapshot(session);
    StackRows sr = build_stack_rows(t, now, deep);
    uint64_t lowest = now.kernel_stack.words.front().addr;
    uint64_t deep_lowest = deep.kernel_stack.words.front().addr;
    ASSERT_LT(deep_lowest, lowest);
    // The popped words, at the end, top down, none of them fresh.
    size_t ghosts = 0;
    uint64_t last = UINT64_MAX;
    for (size_t i = 0; i < sr.rows.size(); i++) {
        const StackRow& r = sr.rows[i];
        if (!r.ghost) {
            EXPECT_EQ(ghosts, 0u) << "row " << i << " after a ghost";
            continue;
        }
        ghosts++;
        EXPECT_LT(r.word->addr, lowest);
        EXPECT_LT(r.word->addr, last);
        last = r.word->addr;
        EXPECT_FALSE(r.fresh);
        EXPECT_FALSE(r.changed);
        EXPECT_EQ(r.frame, -1);
    }
    EXPECT_EQ(ghosts, (lowest - deep_lowest) / 8);
    // With no step before, nothing is fresh, changed or popped.
    for (const StackRow& r : build_stack_rows(t, now, Snapshot{}).rows)
        EXPECT_FALSE(r.fresh || r.changed || r.ghost);
}

// One instruction stores the handler's result in the rax slot: that row,
// and only that one, has changed.
TEST(LayoutStackRows, TheResultStoredInTheFrameIsTheChangedRow) {
    Scenario sc;
    Session session(sc);
    const Trace& t = session.trace();
    std::optional<Event> ret = focus_label(t, "ret_from_sys_call");
    ASSERT_TRUE(ret);
    session.seek(ret->step - 1);
    Snapshot before = take_snapshot(session);
    session.seek(ret->step);
    Snapshot now = take_snapshot(session);
    StackRows sr = build_stack_rows(t, now, before);
    std::vector<std::string> changed;
    for (const StackRow& r : sr.rows)
        if (r.changed) changed.push_back(r.meaning);
    EXPECT_EQ(changed, std::vector<std::string>{"rax"});
    const StackRow* rax = row_named(sr, "rax");
    ASSERT_NE(rax, nullptr);
    EXPECT_EQ(rax->word->value, now.cpu.gpr[RAX]);
    EXPECT_EQ(static_cast<int64_t>(rax->word->value), t.syscalls[ret->syscall].ret);
}

TEST(LayoutStackRows, ValueTextCutsTheHighDigits) {
    StackValueText full = stack_value_text(0x4002ee, 16);
    EXPECT_EQ(full.text, "00000000004002ee");
    EXPECT_EQ(full.lead, 10u);
    EXPECT_EQ(stack_value_text(0x4002ee, 8).text, "004002ee");
    EXPECT_EQ(stack_value_text(0xffff880000012345, 8).text,
              "\xe2\x80\xa6"
              "0012345");
    EXPECT_EQ(stack_value_text(0, 6).text, "000000");
    EXPECT_EQ(stack_value_text(0, 6).lead, 5u);  // the last 0 is drawn bright
}

}  // namespace
