// Walkthroughs: WalkRunner plays one era's steps against a Session.
#include <algorithm>

#include "slowpath/machine.h"
#include "slowpath/numbers.h"
#include "slowpath/scenario_line.h"
#include "slowpath/syscalls.h"
#include "slowpath/tif.h"
#include "walkthrough_internal.h"

namespace slowpath {

using namespace walkthrough_detail;

// ---- running ----------------------------------------------------------------------------------

bool StepResult::passed() const {
    return std::all_of(checks.begin(), checks.end(), [](const CheckResult& c) { return c.passed; });
}

WalkRunner::WalkRunner(const Walkthrough& walkthrough, size_t plan_index)
    : walkthrough_(walkthrough), plan_index_(plan_index) {
    if (plan_index_ >= walkthrough_.plans.size())
        throw std::out_of_range("no such era in this walkthrough");
    restart();
}

WalkRunner::~WalkRunner() = default;

void WalkRunner::restart() {
    position_ = 0;
    scenario_ = walkthrough_.program;
    scenario_.era = plan().era;
    session_.reset();
    used_ = false;
    comparing_ = false;
    right_session_.reset();
    ghost_.clear();
}

Session& WalkRunner::session() {
    if (!session_) session_ = std::make_unique<Session>(scenario_);
    return *session_;
}

Session& WalkRunner::right_session() {
    if (!right_session_) right_session_ = std::make_unique<Session>(right_scenario_);
    return *right_session_;
}

std::string WalkRunner::side_caption(bool right) const {
    return scenario_line_text(right ? right_scenario_ : scenario_)
        .substr(kScenarioLinePrefix.size());
}

template <typename F>
void WalkRunner::on_right(F action) {
    std::swap(session_, right_session_);
    std::swap(scenario_, right_scenario_);
    try {
        action();
    } catch (...) {
        std::swap(session_, right_session_);
        std::swap(scenario_, right_scenario_);
        throw;
    }
    std::swap(session_, right_session_);
    std::swap(scenario_, right_scenario_);
}

namespace {

// What a setup changes in a scenario (its injections at entry or exit added).
void apply_to(const SetupStep& s, Scenario& scenario) {
    if (s.era) scenario.era = *s.era;
    if (s.syscall_nr) scenario.syscall_nr = *s.syscall_nr;
    if (s.bad_pointer) scenario.bad_pointer = *s.bad_pointer;
    for (const auto& t : s.tampers) scenario.tampers.push_back(t);
    if (s.signal_action) scenario.signal_action = *s.signal_action;
    if (s.inject_when != InjectWhen::Now)
        for (int bit : s.inject) {
            Injection inj;
            inj.bit = bit;
            inj.when = s.inject_when;
            scenario.injections.push_back(inj);
        }
}

// A side's checks and failed moves say which side they are about.
void name_side(std::vector<CheckResult>& checks, size_t from, const char* side) {
    for (size_t i = from; i < checks.size(); i++) checks[i].what = side + checks[i].what;
}

}  // namespace

std::vector<StepResult> WalkRunner::run_all() {
    std::vector<StepResult> results;
    while (!done()) results.push_back(run_next());
    return results;
}

std::vector<StepResult> WalkRunner::run_to(size_t count) {
    restart();
    std::vector<StepResult> results;
    while (!done() && position_ < count) results.push_back(run_next());
    return results;
}

StepResult WalkRunner::run_next() {
    if (done()) throw std::out_of_range("the walkthrough has no more steps");
    const Step& step = plan().steps[position_];
    StepResult r;
    r.index = position_++;
    r.kind = step.kind;
    r.line = step.line;
    r.skipped = step.skipped;
    r.description = step.describe();
    if (!step.skipped) {
        switch (step.kind) {
            case StepKind::Setup:
                apply_setup(step, r);
                if (comparing_ && step.setup.acts_now() && !step.setup.changes_scenario()) {
                    StepResult right;
                    on_right([&] { apply_setup(step, right); });
                    name_side(r.checks, 0, "left: ");
                    name_side(right.checks, 0, "right: ");
                    for (auto& c : right.checks) r.checks.push_back(std::move(c));
                }
                break;
            case StepKind::Move:
                apply_move(step, r);
                if (comparing_) {
                    // Both sides make the same move.
                    StepResult right;
                    on_right([&] { apply_move(step, right); });
                    name_side(r.checks, 0, "left: ");
                    name_side(right.checks, 0, "right: ");
                    for (auto& c : right.checks) r.checks.push_back(std::move(c));
                    r.note = "left: " + r.note + "; right: " + right.note;
                }
                break;
            case StepKind::Compare:
                apply_compare(step, r);
                break;
            case StepKind::Say:
                r.narration = step.text;
                break;
            case StepKind::Point:
                r.points = step.points;
                break;
            case StepKind::Ask:
                r.question = &step.question;
                break;
            case StepKind::Expect:
                session();
                used_ = true;
                for (const auto& e : step.expectations) {
                    using Side = Expectation::Side;
                    if (!comparing_) {
                        r.checks.push_back(check(e));
                        continue;
                    }
                    if (e.side != Side::Right) {
                        r.checks.push_back(check(e));
                        r.checks.back().what = "left: " + r.checks.back().what;
                    }
                    if (e.side != Side::Left)
                        on_right([&] {
                            session();
                            r.checks.push_back(check(e));
                            r.checks.back().what = "right: " + r.checks.back().what;
                        });
                }
                break;
            case StepKind::Shoot:
                r.screenshot = step.text;
                break;
            case StepKind::View:  // the GUI's business (Walkthrough::view_at)
                break;
        }
    }
    if (session_) {
        r.machine_step = session_->step();
        r.where = session_->where();
    }
    r.comparing = comparing_;
    if (comparing_ && right_session_) r.right_machine_step = right_session_->step();
    return r;
}

void WalkRunner::apply_compare(const Step& step, StepResult& r) {
    const CompareStep& c = step.compare;
    ghost_.clear();
    if (c.off) {
        comparing_ = false;
        right_session_.reset();
        r.note = "compare off: the left side goes on alone";
        return;
    }
    auto side = [&](const CompareSide& s) {
        if (s.line) return *s.line;
        Scenario out = walkthrough_.program;
        out.era = plan().era;
        apply_to(s.setup, out);
        return out;
    };
    r.restarted = used_;
    scenario_ = side(c.left);
    right_scenario_ = side(c.right);
    session_.reset();
    right_session_.reset();
    used_ = false;
    comparing_ = true;
    r.note = "compare: left " + side_caption(false) + ", right " + side_caption(true);
}

void WalkRunner::apply_setup(const Step& step, StepResult& r) {
    const SetupStep& s = step.setup;
    if (s.changes_scenario()) {
        // The scene that ends leaves its route behind when asked (ghost: true).
        ghost_.clear();
        const int focus = session_ ? session_->trace().focus : -1;
        if (s.ghost && focus >= 0 &&
            static_cast<size_t>(focus) < session_->trace().syscalls.size()) {
            for (const auto& [name, is_label] : route_so_far(focus)) ghost_.push_back(name);
            // And its way out, once the scene reached the decision (the
            // sysretq or iretq about to run; the path graph's exit nodes).
            const Trace& t = session_->trace();
            const SyscallRecord& rec = t.syscalls[static_cast<size_t>(focus)];
            bool decided = false;
            for (size_t i = rec.first_event; i < rec.end_event && i < t.events.size(); i++)
                decided |= t.events[i].kind == EventKind::Decision &&
                           t.events[i].syscall == focus && t.events[i].step <= session_->step();
            if (decided && rec.exit != ExitKind::None)
                ghost_.push_back(rec.exit == ExitKind::Sysret ? "sysretq" : "iretq");
        }
        comparing_ = false;
        right_session_.reset();
        if (s.restart) {
            scenario_ = walkthrough_.program;
            scenario_.era = plan().era;
        }
        apply_to(s, scenario_);
        // A run that has been looked at starts again; an unused one is just rebuilt.
        if (used_) {
            r.restarted = true;
            std::vector<std::string> injections;
            for (const auto& inj : scenario_.injections) injections.push_back(injection_text(inj));
            r.note = "the run starts again from step 0: era " +
                     std::string(era_info(scenario_.era).name) + ", syscall " +
                     syscall_name(scenario_.syscall_nr) +
                     (scenario_.bad_pointer ? ", bad pointer" : "") +
                     (injections.empty() ? "" : ", inject " + join(injections));
        }
        session_.reset();
        used_ = false;
    }
    if (!s.acts_now()) return;
    Session& session = this->session();
    used_ = true;
    // inject_now/edit_now record the new future to its end; stay where the
    // change was made, with the change applied.
    const uint64_t at = session.step();
    std::vector<std::string> done;
    if (s.inject_when == InjectWhen::Now)
        for (int bit : s.inject) {
            try {
                session.inject_now(bit);
                done.push_back("injected " + tif_names(1u << bit));
            } catch (const std::exception& e) {
                r.checks.push_back({"inject " + tif_names(1u << bit) + " now", false, e.what(),
                                    step.line, step.column, judged_at()});
            }
        }
    for (const auto& [target, value] : s.edits) {
        try {
            session.edit_now(target, value);
            done.push_back(target + " = " + hex(value));
        } catch (const std::exception& e) {
            r.checks.push_back(
                {"edit " + target, false, e.what(), step.line, step.column, judged_at()});
        }
    }
    session.seek(at);
    if (!done.empty())
        r.note =
            (r.note.empty() ? "" : r.note + "; ") + join(done) + " at step " + std::to_string(at);
}

void WalkRunner::apply_move(const Step& step, StepResult& r) {
    Session& s = session();
    used_ = true;
    const MoveStep& m = step.move;
    const uint64_t from = s.step();
    auto fail = [&](const std::string& why) {
        r.checks.push_back({step.describe(), false, why, step.line, step.column, judged_at()});
    };
    const Trace& t = s.trace();
    // Before the focus syscall, label and event moves search from its entry,
    // the syscall the checks judge (so an earlier syscall's sysret_check is
    // not the one found); `in: run` searches from here.
    uint64_t search_from = s.step();
    if (!m.in_run && t.focus >= 0 && static_cast<size_t>(t.focus) < t.syscalls.size()) {
        uint64_t entry = t.syscalls[static_cast<size_t>(t.focus)].entry_step;
        if (s.step() < entry) search_from = entry;
    }
    switch (m.kind) {
        case MoveKind::Steps:
            s.step_forward(m.count);
            if (s.step() < from + m.count)
                fail("the run ends at step " + std::to_string(s.last_step()) + ", " +
                     std::to_string(from + m.count - s.step()) + " short");
            break;
        case MoveKind::Back:
            s.step_back(m.count);
            if (from < m.count) fail("only " + std::to_string(from) + " steps to go back");
            break;
        case MoveKind::Label:
            if (search_from != s.step()) s.seek(search_from);
            for (uint64_t i = 0; i < m.count; i++)
                if (!s.run_to_label(m.name)) {
                    s.seek(from);
                    fail("label " + m.name + " is not reached after step " +
                         std::to_string(s.step()));
                    break;
                }
            break;
        case MoveKind::Focus:
            if (t.focus < 0 || static_cast<size_t>(t.focus) >= t.syscalls.size()) {
                fail("the focus syscall (" + syscall_name(scenario_.syscall_nr) + ") never ran");
                break;
            }
            s.seek(t.syscalls[static_cast<size_t>(t.focus)].entry_step);
            break;
        case MoveKind::Event:
            for (uint64_t i = 0; i < m.count; i++) {
                std::optional<uint64_t> found;
                uint64_t after = std::max(s.step() + 1, i == 0 ? search_from : 0);
                for (size_t k = t.first_event_at_or_after(after); k < t.events.size(); k++) {
                    const Event& e = t.events[k];
                    if (e.kind == m.event && (m.name.empty() || e.name == m.name)) {
                        found = e.step;
                        break;
                    }
                }
                if (!found) {
                    fail("no " + std::string(event_kind_name(m.event)) +
                         (m.name.empty() ? "" : " " + m.name) + " event after step " +
                         std::to_string(s.step()));
                    break;
                }
                s.seek(*found);
            }
            break;
        case MoveKind::Ring3:
            for (uint64_t i = 0; i < m.count; i++) {
                uint64_t before = s.step();
                s.run_to_ring3();
                if (s.step() == before) {
                    fail("no return to ring 3 after step " + std::to_string(before));
                    break;
                }
            }
            break;
        case MoveKind::End:
            s.run_to_end();
            break;
        case MoveKind::Over:
            for (uint64_t i = 0; i < m.count; i++) s.step_over();
            break;
        case MoveKind::Out:
            for (uint64_t i = 0; i < m.count; i++) s.step_out();
            break;
    }
    r.note = "step " + std::to_string(from) + " -> " + std::to_string(s.step());
}

int WalkRunner::select_syscall(const SyscallSelector& sel, std::string* why) {
    Session& s = session();
    const Trace& t = s.trace();
    const int count = static_cast<int>(t.syscalls.size());
    const uint64_t now = s.step();
    switch (sel.kind) {
        case SyscallSelector::Kind::Focus:
            if (t.focus >= 0 && t.focus < count) return t.focus;
            *why = "the focus syscall never ran";
            return -1;
        case SyscallSelector::Kind::Current: {
            int cur = s.current_syscall();
            if (cur >= 0 && cur < count) return cur;
            for (int i = count - 1; i >= 0; i--)
                if (t.syscalls[static_cast<size_t>(i)].entry_step <= now) return i;
            *why = "no syscall has started yet";
            return -1;
        }
        case SyscallSelector::Kind::All:
            return -1;
        case SyscallSelector::Kind::Index:
            if (sel.index < count) return sel.index;
            *why = "the run made only " + std::to_string(count) + " syscalls";
            return -1;
        case SyscallSelector::Kind::Name: {
            int latest = -1, next = -1;
            for (int i = 0; i < count; i++) {
                const SyscallRecord& rec = t.syscalls[static_cast<size_t>(i)];
                if (rec.name != sel.name) continue;
                if (rec.entry_step <= now)
                    latest = i;
                else if (next < 0)
                    next = i;
            }
            if (latest >= 0) return latest;
            if (next >= 0) return next;
            *why = "the run made no " + sel.name + " syscall";
            return -1;
        }
    }
    return -1;
}

std::vector<std::pair<std::string, bool>> WalkRunner::route_so_far(int syscall) const {
    std::vector<std::pair<std::string, bool>> route;
    const Trace& t = session_->trace();
    const uint64_t now = session_->step();
    const SyscallRecord& rec = t.syscalls[static_cast<size_t>(syscall)];
    // An event at the current step has happened: the machine is about to run
    // the instruction it belongs to (a label reached, a call entered).
    for (size_t i = rec.first_event; i < rec.end_event && i < t.events.size(); i++) {
        const Event& e = t.events[i];
        if (e.step > now) break;
        if (e.syscall != syscall) continue;
        if (e.kind == EventKind::Label)
            route.emplace_back(e.name, true);
        else if (e.kind == EventKind::Call && e.from_entry)
            route.emplace_back(e.name, false);
    }
    return route;
}

static bool is_subsequence(const std::vector<std::string>& needle,
                           const std::vector<std::string>& hay) {
    size_t j = 0;
    for (size_t i = 0; i < hay.size() && j < needle.size(); i++)
        if (hay[i] == needle[j]) j++;
    return j == needle.size();
}

static std::optional<uint64_t> register_value(const CpuState& c, const std::string& name) {
    for (int i = 0; i < GPR_COUNT; i++)
        if (gpr_name(i) == name) return c.gpr[static_cast<size_t>(i)];
    if (name == "rip") return c.rip;
    if (name == "rflags") return c.rflags;
    if (name == "cs") return c.cs;
    if (name == "ss") return c.ss;
    if (name == "cpl") return static_cast<uint64_t>(c.cpl);
    if (name == "cr2") return c.cr2;
    if (name == "fs_base") return c.fs_base;
    if (name == "gs_base") return c.gs_base;
    if (name == "kernel_gs_base") return c.kernel_gs_base;
    return std::nullopt;
}

namespace {

void check_syscall_record(const Expectation& e, const ValueTest& value, const SyscallRecord& rec,
                          int k, CheckResult& c) {
    std::string who = rec.name + " (syscall #" + std::to_string(k) + ")";
    if (e.kind == Expectation::Kind::Exit) {
        c.passed = rec.exit == e.exit;
        c.detail = who + (rec.exit == ExitKind::None
                              ? " never returned to user mode"
                              : " left by " + std::string(exit_kind_name(rec.exit)));
    } else {
        c.passed = rec.has_ret && value.test(static_cast<uint64_t>(rec.ret));
        c.detail = rec.has_ret ? who + " returned " + number(rec.ret) : who + " never returned";
    }
}

void check_pt_regs(const Expectation& e, const ValueTest& value, const PtRegsView& view,
                   CheckResult& c) {
    int slot = pt_regs_slot_index(e.name);
    if (!view.present || slot < 0 || static_cast<size_t>(slot) >= view.slots.size()) {
        c.detail = "no pt_regs frame at this step";
        return;
    }
    const PtRegsSlot& ps = view.slots[static_cast<size_t>(slot)];
    bool state_ok = !value.state || ps.state == *value.state;
    bool value_ok = (value.op == ValueTest::Op::Any && !value.canonical) || value.test(ps.value);
    c.passed = state_ok && value_ok;
    c.detail = "pt_regs." + e.name + " = " + hex(ps.value) + " (" +
               std::string(slot_state_name(ps.state)) + ")";
}

void check_tif(const Expectation& e, const TifView& tif, CheckResult& c) {
    auto bit = parse_tif(e.name);
    bool set = tif.present && bit && (tif.flags >> *bit) & 1u;
    c.passed = tif.present && (e.kind == Expectation::Kind::TifSet ? set : !set);
    c.detail = tif.present ? "flags " + tif_names(tif.flags) : "no thread_info at this step";
}

// route_so_far: name, is_label.
void check_route(const Expectation& e, const std::vector<std::pair<std::string, bool>>& so_far,
                 CheckResult& c) {
    std::vector<std::string> route;
    for (const auto& [name, is_label] : so_far)
        if (e.kind == Expectation::Kind::Route || is_label) route.push_back(name);
    switch (e.match) {
        case Expectation::Match::Contains:
            c.passed = is_subsequence(e.names, route);
            break;
        case Expectation::Match::Equals:
            c.passed = e.names == route;
            break;
        case Expectation::Match::Excludes:
            c.passed = std::none_of(e.names.begin(), e.names.end(), [&](const std::string& n) {
                return std::find(route.begin(), route.end(), n) != route.end();
            });
            break;
    }
    c.detail = "so far: " + (route.empty() ? std::string("(nothing)") : join(route, " -> "));
}

bool text_matches(const Expectation& e, const std::string& text) {
    switch (e.match) {
        case Expectation::Match::Contains:
            return text.find(e.text) != std::string::npos;
        case Expectation::Match::Equals:
            return text == e.text;
        case Expectation::Match::Excludes:
            return text.find(e.text) == std::string::npos;
    }
    return false;
}

// The reason the decision banner shows for syscall k (decision_why).
void check_why(const Expectation& e, const Trace& t, int k, CheckResult& c) {
    const SyscallRecord& rec = t.syscalls[static_cast<size_t>(k)];
    std::string who = rec.name + " (syscall #" + std::to_string(k) + ")";
    std::optional<Event> d = decision_event(t, k);
    if (!d) {
        c.detail = who + " never chose sysret or iret";
        return;
    }
    std::string why = decision_why(*d);
    c.passed = text_matches(e, why);
    c.detail = who + ": \"" + why + "\"";
}

void check_console(const Expectation& e, const std::string& console, CheckResult& c) {
    c.passed = text_matches(e, console);
    std::string shown = console;
    for (char& ch : shown)
        if (ch == '\n') ch = '|';
    c.detail = "console: \"" + shown + "\"";
}

void check_returned(const Expectation& e, const ValueTest& value, const Trace& t, uint64_t now,
                    CheckResult& c) {
    std::optional<Event> last;
    for (const Event& ev : t.events) {
        if (ev.step > now) break;
        if (ev.kind == EventKind::Return && ev.name == e.name) last = ev;
    }
    if (!last) {
        c.detail = e.name + "() has not returned yet";
        return;
    }
    // C functions return int or long: compare either width.
    uint64_t raw = last->return_value();
    uint64_t as_int = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(raw)));
    c.passed = value.test(raw) || value.test(as_int);
    c.detail =
        e.name + "() returned " + number(static_cast<int64_t>(as_int)) + " (rax " + hex(raw) + ")";
}

