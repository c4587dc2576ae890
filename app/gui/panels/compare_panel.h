// Compare: the same scenario in v3.13 and in the RFC side by side, moved
// together, with a summary of each era's route, instruction count and exit.
#pragma once
#include <memory>

#include "panels/code_panel.h"
#include "panels/kernel_stack_panel.h"
#include "panels/path_panel.h"
#include "panels/registers_panel.h"
#include "panels/tif_panel.h"
#include "ui/panel.h"

namespace slowpath::gui {

class ComparePanel : public Panel {
 public:
    ComparePanel();
    const char* id() const override { return "compare"; }
    const char* title() const override { return "Compare: v3.13 beside the RFC"; }
    // Draws both panes; `pane` is ignored (the model's panes are used).
    void draw(UiContext& ctx, Pane& pane, int pane_index) override;

 private:
    void summary(UiContext& ctx);
    void column(UiContext& ctx, Pane& pane, int index, ImVec2 size);

    // Own panel instances, so compare mode keeps its own scroll and animation.
    PathPanel path_;
    CodePanel code_;
    RegistersPanel regs_;
    TifPanel checks_;
    KernelStackPanel stack_;
};

}  // namespace slowpath::gui
