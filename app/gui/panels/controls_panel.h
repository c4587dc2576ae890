// Controls: the scenario (era, syscall, work flags to inject), the moves
// (step, back, over, labels, events, decision, ring 3, play), and a timeline
// of the whole run to scrub through.
#pragma once
#include <cstdint>

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
    void timeline(UiContext& ctx, Pane& pane);
    // The eras compare mode shows: every pair, or all three.
    void compare_eras_menu(UiContext& ctx, const char* label);
    // How the demo treats SIGUSR1, and what a tracer at the exit stop
    // rewrites in pt_regs: one button, one popup.
    void tracer_menu(UiContext& ctx);

    char syscall_text_[48] = "";
    char tamper_text_[8][24] = {};  // the popup's value field per pt_regs slot
    int64_t go_to_ = -1;
    uint64_t last_scrub_ = UINT64_MAX;
    float measured_height_ = 0.0f;  // what the last frame's content needed
    bool show_boot_ = false;        // the timeline shows boot (folded away by default)
    uint64_t boot_end_ = 0;         // first ring-3 step of the trace
    uint64_t boot_revision_ = UINT64_MAX;
};

}  // namespace slowpath::gui
