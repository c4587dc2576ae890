// The command language as the window runs it: the queue that scripts,
// panels and pasted scenarios feed, and the commands only the window knows
// (view, zoom, presenter, quit, ...).

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
#include <sstream>

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
#include "slowpath/numbers.h"
#include "slowpath/scenario_line.h"
#include "slowpath/syscalls.h"
#include "slowpath/tif.h"
#include "slowpath/walkthrough.h"
#include "ui/actions.h"
#include "ui/app.h"
#include "ui/widgets.h"

namespace slowpath::gui {

namespace {

std::optional<bool> switch_value(const std::string& word, bool current) {
    if (word == "on" || word == "yes" || word == "1" || word == "true" || word == "dark")
        return true;
    if (word == "off" || word == "no" || word == "0" || word == "false" || word == "light")
        return false;
    if (word == "toggle") return !current;
    return std::nullopt;
}

}  // namespace

void App::queue_command(const std::string& text) {
    queued_.push_back(text);
    frames_pending_ = std::max(frames_pending_, 2);
}

void App::run_queued_commands() {
    // A dropped walkthrough opens (its problems show in the narration panel);
    // a scenario file or a file holding a scenario line loads its scenario.
    for (const std::string& path : dropped_) {
        std::string error = open_file(path);
        if (!error.empty()) model_->set_status(error, true);
    }
    dropped_.clear();
    // Run what panels asked for in the last frame, before anything draws.
    while (!queued_.empty()) {
        std::string text = std::move(queued_.front());
        queued_.pop_front();
        run_command_text(text);
    }
}

// Commands the user asked for (a key, a panel's click): what goes wrong is
// said in the status bar, where they are looking, not on stderr.
void App::run_command_text(const std::string& text) {
    try {
        for (const Command& command : parse_commands(text)) {
            std::string error = run_command(command);
            if (!error.empty()) model_->set_status(error, true);
        }
    } catch (const std::exception& e) {
        model_->set_status(e.what(), true);
    }
}

bool App::script_finished() const {
    return script_index_ >= options_.commands.size() && wait_frames_ == 0 &&
           !(recording_ && recording_->stepping);
}

void App::step_script() {
    if (frame_count_ < 1) return;                    // the first frame shows the opening state
    if (recording_ && recording_->stepping) return;  // record-gif FILE N takes its steps
    if (wait_frames_ > 0) {
        wait_frames_--;
        return;
    }
    if (wait_frames_ < 0) {  // "wait" alone: until the animations are done
        if (clock_.busy()) return;
        wait_frames_ = 0;
    }
    if (script_index_ >= options_.commands.size()) return;
    const Command& command = options_.commands[script_index_++];
    std::string error = run_command(command);
    if (!error.empty()) {
        host::error("'" + command.text + "': " + error);
        script_failed_ = true;
    }
}

std::string App::run_command(const Command& command) {
    frames_pending_ = std::max(frames_pending_, 2);
    if (is_window_command(command.verb)) return window_command(command);
    return run_model_command(*model_, command);
}

void App::point_at(const std::string& panel, const std::string& item) {
    point_at_targets({{panel, item}});
}

void App::point_at_targets(std::vector<Pointer::Target> targets, bool pulse) {
    pointer_.targets = std::move(targets);
    pointer_.since = pulse ? clock_.now : clock_.now - 3.0;
    frames_pending_ = std::max(frames_pending_, 2);
}

ScenarioPoint App::shown_point() const {
    const Pane& pane = model_->primary();
    if (!pane.ok()) return {};
    return point_of(*pane.trace(), pane.start_step(), pane.now().step);
}

std::string App::picture_path(const std::string& extension, std::string* error) const {
    std::string dir = snapshot_dir(options_.snapshot_dir);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
        *error = dir + ": cannot create the folder (" + ec.message() + ")";
        return "";
    }
    std::string name =
        snapshot_name(scenario_line_text(model_->scenario(), shown_point()), std::time(nullptr));
    return dir + "/" + name.substr(0, name.rfind('.')) + extension;
}

