// What a user keeps of a screen: where snapshots go, what they are called,
// and the scenario written into the PNG itself, so a picture in a slide
// deck still says how to get the screen back.
#pragma once
#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

namespace slowpath::gui {

// $XDG_PICTURES_DIR (the environment, then ~/.config/user-dirs.dirs), else
// ~/Pictures; with /slowpath appended. `chosen` (non-empty) wins.
std::string snapshot_dir(const std::string& chosen = "");

// "slowpath-rfc-getpid-SIGPENDING@exit-at-decision-20261202-055800.png":
// the scenario line's parts, made safe for a file name, and the time.
std::string snapshot_name(const std::string& scenario_line, std::time_t when);

// A PNG file with a tEXt chunk (keyword, text) added after its header;
// throws std::invalid_argument if `png` is not a PNG.
std::vector<uint8_t> png_with_text(const std::vector<uint8_t>& png, const std::string& keyword,
                                   const std::string& text);
// The text of a tEXt chunk with this keyword, or "" (for tests and tools).
std::string png_text(const std::vector<uint8_t>& png, const std::string& keyword);

}  // namespace slowpath::gui
