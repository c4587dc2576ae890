// Registers: each register as the CPU holds it beside its pt_regs slot (so
// "saved", "not saved" and "changed by a signal" read across one row), then
// rflags decoded, CS/SS with the CPL, GS base and KERNEL_GS_BASE so swapgs
// shows, STAR/LSTAR/FMASK. Values that changed in the last move are lit.
#pragma once
#include <array>
#include <string>
#include <vector>

#include "ui/panel.h"

namespace slowpath::gui {

class RegistersPanel : public Panel {
 public:
    const char* id() const override { return "regs"; }
    const char* title() const override { return "Registers and pt_regs"; }
    const char* tab_title() const override { return "Registers"; }
    void draw(UiContext& ctx, Pane& pane, int pane_index) override;

    bool show_cpu = true;  // compare mode shows pt_regs only

 private:
    uint32_t frame_header(UiContext& ctx, Pane& pane);
    void table(UiContext& ctx, Pane& pane, float flash);
    void special_registers(UiContext& ctx, Pane& pane, float flash);
    struct PerPane {
        uint64_t generation = UINT64_MAX;
        Flash changed;
    };
    std::array<PerPane, 2> panes_;
    std::vector<std::string> cut_;  // what this frame could not show whole (--dump-state)
};

}  // namespace slowpath::gui
