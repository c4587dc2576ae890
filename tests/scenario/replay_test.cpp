// Time travel re-executes: a step's state is the checkpoint before it run
// forward. These tests take the state (every register the CPU model shows
// and a hash of all guest RAM) at random steps while a run is recorded, then
// seek to the same steps in a shuffled order (back and forth, across
// checkpoints) and demand the very same state. One run per era, with an
// injection so the slow path runs too, and a user program with host I/O.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "engine.h"
#include "replayed_state.h"
#include "slowpath/era.h"
#include "slowpath/numbers.h"
#include "slowpath/session.h"
#include "slowpath/trace.h"

namespace slowpath {
namespace {

using test_state::expect_replays_as_recorded;
using test_state::state_of;
using test_state::StepState;

// Records `sc` once to learn its length, then again with probes at `count`
// random steps (none where an action lands: there the recording sees the
// step before and after the change), then seeks to them in a shuffled order.
// With `debug_traps`, the run must deliver that many #DB from user mode, and
// the steps around each are probed too.
void check_replay(const Scenario& sc, size_t count, unsigned seed, size_t debug_traps = 0) {
    uint64_t last = 0;
    std::vector<uint64_t> action_steps;
    std::vector<uint64_t> steps;
    {
        Engine first(sc, Engine::Options{});
        first.record_to_end();
        last = first.trace().last_step();
        size_t traps = 0;
        for (const Event& ev : first.trace().events) {
            if (ev.kind == EventKind::Inject || ev.kind == EventKind::Edit)
                action_steps.push_back(ev.step);
            if (debug_traps && ev.kind == EventKind::Fault && ev.a[0] == 1 &&
                ev.rip < SP_TASK_SIZE_MAX) {
                traps++;
                for (uint64_t d = 0; d < 4; d++)
                    if (ev.step + d >= 2) steps.push_back(ev.step + d - 2);
            }
        }
        EXPECT_EQ(traps, debug_traps) << "#DB delivered from user mode";
    }
    const uint64_t every = Engine::kCheckpointInterval;
    ASSERT_GT(last, 4 * every) << "a run long enough to cross many checkpoints";
    std::mt19937_64 rng(seed);
    for (uint64_t s : {uint64_t(0), uint64_t(1), every - 1, every, every + 1, last})
        steps.push_back(s);
    while (steps.size() < count) steps.push_back(rng() % (last + 1));
    std::sort(steps.begin(), steps.end());
    steps.erase(std::unique(steps.begin(), steps.end()), steps.end());
    steps.erase(std::remove_if(steps.begin(), steps.end(),
                               [&](uint64_t s) {
                                   return std::count(action_steps.begin(), action_steps.end(), s);
                               }),
                steps.end());

    std::map<uint64_t, StepState> recorded;
    Engine engine(sc, Engine::Options{});
    engine.set_probes(steps, [&](const Engine& e) { recorded[e.step()] = state_of(e); });
    engine.record_to_end();
    ASSERT_EQ(engine.trace().last_step(), last) << "probing changed the run";
    ASSERT_EQ(recorded.size(), steps.size());

    expect_replays_as_recorded(engine, steps, recorded, rng, true);
}

class ReplayScenarioTest : public ::testing::TestWithParam<Era> {};

TEST_P(ReplayScenarioTest, SeekReproducesTheRecordedState) {
    Scenario sc;
    sc.era = GetParam();
    sc.injections = {parse_injection("SIGPENDING@exit")};
    check_replay(sc, 40, 11 + static_cast<unsigned>(GetParam()));
}

TEST_P(ReplayScenarioTest, SeekReproducesTheRecordedStateOfARepeatedDemo) {
    Scenario sc;
    sc.era = GetParam();
    sc.demo_repeat = 30;
    check_replay(sc, 40, 23 + static_cast<unsigned>(GetParam()));
}

#ifdef SLOWPATH_HWBREAK_PROGRAM
// A tracer arms a write watchpoint and an execute breakpoint in its child
// (tests/native/programs/proc_hwbreak.c): the engine's debug unit hooks
// them from the debug registers in guest memory and keeps a data trap
// pending between two steps, and a seek to the steps around each #DB must
// come to the recorded state.
TEST_P(ReplayScenarioTest, SeekReproducesTheRecordedStateAroundDebugTraps) {
    Scenario sc;
    sc.era = GetParam();
    sc.user_program = SLOWPATH_HWBREAK_PROGRAM;
    check_replay(sc, 40, 31 + static_cast<unsigned>(GetParam()), 3);
}
#endif

INSTANTIATE_TEST_SUITE_P(Eras, ReplayScenarioTest,
                         ::testing::Values(Era::V3_13, Era::Rfc, Era::Modern),
                         [](const ::testing::TestParamInfo<Era>& info) {
                             std::string n(era_info(info.param).name);
                             std::replace(n.begin(), n.end(), '.', '_');
                             return n;
                         });

}  // namespace
}  // namespace slowpath
