// Compare mode with two or three eras: the roles each era's run is cut into
// (model/roles.h), the model moving its panes together role by role, the
// modern era's SYSRET checks and syscall_work word as the panels read them,
// and the window itself under real X input (xdotool): choosing three eras
// from the toolbar, and the checks list at a decision that fails one.
#include <gtest/gtest.h>
#include <slowpath/abi.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "live_app.h"
#include "model/model.h"
#include "model/roles.h"
#include "slowpath/decode.h"
#include "slowpath/session.h"
#include "slowpath/tif.h"

using nlohmann::json;
using namespace slowpath;
using namespace slowpath::gui;
using gui_test::LiveApp;

namespace {

Scenario scenario(Era era, std::vector<std::string> injections = {}) {
    Scenario s;
    s.era = era;
    for (const std::string& text : injections) s.injections.push_back(parse_injection(text));
    return s;
}

std::optional<Event> first_event(const Trace& t, EventKind kind, const std::string& name = "") {
    const SyscallRecord& r = t.syscalls[t.focus];
    for (size_t i = r.first_event; i < r.end_event; i++)
        if (t.events[i].kind == kind && (name.empty() || t.events[i].name == name))
            return t.events[i];
    return std::nullopt;
}

// ---- roles ----

TEST(Roles, EveryEraCutsGetpidIntoFiveRolesBackToBack) {
    for (Era era : {Era::V3_13, Era::Rfc, Era::Modern}) {
        SCOPED_TRACE(std::string(era_info(era).name));
        Session s(scenario(era));
        const Trace& t = s.trace();
        RoleSpans spans = role_spans(t, era);
        ASSERT_TRUE(spans.present);
        const SyscallRecord& r = t.syscalls[t.focus];
        EXPECT_EQ(spans.of(PathRole::Entry).begin, r.entry_step);
        EXPECT_EQ(spans.of(PathRole::Exit).end, r.return_step);  // no signal: back at the caller
        for (size_t k = 1; k < 5; k++) EXPECT_EQ(spans.spans[k].begin, spans.spans[k - 1].end);
        // The handler is sys_getpid, and it returns where the exit work starts.
        std::optional<Event> handler = first_event(t, EventKind::Call, "sys_getpid");
        ASSERT_TRUE(handler);
        EXPECT_EQ(spans.of(PathRole::Handler).begin, handler->step);
        std::optional<Event> back = first_event(t, EventKind::HandlerReturn);
        ASSERT_TRUE(back);
        EXPECT_EQ(spans.of(PathRole::ExitWork).begin, back->step);
        // The exit instruction is in the exit role.
        std::optional<Event> decision = first_event(t, EventKind::Decision);
        ASSERT_TRUE(decision);
        EXPECT_EQ(role_at(spans, decision->step), PathRole::Exit);
        for (PathRole role : kPathRoles) {
            if (role != PathRole::ExitWork) {
                EXPECT_GT(spans.of(role).size(), 0u) << path_role_name(role);
            }
        }
    }
}

TEST(Roles, TheDecisionIsTheLastCheckInEachEra) {
    // v3.13: sysret_check; modern: the first of do_syscall_64()'s SYSRET checks.
    Session old(scenario(Era::V3_13));
    RoleSpans v313 = role_spans(old.trace(), Era::V3_13);
    EXPECT_EQ(v313.of(PathRole::Decision).begin,
              first_event(old.trace(), EventKind::Label, "sysret_check")->step);
    Session now(scenario(Era::Modern));
    RoleSpans modern = role_spans(now.trace(), Era::Modern);
    EXPECT_EQ(modern.of(PathRole::Decision).begin,
              first_event(now.trace(), EventKind::SysretCheck)->step);
    // A signal in v3.13: the iret path's last int_with_check decides, and
    // the signal's delivery is exit work before it.
    Session signal(scenario(Era::V3_13, {"SIGPENDING@exit"}));
    RoleSpans sig = role_spans(signal.trace(), Era::V3_13);
    std::optional<Event> delivered = first_event(signal.trace(), EventKind::SignalDelivered);
    ASSERT_TRUE(delivered);
    EXPECT_EQ(role_at(sig, delivered->step), PathRole::ExitWork);
    const Trace& t = signal.trace();
    uint64_t last_check = 0;
    for (const Event& e : t.events)
        if (e.kind == EventKind::Label && e.name == "int_with_check" &&
            e.step < sig.of(PathRole::Exit).begin)
            last_check = e.step;
    EXPECT_EQ(sig.of(PathRole::Decision).begin, last_check);
}

TEST(Roles, AlignKeepsAMoveInsideTheRoleAndClampsAShorterOne) {
    Session a(scenario(Era::V3_13)), b(scenario(Era::Modern));
    RoleSpans sa = role_spans(a.trace(), Era::V3_13), sb = role_spans(b.trace(), Era::Modern);
    const RoleSpan& work_a = sa.of(PathRole::ExitWork);
    const RoleSpan& work_b = sb.of(PathRole::ExitWork);
    ASSERT_GT(work_b.size(), work_a.size());  // modern's exit work is all C
    // Deep in modern's exit work: v3.13 waits at the end of its own.
    RolePosition deep = role_position(sb, work_b.begin + work_b.size() - 1);
    EXPECT_EQ(deep.role, PathRole::ExitWork);
    EXPECT_EQ(align_by_role(deep, sa, std::nullopt), work_a.end - 1);
    // A candidate inside the role is kept; one past it is pulled back.
    RolePosition start = role_position(sb, work_b.begin);
    EXPECT_EQ(align_by_role(start, sa, work_a.begin), work_a.begin);
    EXPECT_EQ(align_by_role(start, sa, sa.of(PathRole::Exit).begin), work_a.begin);
    // Before the call: the same distance before each era's SYSCALL.
    RolePosition before = role_position(sb, sb.entry_step - 5);
    EXPECT_EQ(align_by_role(before, sa, std::nullopt), sa.entry_step - 5);
}

// ---- the model ----

TEST(CompareModel, ThreeErasMoveTogetherRoleByRole) {
    Model model(scenario(Era::Modern));
    EXPECT_THROW(model.set_compare_eras({Era::Rfc}), std::invalid_argument);
    EXPECT_THROW(parse_era_list("rfc,rfc"), std::invalid_argument);
    EXPECT_THROW(parse_era_list("v3.13,v4"), std::invalid_argument);
    EXPECT_EQ(parse_era_list("all").size(), 3u);
    model.set_compare_eras(parse_era_list("v3.13,rfc,modern"));
    ASSERT_TRUE(model.comparing());
    ASSERT_EQ(model.partners().size(), 2u);
    EXPECT_EQ(model.scenario().era, Era::Modern);  // the primary stays
    EXPECT_EQ(model.compare_eras(), (std::vector<Era>{Era::V3_13, Era::Rfc, Era::Modern}));
    std::vector<Pane*> panes = model.panes_by_era();
    ASSERT_EQ(panes.size(), 3u);
    EXPECT_EQ(panes[0]->scenario().era, Era::V3_13);
    EXPECT_EQ(panes[2]->scenario().era, Era::Modern);

    auto roles = [&] {
        std::vector<std::optional<PathRole>> out;
        for (Pane* p : model.panes_by_era())
            out.push_back(role_at(role_spans(*p->trace(), p->scenario().era), p->now().step));
        return out;
    };
    // Into the call, then through it a step at a time: always one role.
    model.run_to_event(EventKind::HandlerReturn);
    int moves = 0;
    std::set<PathRole> seen;
    while (moves++ < 400 && roles()[2] && *roles()[2] != PathRole::Exit) {
        model.nav(Nav::Step);
        auto r = roles();
        ASSERT_TRUE(r[2].has_value());
        EXPECT_EQ(r[0], r[2]) << "v3.13 left modern's role at move " << moves;
        EXPECT_EQ(r[1], r[2]) << "rfc left modern's role at move " << moves;
        seen.insert(*r[2]);
    }
    EXPECT_TRUE(seen.count(PathRole::ExitWork) && seen.count(PathRole::Decision));
    // Each at its own decision, and back to two eras.
    model.nav(Nav::Decision);
    for (Pane* p : model.panes_by_era()) EXPECT_TRUE(p->now().decision.has_value());
    model.set_compare_eras({Era::Rfc, Era::Modern});
    EXPECT_EQ(model.partners().size(), 1u);
    EXPECT_EQ(model.partner()->scenario().era, Era::Rfc);
    // A pair without the primary's era: the primary moves to the first of
    // them, at the same role of the call.
    auto role_before = roles()[1];
    model.set_compare_eras({Era::Rfc, Era::V3_13});
    EXPECT_EQ(model.scenario().era, Era::V3_13);
    ASSERT_EQ(model.partners().size(), 1u);
    EXPECT_EQ(model.partner()->scenario().era, Era::Rfc);
    EXPECT_EQ(roles()[0], role_before);
    EXPECT_EQ(roles()[1], role_before);
    // The era cycle reaches modern and comes back to v3.13.
    EXPECT_EQ(next_era(Era::Rfc), Era::Modern);
    EXPECT_EQ(next_era(Era::Modern), Era::V3_13);
}

// ---- what the panels read in the modern era ----

TEST(ModernViews, SysretChecksAllPassForGetpidAndTheFirstFailureIsMarked) {
    Session plain(scenario(Era::Modern));
    plain.seek(plain.trace().syscalls[plain.trace().focus].entry_step);
    plain.run_to_decision();
    Snapshot s = take_snapshot(plain);
    SysretChecksView v = sysret_checks_at(plain.trace(), s.shown_syscall, s.step, s.pt_regs);
    ASSERT_TRUE(v.present);
    EXPECT_EQ(v.made, 6);
    EXPECT_EQ(v.first_failed, -1);
    int rcx = pt_regs_slot_index("rcx"), rip = pt_regs_slot_index("rip");
    EXPECT_EQ(v.rows[0].value, s.pt_regs.slots[rcx].value);
    EXPECT_EQ(v.rows[0].against, s.pt_regs.slots[rip].value);
    EXPECT_EQ(v.rows[2].against, 0x33u);  // __USER_CS

    // A tracer's rcx at the exit: the first check fails, the rest are not made.
    Session tampered(scenario(Era::Modern));
    tampered.seek(tampered.trace().syscalls[tampered.trace().focus].entry_step);
    tampered.run_to_event(EventKind::HandlerReturn);
    tampered.edit_now("pt_regs.rcx", 0x401000);
    tampered.run_to_decision();
    Snapshot t = take_snapshot(tampered);
    SysretChecksView f = sysret_checks_at(tampered.trace(), t.shown_syscall, t.step, t.pt_regs);
    EXPECT_EQ(f.first_failed, 0);
    EXPECT_EQ(f.made, 1);
    EXPECT_EQ(f.rows[0].value, 0x401000u);
    EXPECT_FALSE(f.rows[1].made);
    EXPECT_TRUE(f.rows[1].passed);  // r11 still equals rflags
    ASSERT_TRUE(t.decision.has_value());
    EXPECT_NE(tampered.trace().events[*t.decision].text().find("rcx == rip failed"),
              std::string::npos);
}

// The host's two syscall_work masks against the guest: a bit in a mask must
// make the guest call that test's work function, a bit out of it must not.
TEST(ModernViews, SyscallWorkMasksAreTheGuestsTests) {
    const auto& tests = syscall_work_tests();
    ASSERT_EQ(tests.size(), 2u);
    struct Case {
        const char* flag;
        int work_bit;
    };
    const Case cases[] = {{"SYSCALL_TRACE", SYSCALL_WORK_BIT_SYSCALL_TRACE},
                          {"SYSCALL_AUDIT", SYSCALL_WORK_BIT_SYSCALL_AUDIT},
                          {"SYSCALL_TRACEPOINT", SYSCALL_WORK_BIT_SYSCALL_TRACEPOINT},
                          {"SINGLESTEP", SYSCALL_WORK_BIT_SYSCALL_EXIT_TRAP}};
    for (const Case& c : cases) {
        SCOPED_TRACE(c.flag);
        Session s(scenario(Era::Modern, {std::string(c.flag) + "@entry"}));
        const Trace& t = s.trace();
        s.seek(t.syscalls[t.focus].entry_step + 1);
        Snapshot snap = take_snapshot(s);
        EXPECT_TRUE(snap.tif.syscall_work >> c.work_bit & 1u)
            << "syscall_work " << syscall_work_names(snap.tif.syscall_work);
        for (const SyscallWorkTest& test : tests) {
            bool tested = test.mask >> c.work_bit & 1u;
            EXPECT_EQ(first_event(t, EventKind::Call, std::string(test.runs)).has_value(), tested)
                << test.mask_name << " and " << test.runs;
        }
    }
    // Plain getpid: no work, neither function runs.
    Session plain(scenario(Era::Modern));
    for (const SyscallWorkTest& test : tests)
        EXPECT_FALSE(first_event(plain.trace(), EventKind::Call, std::string(test.runs)));
}

// ---- the window, under real input ----

TEST(CompareInput, ChoosingThreeErasFromTheToolbar) {
    LiveApp app({"--era", "modern"});
    ASSERT_TRUE(app.ready()) << app.error();
    json s = app.settle();
    EXPECT_FALSE(s["comparing"].get<bool>());
    app.click(s, "button:compare eras");
    s = app.wait_for(
        [](const json& d) { return d["ui"]["items"].contains("compare:v3.13,rfc,modern"); });
    app.click(s, "compare:v3.13,rfc,modern");
    s = app.wait_for([](const json& d) { return d["compare_panes"].size() == 2; });
    app.click(s, "button:decision");
    app.wait_for([](const json& d) { return d["decision"].is_object(); });
    json q = app.quit();
    ASSERT_TRUE(q.is_object()) << "--state-on-quit wrote nothing";
    EXPECT_TRUE(q["comparing"].get<bool>());
    EXPECT_EQ(q["compare_eras"], json::array({"v3.13", "rfc", "modern"}));
    ASSERT_EQ(q["compare_panes"].size(), 2u);
    EXPECT_EQ(q["compare_panes"][0]["scenario"]["era"], "v3.13");
    EXPECT_EQ(q["compare_panes"][1]["scenario"]["era"], "rfc");
    // Every column at its own era's decision, all three in the exit role.
    EXPECT_EQ(q["scenario"]["era"], "modern");
    EXPECT_EQ(q["role"], "exit");
    for (const json& p : q["compare_panes"]) {
        EXPECT_TRUE(p["decision"].is_object()) << p["scenario"]["era"];
        EXPECT_EQ(p["role"], "exit") << p["scenario"]["era"];
    }
    // Nothing of the columns was cut off at this size.
    ASSERT_TRUE(q["layout_fit"].contains("compare"));
    EXPECT_TRUE(q["layout_fit"]["compare"]["fits"].get<bool>()) << q["layout_fit"]["compare"];
}

TEST(CompareInput, TheChecksListMarksTheFirstFailureAtTheDecision) {
    // A signal: do_signal() points rip at the handler, rcx still at the caller.
    LiveApp app({"--era", "modern", "--inject", "SIGPENDING@exit"});
    ASSERT_TRUE(app.ready()) << app.error();
    json s = app.settle();
    app.click(s, "button:decision");
    s = app.wait_for([](const json& d) { return d["decision"].is_object(); });
    ASSERT_TRUE(s["ui"]["items"].contains("sysret-check:rcx == rip")) << "no checks list drawn";
    // The cell takes the pointer (its tooltip explains the check).
    app.click(s, "sysret-check:rcx == rip");
    json q = app.quit();
    ASSERT_TRUE(q.is_object());
    ASSERT_TRUE(q["sysret_checks"].is_object());
    EXPECT_EQ(q["sysret_checks"]["first_failed"], "rcx == rip");
    EXPECT_EQ(q["sysret_checks"]["made"], 1);
    // The values the list shows are the emulator's, at the check.
    Session headless(scenario(Era::Modern, {"SIGPENDING@exit"}));
    std::optional<Event> check = first_event(headless.trace(), EventKind::SysretCheck);
    ASSERT_TRUE(check);
    EXPECT_EQ(q["sysret_checks"]["rows"][0]["value"].get<uint64_t>(), check->a[1]);
    EXPECT_EQ(q["sysret_checks"]["rows"][0]["against"].get<uint64_t>(), check->a[2]);
    EXPECT_FALSE(q["sysret_checks"]["rows"][0]["passed"].get<bool>());
    EXPECT_EQ(q["decision"]["exit"], "iret");
}

}  // namespace

