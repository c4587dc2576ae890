#include "panels/kernel_stack_panel.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "model/fit.h"
#include "model/frame_view.h"
#include "model/glossary.h"
#include "model/state_dump.h"
#include "slowpath/tif.h"
#include "ui/widgets.h"

namespace slowpath::gui {

namespace {

struct Row {
    bool header = false;
    std::string title;  // header rows
    int frame = -1;     // index into frames
    const StackWord* word = nullptr;
    bool ghost = false;  // popped since the last move: fading out
};

}  // namespace

void KernelStackPanel::draw(UiContext& ctx, Pane& pane, int pane_index) {
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
    // ---- header line ----
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

    // ---- rows: frame headers and words, top of stack first ----
    std::set<uint64_t> old_addrs;
    std::map<uint64_t, uint64_t> old_values;
    if (before.valid && before.kernel_stack.present)
        for (const StackWord& w : before.kernel_stack.words) {
            old_addrs.insert(w.addr);
            old_values[w.addr] = w.value;
        }
    uint64_t lowest = ks.words.front().addr;
    std::vector<const StackWord*> words;
    for (auto it = ks.words.rbegin(); it != ks.words.rend(); ++it) words.push_back(&*it);
    std::vector<const StackWord*> ghosts;
    bool same_stack = before.kernel_stack.present && before.kernel_stack.stack_top == ks.stack_top;
    if (same_stack)
        for (auto it = before.kernel_stack.words.rbegin(); it != before.kernel_stack.words.rend();
             ++it)
            if (it->addr < lowest) ghosts.push_back(&*it);

    auto frame_of = [&](uint64_t addr) {
        for (size_t f = 0; f < ks.frames.size(); f++)
            if (addr >= ks.frames[f].low && addr < ks.frames[f].high) return static_cast<int>(f);
        return -1;
    };
    std::vector<Row> rows;
    int last_frame = -2;
    for (const StackWord* w : words) {
        int f = frame_of(w->addr);
        if (f != last_frame && f >= 0) {
            Row h;
            h.header = true;
            h.frame = f;
            h.title = ks.frames[f].function;
            rows.push_back(h);
        }
        last_frame = f;
        Row r;
        r.word = w;
        r.frame = f;
        rows.push_back(r);
    }
    for (const StackWord* w : ghosts) {
        Row r;
        r.word = w;
        r.ghost = true;
        rows.push_back(r);
    }

    // Animation state: on a move, slide RSP and fade words in and out.
    int rsp_row = -1;
    for (size_t i = 0; i < rows.size(); i++)
        if (!rows[i].header && !rows[i].ghost && rows[i].word->addr == ks.rsp)
            rsp_row = static_cast<int>(i);
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
    float line_h = ImGui::GetTextLineHeight() + 2.0f * ctx.scale;
    float char_w = ImGui::CalcTextSize("0").x;
    ImDrawList* draw = ImGui::GetWindowDrawList();
    ImVec2 origin = ImGui::GetCursorScreenPos();
    uint32_t released = released_frame_mask(*pane.trace(), s.shown_syscall, s.step);
    auto state_of = [&](const StackWord& w) {
        int index = w.label.rfind("pt_regs.", 0) == 0 ? pt_regs_slot_index(w.label.substr(8)) : -1;
        return shown_slot_state(w.state, index, released);
    };
    auto meaning_of = [&](const StackWord& w) {
        // The frame header already says pt_regs: name the slot alone.
        std::string m = w.label.rfind("pt_regs.", 0) == 0 ? w.label.substr(8) : w.label;
        if (w.kind == StackWordKind::PtRegs) {
            ShownSlotState st = state_of(w);
            if (st != ShownSlotState::Saved)
                m += std::string("  (") + shown_slot_state_name(st) + ")";
        }
        if (w.addr == ks.frame_base) m += "  \xe2\x97\x80 base";
        return m;
    };
    // Columns that fit the panel: the address goes first, then value digits;
    // the slot names and states are never cut (model/fit.h).
    float meaning_chars = 10;
    for (const Row& r : rows)
        if (!r.header)
            meaning_chars = std::max(meaning_chars,
                                     ImGui::CalcTextSize(meaning_of(*r.word).c_str()).x / char_w);
    float avail_chars = (ImGui::GetContentRegionAvail().x - 4) / char_w;
    StackColumns cols = fit_stack_columns(avail_chars, meaning_chars);
    float x_marker = origin.x + 2;
    float x_bar = origin.x + char_w * cols.x_bar;
    float x_addr = origin.x + char_w * cols.x_addr;
    float x_value = origin.x + char_w * cols.x_value;
    float x_meaning = origin.x + char_w * cols.x_meaning;
    float flash = st.changed.strength(ctx.clock.now);
    float view_w = std::max(ImGui::GetWindowWidth(), char_w * cols.width + 4);
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

    for (size_t i = 0; i < rows.size(); i++) {
        const Row& r = rows[i];
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
                ImGui::IsMouseHoveringRect(ImVec2(x_bar, y),
                                           ImVec2(origin.x + view_w, y + line_h)) &&
                ImGui::IsWindowHovered())
                if (const GlossaryEntry* e = glossary_entry("pt_regs")) glossary_tooltip(*e);
            continue;
        }
        const StackWord& w = *r.word;
        float alpha = 1.0f;
        if (r.ghost)
            alpha = 1.0f - appear;
        else if (!old_addrs.empty() && !old_addrs.count(w.addr))
            alpha = 0.35f + 0.65f * appear;
        if (alpha <= 0.01f) continue;

