// The controls' timeline as numbers, no ImGui: what range of steps each strip
// shows (boot folded away by default, so the program and its focus syscall
// fill the strip), step <-> x, and which tick labels have room.
#pragma once
#include <cstdint>
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

}  // namespace slowpath::gui
