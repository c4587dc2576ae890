#include "model/settings.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace slowpath::gui {

namespace fs = std::filesystem;
using nlohmann::json;

std::string config_dir() {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    if (xdg && *xdg) return (fs::path(xdg) / "slowpath").string();
    const char* home = std::getenv("HOME");
    if (home && *home) return (fs::path(home) / ".config" / "slowpath").string();
    return "";
}

std::string settings_path() {
    std::string dir = config_dir();
    return dir.empty() ? "" : (fs::path(dir) / "settings.json").string();
}

namespace {

template <typename T>
void read(const json& j, const char* key, T& out) {
    auto it = j.find(key);
    if (it == j.end()) return;
    try {
        out = it->get<T>();
    } catch (const json::exception&) {
        // A wrong type keeps the default; the rest of the file still counts.
    }
}

}  // namespace

Settings load_settings(const std::string& path, std::string* error) {
    Settings s;
    if (path.empty()) return s;
    std::ifstream in(path);
    if (!in) return s;  // first run
    json j;
    try {
        in >> j;
    } catch (const json::exception& e) {
        if (error) *error = path + ": " + e.what();
        return s;
    }
    if (!j.is_object()) return s;
    read(j, "dark", s.dark);
    read(j, "presenter", s.presenter);
    read(j, "zoom", s.zoom);
    read(j, "animate", s.animate);
    read(j, "anim_seconds", s.anim_seconds);
    read(j, "play_rate", s.play_rate);
    read(j, "play_unit", s.play_unit);
    read(j, "inject_when", s.inject_when);
    read(j, "window_width", s.window_width);
    read(j, "window_height", s.window_height);
    read(j, "window_x", s.window_x);
    read(j, "window_y", s.window_y);
    read(j, "window_maximized", s.window_maximized);
    read(j, "splits", s.splits);
    read(j, "tabs", s.tabs);
    read(j, "show_bytes", s.show_bytes);
    // Keep values in ranges the layout can live with.
    if (!(s.zoom >= 0.5f && s.zoom <= 4.0f)) s.zoom = 1.0f;
    if (!(s.anim_seconds >= 0.05f && s.anim_seconds <= 2.0f)) s.anim_seconds = 0.25f;
    if (!(s.play_rate > 0.0f && s.play_rate <= 10000.0f)) s.play_rate = 4.0f;
    for (auto& [name, value] : s.splits)
        if (!(value > 0.05f && value < 0.95f)) value = 0.5f;
    if (s.window_width < 320 || s.window_width > 16384) s.window_width = 1280;
    if (s.window_height < 240 || s.window_height > 16384) s.window_height = 800;
    return s;
}

bool save_settings(const Settings& s, const std::string& path, std::string* error) {
    if (path.empty()) return false;
    json j = {
        {"dark", s.dark},
        {"presenter", s.presenter},
        {"zoom", s.zoom},
        {"animate", s.animate},
        {"anim_seconds", s.anim_seconds},
        {"play_rate", s.play_rate},
        {"play_unit", s.play_unit},
        {"inject_when", s.inject_when},
        {"window_width", s.window_width},
        {"window_height", s.window_height},
        {"window_x", s.window_x},
        {"window_y", s.window_y},
        {"window_maximized", s.window_maximized},
        {"splits", s.splits},
        {"tabs", s.tabs},
        {"show_bytes", s.show_bytes},
    };
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    // Write then rename, so a crash never leaves half a file.
    std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp);
        if (!out) {
            if (error) *error = tmp + ": cannot write";
            return false;
        }
        out << j.dump(2) << "\n";
        if (!out) {
            if (error) *error = tmp + ": write failed";
            return false;
        }
    }
    fs::rename(tmp, path, ec);
    if (ec) {
        if (error) *error = path + ": " + ec.message();
        return false;
    }
    return true;
}

}  // namespace slowpath::gui
