// Code: the guest kernel source of the running era (entry asm and C) with
// the current line, the lines already run in this syscall, labels as links;
// below it, Capstone's disassembly of the same place.
#pragma once
#include <array>
#include <string>

#include "ui/code_view.h"
#include "ui/panel.h"

namespace slowpath::gui {

class CodePanel : public Panel {
 public:
    const char* id() const override { return "code"; }
    const char* title() const override { return "Code"; }
    void draw(UiContext& ctx, Pane& pane, int pane_index) override;
    std::string describe() const override { return shown_file_; }

    // Compare mode draws the source only.
    bool show_disassembly = true;

 private:
    struct PerPane {
        SourceViewState source;
        DisasmViewState disasm;
        std::string chosen_file;  // picked in the combo; "" = follow rip
        std::string last_kernel_file;
        int last_kernel_line = -1;
        uint64_t kernel_line_step = UINT64_MAX;  // the step last_kernel_* was found for
        uint64_t kernel_line_revision = UINT64_MAX;
        uint64_t run_revision = UINT64_MAX;
        int run_syscall = -2;
        LinesRun run;
    };
    void update_last_kernel_line(PerPane& st, const Pane& pane);
    void update_lines_run(PerPane& st, const Pane& pane);
    std::array<PerPane, 2> panes_;
    std::string shown_file_;
    bool show_notes_ = false;  // the project's NOTE lines (hidden by default)
};

}  // namespace slowpath::gui
