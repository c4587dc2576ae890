#include "model/model.h"

#include <algorithm>

#include "slowpath/era.h"
#include "slowpath/tif.h"

namespace slowpath::gui {

namespace {

struct NavWord {
    Nav op;
    const char* word;
};
constexpr NavWord kNavWords[] = {
    {Nav::Step, "step"},
    {Nav::Back, "back"},
    {Nav::Over, "over"},
    {Nav::Out, "out"},
    {Nav::NextLabel, "next-label"},
    {Nav::PrevLabel, "prev-label"},
    {Nav::NextEvent, "next-event"},
    {Nav::PrevEvent, "prev-event"},
    {Nav::Decision, "decision"},
    {Nav::Ring3, "ring3"},
    {Nav::End, "end"},
    {Nav::Reset, "reset"},
};

Era other_era(Era era) {
    return era == Era::V3_13 ? Era::Rfc : Era::V3_13;
}

// The events a point of the path is found by, and which count as the same.
bool is_anchor(EventKind kind) {
    switch (kind) {
        case EventKind::Label:
        case EventKind::Call:
        case EventKind::Decision:
        case EventKind::Sysret:
        case EventKind::Iret:
            return true;
        default:
            return false;
    }
}

bool same_anchor(const Event& e, const RunPoint::Anchor& a) {
    bool exit = e.kind == EventKind::Sysret || e.kind == EventKind::Iret;
    if (a.kind == EventKind::Sysret) return exit;
    if (e.kind != a.kind) return false;
    return a.kind == EventKind::Decision || e.name == a.name;
}

}  // namespace

RunPoint run_point(const Trace& trace, uint64_t step) {
    RunPoint p;
    if (trace.focus < 0 || trace.focus >= static_cast<int>(trace.syscalls.size())) return p;
    p.has_focus = true;
    const SyscallRecord& r = trace.syscalls[trace.focus];
    if (step <= r.entry_step) {
        p.offset = r.entry_step - step;
        return p;
    }
    if (r.return_step != 0 && step >= r.return_step) {
        p.where = RunPoint::Where::After;
        p.offset = step - r.return_step;
        return p;
    }
    p.where = RunPoint::Where::Inside;
    std::vector<RunPoint::Anchor> seen;
    for (size_t i = r.first_event; i < r.end_event && i < trace.events.size(); i++) {
        const Event& e = trace.events[i];
        if (e.step > step) break;
        if (!is_anchor(e.kind)) continue;
        RunPoint::Anchor a;
        a.kind = e.kind == EventKind::Iret ? EventKind::Sysret : e.kind;
        a.name = e.kind == EventKind::Label || e.kind == EventKind::Call ? e.name : "";
        for (const RunPoint::Anchor& b : seen)
            if (b.kind == a.kind && b.name == a.name) a.occurrence++;
        a.offset = step - e.step;
        seen.push_back(std::move(a));
    }
    p.anchors.assign(seen.rbegin(), seen.rend());
    return p;
}

uint64_t same_point(const RunPoint& point, const Trace& trace, uint64_t fallback) {
    if (!point.has_focus || trace.focus < 0 ||
        trace.focus >= static_cast<int>(trace.syscalls.size()))
        return std::min(fallback, trace.last_step());
    const SyscallRecord& r = trace.syscalls[trace.focus];
    switch (point.where) {
        case RunPoint::Where::Before:
            return r.entry_step - std::min(r.entry_step, point.offset);
        case RunPoint::Where::After:
            if (r.return_step != 0)
                return std::min(trace.last_step(), r.return_step + point.offset);
            break;
        case RunPoint::Where::Inside:
            for (const RunPoint::Anchor& a : point.anchors) {
                size_t count = 0;
                for (size_t i = r.first_event; i < r.end_event && i < trace.events.size(); i++) {
                    const Event& e = trace.events[i];
                    if (!same_anchor(e, a) || count++ != a.occurrence) continue;
                    // The same distance on, unless this run goes elsewhere first.
                    uint64_t next = trace.last_step();
                    for (size_t j = i + 1; j < r.end_event && j < trace.events.size(); j++)
                        if (is_anchor(trace.events[j].kind) && trace.events[j].step > e.step) {
                            next = trace.events[j].step;
                            break;
                        }
                    return e.step + a.offset < next ? e.step + a.offset : e.step;
                }
            }
            break;
    }
    return r.entry_step;
}

std::string nav_name(Nav op) {
    for (const auto& w : kNavWords)
        if (w.op == op) return w.word;
    return "?";
}

std::optional<Nav> parse_nav(const std::string& word) {
    for (const auto& w : kNavWords)
        if (word == w.word) return w.op;
    return std::nullopt;
}

Model::Model(const Scenario& initial) {
    primary_.load(initial);
}

std::vector<Pane*> Model::panes_by_era() {
    std::vector<Pane*> panes{&primary_};
    if (comparing_) {
        if (partner_.scenario().era < primary_.scenario().era)
            panes.insert(panes.begin(), &partner_);
        else
            panes.push_back(&partner_);
    }
    return panes;
}

Scenario Model::partner_scenario(const Scenario& base) const {
    Scenario other = base;
    other.era = other_era(base.era);
    return other;
}

void Model::set_status(std::string text, bool error) {
    status_ = std::move(text);
    status_error_ = error;
    edits_++;
}

void Model::note(const std::string& message) {
    if (!message.empty()) set_status(message, true);
}

void Model::set_compare(bool on) {
    if (on == comparing_) return;
    comparing_ = on;
    if (on) {
        partner_.load(partner_scenario(scenario()), primary_.now().step);
        if (!partner_.ok()) set_status("compare: " + partner_.error(), true);
    }
    edits_++;
}

void Model::reload(const Scenario& scenario) {
    uint64_t step = primary_.ok() ? primary_.now().step : 0;
    bool had_machine = primary_.ok();
    primary_.load(scenario, had_machine ? std::optional<uint64_t>(step) : std::nullopt);
    if (!primary_.ok()) set_status(primary_.error(), true);
    if (comparing_) {
        uint64_t partner_step = partner_.ok() ? partner_.now().step : step;
        partner_.load(partner_scenario(scenario),
                      had_machine ? std::optional<uint64_t>(partner_step) : std::nullopt);
    }
}

void Model::reload_same_point(const Scenario& scenario) {
    if (!primary_.ok()) {
        reload(scenario);
        return;
    }
    uint64_t step = primary_.now().step;
    RunPoint point = run_point(*primary_.trace(), step);
    primary_.load(scenario, [&](const Trace& t) { return same_point(point, t, step); });
    if (!primary_.ok()) set_status(primary_.error(), true);
    if (comparing_) {
        uint64_t partner_step = partner_.ok() ? partner_.now().step : step;
        RunPoint partner_point = partner_.ok() ? run_point(*partner_.trace(), partner_step) : point;
        partner_.load(partner_scenario(scenario),
                      [&](const Trace& t) { return same_point(partner_point, t, partner_step); });
    }
}

void Model::show_session(Session& session, bool new_trace) {
    if (comparing_) set_compare(false);
    primary_.show(session, new_trace);
    edits_++;
}

void Model::set_era(Era era) {
    if (primary_.ok() && scenario().era == era) return;
    Scenario s = scenario();
    s.era = era;
    reload(s);
    if (primary_.ok()) set_status(std::string("era: ") + std::string(era_info(era).title));
}

void Model::set_syscall(long nr) {
    Scenario s = scenario();
    if (primary_.ok() && s.syscall_nr == nr) return;
    s.syscall_nr = nr;
    // A different syscall is a different run: start it from the top.
    primary_.load(s);
    if (!primary_.ok()) set_status(primary_.error(), true);
    if (comparing_) partner_.load(partner_scenario(s));
    if (primary_.ok()) set_status("syscall " + std::to_string(nr));
}

void Model::set_bad_pointer(bool on) {
    Scenario s = scenario();
    if (s.bad_pointer == on) return;
    s.bad_pointer = on;
    reload(s);
}

bool Model::injected(int bit, InjectWhen when) const {
    for (const Injection& i : scenario().injections)
        if (i.bit == bit && i.when == when) return true;
    return false;
}

void Model::set_injection(int bit, InjectWhen when, bool on) {
    if (injected(bit, when) == on) return;
    Scenario s = scenario();
    if (on) {
        Injection injection;
        injection.bit = bit;
        injection.when = when;
        s.injections.push_back(injection);
    } else {
        s.injections.erase(
            std::remove_if(s.injections.begin(), s.injections.end(),
                           [&](const Injection& i) { return i.bit == bit && i.when == when; }),
            s.injections.end());
    }
    reload_same_point(s);
    if (primary_.ok()) {
        const TifFlagInfo* info = tif_flag(bit);
        std::string name = info ? std::string(info->name) : std::to_string(bit);
        set_status(std::string(on ? "inject " : "no longer inject ") + name + "@" +
                   std::string(inject_when_name(when)));
    }
}

void Model::clear_injections() {
    Scenario s = scenario();
    if (s.injections.empty()) return;
    s.injections.clear();
    reload(s);
}

void Model::nav(Nav op, uint64_t count) {
    status_.clear();
    status_error_ = false;
    for (Pane* pane : {&primary_, comparing_ ? &partner_ : nullptr}) {
        if (!pane || !pane->ok()) continue;
        uint64_t start = pane->start_step();
        note(pane->move([&](Session& s) {
            switch (op) {
                case Nav::Step:
                    s.step_forward(count);
                    break;
                case Nav::Back:
                    s.step_back(count);
                    break;
                case Nav::Over:
                    s.step_over();
                    break;
                case Nav::Out:
                    s.step_out();
                    break;
                case Nav::NextLabel:
                    s.next_label();
                    break;
                case Nav::PrevLabel:
                    s.prev_label();
                    break;
                case Nav::NextEvent:
                    s.next_event();
                    break;
                case Nav::PrevEvent:
                    s.prev_event();
                    break;
                case Nav::Decision:
                    s.run_to_decision();
                    break;
                case Nav::Ring3:
                    s.run_to_ring3();
                    break;
                case Nav::End:
                    s.run_to_end();
                    break;
                case Nav::Reset:
                    s.seek(start);
                    break;
            }
        }));
        if (pane == &primary_ && pane->now().step == pane->before().step && op != Nav::Reset &&
            status_.empty())
            set_status(nav_name(op) + ": nowhere to go from here");
    }
    edits_++;
}

void Model::seek(uint64_t step) {
    for (Pane* pane : {&primary_, comparing_ ? &partner_ : nullptr})
        if (pane && pane->ok()) note(pane->move([&](Session& s) { s.seek(step); }));
}

bool Model::run_to_label(const std::string& label) {
    bool found_any = false;
    for (Pane* pane : {&primary_, comparing_ ? &partner_ : nullptr}) {
        if (!pane || !pane->ok()) continue;
        bool found = false;
        note(pane->move([&](Session& s) {
            found = s.run_to_label(label).has_value();
            if (!found) {
                // Not an entry-code label: a C function (syscall_exit_slowpath, do_signal...).
                if (const Symbol* sym = s.machine().kernel().symbol_named(label))
                    found = s.run_to_address(sym->addr).has_value();
            }
        }));
        found_any = found_any || found;
    }
    if (!found_any)
        set_status(label + " is not reached again in this run", true);
    else
        set_status("ran to " + label);
    return found_any;
}

bool Model::run_to_event(EventKind kind) {
    bool found_any = false;
    for (Pane* pane : {&primary_, comparing_ ? &partner_ : nullptr}) {
        if (!pane || !pane->ok()) continue;
        bool found = false;
        note(pane->move([&](Session& s) { found = s.run_to_event(kind).has_value(); }));
        found_any = found_any || found;
    }
    if (!found_any)
        set_status("no " + std::string(event_kind_name(kind)) + " event after this step", true);
    return found_any;
}

void Model::inject_now(int bit) {
    for (Pane* pane : {&primary_, comparing_ ? &partner_ : nullptr})
        if (pane && pane->ok())
            note(pane->move(
                [&](Session& s) {
                    // The session re-records the future and may leave the
                    // machine at the new end; the viewer stays where they were.
                    uint64_t here = s.step();
                    s.inject_now(bit);
                    s.seek(here);
                },
                true));
    if (!status_error_) {
        const TifFlagInfo* info = tif_flag(bit);
        set_status("injected " + (info ? std::string(info->name) : std::to_string(bit)) +
                   " at step " + std::to_string(primary_.now().step));
    }
}

void Model::edit_now(const std::string& target, uint64_t value) {
    status_error_ = false;
    for (Pane* pane : {&primary_, comparing_ ? &partner_ : nullptr})
        if (pane && pane->ok())
            note(pane->move(
                [&](Session& s) {
                    uint64_t here = s.step();
                    s.edit_now(target, value);
                    s.seek(here);
                },
                true));
    if (!status_error_) set_status("set " + target);
}

}  // namespace slowpath::gui