        // Background by slot state.
        ImVec2 row_min(x_addr - 3, y), row_max(origin.x + view_w, y + line_h - 1);
        ImU32 value_color = c.text;
        std::string state_note;
        ShownSlotState shown =
            w.kind == StackWordKind::PtRegs ? state_of(w) : ShownSlotState::Saved;
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
        auto old = old_values.find(w.addr);
        bool changed = !r.ghost && old != old_values.end() && old->second != w.value;
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
        std::string value = hex_fixed(w.value, 16);
        if (cols.value_chars < 16) {
            // Narrow: the low digits, the high ones cut with an ellipsis if not zeros.
            size_t cut = 16 - cols.value_chars;
            bool zeros = value.find_first_not_of('0') >= cut;
            value = zeros ? value.substr(cut) : "\xe2\x80\xa6" + value.substr(cut + 1);
        }
        size_t lead = 0;
        while (lead + 1 < value.size() && value[lead] == '0') lead++;
        draw->AddText(ImVec2(x_value, y + 1), with_alpha(c.text_faint, alpha), value.c_str(),
                      value.c_str() + lead);
        draw->AddText(ImVec2(x_value + char_w * lead, y + 1),
                      with_alpha(changed ? c.changed : value_color, alpha), value.c_str() + lead);
        std::string meaning = meaning_of(w);
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
        if (!item.empty()) ctx.outline_if_pointed(id(), item, row_min, row_max);
    }

    // Markers: the frame base is named after its slot ("◀ base", so it never
    // sits under rsp▶), RSP slides in the marker column.
    for (size_t i = 0; i < rows.size(); i++) {
        if (rows[i].header || rows[i].ghost || rows[i].word->addr != ks.frame_base) continue;
        float y = origin.y + i * line_h;
        ctx.outline_if_pointed(id(), "base", ImVec2(x_meaning, y),
                               ImVec2(x_meaning + char_w * meaning_chars, y + line_h));
    }
    if (rsp_row >= 0) {
        float ry = origin.y + st.rsp_y.value(ctx.clock.now) * line_h;
        draw->AddText(ImVec2(x_marker, ry + 1), c.token, "rsp\xe2\x96\xb6");
        ctx.outline_if_pointed(id(), "rsp", ImVec2(x_marker, ry),
                               ImVec2(x_marker + char_w * 4, ry + line_h));
    }
    // The top of the frame (ss, rsp, eflags, cs: what iretq reads) stays
    // pinned at the top of the view when the view is scrolled past it, so
    // it is never out of sight while rsp is far below (after SAVE_REST).
    {
        int header = -1;
        for (size_t i = 0; i < rows.size(); i++)
            if (rows[i].header && rows[i].title == "pt_regs") header = static_cast<int>(i);
        float scroll = ImGui::GetScrollY();
        const int kPinned = 4;
        if (header >= 0 && header + kPinned < static_cast<int>(rows.size()) &&
            scroll > (header + 1) * line_h - 1 &&
            (rsp_row < 0 || rsp_row * line_h > scroll + (kPinned + 1.5f) * line_h)) {
            ImVec2 top(ImGui::GetWindowPos().x, ImGui::GetWindowPos().y);
            float w = ImGui::GetWindowWidth();
            float y0 = origin.y + scroll;  // content y of the view's top, in screen space
            draw->AddRectFilled(ImVec2(top.x, y0),
                                ImVec2(top.x + w, y0 + (kPinned + 0.4f) * line_h), c.panel_bg);
            for (int k = 0; k < kPinned; k++) {
                const Row& r = rows[header + 1 + k];
                if (r.header || r.ghost) continue;
                const StackWord& w = *r.word;
                float y = y0 + k * line_h;
                ShownSlotState shown = state_of(w);
                ImU32 color = shown == ShownSlotState::NotFixed   ? c.slot_unfixed
                              : shown == ShownSlotState::NotSaved ? c.slot_not_saved
                                                                  : c.anchor;
                if (shown == ShownSlotState::NotFixed)
                    draw->AddRectFilled(ImVec2(x_addr - 3, y),
                                        ImVec2(origin.x + view_w, y + line_h - 1),
                                        c.slot_unfixed_bg);
                draw->AddRectFilled(ImVec2(x_bar, y), ImVec2(x_bar + 3 * ctx.scale, y + line_h),
                                    c.frame_colors[r.frame >= 0 ? r.frame % 4 : 0]);
                std::string value = hex(w.value);
                draw->AddText(ImVec2(x_value, y + 1),
                              shown == ShownSlotState::Saved ? c.text : color, value.c_str());
                std::string meaning = meaning_of(w);
                draw->AddText(ImVec2(x_meaning, y + 1), color, meaning.c_str());
            }
            float ys = y0 + kPinned * line_h;
            draw->AddLine(ImVec2(x_bar, ys + line_h * 0.2f),
                          ImVec2(origin.x + view_w, ys + line_h * 0.2f),
                          with_alpha(c.text_faint, 0.6f), 1.0f);
        }
    }
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
        float frame_top = -1;
        for (size_t i = 0; i < rows.size(); i++)
            if (rows[i].header && rows[i].title == "pt_regs") frame_top = i * line_h;
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
