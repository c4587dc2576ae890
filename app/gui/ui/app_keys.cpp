// Keys and play, screenshots and state dumps: what the user presses and what
// the window writes out.

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "model/fit.h"
#include "model/keep.h"
#include "model/state_dump.h"
#include "options.h"
#include "panels/code_panel.h"
#include "panels/compare_panel.h"
#include "panels/controls_panel.h"
#include "panels/events_panel.h"
#include "panels/help_overlay.h"
#include "panels/kernel_stack_panel.h"
#include "panels/narration_panel.h"
#include "panels/path_panel.h"
#include "panels/registers_panel.h"
#include "panels/table_panel.h"
#include "panels/tif_panel.h"
#include "panels/user_panel.h"
#include "slowpath/era.h"
#include "slowpath/log.h"
#include "slowpath/scenario_line.h"
#include "slowpath/syscalls.h"
#include "slowpath/tif.h"
#include "slowpath/walkthrough.h"
#include "ui/actions.h"
#include "ui/app.h"
#include "ui/widgets.h"

namespace slowpath::gui {

void App::handle_keys() {
    ImGuiIO& io = ImGui::GetIO();
    if (io.WantTextInput) return;  // typing in a field
    // A tour's question, asked and not answered yet, takes the number keys:
    // 1 to 9 pick its choices (the flags they toggle otherwise wait).
    size_t choices = narration_->awaiting_choices();
    for (const Action& action : actions()) {
        bool answers = action.command == "tour-answer";
        bool flag_key =
            action.command.rfind("toggle-flag ", 0) == 0 || action.command.rfind("inject ", 0) == 0;
        if (answers ? choices == 0 : choices > 0 && flag_key) continue;
        bool fired = false;
        std::string command = action.command;
        for (const Shortcut& key : action.keys) {
            bool ctrl = (key.mods & kCtrl) != 0, shift = (key.mods & kShift) != 0;
            if (key.typed) {
                if (io.KeyCtrl) continue;
                for (ImWchar ch : io.InputQueueCharacters)
                    if (ch == static_cast<ImWchar>(key.typed)) fired = true;
            } else if (io.KeyCtrl == ctrl && io.KeyShift == shift && !io.KeyAlt &&
                       ImGui::IsKeyPressed(key.key, action.repeat)) {
                fired = true;
                if (answers) command += " " + std::to_string(key.key - GLFW_KEY_0);
            }
        }
        if (!fired) continue;
        run_command_text(command);
        break;  // one action per frame: a key means one thing
    }
}

void App::feed_keys() {
    // Events in order, up to the first press of a key that is not a
    // modifier (one action per frame) and never two events of one key.
    auto modifier = [](int key) {
        return key == GLFW_KEY_LEFT_SHIFT || key == GLFW_KEY_RIGHT_SHIFT ||
               key == GLFW_KEY_LEFT_CONTROL || key == GLFW_KEY_RIGHT_CONTROL ||
               key == GLFW_KEY_LEFT_ALT || key == GLFW_KEY_RIGHT_ALT ||
               key == GLFW_KEY_LEFT_SUPER || key == GLFW_KEY_RIGHT_SUPER;
    };
    std::vector<int> fed;
    while (!key_queue_.empty()) {
        KeyEvent e = key_queue_.front();
        if (e.action == GLFW_REPEAT) {  // ImGui repeats a held key itself
            key_queue_.pop_front();
            continue;
        }
        if (std::find(fed.begin(), fed.end(), e.key) != fed.end()) break;
        key_queue_.pop_front();
        ImGui_ImplGlfw_KeyCallback(window_, e.key, e.scancode, e.action, e.mods);
        fed.push_back(e.key);
        if (e.action == GLFW_PRESS && !modifier(e.key)) break;
    }
    if (!key_queue_.empty()) frames_pending_ = std::max(frames_pending_, 2);
}

void App::start_play(bool on) {
    playing_ = on && model_->primary().ok();
    play_accumulator_ = 0.0;
    play_last_tick_ = glfwGetTime();
}

void App::tick_play(double now) {
    // Frames come only when a move is due, so the time since the last one
    // counts (held under a second: a stalled window does not race ahead).
    double dt = std::clamp(now - play_last_tick_, 0.0, 1.0);
    play_last_tick_ = now;
    if (!playing_ || !model_->primary().ok()) return;
    play_accumulator_ += dt * settings_.play_rate;
    int moves = static_cast<int>(play_accumulator_);
    if (moves <= 0) return;
    play_accumulator_ -= moves;
    uint64_t before = model_->primary().now().step;
    if (settings_.play_unit == "step") {
        model_->nav(Nav::Step, static_cast<uint64_t>(moves));
    } else {
        Nav op = settings_.play_unit == "label" ? Nav::NextLabel : Nav::NextEvent;
        for (int i = 0; i < std::min(moves, 50); i++) model_->nav(op);
    }
    if (model_->primary().now().step == before) {
        playing_ = false;
        model_->set_status("reached the end of the run");
    }
}

// ---- screenshots and dumps ----

bool App::save_screenshot_next_frame(const std::string& path) {
    pending_screenshot_ = path;
    frames_pending_ = std::max(frames_pending_, 1);
    return true;
}

void App::capture_if_requested() {
    if (!pending_screenshot_.empty()) {
        std::string error;
        if (!write_png(pending_screenshot_, &error)) {
            host::error(error);
            exit_code_ = 1;
        }
        pending_screenshot_.clear();
    }
    if (!pending_dump_.empty()) {
        std::ofstream out(pending_dump_);
        if (!out) {
            host::error(pending_dump_ + ": cannot write");
            exit_code_ = 1;
        } else {
            out << dump_state().dump(2) << "\n";
        }
        pending_dump_.clear();
    }
}

void App::write_state(const std::string& path, bool atomically) {
    std::string target = atomically ? path + ".tmp" : path;
    {
        std::ofstream out(target);
        if (!out) {
            host::error(target + ": cannot write");
            exit_code_ = 1;
            return;
        }
        out << dump_state().dump(2) << "\n";
    }
    // A reader polling the file never sees half of it.
    if (atomically && std::rename(target.c_str(), path.c_str()) != 0) {
        host::error(path + ": cannot write");
        exit_code_ = 1;
    }
}

// ImGui's windows this frame (panels, their scrolling regions, popups and
// tooltips): where they are and how far they are scrolled.
nlohmann::json App::windows_json() const {
    nlohmann::json out = nlohmann::json::array();
    if (!ImGui::GetCurrentContext()) return out;
    for (const ImGuiWindow* w : ImGui::GetCurrentContext()->Windows) {
        if (!w->Active || w->Hidden) continue;
        out.push_back({{"name", w->Name},
                       {"rect", {w->Pos.x, w->Pos.y, w->Size.x, w->Size.y}},
                       {"scroll", {w->Scroll.x, w->Scroll.y}},
                       {"scroll_max", {w->ScrollMax.x, w->ScrollMax.y}},
                       // What the frame just drawn cost the GL driver here.
                       {"vertices", w->DrawList ? w->DrawList->VtxBuffer.Size : 0}});
    }
    return out;
}

nlohmann::json App::dump_state() const {
    nlohmann::json out = dump_model(*model_);
    out["tour"] = narration_->active() || !options_.walkthrough.empty() ? narration_->dump()
                                                                        : nlohmann::json(nullptr);
    nlohmann::json panels = nlohmann::json::array();
    for (const std::string& id : drawn_panels_) {
        auto it = drawn_rects_.find(id);
        nlohmann::json p = {{"id", id}};
        if (it != drawn_rects_.end())
            p["rect"] = {it->second.min.x, it->second.min.y, it->second.size.x, it->second.size.y};
        if (const Panel* panel = panels_.find(id)) {
            std::string extra = panel->describe();
            if (!extra.empty()) p["shows"] = extra;
        }
        panels.push_back(p);
    }
    int w = 0, h = 0;
    if (window_) glfwGetFramebufferSize(window_, &w, &h);
    // What recording long runs between frames has taken so far.
    out["long_run"] = {
        {"recording", recording_on()}, {"seconds", long_run_.seconds}, {"steps", long_run_.steps}};
    out["ui"] = {{"frame", frame_count_},
                 {"dark", settings_.dark},
                 {"presenter", settings_.presenter},
                 {"zoom", settings_.zoom},
                 {"scale", ui_scale()},
                 {"animate", settings_.animate},
                 {"playing", playing_},
                 {"play_rate", settings_.play_rate},
                 {"play_unit", settings_.play_unit},
                 {"inject_when", settings_.inject_when},
                 {"help_open", help_open_},
                 {"pointer", pointer_json()},
                 {"fonts_bundled", fonts_.bundled},
                 {"framebuffer", {w, h}},
                 {"panels", panels}};
    nlohmann::json items = nlohmann::json::object();
    for (const auto& [name, m] : marks_)
        items[name] = {{"rect", {m.min.x, m.min.y, m.max.x - m.min.x, m.max.y - m.min.y}},
                       {"hovered", m.hovered}};
    out["ui"]["items"] = items;
    out["ui"]["windows"] = windows_json();
    out["ui"]["tooltip"] = tooltip_shown_;
    out["ui"]["status_shown"] = status_shown_;
    out["ui"]["tabs"] = settings_.tabs;
    out["program_browser"] = program_browser_.dump();
    if (window_) {
        double mx = 0, my = 0;
        glfwGetCursorPos(window_, &mx, &my);
        out["ui"]["mouse"] = {mx, my};
    }
    return out;
}

nlohmann::json App::pointer_json() const {
    if (!pointer_.active()) return nullptr;
    nlohmann::json targets = nlohmann::json::array();
    for (const Pointer::Target& t : pointer_.targets)
        targets.push_back({{"panel", t.panel}, {"item", t.item}});
    // The first target at top level keeps the common case short.
    return {{"panel", pointer_.targets.front().panel},
            {"item", pointer_.targets.front().item},
            {"targets", targets}};
}

void App::save_settings_now() {
    if (settings_path_.empty() || !window_) return;
    settings_.window_maximized = glfwGetWindowAttrib(window_, GLFW_MAXIMIZED) != 0;
    if (!settings_.window_maximized) {
        glfwGetWindowSize(window_, &settings_.window_width, &settings_.window_height);
        glfwGetWindowPos(window_, &settings_.window_x, &settings_.window_y);
    }
    std::string error;
    if (!save_settings(settings_, settings_path_, &error))
        host::warn("settings not saved: " + error);
}

}  // namespace slowpath::gui
