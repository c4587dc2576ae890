#include "model/settings.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <type_traits>
#include <vector>

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

// A JSON number converted to T only when T can hold it (a cast out of
// range would be undefined behaviour).
template <typename T>
bool number_fits(const json& v) {
    if constexpr (std::is_same_v<T, bool> || !std::is_arithmetic_v<T>) {
        return true;
    } else {
        if (!v.is_number()) return true;  // get<T>() throws: a wrong type
        if (v.is_number_float()) {
            double d = v.get<double>();
            if constexpr (std::is_floating_point_v<T>)
                return !(std::fabs(d) > static_cast<double>(std::numeric_limits<T>::max()));
            else
                return d >= static_cast<double>(std::numeric_limits<T>::min()) &&
                       d < static_cast<double>(std::numeric_limits<T>::max()) + 1.0;
        }
        if constexpr (std::is_floating_point_v<T>) return true;
        if (v.is_number_unsigned())
            return v.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<T>::max());
        int64_t i = v.get<int64_t>();
        return i >= static_cast<int64_t>(std::numeric_limits<T>::min()) &&
               i <= static_cast<int64_t>(std::numeric_limits<T>::max());
    }
}

// The keys whose values were not taken; the rest of the file still counts.
using Dropped = std::vector<std::string>;

// A value of the wrong type or out of range keeps the default; its key is
// added to `dropped`.
template <typename T>
void read_value(const json& v, const std::string& key, T& out, Dropped& dropped) {
    try {
        if (number_fits<T>(v)) {
            out = v.get<T>();
            return;
        }
    } catch (const json::exception&) {
        // a wrong type: get<T>() throws
    }
    dropped.push_back(key);
}

template <typename V>
void read_value(const json& v, const std::string& key, std::map<std::string, V>& out,
                Dropped& dropped) {
    if (!v.is_object()) {
        dropped.push_back(key);
        return;
    }
    for (auto it = v.begin(); it != v.end(); ++it) {
        V value{};
        size_t before = dropped.size();
        read_value(it.value(), key + "." + it.key(), value, dropped);
        if (dropped.size() == before) out[it.key()] = value;
    }
}

template <typename T>
void read(const json& j, const char* key, T& out, Dropped& dropped) {
    auto it = j.find(key);
    if (it != j.end()) read_value(*it, key, out, dropped);
}

}  // namespace

Settings load_settings(const std::string& path, std::string* error, Dropped* dropped) {
    if (path.empty()) return Settings{};
    std::ifstream in(path, std::ios::binary);
    if (!in) return Settings{};  // first run
    // A settings file is a few hundred bytes; do not read a huge one whole.
    constexpr std::streamsize kMaxBytes = 1 << 20;
    std::string text(static_cast<size_t>(kMaxBytes) + 1, '\0');
    in.read(text.data(), kMaxBytes + 1);
    text.resize(static_cast<size_t>(in.gcount()));
    if (text.size() > static_cast<size_t>(kMaxBytes)) {
        if (error) *error = path + ": too large for a settings file (over 1 MiB)";
        return Settings{};
    }
    return parse_settings(text, path, error, dropped);
}

Settings parse_settings(const std::string& text, const std::string& name, std::string* error,
                        Dropped* dropped) {
    Settings s;
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {
        if (error) *error = name + ": " + e.what();
        return s;
    }
    if (!j.is_object()) return s;
    Dropped d;
    read(j, "dark", s.dark, d);
    read(j, "presenter", s.presenter, d);
    read(j, "zoom", s.zoom, d);
    read(j, "animate", s.animate, d);
    read(j, "anim_seconds", s.anim_seconds, d);
    read(j, "play_rate", s.play_rate, d);
    read(j, "play_unit", s.play_unit, d);
    read(j, "inject_when", s.inject_when, d);
    read(j, "window_width", s.window_width, d);
    read(j, "window_height", s.window_height, d);
    read(j, "window_x", s.window_x, d);
    read(j, "window_y", s.window_y, d);
    read(j, "window_maximized", s.window_maximized, d);
    read(j, "splits", s.splits, d);
    read(j, "tabs", s.tabs, d);
    read(j, "show_bytes", s.show_bytes, d);
    // Keep values in ranges the layout can live with.
    auto keep = [&](bool fits, const std::string& key, auto& value, auto fallback) {
        if (fits) return;
        value = fallback;
        d.push_back(key);
    };
    keep(s.zoom >= 0.5f && s.zoom <= 4.0f, "zoom", s.zoom, 1.0f);
    keep(s.anim_seconds >= 0.05f && s.anim_seconds <= 2.0f, "anim_seconds", s.anim_seconds, 0.25f);
    keep(s.play_rate > 0.0f && s.play_rate <= 10000.0f, "play_rate", s.play_rate, 4.0f);
    for (auto& [name, value] : s.splits)
        keep(value > 0.05f && value < 0.95f, "splits." + name, value, 0.5f);
    keep(s.window_width >= 320 && s.window_width <= 16384, "window_width", s.window_width, 1280);
    keep(s.window_height >= 240 && s.window_height <= 16384, "window_height", s.window_height, 800);
    if (dropped) *dropped = std::move(d);
    return s;
}

std::string settings_text(const Settings& s) {
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
    // Keys of splits and tabs come from the file: bytes that are not UTF-8 must not throw.
    return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

bool save_settings(const Settings& s, const std::string& path, std::string* error) {
    if (path.empty()) return false;
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    auto failed = [&](const std::string& what) {
        if (error) *error = what + ": " + std::strerror(errno);
        return false;
    };
    // Write a temporary file of a name no other instance uses, flush it to
    // the disk, then rename it over the old one and flush the directory: a
    // crash or a second instance never leaves half a file.
    std::string tmp = path + ".XXXXXX";
    int fd = mkstemp(tmp.data());
    if (fd < 0) return failed(path + ".XXXXXX");
    const std::string text = settings_text(s);
    for (size_t done = 0; done < text.size();) {
        ssize_t n = write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            bool ok = failed(tmp);
            close(fd);
            unlink(tmp.c_str());
            return ok;
        }
        done += static_cast<size_t>(n);
    }
    if (fsync(fd) != 0) {
        bool ok = failed(tmp);
        close(fd);
        unlink(tmp.c_str());
        return ok;
    }
    close(fd);
    if (rename(tmp.c_str(), path.c_str()) != 0) {
        bool ok = failed(path);
        unlink(tmp.c_str());
        return ok;
    }
    std::string dir = fs::path(path).parent_path().string();
    int dfd = open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        fsync(dfd);  // the rename itself; a file system that cannot is no error
        close(dfd);
    }
    return true;
}

}  // namespace slowpath::gui
