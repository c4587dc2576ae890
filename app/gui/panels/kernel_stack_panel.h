// Kernel stack: the task's kernel stack drawn top down, pt_regs slots named
// and marked valid / not saved / not fixed up, C frames with their return
// addresses, RSP and the frame base marked; pushes fade in, pops fade out and
// the RSP marker slides.
#pragma once
#include <array>
#include <map>

#include "ui/panel.h"

namespace slowpath::gui {

class KernelStackPanel : public Panel {
 public:
    const char* id() const override { return "stack"; }
    const char* title() const override { return "Kernel stack"; }
    void draw(UiContext& ctx, Pane& pane, int pane_index) override;

 private:
    struct PerPane {
        uint64_t generation = UINT64_MAX;
        Tween rsp_y;   // the RSP marker's row (in rows from the top)
        Tween appear;  // 0 -> 1: new words fade in, popped ones fade out
        Flash changed;
        uint64_t scrolled_for = UINT64_MAX;
    };
    std::array<PerPane, 2> panes_;
};

}  // namespace slowpath::gui