// The tracer's edits and the demo's SIGUSR1 set-up from the toolbar by
// mouse: a preset, a typed slot value and a signal action, each landing in
// the scenario, and the run at the decision is the machine's own for them.
TEST(TracerInput, PresetTypedSlotAndSignalActionByMouse) {
    LiveApp app({});
    ASSERT_TRUE(app.ready()) << app.error();
    json s = app.settle();
    ASSERT_TRUE(s["scenario"]["tampers"].empty());
    const std::string preset = "tamper:rip + rcx = 2^47";
    app.click(s, "button:tracer");
    s = app.wait_for([&](const json& d) { return d["ui"]["items"].contains(preset); });
    app.click(s, preset);
    s = app.wait_for([](const json& d) { return d["scenario"]["tampers"].size() == 2; });
    EXPECT_EQ(s["scenario"]["tampers"], json::array({"rip=0x800000000000", "rcx=0x800000000000"}));

    // One slot typed in its field (Enter sets it), then SIGUSR1 ignored.
    app.click(s, "button:tracer");
    s = app.wait_for([](const json& d) { return d["ui"]["items"].contains("tamper-field:rax"); });
    app.click(s, "tamper-field:rax");
    app.xdo("type --delay 30 0x42");
    app.tap("Return", 1);
    s = app.wait_for([](const json& d) { return d["scenario"]["tampers"].size() == 3; });
    s = app.wait_for(
        [](const json& d) { return d["ui"]["items"].contains("signal-action:ignore"); });
    app.click(s, "signal-action:ignore");
    s = app.wait_for([](const json& d) { return d["scenario"]["signal_action"] == "ignore"; });
    app.tap("Escape", 1);
    app.settle();
    app.tap("d", 1);
    app.wait_for([](const json& d) { return d["decision"].is_object(); });
    json q = app.quit();
    ASSERT_TRUE(q.is_object()) << "--state-on-quit wrote nothing";
    EXPECT_EQ(q["scenario"]["tampers"],
              json::array({"rip=0x800000000000", "rcx=0x800000000000", "rax=0x42"}));
    EXPECT_EQ(q["scenario"]["signal_action"], "ignore");

    Scenario want;
    want.tampers = {parse_tamper("rip=0x800000000000"), parse_tamper("rcx=0x800000000000"),
                    parse_tamper("rax=0x42")};
    want.signal_action = SignalAction::Ignore;
    Session machine(want);
    const Trace& t = machine.trace();
    ASSERT_GE(t.focus, 0);
    const SyscallRecord& focus = t.syscalls[t.focus];
    ASSERT_TRUE(q["decision"].is_object());
    EXPECT_EQ(q["decision"]["exit"], std::string(exit_kind_name(focus.exit)));
    EXPECT_EQ(q["decision"]["exit"], "iret") << "a non-canonical rip must not leave by sysret";
    EXPECT_EQ(q["step"].get<uint64_t>(), q["decision"]["step"].get<uint64_t>());
}
