// Compare: the same scenario in two or three eras side by side, moved
// together and kept on the same role of the call (entry, handler, exit work,
// decision, exit; model/roles.h). Each column lists its era's route by role,
// in rows aligned across the columns, then its decision banner and reason.
#pragma once
#include <array>
#include <memory>
#include <string>

#include "model/roles.h"
#include "panels/code_panel.h"
#include "panels/kernel_stack_panel.h"
#include "panels/path_panel.h"
#include "panels/registers_panel.h"
#include "panels/tif_panel.h"
#include "ui/panel.h"

namespace slowpath::gui {

class ComparePanel : public Panel {
 public:
    const char* id() const override { return "compare"; }
    const char* title() const override { return "Compare eras"; }
    // Draws every pane of the model; `pane` is ignored.
    void draw(UiContext& ctx, Pane& pane, int pane_index) override;

 private:
    // Per column: its own panel instances (scroll, animation) and the role
    // spans of the syscall it shows, rebuilt when the trace or that syscall
    // changes.
    struct Column {
        Column();
        PathPanel path;
        CodePanel code;
        RegistersPanel regs;
        TifPanel checks;
        KernelStackPanel stack;
        uint64_t revision = UINT64_MAX;
        Era era = Era::V3_13;
        const Trace* trace = nullptr;
        int syscall = -1;
        RoleSpans spans;
    };
    // The height of each role's row and of the banner, the same in every column.
    struct RowHeights {
        std::array<float, 5> role{};
        float banner = 0;
    };
    void refresh_spans(const std::vector<Pane*>& panes);
    RowHeights row_heights(const UiContext& ctx, const std::vector<Pane*>& panes, float w);
    void summary(UiContext& ctx, const std::vector<Pane*>& panes);
    void summary_row(UiContext& ctx, const Pane& pane, const RoleSpans& spans,
                     const std::string& header_syscall);
    void column(UiContext& ctx, Pane& pane, Column& col, ImVec2 size, const RowHeights& rows);
    bool route_rows(UiContext& ctx, const Pane& pane, const Column& col, const RowHeights& rows,
                    float* height);
    bool decision_banner(UiContext& ctx, const Pane& pane, float banner_h);
    void column_tabs(UiContext& ctx, Pane& pane, Column& col);

    std::array<Column, 3> columns_;
};

}  // namespace slowpath::gui
