#include "panels/compare_panel.h"

#include <algorithm>
#include <cmath>

#include "slowpath/era.h"
#include "ui/widgets.h"

namespace slowpath::gui {

ComparePanel::ComparePanel() {
    code_.show_disassembly = false;
    regs_.show_cpu = false;
    checks_.compact = true;
}

void ComparePanel::draw(UiContext& ctx, Pane& /*pane*/, int /*pane_index*/) {
    std::vector<Pane*> panes = ctx.model.panes_by_era();
    summary(ctx);
    ImGui::Spacing();
    ImVec2 avail = ImGui::GetContentRegionAvail();
    float gap = ImGui::GetStyle().ItemSpacing.x * 2;
    float w = std::floor((avail.x - gap) / std::max<size_t>(1, panes.size()));
    for (size_t i = 0; i < panes.size(); i++) {
        if (i) ImGui::SameLine(0, gap);
        Pane& pane = *panes[i];
        int index = &pane == &ctx.model.primary() ? 0 : 1;
        ImGui::PushID(static_cast<int>(i));
        column(ctx, pane, index, ImVec2(w, avail.y));
        ImGui::PopID();
    }
}

void ComparePanel::summary(UiContext& ctx) {
    const Palette& c = ctx.colors;
    ImGuiTableFlags flags = ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_BordersOuterH |
                            ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg;
    if (!ImGui::BeginTable("##summary", 6, flags)) return;
    ImGui::TableSetupColumn("era");
    ImGui::TableSetupColumn("exit");
    ImGui::TableSetupColumn("instructions", ImGuiTableColumnFlags_None);
    ImGui::TableSetupColumn("returns");
    ImGui::TableSetupColumn("why", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("run");
    ImGui::TableHeadersRow();
    for (Pane* pane : ctx.model.panes_by_era()) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        const EraInfo& info = era_info(pane->scenario().era);
        text_font(ctx.fonts.bold, c.text, std::string(info.name));
        tooltip(std::string(info.title));
        if (!pane->ok()) {
            ImGui::TableNextColumn();
            text(c.error, pane->error());
            continue;
        }
        const Trace& trace = *pane->trace();
        const SyscallRecord* focus =
            trace.focus >= 0 && trace.focus < static_cast<int>(trace.syscalls.size())
                ? &trace.syscalls[trace.focus]
                : nullptr;
        ImGui::TableNextColumn();
        if (focus && focus->exit != ExitKind::None) {
            bool sysret = focus->exit == ExitKind::Sysret;
            badge(sysret ? "sysretq" : "iretq", sysret ? c.sysret : c.iret,
                  sysret ? c.sysret_bg : c.iret_bg);
        } else {
            text(c.text_dim, "none");
        }
        ImGui::TableNextColumn();
        if (focus) {
            uint64_t end = focus->return_step ? focus->return_step : trace.last_step();
            ImGui::PushFont(ctx.fonts.mono);
            text(c.text, std::to_string(end - focus->entry_step));
            ImGui::PopFont();
            tooltip("guest instructions from the SYSCALL instruction back to ring 3");
        }
        ImGui::TableNextColumn();
        if (focus && focus->has_ret) {
            ImGui::PushFont(ctx.fonts.mono);
            text(c.text, std::to_string(focus->ret));
            ImGui::PopFont();
        }
        ImGui::TableNextColumn();
        // The why of the focus syscall's decision.
        std::string why;
        if (focus)
            for (size_t e = focus->first_event; e < focus->end_event && e < trace.events.size();
                 e++)
                if (trace.events[e].kind == EventKind::Decision) why = trace.events[e].text;
        std::string route;
        if (focus)
            for (const std::string& p : focus->path)
                route += (route.empty() ? "" : " \xe2\x86\x92 ") + p;
        text(c.text, why.empty() ? "-" : why);
        tooltip("route: " + route, 50.0f);
        ImGui::TableNextColumn();
        text(c.text_dim, std::string(outcome_name(trace.outcome)));
        if (!trace.outcome_detail.empty()) tooltip(trace.outcome_detail);
    }
    ImGui::EndTable();
}

void ComparePanel::column(UiContext& ctx, Pane& pane, int index, ImVec2 size) {
    const Palette& c = ctx.colors;
    ImGui::BeginChild("##column", size, true,
                      ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    const EraInfo& info = era_info(pane.scenario().era);
    text_font(ctx.fonts.heading, c.text, std::string(info.name));
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    text(c.text_dim, std::string(info.title));
    if (pane.ok()) {
        const Snapshot& s = pane.now();
        ImGui::PushFont(ctx.fonts.mono);
        text(c.text_dim, "step " + std::to_string(s.step) + "  " + s.where);
        ImGui::PopFont();
    }
    ImVec2 avail = ImGui::GetContentRegionAvail();
    float path_h = std::floor(avail.y * 0.42f);
    ImGui::BeginChild("##cmp-path", ImVec2(0, path_h), false, ImGuiWindowFlags_NoScrollbar);
    path_.draw(ctx, pane, index);
    ImGui::EndChild();
    float code_h = std::floor((avail.y - path_h) * 0.48f);
    ImGui::BeginChild("##cmp-code", ImVec2(0, code_h), true);
    code_.draw(ctx, pane, index);
    ImGui::EndChild();
    // Each tab fills what is left, so the column itself never scrolls (a
    // scrollbar would narrow the graph above).
    if (ImGui::BeginTabBar("##cmp-tabs")) {
        if (ImGui::BeginTabItem("Checks")) {
            ImGui::BeginChild("##cmp-checks");
            checks_.draw(ctx, pane, index);
            ImGui::EndChild();
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("pt_regs")) {
            ImGui::BeginChild("##cmp-regs");
            regs_.draw(ctx, pane, index);
            ImGui::EndChild();
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("Kernel stack")) {
            ImGui::BeginChild("##cmp-stack");
            stack_.draw(ctx, pane, index);
            ImGui::EndChild();
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }
    ImGui::EndChild();
}

}  // namespace slowpath::gui
