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

// The syscall a compare column shows, and the era table's rows describe
// with it: the one the pane shows (running, else the last one entered),
// before any the focus.
int compare_syscall(const Pane& pane);

// A row of the compare view's era table: the exit and return value of the
// syscall the columns show (compare_syscall), and how the run ended. A syscall in which the task
// was killed (a fatal signal taken in do_notify_resume) has exit "killed" and returns "never", not
// its record's unset exit and return value; a run that ended in such a kill says who killed the
// task and in which syscall.
struct CompareSummary {
    int syscall = -1;       // index in Trace::syscalls, -1 when the run made none
    std::string name;       // its name, "" for none
    bool is_focus = false;  // it is the run's focus syscall
    std::string exit;       // "sysretq", "iretq", "killed", "none"
    std::string returns;    // the return value, "never" when killed, "" if not yet known
    std::string run;        // "exited", "fault"... or "killed by SIGTERM in kill"
    std::string run_why;    // the trace's outcome detail, for the tooltip
    bool has_instructions = false;
    uint64_t instructions = 0;  // from SYSCALL back to ring 3 (or to the run's end)
};
// "getpid (#3, the focus)", "kill (#5)": which syscall a row describes.
std::string compare_syscall_caption(const CompareSummary& sum);
CompareSummary compare_summary(const Pane& pane);

}  // namespace slowpath::gui