// Events so far, of the selected syscall (k >= 0) or the whole run.
void check_count(const Expectation& e, const ValueTest& value, const Trace& t, uint64_t now, int k,
                 CheckResult& c) {
    auto kind = parse_event_kind(e.name);
    uint64_t n = 0;
    for (const Event& ev : t.events) {
        if (ev.step > now) break;
        if (k >= 0 && ev.syscall != k) continue;
        if (kind && ev.kind != *kind) continue;
        if (!e.count_of.empty() && ev.name != e.count_of) continue;
        n++;
    }
    c.passed = value.test(n);
    c.detail = "counted " + std::to_string(n);
}

void check_sigframe(const Expectation& e, const ValueTest& value, const UserStackView& us,
                    CheckResult& c) {
    bool signo_ok = value.op == ValueTest::Op::Any || value.test(static_cast<uint64_t>(us.signo));
    c.passed = us.has_sigframe == e.present && (!e.present || signo_ok);
    c.detail = us.has_sigframe ? "signal frame at " + hex(us.sigframe) + " for signal " +
                                     std::to_string(us.signo)
                               : "no signal frame (user rsp " + hex(us.rsp) + ")";
}

// `exception_frame: {rip: ...}`: the innermost exception's frame now.
void check_exception_frame(const Expectation& e, const ValueTest& value, const Session& s,
                           CheckResult& c) {
    auto frame = exception_frame_at(s.machine(), s.trace(), s.step());
    if (!frame) {
        c.detail =
            "no exception frame: no exception is being handled at step " + std::to_string(s.step());
        return;
    }
    std::string of =
        " (vector " + std::to_string(frame->vector) + ", frame at " + hex(frame->addr) + ")";
    if (e.name == "vector") {
        c.passed = value.test(frame->vector);
        c.detail = "exception_frame.vector = " + std::to_string(frame->vector) + of;
        return;
    }
    const NamedFrame::Field* f = frame->field(e.name);
    if (!f) {
        c.detail = "exception_frame has no " + e.name + of;
        return;
    }
    c.passed = value.test(f->value);
    c.detail = "exception_frame." + e.name + " = " + hex(f->value) + of;
}

