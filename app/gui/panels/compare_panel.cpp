#include "panels/compare_panel.h"

#include <slowpath/abi.h>

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "model/fit.h"
#include "slowpath/decode.h"
#include "slowpath/era.h"
#include "slowpath/era_symbols.h"
#include "ui/widgets.h"

namespace slowpath::gui {

namespace {

// One name on a column's route, with how many times in a row it came.
struct RouteChip {
    std::string name;
    int times = 1;
    bool current = false;  // the latest one: where the column is
    bool function = false;
};

// The column's route so far, sorted into its roles. Labels, the era's path
// functions and the handler; helpers they call (memcpy, copy_to_user...) stay out.
std::array<std::vector<RouteChip>, 5> chips_by_role(const Pane& pane, const RoleSpans& spans) {
    std::array<std::vector<RouteChip>, 5> out;
    const Snapshot& s = pane.now();
    Era era = pane.scenario().era;
    int last_role = -1;
    for (const RouteStep& r : s.route) {
        bool function = r.kind == EventKind::Call;
        if (function && !era_symbol(era, r.name) && r.name.rfind("sys_", 0) != 0) continue;
        if (r.kind != EventKind::Label && !function) continue;
        auto role = role_at(spans, r.step);
        if (!role) continue;
        auto& list = out[static_cast<size_t>(*role)];
        if (!list.empty() && list.back().name == r.name)
            list.back().times++;
        else
            list.push_back({r.name, 1, false, function});
        last_role = static_cast<int>(*role);
    }
    // The modern decision has no label: its SYSRET checks stand for it.
    SysretChecksView checks = sysret_checks_at(*pane.trace(), s.shown_syscall, s.step, s.pt_regs);
    if (checks.made > 0) {
        std::string t =
            checks.first_failed >= 0
                ? "\xe2\x9c\x97 " + std::string(checks.rows[checks.first_failed].info->name)
                : "\xe2\x9c\x93 " + std::to_string(checks.made) + " of " +
                      std::to_string(checks.rows.size()) + " SYSRET checks";
        out[static_cast<size_t>(PathRole::Decision)].push_back({t, 1, false, false});
        last_role = std::max(last_role, static_cast<int>(PathRole::Decision));
    }
    if (s.exit_event) {
        const Event& e = pane.trace()->events[*s.exit_event];
        out[static_cast<size_t>(PathRole::Exit)].push_back(
            {e.kind == EventKind::Sysret ? "sysretq" : "iretq", 1, false, false});
        last_role = static_cast<int>(PathRole::Exit);
    }
    if (last_role >= 0 && !out[last_role].empty()) out[last_role].back().current = true;
    return out;
}

std::string chip_text(const RouteChip& c) {
    std::string t = c.function ? c.name + "()" : c.name;
    if (c.times > 1) t += " \xc3\x97" + std::to_string(c.times);
    return t;
}

// Lines a row of chips takes at a width (chips flow left to right).
int chip_lines(ImFont* font, float size, const std::vector<RouteChip>& chips, float width,
               float pad, float gap) {
    int lines = 1;
    float x = 0;
    for (const RouteChip& c : chips) {
        float w = font->CalcTextSizeA(size, FLT_MAX, 0, chip_text(c).c_str()).x + pad * 2;
        if (x > 0 && x + w > width) {
            lines++;
            x = 0;
        }
        x += w + gap;
    }
    return lines;
}

// The decision of the syscall a pane shows, or what it is waiting for.
struct Banner {
    std::string head, why;
    bool decided = false, sysret = false;
};
Banner banner_of(const Pane& pane) {
    Banner b;
    const Snapshot& s = pane.now();
    const Trace& trace = *pane.trace();
    if (s.decision) {
        const Event& e = trace.events[*s.decision];
        b.decided = true;
        b.sysret = e.decision() == SP_DECISION_SYSRET;
        b.head = b.sysret ? "SYSRET" : "IRET";
        b.why = decision_why(e);
    } else if (s.shown_syscall >= 0) {
        b.head = "sysret or iret?";
        b.why = "not decided yet";
    } else {
        b.head = "no syscall yet";
        b.why = "step to the demo's SYSCALL instruction";
    }
    return b;
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
    for (size_t i = 0; i < panes.size(); i++) {
        Column& col = columns_[i];
        Era era = panes[i]->scenario().era;
        if (panes[i]->ok() && (col.revision != panes[i]->trace_revision() || col.era != era ||
                               col.trace != panes[i]->trace())) {
            col.spans = role_spans(*panes[i]->trace(), era);
            col.trace = panes[i]->trace();
            col.revision = panes[i]->trace_revision();
            col.era = era;
        }
    }
    summary(ctx, panes);
    ImGui::Spacing();
    ImVec2 avail = ImGui::GetContentRegionAvail();
    float gap = ImGui::GetStyle().ItemSpacing.x * 2;
    float w = std::floor((avail.x - gap * (panes.size() - 1)) / std::max<size_t>(1, panes.size()));

    // Rows aligned across the columns: each role's row is as tall as its
    // tallest column needs, and so is the banner.
    ImFont* font = ctx.fonts.small;
    float fs = font->FontSize * (ImGui::GetFontSize() / ImGui::GetFont()->FontSize);
    float pad = fs * 0.35f, chip_gap = fs * 0.3f;
    float inner = w - ImGui::GetStyle().WindowPadding.x * 2 - fs * 5.5f;  // less the role names
    float line_h = fs + pad * 2 + chip_gap;
    std::array<float, 5> role_h{};
    float banner_h = ImGui::GetTextLineHeight() * 2;
    for (size_t i = 0; i < panes.size(); i++) {
        if (!panes[i]->ok()) continue;
        auto chips = chips_by_role(*panes[i], columns_[i].spans);
        for (size_t r = 0; r < 5; r++)
            role_h[r] =
                std::max(role_h[r], chip_lines(font, fs, chips[r], inner, pad, chip_gap) * line_h);
        Banner b = banner_of(*panes[i]);
        ImGui::PushFont(ctx.fonts.heading);
        float head_w = ImGui::CalcTextSize(b.head.c_str()).x;
        ImGui::PopFont();
        float why_w = w - ImGui::GetStyle().WindowPadding.x * 2 - head_w - ImGui::GetFontSize() * 2;
        float why_h = ImGui::CalcTextSize(b.why.c_str(), nullptr, false, std::max(why_w, 40.0f)).y;
        banner_h = std::max(banner_h, why_h + ImGui::GetStyle().FramePadding.y * 2);
    }
    for (size_t i = 0; i < panes.size(); i++) {
        if (i) ImGui::SameLine(0, gap);
        ImGui::PushID(static_cast<int>(i));
        column(ctx, *panes[i], columns_[i], ImVec2(w, avail.y), role_h, banner_h);
        ImGui::PopID();
    }
}

void ComparePanel::summary(UiContext& ctx, const std::vector<Pane*>& panes) {
    const Palette& c = ctx.colors;
    ImGuiTableFlags flags = ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_BordersOuterH |
                            ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg;
    if (!ImGui::BeginTable("##summary", 10, flags)) return;
    ImGui::TableSetupColumn("era");
    ImGui::TableSetupColumn("exit");
    for (PathRole role : kPathRoles)
        ImGui::TableSetupColumn(std::string(path_role_name(role)).c_str());
    ImGui::TableSetupColumn("instructions");
    ImGui::TableSetupColumn("returns");
    ImGui::TableSetupColumn("run", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    for (size_t i = 0; i < panes.size(); i++) {
        Pane* pane = panes[i];
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        const EraInfo& info = era_info(pane->scenario().era);
        text_font(ctx.fonts.bold, c.text, std::string(info.name));
        tooltip(std::string(info.title));
        if (!pane->caption().empty()) {  // a walkthrough's side: which run this row is
            ImGui::SameLine();
            text(c.text_dim, pane->caption());
        }
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
        // Instructions per role: where each era spends its time.
        const RoleSpans& spans = columns_[i].spans;
        auto now = role_at(spans, pane->now().step);
        ImGui::PushFont(ctx.fonts.mono);
        for (PathRole role : kPathRoles) {
            ImGui::TableNextColumn();
            bool here = now && *now == role;
            text(here ? c.text_strong : c.text, std::to_string(spans.of(role).size()));
            if (here)
                ImGui::GetWindowDrawList()->AddRect(ImGui::GetItemRectMin(),
                                                    ImGui::GetItemRectMax(), c.node_current_border);
            tooltip(std::string(path_role_name(role)) + ": steps " +
                    std::to_string(spans.of(role).begin) + "-" +
                    std::to_string(spans.of(role).end) +
                    (here ? "\nthe columns are here now" : ""));
        }
        ImGui::TableNextColumn();
        if (focus) {
            uint64_t end = focus->return_step ? focus->return_step : trace.last_step();
            text(c.text, std::to_string(end - focus->entry_step));
            tooltip("guest instructions from the SYSCALL instruction back to ring 3");
        }
        ImGui::TableNextColumn();
        if (focus && focus->has_ret) text(c.text, std::to_string(focus->ret));
        ImGui::PopFont();
        ImGui::TableNextColumn();
        text(c.text_dim, std::string(outcome_name(trace.outcome)));
        if (!trace.outcome_detail.empty()) tooltip(trace.outcome_detail);
    }
    ImGui::EndTable();
}

void ComparePanel::column(UiContext& ctx, Pane& pane, Column& col, ImVec2 size,
                          const std::array<float, 5>& role_h, float banner_h) {
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

    // ---- the route, one row per role ----
    ImDrawList* draw = ImGui::GetWindowDrawList();
    ImFont* font = ctx.fonts.small;
    float fs = font->FontSize * (ImGui::GetFontSize() / ImGui::GetFont()->FontSize);
    float pad = fs * 0.35f, chip_gap = fs * 0.3f;
    float name_w = fs * 5.5f;
    auto chips = chips_by_role(pane, col.spans);
    auto now = role_at(col.spans, s.step);
    float width = ImGui::GetContentRegionAvail().x;
    ImVec2 origin = ImGui::GetCursorScreenPos();
    float y = origin.y;
    bool fits = true;
    for (size_t r = 0; r < 5; r++) {
        PathRole role = kPathRoles[r];
        bool here = now && *now == role;
        ImVec2 row_min(origin.x, y), row_max(origin.x + width, y + role_h[r]);
        if (here) draw->AddRectFilled(row_min, row_max, c.current_line, 3.0f);
        draw->AddText(font, fs, ImVec2(origin.x + pad, y + pad), here ? c.text_strong : c.text_dim,
                      std::string(path_role_name(role)).c_str());
        float x = origin.x + name_w, cy = y;
        for (const RouteChip& chip : chips[r]) {
            std::string t = chip_text(chip);
            float tw = font->CalcTextSizeA(fs, FLT_MAX, 0, t.c_str()).x + pad * 2;
            if (x > origin.x + name_w && x + tw > origin.x + width) {
                x = origin.x + name_w;
                cy += fs + pad * 2 + chip_gap;
            }
            ImVec2 a(x, cy), b(x + tw, cy + fs + pad * 2);
            bool exit_chip = chip.name == "sysretq" || chip.name == "iretq";
            ImU32 border = chip.current ? c.node_current_border
                           : exit_chip  ? (chip.name == "sysretq" ? c.sysret : c.iret)
                                        : c.node_visited_border;
            draw->AddRectFilled(a, b, chip.function ? c.node_function_bg : c.node_visited_bg, 3.0f);
            draw->AddRect(a, b, border, 3.0f, 0, chip.current ? 2.0f : 1.0f);
            draw->AddText(font, fs, ImVec2(a.x + pad, a.y + pad), c.text_strong, t.c_str());
            if (b.x > origin.x + width + 0.5f || b.y > y + role_h[r] + 0.5f) fits = false;
            x += tw + chip_gap;
        }
        if (chips[r].empty())
            draw->AddText(font, fs, ImVec2(origin.x + name_w, y + pad), c.text_faint,
                          now && static_cast<int>(*now) < static_cast<int>(r) ? "later" : "-");
        y += role_h[r];
        ctx.outline_if_pointed(id(), std::string(path_role_name(role)), row_min, row_max);
    }
    ImGui::SetCursorScreenPos(ImVec2(origin.x, y));
    ImGui::Dummy(ImVec2(width, 1));

    // ---- the decision ----
    Banner b = banner_of(pane);
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
    bool banner_fits = why_size.y <= banner_h + 0.5f;
    ctx.outline_if_pointed(id(), "decision", p, ImVec2(p.x + width, p.y + banner_h));
    ImGui::SetCursorScreenPos(ImVec2(p.x, p.y + banner_h + ImGui::GetStyle().ItemSpacing.y));

    {
        FitReport report;
        report.fits = fits && banner_fits;
        report.avail_w = width;
        report.avail_h = size.y;
        report.content_w = width;
        report.content_h = y - origin.y + banner_h;
        report.font = fs;
        if (!fits) report.clipped.push_back("route by role");
        if (!banner_fits) report.clipped.push_back("decision banner");
        report_fit(id(), report, static_cast<uint64_t>(ImGui::GetFrameCount()));
    }

    // ---- the code, then what the column checks, saves and stacks ----
    ImVec2 avail = ImGui::GetContentRegionAvail();
    float code_h = std::floor(avail.y * 0.42f);
    ImGui::BeginChild("##cmp-code", ImVec2(0, code_h), true);
    col.code.draw(ctx, pane, 0);
    ImGui::EndChild();
    // Each tab fills what is left, so the column itself never scrolls.
    if (ImGui::BeginTabBar("##cmp-tabs")) {
        if (ImGui::BeginTabItem("Checks")) {
            ImGui::BeginChild("##cmp-checks");
            col.path.draw_sysret_checks(ctx, pane);
            col.checks.draw(ctx, pane, 0);
            ImGui::EndChild();
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("Graph")) {
            ImGui::BeginChild("##cmp-graph");
            col.path.draw(ctx, pane, 0);
            ImGui::EndChild();
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("pt_regs")) {
            ImGui::BeginChild("##cmp-regs");
            col.regs.draw(ctx, pane, 0);
            ImGui::EndChild();
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("Stack")) {
            ImGui::BeginChild("##cmp-stack");
            col.stack.draw(ctx, pane, 0);
            ImGui::EndChild();
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }
    ImGui::EndChild();
}

}  // namespace slowpath::gui
