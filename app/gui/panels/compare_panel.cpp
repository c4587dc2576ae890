#include "panels/compare_panel.h"

#include <slowpath/abi.h>

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "model/compare_route.h"
#include "model/fit.h"
#include "slowpath/decode.h"
#include "slowpath/era.h"
#include "slowpath/era_symbols.h"
#include "ui/widgets.h"

namespace slowpath::gui {

namespace {

// The chips' font and spacing in the column: the small font at the panel's scale.
struct ChipStyle {
    ImFont* font;
    float fs, pad, gap, name_w;
    float line_h() const { return fs + pad * 2 + gap; }  // one line of chips
    float measure(const std::string& t) const {
        return font->CalcTextSizeA(fs, FLT_MAX, 0, t.c_str()).x;
    }
};
ChipStyle chip_style(const UiContext& ctx) {
    ImFont* font = ctx.fonts.small;
    float fs = font->FontSize * (ImGui::GetFontSize() / ImGui::GetFont()->FontSize);
    return {font, fs, fs * 0.35f, fs * 0.3f, fs * 5.5f};
}

}  // namespace

ComparePanel::Column::Column() {
    code.show_disassembly = false;
    regs.show_cpu = false;
    checks.compact = true;
    path.compact = true;
}

void ComparePanel::draw(UiContext& ctx, Pane& /*pane*/, int /*pane_index*/) {
    std::vector<Pane*> panes = ctx.model.panes_by_era();
    if (panes.size() > columns_.size()) panes.resize(columns_.size());
    refresh_spans(panes);
    summary(ctx, panes);
    ImGui::Spacing();
    ImVec2 avail = ImGui::GetContentRegionAvail();
    float gap = ImGui::GetStyle().ItemSpacing.x * 2;
    float w = std::floor((avail.x - gap * (panes.size() - 1)) / std::max<size_t>(1, panes.size()));
    RowHeights rows = row_heights(ctx, panes, w);
    for (size_t i = 0; i < panes.size(); i++) {
        if (i) ImGui::SameLine(0, gap);
        ImGui::PushID(static_cast<int>(i));
        column(ctx, *panes[i], columns_[i], ImVec2(w, avail.y), rows);
        ImGui::PopID();
    }
}

void ComparePanel::refresh_spans(const std::vector<Pane*>& panes) {
    for (size_t i = 0; i < panes.size(); i++) {
        Column& col = columns_[i];
        Era era = panes[i]->scenario().era;
        if (!panes[i]->ok()) continue;
        int syscall = compare_syscall(*panes[i]);
        if (col.revision != panes[i]->trace_revision() || col.era != era ||
            col.trace != panes[i]->trace() || col.syscall != syscall) {
            col.spans = role_spans(*panes[i]->trace(), era, syscall);
            col.trace = panes[i]->trace();
            col.syscall = syscall;
            col.revision = panes[i]->trace_revision();
            col.era = era;
        }
    }
}

// Rows aligned across the columns: each role's row is as tall as its
// tallest column needs, and so is the banner.
ComparePanel::RowHeights ComparePanel::row_heights(const UiContext& ctx,
                                                   const std::vector<Pane*>& panes, float w) {
    const ChipStyle cs = chip_style(ctx);
    auto measure = [&](const std::string& t) { return cs.measure(t); };
    float inner = w - ImGui::GetStyle().WindowPadding.x * 2 - cs.name_w;  // less the role names
    RowHeights out;
    out.banner = ImGui::GetTextLineHeight() * 2;
    for (size_t i = 0; i < panes.size(); i++) {
        if (!panes[i]->ok()) continue;
        RouteChips chips = chips_by_role(*panes[i], columns_[i].spans);
        for (size_t r = 0; r < 5; r++)
            out.role[r] =
                std::max(out.role[r],
                         flow_chips(chips[r], inner, cs.pad, cs.gap, measure).lines * cs.line_h());
        CompareBanner b = compare_banner(*panes[i]);
        ImGui::PushFont(ctx.fonts.heading);
        float head_w = ImGui::CalcTextSize(b.head.c_str()).x;
        ImGui::PopFont();
        float why_w = w - ImGui::GetStyle().WindowPadding.x * 2 - head_w - ImGui::GetFontSize() * 2;
        float why_h = ImGui::CalcTextSize(b.why.c_str(), nullptr, false, std::max(why_w, 40.0f)).y;
        out.banner = std::max(out.banner, why_h + ImGui::GetStyle().FramePadding.y * 2);
    }
    return out;
}

void ComparePanel::summary(UiContext& ctx, const std::vector<Pane*>& panes) {
    ImGuiTableFlags flags = ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_BordersOuterH |
                            ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg;
    if (!ImGui::BeginTable("##summary", 10, flags)) return;
    // The syscall the rows describe heads the exit column; a row that
    // describes another (its run parted ways) names its own.
    std::string header_syscall;
    if (!panes.empty() && panes[0]->ok())
        header_syscall = compare_syscall_caption(compare_summary(*panes[0]));
    ImGui::TableSetupColumn("era");
    ImGui::TableSetupColumn(
        (header_syscall.empty() ? std::string("exit") : "exit of " + header_syscall + "###exit")
            .c_str());
    for (PathRole role : kPathRoles)
        ImGui::TableSetupColumn(std::string(path_role_name(role)).c_str());
    ImGui::TableSetupColumn("instructions");
    ImGui::TableSetupColumn("returns");
    ImGui::TableSetupColumn("run", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    for (size_t i = 0; i < panes.size(); i++)
        summary_row(ctx, *panes[i], columns_[i].spans, header_syscall);
    ImGui::EndTable();
}

void ComparePanel::summary_row(UiContext& ctx, const Pane& pane, const RoleSpans& spans,
                               const std::string& header_syscall) {
    const Palette& c = ctx.colors;
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    const EraInfo& info = era_info(pane.scenario().era);
    text_font(ctx.fonts.bold, c.text, std::string(info.name));
    tooltip(std::string(info.title));
    if (!pane.caption().empty()) {  // a walkthrough's side: which run this row is
        ImGui::SameLine();
        text(c.text_dim, pane.caption());
    }
    if (!pane.ok()) {
        ImGui::TableNextColumn();
        text(c.error, pane.error());
        return;
    }
    CompareSummary sum = compare_summary(pane);
    std::string own = compare_syscall_caption(sum);
    if (own != header_syscall) {
        ImGui::SameLine();
        text(c.text_dim, own.empty() ? "no syscall" : own);
    }
    ImGui::TableNextColumn();
    if (sum.exit == "sysretq" || sum.exit == "iretq") {
        bool sysret = sum.exit == "sysretq";
        badge(sum.exit, sysret ? c.sysret : c.iret, sysret ? c.sysret_bg : c.iret_bg);
    } else if (sum.exit == "killed") {
        text(c.error, sum.exit);
        tooltip("the task was killed in this syscall: neither sysret nor iret ran");
    } else {
        text(c.text_dim, sum.exit);
    }
    // Instructions per role: where each era spends its time.
    auto now = role_at(spans, pane.now().step);
    ImGui::PushFont(ctx.fonts.mono);
    for (PathRole role : kPathRoles) {
        ImGui::TableNextColumn();
        bool here = now && *now == role;
        text(here ? c.text_strong : c.text, std::to_string(spans.of(role).size()));
        if (here)
            ImGui::GetWindowDrawList()->AddRect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax(),
                                                c.node_current_border);
        tooltip(std::string(path_role_name(role)) + ": steps " +
                std::to_string(spans.of(role).begin) + "-" + std::to_string(spans.of(role).end) +
                (here ? "\nthe columns are here now" : ""));
    }
    ImGui::TableNextColumn();
    if (sum.has_instructions) {
        text(c.text, std::to_string(sum.instructions));
        tooltip("guest instructions from the SYSCALL instruction back to ring 3");
    }
    ImGui::TableNextColumn();
    if (!sum.returns.empty()) text(sum.returns == "never" ? c.error : c.text, sum.returns);
    ImGui::PopFont();
    ImGui::TableNextColumn();
    text(sum.run.rfind("killed", 0) == 0 ? c.error : c.text_dim, sum.run);
    if (!sum.run_why.empty()) tooltip(sum.run_why);
}

void ComparePanel::column(UiContext& ctx, Pane& pane, Column& col, ImVec2 size,
                          const RowHeights& rows) {
    const Palette& c = ctx.colors;
    ImGui::BeginChild("##column", size, true,
                      ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    const EraInfo& info = era_info(pane.scenario().era);
    text_font(ctx.fonts.heading, c.text,
              pane.caption().empty() ? std::string(info.name) : pane.caption());
    tooltip(std::string(info.title));
    if (!pane.ok()) {
        text(c.error, pane.error());
        ImGui::EndChild();
        return;
    }
    const Snapshot& s = pane.now();
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    ImGui::PushFont(ctx.fonts.mono);
    text(c.text_dim, "step " + std::to_string(s.step));
    ImGui::SameLine();
    text(c.text_dim, s.where);
    ImGui::PopFont();
    tooltip(s.where);

    float route_h = 0;
    bool fits = route_rows(ctx, pane, col, rows, &route_h);
    bool banner_fits = decision_banner(ctx, pane, rows.banner);
    {
        FitReport report;
        report.fits = fits && banner_fits;
        report.avail_w = ImGui::GetContentRegionAvail().x;
        report.avail_h = size.y;
        report.content_w = report.avail_w;
        report.content_h = route_h + rows.banner;
        report.font = chip_style(ctx).fs;
        if (!fits) report.clipped.push_back("route by role");
        if (!banner_fits) report.clipped.push_back("decision banner");
        report_fit(id(), report, static_cast<uint64_t>(ImGui::GetFrameCount()));
    }
    column_tabs(ctx, pane, col);
    ImGui::EndChild();
}

// The route, one row per role, chips flowing within the row; true when
// every chip is inside its row. `height` gets the rows' height.
bool ComparePanel::route_rows(UiContext& ctx, const Pane& pane, const Column& col,
                              const RowHeights& rows, float* height) {
    const Palette& c = ctx.colors;
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ChipStyle cs = chip_style(ctx);
    auto measure = [&](const std::string& t) { return cs.measure(t); };
    RouteChips chips = chips_by_role(pane, col.spans);
    auto now = role_at(col.spans, pane.now().step);
    float width = ImGui::GetContentRegionAvail().x;
    ImVec2 origin = ImGui::GetCursorScreenPos();
    float y = origin.y;
    bool fits = true;
    for (size_t r = 0; r < 5; r++) {
        PathRole role = kPathRoles[r];
        bool here = now && *now == role;
        ImVec2 row_min(origin.x, y), row_max(origin.x + width, y + rows.role[r]);
        if (here) draw->AddRectFilled(row_min, row_max, c.current_line, 3.0f);
        draw->AddText(cs.font, cs.fs, ImVec2(origin.x + cs.pad, y + cs.pad),
                      here ? c.text_strong : c.text_dim, std::string(path_role_name(role)).c_str());
        ChipFlow flow = flow_chips(chips[r], width - cs.name_w, cs.pad, cs.gap, measure);
        for (size_t k = 0; k < chips[r].size(); k++) {
            const RouteChip& chip = chips[r][k];
            const ChipPlace& at = flow.places[k];
            ImVec2 a(origin.x + cs.name_w + at.x, y + at.line * cs.line_h());
            ImVec2 b(a.x + at.w, a.y + cs.fs + cs.pad * 2);
            bool exit_chip = chip.name == "sysretq" || chip.name == "iretq";
            ImU32 border = chip.current ? c.node_current_border
                           : exit_chip  ? (chip.name == "sysretq" ? c.sysret : c.iret)
                                        : c.node_visited_border;
            draw->AddRectFilled(a, b, chip.function ? c.node_function_bg : c.node_visited_bg, 3.0f);
            draw->AddRect(a, b, border, 3.0f, 0, chip.current ? 2.0f : 1.0f);
            draw->AddText(cs.font, cs.fs, ImVec2(a.x + cs.pad, a.y + cs.pad), c.text_strong,
                          chip_text(chip).c_str());
            if (b.x > origin.x + width + 0.5f || b.y > y + rows.role[r] + 0.5f) fits = false;
        }
        if (chips[r].empty())
            draw->AddText(cs.font, cs.fs, ImVec2(origin.x + cs.name_w, y + cs.pad), c.text_faint,
                          now && static_cast<int>(*now) < static_cast<int>(r) ? "later" : "-");
        y += rows.role[r];
        ctx.outline_if_pointed(id(), std::string(path_role_name(role)), row_min, row_max);
    }
    ImGui::SetCursorScreenPos(ImVec2(origin.x, y));
    ImGui::Dummy(ImVec2(width, 1));
    *height = y - origin.y;
    return fits;
}

// SYSRET or IRET and why, in a banner `banner_h` tall; true when the reason fits.
bool ComparePanel::decision_banner(UiContext& ctx, const Pane& pane, float banner_h) {
    const Palette& c = ctx.colors;
    ImDrawList* draw = ImGui::GetWindowDrawList();
    CompareBanner b = compare_banner(pane);
    float width = ImGui::GetContentRegionAvail().x;
    ImVec2 p = ImGui::GetCursorScreenPos();
    ImU32 accent = !b.decided ? c.text_dim : b.sysret ? c.sysret : c.iret;
    ImU32 bg = !b.decided ? c.header_bg : b.sysret ? c.sysret_bg : c.iret_bg;
    draw->AddRectFilled(p, ImVec2(p.x + width, p.y + banner_h), bg, 4.0f);
    draw->AddRectFilled(p, ImVec2(p.x + 4 * ctx.scale, p.y + banner_h), accent, 4.0f);
    ImGui::PushFont(ctx.fonts.heading);
    float head_w = ImGui::CalcTextSize(b.head.c_str()).x;
    ImGui::SetCursorScreenPos(
        ImVec2(p.x + 10 * ctx.scale, p.y + (banner_h - ImGui::GetTextLineHeight()) * 0.5f));
    text(accent, b.head);
    ImGui::PopFont();
    float why_x = p.x + 10 * ctx.scale + head_w + ImGui::GetFontSize();
    ImVec2 why_size = ImGui::CalcTextSize(b.why.c_str(), nullptr, false, p.x + width - why_x - 4);
    ImGui::SetCursorScreenPos(ImVec2(why_x, p.y + (banner_h - why_size.y) * 0.5f));
    ImGui::PushTextWrapPos(p.x + width - 4 - ImGui::GetWindowPos().x);
    text(c.text, b.why);
    ImGui::PopTextWrapPos();
    ctx.outline_if_pointed(id(), "decision", p, ImVec2(p.x + width, p.y + banner_h));
    ImGui::SetCursorScreenPos(ImVec2(p.x, p.y + banner_h + ImGui::GetStyle().ItemSpacing.y));
    return why_size.y <= banner_h + 0.5f;
}

// The code, then what the column checks, saves and stacks. Each tab fills
// what is left, so the column itself never scrolls.
void ComparePanel::column_tabs(UiContext& ctx, Pane& pane, Column& col) {
    ImVec2 avail = ImGui::GetContentRegionAvail();
    float code_h = std::floor(avail.y * 0.42f);
    ImGui::BeginChild("##cmp-code", ImVec2(0, code_h), true);
    col.code.draw(ctx, pane, 0);
    ImGui::EndChild();
    if (!ImGui::BeginTabBar("##cmp-tabs")) return;
    auto tab = [&](const char* label, const char* child, auto&& body) {
        if (!ImGui::BeginTabItem(label)) return;
        ImGui::BeginChild(child);
        body();
        ImGui::EndChild();
        ImGui::EndTabItem();
    };
    tab("Checks", "##cmp-checks", [&] {
        col.path.draw_sysret_checks(ctx, pane);
        col.checks.draw(ctx, pane, 0);
    });
    tab("Graph", "##cmp-graph", [&] { col.path.draw(ctx, pane, 0); });
    tab("pt_regs", "##cmp-regs", [&] { col.regs.draw(ctx, pane, 0); });
    tab("Stack", "##cmp-stack", [&] { col.stack.draw(ctx, pane, 0); });
    ImGui::EndTabBar();
}

}  // namespace slowpath::gui
