// The syscall exit path, era by era: each scenario runs the demo in the
// emulator and checks the focus syscall against the route derived from the
// v3.13 sources and the 2014 RFC (see EXPECTATIONS.md beside this file).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "route_match.h"
#include "scenario_routes.h"
#include "slowpath/era.h"
#include "slowpath/session.h"
#include "slowpath/syscalls.h"
#include "slowpath/trace.h"
#include "user/demo.h"

namespace slowpath {
namespace {

using namespace scenario_routes;
using testing::join;
using testing::Names;
using testing::only_labels;

Scenario make_scenario(const Expected& e) {
    Scenario sc;
    sc.era = e.era;
    sc.syscall_nr = e.nr;
    sc.bad_pointer = e.bad_pointer;
    for (const auto& text : e.inject) sc.injections.push_back(parse_injection(text));
    return sc;
}

std::string test_name(const Expected& e) {
    return std::string(e.era == Era::V3_13 ? "v3_13_"
                       : e.era == Era::Rfc ? "rfc_"
                                           : "modern_") +
           e.name;
}

size_t count_of(const Names& path, const std::string& name) {
    return static_cast<size_t>(std::count(path.begin(), path.end(), name));
}

class ScenarioTest : public ::testing::TestWithParam<Expected> {};

TEST_P(ScenarioTest, FollowsTheDerivedRoute) {
    const Expected& e = GetParam();
    Session s(make_scenario(e));
    const Trace& t = s.trace();

    ASSERT_GE(t.focus, 0) << "the focus syscall never ran; outcome " << outcome_name(t.outcome)
                          << ": " << t.outcome_detail;
    ASSERT_LT(static_cast<size_t>(t.focus), t.syscalls.size());
    const SyscallRecord& f = t.syscalls[t.focus];
    EXPECT_TRUE(f.is_focus);
    EXPECT_EQ(f.nr, e.nr);
    const std::string where = "path: " + join(f.path());

    // The labels, strictly.
    const Names labels = only_labels(f.path());
    if (!e.cycle.empty()) {
        EXPECT_TRUE(testing::matches_cycle(labels, e.labels, e.cycle, 2))
            << "expected " << join(e.labels) << " then (" << join(e.cycle) << ")...\n"
            << "labels:   " << join(labels) << "\n"
            << where;
    } else {
        EXPECT_EQ(join(labels), join(e.labels)) << where;
    }

    // The C work, in order; and the work that must not happen.
    EXPECT_TRUE(testing::is_subsequence(e.calls, f.path()))
        << "expected calls in order: " << join(e.calls) << "\n"
        << where;
    for (const auto& name : e.forbidden)
        EXPECT_EQ(count_of(f.path(), name), 0u) << name << " must not run\n" << where;

    // How it left, and how the run ended.
    EXPECT_EQ(exit_kind_name(f.exit), exit_kind_name(e.exit)) << where;
    EXPECT_EQ(outcome_name(t.outcome), outcome_name(e.outcome)) << t.outcome_detail;
    if (e.outcome == Outcome::Livelock) {
        EXPECT_TRUE(testing::names_flag(t.outcome_detail, e.livelock_flag))
            << "livelock detail should name " << e.livelock_flag << ": " << t.outcome_detail;
        EXPECT_EQ(f.return_step, 0u);
        // The handler did return; whatever is recorded must be its value.
        if (f.has_ret) {
            EXPECT_EQ(f.ret, 1);
        }
    }
    if (e.outcome == Outcome::Exited) {
        EXPECT_EQ(t.exit_code, 0) << t.outcome_detail;
    }

    // Exactly one return to ring 3 of the expected kind belongs to the focus
    // syscall (the handler's and rt_sigreturn's exits are their own, and a
    // fault's iretq back into the kernel is no exit).
    size_t sysrets = 0, irets = 0;
    for (const Event& ev : t.events) {
        if (ev.syscall != t.focus) continue;
        if (ev.kind == EventKind::Sysret) sysrets++;
        if (ev.kind == EventKind::Iret && (ev.a[1] & 3) == 3) irets++;
    }
    EXPECT_EQ(sysrets, e.exit == ExitKind::Sysret ? 1u : 0u);
    EXPECT_EQ(irets, e.exit == ExitKind::Iret ? 1u : 0u);

    // Modern era: the SYSRET checks the guest made, with the values it
    // compared, end at the first failure; the decision's reason names it.
    if (e.era == Era::Modern && e.exit != ExitKind::None) {
        std::vector<Event> checks;
        std::optional<Event> decision;
        for (const Event& ev : t.events) {
            if (ev.syscall != t.focus) continue;
            if (ev.kind == EventKind::SysretCheck) checks.push_back(ev);
            if (ev.kind == EventKind::Decision) decision = ev;
        }
        ASSERT_FALSE(checks.empty()) << "no SYSRET check recorded\n" << where;
        for (size_t i = 0; i + 1 < checks.size(); i++)
            EXPECT_EQ(checks[i].a[3], 1u) << checks[i].name << " failed before the last check";
        for (size_t i = 0; i < checks.size(); i++)
            EXPECT_EQ(checks[i].a[0], i + 1) << "checks run in do_syscall_64's order";
        ASSERT_TRUE(decision);
        if (e.sysret_failed.empty()) {
            EXPECT_EQ(checks.size(), 6u);
            EXPECT_EQ(checks.back().a[3], 1u);
            EXPECT_NE(decision->text().find("all SYSRET checks passed"), std::string::npos)
                << decision->text();
        } else {
            EXPECT_EQ(checks.back().a[3], 0u);
            EXPECT_EQ(checks.back().name, e.sysret_failed);
            EXPECT_NE(decision->text().find("SYSRET check " + e.sysret_failed + " failed"),
                      std::string::npos)
                << decision->text();
        }
    }

    // The signal handler ran exactly when a signal was pending.
    s.seek(s.last_step());
    ASSERT_EQ(s.step(), s.last_step());
    const std::string console = s.console();
    EXPECT_EQ(console.find(kHandlerLine) != std::string::npos, e.signal) << "console:\n" << console;

    if (!e.ret) {
        // The focus syscall never came back, so the demo cannot report it.
        EXPECT_EQ(console.find(" returned "), std::string::npos) << console;
        return;
    }

    // The return value as ring 3 got it, and the demo's own report of it.
    ASSERT_TRUE(f.has_ret) << where;
    EXPECT_EQ(f.ret, *e.ret);
    const std::string report =
        std::string("demo: ") + syscall_name(e.nr) + " returned " + std::to_string(*e.ret);
    if (e.resume_offset == 2) {
        EXPECT_NE(console.find(report), std::string::npos)
            << "expected \"" << report << "\" in the console:\n"
            << console;

        // The demo checks its own registers after the syscall, too.
        EXPECT_NE(console.find("demo: callee-saved registers intact"), std::string::npos)
            << console;
    }

    // The syscall instruction is the demo's focus_syscall.
    const auto focus_addr = s.machine().user().symbol_addr("focus_syscall");
    ASSERT_TRUE(focus_addr) << "the demo has no focus_syscall symbol";
    EXPECT_EQ(f.user_rip, *focus_addr);

    // Ring 3 resumes after the syscall with its callee-saved registers and stack.
    ASSERT_NE(f.return_step, 0u);
    s.seek(f.return_step);
    ASSERT_EQ(s.step(), f.return_step);
    const CpuState c = s.machine().cpu();
    EXPECT_EQ(c.cpl, 3);
    EXPECT_EQ(c.cs, 0x33);
    EXPECT_EQ(c.ss, 0x2b);
    EXPECT_EQ(c.rip, f.user_rip + e.resume_offset) << "syscall is two bytes long";
    EXPECT_EQ(c.gpr[RSP], f.user_rsp);
    EXPECT_EQ(static_cast<int64_t>(c.gpr[RAX]), *e.ret);
    EXPECT_EQ(c.gpr[RBX], uint64_t(DEMO_RBX));
    EXPECT_EQ(c.gpr[RBP], uint64_t(DEMO_RBP));
    EXPECT_EQ(c.gpr[R12], uint64_t(DEMO_R12));
    EXPECT_EQ(c.gpr[R13], uint64_t(DEMO_R13));
    EXPECT_EQ(c.gpr[R14], uint64_t(DEMO_R14));
    EXPECT_EQ(c.gpr[R15], uint64_t(DEMO_R15));
    // The instruction before was the kernel's exit instruction, at ring 0.
    ASSERT_LT(f.return_step, t.steps.size());
    EXPECT_EQ(t.steps[f.return_step - 1].cpl, 0);

    if (!e.signal) return;

    // The delivered signal: the handler's rt_sigreturn leaves through
    // int_ret_from_sys_call by iret, back to just after the focus syscall.
    const SyscallRecord* sigreturn = nullptr;
    for (size_t i = t.focus + 1; i < t.syscalls.size() && !sigreturn; i++)
        if (t.syscalls[i].nr == NR_RT_SIGRETURN) sigreturn = &t.syscalls[i];
    ASSERT_NE(sigreturn, nullptr) << "no rt_sigreturn after the focus syscall";
    if (e.era == Era::Modern) {
        // No stub: rt_sigreturn is an ordinary call through do_syscall_64,
        // and the restored registers pass every SYSRET check.
        EXPECT_TRUE(testing::is_subsequence(
            {"do_syscall_64", "sys_rt_sigreturn", "syscall_exit_to_user_mode"}, sigreturn->path()))
            << "rt_sigreturn path: " << join(sigreturn->path());
        EXPECT_EQ(exit_kind_name(sigreturn->exit), exit_kind_name(e.sigreturn_exit));
        ASSERT_LT(sigreturn->return_step, t.steps.size());
        EXPECT_EQ(t.steps[sigreturn->return_step].rip, f.user_rip + 2);
        EXPECT_GE(f.return_step, sigreturn->return_step);
        return;
    }
    EXPECT_TRUE(testing::is_subsequence(cat({{"int_ret_from_sys_call", "int_with_check"}, kIret}),
                                        sigreturn->path()))
        << "rt_sigreturn path: " << join(sigreturn->path());
    EXPECT_EQ(exit_kind_name(sigreturn->exit), "iret");
    ASSERT_LT(sigreturn->return_step, t.steps.size());
    EXPECT_EQ(t.steps[sigreturn->return_step].rip, f.user_rip + 2);
    EXPECT_GE(f.return_step, sigreturn->return_step);
}

INSTANTIATE_TEST_SUITE_P(Eras, ScenarioTest, ::testing::ValuesIn(scenarios()),
                         [](const ::testing::TestParamInfo<Expected>& info) {
                             return test_name(info.param);
                         });

// Side effects that the routes above promise. -------------------------------------

const SyscallRecord& focus_of(const Session& s) {
    const Trace& t = s.trace();
    if (t.focus < 0) throw std::runtime_error("no focus syscall");
    return t.syscalls[t.focus];
}

// The guest kernel's own records at the end of the demo run with one injection.
KernelStateView kernel_state_at_end(Era era, const char* injection) {
    Scenario sc;
    sc.era = era;
    sc.injections = {parse_injection(injection)};
    Session s(sc);
    s.seek(s.last_step());
    return s.kernel_state();
}

class EraTest : public ::testing::TestWithParam<Era> {};

TEST_P(EraTest, AuditAtEntryRecordsEntryAndExitOfGetpid) {
    const KernelStateView k = kernel_state_at_end(GetParam(), "SYSCALL_AUDIT@entry");
    ASSERT_TRUE(k.present);
    bool entry = false, exit = false;
    for (const auto& a : k.audit) {
        if (a.nr != NR_GETPID) continue;
        if (a.kind == 1) entry = true;
        if (a.kind == 2 && a.value == 1 && a.success) exit = true;
    }
    EXPECT_TRUE(entry) << "no audit entry record for getpid";
    EXPECT_TRUE(exit) << "no successful audit exit record for getpid returning 1";
}

TEST_P(EraTest, TraceAtEntryStopsTheTracerAtEntryAndExit) {
    const KernelStateView k = kernel_state_at_end(GetParam(), "SYSCALL_TRACE@entry");
    ASSERT_TRUE(k.present);
    EXPECT_TRUE(k.tracer_attached);
    bool entry = false, exit = false;
    for (const auto& stop : k.tracer_stops) {
        if (stop.nr != NR_GETPID) continue;
        if (stop.kind == 1) entry = true;
        if (stop.kind == 2 && stop.value == 1) exit = true;
    }
    EXPECT_TRUE(entry);
    EXPECT_TRUE(exit);
}

TEST_P(EraTest, NeedReschedSwitchesAwayAndBack) {
    Scenario sc;
    sc.era = GetParam();
    sc.injections = {parse_injection("NEED_RESCHED@exit")};
    Session s(sc);
    const SyscallRecord& f = focus_of(s);
    size_t schedules = 0;
    for (const Event& ev : s.trace().events)
        if (ev.kind == EventKind::Schedule && ev.step >= f.entry_step && ev.step < f.return_step)
            schedules++;
    EXPECT_GE(schedules, 1u) << "schedule() switched no task during the focus exit";
    // The flag was cleared by schedule(): the last check before sysret saw no work.
    ASSERT_FALSE(f.tif_checks().empty());
    EXPECT_EQ(f.tif_checks().back().result, 0u);
}

TEST_P(EraTest, SignalFrameIsBuiltForTheHandler) {
    // signal.c: the handler gets rdi = signo, rax = 0, and a stack aligned as
    // at a function entry (round down to 16, minus 8) below the red zone.
    Scenario sc;
    sc.era = GetParam();
    sc.injections = {parse_injection("SIGPENDING@exit")};
    Session s(sc);
    const SyscallRecord& f = focus_of(s);
    // The first ring-3 step after the focus syscall is the handler's entry.
    uint64_t handler_step = 0;
    for (uint64_t i = f.entry_step + 1; i < s.trace().steps.size(); i++)
        if (s.trace().steps[i].cpl == 3) {
            handler_step = i;
            break;
        }
    ASSERT_NE(handler_step, 0u);
    s.seek(handler_step);
    const CpuState c = s.machine().cpu();
    EXPECT_NE(c.rip, f.user_rip + 2) << "returned to the caller, not to the handler";
    EXPECT_EQ(c.gpr[RDI], 10u) << "SIGUSR1";
    EXPECT_EQ(c.gpr[RAX], 0u);
    EXPECT_EQ((c.gpr[RSP] + 8) % 16, 0u);
    EXPECT_LT(c.gpr[RSP], f.user_rsp - 128) << "the frame must sit below the red zone";
    const UserStackView u = s.user_stack();
    EXPECT_TRUE(u.has_sigframe);
    EXPECT_EQ(u.signo, 10);
    EXPECT_EQ(u.sigframe, c.gpr[RSP]);
    // struct rt_sigframe { pretcode; struct ucontext uc (304 bytes); siginfo info; }
    EXPECT_EQ(c.gpr[RDX], c.gpr[RSP] + 8) << "rdx = &frame->uc";
    EXPECT_EQ(c.gpr[RSI], c.gpr[RSP] + 8 + 304) << "rsi = &frame->info";
}

INSTANTIATE_TEST_SUITE_P(Eras, EraTest, ::testing::Values(Era::V3_13, Era::Rfc, Era::Modern),
                         [](const ::testing::TestParamInfo<Era>& info) {
                             return std::string(info.param == Era::V3_13 ? "v3_13"
                                                : info.param == Era::Rfc ? "rfc"
                                                                         : "modern");
                         });

// The modern era's SYSRET checks one by one: a tracer-style edit of
// pt_regs after the handler returned makes exactly one check fail, and
// do_syscall_64() stops at it (arch/x86/entry/common.c:97-121).
struct CheckCase {
    const char* name;                                     // test name
    const char* failed;                                   // the check that must fail first
    uint32_t id;                                          // its SP_SYSRET_CHECK_* number
    std::vector<std::pair<std::string, uint64_t>> edits;  // slot, value (or "+bits" below)
    uint64_t or_flags;  // bits ORed into both r11 and eflags instead
};

void PrintTo(const CheckCase& c, std::ostream* os) {
    *os << c.name;
}

class ModernSysretCheckTest : public ::testing::TestWithParam<CheckCase> {};

TEST_P(ModernSysretCheckTest, TheEditedCheckFailsFirst) {
    const CheckCase& c = GetParam();
    Scenario plain;
    plain.era = Era::Modern;
    Session first(plain);
    const SyscallRecord& f0 = focus_of(first);
    // The handler's return: from here on exit work runs, then the checks.
    std::optional<uint64_t> at;
    for (const Event& ev : first.trace().events)
        if (ev.syscall == first.trace().focus && ev.kind == EventKind::HandlerReturn) at = ev.step;
    ASSERT_TRUE(at);
    ASSERT_EQ(f0.exit, ExitKind::Sysret);

    Scenario sc = plain;
    for (const auto& [slot, value] : c.edits) sc.edits.push_back({*at, "pt_regs." + slot, value});
    if (c.or_flags) {
        first.seek(*at);
        const PtRegsView regs = first.pt_regs();
        uint64_t flags = 0;
        for (const auto& slot : regs.slots)
            if (slot.name == "eflags") flags = slot.value;
        ASSERT_NE(flags, 0u);
        sc.edits.push_back({*at, "pt_regs.r11", flags | c.or_flags});
        sc.edits.push_back({*at, "pt_regs.eflags", flags | c.or_flags});
    }
    Session s(sc);
    const Trace& t = s.trace();
    ASSERT_GE(t.focus, 0);
    std::vector<Event> checks;
    std::optional<Event> decision;
    for (const Event& ev : t.events) {
        if (ev.syscall != t.focus) continue;
        if (ev.kind == EventKind::SysretCheck) checks.push_back(ev);
        if (ev.kind == EventKind::Decision) decision = ev;
    }
    ASSERT_EQ(checks.size(), c.id) << "the checks stop at the first failure";
    for (size_t i = 0; i + 1 < checks.size(); i++) EXPECT_EQ(checks[i].a[3], 1u) << checks[i].name;
    EXPECT_EQ(checks.back().a[0], c.id);
    EXPECT_EQ(checks.back().name, c.failed);
    EXPECT_EQ(checks.back().a[3], 0u);
    ASSERT_TRUE(decision);
    EXPECT_EQ(decision->a[0], 2u) << "iret";
    EXPECT_NE(decision->text().find(std::string("SYSRET check ") + c.failed + " failed"),
              std::string::npos)
        << decision->text();
}

INSTANTIATE_TEST_SUITE_P(
    Modern, ModernSysretCheckTest,
    ::testing::Values(CheckCase{"rcx", "rcx == rip", 1, {{"rcx", 0x400100}}, 0},
                      CheckCase{"r11", "r11 == rflags", 2, {{"r11", 0x203}}, 0},
                      CheckCase{"cs", "cs == __USER_CS", 3, {{"cs", 0x23}}, 0},
                      CheckCase{"ss", "ss == __USER_DS", 4, {{"ss", 0x23}}, 0},
                      // A non-canonical return address in both rcx and rip (CVE-2012-0217).
                      CheckCase{"noncanonical_rip",
                                "rip < TASK_SIZE_MAX",
                                5,
                                {{"rip", 0x0000800000000000ull}, {"rcx", 0x0000800000000000ull}},
                                0},
                      // The last user page, below the canonical hole.
                      CheckCase{"last_user_page",
                                "rip < TASK_SIZE_MAX",
                                5,
                                {{"rip", 0x00007ffffffff000ull}, {"rcx", 0x00007ffffffff000ull}},
                                0},
                      CheckCase{"rf", "no RF or TF in rflags", 6, {}, 0x10000}),
    [](const ::testing::TestParamInfo<CheckCase>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace slowpath
