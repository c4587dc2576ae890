#include "model/roles.h"

#include <algorithm>

namespace slowpath::gui {

namespace {

bool starts_with(const std::string& s, const char* prefix) {
    return s.rfind(prefix, 0) == 0;
}

std::optional<PathRole> symbol_role(Era era, const Event& e) {
    if (e.kind != EventKind::Label && e.kind != EventKind::Call) return std::nullopt;
    if (const EraRoleSymbol* r = era_role(era, e.name)) return r->role;
    return std::nullopt;
}

// The function the system-call table sent the call to: SYSCALL_DEFINE's
// sys_* in every era, or an assembly stub_* of the older tables.
bool is_handler(Era era, const Event& e) {
    if (e.kind != EventKind::Call && e.kind != EventKind::Label) return false;
    if (auto role = symbol_role(era, e)) return *role == PathRole::Handler;
    return e.kind == EventKind::Call && starts_with(e.name, "sys_");
}

}  // namespace

RoleSpans role_spans(const Trace& trace, Era era) {
    return role_spans(trace, era, trace.focus);
}

int same_syscall_in(const Trace& trace, int index, const Trace& other) {
    auto valid = [](const Trace& t, int i) {
        return i >= 0 && i < static_cast<int>(t.syscalls.size());
    };
    if (valid(trace, index) && valid(other, index) &&
        trace.syscalls[static_cast<size_t>(index)].nr ==
            other.syscalls[static_cast<size_t>(index)].nr)
        return index;
    return other.focus;
}

RoleSpans role_spans(const Trace& trace, Era era, int index) {
    RoleSpans out;
    out.last_step = trace.last_step();
    if (index < 0 || index >= static_cast<int>(trace.syscalls.size())) return out;
    const SyscallRecord& r = trace.syscalls[static_cast<size_t>(index)];
    out.present = true;
    out.syscall = index;
    out.entry_step = r.entry_step;
    out.return_step = r.return_step;
    size_t first = r.first_event, end = std::min(r.end_event, trace.events.size());
    uint64_t finish = r.return_step ? r.return_step : trace.last_step() + 1;

    // The exit instruction, where the Decision event is. The call ends
    // there even when ring 3 resumes in a signal handler first (the
    // record's return then comes after rt_sigreturn).
    uint64_t exit_insn = r.return_step ? r.return_step - 1 : finish;
    for (size_t i = first; i < end; i++)
        if (trace.events[i].kind == EventKind::Decision) {
            exit_insn = trace.events[i].step;
            finish = exit_insn + 1;
            out.return_step = finish;
            break;
        }

    uint64_t handler_return = exit_insn;
    size_t handler_return_event = end;
    for (size_t i = first; i < end; i++)
        if (trace.events[i].kind == EventKind::HandlerReturn) {
            handler_return = trace.events[i].step;
            handler_return_event = i;
            break;
        }

    uint64_t handler_begin = handler_return;
    for (size_t i = first; i < handler_return_event; i++)
        if (is_handler(era, trace.events[i])) {
            handler_begin = trace.events[i].step;
            break;
        }

    // The decision: the first decision place (a flag check that lets the
    // call out, or the modern SYSRET checks) after the last exit work.
    size_t last_work = handler_return_event;
    for (size_t i = handler_return_event; i < end && trace.events[i].step <= exit_insn; i++)
        if (symbol_role(era, trace.events[i]) == PathRole::ExitWork) last_work = i;
    uint64_t decision_begin = exit_insn;
    size_t decision_event = end;
    for (size_t i = last_work; i < end && trace.events[i].step <= exit_insn; i++) {
        const Event& e = trace.events[i];
        if (e.kind == EventKind::SysretCheck || symbol_role(era, e) == PathRole::Decision) {
            decision_begin = e.step;
            decision_event = i;
            break;
        }
    }

    // The exit: the first exit label after it, or where the frame starts
    // to be taken apart (a restore, swapgs), else the exit instruction.
    uint64_t exit_begin = exit_insn;
    for (size_t i = decision_event; i < end && trace.events[i].step < exit_insn; i++) {
        const Event& e = trace.events[i];
        if (e.step <= decision_begin) continue;
        if (symbol_role(era, e) == PathRole::Exit || e.kind == EventKind::Swapgs ||
            (e.kind == EventKind::FrameState && (e.name.find("RESTORE") != std::string::npos ||
                                                 e.name.find("GONE") != std::string::npos))) {
            exit_begin = e.step;
            break;
        }
    }

    // Back to back, each at least where the one before ends.
    uint64_t bounds[6] = {r.entry_step,   handler_begin, handler_return,
                          decision_begin, exit_begin,    finish};
    for (int k = 1; k < 6; k++) bounds[k] = std::max(bounds[k], bounds[k - 1]);
    for (size_t k = 0; k < 5; k++) out.spans[k] = {kPathRoles[k], bounds[k], bounds[k + 1]};
    return out;
}

RolePosition role_position(const RoleSpans& spans, uint64_t step) {
    RolePosition p;
    if (!spans.present || step <= spans.entry_step) {
        p.offset = spans.present ? spans.entry_step - std::min(step, spans.entry_step) : 0;
        return p;
    }
    if (spans.return_step && step >= spans.return_step) {
        p.where = RolePosition::Where::After;
        p.offset = step - spans.return_step;
        return p;
    }
    p.where = RolePosition::Where::Inside;
    for (const RoleSpan& s : spans.spans)
        if (step >= s.begin && step < s.end) {
            p.role = s.role;
            p.offset = step - s.begin;
            return p;
        }
    p.role = PathRole::Exit;  // past the last span of a call that never returned
    p.offset = step - spans.of(PathRole::Exit).begin;
    return p;
}

std::optional<PathRole> role_at(const RoleSpans& spans, uint64_t step) {
    RolePosition p = role_position(spans, step);
    if (p.where != RolePosition::Where::Inside) return std::nullopt;
    return p.role;
}

uint64_t align_by_role(const RolePosition& where, const RoleSpans& other,
                       std::optional<uint64_t> candidate) {
    if (!other.present) return std::min(candidate.value_or(0), other.last_step);
    RolePosition at = candidate ? role_position(other, *candidate) : RolePosition{};
    bool same_zone = candidate && at.where == where.where &&
                     (where.where != RolePosition::Where::Inside || at.role == where.role);
    if (same_zone) return *candidate;
    switch (where.where) {
        case RolePosition::Where::Before:
            return other.entry_step - std::min(other.entry_step, where.offset);
        case RolePosition::Where::After:
            if (other.return_step)
                return std::min(other.last_step, other.return_step + where.offset);
            return other.last_step;
        case RolePosition::Where::Inside:
            break;
    }
    const RoleSpan& span = other.of(where.role);
    if (span.size() == 0) return span.begin;
    return span.begin + std::min(where.offset, span.size() - 1);
}

}  // namespace slowpath::gui
