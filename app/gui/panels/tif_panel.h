// TIF flags: every thread_info flag live from guest memory; at each work
// check the mask tested (edi) and the bits found (edx); flips flash.
#pragma once
#include <array>
#include <cstdint>

#include "ui/panel.h"

namespace slowpath::gui {

class TifPanel : public Panel {
 public:
    const char* id() const override { return "tif"; }
    const char* title() const override { return "TIF flags (thread_info)"; }
    const char* tab_title() const override { return "TIF flags"; }
    void draw(UiContext& ctx, Pane& pane, int pane_index) override;

    bool compact = false;  // compare mode: the checks list only

 private:
    void checks_list(UiContext& ctx, Pane& pane);
    struct PerPane {
        uint64_t generation = UINT64_MAX;
        uint32_t flipped = 0;
        Flash flip;
    };
    std::array<PerPane, 2> panes_;
};

}  // namespace slowpath::gui
