// The settings file: hostile contents keep the defaults field by field, and
// saving is atomic even when several instances save at once.
#include "model/settings.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace slowpath::gui {
namespace {

namespace fs = std::filesystem;

fs::path scratch_dir() {
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    fs::path dir =
        fs::path(testing::TempDir()) /
        ("slowpath-settings-" + std::string(info->name()) + "-" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

TEST(Settings, OutOfRangeValuesKeepTheirDefaultsOneByOne) {
    std::string error;
    Settings s = load_settings(std::string(SETTINGS_DATA_DIR) + "/out-of-range.json", &error);
    EXPECT_TRUE(error.empty()) << error;  // valid JSON, odd values
    const Settings d;
    EXPECT_EQ(s.zoom, d.zoom);                    // 1e300 does not fit a float
    EXPECT_EQ(s.window_width, d.window_width);    // 1e30 does not fit an int
    EXPECT_EQ(s.window_height, d.window_height);  // nor -5e20
    EXPECT_EQ(s.window_x, d.window_x);            // 2^64-1
    EXPECT_EQ(s.window_y, d.window_y);            // -2^63
    EXPECT_EQ(s.play_rate, d.play_rate);          // -1: out of range
    EXPECT_EQ(s.anim_seconds, d.anim_seconds);    // a string
    EXPECT_EQ(s.play_unit, d.play_unit);          // an array
    // The good entries of a map survive its bad ones.
    ASSERT_EQ(s.splits.size(), 2u);
    EXPECT_FLOAT_EQ(s.splits.at("a"), 0.5f);  // 2 is clamped
    EXPECT_FLOAT_EQ(s.splits.at("c"), 0.4f);
    ASSERT_EQ(s.tabs.size(), 1u);
    EXPECT_EQ(s.tabs.at("y"), "Events");
}

TEST(Settings, WhatIsDroppedIsNamed) {
    std::string error;
    std::vector<std::string> dropped;
    load_settings(std::string(SETTINGS_DATA_DIR) + "/out-of-range.json", &error, &dropped);
    EXPECT_TRUE(error.empty()) << error;
    std::sort(dropped.begin(), dropped.end());
    const std::vector<std::string> expected = {
        "anim_seconds", "dark",     "play_rate", "play_unit",     "splits.a",
        "splits.b",     "splits.d", "tabs.x",    "window_height", "window_width",
        "window_x",     "window_y", "zoom"};
    EXPECT_EQ(dropped, expected);
    dropped.clear();
    load_settings(std::string(SETTINGS_DATA_DIR) + "/settings.json", &error, &dropped);
    EXPECT_TRUE(dropped.empty()) << dropped.front();
}

TEST(Settings, ShippedExampleReadsBackAfterASave) {
    std::string error;
    Settings s = load_settings(std::string(SETTINGS_DATA_DIR) + "/settings.json", &error);
    ASSERT_TRUE(error.empty()) << error;
    EXPECT_FLOAT_EQ(s.zoom, 1.25f);
    EXPECT_EQ(s.window_width, 1600);
    EXPECT_EQ(s.tabs.at("right"), "Kernel stack");
    fs::path path = scratch_dir() / "settings.json";
    ASSERT_TRUE(save_settings(s, path.string(), &error)) << error;
    Settings back = load_settings(path.string(), &error);
    ASSERT_TRUE(error.empty()) << error;
    EXPECT_EQ(settings_text(back), settings_text(s));
}

TEST(Settings, HugeFileIsAnErrorNotARead) {
    fs::path path = scratch_dir() / "settings.json";
    {
        std::ofstream out(path);
        out << "{\"zoom\": 2, \"pad\": \"" << std::string(3 << 20, 'x') << "\"}";
    }
    std::string error;
    Settings s = load_settings(path.string(), &error);
    EXPECT_NE(error.find("too large"), std::string::npos) << error;
    EXPECT_EQ(s.zoom, Settings{}.zoom);
}

// Several instances saving at once: each save succeeds, the file is always
// one whole settings object, and no temporary file is left behind.
TEST(Settings, ConcurrentSavesNeverCollide) {
    const fs::path dir = scratch_dir();
    const std::string path = (dir / "settings.json").string();
    constexpr int kProcesses = 4, kSaves = 150;
    std::vector<pid_t> children;
    for (int p = 0; p < kProcesses; p++) {
        pid_t pid = fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            Settings s;
            s.window_width = 1000 + p;
            s.tabs["who"] = std::string(2000, static_cast<char>('a' + p));
            int failures = 0;
            for (int i = 0; i < kSaves; i++) {
                std::string error;
                if (!save_settings(s, path, &error)) failures++;
                std::string read_error;
                Settings back = load_settings(path, &read_error);
                if (!read_error.empty() || back.window_width < 1000 ||
                    back.window_width >= 1000 + kProcesses)
                    failures++;
            }
            _exit(failures ? 1 : 0);
        }
        children.push_back(pid);
    }
    for (pid_t pid : children) {
        int status = 0;
        ASSERT_EQ(waitpid(pid, &status, 0), pid);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
            << "a saving instance saw a failed save or half a file";
    }
    std::vector<std::string> left;
    for (const auto& entry : fs::directory_iterator(dir)) left.push_back(entry.path().string());
    ASSERT_EQ(left.size(), 1u) << "temporary files left behind";
    EXPECT_EQ(left[0], path);
}

}  // namespace
}  // namespace slowpath::gui
