// Controls: the scenario (era, syscall, work flags to inject), the moves
// (step, back, over, labels, events, decision, ring 3, play), and a timeline
// of the whole run to scrub through.
#pragma once
#include <cstdint>
#include <optional>

#include "model/timeline.h"
#include "ui/panel.h"

namespace slowpath::gui {

class ControlsPanel : public Panel {
 public:
    const char* id() const override { return "controls"; }
    const char* title() const override { return "Controls"; }
    void draw(UiContext& ctx, Pane& pane, int pane_index) override;
    // Height the panel needs at the current font size.
    float desired_height() const;

 private:
    void scenario_row(UiContext& ctx);
    void flags_row(UiContext& ctx, Pane& pane);
    void moves_row(UiContext& ctx, Pane& pane);
    // The timeline's two strips side by side (the run, the shown syscall
    // zoomed) and the legend under them, in pixels.
    struct TimelineStrips {
        ImVec2 pos;       // top left
        float width = 0;  // of both strips and the gap
        ImFont* small = nullptr;
        float small_h = 0;  // the small font's size (labels)
        float strip_h = 0;
        float gap = 0, over_w = 0, detail_w = 0;
    };
    void timeline(UiContext& ctx, Pane& pane);
    void timeline_overview(UiContext& ctx, Pane& pane, const TimelineStrips& g);
    void timeline_detail(UiContext& ctx, Pane& pane, const TimelineStrips& g);
    std::optional<Event> detail_ticks(UiContext& ctx, Pane& pane, const TimelineStrips& g,
                                      const StepSpan& span, ImVec2 d0, ImVec2 d1);
    void timeline_legend(UiContext& ctx, const TimelineStrips& g);
    // The eras compare mode shows: every pair, or all three.
    void compare_eras_menu(UiContext& ctx, const char* label);
    // How the demo treats SIGUSR1, and what a tracer at the exit stop
    // rewrites in pt_regs: one button, one popup.
    void tracer_menu(UiContext& ctx);

    char syscall_text_[48] = "";
    char tamper_text_[8][24] = {};  // the popup's value field per pt_regs slot
    uint64_t last_scrub_ = UINT64_MAX;
    float measured_height_ = 0.0f;  // what the last frame's content needed
    bool show_boot_ = false;        // the timeline shows boot (folded away by default)
    uint64_t boot_end_ = 0;         // first ring-3 step of the trace
    uint64_t boot_revision_ = UINT64_MAX;
};

}  // namespace slowpath::gui
