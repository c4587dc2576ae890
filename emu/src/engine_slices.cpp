// Recording in slices (the app's long runs): a recording paused at a
// checkpoint and taken up again from there, the machine moved about in
// between; see Engine::record_more.
#include <chrono>

#include "engine.h"

namespace slowpath {

bool Engine::record_more(uint64_t steps, std::chrono::steady_clock::time_point deadline) {
    if (finished()) return false;
    return_to_frontier();
    recording_ = true;
    uint64_t goal = steps > UINT64_MAX - host_.step ? UINT64_MAX : host_.step + steps;
    do {
        // To the next checkpoint; arriving there takes it (run_until's top)
        // and stops before the step's actions, which the next slice applies.
        run_until((host_.step / kCheckpointInterval + 1) * kCheckpointInterval, false);
    } while (!finished() && host_.step < goal && std::chrono::steady_clock::now() < deadline);
    if (finished()) run_probes();  // the last step, as record_to_end
    recording_ = false;
    reserve_near_checkpoints();
    if (!finished()) publish_records(false);
    return !finished();
}

void Engine::return_to_frontier() {
    // Browsing never reaches the frontier itself: the last step recorded is
    // the one before it (trace_.steps ends there).
    if (host_.step == trace_.steps.size()) return;
    restore_checkpoint(checkpoints_.size() - 1);
}

void Engine::stop_recording(const std::string& detail) {
    if (finished()) return;
    return_to_frontier();
    recording_ = true;
    finish(Outcome::StepLimit, detail);
    recording_ = false;
    records_revision_++;
}

void Engine::publish_records(bool force) {
    // Rebuilding reads every event: done again only once the time since the
    // last rebuild is several times what it cost, so a long recording spends
    // a small share of its time on it, and at once when the focus syscall
    // starts (the app opens at it).
    auto now = std::chrono::steady_clock::now();
    bool focus_new = trace_.focus != host_.focus;
    if (!force && !focus_new &&
        (records_events_ == trace_.events.size() || now - records_built_ < 8 * records_cost_))
        return;
    trace_.focus = host_.focus;
    build_syscall_records(trace_);
    records_events_ = trace_.events.size();
    records_built_ = std::chrono::steady_clock::now();
    records_cost_ = records_built_ - now;
    records_revision_++;
}

}  // namespace slowpath
