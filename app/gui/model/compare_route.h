// What a compare column shows, with no ImGui in it: the route so far as
// chips sorted into the five roles (labels, the era's path functions and
// the handler, repeats counted), how those chips flow into lines at a width,
// and the decision banner's words. The compare panel measures text and
// draws what these say.
#pragma once
#include <array>
#include <functional>
#include <string>
#include <vector>

#include "model/roles.h"

namespace slowpath::gui {

class Pane;

// One name on a column's route, with how many times in a row it came.
struct RouteChip {
    std::string name;
    int times = 1;
    bool current = false;  // the latest one: where the column is
    bool function = false;
};
using RouteChips = std::array<std::vector<RouteChip>, 5>;  // in kPathRoles order

// The pane's route so far by role. Helpers the path functions call
// (memcpy, copy_to_user...) stay out; the modern era's SYSRET checks stand
// for its decision, which has no label; the exit instruction ends it.
RouteChips chips_by_role(const Pane& pane, const RoleSpans& spans);

// "name()" for a function, "×3" after a repeated one.
std::string chip_text(const RouteChip& chip);

// Where each chip of a row goes: chips flow left to right and wrap onto a
// new line when the next would cross `width` (a line holds at least one).
struct ChipPlace {
    float x = 0;   // from the row's first chip
    float w = 0;   // the chip: its text and `pad` each side
    int line = 0;  // 0 for the first line
};
struct ChipFlow {
    std::vector<ChipPlace> places;
    int lines = 1;
};
ChipFlow flow_chips(const std::vector<RouteChip>& chips, float width, float pad, float gap,
                    const std::function<float(const std::string&)>& measure);

// The decision of the syscall a pane shows, or what it is waiting for.
struct CompareBanner {
    std::string head, why;
    bool decided = false, sysret = false;
};
CompareBanner compare_banner(const Pane& pane);

}  // namespace slowpath::gui
