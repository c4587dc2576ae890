#include "model/pane.h"

#include <algorithm>
#include <exception>

namespace slowpath::gui {

int shown_syscall_at(const Trace& trace, uint64_t step) {
    int shown = -1;
    for (size_t i = 0; i < trace.syscalls.size(); i++) {
        if (trace.syscalls[i].entry_step > step) break;
        shown = static_cast<int>(i);
    }
    return shown;
}

Snapshot take_snapshot(const Session& session) {
    Snapshot snap;
    snap.valid = true;
    snap.step = session.step();
    snap.last_step = session.last_step();
    snap.cpu = session.machine().cpu();
    snap.prev_cpu = session.previous_cpu();
    snap.pt_regs = session.pt_regs();
    snap.kernel_stack = session.kernel_stack();
    snap.user_stack = session.user_stack();
    snap.tif = session.tif();
    snap.kernel_state = session.kernel_state();
    snap.tasks = decode_tasks(session.machine());
    snap.console = session.console();
    snap.where = session.where();
    snap.running_syscall = session.current_syscall();

    const Trace& trace = session.trace();
    snap.shown_syscall =
        snap.running_syscall >= 0 ? snap.running_syscall : shown_syscall_at(trace, snap.step);
    snap.next_event = trace.first_event_at_or_after(snap.step);

    // Events at exactly this step have happened (or are happening) as far as
    // the viewer is concerned: the label is where rip is now.
    size_t seen_end = snap.next_event;
    while (seen_end < trace.events.size() && trace.events[seen_end].step <= snap.step) seen_end++;

    for (size_t i = seen_end; i-- > 0;) {
        if (trace.events[i].kind == EventKind::Label) {
            snap.last_label = i;
            snap.label = trace.events[i].name;
            break;
        }
    }

    if (snap.shown_syscall >= 0 && snap.shown_syscall < static_cast<int>(trace.syscalls.size())) {
        const SyscallRecord& record = trace.syscalls[snap.shown_syscall];
        size_t end = std::min(record.end_event, seen_end);
        for (size_t i = record.first_event; i < end && i < trace.events.size(); i++) {
            const Event& event = trace.events[i];
            switch (event.kind) {
                case EventKind::Label:
                case EventKind::Call:
                    snap.route.push_back({event.name, event.kind, event.step, i});
                    break;
                case EventKind::Decision:
                    snap.decision = i;
                    break;
                case EventKind::Sysret:
                case EventKind::Iret:
                    snap.exit_event = i;
                    break;
                default:
                    break;
            }
        }
        for (const TifCheckRecord& check : record.tif_checks())
            if (check.step <= snap.step) snap.checks.push_back(check);
    }
    return snap;
}

namespace {
std::optional<RecordInSlices>& slices_setting() {
    static std::optional<RecordInSlices> slices;
    return slices;
}
}  // namespace

void Pane::set_record_in_slices(std::optional<RecordInSlices> slices) {
    slices_setting() = slices;
}
const std::optional<RecordInSlices>& Pane::record_in_slices() {
    return slices_setting();
}

void Pane::grew(bool records) {
    if (!session_) return;
    now_.last_step = session_->last_step();
    before_.last_step = now_.last_step;
    uint64_t revision = session_->recording_revision();
    if (revision != records_seen_ && (records || !recording())) {
        records_seen_ = revision;
        trace_revision_++;
    }
}

const Scenario& Pane::scenario() const {
    return session_ ? session_->scenario() : requested_;
}

uint64_t Pane::start_step() const {
    if (!session_) return 0;
    const Trace& trace = session_->trace();
    if (trace.focus >= 0 && trace.focus < static_cast<int>(trace.syscalls.size()))
        return trace.syscalls[trace.focus].entry_step;
    return 0;
}

void Pane::load(const Scenario& scenario, std::optional<uint64_t> step) {
    load(scenario, [&](const Trace&) { return step ? *step : start_step(); });
}

void Pane::load(const Scenario& scenario, const std::function<uint64_t(const Trace&)>& where) {
    requested_ = scenario;
    error_.clear();
    session_.reset();
    try {
        const auto& slices = record_in_slices();
        session_ = slices ? std::make_shared<Session>(scenario, *slices)
                          : std::make_shared<Session>(scenario);
        records_seen_ = session_->recording_revision();
        session_->seek(where(session_->trace()));
        now_ = take_snapshot(*session_);
    } catch (const std::exception& e) {
        session_.reset();
        error_ = e.what();
        if (error_.empty()) error_ = "the machine could not be started";
        now_ = Snapshot{};
    }
    before_ = now_;
    generation_++;
    trace_revision_++;
}

std::string Pane::move(const std::function<void(Session&)>& action, bool rewrites_trace) {
    if (!session_) return error_.empty() ? "no machine" : error_;
    std::string message;
    Snapshot previous = now_;
    try {
        action(*session_);
    } catch (const std::exception& e) {
        message = e.what();
        if (message.empty()) message = "the machine refused that";
    }
    try {
        now_ = take_snapshot(*session_);
    } catch (const std::exception& e) {
        message = std::string("cannot decode this step: ") + e.what();
    }
    before_ = std::move(previous);
    generation_++;
    // A move may have recorded on to find its goal.
    if (rewrites_trace || session_->recording_revision() != records_seen_) {
        records_seen_ = session_->recording_revision();
        trace_revision_++;
    }
    return message;
}

void Pane::show(Session& session, bool new_trace) {
    Snapshot previous = now_;
    bool same = session_.get() == &session;
    session_ = std::shared_ptr<Session>(&session, [](Session*) {});
    requested_ = session.scenario();
    error_.clear();
    try {
        now_ = take_snapshot(session);
    } catch (const std::exception& e) {
        error_ = std::string("cannot decode this step: ") + e.what();
        session_.reset();
        now_ = Snapshot{};
    }
    // The same run moved on: animate from where it was; a new run starts afresh.
    before_ = same && !new_trace ? std::move(previous) : now_;
    generation_++;
    if (!same || new_trace) trace_revision_++;
}

void Pane::refresh() {
    if (!session_) return;
    before_ = now_;
    now_ = take_snapshot(*session_);
    generation_++;
}

std::vector<SyscallWorkTestView> syscall_work_tests_at(const Snapshot& snap) {
    std::vector<SyscallWorkTestView> out;
    for (const SyscallWorkTest& t : syscall_work_tests()) {
        SyscallWorkTestView v;
        v.test = &t;
        for (const RouteStep& r : snap.route)
            if (r.kind == EventKind::Call && r.name == t.function) v.made = true;
        v.found = snap.tif.syscall_work & t.mask;
        out.push_back(v);
    }
    return out;
}

}  // namespace slowpath::gui
