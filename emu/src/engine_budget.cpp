// The memory budget of a recording (Scenario::memory_budget, --memory).
// A recording grows by a few bytes a step, a fifth of them checkpoints and
// the page versions between them. Past the budget the oldest stretch of
// checkpoints is thinned: every other one of the most closely spaced goes,
// and its page versions pass to the next one kept, so any step can still be
// reached (by a longer replay). When no checkpoint can go without leaving a
// gap wider than kWidestSpacing the recording cannot shrink, and the run
// stops there.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "engine.h"

namespace slowpath {

bool Engine::keep_to_memory_budget() {
    // A check reads every checkpoint and page version: made every 1/64 of
    // their number (at least kBudgetCheckEvery), it costs the same share of
    // a run of any length. The budget is overshot by what is recorded
    // between two checks, and by a container's growth (a vector's room
    // grows by half or double at a time).
    if (++checkpoints_unchecked_ < std::max(kBudgetCheckEvery, checkpoints_.size() / 64))
        return true;
    checkpoints_unchecked_ = 0;
    const uint64_t budget = scenario_.memory_budget;
    while (held_bytes(false).total() > budget)
        if (!thin_checkpoints()) {
            finish(Outcome::StepLimit, "stopped at " + std::to_string(host_.step) +
                                           " steps: the recording reached its memory budget of " +
                                           std::to_string(budget >> 20) + " MiB (--memory)");
            return false;
        }
    return true;
}

bool Engine::thin_checkpoints() {
    const size_t n = checkpoints_.size();
    if (n < 2 * kKeptAtEachEnd + 1) return false;
    const size_t first = kKeptAtEachEnd, end = n - kKeptAtEachEnd;  // [first, end) may go
    // The narrowest gap, and the narrowest a checkpoint's going would leave.
    uint64_t least = UINT64_MAX, least_left = UINT64_MAX;
    for (size_t i = first; i < end; i++) {
        least = std::min(least, checkpoints_[i].step - checkpoints_[i - 1].step);
        least_left = std::min(least_left, checkpoints_[i + 1].step - checkpoints_[i - 1].step);
    }
    if (least_left > kWidestSpacing) return false;
    const uint64_t widest = std::min(std::max(2 * least, least_left), kWidestSpacing);
    // A checkpoint goes when the gap it leaves is no wider than `widest`:
    // in a run of equal gaps, every other one; at least the one whose
    // going leaves the narrowest gap.
    std::vector<uint8_t> drop(n, 0);
    bool any = false;
    uint64_t kept_step = checkpoints_[first - 1].step;
    for (size_t i = first; i < end; i++) {
        if (checkpoints_[i + 1].step - kept_step <= widest) {
            drop[i] = 1;
            any = true;
        } else {
            kept_step = checkpoints_[i].step;
        }
    }
    if (!any) return false;

    // Each checkpoint's index after thinning; a dropped one's is that of
    // the next one kept, which takes its page versions.
    std::vector<size_t> to(n);
    for (size_t i = 0, next = 0; i < n; i++) {
        to[i] = next;
        if (!drop[i]) next++;
    }
    if (drop[mem_origin_]) {
        // RAM was made from a checkpoint about to go: count it as the next
        // one kept plus the pages that differ from it.
        size_t kept = mem_origin_;
        while (drop[kept]) kept++;
        mark_changed_between(mem_origin_, kept);
    }
    mem_origin_ = to[mem_origin_];
    // A page's versions, by index: two that now share an index are one, the
    // later (the page as of the checkpoint kept).
    for (auto& [page, list] : versions_) {
        size_t out = 0;
        for (size_t k = 0; k < list.size(); k++) {
            const size_t index = to[list[k].first];
            if (out > 0 && list[out - 1].first == index) {
                list[out - 1].second = std::move(list[k].second);
                continue;
            }
            if (out != k) list[out].second = std::move(list[k].second);
            list[out].first = index;
            out++;
        }
        list.erase(list.begin() + static_cast<std::ptrdiff_t>(out), list.end());
        if (list.capacity() > 2 * list.size()) list.shrink_to_fit();
    }
    size_t out = 0;
    for (size_t i = 0; i < n; i++)
        if (!drop[i]) {
            if (out != i) checkpoints_[out] = std::move(checkpoints_[i]);
            out++;
        }
    checkpoints_.erase(checkpoints_.begin() + static_cast<std::ptrdiff_t>(out), checkpoints_.end());
    forget_near_checkpoints();  // their base indices changed
    return true;
}

}  // namespace slowpath