std::string App::window_command(const Command& command) {
    const std::string& v = command.verb;
    const auto& a = command.args;
    if (v.rfind("tour-", 0) == 0) return narration_->command(command);
    if (v.rfind("program-browse", 0) == 0) {
        std::string error = program_browser_.command(command);
        std::string pending = program_browser_.take_pending();
        if (!pending.empty()) queue_command(pending);
        return error;
    }
    if (v == "table") return static_cast<TablePanel*>(panels_.find("table"))->command(command);
    auto arg_switch = [&](bool current) -> std::optional<bool> {
        return a.empty() ? std::optional<bool>(!current) : switch_value(a[0], current);
    };
    if (v == "theme") {
        auto dark = arg_switch(settings_.dark);
        if (!dark) return "theme takes dark, light or toggle";
        settings_.dark = *dark;
    } else if (v == "presenter") {
        auto on = arg_switch(settings_.presenter);
        if (!on) return "presenter takes on, off or toggle";
        settings_.presenter = *on;
    } else if (v == "animate") {
        auto on = arg_switch(settings_.animate);
        if (!on) return "animate takes on, off or toggle";
        settings_.animate = *on;
        clock_.enabled = *on;
        if (!*on) clock_.busy_until = 0;
    } else if (v == "zoom") {
        try {
            float z = std::stof(a[0]);
            if (!(z >= 0.5f && z <= 4.0f)) return "zoom must be between 0.5 and 4";
            settings_.zoom = z;
        } catch (const std::exception&) {
            return "'" + a[0] + "' is not a number";
        }
    } else if (v == "zoom-in") {
        settings_.zoom = std::min(4.0f, std::round(settings_.zoom * 10.0f + 1.0f) / 10.0f);
    } else if (v == "zoom-out") {
        settings_.zoom = std::max(0.5f, std::round(settings_.zoom * 10.0f - 1.0f) / 10.0f);
    } else if (v == "zoom-reset") {
        settings_.zoom = 1.0f;
    } else if (v == "play") {
        start_play(true);
    } else if (v == "pause") {
        playing_ = false;
    } else if (v == "stop-recording") {
        if (!recording_on()) return "nothing is recording";
        stop_recording("stopped in the app");
    } else if (v == "toggle-play") {
        start_play(!playing_);
    } else if (v == "speed") {
        try {
            float rate = std::stof(a[0]);
            if (!(rate > 0.0f && rate <= 10000.0f)) return "speed must be between 0 and 10000";
            settings_.play_rate = rate;
        } catch (const std::exception&) {
            return "'" + a[0] + "' is not a number";
        }
    } else if (v == "faster") {
        settings_.play_rate = std::min(1000.0f, settings_.play_rate * 2.0f);
    } else if (v == "slower") {
        settings_.play_rate = std::max(0.5f, settings_.play_rate / 2.0f);
    } else if (v == "play-unit") {
        if (a[0] != "step" && a[0] != "label" && a[0] != "event")
            return "play-unit takes step, label or event";
        settings_.play_unit = a[0];
    } else if (v == "cycle-play-unit") {
        settings_.play_unit = settings_.play_unit == "step"    ? "label"
                              : settings_.play_unit == "label" ? "event"
                                                               : "step";
    } else if (v == "cycle-era") {
        model_->set_era(next_era(model_->scenario().era));
    } else if (v == "inject-when") {
        settings_.inject_when = a[0];
    } else if (v == "cycle-when") {
        settings_.inject_when = settings_.inject_when == "entry" ? "exit" : "entry";
        model_->set_status("flag chips and keys inject at " + settings_.inject_when);
    } else if (v == "toggle-flag") {
        auto bit = parse_tif(a[0]);
        if (!bit) return "'" + a[0] + "' is not a TIF flag";
        InjectWhen when = settings_.inject_when == "entry" ? InjectWhen::Entry : InjectWhen::Exit;
        model_->set_injection(*bit, when, !model_->injected(*bit, when));
    } else if (v == "help") {
        auto on = arg_switch(help_open_);
        if (!on) return "help takes on, off or toggle";
        help_open_ = *on;
    } else if (v == "escape") {
        if (help_open_)
            help_open_ = false;
        else
            pointer_ = Pointer{};
    } else if (v == "point") {
        // PANEL[:ITEM], or a walkthrough target KIND:NAME (flag:SIGPENDING,
        // label:sysret_check, field:pt_regs.rcx, register:rcx, panel:stack).
        size_t colon = a[0].find(':');
        std::string first = a[0].substr(0, colon);
        std::string rest = colon == std::string::npos ? "" : a[0].substr(colon + 1);
        point_at_targets(point_targets(first, rest));
    } else if (v == "unpoint") {
        pointer_ = Pointer{};
    } else if (v == "wait") {
        wait_frames_ = a.empty() ? -1 : std::stoi(a[0]);
    } else if (v == "screenshot") {
        pending_screenshot_ = a[0];
    } else if (v == "snapshot") {
        // The scenario is also in the PNG's text chunk, see write_png.
        std::string error;
        std::string path = picture_path(".png", &error);
        if (path.empty()) return error;
        pending_screenshot_ = path;
        model_->set_status("saved " + path);
    } else if (v == "record-gif") {
        if (a.size() < 2) return start_recording(a[0], false, 0);
        auto steps = parse_unsigned(a[1]);
        if (!steps) return "'" + a[1] + "' is not a step count";
        return start_recording(a[0], true, *steps);
    } else if (v == "record-stop") {
        if (!recording_) return "no GIF is being recorded";
        finish_recording();
    } else if (v == "record-toggle") {
        if (recording_) {
            finish_recording();
            return "";
        }
        std::string error;
        std::string path = picture_path(".gif", &error);
        if (path.empty()) return error;
        error = start_recording(path, false, 0);
        if (!error.empty()) return error;
        model_->set_status("recording " + path + ": move as you like, Shift+F12 again saves it");
    } else if (v == "open") {
        return open_file(a[0]);
    } else if (v == "dump") {
        pending_dump_ = a[0];
    } else if (v == "copy-scenario" || v == "copy-command-line") {
        ScenarioPoint at = shown_point();
        std::string text = v == "copy-scenario" ? scenario_line_text(model_->scenario(), at)
                                                : scenario_command_line(model_->scenario(), at);
        glfwSetClipboardString(window_, text.c_str());
        model_->set_status("copied " + text);
    } else if (v == "paste") {
        const char* clip = glfwGetClipboardString(window_);
        return load_scenario_text(clip ? clip : "", "the clipboard");
    } else if (v == "press") {
        Shortcut key;
        if (!parse_key(a[0], key)) return "'" + a[0] + "' is not a key slowpath knows";
        // Into the queue real keys go through: modifiers down, the key down
        // and up, modifiers up, fed one press per frame.
        int mods = ((key.mods & kShift) ? GLFW_MOD_SHIFT : 0) |
                   ((key.mods & kCtrl) ? GLFW_MOD_CONTROL : 0);
        if (key.mods & kShift) key_queue_.push_back({GLFW_KEY_LEFT_SHIFT, 0, GLFW_PRESS, mods});
        if (key.mods & kCtrl) key_queue_.push_back({GLFW_KEY_LEFT_CONTROL, 0, GLFW_PRESS, mods});
        key_queue_.push_back({key.key, 0, GLFW_PRESS, mods});
        key_queue_.push_back({key.key, 0, GLFW_RELEASE, mods});
        if (key.mods & kCtrl) key_queue_.push_back({GLFW_KEY_LEFT_CONTROL, 0, GLFW_RELEASE, 0});
        if (key.mods & kShift) key_queue_.push_back({GLFW_KEY_LEFT_SHIFT, 0, GLFW_RELEASE, 0});
        wait_frames_ = std::max(wait_frames_, 1);
    } else if (v == "quit") {
        quit_ = true;
    } else {
        return "'" + v + "' is not a window command";
    }
    return "";
}

