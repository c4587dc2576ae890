// A long run in the window: it opens at once on the first part recorded,
// records the rest between frames with its progress in the controls, takes
// real clicks meanwhile, and ends as the same run a headless Session
// records. Driven by real X input (xdotool under Xvfb).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "live_app.h"
#include "slowpath/session.h"

using nlohmann::json;
using namespace slowpath;
using gui_test::LiveApp;

namespace {

const char* const kCalls = "150000";  // some 12 million steps: seconds of recording

uint64_t last_step(const json& s) {
    return s["last_step"].get<uint64_t>();
}

}  // namespace

TEST(GuiLongRun, RecordsInTheBackgroundTakesClicksAndEndsAsTheWholeRun) {
    LiveApp app({"--program", SLOWPATH_GETPID_LOOP_PROGRAM, "--args", kCalls});
    ASSERT_TRUE(app.ready()) << app.error();

    // Open while recording: the run has not ended, its progress is drawn.
    json s = app.wait_for([](const json& d) { return d["recording"].get<bool>(); }, 10.0);
    ASSERT_TRUE(s["recording"].get<bool>()) << s.dump().substr(0, 400);
    EXPECT_EQ(s["outcome"], "running");
    EXPECT_TRUE(s["ui"]["items"].contains("recording")) << "the progress bar";
    EXPECT_TRUE(s["ui"]["items"].contains("button:stop-recording"));
    uint64_t first = last_step(s);

    // The last step grows while nothing is touched.
    json grown = app.wait_for([&](const json& d) { return last_step(d) > first + 100'000; }, 20.0);
    ASSERT_GT(last_step(grown), first + 100'000);
    EXPECT_TRUE(grown["recording"].get<bool>());
    EXPECT_EQ(grown["recorded_steps"].get<uint64_t>(), last_step(grown) + 1);

    // The Step button works meanwhile, from the step the window opened at.
    json before = app.state();
    uint64_t at = before["step"].get<uint64_t>();
    app.click(before, "button:step");
    json moved = app.wait_for([&](const json& d) { return d["step"].get<uint64_t>() == at + 1; });
    ASSERT_EQ(moved["step"].get<uint64_t>(), at + 1);
    EXPECT_TRUE(moved["recording"].get<bool>()) << "stepping did not wait for the recording";
    EXPECT_EQ(moved["rip"].get<uint64_t>(), [&] {
        // The machine at that step, as a headless session has it.
        Scenario sc;
        sc.user_program = SLOWPATH_GETPID_LOOP_PROGRAM;
        sc.user_args = {kCalls};
        sc.max_steps = at + 10;
        Session headless(sc);
        headless.seek(at + 1);
        return headless.machine().cpu().rip;
    }());

    // Then the recording ends: the program exited, nothing is recording.
    json done = app.wait_for([](const json& d) { return !d["recording"].get<bool>(); }, 200.0);
    ASSERT_FALSE(done["recording"].get<bool>());
    EXPECT_EQ(done["outcome"], "exited");
    EXPECT_FALSE(done["ui"]["items"].contains("recording"));
    EXPECT_EQ(done["step"].get<uint64_t>(), at + 1) << "the recording left the step alone";
    EXPECT_GT(done["long_run"]["steps"].get<uint64_t>(), 1'000'000u);

    json quit = app.quit();
    ASSERT_TRUE(quit.is_object());
    EXPECT_EQ(quit["outcome"], "exited");
    EXPECT_GT(last_step(quit), 2'000'000u) << "past the CLI's default step limit";
}

// The "stop" beside the progress bar, clicked: the run ends where it is, as
// a step limit that says so, and the window goes idle with every step kept.
TEST(GuiLongRun, StopClickedEndsTheRecordingThere) {
    LiveApp app({"--program", SLOWPATH_GETPID_LOOP_PROGRAM, "--args", "2000000"});
    ASSERT_TRUE(app.ready()) << app.error();
    json s = app.wait_for(
        [](const json& d) {
            return d["recording"].get<bool>() && d["ui"]["items"].contains("button:stop-recording");
        },
        10.0);
    ASSERT_TRUE(s["recording"].get<bool>());
    app.click(s, "button:stop-recording");
    json done = app.wait_for([](const json& d) { return !d["recording"].get<bool>(); }, 10.0);
    ASSERT_FALSE(done["recording"].get<bool>()) << "the click did not stop it";
    EXPECT_EQ(done["outcome"], "step-limit");
    std::string detail = done["outcome_detail"].get<std::string>();
    EXPECT_EQ(detail.rfind("stopped in the app at ", 0), 0u) << detail;
    EXPECT_NE(detail.find(std::to_string(last_step(done))), std::string::npos) << detail;
    EXPECT_LT(last_step(done), 150'000'000u) << "far from the program's end";
    // The window waits for input again: a second draws a frame or two (a
    // tooltip's delay after the click), not the 25 or more of a recording.
    json idle = app.settle(5.0);
    auto frame = idle["ui"]["frame"].get<uint64_t>();
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    EXPECT_LE(app.state()["ui"]["frame"].get<uint64_t>(), frame + 3);
}

// A recording that outgrows its --memory budget in the window: old
// checkpoints are thinned, then the run stops as a step limit that names the
// budget, and every step recorded can still be visited.
TEST(GuiLongRun, MemoryBudgetEndsTheRecordingAndSaysSo) {
    LiveApp app(
        {"--memory", "16M", "--program", SLOWPATH_GETPID_LOOP_PROGRAM, "--args", "5000000"});
    ASSERT_TRUE(app.ready()) << app.error();
    json done = app.wait_for([](const json& d) { return !d["recording"].get<bool>(); }, 60.0);
    ASSERT_FALSE(done["recording"].get<bool>()) << "still recording past its budget";
    EXPECT_EQ(done["outcome"], "step-limit");
    std::string detail = done["outcome_detail"].get<std::string>();
    EXPECT_NE(detail.find("the recording reached its memory budget of 16 MiB (--memory)"),
              std::string::npos)
        << detail;
    EXPECT_GT(last_step(done), 2'000'000u);
    EXPECT_LT(last_step(done), 100'000'000u) << "far from the program's end";
}
