// The memory budget (Scenario::memory_budget, --memory): a recording that
// outgrows it thins its old checkpoints, and every step must still replay
// to the state probed while it was recorded; one that cannot shrink enough
// stops as a step limit that names the budget.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "engine.h"
#include "replayed_state.h"
#include "slowpath/numbers.h"
#include "slowpath/session.h"
#include "slowpath/trace.h"

#ifndef SLOWPATH_GETPID_LOOP_PROGRAM
#define SLOWPATH_GETPID_LOOP_PROGRAM ""  // no musl-gcc: those tests skip
#endif

namespace slowpath {
namespace {

using test_state::expect_replays_as_recorded;
using test_state::state_of;
using test_state::StepState;

Scenario getpid_loop(long calls) {
    Scenario s;
    s.user_program = SLOWPATH_GETPID_LOOP_PROGRAM;
    s.user_args = {std::to_string(calls), "0"};
    s.max_steps = 100'000'000;
    return s;
}

TEST(MemoryBudget, ThinnedCheckpointsStillReplayEveryStepAsRecorded) {
    if (std::string(SLOWPATH_GETPID_LOOP_PROGRAM).empty()) GTEST_SKIP() << "no musl-gcc";
    Scenario sc = getpid_loop(20'000);
    // The run with no budget to speak of, probed where the budget is
    // checked (after every kBudgetCheckEvery-th checkpoint) near its end.
    const uint64_t check_step = (Engine::kBudgetCheckEvery * 12 - 1) * Engine::kCheckpointInterval;
    size_t held = 0, thinnable = 0, checkpoints = 0;
    uint64_t last = 0;
    {
        Engine first(sc, Engine::Options{});
        first.set_probes({check_step}, [&](const Engine& e) {
            held = e.budget_bytes();
            RecordingBytes b = e.recording_bytes();
            thinnable = b.checkpoints + b.page_versions;
            checkpoints = e.checkpoint_count();
        });
        first.record_to_end();
        ASSERT_EQ(first.trace().outcome, Outcome::Exited) << first.trace().outcome_detail;
        last = first.trace().last_step();
    }
    ASSERT_GT(last, check_step) << "a run long enough to thin";
    ASSERT_EQ(checkpoints, Engine::kBudgetCheckEvery * 12);
    // A budget a little short of what it held there: the run must thin its
    // checkpoints then (the CPU images alone are some 100 KiB), and must
    // not stop (the next check comes after the end).
    ASSERT_GT(thinnable, 64u << 10);
    sc.memory_budget = held - (16 << 10);

    std::mt19937_64 rng(7);
    std::vector<uint64_t> steps = {0, 1, Engine::kCheckpointInterval + 3, last / 2, last - 1, last};
    while (steps.size() < 40) steps.push_back(rng() % (last + 1));
    std::sort(steps.begin(), steps.end());
    steps.erase(std::unique(steps.begin(), steps.end()), steps.end());
    std::map<uint64_t, StepState> recorded;
    Engine engine(sc, Engine::Options{});
    engine.set_probes(steps, [&](const Engine& e) { recorded[e.step()] = state_of(e); });
    engine.record_to_end();
    ASSERT_EQ(engine.trace().outcome, Outcome::Exited) << engine.trace().outcome_detail;
    ASSERT_EQ(engine.trace().last_step(), last) << "thinning changed the run";
    // One pass drops every other one of those that may go.
    EXPECT_LT(engine.checkpoint_count(), checkpoints * 2 / 3) << "checkpoints were thinned";
    EXPECT_GE(engine.checkpoint_count(), 2 * Engine::kKeptAtEachEnd);
    ASSERT_EQ(recorded.size(), steps.size());

    expect_replays_as_recorded(engine, steps, recorded, rng, true);
}

TEST(MemoryBudget, ARunThatCannotShrinkStopsAtItsBudget) {
    if (std::string(SLOWPATH_GETPID_LOOP_PROGRAM).empty()) GTEST_SKIP() << "no musl-gcc";
    Scenario sc = getpid_loop(2'000'000);
    // 32 MiB: enough checkpoints that they are checked only every 1/64 of
    // their number, and thinned unevenly in between.
    sc.memory_budget = uint64_t(32) << 20;
    Engine session(sc, Engine::Options{});
    session.record_to_end();
    const Trace& t = session.trace();
    ASSERT_EQ(t.outcome, Outcome::StepLimit) << t.outcome_detail;
    EXPECT_EQ(t.outcome_detail, "stopped at " + std::to_string(t.last_step()) +
                                    " steps: the recording reached its memory budget of 32 MiB "
                                    "(--memory)");
    EXPECT_GT(t.last_step(), 1'000'000u) << "the budget holds more than a million steps";
    EXPECT_LT(t.last_step(), sc.max_steps);
    // Within the budget, give or take what one check interval records.
    EXPECT_LT(session.recording_bytes().total(), sc.memory_budget + (1u << 20));
    // It stopped because no checkpoint could go: each one between the eight
    // kept at either end would leave a gap wider than the widest allowed.
    const size_t n = session.checkpoint_count(), ends = Engine::kKeptAtEachEnd;
    ASSERT_GT(n, 2 * ends);
    for (size_t i = ends; i + ends < n; i++)
        EXPECT_GT(session.checkpoint_step(i + 1) - session.checkpoint_step(i - 1),
                  Engine::kWidestSpacing)
            << "checkpoint " << i << " of " << n;
    // What was recorded is still there to move about in.
    session.seek(t.last_step() / 3);
    EXPECT_EQ(session.step(), t.last_step() / 3);
}

TEST(MemoryBudget, SizesReadAsTheCommandLineWritesThem) {
    EXPECT_EQ(parse_byte_size("65536"), 65536u);
    EXPECT_EQ(parse_byte_size("0x100"), 256u);
    EXPECT_EQ(parse_byte_size("512M"), 512u << 20);
    EXPECT_EQ(parse_byte_size("512m"), 512u << 20);
    EXPECT_EQ(parse_byte_size("4G"), uint64_t(4) << 30);
    EXPECT_EQ(parse_byte_size("2GiB"), uint64_t(2) << 30);
    EXPECT_EQ(parse_byte_size("64KiB"), 64u << 10);
    EXPECT_EQ(parse_byte_size("0x10G"), uint64_t(16) << 30);
    for (const char* bad : {"", "M", "-1G", "1.5G", "12abc", "1T", "1iB", "1 G", "17179869184G"})
        EXPECT_FALSE(parse_byte_size(bad)) << bad;
    EXPECT_EQ(parse_memory_budget("16M"), kLeastMemoryBudget);
    EXPECT_FALSE(parse_memory_budget("15M"));
    EXPECT_EQ(memory_budget_error("1k"),
              "--memory must be a size such as 512M or 4G (bytes, or K, M, G), at least 16M, "
              "not '1k'");
}

}  // namespace
}  // namespace slowpath
