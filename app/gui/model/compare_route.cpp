#include "model/compare_route.h"

#include <slowpath/abi.h>

#include <algorithm>

#include "model/pane.h"
#include "model/path_fit.h"
#include "slowpath/decode.h"
#include "slowpath/era_symbols.h"

namespace slowpath::gui {

RouteChips chips_by_role(const Pane& pane, const RoleSpans& spans) {
    RouteChips out;
    const Snapshot& s = pane.now();
    Era era = pane.scenario().era;
    int last_role = -1;
    for (const RouteStep& r : s.route) {
        bool function = r.kind == EventKind::Call;
        if (function && !era_symbol(era, r.name) && r.name.rfind("sys_", 0) != 0) continue;
        if (r.kind != EventKind::Label && !function) continue;
        auto role = role_at(spans, r.step);
        if (!role) continue;
        auto& list = out[static_cast<size_t>(*role)];
        if (!list.empty() && list.back().name == r.name)
            list.back().times++;
        else
            list.push_back({r.name, 1, false, function});
        last_role = static_cast<int>(*role);
    }
    // The modern decision has no label: its SYSRET checks stand for it.
    SysretChecksView checks = sysret_checks_at(*pane.trace(), s.shown_syscall, s.step, s.pt_regs);
    if (checks.made > 0) {
        std::string t =
            checks.first_failed >= 0
                ? "\xe2\x9c\x97 " + std::string(checks.rows[checks.first_failed].info->name)
                : "\xe2\x9c\x93 " + std::to_string(checks.made) + " of " +
                      std::to_string(checks.rows.size()) + " SYSRET checks";
        out[static_cast<size_t>(PathRole::Decision)].push_back({t, 1, false, false});
        last_role = std::max(last_role, static_cast<int>(PathRole::Decision));
    }
    if (s.exit_event) {
        const Event& e = pane.trace()->events[*s.exit_event];
        out[static_cast<size_t>(PathRole::Exit)].push_back(
            {e.kind == EventKind::Sysret ? "sysretq" : "iretq", 1, false, false});
        last_role = static_cast<int>(PathRole::Exit);
    }
    if (last_role >= 0 && !out[last_role].empty()) out[last_role].back().current = true;
    return out;
}

std::string chip_text(const RouteChip& chip) {
    std::string t = chip.function ? chip.name + "()" : chip.name;
    if (chip.times > 1) t += " \xc3\x97" + std::to_string(chip.times);
    return t;
}

ChipFlow flow_chips(const std::vector<RouteChip>& chips, float width, float pad, float gap,
                    const std::function<float(const std::string&)>& measure) {
    ChipFlow flow;
    float x = 0;
    int line = 0;
    for (const RouteChip& c : chips) {
        float w = measure(chip_text(c)) + pad * 2;
        if (x > 0 && x + w > width) {
            line++;
            x = 0;
        }
        flow.places.push_back({x, w, line});
        x += w + gap;
    }
    flow.lines = line + 1;
    return flow;
}

CompareBanner compare_banner(const Pane& pane) {
    CompareBanner b;
    const Snapshot& s = pane.now();
    const Trace& trace = *pane.trace();
    if (s.decision) {
        const Event& e = trace.events[*s.decision];
        b.decided = true;
        b.sysret = e.decision() == SP_DECISION_SYSRET;
        b.head = b.sysret ? "SYSRET" : "IRET";
        b.why = decision_why(e);
    } else if (!(b.why = exit_never_came(trace, s)).empty()) {
        b.head = trace.killed_by ? "killed" : "no exit";
    } else if (s.shown_syscall >= 0) {
        b.head = "sysret or iret?";
        b.why = "not decided yet";
    } else {
        b.head = "no syscall yet";
        b.why = "step to the demo's SYSCALL instruction";
    }
    return b;
}

namespace {

// The syscall the task was killed in: the run ended inside it, before it
// returned, with a killing signal; -1 for none.
int killed_in(const Trace& trace) {
    if (trace.killed_by == 0 || trace.outcome == Outcome::Running || trace.steps.empty()) return -1;
    int i = trace.steps[trace.last_step()].syscall;
    if (i < 0 || i >= static_cast<int>(trace.syscalls.size())) return -1;
    const SyscallRecord& r = trace.syscalls[static_cast<size_t>(i)];
    return r.exit == ExitKind::None && r.return_step == 0 ? i : -1;
}

}  // namespace

int compare_syscall(const Pane& pane) {
    int shown = pane.now().shown_syscall;
    return shown >= 0 ? shown : pane.trace()->focus;
}

CompareSummary compare_summary(const Pane& pane) {
    CompareSummary out;
    const Trace& trace = *pane.trace();
    int killed = killed_in(trace);
    out.run = std::string(outcome_name(trace.outcome));
    out.run_why = trace.outcome_detail;
    if (killed >= 0)
        out.run = "killed by " + signal_name(trace.killed_by) + " in " +
                  trace.syscalls[static_cast<size_t>(killed)].name.str();
    int index = compare_syscall(pane);
    if (index < 0 || index >= static_cast<int>(trace.syscalls.size())) {
        out.exit = "none";
        return out;
    }
    const SyscallRecord& call = trace.syscalls[static_cast<size_t>(index)];
    out.syscall = index;
    out.name = call.name.str();
    out.is_focus = index == trace.focus;
    if (call.exit == ExitKind::Sysret)
        out.exit = "sysretq";
    else if (call.exit == ExitKind::Iret)
        out.exit = "iretq";
    else
        out.exit = killed == index ? "killed" : "none";
    if (killed == index)
        out.returns = "never";
    else if (call.has_ret)
        out.returns = std::to_string(call.ret);
    uint64_t end = call.return_step ? call.return_step : trace.last_step();
    out.has_instructions = true;
    out.instructions = end - call.entry_step;
    return out;
}

std::string compare_syscall_caption(const CompareSummary& sum) {
    if (sum.syscall < 0) return "";
    return sum.name + " (#" + std::to_string(sum.syscall) + (sum.is_focus ? ", the focus)" : ")");
}

}  // namespace slowpath::gui
