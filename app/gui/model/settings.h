// What the app remembers between runs, in $XDG_CONFIG_HOME/slowpath/settings.json
// (or ~/.config/slowpath/settings.json).
#pragma once
#include <map>
#include <string>
#include <vector>

namespace slowpath::gui {

struct Settings {
    bool dark = true;
    bool presenter = false;
    float zoom = 1.0f;  // on top of the monitor's DPI scale
    bool animate = true;
    float anim_seconds = 0.25f;
    float play_rate = 4.0f;          // moves per second while playing
    std::string play_unit = "step";  // step | label | event
    std::string inject_when = "exit";
    int window_width = 1280, window_height = 800;
    int window_x = -1, window_y = -1;  // -1: let the window system choose
    bool window_maximized = false;
    std::map<std::string, float> splits;      // layout split ratios by name
    std::map<std::string, std::string> tabs;  // the open tab of each tabbed panel
    bool show_bytes = false;                  // instruction bytes in the disassembly

    float split(const std::string& name, float fallback) const {
        auto it = splits.find(name);
        return it == splits.end() ? fallback : it->second;
    }
};

// The directory settings live in; "" when neither XDG_CONFIG_HOME nor HOME is set.
std::string config_dir();
std::string settings_path();

// Missing or broken file: defaults (a broken file is reported in `error`).
// A value of the wrong type or out of range keeps its default; its key is
// added to `dropped` ("zoom", "splits.code").
Settings load_settings(const std::string& path, std::string* error = nullptr,
                       std::vector<std::string>* dropped = nullptr);
// The same from the file's text; `name` stands for the file in `error`.
Settings parse_settings(const std::string& text, const std::string& name,
                        std::string* error = nullptr, std::vector<std::string>* dropped = nullptr);
// What save_settings writes (JSON, one object).
std::string settings_text(const Settings& settings);
// Writes a uniquely named temporary file, fsyncs it, renames it over `path`
// and fsyncs the directory: two instances saving at once never collide.
bool save_settings(const Settings& settings, const std::string& path, std::string* error = nullptr);

}  // namespace slowpath::gui