// A scenario file (setup only) loads its scenario; any other YAML file is a
// walkthrough and opens as a tour; another file may hold a scenario line.
std::string App::open_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return path + ": cannot read";
    std::stringstream text;
    text << in.rdbuf();
    // An ELF runs as the user's program (static x86-64 Linux: the loader says
    // what is wrong with any other).
    if (text.str().compare(0, 4,
                           "\x7f"
                           "ELF") == 0) {
        std::string word = command_word(path);
        if (word.empty())
            return path + ": a program path with both kinds of quote cannot be opened";
        queue_command("program " + word);
        return "";
    }
    if (looks_like_scenario_file(text.str())) {
        try {
            ScenarioLine line = parse_scenario_file(text.str(), path);
            queue_command("scenario " + scenario_line_text(line.scenario, line.at));
            model_->set_status("opened " + path);
            return "";
        } catch (const std::invalid_argument& e) {
            return e.what();
        } catch (const std::exception& e) {
            return path + ": " + e.what();
        }
    }
    std::string ext = path.size() > 5 ? path.substr(path.rfind('.') + 1) : "";
    if (ext == "yaml" || ext == "yml") {
        narration_->open(path);
        return "";
    }
    std::string first;
    while (std::getline(text, first) && (first.empty() || first[0] == '#')) {
    }
    return load_scenario_text(first, path);
}

// A scenario line, or a `slowpath ...` command line, from the clipboard or
// a dropped file; "" when it loaded, else what is wrong with it.
std::string App::load_scenario_text(const std::string& raw, const std::string& from) {
    // A scenario file's text (copied from an editor, a mail).
    if (raw.find('\n') != std::string::npos && looks_like_scenario_file(raw)) {
        try {
            ScenarioLine line = parse_scenario_file(raw, from);
            queue_command("scenario " + scenario_line_text(line.scenario, line.at));
            return "";
        } catch (const std::invalid_argument& e) {
            return e.what();
        } catch (const std::exception& e) {
            return from + ": " + e.what();
        }
    }
    std::string text = raw.substr(0, raw.find_first_of("\r\n"));
    if (looks_like_scenario_line(text)) {
        queue_command("scenario " + text.substr(text.find_first_not_of(" \t")));
        return "";
    }
    std::vector<std::string> words;
    try {
        words = shell_words(text);
    } catch (const std::invalid_argument& e) {
        return from + ": " + e.what();
    }
    auto is_slowpath = [](const std::string& w) {
        const std::string tail = "/slowpath";
        return w == "slowpath" || (w.size() > tail.size() &&
                                   w.compare(w.size() - tail.size(), tail.size(), tail) == 0);
    };
    if (words.empty() || !is_slowpath(words[0]))
        return from + " holds no scenario (slowpath:ERA/SYSCALL/... or a slowpath command line)";
    std::vector<char*> argv;
    for (std::string& w : words) argv.push_back(w.data());
    int status = 0;
    std::string error;
    std::optional<Options> options =
        parse_options(static_cast<int>(argv.size()), argv.data(), status, &error);
    if (!options) return from + ": " + (error.empty() ? "not a scenario" : error);
    std::string script = "scenario " + scenario_line_text(options->scenario);
    for (const Command& c : options->commands) {
        script += ";";
        script += c.verb;
        for (const std::string& arg : c.args) script += " " + arg;
    }
    queue_command(script);
    return "";
}

}  // namespace slowpath::gui
