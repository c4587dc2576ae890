// A replay keeps near checkpoints between the recording's (every
// Engine::kNearInterval steps), so that a step back restores one close by
// instead of the checkpoint up to kCheckpointInterval steps before. A step
// reached that way must be the recorded one: the state (registers, host
// state and a hash of each page of guest RAM: replayed_state.h) is taken at
// steps probed while the run is recorded, then the replay walks back from
// the end of a checkpoint's stretch one step at a time, and goes back and forth within it, and must
// come to the very same state at each probed step. Both with the page guard
// and with the write hook, which see the CPU's page-table writes differently.
#include <gtest/gtest.h>
#include <slowpath/abi.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "engine.h"
#include "replayed_state.h"
#include "slowpath/session.h"

namespace slowpath {
namespace {

using test_state::StepState;

void expect_recorded(const std::map<uint64_t, StepState>& recorded, const Engine& e) {
    auto it = recorded.find(e.step());
    if (it != recorded.end())
        test_state::expect_same(it->second, test_state::state_of(e), e.step());
}

void walk_back_through_near_checkpoints(bool write_hook) {
    Scenario sc;
    sc.demo_repeat = 30;  // a signal on the way: frames on both stacks
    sc.injections = {parse_injection("SIGPENDING@exit")};
    if (write_hook) setenv("SLOWPATH_WRITE_HOOK", "1", 1);
    Engine engine(sc, Engine::Options{});
    // The stretch of the third checkpoint: probes on each side of every
    // near checkpoint's step, and between them.
    constexpr uint64_t every = Engine::kCheckpointInterval, near = Engine::kNearInterval;
    const uint64_t first = 2 * every, last = 3 * every - 1;
    std::vector<uint64_t> steps;
    for (uint64_t s = first + near; s < last; s += near)
        for (uint64_t d : {near - 1, uint64_t(0), uint64_t(1), near / 2}) steps.push_back(s - d);
    steps.push_back(first);
    steps.push_back(last);
    std::sort(steps.begin(), steps.end());  // set_probes takes them in order
    steps.erase(std::unique(steps.begin(), steps.end()), steps.end());
    std::map<uint64_t, StepState> recorded;
    engine.set_probes(steps,
                      [&](const Engine& e) { recorded[e.step()] = test_state::state_of(e); });
    engine.record_to_end();
    unsetenv("SLOWPATH_WRITE_HOOK");
    ASSERT_GT(engine.trace().last_step(), 4 * every);
    ASSERT_EQ(recorded.size(), steps.size());

    // From the stretch's end, one step at a time to its start.
    engine.seek(last);
    expect_recorded(recorded, engine);
    for (uint64_t s = last; s-- > first;) {
        engine.seek(s);
        ASSERT_EQ(engine.step(), s);
        expect_recorded(recorded, engine);
    }
    // Back and forth inside it, and one step back from each probed step.
    std::mt19937_64 rng(7);
    for (int i = 0; i < 24; i++) {
        const uint64_t s = steps[rng() % steps.size()];
        engine.seek(s);
        expect_recorded(recorded, engine);
        engine.seek(s - 1);
        expect_recorded(recorded, engine);
    }
}

TEST(NearCheckpoints, StepBackComesToTheRecordedStateWithThePageGuard) {
    walk_back_through_near_checkpoints(false);
}

TEST(NearCheckpoints, StepBackComesToTheRecordedStateWithTheWriteHook) {
    walk_back_through_near_checkpoints(true);
}

}  // namespace
}  // namespace slowpath
