// One attended `slowpath` window under its own Xvfb (with_xvfb.sh), driven
// by real X input through xdotool, and what it says it shows: --state-live
// (the --dump-state JSON rewritten after every frame, polled instead of
// sleeping) and --state-on-quit (written when Ctrl+Q quits). Shared by the
// real-input GUI tests.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "test_shell.h"

namespace slowpath::gui_test {

using nlohmann::json;

inline std::string read_text(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline json read_json(const std::string& path) {
    std::ifstream in(path);
    if (!in) return nullptr;
    try {
        json j;
        in >> j;
        return j;
    } catch (const std::exception&) {
        return nullptr;
    }
}

using Clock = std::chrono::steady_clock;

// One attended window and the X server it runs on.
class LiveApp {
 public:
    explicit LiveApp(const std::vector<std::string>& args, const std::string& size = "1280x800") {
        base_ = testing::TempDir() + "input_" + test_name() + "_" + std::to_string(getpid());
        live_ = base_ + ".live.json";
        quit_ = base_ + ".quit.json";
        for (int attempt = 0; attempt < 3 && !ready_; attempt++) start(args, size);
    }
    ~LiveApp() {
        if (pid_ > 0) {
            kill(-pid_, SIGTERM);  // the process group this test started
            waitpid(pid_, nullptr, 0);
        }
    }
    bool ready() const { return ready_; }
    const std::string& window() const { return window_; }
    const std::string& error() const { return err_; }

    // The state of the last frame drawn.
    json state() const { return read_json(live_); }

    // Polls the state until `ok` holds (or the time is up); returns the last state.
    json wait_for(const std::function<bool(const json&)>& ok, double seconds = 5.0) const {
        auto end = Clock::now() + std::chrono::duration<double>(seconds);
        json last;
        for (;;) {
            json s = state();
            if (s.is_object()) {
                last = s;
                try {
                    if (ok(s)) return s;
                } catch (const std::exception&) {
                }
            }
            if (Clock::now() > end) return last;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }

    // Waits until the window has gone idle (no frame drawn for a while):
    // scrolling that follows the CPU and animations are done, so what the
    // state says is where things stay.
    json settle(double seconds = 5.0) const {
        auto end = Clock::now() + std::chrono::duration<double>(seconds);
        json last = state();
        auto since = Clock::now();
        while (Clock::now() < end) {
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
            json s = state();
            if (!s.is_object()) continue;
            if (last.is_object() && s["ui"]["frame"] == last["ui"]["frame"]) {
                if (Clock::now() - since > std::chrono::milliseconds(150)) return s;
            } else {
                since = Clock::now();
            }
            last = s;
        }
        return last;
    }

    // xdotool on this display ("mousemove 10 20 click 1").
    void xdo(const std::string& args) const {
        std::string cmd = env_ + "xdotool " + args + " >/dev/null 2>&1";
        EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    }
    // A shell command on this display; returns what it printed.
    std::string on_display(const std::string& command) const {
        std::string out;
        FILE* p = popen((env_ + command).c_str(), "r");
        if (!p) return out;
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
        pclose(p);
        return out;
    }
    void move_to(double x, double y) const {
        xdo("mousemove --window " + window_ + " " + std::to_string(std::lround(x)) + " " +
            std::to_string(std::lround(y)));
    }
    // Points at a named item (ui.items) and clicks once the app has seen the
    // pointer over it, as a hand does: ImGui lets an item that may overlap
    // others (a tab, a list row) take a click only after a frame of hover.
    void click(const json& state, const std::string& name, int button = 1) const {
        const json& items = state["ui"]["items"];
        ASSERT_TRUE(items.contains(name)) << name << " was not drawn";
        const json& rect = items[name]["rect"];
        move_to(rect[0].get<double>() + rect[2].get<double>() / 2,
                rect[1].get<double>() + rect[3].get<double>() / 2);
        wait_for([&](const json& d) { return d["ui"]["items"][name]["hovered"].get<bool>(); }, 3.0);
        xdo("click " + std::to_string(button));
    }
    // Points at the fraction `fx` across a named item, at its middle
    // height, and waits until the app sees the pointer over it; returns the
    // x it pointed at (whole pixels, as X has them).
    double point_into(const json& state, const std::string& name, double fx) const {
        const json& rect = state["ui"]["items"][name]["rect"];
        double x = std::round(rect[0].get<double>() + rect[2].get<double>() * fx);
        move_to(x, rect[1].get<double>() + rect[3].get<double>() / 2);
        wait_for([&](const json& d) { return d["ui"]["items"][name]["hovered"].get<bool>(); }, 3.0);
        return x;
    }
    // Taps a key `times` times, each held `hold_ms` (xdotool keysym name).
    void tap(const std::string& key, int times, int hold_ms = 10) const {
        std::string hold = std::to_string(hold_ms / 1000.0);
        std::string chain;
        for (int i = 0; i < times; i++)
            chain += " keydown " + key + " sleep " + hold + " keyup " + key + " sleep 0.01";
        xdo(chain.substr(1));
    }

    // Ctrl+Q, as a user quits; returns what --state-on-quit wrote.
    json quit(int* status = nullptr) {
        // Not xdo(): the app quits on the key press, and its X server can be
        // gone before xdotool sends the release, which xdotool reports as an
        // error. Whether it quit is told by the state it wrote, below.
        std::string cmd = env_ + "xdotool key ctrl+q >/dev/null 2>&1";
        (void)std::system(cmd.c_str());
        auto end = Clock::now() + std::chrono::seconds(10);
        int st = 0;
        while (pid_ > 0 && waitpid(pid_, &st, WNOHANG) == 0) {
            if (Clock::now() > end) {
                ADD_FAILURE() << "Ctrl+Q did not quit the app";
                return nullptr;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        pid_ = -1;
        if (status) *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        return read_json(quit_);
    }

 private:
    void start(const std::vector<std::string>& args, const std::string& size) {
        std::string env_file = base_ + ".env", err_file = base_ + ".stderr";
        for (const std::string& f : {env_file, live_, quit_}) std::remove(f.c_str());
        std::string app = quote(SLOWPATH_APP) + " --no-settings --size " + size + " --state-live " +
                          quote(live_) + " --state-on-quit " + quote(quit_);
        for (const std::string& a : args) app += " " + quote(a);
        std::string inner = "echo \"$DISPLAY $XAUTHORITY\" > " + quote(env_file) + "; exec " + app;
        std::string cmd = std::string(XVFB_RUN) + " -s " + quote("-screen 0 " + size + "x24") +
                          " sh -c " + quote(inner) + " >/dev/null 2>" + quote(err_file);
        pid_ = fork();
        if (pid_ == 0) {
            setpgid(0, 0);
            execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
        setpgid(pid_, pid_);
        // The window is up once it has drawn a few frames and X knows it.
        auto end = Clock::now() + std::chrono::seconds(60);  // a loaded machine
        while (Clock::now() < end) {
            int st = 0;
            if (waitpid(pid_, &st, WNOHANG) == pid_) {  // the X server or the app gave up
                pid_ = -1;
                err_ = read_text(err_file);
                return;
            }
            std::istringstream env(read_text(env_file));
            std::string display, xauth;
            json s = state();
            if (env >> display >> xauth && s.is_object() && s["ui"]["frame"].get<int>() >= 2) {
                env_ = "DISPLAY=" + display + " XAUTHORITY=" + quote(xauth) + " ";
                std::string id;
                FILE* p =
                    popen((env_ + "xdotool search --name '^slowpath' 2>/dev/null").c_str(), "r");
                char line[64];
                if (p && fgets(line, sizeof line, p)) id = line;
                if (p) pclose(p);
                while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
                if (!id.empty()) {
                    window_ = id;
                    xdo("windowfocus --sync " + window_);
                    ready_ = true;
                    return;
                }
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(30));
        }
        err_ = "the window did not come up: " + read_text(err_file);
        kill(-pid_, SIGTERM);
        waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }

    std::string base_, live_, quit_, env_, window_, err_;
    pid_t pid_ = -1;
    bool ready_ = false;
};

}  // namespace slowpath::gui_test
