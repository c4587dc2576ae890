// A scenario kept and shared, through the real X clipboard: a window copies
// what it shows (Ctrl+C: a scenario line, Ctrl+Shift+C: a command line),
// xclip reads it off the display, and another window takes it back (as its
// argument, or pasted with Ctrl+V) and shows the same screen.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "live_app.h"
#include "model/keep.h"
#include "slowpath/scenario_line.h"
#include "slowpath/session.h"

using nlohmann::json;
using namespace slowpath;
using gui_test::LiveApp;
using gui_test::quote;

namespace {

std::string clipboard(const LiveApp& app) {
    std::string text = app.on_display("xclip -o -selection clipboard 2>/dev/null");
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
}

// xclip keeps the selection until two clients have read it, then exits:
// one read here, to know it holds the selection, and the app's paste.
void set_clipboard(const LiveApp& app, const std::string& text) {
    std::string file = testing::TempDir() + "clipboard.txt";
    std::FILE* f = std::fopen(file.c_str(), "w");
    ASSERT_TRUE(f);
    std::fputs(text.c_str(), f);
    std::fclose(f);
    // The display's variables go before the command they are for.
    app.on_display("xclip -i -selection clipboard -loops 2 " + quote(file) + " >/dev/null 2>&1 &");
    for (int i = 0; i < 100 && clipboard(app) != text; i++)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

// What makes two screens the same: the scenario and the step they show.
void expect_same_screen(const json& a, const json& b) {
    EXPECT_EQ(a["scenario"], b["scenario"]);
    EXPECT_EQ(a["step"], b["step"]);
    EXPECT_EQ(a["label"], b["label"]);
    EXPECT_EQ(a["rip"], b["rip"]);
    EXPECT_EQ(a["decision"], b["decision"]);
}

// A screen a lesson would share: a flag at exit, a tracer's edit, at the decision.
json shown_at_decision(LiveApp& app) {
    app.settle();
    app.tap("d", 1);
    return app.wait_for([](const json& d) { return d["decision"].is_object(); });
}

}  // namespace

TEST(ShareInput, CopiedLineOpensTheSameScreenAndNamesTheRealDecision) {
    LiveApp first({"--era", "modern", "--inject", "NOTIFY_RESUME@exit", "--tamper", "rcx=0x1"});
    ASSERT_TRUE(first.ready()) << first.error();
    json shown = shown_at_decision(first);
    first.click(shown, "button:copy-scenario");
    first.wait_for([](const json& d) {
        return d["status"].get<std::string>().rfind("copied slowpath:", 0) == 0;
    });
    std::string line = clipboard(first);
    EXPECT_EQ(line, "slowpath:modern/getpid/NOTIFY_RESUME@exit/tamper:rcx=0x1/at=decision");
    json q = first.quit();
    ASSERT_TRUE(q.is_object());

    // The line alone, as a classmate would start it.
    LiveApp second({line});
    ASSERT_TRUE(second.ready()) << second.error();
    json again = second.wait_for([](const json& d) { return d["decision"].is_object(); });
    again = second.settle();
    expect_same_screen(shown, again);
    // And it is the machine's own decision for that scenario.
    ScenarioLine parsed = parse_scenario_line(line);
    Session machine(parsed.scenario);
    const Trace& t = machine.trace();
    ASSERT_GE(t.focus, 0);
    EXPECT_EQ(again["decision"]["exit"], std::string(exit_kind_name(t.syscalls[t.focus].exit)));
    EXPECT_EQ(again["decision"]["exit"], "iret") << "rcx != rip must not leave by sysret";
    second.quit();
}

TEST(ShareInput, PastedLineAndPastedCommandLineLoadTheScenario) {
    LiveApp source({"--era", "rfc", "--inject", "SIGPENDING@exit", "--signal-action", "block"});
    ASSERT_TRUE(source.ready()) << source.error();
    json shown = shown_at_decision(source);
    source.xdo("key ctrl+c");
    source.wait_for([](const json& d) {
        return d["status"].get<std::string>().rfind("copied slowpath:", 0) == 0;
    });
    std::string line = clipboard(source);
    source.xdo("key ctrl+shift+c");
    source.wait_for([](const json& d) {
        return d["status"].get<std::string>().rfind("copied slowpath --era", 0) == 0;
    });
    std::string command_line = clipboard(source);
    EXPECT_EQ(command_line,
              "slowpath --era rfc --syscall getpid --inject SIGPENDING@exit --signal-action block "
              "--commands decision");
    source.quit();

    for (const std::string& text : {line, command_line}) {
        LiveApp target({});
        ASSERT_TRUE(target.ready()) << target.error();
        json before = target.settle();
        ASSERT_NE(before["scenario"], shown["scenario"]);
        set_clipboard(target, text);
        target.xdo("key ctrl+v");
        target.wait_for([&](const json& d) { return d["scenario"] == shown["scenario"]; });
        json after = target.wait_for([](const json& d) { return d["decision"].is_object(); });
        after = target.settle();
        expect_same_screen(shown, after);
        target.quit();
    }
}

TEST(ShareInput, ABadClipboardSaysWhyAndChangesNothing) {
    LiveApp app({});
    ASSERT_TRUE(app.ready()) << app.error();
    json before = app.settle();
    set_clipboard(app, "slowpath:rfc/getpid/NOPE@exit");
    app.xdo("key ctrl+v");
    json after = app.wait_for([](const json& d) { return d["status_is_error"].get<bool>(); });
    EXPECT_NE(after["status"].get<std::string>().find("NOPE"), std::string::npos)
        << after["status"];
    EXPECT_EQ(after["scenario"], before["scenario"]);
    EXPECT_EQ(after["step"], before["step"]);
    app.quit();
}

// ---- pictures that keep their scenario ----

TEST(Keep, PngTextChunkIsReadBackAndThePngStaysValid) {
    // The smallest PNG: 1x1 grey, made by hand (signature, IHDR, IDAT, IEND).
    const std::vector<uint8_t> png = {
        0x89, 'P',  'N',  'G',  '\r', '\n', 0x1a, '\n', 0,    0,    0,    13,   'I',  'H',
        'D',  'R',  0,    0,    0,    1,    0,    0,    0,    1,    8,    0,    0,    0,
        0,    0x3a, 0x7e, 0x9b, 0x55, 0,    0,    0,    10,   'I',  'D',  'A',  'T',  0x78,
        0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x73, 0x75, 0x01, 0x18, 0,
        0,    0,    0,    'I',  'E',  'N',  'D',  0xae, 0x42, 0x60, 0x82};
    std::vector<uint8_t> out = gui::png_with_text(png, "slowpath", "slowpath:rfc/getpid");
    EXPECT_EQ(gui::png_text(out, "slowpath"), "slowpath:rfc/getpid");
    EXPECT_EQ(gui::png_text(out, "Other"), "");
    EXPECT_EQ(out.size(), png.size() + 12 + 9 + 19);
    // The chunk's CRC is the one PNG readers check: over type and data.
    size_t at = 33;
    ASSERT_EQ(std::string(out.begin() + at + 4, out.begin() + at + 8), "tEXt");
    EXPECT_THROW(gui::png_with_text({1, 2, 3}, "slowpath", "x"), std::invalid_argument);
}

TEST(Keep, SnapshotFolderAndNameFollowXdgAndTheScenario) {
    setenv("XDG_PICTURES_DIR", "/tmp/pics", 1);
    EXPECT_EQ(gui::snapshot_dir(), "/tmp/pics/slowpath");
    EXPECT_EQ(gui::snapshot_dir("/elsewhere"), "/elsewhere");
    unsetenv("XDG_PICTURES_DIR");
    std::string config = testing::TempDir() + "xdg-config";
    std::filesystem::create_directories(config);
    std::ofstream(config + "/user-dirs.dirs") << "# written by xdg-user-dirs-update\n"
                                              << "XDG_PICTURES_DIR=\"$HOME/Bilder\"\n";
    setenv("XDG_CONFIG_HOME", config.c_str(), 1);
    setenv("HOME", "/home/student", 1);
    EXPECT_EQ(gui::snapshot_dir(), "/home/student/Bilder/slowpath");
    unsetenv("XDG_CONFIG_HOME");
    std::string name =
        gui::snapshot_name("slowpath:rfc/getpid/tamper:rcx=0x1/at=label:sysret_check", 0);
    EXPECT_EQ(name.rfind("slowpath-rfc-getpid-tamper-rcx-0x1-at-label-sysret_check-", 0), 0u)
        << name;
    EXPECT_EQ(name.find('/'), std::string::npos);
    EXPECT_EQ(name.substr(name.size() - 4), ".png");
}

// F12 under real X input: the PNG lands in the pictures folder, named after
// the scenario, and its text chunk loads the same screen again.
TEST(ShareInput, F12SavesIntoThePicturesFolderWithTheScenarioInside) {
    std::string pictures = testing::TempDir() + "pictures-" + std::to_string(getpid());
    std::filesystem::remove_all(pictures);
    setenv("XDG_PICTURES_DIR", pictures.c_str(), 1);
    LiveApp app({"--era", "modern", "--inject", "SIGPENDING@exit"});
    unsetenv("XDG_PICTURES_DIR");
    ASSERT_TRUE(app.ready()) << app.error();
    json shown = shown_at_decision(app);
    app.tap("F12", 1);
    json saved = app.wait_for(
        [](const json& d) { return d["status"].get<std::string>().rfind("saved ", 0) == 0; });
    std::string path = saved["status"].get<std::string>().substr(6);
    EXPECT_EQ(
        path.rfind(pictures + "/slowpath/slowpath-modern-getpid-SIGPENDING@exit-at-decision-", 0),
        0u)
        << path;
    for (int i = 0; i < 100 && !std::filesystem::exists(path); i++)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    app.quit();
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in) << path;
    std::vector<uint8_t> png((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
    std::string line = gui::png_text(png, "slowpath");
    EXPECT_EQ(line, "slowpath:modern/getpid/SIGPENDING@exit/at=decision");

    LiveApp again({line});
    ASSERT_TRUE(again.ready()) << again.error();
    again.wait_for([](const json& d) { return d["decision"].is_object(); });
    expect_same_screen(shown, again.settle());
    again.quit();
}
