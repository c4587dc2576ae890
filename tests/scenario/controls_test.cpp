// The scenario controls: a tracer's PTRACE_SETREGS at the focus syscall's
// exit stop (--tamper) and the demo's SIGUSR1 set-up (--signal-action), in
// the three eras. Each expectation is derived in EXPECTATIONS.md ("Scenario
// controls"); the values asserted are what the guest and the CPU did.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "slowpath/era.h"
#include "slowpath/session.h"
#include "slowpath/trace.h"
#include "slowpath/walkthrough.h"

namespace slowpath {
namespace {

constexpr uint64_t kNonCanonical = 0x800000000000;  // first address above the lower half
constexpr uint64_t kLastUserPage = 0x7ffffffff000;  // TASK_SIZE_MAX: the page below the hole
constexpr uint64_t kUnmapped = 0x10000000;          // user range, nothing mapped
constexpr uint64_t kSigusr1Bit = 1u << 9;           // sigmask(SIGUSR1)
constexpr const char* kHandlerLine = "demo: SIGUSR1 handler ran";

enum class End { Exited, Gp, Pf };  // how the demo's run ends

struct TamperCase {
    const char* name;
    std::vector<std::pair<std::string, uint64_t>> tampers;  // value 0 with "F": see focus_rip
    const char* slot_seen;  // the slot whose value the exit instruction must use
    uint64_t seen;          // its value there
    bool modern_sysret;
    const char* modern_failed;  // the first SYSRET check that fails (nullptr: none)
    End end;
    bool fault_in_kernel = false;  // the exit's iretq itself faults (#GP on a bad selector)
};

constexpr uint64_t kFocusRip = ~uint64_t(0);  // placeholder: the focus syscall's return address

const std::vector<TamperCase>& tamper_cases() {
    static const std::vector<TamperCase> cases = {
        {"rax", {{"rax", 0x1234}}, "rax", 0x1234, true, nullptr, End::Exited},
        {"rcx_noncanonical",
         {{"rcx", kNonCanonical}},
         "rcx",
         kNonCanonical,
         false,
         "rcx == rip",
         End::Exited},
        {"r11_rf", {{"r11", 0x10202}}, "r11", 0x10202, false, "r11 == rflags", End::Exited},
        {"rip_same", {{"rip", kFocusRip}}, "rip", kFocusRip, true, nullptr, End::Exited},
        {"rip_noncanonical",
         {{"rip", kNonCanonical}},
         "rip",
         kNonCanonical,
         false,
         "rcx == rip",
         End::Gp},
        {"rip_rcx_noncanonical",
         {{"rip", kNonCanonical}, {"rcx", kNonCanonical}},
         "rip",
         kNonCanonical,
         false,
         "rip < TASK_SIZE_MAX",
         End::Gp},
        {"rip_rcx_last_user_page",
         {{"rip", kLastUserPage}, {"rcx", kLastUserPage}},
         "rip",
         kLastUserPage,
         false,
         "rip < TASK_SIZE_MAX",
         End::Pf},
        {"rsp_unmapped", {{"rsp", kUnmapped}}, "rsp", kUnmapped, true, nullptr, End::Pf},
        {"eflags_rf",
         {{"eflags", 0x10202}},
         "eflags",
         0x10202,
         false,
         "r11 == rflags",
         End::Exited},
        {"eflags_r11_rf",
         {{"eflags", 0x10202}, {"r11", 0x10202}},
         "eflags",
         0x10202,
         false,
         "no RF or TF in rflags",
         End::Exited},
        {"eflags_r11_plain",
         {{"eflags", 0x202}, {"r11", 0x202}},
         "eflags",
         0x202,
         true,
         nullptr,
         End::Exited},
        // IOPL is outside ptrace's FLAG_MASK: the task keeps IOPL 0, so r11 differs.
        {"eflags_r11_iopl",
         {{"eflags", 0x3202}, {"r11", 0x3202}},
         "eflags",
         0x202,
         false,
         "r11 == rflags",
         End::Exited},
        {"cs_user", {{"cs", 0x33}}, "cs", 0x33, true, nullptr, End::Exited},
        {"cs_data", {{"cs", 0x2b}}, "cs", 0x2b, false, "cs == __USER_CS", End::Gp, true},
        {"ss_user", {{"ss", 0x2b}}, "ss", 0x2b, true, nullptr, End::Exited},
        {"ss_code", {{"ss", 0x33}}, "ss", 0x33, false, "ss == __USER_DS", End::Gp, true},
    };
    return cases;
}

uint64_t focus_return_rip(const Session& session) {
    auto at = session.machine().user().symbol_addr("focus_syscall");
    return at ? *at + 2 : 0;  // syscall is two bytes
}

std::optional<Event> find(const Trace& t, size_t from, size_t to, EventKind kind) {
    for (size_t i = from; i < to && i < t.events.size(); i++)
        if (t.events[i].kind == kind) return t.events[i];
    return std::nullopt;
}

class Tamper : public ::testing::TestWithParam<std::tuple<Era, TamperCase>> {};

TEST_P(Tamper, ExitAndValue) {
    const auto& [era, c] = GetParam();
    Scenario probe;
    probe.era = era;
    uint64_t focus_rip = 0;
    {
        Session plain(probe);
        focus_rip = focus_return_rip(plain);
    }
    ASSERT_NE(focus_rip, 0u);
    Scenario s = probe;
    for (const auto& [slot, value] : c.tampers)
        s.tampers.push_back(
            parse_tamper(slot + "=" + std::to_string(value == kFocusRip ? focus_rip : value)));
    const uint64_t seen = c.seen == kFocusRip ? focus_rip : c.seen;
    Session session(s);
    const Trace& t = session.trace();
    ASSERT_GE(t.focus, 0);
    const SyscallRecord& r = t.syscalls[static_cast<size_t>(t.focus)];

    // The tracer stopped at the exit and the change came in that stop.
    std::optional<Event> stop;
    std::optional<Event> edit;
    for (size_t i = r.first_event; i < r.end_event; i++) {
        const Event& e = t.events[i];
        if (e.kind == EventKind::TracerStop && e.a[0] == 2) stop = e;
        if (e.kind == EventKind::Edit && e.a[3] == 1 && !edit) edit = e;
    }
    ASSERT_TRUE(stop) << "no syscall-exit tracer stop";
    ASSERT_TRUE(edit) << "no tamper";
    EXPECT_EQ(edit->step, stop->step);

    const bool sysret = era == Era::Modern && c.modern_sysret;
    EXPECT_EQ(r.exit, sysret ? ExitKind::Sysret : ExitKind::Iret);
    std::optional<Event> decision = find(t, r.first_event, r.end_event, EventKind::Decision);
    ASSERT_TRUE(decision);
    EXPECT_EQ(decision->name, sysret ? "sysret" : "iret");

    if (era == Era::Modern) {
        std::optional<Event> failed;
        int checks = 0;
        for (size_t i = r.first_event; i < r.end_event; i++)
            if (t.events[i].kind == EventKind::SysretCheck) {
                checks++;
                if (!t.events[i].a[3]) {
                    failed = t.events[i];
                    break;
                }
            }
        if (c.modern_failed) {
            ASSERT_TRUE(failed);
            EXPECT_EQ(failed->name, c.modern_failed);
        } else {
            EXPECT_FALSE(failed);
            EXPECT_EQ(checks, 6);
        }
    } else {
        // Both old eras: the tracer made the entry take tracesys, which
        // returns through int_ret_from_sys_call; the exit stop is made in
        // int_check_syscall_exit_work's syscall_trace_leave.
        auto has = [&](const char* label) {
            return std::find(r.path().begin(), r.path().end(), label) != r.path().end();
        };
        EXPECT_TRUE(has("tracesys"));
        EXPECT_TRUE(has("int_ret_from_sys_call"));
        EXPECT_TRUE(has("syscall_trace_leave"));
        EXPECT_EQ(has("int_check_syscall_exit_work"), era == Era::V3_13);
        EXPECT_TRUE(has("irq_return"));
        EXPECT_FALSE(has("sysret_check"));
    }

    // The value the exit instruction used, read from the machine at that step.
    session.seek(decision->step);
    const CpuState cpu = session.machine().cpu();
    uint64_t frame[5] = {};
    for (int i = 0; i < 5; i++) frame[i] = session.machine().read_u64(cpu.gpr[RSP] + 8 * i);
    std::string slot = c.slot_seen;
    uint64_t used = 0;
    if (slot == "rax")
        used = cpu.gpr[RAX];
    else if (slot == "rcx")
        used = cpu.gpr[RCX];
    else if (slot == "r11")
        used = cpu.gpr[R11];
    else if (slot == "rip")
        used = sysret ? cpu.gpr[RCX] : frame[0];
    else if (slot == "cs")
        used = sysret ? 0x33 : frame[1];  // sysret takes CS from MSR_STAR
    else if (slot == "eflags")
        used = sysret ? cpu.gpr[R11] : frame[2];
    else if (slot == "rsp")
        used = sysret ? cpu.gpr[RSP] : frame[3];
    else if (slot == "ss")
        used = sysret ? 0x2b : frame[4];
    EXPECT_EQ(used, seen) << slot << " at " << session.where();

    // How the run ends.
    std::optional<Event> fault = find(t, r.first_event, t.events.size(), EventKind::Fault);
    switch (c.end) {
        case End::Exited:
            EXPECT_EQ(t.outcome, Outcome::Exited) << t.outcome_detail;
            if (slot == "rax") {
                EXPECT_NE(t.console.find("getpid returned 4660"), std::string::npos) << t.console;
            }
            break;
        case End::Gp:
        case End::Pf:
            EXPECT_EQ(t.outcome, Outcome::Fault);
            EXPECT_EQ(t.outcome_detail, "the program was killed by SIGSEGV");
            ASSERT_TRUE(fault);
            EXPECT_EQ(fault->a[0], c.end == End::Gp ? 13u : 14u) << describe_event(*fault);
            if (c.fault_in_kernel) {
                EXPECT_EQ(fault->a[3], decision->rip) << "the iretq itself faults";
            } else if (slot == "rip") {
                EXPECT_EQ(fault->a[3], seen) << "the first user fetch faults";
            } else if (c.end == End::Pf) {
                EXPECT_EQ(fault->a[2], seen) << "cr2";
            }
            break;
    }
}

std::string tamper_name(const ::testing::TestParamInfo<std::tuple<Era, TamperCase>>& info) {
    std::string era(era_info(std::get<0>(info.param)).name);
    for (char& ch : era)
        if (ch == '.') ch = '_';
    return era + "_" + std::get<1>(info.param).name;
}

INSTANTIATE_TEST_SUITE_P(Controls, Tamper,
                         ::testing::Combine(::testing::Values(Era::V3_13, Era::Rfc, Era::Modern),
                                            ::testing::ValuesIn(tamper_cases())),
                         tamper_name);

// ---- --signal-action ---------------------------------------------------------

struct SignalCase {
    SignalAction action;
    long nr;  // getpid with SIGPENDING@exit, or kill (the demo signals itself)
};

class SignalActionTest : public ::testing::TestWithParam<std::tuple<Era, SignalCase>> {};

TEST_P(SignalActionTest, DecidedByTheGuest) {
    const auto& [era, c] = GetParam();
    Scenario s;
    s.era = era;
    s.syscall_nr = c.nr;
    s.signal_action = c.action;
    if (c.nr == 39) s.injections.push_back(parse_injection("SIGPENDING@exit"));
    Session session(s);
    const Trace& t = session.trace();
    ASSERT_EQ(t.outcome, Outcome::Exited) << t.outcome_detail;
    ASSERT_GE(t.focus, 0);
    const SyscallRecord& r = t.syscalls[static_cast<size_t>(t.focus)];

    // The demo made the real calls before its focus syscall.
    std::vector<std::string> before;
    for (int i = 0; i < t.focus; i++) before.push_back(t.syscalls[static_cast<size_t>(i)].name);
    std::vector<std::string> expected_before = {"rt_sigaction"};
    if (c.action == SignalAction::Block) expected_before.push_back("rt_sigprocmask");
    EXPECT_EQ(before, expected_before);

    uint32_t flags_seen = 0;
    for (const auto& k : r.tif_checks()) flags_seen |= k.flags;
    const bool delivered = c.action == SignalAction::Handler;
    EXPECT_EQ((flags_seen & (1u << 2)) != 0, delivered) << "TIF_SIGPENDING at the exit checks";
    EXPECT_EQ(r.exit, delivered ? ExitKind::Iret : ExitKind::Sysret);
    EXPECT_EQ(t.console.find(kHandlerLine) != std::string::npos, delivered) << t.console;

    std::optional<Event> decision = find(t, r.first_event, r.end_event, EventKind::Decision);
    ASSERT_TRUE(decision);
    session.seek(decision->step);
    KernelStateView k = session.kernel_state();
    // Blocked: by the demo's rt_sigprocmask, or (handler) by handle_signal
    // for the time the handler runs, which is where the iret goes.
    EXPECT_EQ((k.blocked_signals & kSigusr1Bit) != 0, c.action != SignalAction::Ignore);
    EXPECT_EQ((k.pending_signals & kSigusr1Bit) != 0, c.action == SignalAction::Block)
        << "ignored: dropped when sent; blocked: stays pending";

    // rt_sigreturn: always iret in the old eras (stub_rt_sigreturn); in the
    // modern one the SYSRET checks pass, since the frame it restores holds
    // rcx == rip and r11 == rflags from the syscall that was interrupted.
    int sigreturns = 0;
    for (const auto& sc : t.syscalls)
        if (sc.name == "rt_sigreturn") {
            sigreturns++;
            EXPECT_EQ(sc.exit, era == Era::Modern ? ExitKind::Sysret : ExitKind::Iret);
        }
    EXPECT_EQ(sigreturns, delivered ? 1 : 0);
}

std::string signal_name(const ::testing::TestParamInfo<std::tuple<Era, SignalCase>>& info) {
    std::string era(era_info(std::get<0>(info.param)).name);
    for (char& ch : era)
        if (ch == '.') ch = '_';
    const SignalCase& c = std::get<1>(info.param);
    return era + "_" + std::string(signal_action_name(c.action)) +
           (c.nr == 39 ? "_getpid_sigpending" : "_kill");
}

INSTANTIATE_TEST_SUITE_P(Controls, SignalActionTest,
                         ::testing::Combine(::testing::Values(Era::V3_13, Era::Rfc, Era::Modern),
                                            ::testing::Values(SignalCase{SignalAction::Handler, 39},
                                                              SignalCase{SignalAction::Ignore, 39},
                                                              SignalCase{SignalAction::Block, 39},
                                                              SignalCase{SignalAction::Handler, 62},
                                                              SignalCase{SignalAction::Ignore, 62},
                                                              SignalCase{SignalAction::Block, 62})),
                         signal_name);

TEST(TamperParse, Errors) {
    EXPECT_THROW(parse_tamper("rip"), std::invalid_argument);
    EXPECT_THROW(parse_tamper("rbx=1"), std::invalid_argument);
    EXPECT_THROW(parse_tamper("rip=-1"), std::invalid_argument);
    EXPECT_THROW(parse_tamper("rip=0x1g"), std::invalid_argument);
    EXPECT_THROW(parse_tamper("rip=18446744073709551616"), std::invalid_argument);
    EXPECT_THROW(parse_tamper("cs=0x10"), std::invalid_argument);  // RPL 0
    EXPECT_THROW(parse_tamper("ss=0"), std::invalid_argument);
    EXPECT_THROW(parse_tamper("cs=0x10033"), std::invalid_argument);
    EXPECT_EQ(parse_tamper("RIP=0x10").value, 0x10u);
    EXPECT_EQ(parse_tamper("eflags=514").value, 514u);
    EXPECT_FALSE(parse_signal_action("Handler"));
    EXPECT_EQ(parse_signal_action("block"), SignalAction::Block);
}

// ---- walkthroughs: the same controls as setup keys ------------------------------

TEST(ControlsWalkthrough, SetupKeysReachTheRun) {
    const std::string text = R"(title: A tracer's rip
summary: The tracer sets rip and rcx to a non-canonical address at the exit stop.
eras: [v3.13, modern]
program:
  syscall: getpid
steps:
  - setup: {tamper: {rip: 0x800000000000, rcx: 0x800000000000}, signal_action: ignore}
  - move: {to: end}
  - expect: {outcome: fault}
)";
    Walkthrough w = parse_walkthrough(text, "tamper.yaml");
    ASSERT_EQ(w.plans.size(), 2u);
    for (size_t plan = 0; plan < w.plans.size(); plan++) {
        WalkRunner runner(w, plan);
        std::vector<StepResult> results = runner.run_all();
        for (const auto& r : results) EXPECT_TRUE(r.passed()) << r.description;
        ASSERT_EQ(runner.scenario().tampers.size(), 2u);
        EXPECT_EQ(tamper_text(runner.scenario().tampers[0]), "rip=0x800000000000");
        EXPECT_EQ(runner.scenario().signal_action, SignalAction::Ignore);
        const Trace& t = runner.session().trace();
        const SyscallRecord& focus = t.syscalls[static_cast<size_t>(t.focus)];
        EXPECT_EQ(focus.exit, ExitKind::Iret);
        EXPECT_EQ(t.outcome_detail, "the program was killed by SIGSEGV");
    }
}

TEST(ControlsWalkthrough, BadSetupKeysAreReportedWithLineAndColumn) {
    const std::string text = R"(title: bad
summary: bad
era: modern
program:
  syscall: getpid
steps:
  - setup: {tamper: {cs: 0x10, rbx: 1}, signal_action: catch}
)";
    try {
        parse_walkthrough(text, "bad.yaml");
        FAIL() << "no error";
    } catch (const WalkthroughError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("bad.yaml:7:22: tamper cs=0x10: ptrace refuses it"), std::string::npos)
            << what;
        EXPECT_NE(what.find("bad.yaml:7:32: tamper unknown register 'rbx'"), std::string::npos)
            << what;
        EXPECT_NE(what.find("bad.yaml:7:56: unknown signal_action 'catch'"), std::string::npos)
            << what;
    }
}

}  // namespace
}  // namespace slowpath
