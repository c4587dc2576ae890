// Syscalls: every system call of the run, in order, with the task that made
// it, its return value and how it went back to user mode (sysret or iret).
// A click on a row makes it the syscall the panels show (`focus N`).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ui/panel.h"

namespace slowpath::gui {

class SyscallsPanel : public Panel {
 public:
    const char* id() const override { return "syscalls"; }
    const char* title() const override { return "Syscalls"; }
    void draw(UiContext& ctx, Pane& pane, int pane_index) override;

 private:
    // The pid of each syscall's task, rebuilt when the trace changes.
    std::vector<int> task_pids_;
    std::string key_;
    uint64_t scrolled_for_ = UINT64_MAX;
};

}  // namespace slowpath::gui
