// User side: the ring-3 demo (source and disassembly), its stack with a
// delivered signal frame drawn field by field, and what it printed.
#pragma once
#include <array>
#include <string>

#include "ui/code_view.h"
#include "ui/panel.h"

namespace slowpath::gui {

class UserPanel : public Panel {
 public:
    const char* id() const override { return "user"; }
    const char* title() const override { return "User side (ring 3)"; }
    const char* tab_title() const override { return "User side"; }
    void draw(UiContext& ctx, Pane& pane, int pane_index) override;

 private:
    void program_tab(UiContext& ctx, Pane& pane, bool disassembly);
    void stack_tab(UiContext& ctx, Pane& pane);
    void console(UiContext& ctx, Pane& pane);
    SourceViewState source_;
    DisasmViewState disasm_;
    uint64_t run_revision_ = UINT64_MAX;
    LinesRun run_;
    size_t console_len_ = 0;
    bool had_sigframe_ = false;
    bool select_stack_ = false;
};

}  // namespace slowpath::gui