// `frame: {do_page_fault: {...}}`: the innermost frame of that C function now.
void check_function_frame(const Expectation& e, const ValueTest& value, const Session& s,
                          CheckResult& c) {
    std::vector<NamedFrame> frames = function_frames_at(s.machine(), s.trace(), s.step());
    std::vector<std::string> running;
    const NamedFrame* frame = nullptr;
    for (const NamedFrame& f : frames) {
        running.push_back(f.name);
        if (!frame && f.name == e.name) frame = &f;
    }
    std::string on_stack = running.empty() ? "no C function" : join(running, " <- ");
    if (e.field == "present") {
        c.passed = (frame != nullptr) == e.present;
        c.detail = "on the kernel stack: " + on_stack;
        return;
    }
    if (!frame) {
        c.detail = "no frame of " + e.name + "(): it is not running at step " +
                   std::to_string(s.step()) + " (on the kernel stack: " + on_stack + ")";
        return;
    }
    std::string at = " (frame at " + hex(frame->addr) + ")";
    if (e.field == "returns_to") {
        uint64_t ret = frame->field("return_address")->value;
        const Symbol* sym = s.machine().symbol_containing(ret);
        c.passed = sym && sym->name == e.text;
        c.detail = e.name + "() returns to " + s.machine().describe(ret) + at;
        return;
    }
    const NamedFrame::Field* f = frame->field(e.field);
    if (!f) {
        c.detail = e.name + "() has not pushed its saved rbp yet" + at;
        return;
    }
    c.passed = value.test(f->value);
    c.detail = "frame " + e.name + "." + e.field + " = " + hex(f->value) + at;
}

