// Recording in slices (the app's long runs): the recording paused and taken
// up again, with the machine moved about in between, must be the very run a
// one-shot Session records, step by step and event by event.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <random>
#include <string>

#include "slowpath/session.h"
#include "slowpath/tif.h"
#include "slowpath/trace.h"

namespace slowpath {
namespace {

#ifndef SLOWPATH_GETPID_LOOP_PROGRAM
#define SLOWPATH_GETPID_LOOP_PROGRAM ""  // no musl-gcc: those tests skip
#endif

Scenario loop_program(long calls) {
    Scenario s;
    s.user_program = SLOWPATH_GETPID_LOOP_PROGRAM;
    s.user_args = {std::to_string(calls), "3"};
    return s;
}

void expect_same_trace(const Session& sliced, const Session& whole) {
    const Trace& a = sliced.trace();
    const Trace& b = whole.trace();
    ASSERT_EQ(a.last_step(), b.last_step());
    EXPECT_EQ(a.outcome, b.outcome);
    EXPECT_EQ(a.outcome_detail, b.outcome_detail);
    EXPECT_EQ(a.exit_code, b.exit_code);
    EXPECT_EQ(a.focus, b.focus);
    EXPECT_EQ(a.console, b.console);
    ASSERT_EQ(a.events.size(), b.events.size());
    for (size_t i = 0; i < a.events.size(); i++) {
        const Event& x = a.events[i];
        const Event& y = b.events[i];
        ASSERT_EQ(x.step, y.step) << "event " << i;
        ASSERT_EQ(x.kind, y.kind) << "event " << i;
        ASSERT_EQ(x.name, y.name) << "event " << i;
        ASSERT_EQ(x.a, y.a) << "event " << i;
    }
    for (uint64_t k = 0; k <= a.last_step(); k++) {
        ASSERT_EQ(a.steps[k].rip, b.steps[k].rip) << "step " << k;
        ASSERT_EQ(a.steps[k].rsp, b.steps[k].rsp) << "step " << k;
    }
    ASSERT_EQ(a.syscalls.size(), b.syscalls.size());
    if (b.focus >= 0) {
        std::optional<Event> da = decision_event(a, a.focus);
        std::optional<Event> db = decision_event(b, b.focus);
        ASSERT_EQ(da.has_value(), db.has_value());
        if (db) {
            EXPECT_EQ(da->decision(), db->decision());
        }
    }
}

// The machine at the sliced session's step is the one-shot's at that step.
void expect_same_state(Session& sliced, Session& whole) {
    uint64_t s = sliced.step();
    SCOPED_TRACE("step " + std::to_string(s));
    whole.seek(s);
    CpuState x = sliced.machine().cpu(), y = whole.machine().cpu();
    EXPECT_EQ(x.rip, y.rip);
    EXPECT_EQ(x.rflags, y.rflags);
    for (int i = 0; i < GPR_COUNT; i++) EXPECT_EQ(x.gpr[i], y.gpr[i]) << gpr_name(i);
    EXPECT_EQ(sliced.current_syscall(), whole.current_syscall());
    EXPECT_EQ(sliced.frame_valid_mask(), whole.frame_valid_mask());
    PtRegsView p = sliced.pt_regs(), q = whole.pt_regs();
    ASSERT_EQ(p.slots.size(), q.slots.size());
    for (size_t i = 0; i < p.slots.size(); i++) EXPECT_EQ(p.slots[i].value, q.slots[i].value) << i;
    EXPECT_EQ(sliced.console(), whole.console());
}

TEST(Slices, LongProgramRecordedInSlicesIsTheOneShotRun) {
    if (std::string(SLOWPATH_GETPID_LOOP_PROGRAM).empty()) GTEST_SKIP() << "no musl-gcc";
    Scenario scenario = loop_program(12000);
    Session whole(scenario);
    ASSERT_EQ(whole.trace().outcome, Outcome::Exited);
    ASSERT_GT(whole.last_step(), 1'000'000u) << "long enough to take many slices";

    Session sliced(scenario, RecordInSlices{8192, 2.0});
    EXPECT_FALSE(sliced.recording_finished());
    EXPECT_EQ(sliced.recorded_steps(), 8192u) << "the first slice, up to its checkpoint";
    std::mt19937_64 rng(11);
    uint64_t previous = sliced.recorded_steps();
    int slices = 0;
    while (sliced.record_more(50'000, 10.0)) {
        slices++;
        // Recorded more, and still at the step it was moved to.
        EXPECT_GT(sliced.recorded_steps(), previous);
        previous = sliced.recorded_steps();
        uint64_t at = rng() % (sliced.last_step() + 1);
        sliced.seek(at);
        ASSERT_EQ(sliced.step(), at);
        expect_same_state(sliced, whole);
        if (slices % 4 == 0) {
            sliced.step_forward(3);
            expect_same_state(sliced, whole);
        }
    }
    EXPECT_GT(slices, 5);
    expect_same_trace(sliced, whole);
    sliced.seek(whole.last_step() / 2);
    expect_same_state(sliced, whole);
}

TEST(Slices, MovesRecordOnToWhatIsNotRecordedYet) {
    // The demo with a flag at the exit: the decision comes long after the
    // first slice, and going to it records on until it is there.
    Scenario scenario;
    scenario.era = Era::Modern;
    scenario.injections.push_back(parse_injection("SIGPENDING@exit"));
    Session whole(scenario);
    auto decision = whole.run_to_decision();
    ASSERT_GT(decision, 2048u);

    Session sliced(scenario, RecordInSlices{2048, 30.0});
    ASSERT_LT(sliced.last_step(), decision);
    EXPECT_EQ(sliced.run_to_decision(), decision);
    EXPECT_FALSE(sliced.recording_finished() && sliced.last_step() < decision);
    expect_same_state(sliced, whole);
    std::optional<Event> d = decision_event(whole.trace(), whole.trace().focus);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(sliced.trace().focus, whole.trace().focus) << "the focus is known once it ran";
    while (sliced.record_more(UINT64_MAX, 10.0)) {
    }
    expect_same_trace(sliced, whole);
}

TEST(Slices, ChangeMidRecordingRecordsAgainFromThere) {
    if (std::string(SLOWPATH_GETPID_LOOP_PROGRAM).empty()) GTEST_SKIP() << "no musl-gcc";
    Scenario scenario = loop_program(300);
    scenario.max_steps = 400'000;  // should the edit send the loop on for ever
    Session whole(scenario);
    Session sliced(scenario, RecordInSlices{8192, 2.0});
    sliced.record_more(20'000, 10.0);
    ASSERT_FALSE(sliced.recording_finished());
    uint64_t at = sliced.last_step() - 5000;
    sliced.seek(at);
    whole.seek(at);
    sliced.edit_now("rbx", 0x1234);
    whole.edit_now("rbx", 0x1234);
    EXPECT_EQ(sliced.step(), at);
    EXPECT_FALSE(sliced.recording_finished()) << "only the first slice again";
    expect_same_state(sliced, whole);
    while (sliced.record_more(UINT64_MAX, 10.0)) {
    }
    expect_same_trace(sliced, whole);
}

TEST(Slices, StopEndsTheRecordingWhereItIs) {
    if (std::string(SLOWPATH_GETPID_LOOP_PROGRAM).empty()) GTEST_SKIP() << "no musl-gcc";
    Session sliced(loop_program(2000), RecordInSlices{4096, 2.0});
    sliced.record_more(10'000, 10.0);
    uint64_t frontier = sliced.recorded_steps();
    sliced.seek(100);
    sliced.stop_recording("stopped by the user");
    EXPECT_TRUE(sliced.recording_finished());
    EXPECT_EQ(sliced.trace().outcome, Outcome::StepLimit);
    EXPECT_EQ(sliced.trace().outcome_detail, "stopped by the user");
    EXPECT_EQ(sliced.last_step(), frontier);
    EXPECT_EQ(sliced.step(), 100u);
    EXPECT_FALSE(sliced.record_more(1000, 1.0));
    EXPECT_EQ(sliced.run_to_end(), frontier);
}

}  // namespace
}  // namespace slowpath
