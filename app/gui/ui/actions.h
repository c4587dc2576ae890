// Every keyboard shortcut, in one table: the key handler, the buttons'
// tooltips and the help overlay all read it, so they cannot disagree.
#pragma once
#include <string>
#include <vector>

namespace slowpath::gui {

enum KeyMods : int { kNoMods = 0, kShift = 1, kCtrl = 2 };

struct Shortcut {
    int key = 0;  // GLFW key code (0: typed character below)
    int mods = kNoMods;
    char typed = 0;  // a character that needs a layout-dependent key ('?', '+')
};

struct Action {
    std::string command;  // in the --commands language
    std::string group;    // heading in the help overlay
    std::string help;     // what it does
    std::vector<Shortcut> keys;
    bool repeat = false;  // repeats while the key is held
};

const std::vector<Action>& actions();
// "Right / S", for tooltips and the help overlay.
std::string shortcut_text(const Action& action);
// The shortcut text of the action running `command` ("" if none).
std::string shortcut_for(const std::string& command);

// Parses "Right", "shift+N", "ctrl+q", "F1", "1" into a shortcut; false if unknown.
bool parse_key(const std::string& text, Shortcut& out);

// The work flags that get number keys and chips, in that order.
const std::vector<int>& chip_flags();

}  // namespace slowpath::gui
