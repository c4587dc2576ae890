#include "slowpath/trace.h"

#include <algorithm>

#include "engine.h"
#include "slowpath/syscalls.h"

namespace slowpath {

std::string_view event_kind_name(EventKind kind) {
    switch (kind) {
        case EventKind::SyscallEntry: return "syscall-entry";
        case EventKind::Swapgs: return "swapgs";
        case EventKind::StackSwitch: return "stack-switch";
        case EventKind::Label: return "label";
        case EventKind::Call: return "call";
        case EventKind::Return: return "return";
        case EventKind::TifCheck: return "tif-check";
        case EventKind::FrameState: return "frame";
        case EventKind::Schedule: return "schedule";
        case EventKind::SignalDelivered: return "signal";
        case EventKind::SignalReturn: return "sigreturn";
        case EventKind::Audit: return "audit";
        case EventKind::TracerStop: return "tracer-stop";
        case EventKind::TaskWork: return "task-work";
        case EventKind::Notifier: return "notifier";
        case EventKind::Tracepoint: return "tracepoint";
        case EventKind::HandlerReturn: return "handler-return";
        case EventKind::Inject: return "inject";
        case EventKind::Edit: return "edit";
        case EventKind::Sysret: return "sysret";
        case EventKind::Iret: return "iret";
        case EventKind::Fault: return "fault";
        case EventKind::Decision: return "decision";
        case EventKind::Exit: return "exit";
        case EventKind::Oops: return "oops";
        case EventKind::Livelock: return "livelock";
        case EventKind::StepLimit: return "step-limit";
    }
    return "?";
}

std::string_view exit_kind_name(ExitKind kind) {
    switch (kind) {
        case ExitKind::Sysret: return "sysret";
        case ExitKind::Iret: return "iret";
        default: return "none";
    }
}

std::string_view outcome_name(Outcome outcome) {
    switch (outcome) {
        case Outcome::Exited: return "exited";
        case Outcome::Livelock: return "livelock";
        case Outcome::Fault: return "fault";
        case Outcome::StepLimit: return "step-limit";
        default: return "running";
    }
}

size_t Trace::first_event_at_or_after(uint64_t step) const {
    auto it = std::lower_bound(events.begin(), events.end(), step,
                               [](const Event& e, uint64_t s) { return e.step < s; });
    return static_cast<size_t>(it - events.begin());
}

void build_syscall_records(Trace& trace) {
    trace.syscalls.clear();
    for (size_t i = 0; i < trace.events.size(); i++) {
        const Event& e = trace.events[i];
        if (e.kind == EventKind::SyscallEntry) {
            if (e.syscall < 0) continue;
            if (trace.syscalls.size() <= static_cast<size_t>(e.syscall))
                trace.syscalls.resize(static_cast<size_t>(e.syscall) + 1);
            SyscallRecord& r = trace.syscalls[static_cast<size_t>(e.syscall)];
            r.nr = static_cast<long>(e.a[0]);
            r.name = syscall_name(r.nr);
            r.entry_step = e.step;
            r.user_rip = e.a[1];
            r.user_rsp = e.a[2];
            r.first_event = i;
            r.end_event = i + 1;
            r.is_focus = e.syscall == trace.focus;
            continue;
        }
        if (e.syscall < 0 || static_cast<size_t>(e.syscall) >= trace.syscalls.size()) continue;
        SyscallRecord& r = trace.syscalls[static_cast<size_t>(e.syscall)];
        r.end_event = i + 1;
        switch (e.kind) {
            case EventKind::Label: r.path.push_back(e.name); break;
            case EventKind::Call:
                if (e.from_entry) r.path.push_back(e.name);
                break;
            case EventKind::TifCheck:
                r.tif_checks.push_back({e.name, static_cast<uint32_t>(e.a[0]), static_cast<uint32_t>(e.a[1]),
                                        static_cast<uint32_t>(e.a[2]), e.step});
                break;
            case EventKind::HandlerReturn:
                r.has_ret = true;
                r.ret = static_cast<int64_t>(e.a[0]);
                break;
            case EventKind::Sysret:
                r.exit = ExitKind::Sysret;
                r.return_step = e.step + 1;
                if (!r.has_ret) {
                    r.has_ret = true;
                    r.ret = static_cast<int64_t>(e.a[3]);
                }
                break;
            case EventKind::Iret:
                if ((e.a[1] & 3) == 3) {
                    r.exit = ExitKind::Iret;
                    r.return_step = e.step + 1;
                }
                break;
            default: break;
        }
    }
    // After a signal the syscall's own return site is reached later, by
    // rt_sigreturn's iret: that is where user mode gets its registers back.
    for (size_t k = 0; k < trace.syscalls.size(); k++) {
        SyscallRecord& r = trace.syscalls[k];
        if (r.exit != ExitKind::Iret || !r.return_step || r.return_step >= trace.steps.size()) continue;
        if (trace.steps[r.return_step].rip == r.user_rip + 2) continue;
        for (uint64_t s = r.return_step; s < trace.steps.size(); s++)
            if (trace.steps[s].rip == r.user_rip + 2 && trace.steps[s].cpl == 3 &&
                trace.steps[s].rsp == r.user_rsp) {
                r.return_step = s;
                break;
            }
    }
}

}  // namespace slowpath
