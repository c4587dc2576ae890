#include "model/model.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "model/compare_route.h"
#include "model/roles.h"
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

bool has_era(const std::vector<Era>& eras, Era era) {
    return std::find(eras.begin(), eras.end(), era) != eras.end();
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

Era next_era(Era era) {
    const auto& eras = all_eras();
    for (size_t i = 0; i < eras.size(); i++)
        if (eras[i].era == era) return eras[(i + 1) % eras.size()].era;
    return eras.front().era;
}

std::vector<Era> parse_era_list(const std::string& text) {
    std::vector<Era> eras;
    if (text == "all") {
        for (const EraInfo& info : all_eras()) eras.push_back(info.era);
        return eras;
    }
    size_t start = 0;
    while (start <= text.size()) {
        size_t comma = text.find(',', start);
        std::string word =
            text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        auto era = parse_era(word);
        if (!era) throw std::invalid_argument("'" + word + "' is not an era (" + era_names() + ")");
        if (has_era(eras, *era))
            throw std::invalid_argument("'" + text + "' names " + word + " twice");
        eras.push_back(*era);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    if (eras.size() < 2)
        throw std::invalid_argument("'" + text + "': compare needs two or three eras, e.g. " +
                                    "v3.13,modern or all");
    return eras;
}

std::vector<Pane*> Model::partners() {
    std::vector<Pane*> out;
    if (comparing_)
        for (auto& p : partners_) out.push_back(p.get());
    return out;
}

std::vector<const Pane*> Model::partners() const {
    std::vector<const Pane*> out;
    if (comparing_)
        for (const auto& p : partners_) out.push_back(p.get());
    return out;
}

const Pane* Model::partner() const {
    return comparing_ && !partners_.empty() ? partners_.front().get() : nullptr;
}

uint64_t Model::generation() const {
    uint64_t g = primary_.generation() + edits_;
    for (const auto& p : partners_) g += p->generation();
    return g;
}

std::vector<Pane*> Model::panes_by_era() {
    std::vector<Pane*> panes{&primary_};
    for (Pane* p : partners()) panes.push_back(p);
    std::stable_sort(panes.begin(), panes.end(), [](const Pane* a, const Pane* b) {
        return a->scenario().era < b->scenario().era;
    });
    return panes;
}

std::vector<Era> Model::compare_eras() const {
    Era mine = scenario().era;
    std::vector<Era> eras = compare_eras_;
    if (!has_era(eras, mine)) {
        // A pair chosen without this era: this era beside the pair's first.
        if (eras.size() >= 3) eras.pop_back();
        eras.back() = mine;
    }
    std::sort(eras.begin(), eras.end());
    return eras;
}

Scenario Model::partner_scenario(const Scenario& base, Era era) const {
    Scenario other = base;
    other.era = era;
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

void Model::sync_partners() {
    if (!comparing_) {
        partners_.clear();
        return;
    }
    std::vector<std::unique_ptr<Pane>> kept;
    std::string errors;
    for (Era era : compare_eras()) {
        if (era == scenario().era) continue;
        std::unique_ptr<Pane> pane;
        for (auto& p : partners_)
            if (p && p->scenario().era == era) pane = std::move(p);
        if (!pane) {
            pane = std::make_unique<Pane>();
            pane->load(partner_scenario(scenario(), era), [&](const Trace& t) {
                if (!primary_.ok()) return uint64_t{0};
                return align_by_role(role_position(role_spans(*primary_.trace(), scenario().era),
                                                   primary_.now().step),
                                     role_spans(t, era), std::nullopt);
            });
            if (!pane->ok()) errors += (errors.empty() ? "" : "; ") + pane->error();
        }
        kept.push_back(std::move(pane));
    }
    partners_ = std::move(kept);
    if (!errors.empty()) set_status("compare: " + errors, true);
}

void Model::align_to(Pane& leader, bool moved) {
    if (!comparing_ || !leader.ok()) return;
    // The columns keep to the syscall the leader shows (its same call in
    // each run), not only the focus: past the focus, a later call's roles
    // line up, where steps since the focus's return would drift apart.
    int syscall = compare_syscall(leader);
    RolePosition where = role_position(role_spans(*leader.trace(), leader.scenario().era, syscall),
                                       leader.now().step);
    for (Pane* pane : all_panes()) {
        if (pane == &leader || !pane->ok()) continue;
        uint64_t here = pane->now().step;
        const Trace& other = *pane->trace();
        RoleSpans spans = role_spans(other, pane->scenario().era,
                                     same_syscall_in(*leader.trace(), syscall, other));
        uint64_t target =
            align_by_role(where, spans, moved ? std::optional<uint64_t>(here) : std::nullopt);
        if (target != here) note(pane->move([&](Session& s) { s.seek(target); }));
    }
}

void Model::set_compare(bool on) {
    if (on == comparing_) return;
    comparing_ = on;
    sync_partners();
    edits_++;
}

void Model::set_compare_eras(const std::vector<Era>& eras) {
    std::set<Era> distinct(eras.begin(), eras.end());
    if (eras.size() < 2 || eras.size() > 3 || distinct.size() != eras.size())
        throw std::invalid_argument("compare needs two or three different eras");
    compare_eras_.assign(distinct.begin(), distinct.end());
    if (!has_era(compare_eras_, scenario().era)) {
        // The primary moves to the set's first era, at the same role.
        comparing_ = false;
        set_era(compare_eras_.front());
    }
    comparing_ = true;
    sync_partners();
    edits_++;
    std::string names;
    for (Era era : compare_eras())
        names += (names.empty() ? "" : ", ") + std::string(era_info(era).name);
    if (primary_.ok() && !status_error_) set_status("compare " + names);
}

std::vector<Pane*> Model::all_panes() {
    std::vector<Pane*> panes{&primary_};
    for (Pane* p : partners()) panes.push_back(p);
    return panes;
}

void Model::reload(const Scenario& scenario) {
    uint64_t step = primary_.ok() ? primary_.now().step : 0;
    bool had_machine = primary_.ok();
    primary_.load(scenario, had_machine ? std::optional<uint64_t>(step) : std::nullopt);
    if (!primary_.ok()) set_status(primary_.error(), true);
    for (Pane* pane : partners()) {
        std::optional<uint64_t> own;
        if (had_machine) own = pane->ok() ? pane->now().step : step;
        pane->load(partner_scenario(scenario, pane->scenario().era), own);
    }
    align_to(primary_, true);
}

void Model::load_scenario(const Scenario& scenario) {
    primary_.load(scenario);
    if (!primary_.ok()) set_status(primary_.error(), true);
    for (Pane* pane : partners()) pane->load(partner_scenario(scenario, pane->scenario().era));
    align_to(primary_, true);
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
    for (Pane* pane : partners()) {
        uint64_t own = pane->ok() ? pane->now().step : step;
        RunPoint own_point = pane->ok() ? run_point(*pane->trace(), own) : point;
        pane->load(partner_scenario(scenario, pane->scenario().era),
                   [&](const Trace& t) { return same_point(own_point, t, own); });
    }
    align_to(primary_, true);
}

void Model::show_session(Session& session, bool new_trace) {
    if (comparing_) set_compare(false);
    primary_.show(session, new_trace);
    primary_.set_caption("");
    edits_++;
}

void Model::show_comparison(Session& left, Session& right, bool new_trace,
                            const std::string& left_caption, const std::string& right_caption) {
    primary_.show(left, new_trace);
    primary_.set_caption(left_caption);
    if (partners_.size() != 1 || !partners_.front()) {
        partners_.clear();
        partners_.push_back(std::make_unique<Pane>());
        new_trace = true;
    }
    partners_.front()->show(right, new_trace);
    partners_.front()->set_caption(right_caption);
    partners_.front()->set_ghost({});
    comparing_ = true;
    edits_++;
}

void Model::set_era(Era era) {
    if (primary_.ok() && scenario().era == era) return;
    Era old = scenario().era;
    if (comparing_) {
        // The era joins the columns in place of the primary's, unless shown already.
        std::vector<Era> shown = compare_eras();
        if (!has_era(shown, era)) std::replace(shown.begin(), shown.end(), old, era);
        std::sort(shown.begin(), shown.end());
        compare_eras_ = shown;
    }
    Scenario s = scenario();
    s.era = era;
    if (primary_.ok()) {
        // The same role of the call in the new era (model/roles.h).
        RolePosition where = role_position(role_spans(*primary_.trace(), old), primary_.now().step);
        primary_.load(s, [&](const Trace& t) {
            return align_by_role(where, role_spans(t, era), std::nullopt);
        });
    } else {
        primary_.load(s);
    }
    if (!primary_.ok()) set_status(primary_.error(), true);
    sync_partners();
    if (primary_.ok()) set_status(std::string("era: ") + std::string(era_info(era).title));
}

void Model::set_syscall(long nr) {
    Scenario s = scenario();
    if (primary_.ok() && s.syscall_nr == nr) return;
    s.syscall_nr = nr;
    s.focus_index = -1;  // the first call of it is the focus
    // A different syscall is a different run: start it from the top.
    primary_.load(s);
    if (!primary_.ok()) set_status(primary_.error(), true);
    for (Pane* pane : partners()) pane->load(partner_scenario(s, pane->scenario().era));
    if (primary_.ok()) set_status("syscall " + std::to_string(nr));
}

void Model::set_bad_pointer(bool on) {
    Scenario s = scenario();
    if (s.bad_pointer == on) return;
    s.bad_pointer = on;
    reload_same_point(s);
}

void Model::set_tampers(std::vector<Tamper> tampers) {
    Scenario s = scenario();
    s.tampers = std::move(tampers);
    reload_same_point(s);
}

void Model::set_signal_action(SignalAction action) {
    Scenario s = scenario();
    if (s.signal_action == action) return;
    s.signal_action = action;
    reload_same_point(s);
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
    reload_same_point(s);
}

void Model::nav(Nav op, uint64_t count) {
    status_.clear();
    status_error_ = false;
    for (Pane* pane : all_panes()) {
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
            set_status(nav_name(op) + (pane->recording()
                                           ? ": not recorded yet (the recording goes on)"
                                           : ": nowhere to go from here"));
    }
    align_to(primary_, true);
    edits_++;
}

void Model::seek(uint64_t step) {
    // A step number belongs to one run: the primary's. The others show the same role.
    if (primary_.ok()) note(primary_.move([&](Session& s) { s.seek(step); }));
    align_to(primary_, false);
}

bool Model::run_to_label(const std::string& label) {
    Pane* leader = nullptr;
    for (Pane* pane : all_panes()) {
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
        if (found && !leader) leader = pane;
    }
    if (!leader)
        set_status(label + " is not reached again in this run", true);
    else
        set_status("ran to " + label);
    // A label of one era only (clicked in its column): the others follow that column.
    if (leader) align_to(*leader, true);
    return leader != nullptr;
}

bool Model::run_to_event(EventKind kind) {
    Pane* leader = nullptr;
    for (Pane* pane : all_panes()) {
        if (!pane || !pane->ok()) continue;
        bool found = false;
        note(pane->move([&](Session& s) { found = s.run_to_event(kind).has_value(); }));
        if (found && !leader) leader = pane;
    }
    if (!leader)
        set_status("no " + std::string(event_kind_name(kind)) + " event after this step", true);
    else
        align_to(*leader, true);
    return leader != nullptr;
}

void Model::inject_now(int bit) {
    for (Pane* pane : all_panes())
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
    for (Pane* pane : all_panes())
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
