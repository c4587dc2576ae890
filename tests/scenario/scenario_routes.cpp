// The table of scenario_routes.h: each scenario and the route, calls and
// outcome derived for it in EXPECTATIONS.md.
#include "scenario_routes.h"

#include "slowpath/syscalls.h"
#include "user/demo.h"

namespace slowpath::scenario_routes {

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
    // v3.13 with audit and other exit work: sysret_signal calls the audit
    // exit hook first (sysret_audit), then takes the notify path to iret.
    const Names v313_audit_then_notify =
        cat({kEntry,
             kFast,
             kRet,
             {"sysret_check", "sysret_careful", "sysret_signal", "sysret_audit"},
             kV313Notify,
             kIret});
    {
        Expected e;
        e.name = "SIGPENDING_and_SYSCALL_AUDIT_at_exit";
        e.era = V;
        e.inject = {"SIGPENDING@exit", "SYSCALL_AUDIT@exit"};
        e.labels = v313_audit_then_notify;
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
        e.labels = v313_audit_then_notify;
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

}  // namespace slowpath::scenario_routes
