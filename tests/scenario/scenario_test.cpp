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
#include "slowpath/era.h"
#include "slowpath/session.h"
#include "slowpath/syscalls.h"
#include "slowpath/trace.h"
#include "user/demo.h"

namespace slowpath {
namespace {

using testing::join;
using testing::Names;
using testing::only_labels;

// System call numbers of the demo's focus syscalls (x86-64 ABI).
constexpr long NR_WRITE = 1;
constexpr long NR_RT_SIGRETURN = 15;
constexpr long NR_GETPID = 39;
constexpr long NR_KILL = 62;
constexpr long NR_EXIT_GROUP = 231;
constexpr long NR_BAD = 500;  // beyond __NR_syscall_max

constexpr int64_t ENOSYS_ = 38;
constexpr int64_t EFAULT_ = 14;

const char* const kHandlerLine = "demo: SIGUSR1 handler ran";

// Route pieces, named as in entry_64.S.
const Names kEntry = {"system_call", "system_call_after_swapgs"};
const Names kFast = {"system_call_fastpath"};
const Names kRet = {"ret_from_sys_call"};
const Names kIret = {"retint_swapgs", "restore_args", "irq_return"};

Names cat(std::initializer_list<Names> parts) {
    Names out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

// v3.13: from sysret_signal into the iret path for DO_NOTIFY work.
const Names kV313Notify = {
    "sysret_check", "sysret_careful",   "sysret_signal", "int_check_syscall_exit_work",
    "int_signal",   "int_restore_rest", "int_with_check"};
// v3.13: from sysret_signal into the iret path for exit work (trace leave).
const Names kV313ExitWork = {"sysret_check",     "sysret_careful",
                             "sysret_signal",    "int_check_syscall_exit_work",
                             "int_restore_rest", "int_with_check"};
// v3.13: audit fast exit.
const Names kV313Audit = {"sysret_check", "sysret_careful", "sysret_signal", "sysret_audit",
                          "sysret_check"};
// RFC: the C slow path said sysret is still fine.
const Names kRfcSysret = {"sysret_check", "sysret_careful", "sysret_check"};
// RFC: the C slow path delivered a signal.
const Names kRfcIret = {"sysret_check", "sysret_careful", "sysret_using_iret", "int_with_check"};

struct Expected {
    std::string name;  // test name
    Era era;
    long nr = NR_GETPID;
    bool bad_pointer = false;
    std::vector<std::string> inject;  // "FLAG@exit"
    // Route of the focus syscall, entry-code labels only.
    Names labels;
    // For livelocks: `labels` is the prefix and this repeats after it.
    Names cycle;
    Names calls;      // C functions that must appear in the path, in this order
    Names forbidden;  // C functions that must not appear
    ExitKind exit = ExitKind::Sysret;
    Outcome outcome = Outcome::Exited;
    std::optional<int64_t> ret = 1;  // getpid: the demo is pid 1
    bool signal = false;             // SIGUSR1 is delivered to the demo's handler
    std::string livelock_flag;
    // Modern era: the SYSRET check do_syscall_64() fails first ("" = none
    // fails, sysret), and how the handler's rt_sigreturn leaves.
    std::string sysret_failed;
    ExitKind sigreturn_exit = ExitKind::Iret;
    // Where ring 3 resumes, from the syscall instruction: past it (2), or
    // one byte back from there (1) after handle_swbp found no uprobe. The
    // demo then runs the syscall's second byte as code, so its own report
    // is not checked.
    uint64_t resume_offset = 2;
};

// gtest prints a parameter on failure; the test name says it all.
void PrintTo(const Expected& e, std::ostream* os) {
    *os << era_info(e.era).name << " " << e.name;
}

// ---- the modern era (Linux 6.12), derived in EXPECTATIONS.md ---------------------
const Names kModernEntry = {"entry_SYSCALL_64", "entry_SYSCALL_64_safe_stack",
                            "entry_SYSCALL_64_after_hwframe"};
const Names kModernSysret = {"syscall_return_via_sysret", "entry_SYSRETQ_unsafe_stack"};
const Names kModernIret = {"swapgs_restore_regs_and_return_to_usermode", "native_irq_return_iret"};

void add_modern(std::vector<Expected>& s) {
    const Era M = Era::Modern;
    auto base = [&](const std::string& name, std::vector<std::string> inject) {
        Expected e;
        e.name = name;
        e.era = M;
        e.inject = std::move(inject);
        e.labels = cat({kModernEntry, kModernSysret});
        return e;
    };
    const Names enter = {"do_syscall_64", "syscall_enter_from_user_mode"};
    const Names exit_prep = {"syscall_exit_to_user_mode", "exit_to_user_mode_prepare"};

    {
        Expected e = base("getpid", {});
        e.calls = cat({enter, {"sys_getpid"}, exit_prep, {"arch_exit_to_user_mode_prepare"}});
        e.forbidden = {"syscall_trace_enter", "syscall_exit_work", "exit_to_user_mode_loop",
                       "schedule", "do_signal"};
        s.push_back(e);
    }
    for (const char* when : {"entry", "exit"}) {
        const std::string at = std::string("_at_") + when, inj = std::string("@") + when;
        bool entry = std::string(when) == "entry";

        // Signals: the frame moves ip (and sp); rcx == rip fails, iret.
        Expected sig = base("SIGPENDING" + at, {"SIGPENDING" + inj});
        sig.labels = cat({kModernEntry, kModernIret});
        sig.calls = cat({enter,
                         {"sys_getpid"},
                         exit_prep,
                         {"exit_to_user_mode_loop", "arch_do_signal_or_restart", "do_signal",
                          "setup_rt_frame"}});
        sig.exit = ExitKind::Iret;
        sig.signal = true;
        sig.sysret_failed = "rcx == rip";
        sig.sigreturn_exit = ExitKind::Sysret;
        s.push_back(sig);

        // TIF work served by exit_to_user_mode_loop: registers untouched, sysret.
        Expected rs = base("NEED_RESCHED" + at, {"NEED_RESCHED" + inj});
        rs.calls = cat({enter, {"sys_getpid"}, exit_prep, {"exit_to_user_mode_loop", "schedule"}});
        s.push_back(rs);
        Expected nr = base("NOTIFY_RESUME" + at, {"NOTIFY_RESUME" + inj});
        nr.calls = cat({enter,
                        {"sys_getpid"},
                        exit_prep,
                        {"exit_to_user_mode_loop", "resume_user_mode_work", "task_work_run"}});
        s.push_back(nr);
        // No uprobe behind the flag: handle_swbp moves ip back one byte
        // (kernel/events/uprobes.c:2309), so rcx == rip fails: iret.
        Expected up = base("UPROBE" + at, {"UPROBE" + inj});
        up.calls = cat(
            {enter, {"sys_getpid"}, exit_prep, {"exit_to_user_mode_loop", "uprobe_notify_resume"}});
        up.labels = cat({kModernEntry, kModernIret});
        up.exit = ExitKind::Iret;
        up.sysret_failed = "rcx == rip";
        up.resume_offset = 1;
        s.push_back(up);
        // A machine check queues task work (kill_me_maybe) in 6.12.
        Expected mce = base("MCE_NOTIFY" + at, {"MCE_NOTIFY" + inj});
        mce.calls = cat({enter,
                         {"sys_getpid"},
                         exit_prep,
                         {"exit_to_user_mode_loop", "resume_user_mode_work", "task_work_run"}});
        mce.forbidden = {"mce_notify_process"};
        s.push_back(mce);
        // User-return notifiers: once, after the loop, not in it.
        Expected urn = base("USER_RETURN_NOTIFY" + at, {"USER_RETURN_NOTIFY" + inj});
        urn.calls = cat({enter,
                         {"sys_getpid"},
                         exit_prep,
                         {"arch_exit_to_user_mode_prepare", "fire_user_return_notifiers"}});
        urn.forbidden = {"exit_to_user_mode_loop"};
        s.push_back(urn);

        // syscall_work: entry work only if set before the call; exit work once.
        Expected tr = base("SYSCALL_TRACE" + at, {"SYSCALL_TRACE" + inj});
        tr.calls =
            entry
                ? cat({enter,
                       {"syscall_trace_enter", "ptrace_report_syscall", "sys_getpid",
                        "syscall_exit_to_user_mode", "syscall_exit_work", "ptrace_report_syscall"}})
                : cat({enter,
                       {"sys_getpid", "syscall_exit_to_user_mode", "syscall_exit_work",
                        "ptrace_report_syscall"}});
        if (!entry) tr.forbidden = {"syscall_trace_enter"};
        s.push_back(tr);
        Expected au = base("SYSCALL_AUDIT" + at, {"SYSCALL_AUDIT" + inj});
        au.calls = entry
                       ? cat({enter,
                              {"syscall_trace_enter", "__audit_syscall_entry", "sys_getpid",
                               "syscall_exit_work", "__audit_syscall_exit"}})
                       : cat({enter, {"sys_getpid", "syscall_exit_work", "__audit_syscall_exit"}});
        if (!entry) au.forbidden = {"syscall_trace_enter", "__audit_syscall_entry"};
        s.push_back(au);
        Expected tp = base("SYSCALL_TRACEPOINT" + at, {"SYSCALL_TRACEPOINT" + inj});
        tp.calls = entry ? cat({enter,
                                {"syscall_trace_enter", "trace_sys_enter", "sys_getpid",
                                 "syscall_exit_work", "trace_sys_exit"}})
                         : cat({enter, {"sys_getpid", "syscall_exit_work", "trace_sys_exit"}});
        s.push_back(tp);
        // Single-step: the exit trap reports the step with a SIGTRAP, which
        // the tracer keeps. user_enable_single_step() set TF in the user
        // flags: at entry the CPU ran the syscall with it (r11 and the flags
        // slot hold TF, the RF/TF check fails); at exit only the flags slot
        // has it (r11 != flags). Either way IRET (EXPECTATIONS.md, Fidelity).
        Expected st = base("SINGLESTEP" + at, {"SINGLESTEP" + inj});
        st.labels = cat({kModernEntry, kModernIret});
        st.exit = ExitKind::Iret;
        st.sysret_failed = entry ? "no RF or TF in rflags" : "r11 == rflags";
        st.calls = cat({enter,
                        {"sys_getpid", "syscall_exit_work", "user_single_step_report",
                         "exit_to_user_mode_loop", "arch_do_signal_or_restart"}});
        st.forbidden = {"setup_rt_frame"};
        s.push_back(st);
    }

    // The pairs the other eras use.
    {
        Expected e =
            base("SIGPENDING_and_SYSCALL_AUDIT_at_exit", {"SIGPENDING@exit", "SYSCALL_AUDIT@exit"});
        e.labels = cat({kModernEntry, kModernIret});
        e.calls = cat({enter,
                       {"sys_getpid", "syscall_exit_work", "__audit_syscall_exit",
                        "exit_to_user_mode_loop", "do_signal", "setup_rt_frame"}});
        e.exit = ExitKind::Iret;
        e.signal = true;
        e.sysret_failed = "rcx == rip";
        e.sigreturn_exit = ExitKind::Sysret;
        s.push_back(e);

        Expected r =
            base("NEED_RESCHED_and_SIGPENDING_at_exit", {"NEED_RESCHED@exit", "SIGPENDING@exit"});
        r.labels = cat({kModernEntry, kModernIret});
        r.calls = cat(
            {enter,
             {"sys_getpid", "exit_to_user_mode_loop", "schedule", "do_signal", "setup_rt_frame"}});
        r.exit = ExitKind::Iret;
        r.signal = true;
        r.sysret_failed = "rcx == rip";
        r.sigreturn_exit = ExitKind::Sysret;
        s.push_back(r);

        Expected a = base("SYSCALL_AUDIT_and_NOTIFY_RESUME_at_exit",
                          {"SYSCALL_AUDIT@exit", "NOTIFY_RESUME@exit"});
        a.calls = cat({enter,
                       {"sys_getpid", "syscall_exit_work", "__audit_syscall_exit",
                        "exit_to_user_mode_loop", "resume_user_mode_work", "task_work_run"}});
        s.push_back(a);
    }

    // Other system calls.
    {
        Expected bad = base("bad_syscall_number", {});
        bad.nr = NR_BAD;
        bad.calls = cat({enter, {"sys_ni_syscall", "syscall_exit_to_user_mode"}});
        bad.ret = -ENOSYS_;
        s.push_back(bad);

        // The copy faults in ring 0: page_fault -> error_entry (kernel
        // mode: no swapgs) -> do_page_fault finds the fixup -> error_return
        // -> restore_regs_and_return_to_kernel -> iretq into the fixup.
        Expected wr = base("write_bad_pointer", {});
        wr.nr = NR_WRITE;
        wr.bad_pointer = true;
        wr.labels = cat({kModernEntry,
                         {"page_fault", "error_entry", "error_return",
                          "restore_regs_and_return_to_kernel", "native_irq_return_iret"},
                         kModernSysret});
        wr.calls = cat({enter, {"sys_write", "do_page_fault", "syscall_exit_to_user_mode"}});
        wr.ret = -EFAULT_;
        s.push_back(wr);

        Expected k = base("kill_self_SIGUSR1", {});
        k.nr = NR_KILL;
        k.labels = cat({kModernEntry, kModernIret});
        k.calls = cat({enter, {"sys_kill", "exit_to_user_mode_loop", "do_signal"}});
        k.exit = ExitKind::Iret;
        k.ret = 0;
        k.signal = true;
        k.sysret_failed = "rcx == rip";
        k.sigreturn_exit = ExitKind::Sysret;
        s.push_back(k);

        Expected ex = base("exit_group", {});
        ex.nr = NR_EXIT_GROUP;
        ex.labels = kModernEntry;
        ex.calls = cat({enter, {"sys_exit_group"}});
        ex.forbidden = {"syscall_exit_to_user_mode"};
        ex.exit = ExitKind::None;
        ex.ret = std::nullopt;
        s.push_back(ex);
    }
}

std::vector<Expected> scenarios() {
    const Era V = Era::V3_13, R = Era::Rfc;
    std::vector<Expected> s;
    auto add = [&](Expected e) { s.push_back(std::move(e)); };

    // ---- no work -------------------------------------------------------------
    for (Era era : {V, R}) {
        Expected e;
        e.name = "getpid";
        e.era = era;
        e.labels = cat({kEntry, kFast, kRet, {"sysret_check"}});
        e.calls = {"sys_getpid"};
        e.forbidden = {"do_notify_resume", "syscall_exit_slowpath", "schedule"};
        add(e);
    }

    // ---- SIGPENDING at exit: iret in both eras, the handler runs --------------
    {
        Expected e;
        e.name = "SIGPENDING_at_exit";
        e.era = V;
        e.inject = {"SIGPENDING@exit"};
        e.labels = cat({kEntry, kFast, kRet, kV313Notify, kIret});
        e.calls = {"sys_getpid", "do_notify_resume"};
        e.exit = ExitKind::Iret;
        e.signal = true;
        add(e);
        e.era = R;
        e.labels = cat({kEntry, kFast, kRet, kRfcIret, kIret});
        e.calls = {"sys_getpid", "syscall_exit_slowpath"};
        add(e);
    }

    // ---- NEED_RESCHED at exit: schedule, back to sysret_check, sysret -----------
    {
        Expected e;
        e.name = "NEED_RESCHED_at_exit";
        e.era = V;
        e.inject = {"NEED_RESCHED@exit"};
        e.labels = cat({kEntry, kFast, kRet, {"sysret_check", "sysret_careful", "sysret_check"}});
        e.calls = {"sys_getpid", "schedule"};
        e.forbidden = {"do_notify_resume"};
        add(e);
        e.era = R;
        e.labels = cat({kEntry, kFast, kRet, kRfcSysret});
        e.calls = {"sys_getpid", "syscall_exit_slowpath"};
        add(e);
    }

    // ---- DO_NOTIFY flags other than SIGPENDING: iret in v3.13, sysret in the RFC
    for (const char* flag : {"NOTIFY_RESUME", "MCE_NOTIFY", "USER_RETURN_NOTIFY"}) {
        Expected e;
        e.name = std::string(flag) + "_at_exit";
        e.era = V;
        e.inject = {std::string(flag) + "@exit"};
        e.labels = cat({kEntry, kFast, kRet, kV313Notify, kIret});
        e.calls = {"sys_getpid", "do_notify_resume"};
        e.exit = ExitKind::Iret;
        add(e);
        e.era = R;
        e.labels = cat({kEntry, kFast, kRet, kRfcSysret});
        e.calls = {"sys_getpid", "syscall_exit_slowpath"};
        e.forbidden = {"do_notify_resume"};
        e.exit = ExitKind::Sysret;
        add(e);
    }

    // ---- SYSCALL_AUDIT at exit: the audit fast path / the C slow path -----------
    {
        Expected e;
        e.name = "SYSCALL_AUDIT_at_exit";
        e.era = V;
        e.inject = {"SYSCALL_AUDIT@exit"};
        e.labels = cat({kEntry, kFast, kRet, kV313Audit});
        e.calls = {"sys_getpid", "__audit_syscall_exit"};
        e.forbidden = {"do_notify_resume", "syscall_trace_leave"};
        add(e);
        e.era = R;
        e.labels = cat({kEntry, kFast, kRet, kRfcSysret});
        e.calls = {"sys_getpid", "syscall_exit_slowpath"};
        e.forbidden = {"do_notify_resume"};
        add(e);
    }

    // ---- persistent exit-work flags: iret in v3.13, livelock in the RFC ---------
    for (const char* flag : {"SYSCALL_TRACE", "SINGLESTEP", "SYSCALL_TRACEPOINT"}) {
        Expected e;
        e.name = std::string(flag) + "_at_exit";
        e.era = V;
        e.inject = {std::string(flag) + "@exit"};
        e.labels = cat({kEntry, kFast, kRet, kV313ExitWork, kIret});
        e.calls = {"sys_getpid", "syscall_trace_leave"};
        e.exit = ExitKind::Iret;
        if (std::string(flag) == "SINGLESTEP") {
            // syscall_trace_leave -> tracehook_report_syscall_exit(regs, step=1)
            // forces a SIGTRAP instead of a syscall-exit stop. SIGPENDING is in
            // the narrowed edi, so one more round delivers it through
            // do_notify_resume (the tracer takes it and resumes without it).
            e.labels = cat({kEntry,
                            kFast,
                            kRet,
                            kV313ExitWork,
                            {"int_careful", "int_very_careful", "int_check_syscall_exit_work",
                             "int_signal", "int_restore_rest", "int_with_check"},
                            kIret});
            e.calls = {"sys_getpid", "syscall_trace_leave", "do_notify_resume"};
        } else {
            e.forbidden = {"do_notify_resume"};
        }
        add(e);

        Expected r;
        r.name = e.name;
        r.era = R;
        r.inject = e.inject;
        if (std::string(flag) == "SINGLESTEP") {
            // The forced SIGTRAP breaks the RFC's loop: the first call only
            // raises it (its flags snapshot lacks SIGPENDING) and returns 0;
            // the second sees SIGPENDING, runs do_signal and returns 1. The
            // iret path then masks SINGLESTEP after one more trace-leave,
            // whose new SIGTRAP is taken by do_notify_resume.
            r.labels =
                cat({kEntry,
                     kFast,
                     kRet,
                     {"sysret_check", "sysret_careful", "sysret_check", "sysret_careful",
                      "sysret_using_iret", "int_with_check", "int_careful", "int_very_careful",
                      "int_restore_rest", "int_with_check", "int_careful", "int_very_careful",
                      "int_signal", "int_restore_rest", "int_with_check"},
                     kIret});
            r.calls = {"sys_getpid", "syscall_exit_slowpath", "syscall_exit_slowpath",
                       "syscall_trace_leave", "do_notify_resume"};
            r.exit = ExitKind::Iret;
        } else {
            // Persistent, in ALLWORK & ~AUDIT, and nothing clears it.
            r.labels = cat({kEntry, kFast, kRet});
            r.cycle = {"sysret_check", "sysret_careful"};
            r.calls = {"sys_getpid", "syscall_exit_slowpath", "syscall_exit_slowpath"};
            r.exit = ExitKind::None;
            r.outcome = Outcome::Livelock;
            r.ret = std::nullopt;
            r.livelock_flag = flag;
        }
        add(r);
    }

    // ---- UPROBE at exit: not in v3.13's _TIF_DO_NOTIFY_MASK -> int_with_check
    // loops forever; the RFC's C function handles it and sysrets.
    {
        Expected e;
        e.name = "UPROBE_at_exit";
        e.era = V;
        e.inject = {"UPROBE@exit"};
        e.labels = cat({kEntry,
                        kFast,
                        kRet,
                        {"sysret_check", "sysret_careful", "sysret_signal",
                         "int_check_syscall_exit_work", "int_signal", "int_restore_rest"}});
        e.cycle = {"int_with_check",   "int_careful",
                   "int_very_careful", "int_check_syscall_exit_work",
                   "int_signal",       "int_restore_rest"};
        e.calls = {"sys_getpid"};
        e.forbidden = {"do_notify_resume", "syscall_trace_leave"};
        e.exit = ExitKind::None;
        e.outcome = Outcome::Livelock;
        e.ret = std::nullopt;
        e.livelock_flag = "UPROBE";
        add(e);

        Expected r;
        r.name = e.name;
        r.era = R;
        r.inject = e.inject;
        r.labels = cat({kEntry, kFast, kRet, kRfcSysret});
        r.calls = {"sys_getpid", "syscall_exit_slowpath"};
        // handle_swbp moved regs->ip back one byte; sysret_check reloads
        // rcx from that slot, so sysret goes there.
        r.resume_offset = 1;
        add(r);
    }

    // ---- entry work ----------------------------------------------------------------
    {
        Expected e;
        e.name = "SYSCALL_AUDIT_at_entry";
        e.era = V;
        e.inject = {"SYSCALL_AUDIT@entry"};
        e.labels = cat({kEntry, {"tracesys", "auditsys"}, kFast, kRet, kV313Audit});
        e.calls = {"__audit_syscall_entry", "sys_getpid", "__audit_syscall_exit"};
        e.forbidden = {"syscall_trace_enter", "do_notify_resume"};
        add(e);
        e.era = R;
        e.labels = cat({kEntry, {"tracesys", "auditsys"}, kFast, kRet, kRfcSysret});
        e.calls = {"__audit_syscall_entry", "sys_getpid", "syscall_exit_slowpath"};
        add(e);
    }
    {
        Expected e;
        e.name = "SYSCALL_TRACE_at_entry";
        e.era = V;
        e.inject = {"SYSCALL_TRACE@entry"};
        e.labels = cat({kEntry,
                        {"tracesys", "int_ret_from_sys_call", "int_with_check", "int_careful",
                         "int_very_careful", "int_check_syscall_exit_work", "int_restore_rest",
                         "int_with_check"},
                        kIret});
        e.calls = {"syscall_trace_enter", "sys_getpid", "syscall_trace_leave"};
        e.forbidden = {"do_notify_resume"};
        e.exit = ExitKind::Iret;
        add(e);
        e.era = R;
        e.labels = cat({kEntry,
                        {"tracesys", "int_ret_from_sys_call", "int_with_check", "int_careful",
                         "int_very_careful", "int_restore_rest", "int_with_check"},
                        kIret});
        e.forbidden = {"do_notify_resume", "syscall_exit_slowpath"};
        add(e);
    }

    // ---- combinations -------------------------------------------------------------
    {
        Expected e;
        e.name = "SIGPENDING_and_SYSCALL_AUDIT_at_exit";
        e.era = V;
        e.inject = {"SIGPENDING@exit", "SYSCALL_AUDIT@exit"};
        e.labels = cat({kEntry,
                        kFast,
                        kRet,
                        {"sysret_check", "sysret_careful", "sysret_signal", "sysret_audit"},
                        kV313Notify,
                        kIret});
        e.calls = {"sys_getpid", "__audit_syscall_exit", "do_notify_resume"};
        e.exit = ExitKind::Iret;
        e.signal = true;
        add(e);
        e.era = R;
        e.labels = cat({kEntry, kFast, kRet, kRfcIret, kIret});
        e.calls = {"sys_getpid", "syscall_exit_slowpath"};
        add(e);
    }
    {
        Expected e;
        e.name = "NEED_RESCHED_and_SIGPENDING_at_exit";
        e.era = V;
        e.inject = {"NEED_RESCHED@exit", "SIGPENDING@exit"};
        e.labels =
            cat({kEntry, kFast, kRet, {"sysret_check", "sysret_careful"}, kV313Notify, kIret});
        e.calls = {"sys_getpid", "schedule", "do_notify_resume"};
        e.exit = ExitKind::Iret;
        e.signal = true;
        add(e);
        e.era = R;
        e.labels = cat({kEntry, kFast, kRet, kRfcIret, kIret});
        e.calls = {"sys_getpid", "syscall_exit_slowpath"};
        add(e);
    }
    {
        Expected e;
        e.name = "SYSCALL_AUDIT_and_NOTIFY_RESUME_at_exit";
        e.era = V;
        e.inject = {"SYSCALL_AUDIT@exit", "NOTIFY_RESUME@exit"};
        e.labels = cat({kEntry,
                        kFast,
                        kRet,
                        {"sysret_check", "sysret_careful", "sysret_signal", "sysret_audit"},
                        kV313Notify,
                        kIret});
        e.calls = {"sys_getpid", "__audit_syscall_exit", "do_notify_resume"};
        e.exit = ExitKind::Iret;
        add(e);
        e.era = R;
        e.labels = cat({kEntry, kFast, kRet, kRfcSysret});
        e.calls = {"sys_getpid", "syscall_exit_slowpath"};
        e.forbidden = {"do_notify_resume"};
        e.exit = ExitKind::Sysret;
        add(e);
    }

    // ---- other syscalls --------------------------------------------------------------
    for (Era era : {V, R}) {
        Expected bad;
        bad.name = "bad_syscall_number";
        bad.era = era;
        bad.nr = NR_BAD;
        bad.labels = cat({kEntry, kFast, {"badsys"}, kRet, {"sysret_check"}});
        bad.ret = -ENOSYS_;
        add(bad);

        Expected wr;
        wr.name = "write_bad_pointer";
        wr.era = era;
        wr.nr = NR_WRITE;
        wr.bad_pointer = true;
        // The copy from the bad pointer faults in ring 0: page_fault ->
        // error_entry (kernel space: no swapgs) -> do_page_fault, which finds
        // the exception-table fixup -> error_exit -> retint_kernel (an alias
        // of retint_restore_args without CONFIG_PREEMPT) -> iretq to the
        // fixup, which makes the copy fail with -EFAULT.
        wr.labels = cat({kEntry,
                         kFast,
                         {"page_fault", "error_entry", "error_kernelspace", "error_sti",
                          "error_exit", "retint_restore_args", "restore_args", "irq_return"},
                         kRet,
                         {"sysret_check"}});
        wr.calls = {"sys_write", "do_page_fault"};
        wr.ret = -EFAULT_;
        add(wr);

        // kill(0, SIGUSR1) raises the signal itself: the exit check finds
        // SIGPENDING exactly as if it had been injected.
        Expected k;
        k.name = "kill_self_SIGUSR1";
        k.era = era;
        k.nr = NR_KILL;
        k.labels = era == V ? cat({kEntry, kFast, kRet, kV313Notify, kIret})
                            : cat({kEntry, kFast, kRet, kRfcIret, kIret});
        k.calls = era == V ? Names{"sys_kill", "do_notify_resume"}
                           : Names{"sys_kill", "syscall_exit_slowpath"};
        k.exit = ExitKind::Iret;
        k.ret = 0;
        k.signal = true;
        add(k);

        Expected ex;
        ex.name = "exit_group";
        ex.era = era;
        ex.nr = NR_EXIT_GROUP;
        ex.labels = cat({kEntry, kFast});
        ex.calls = {"sys_exit_group"};
        ex.exit = ExitKind::None;
        ex.ret = std::nullopt;
        add(ex);
    }
    add_modern(s);
    return s;
}

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
    const std::string where = "path: " + join(f.path);

    // The labels, strictly.
    const Names labels = only_labels(f.path);
    if (!e.cycle.empty()) {
        EXPECT_TRUE(testing::matches_cycle(labels, e.labels, e.cycle, 2))
            << "expected " << join(e.labels) << " then (" << join(e.cycle) << ")...\n"
            << "labels:   " << join(labels) << "\n"
            << where;
    } else {
        EXPECT_EQ(join(labels), join(e.labels)) << where;
    }

    // The C work, in order; and the work that must not happen.
    EXPECT_TRUE(testing::is_subsequence(e.calls, f.path))
        << "expected calls in order: " << join(e.calls) << "\n"
        << where;
    for (const auto& name : e.forbidden)
        EXPECT_EQ(count_of(f.path, name), 0u) << name << " must not run\n" << where;

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
        std::vector<const Event*> checks;
        const Event* decision = nullptr;
        for (const Event& ev : t.events) {
            if (ev.syscall != t.focus) continue;
            if (ev.kind == EventKind::SysretCheck) checks.push_back(&ev);
            if (ev.kind == EventKind::Decision) decision = &ev;
        }
        ASSERT_FALSE(checks.empty()) << "no SYSRET check recorded\n" << where;
        for (size_t i = 0; i + 1 < checks.size(); i++)
            EXPECT_EQ(checks[i]->a[3], 1u) << checks[i]->name << " failed before the last check";
        for (size_t i = 0; i < checks.size(); i++)
            EXPECT_EQ(checks[i]->a[0], i + 1) << "checks run in do_syscall_64's order";
        ASSERT_NE(decision, nullptr);
        if (e.sysret_failed.empty()) {
            EXPECT_EQ(checks.size(), 6u);
            EXPECT_EQ(checks.back()->a[3], 1u);
            EXPECT_NE(decision->text.find("all SYSRET checks passed"), std::string::npos)
                << decision->text;
        } else {
            EXPECT_EQ(checks.back()->a[3], 0u);
            EXPECT_EQ(checks.back()->name, e.sysret_failed);
            EXPECT_NE(decision->text.find("SYSRET check " + e.sysret_failed + " failed"),
                      std::string::npos)
                << decision->text;
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
            {"do_syscall_64", "sys_rt_sigreturn", "syscall_exit_to_user_mode"}, sigreturn->path))
            << "rt_sigreturn path: " << join(sigreturn->path);
        EXPECT_EQ(exit_kind_name(sigreturn->exit), exit_kind_name(e.sigreturn_exit));
        ASSERT_LT(sigreturn->return_step, t.steps.size());
        EXPECT_EQ(t.steps[sigreturn->return_step].rip, f.user_rip + 2);
        EXPECT_GE(f.return_step, sigreturn->return_step);
        return;
    }
    EXPECT_TRUE(testing::is_subsequence(cat({{"int_ret_from_sys_call", "int_with_check"}, kIret}),
                                        sigreturn->path))
        << "rt_sigreturn path: " << join(sigreturn->path);
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

class EraTest : public ::testing::TestWithParam<Era> {};

TEST_P(EraTest, AuditAtEntryRecordsEntryAndExitOfGetpid) {
    Scenario sc;
    sc.era = GetParam();
    sc.injections = {parse_injection("SYSCALL_AUDIT@entry")};
    Session s(sc);
    s.seek(s.last_step());
    const KernelStateView k = s.kernel_state();
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
    Scenario sc;
    sc.era = GetParam();
    sc.injections = {parse_injection("SYSCALL_TRACE@entry")};
    Session s(sc);
    s.seek(s.last_step());
    const KernelStateView k = s.kernel_state();
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
    ASSERT_FALSE(f.tif_checks.empty());
    EXPECT_EQ(f.tif_checks.back().result, 0u);
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
    std::vector<const Event*> checks;
    const Event* decision = nullptr;
    for (const Event& ev : t.events) {
        if (ev.syscall != t.focus) continue;
        if (ev.kind == EventKind::SysretCheck) checks.push_back(&ev);
        if (ev.kind == EventKind::Decision) decision = &ev;
    }
    ASSERT_EQ(checks.size(), c.id) << "the checks stop at the first failure";
    for (size_t i = 0; i + 1 < checks.size(); i++)
        EXPECT_EQ(checks[i]->a[3], 1u) << checks[i]->name;
    EXPECT_EQ(checks.back()->a[0], c.id);
    EXPECT_EQ(checks.back()->name, c.failed);
    EXPECT_EQ(checks.back()->a[3], 0u);
    ASSERT_NE(decision, nullptr);
    EXPECT_EQ(decision->a[0], 2u) << "iret";
    EXPECT_NE(decision->text.find(std::string("SYSRET check ") + c.failed + " failed"),
              std::string::npos)
        << decision->text;
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
