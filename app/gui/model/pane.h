// One running scenario as the panels see it: a Session plus the decoded
// views at the current step, and the views as they were before the last move
// (so panels can highlight what changed and animate from the old state).
//
// Nothing here knows about ImGui; the state dump and the tests use it too.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "slowpath/decode.h"
#include "slowpath/machine.h"
#include "slowpath/session.h"
#include "slowpath/tasks.h"
#include "slowpath/tif.h"
#include "slowpath/trace.h"

namespace slowpath::gui {

// A label reached or a C function entered, in the syscall the path shows.
struct RouteStep {
    std::string name;
    EventKind kind = EventKind::Label;
    uint64_t step = 0;
    size_t event = 0;  // index in Trace::events
};

// Everything the panels draw for one step. Built once per move, so drawing a
// frame never decodes guest memory.
struct Snapshot {
    bool valid = false;
    uint64_t step = 0;
    uint64_t last_step = 0;
    CpuState cpu;
    CpuState prev_cpu;  // one instruction earlier
    PtRegsView pt_regs;
    KernelStackView kernel_stack;
    UserStackView user_stack;
    TifView tif;
    KernelStateView kernel_state;
    TaskListView tasks;  // the guest's task table at this step
    std::string console;
    std::string where;
    int running_syscall = -1;      // the syscall being executed, -1 in user mode
    int shown_syscall = -1;        // the syscall the path panels show (running, else the last one)
    std::vector<RouteStep> route;  // of shown_syscall, up to this step
    std::optional<size_t> decision;      // Decision event of shown_syscall reached so far
    std::optional<size_t> exit_event;    // Sysret or Iret of shown_syscall reached so far
    std::optional<size_t> last_label;    // the latest Label event at or before this step
    std::string label;                   // its name, "" before the first label
    std::vector<TifCheckRecord> checks;  // of shown_syscall, up to this step
    size_t next_event = 0;               // first event with step >= this step
};

class Pane {
 public:
    Pane() = default;
    Pane(const Pane&) = delete;
    Pane& operator=(const Pane&) = delete;

    // Builds a session for the scenario and moves to `step` (clamped), or to
    // the start position when unset. A load error is kept, never thrown.
    void load(const Scenario& scenario, std::optional<uint64_t> step = std::nullopt);
    // The same, at the step `where` picks in the new run.
    void load(const Scenario& scenario, const std::function<uint64_t(const Trace&)>& where);

    // How load() records: the whole run at once (the default), or, set
    // (the app), a first slice, the rest by record_more between frames.
    static void set_record_in_slices(std::optional<RecordInSlices> slices);
    static const std::optional<RecordInSlices>& record_in_slices();

    bool ok() const { return session_ != nullptr; }
    // The session is still recording (in slices) and its end is not known yet.
    bool recording() const { return session_ && !session_->recording_finished(); }
    // After the session recorded more: the views learn the new last step,
    // and the trace revision moves on when the syscall records were rebuilt
    // (`records`: let it, the caches keyed on it are rebuilt then).
    void grew(bool records);
    // The recording's heap as last measured (the app's progress bar).
    size_t recording_bytes_seen() const { return recording_bytes_seen_; }
    void set_recording_bytes_seen(size_t bytes) { recording_bytes_seen_ = bytes; }
    const std::string& error() const { return error_; }
    const Scenario& scenario()
        const;  // the session's (with now-injections), else the requested one
    Session* session() { return session_.get(); }
    const Session* session() const { return session_.get(); }
    const Trace* trace() const { return session_ ? &session_->trace() : nullptr; }

    const Snapshot& now() const { return now_; }
    const Snapshot& before() const { return before_; }
    // Bumped on every move or reload: panels compare it to start animations.
    uint64_t generation() const { return generation_; }

    // Where the app opens: the focus syscall's SYSCALL instruction, else step 0.
    uint64_t start_step() const;

    // Runs a move on the session, then refreshes the views. Exceptions from
    // the session are caught and returned as a message ("" on success).
    // `rewrites_trace`: the action changes the future (inject now, edit).
    std::string move(const std::function<void(Session&)>& action, bool rewrites_trace = false);

    // Changes whenever the recorded trace may be different (a reload, an
    // injection now, an edit): caches built from the trace key on it.
    uint64_t trace_revision() const { return trace_revision_; }

    // Re-decodes the current step (after a move done directly on session()).
    void refresh();

    // Shows a session owned elsewhere (a walkthrough's runner), which must
    // stay alive until the next show() or load(). `new_trace`: its recorded
    // run may differ from what was shown (caches keyed on the trace rebuild).
    void show(Session& session, bool new_trace);
    bool shows(const Session* session) const { return session_ && session_.get() == session; }

    // What a walkthrough says this pane is (a compare step's side:
    // "left: v3.13/getpid/NEED_RESCHED@exit"); "" when it is just its era.
    const std::string& caption() const { return caption_; }
    void set_caption(std::string caption) { caption_ = std::move(caption); }
    // A route kept from an earlier scene (`ghost: true`): label, function and
    // exit names the path graph draws faintly under the route.
    const std::vector<std::string>& ghost() const { return ghost_; }
    void set_ghost(std::vector<std::string> route) { ghost_ = std::move(route); }

 private:
    std::string caption_;
    std::vector<std::string> ghost_;
    // Shared only so a borrowed session (show) can sit here with a no-op deleter.
    std::shared_ptr<Session> session_;
    Scenario requested_;
    std::string error_;
    Snapshot now_, before_;
    uint64_t generation_ = 0;
    uint64_t trace_revision_ = 0;
    uint64_t records_seen_ = 0;
    size_t recording_bytes_seen_ = 0;  // the session's budget_bytes() when last read
};

// Builds the snapshot of a session at its current step (used by refresh and
// by tests that want the same view without a GUI).
Snapshot take_snapshot(const Session& session);

// The syscall the path panels show at a step: the running one, else the most
// recent one that started at or before the step, else -1.
int shown_syscall_at(const Trace& trace, uint64_t step);

// The modern era's two tests of thread_info->syscall_work for the syscall a
// snapshot shows: made once the function holding it has been entered, and
// what the mask picks out of the word as it is now.
struct SyscallWorkTestView {
    const SyscallWorkTest* test = nullptr;
    bool made = false;
    uint64_t found = 0;
};
std::vector<SyscallWorkTestView> syscall_work_tests_at(const Snapshot& snap);

}  // namespace slowpath::gui