// Expectations about one syscall's record or route (a count may be about all).
bool about_one_syscall(const Expectation& e) {
    switch (e.kind) {
        case Expectation::Kind::Exit:
        case Expectation::Kind::Ret:
        case Expectation::Kind::Route:
        case Expectation::Kind::Labels:
        case Expectation::Kind::Why:
            return true;
        case Expectation::Kind::Count:
            return e.syscall.kind != SyscallSelector::Kind::All;
        default:
            return false;
    }
}

}  // namespace

std::string WalkRunner::judged_at() {
    Session& s = session();
    const Trace& t = s.trace();
    std::string at = "step " + std::to_string(s.step()) + " at " + s.where();
    int k = s.current_syscall();
    if (k < 0 || static_cast<size_t>(k) >= t.syscalls.size()) {
        if (t.focus >= 0 && static_cast<size_t>(t.focus) < t.syscalls.size() &&
            s.step() < t.syscalls[static_cast<size_t>(t.focus)].entry_step)
            return at + ", in user mode before the focus syscall";
        return at + ", in user mode";
    }
    const SyscallRecord& rec = t.syscalls[static_cast<size_t>(k)];
    return at + ", in " + rec.name + " (syscall #" + std::to_string(k) +
           (k == t.focus ? ", the focus syscall)" : ", not the focus syscall)");
}

