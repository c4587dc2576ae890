// The controls' timeline as numbers, no ImGui: what range of steps each strip
// shows (boot folded away by default, so the program and its focus syscall
// fill the strip), step <-> x, and which tick labels have room.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "slowpath/trace.h"

namespace slowpath::gui {

// The first step the CPU runs in ring 3 (the demo program starts): all
// before it is boot. 0 when the trace never reaches user mode.
uint64_t boot_end_step(const Trace& trace);

struct StepSpan {
    uint64_t lo = 0, hi = 1;  // hi > lo
    double length() const { return static_cast<double>(hi - lo); }
};

// The overview strip: the whole run, or from the end of boot when folded.
StepSpan overview_span(uint64_t boot_end, uint64_t last_step, bool show_boot);
// The detail strip: the shown syscall with a margin, widened to hold `step`;
// around `step` when no syscall is shown.
StepSpan detail_span(const Trace& trace, int shown_syscall, uint64_t step, uint64_t last_step);

float x_of_step(const StepSpan& span, uint64_t step, float x0, float width);
uint64_t step_of_x(const StepSpan& span, float x, float x0, float width);  // clamped to the span

// Greedy label placement: labels in priority order (index 0 first) each at
// x centre with width w; returns which ones are drawn, none overlapping and
// all inside [x0, x1].
std::vector<bool> place_labels(const std::vector<float>& x, const std::vector<float>& w,
                               const std::vector<int>& priority, float x0, float x1, float gap);

// A syscall's bar on the overview strip: from its SYSCALL to its return
// (or the run's end), at least 2 px wide; syscalls over before the strip's
// span have none.
struct TimelineBar {
    float x0 = 0, x1 = 0;
    bool focus = false;
};
// One bar per syscall, those overlapping by more than half a pixel merged.
std::vector<TimelineBar> overview_bars(const Trace& trace, const StepSpan& run, uint64_t last_step,
                                       float x0, float width);

// What the overview's tooltip says a step is: "boot", "user mode" or
// "in NAME" (" (the focus syscall)").
std::string overview_what(const Trace& trace, uint64_t step, uint64_t boot_end);

// An event's tick on the detail strip and its label's priority: 5 the exit
// instruction, 4 the decision and the entry, 3 a signal delivered (these
// are major: a full-height tick in the event's colour), 1 a label, 0 no
// label. None for the host's injections and edits.
struct TimelineTick {
    int priority = 0;
    std::string label;
    bool major() const { return priority >= 3; }
};
std::optional<TimelineTick> timeline_tick(const Event& e);

}  // namespace slowpath::gui
