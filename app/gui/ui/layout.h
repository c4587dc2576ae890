// The window's fixed grid: the controls across the top, the path and the
// flags, then code / kernel stack / registers, then events / user side, and
// a status line. Presenter mode, and any layout with the aside column, use
// fewer regions: the path graph across the body, the stack and the flags
// below with the other panels on tabs. Splits between regions can be dragged; their ratios are
// kept in the settings. An optional "aside" column on the right is for a
// panel that comes and goes (the walkthrough narration).
#pragma once
#include <imgui.h>

#include <map>
#include <string>
#include <vector>

#include "model/settings.h"

namespace slowpath::gui {

struct Rect {
    ImVec2 min{0, 0}, size{0, 0};
    ImVec2 max() const { return ImVec2(min.x + size.x, min.y + size.y); }
};

// A draggable boundary between regions.
struct Splitter {
    std::string name;  // settings key of the ratio it changes
    Rect hit;          // where the mouse grabs it
    bool vertical;     // a vertical bar (drag left/right)
    float span;        // pixels the ratio is a share of
    float min_ratio = 0.15f, max_ratio = 0.85f;
    bool inverted = false;  // the ratio belongs to the region after the bar
};

struct Layout {
    std::map<std::string, Rect> slots;  // panel id (or group id) -> rectangle
    // Slots that hold several panels as tabs (presenter mode has less room).
    std::map<std::string, std::vector<std::string>> groups;
    std::vector<Splitter> splitters;
};

struct LayoutInput {
    ImVec2 display;
    float controls_height = 0;
    float status_height = 0;
    float gap = 4;
    bool comparing = false;
    bool machine_ok = true;
    bool aside = false;      // reserve the aside column
    bool presenter = false;  // fewer, larger regions: the graph across the width, then the
                             // stack, the flags and a tab slot (code, registers, user, events)
    // The top row (path graph and flags) is at least this tall while its
    // split is the default: in a short window (1280x720) the graph would
    // otherwise give up the line of C calls under its nodes.
    float path_min_height = 0;
    // A lesson's `view: {panels}`: only these panels (and tabs) are laid out,
    // the others' room going to their neighbours; null: all.
    const std::vector<std::string>* panels = nullptr;
};

Layout compute_layout(const LayoutInput& in, const Settings& settings);

// Default split ratios (also what a reset restores).
float default_split(const std::string& name);

}  // namespace slowpath::gui