CheckResult WalkRunner::check(const Expectation& e) {
    CheckResult c;
    c.what = e.describe();
    c.line = e.line;
    c.column = e.column;
    c.judged_at = judged_at();
    Session& s = session();
    const Trace& t = s.trace();
    const uint64_t now = s.step();
    const CpuState cpu = s.machine().cpu();

    // `eq: focus_syscall+2`: the symbol's address in this run's images.
    ValueTest value = e.value;
    if (!value.symbol.empty()) {
        auto addr = s.machine().kernel().symbol_addr(value.symbol);
        if (!addr) addr = s.machine().user().symbol_addr(value.symbol);
        if (!addr) {
            c.detail = "no symbol " + value.symbol + " in this run's kernel or program";
            return c;
        }
        value.value += static_cast<int64_t>(*addr);
        value.symbol.clear();
    }
    int k = -1;
    if (about_one_syscall(e)) {
        std::string why;
        k = select_syscall(e.syscall, &why);
        if (k < 0) {
            c.detail = why;
            return c;
        }
    }

    switch (e.kind) {
        case Expectation::Kind::At: {
            const Symbol* sym = s.machine().symbol_containing(cpu.rip);
            c.passed = sym && sym->name == e.name;
            c.detail = "at " + s.where();
            break;
        }
        case Expectation::Kind::Ring:
            c.passed = cpu.cpl == e.ring;
            c.detail = "ring " + std::to_string(cpu.cpl);
            break;
        case Expectation::Kind::Exit:
        case Expectation::Kind::Ret:
            check_syscall_record(e, value, t.syscalls[static_cast<size_t>(k)], k, c);
            break;
        case Expectation::Kind::Register: {
            auto v = register_value(cpu, e.name);
            c.passed = v && value.test(*v);
            c.detail = e.name + " = " + (v ? hex(*v) : std::string("?"));
            break;
        }
        case Expectation::Kind::PtRegs:
            check_pt_regs(e, value, s.pt_regs(), c);
            break;
        case Expectation::Kind::TifSet:
        case Expectation::Kind::TifClear:
            check_tif(e, s.tif(), c);
            break;
        case Expectation::Kind::Route:
        case Expectation::Kind::Labels:
            check_route(e, route_so_far(k), c);
            break;
        case Expectation::Kind::Console:
            check_console(e, s.console(), c);
            break;
        case Expectation::Kind::Outcome:
            c.passed = t.outcome == e.outcome;
            c.detail = "the run ends: " + std::string(outcome_name(t.outcome)) +
                       (t.outcome_detail.empty() ? "" : " (" + t.outcome_detail + ")");
            break;
        case Expectation::Kind::Returned:
            check_returned(e, value, t, now, c);
            break;
        case Expectation::Kind::Count:
            check_count(e, value, t, now, k, c);
            break;
        case Expectation::Kind::Sigframe:
            check_sigframe(e, value, s.user_stack(), c);
            break;
        case Expectation::Kind::Why:
            check_why(e, t, k, c);
            break;
        case Expectation::Kind::ExceptionFrame:
            check_exception_frame(e, value, s, c);
            break;
        case Expectation::Kind::Frame:
            check_function_frame(e, value, s, c);
            break;
    }
    if (c.passed) c.detail.clear();
    return c;
}

}  // namespace slowpath
