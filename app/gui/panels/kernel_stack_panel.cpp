#include "panels/kernel_stack_panel.h"

#include <algorithm>
#include <cmath>

#include "model/fit.h"
#include "model/frame_view.h"
#include "model/glossary.h"
#include "model/stack_rows.h"
#include "model/state_dump.h"
#include "slowpath/tif.h"
#include "ui/widgets.h"

namespace slowpath::gui {

namespace {

// Where the columns of a row start on screen, and the row size.
struct StackGeometry {
    ImVec2 origin;
    float line_h = 0, char_w = 0;
    float x_marker = 0, x_bar = 0, x_addr = 0, x_value = 0, x_meaning = 0;
    float view_w = 0;
    float meaning_chars = 0;
    StackColumns cols;
};

// The row size and the columns that fit the panel, at the mono font.
StackGeometry stack_geometry(UiContext& ctx, const std::vector<StackRow>& rows) {
    StackGeometry g;
    g.line_h = ImGui::GetTextLineHeight() + 2.0f * ctx.scale;
    g.char_w = ImGui::CalcTextSize("0").x;
    const float char_w = g.char_w;
    ImVec2 origin = g.origin = ImGui::GetCursorScreenPos();
    // Columns that fit the panel: the address goes first, then value digits;
    // the slot names and states are never cut (model/fit.h).
    float meaning_chars = 10;
    for (const StackRow& r : rows)
        if (!r.header)
            meaning_chars =
                std::max(meaning_chars, ImGui::CalcTextSize(r.meaning.c_str()).x / char_w);
    float avail_chars = (ImGui::GetContentRegionAvail().x - 4) / char_w;
    const StackColumns& cols = g.cols = fit_stack_columns(avail_chars, meaning_chars);
    g.x_marker = origin.x + 2;
    g.x_bar = origin.x + char_w * cols.x_bar;
    g.x_addr = origin.x + char_w * cols.x_addr;
    g.x_value = origin.x + char_w * cols.x_value;
    g.x_meaning = origin.x + char_w * cols.x_meaning;
    g.view_w = std::max(ImGui::GetWindowWidth(), char_w * cols.width + 4);
    g.meaning_chars = meaning_chars;
    return g;
}

// ---- header line ----
void draw_header_line(UiContext& ctx, const KernelStackView& ks) {
    const Palette& c = ctx.colors;
    ImGui::PushFont(ctx.fonts.mono);
    text(c.text_dim, "rsp");
    ImGui::SameLine();
    text(c.token, ks.rsp ? hex(ks.rsp) : "(not on this stack)");
    ImGui::SameLine(0, ImGui::GetFontSize());
    text(c.text_dim, "pt_regs");
    ImGui::SameLine();
    text(c.anchor, ks.frame_base ? hex(ks.frame_base) : "-");
    if (ks.rsp && ks.frame_base) {
        ImGui::SameLine(0, ImGui::GetFontSize());
        int64_t below = static_cast<int64_t>(ks.frame_base) - static_cast<int64_t>(ks.rsp);
        text(c.text_dim, below >= 0 ? "rsp = base - " + std::to_string(below)
                                    : "rsp = base + " + std::to_string(-below));
    }
    ImGui::PopFont();
}

// One row: a frame header, or a word with its address, value and meaning.
void draw_row(UiContext& ctx, const char* panel, const StackGeometry& g, const StackRow& r,
              size_t i, float appear, float flash) {
    const Palette& c = ctx.colors;
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 origin = g.origin;
    const float line_h = g.line_h, char_w = g.char_w, view_w = g.view_w;
    const float x_bar = g.x_bar, x_addr = g.x_addr, x_value = g.x_value, x_meaning = g.x_meaning;
    const StackColumns& cols = g.cols;
    float y = origin.y + i * line_h;
    ImU32 frame_color = r.frame >= 0 ? c.frame_colors[r.frame % 4] : c.text_faint;
    if (r.header) {
        std::string title =
            r.title == "pt_regs" ? "struct pt_regs  (the user registers, 168 bytes)" : r.title;
        draw->AddLine(ImVec2(x_bar, y + line_h * 0.5f), ImVec2(x_addr - 2, y + line_h * 0.5f),
                      frame_color, 2.0f);
        draw->AddText(ctx.fonts.bold, ctx.fonts.bold->FontSize * 0.92f, ImVec2(x_addr, y + 1),
                      frame_color, title.c_str());
        if (r.title == "pt_regs" &&
            ImGui::IsMouseHoveringRect(ImVec2(x_bar, y), ImVec2(origin.x + view_w, y + line_h)) &&
            ImGui::IsWindowHovered())
            if (const GlossaryEntry* e = glossary_entry("pt_regs")) glossary_tooltip(*e);
        return;
    }
    const StackWord& w = *r.word;
    float alpha = 1.0f;
    if (r.ghost)
        alpha = 1.0f - appear;
    else if (r.fresh)
        alpha = 0.35f + 0.65f * appear;
    if (alpha <= 0.01f) return;

    // Background by slot state.
    ImVec2 row_min(x_addr - 3, y), row_max(origin.x + view_w, y + line_h - 1);
    ImU32 value_color = c.text;
    ShownSlotState shown = r.state;
    if (w.kind == StackWordKind::PtRegs) {
        if (shown == ShownSlotState::NotSaved) {
            draw->AddRectFilled(row_min, row_max, with_alpha(c.slot_not_saved_bg, alpha));
            hatch(draw, row_min, row_max, with_alpha(c.slot_not_saved, 0.25f * alpha),
                  9.0f * ctx.scale);
            value_color = c.slot_not_saved;
        } else if (shown == ShownSlotState::NotFixed) {
            draw->AddRectFilled(row_min, row_max, with_alpha(c.slot_unfixed_bg, alpha));
            value_color = c.slot_unfixed;
        }
    } else if (w.kind == StackWordKind::ReturnAddress) {
        value_color = c.event_call;
    }
    bool changed = r.changed;
    if (changed && flash > 0)
        draw->AddRectFilled(row_min, row_max, with_alpha(c.changed_bg, flash));

    // Frame bar on the left.
    if (r.frame >= 0 && !r.ghost)
        draw->AddRectFilled(ImVec2(x_bar, y), ImVec2(x_bar + 3 * ctx.scale, y + line_h),
                            frame_color);

    if (cols.address) {
        std::string addr = hex_fixed(w.addr, 6);
        draw->AddText(ImVec2(x_addr, y + 1), with_alpha(c.text_faint, alpha), addr.c_str());
    }
    StackValueText v = stack_value_text(w.value, cols.value_chars);
    const std::string& value = v.text;
    size_t lead = v.lead;
    draw->AddText(ImVec2(x_value, y + 1), with_alpha(c.text_faint, alpha), value.c_str(),
                  value.c_str() + lead);
    draw->AddText(ImVec2(x_value + char_w * lead, y + 1),
                  with_alpha(changed ? c.changed : value_color, alpha), value.c_str() + lead);
    const std::string& meaning = r.meaning;
    ImU32 meaning_color = w.kind == StackWordKind::PtRegs          ? c.anchor
                          : w.kind == StackWordKind::ReturnAddress ? c.event_call
                                                                   : c.text_dim;
    if (w.kind == StackWordKind::PtRegs && shown != ShownSlotState::Saved &&
        shown != ShownSlotState::Restored)
        meaning_color = value_color;
    draw->AddText(ImVec2(x_meaning, y + 1), with_alpha(meaning_color, alpha), meaning.c_str());

    // Hover: the full story of this word.
    ImGui::SetCursorScreenPos(ImVec2(x_addr, y));
    ImGui::PushID(static_cast<int>(i));
    ImGui::InvisibleButton("##w", ImVec2(std::max(1.0f, view_w - (x_addr - origin.x)), line_h));
    ImGui::PopID();
    if (ImGui::IsItemHovered()) {
        std::string tip = hex(w.addr) + " = " + hex(w.value) + "\n" + w.label + " (" +
                          stack_word_kind_name(w.kind) + ")";
        if (w.kind == StackWordKind::PtRegs)
            tip += std::string("\nslot state: ") + shown_slot_state_name(shown) +
                   (shown == ShownSlotState::NotSaved
                        ? ": the fast path saved only a partial frame (SAVE_ARGS); this slot "
                          "holds a stale value until SAVE_REST"
                    : shown == ShownSlotState::NotFixed
                        ? ": syscall pushed nothing here; FIXUP_TOP_OF_STACK has not filled it "
                          "yet"
                    : shown == ShownSlotState::Restored
                        ? ": saved on entry, loaded back into the CPU by the exit path"
                        : "");
        if (r.ghost) tip += "\npopped by the last move";
        tooltip(tip, 36.0f);
    }
    std::string item = w.label.rfind("pt_regs.", 0) == 0 ? w.label : "";
    if (!item.empty()) ctx.outline_if_pointed(panel, item, row_min, row_max);
}

// The top of the frame (ss, rsp, eflags, cs: what iretq reads) stays
// pinned at the top of the view when the view is scrolled past it, so
// it is never out of sight while rsp is far below (after SAVE_REST).
void draw_pinned_frame_top(UiContext& ctx, const StackGeometry& g, const StackRows& sr) {
    const Palette& c = ctx.colors;
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 origin = g.origin;
    const float line_h = g.line_h, view_w = g.view_w;
    const float x_bar = g.x_bar, x_addr = g.x_addr, x_value = g.x_value, x_meaning = g.x_meaning;
    const std::vector<StackRow>& rows = sr.rows;
    int header = sr.pt_regs_header, rsp_row = sr.rsp_row;
    float scroll = ImGui::GetScrollY();
    const int kPinned = 4;
    if (header >= 0 && header + kPinned < static_cast<int>(rows.size()) &&
        scroll > (header + 1) * line_h - 1 &&
        (rsp_row < 0 || rsp_row * line_h > scroll + (kPinned + 1.5f) * line_h)) {
        ImVec2 top(ImGui::GetWindowPos().x, ImGui::GetWindowPos().y);
        float w = ImGui::GetWindowWidth();
        float y0 = origin.y + scroll;  // content y of the view's top, in screen space
        draw->AddRectFilled(ImVec2(top.x, y0), ImVec2(top.x + w, y0 + (kPinned + 0.4f) * line_h),
                            c.panel_bg);
        for (int k = 0; k < kPinned; k++) {
            const StackRow& r = rows[header + 1 + k];
            if (r.header || r.ghost) continue;
            const StackWord& w = *r.word;
            float y = y0 + k * line_h;
            ShownSlotState shown = r.state;
            ImU32 color = shown == ShownSlotState::NotFixed   ? c.slot_unfixed
                          : shown == ShownSlotState::NotSaved ? c.slot_not_saved
                                                              : c.anchor;
            if (shown == ShownSlotState::NotFixed)
                draw->AddRectFilled(ImVec2(x_addr - 3, y),
                                    ImVec2(origin.x + view_w, y + line_h - 1), c.slot_unfixed_bg);
            draw->AddRectFilled(ImVec2(x_bar, y), ImVec2(x_bar + 3 * ctx.scale, y + line_h),
                                c.frame_colors[r.frame >= 0 ? r.frame % 4 : 0]);
            std::string value = hex(w.value);
            draw->AddText(ImVec2(x_value, y + 1), shown == ShownSlotState::Saved ? c.text : color,
                          value.c_str());
            const std::string& meaning = r.meaning;
            draw->AddText(ImVec2(x_meaning, y + 1), color, meaning.c_str());
        }
        float ys = y0 + kPinned * line_h;
        draw->AddLine(ImVec2(x_bar, ys + line_h * 0.2f),
                      ImVec2(origin.x + view_w, ys + line_h * 0.2f), with_alpha(c.text_faint, 0.6f),
                      1.0f);
    }
}

}  // namespace

void KernelStackPanel::draw(UiContext& ctx, Pane& pane, int pane_index) {
    PerPane& st = panes_[pane_index & 1];
    // A message instead of content fits; the content's own report (same
    // frame) merges with this one.
    report_fit(id(), FitReport{}, static_cast<uint64_t>(ImGui::GetFrameCount()));
    const Palette& c = ctx.colors;
    if (draw_no_machine(ctx, pane)) return;
    const Snapshot& s = pane.now();
    const Snapshot& before = pane.before();
    const KernelStackView& ks = s.kernel_stack;
    if (!ks.present || ks.words.empty()) {
        centered_message(ctx,
                         s.cpu.cpl == 3 ? "The CPU is in user mode: this task's kernel stack is "
                                          "empty until the next SYSCALL."
                                        : "No kernel stack to show at this step.",
                         c.text_dim);
        return;
    }

    if (s.cpu.cpl == 3) {
        text(c.text_dim, "In user mode: what the last kernel entry left here.");
        tooltip(
            "The CPU runs ring-3 code; this kernel stack is idle until the next SYSCALL or "
            "interrupt, which starts again from its top.");
    }
    draw_header_line(ctx, ks);

    // ---- rows: frame headers and words, top of stack first (model/stack_rows.h) ----
    StackRows sr = build_stack_rows(*pane.trace(), s, before);
    const std::vector<StackRow>& rows = sr.rows;

    // Animation state: on a move, slide RSP and fade words in and out.
    int rsp_row = sr.rsp_row;
    if (st.generation != pane.generation()) {
        bool first = st.generation == UINT64_MAX;
        st.generation = pane.generation();
        if (rsp_row >= 0) {
            if (first)
                st.rsp_y.snap(static_cast<float>(rsp_row));
            else
                st.rsp_y.retarget(static_cast<float>(rsp_row), ctx.clock);
        }
        st.appear.snap(0.0f);
        st.appear.retarget(1.0f, ctx.clock);
        st.changed.trigger(ctx.clock, 3.0);
    }
    float appear = st.appear.value(ctx.clock.now);

    ImGui::PushFont(ctx.fonts.mono);
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ImGui::GetStyle().ItemSpacing.x, 0));
    ImGui::BeginChild("##stack", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
    StackGeometry g = stack_geometry(ctx, rows);
    const float line_h = g.line_h, char_w = g.char_w, meaning_chars = g.meaning_chars;
    const float x_marker = g.x_marker, x_meaning = g.x_meaning, view_w = g.view_w;
    const StackColumns& cols = g.cols;
    const ImVec2 origin = g.origin;
    ImDrawList* draw = ImGui::GetWindowDrawList();
    float flash = st.changed.strength(ctx.clock.now);
    {
        FitReport report;
        report.fits = cols.fits;
        report.avail_w = ImGui::GetContentRegionAvail().x;
        report.avail_h = ImGui::GetWindowHeight();
        report.content_w = char_w * cols.width;
        report.content_h = rows.size() * line_h;
        report.scrolls = report.content_h > report.avail_h || !cols.fits;
        report.font = ImGui::GetFontSize();
        if (!cols.fits) report.clipped.push_back("pt_regs names");
        report_fit(id(), report, static_cast<uint64_t>(ImGui::GetFrameCount()));
    }

    for (size_t i = 0; i < rows.size(); i++) draw_row(ctx, id(), g, rows[i], i, appear, flash);

    // Markers: the frame base is named after its slot ("◀ base", so it never
    // sits under rsp▶), RSP slides in the marker column.
    if (sr.base_row >= 0) {
        float y = origin.y + sr.base_row * line_h;
        ctx.outline_if_pointed(id(), "base", ImVec2(x_meaning, y),
                               ImVec2(x_meaning + char_w * meaning_chars, y + line_h));
    }
    if (rsp_row >= 0) {
        float ry = origin.y + st.rsp_y.value(ctx.clock.now) * line_h;
        draw->AddText(ImVec2(x_marker, ry + 1), c.token, "rsp\xe2\x96\xb6");
        ctx.outline_if_pointed(id(), "rsp", ImVec2(x_marker, ry),
                               ImVec2(x_marker + char_w * 4, ry + line_h));
    }
    draw_pinned_frame_top(ctx, g, sr);
    float total_h = rows.size() * line_h;
    ImGui::SetCursorScreenPos(origin);
    ImGui::Dummy(ImVec2(view_w - (x_marker - origin.x), total_h + line_h));

    // thread_info lives at the bottom of the same 8 KiB.
    if (s.tif.present) {
        std::string foot = "\xe2\x80\xa6 thread_info at " + hex(s.tif.thread_info) +
                           " (stack base): flags " + tif_names(s.tif.flags);
        text(c.text_faint, foot);
    }

    // Keep RSP in view after a move, and the top of the frame (ss, rsp,
    // eflags) with it while both fit.
    if (rsp_row >= 0 && st.scrolled_for != pane.generation()) {
        float frame_top = sr.pt_regs_header >= 0 ? sr.pt_regs_header * line_h : -1;
        float target = stack_scroll_target(frame_top, rsp_row * line_h, line_h,
                                           ImGui::GetWindowHeight(), ImGui::GetScrollY());
        if (target != ImGui::GetScrollY()) ImGui::SetScrollY(target);
        st.scrolled_for = pane.generation();
    }
    ImGui::EndChild();
    ImGui::PopStyleVar();
    ImGui::PopFont();
}

}  // namespace slowpath::gui
