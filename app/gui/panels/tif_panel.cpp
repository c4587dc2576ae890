#include "panels/tif_panel.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "model/fit.h"
#include "slowpath/tif.h"
#include "ui/widgets.h"

namespace slowpath::gui {

namespace {

// The register names of a check, from the note kind the event carries.
struct CheckRegs {
    const char* mask;
    const char* found;
};
CheckRegs check_regs(const Trace& trace, const TifCheckRecord& check) {
    size_t i = trace.first_event_at_or_after(check.step);
    for (; i < trace.events.size() && trace.events[i].step == check.step; i++) {
        const Event& e = trace.events[i];
        if (e.kind != EventKind::TifCheck) continue;
        switch (e.a[3]) {
            case 2:
                return {"mask (imm)", "found (edx)"};
            case 3:
                return {"mask (imm)", "found"};
            default:
                return {"mask (edi)", "found (edx)"};
        }
    }
    return {"mask", "found"};
}

}  // namespace

void TifPanel::draw(UiContext& ctx, Pane& pane, int pane_index) {
    PerPane& st = panes_[pane_index & 1];
    // A message instead of content fits; the content's own report (same
    // frame) merges with this one.
    report_fit(id(), FitReport{}, static_cast<uint64_t>(ImGui::GetFrameCount()));
    const Palette& c = ctx.colors;
    if (!pane.ok()) {
        centered_message(ctx, "no machine: " + pane.error(), c.error);
        return;
    }
    const Snapshot& s = pane.now();
    const Snapshot& b = pane.before();
    if (st.generation != pane.generation()) {
        st.generation = pane.generation();
        uint32_t flipped = b.valid && b.tif.present ? (b.tif.flags ^ s.tif.flags) : 0;
        if (flipped) {
            st.flipped = flipped;
            st.flip.trigger(ctx.clock, 4.0);
        }
    }
    float flash = st.flip.strength(ctx.clock.now);
    if (flash <= 0) st.flipped = 0;

    if (!s.tif.present) {
        centered_message(ctx, "thread_info is not readable at this step", c.text_dim);
        return;
    }
    if (compact) {
        checks_list(ctx, pane);
        return;
    }
    const TifCheckRecord* last = s.checks.empty() ? nullptr : &s.checks.back();
    bool checking_now = last && last->step == s.step;
    CheckRegs regs = last ? check_regs(*pane.trace(), *last) : CheckRegs{"mask", "found"};

    ImGui::PushFont(ctx.fonts.mono);
    text(c.text_dim, "flags");
    glossary_tip("TIF");
    ImGui::SameLine();
    text(s.tif.flags ? c.flag_set : c.text, hex(s.tif.flags));
    ImGui::SameLine();
    text(c.text_dim, "= " + tif_names(s.tif.flags));
    ImGui::PopFont();
    tooltip("thread_info->flags at " + hex(s.tif.thread_info) + ", read from guest memory");

    // Legend, right-aligned on the flags line.
    {
        std::string legend = std::string("\xe2\x97\x8f set   \xe2\x96\xac ") + regs.mask +
                             "   \xe2\x9c\x93 " + regs.found;
        ImGui::PushFont(ctx.fonts.small);
        float w = ImGui::CalcTextSize(legend.c_str()).x;
        ImGui::SameLine();
        float x = ImGui::GetWindowContentRegionMax().x - w;
        if (x > ImGui::GetCursorPosX()) ImGui::SetCursorPosX(x);
        ImGui::AlignTextToFramePadding();
        text(c.text_dim, legend);
        ImGui::PopFont();
    }

    // ---- every flag as a cell: set, tested by the last check, found ----
    ImDrawList* draw = ImGui::GetWindowDrawList();
    ImFont* name_font = ctx.fonts.small;
    float fs0 = name_font->FontSize;
    float cell_h0 = fs0 + 6.0f * ctx.scale;
    float name_w = 0;
    for (const auto& bit : s.tif.bits)
        name_w = std::max(
            name_w, name_font->CalcTextSizeA(fs0, FLT_MAX, 0, std::string(bit.name).c_str()).x);
    float cell_w0 = name_w + fs0 * 3.0f;
    float avail = ImGui::GetContentRegionAvail().x;
    // Room for the grid: the panel less the check line and two lines of the
    // checks list under it (model/fit.h picks columns and size).
    float below = ImGui::GetTextLineHeightWithSpacing() * 2.3f;
    float grid_h = ImGui::GetContentRegionAvail().y - below;
    float gap = 4.0f;
    GridFit grid =
        fit_grid(static_cast<int>(s.tif.bits.size()), cell_w0, cell_h0, gap, avail, grid_h, 0.75f);
    int cols = grid.cols;
    float fs = fs0 * grid.factor;
    float cell_h = cell_h0 * grid.factor;
    float cell_w = std::floor((avail - (cols - 1) * gap) / cols);
    ImVec2 origin = ImGui::GetCursorScreenPos();
    {
        FitReport report;
        report.fits = grid.fits;
        report.avail_w = avail;
        report.avail_h = grid_h;
        report.content_w = cell_w0 * grid.factor * cols;
        report.content_h = grid.rows * (cell_h + gap);
        report.font = fs;
        if (!grid.fits) report.clipped.push_back("TIF flags");
        report_fit(id(), report, static_cast<uint64_t>(ImGui::GetFrameCount()));
    }
    for (size_t i = 0; i < s.tif.bits.size(); i++) {
        const auto& bit = s.tif.bits[i];
        uint32_t m = 1u << bit.bit;
        bool in_mask = last && (last->mask & m);
        bool found = last && (last->result & m);
        int col = static_cast<int>(i) % cols, row = static_cast<int>(i) / cols;
        ImVec2 a(origin.x + col * (cell_w + gap), origin.y + row * (cell_h + gap));
        ImVec2 b(a.x + cell_w, a.y + cell_h);
        float r = 4.0f * ctx.scale;
        if (bit.set) draw->AddRectFilled(a, b, c.flag_set_bg, r);
        if ((st.flipped & m) && flash > 0) draw->AddRectFilled(a, b, with_alpha(c.flip, flash), r);
        draw->AddRect(a, b,
                      found     ? c.found_bit
                      : bit.set ? c.flag_set
                                : ImGui::GetColorU32(ImGuiCol_Border),
                      r, 0, found ? 2.0f * ctx.scale : 1.0f);
        if (in_mask)  // the tested bits get a bar along the bottom
            draw->AddRectFilled(ImVec2(a.x + r, b.y - 3.0f * ctx.scale), ImVec2(b.x - r, b.y - 1),
                                c.mask_bit, 1.0f);
        std::string number = std::to_string(bit.bit);
        float pad = fs * 0.35f;
        draw->AddText(ctx.fonts.small, fs, ImVec2(a.x + pad, a.y + (cell_h - fs) * 0.5f),
                      c.text_faint, number.c_str());
        std::string name(bit.name);
        draw->AddText(name_font, fs, ImVec2(a.x + pad + fs * 1.25f, a.y + (cell_h - fs) * 0.5f),
                      bit.set ? c.flag_set : c.text_dim, name.c_str());
        if (found)
            draw->AddText(name_font, fs, ImVec2(b.x - fs * 1.1f, a.y + (cell_h - fs) * 0.5f),
                          c.found_bit, "\xe2\x9c\x93");
        ImGui::SetCursorScreenPos(a);
        ImGui::PushID(static_cast<int>(i));
        ImGui::InvisibleButton("##flag", ImVec2(cell_w, cell_h));
        ImGui::PopID();
        if (const TifFlagInfo* info = tif_flag(bit.bit)) {
            std::string tip = "TIF_" + name + " (bit " + number + ", " + hex(m) +
                              "): " + (bit.set ? "set" : "clear") + "\n" +
                              std::string(info->short_help) +
                              "\nset by: " + std::string(info->cause);
            if (last)
                tip += std::string("\nlast check (") + last->where +
                       "): " + (in_mask ? "tested" : "not tested") + (found ? ", found" : "");
            tooltip(tip, 34.0f);
        }
        ctx.outline_if_pointed(id(), name, a, b);
    }
    int rows = (static_cast<int>(s.tif.bits.size()) + cols - 1) / cols;
    ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + rows * (cell_h + gap)));
    ImGui::Dummy(ImVec2(avail, 1));

    // ---- the check: what was tested, what was found ----
    if (last) {
        ImGui::PushFont(ctx.fonts.mono);
        text(checking_now ? c.found_bit : c.text_dim,
             checking_now ? "checking now:" : "last check:");
        ImGui::SameLine();
        text(c.text, last->where);
        ImGui::SameLine();
        text(c.mask_bit, tif_mask_name(last->mask));
        tooltip(hex(last->mask) + " = " + tif_names(last->mask), 40.0f);
        ImGui::SameLine(0, 0);
        text(c.text_dim, " & " + hex(last->flags) + " \xe2\x86\x92");
        ImGui::SameLine();
        text(last->result ? c.found_bit : c.ok, last->result ? tif_names(last->result) : "no work");
        ImGui::PopFont();
    }
    ImGui::BeginChild("##checks", ImVec2(0, 0));
    checks_list(ctx, pane);
    ImGui::EndChild();
}

