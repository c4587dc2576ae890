// Tasks: the guest's task table at the current step (init, the kworker and
// every process or thread fork and clone made), and which one the CPU runs.
#pragma once
#include <cstdint>

#include "ui/panel.h"

namespace slowpath::gui {

class TasksPanel : public Panel {
 public:
    const char* id() const override { return "tasks"; }
    const char* title() const override { return "Tasks"; }
    void draw(UiContext& ctx, Pane& pane, int pane_index) override;

 private:
    uint64_t scrolled_for_ = UINT64_MAX;  // the move the view last followed
};

}  // namespace slowpath::gui