void TifPanel::checks_list(UiContext& ctx, Pane& pane) {
    const Palette& c = ctx.colors;
    const Snapshot& s = pane.now();
    const Trace& trace = *pane.trace();
    if (s.shown_syscall < 0) {
        text(c.text_dim, "no syscall yet");
        return;
    }
    const SyscallRecord& r = trace.syscalls[s.shown_syscall];
    text(c.text_dim, "Checks in " + r.name + ": " + std::to_string(s.checks.size()) + " of " +
                         std::to_string(r.tif_checks.size()));
    ImGui::PushFont(ctx.fonts.mono);
    for (size_t i = 0; i < r.tif_checks.size(); i++) {
        const TifCheckRecord& check = r.tif_checks[i];
        bool done = check.step <= s.step;
        bool latest = done && i + 1 == s.checks.size();
        std::string line = check.where + ": " + (check.result ? tif_names(check.result) : "none");
        ImU32 color = !done ? c.text_faint : check.result ? c.found_bit : c.ok;
        ImGui::PushID(static_cast<int>(i));
        ImVec2 pos = ImGui::GetCursorScreenPos();
        if (latest) row_background(pos, ImGui::GetTextLineHeight(), c.current_line);
        ImGui::PushStyleColor(ImGuiCol_Text, color);
        if (ImGui::Selectable(line.c_str(), false))
            ctx.command("seek " + std::to_string(check.step));
        ImGui::PopStyleColor();
        ImGui::PopID();
        tooltip("step " + std::to_string(check.step) + ": " + tif_mask_name(check.mask) + " & " +
                    hex(check.flags) + " = " + hex(check.result) + "\nclick to go there",
                40.0f);
    }
    ImGui::PopFont();
}

}  // namespace slowpath::gui
