#include "ui/code_view.h"

#include <algorithm>
#include <cmath>

#include "model/glossary.h"
#include "ui/widgets.h"

namespace slowpath::gui {

namespace {

// Where a trailing comment starts (for dimming), or npos.
size_t comment_start(const std::string& line, bool is_asm) {
    size_t i = line.find_first_not_of(' ');
    if (i == std::string::npos) return std::string::npos;
    if (line.compare(i, 2, "/*") == 0 || line.compare(i, 2, "//") == 0 ||
        (line[i] == '*' && (i + 1 == line.size() || line[i + 1] == ' ' || line[i + 1] == '/')))
        return i;
    size_t block = line.find("/*");
    size_t slash = line.find("//");
    size_t c = std::min(block, slash);
    if (is_asm) {
        // '#' after code is a comment in GNU as; at the start it is cpp.
        for (size_t k = i + 1; k < line.size() && k < c; k++)
            if (line[k] == '#' && line[k - 1] == ' ') return k;
    }
    return c;
}

// A source line's text: its label a link (run to it), a trailing comment dimmed.
void draw_line_text(UiContext& ctx, const SourceFile& source, int n, const SourceViewArgs& args) {
    const Palette& c = ctx.colors;
    const SourceFile* file = &source;
    const std::string& line_text = file->lines[n - 1];
    auto anchor = file->anchors.find(n);
    size_t label_at = std::string::npos;
    if (anchor != file->anchors.end()) label_at = line_text.find(anchor->second);
    size_t comment = comment_start(line_text, file->is_asm);
    if (label_at != std::string::npos && args.clickable_labels) {
        std::string before = line_text.substr(0, label_at);
        const std::string& name = anchor->second;
        if (!before.empty()) {
            ImGui::TextUnformatted(before.c_str());
            ImGui::SameLine(0, 0);
        }
        ImGui::PushFont(ctx.fonts.mono_bold);
        if (link(ctx, name, name.c_str())) ctx.command("label " + name);
        ImGui::PopFont();
        if (ImGui::IsItemHovered()) tooltip("run to " + name + " (the next time it is reached)");
        ctx.outline_if_pointed(args.panel_id, name, ImGui::GetItemRectMin(),
                               ImGui::GetItemRectMax());
        std::string after = line_text.substr(label_at + name.size());
        if (!after.empty()) {
            ImGui::SameLine(0, 0);
            size_t rel = comment == std::string::npos || comment < label_at + name.size()
                             ? std::string::npos
                             : comment - label_at - name.size();
            if (rel == std::string::npos) {
                ImGui::TextUnformatted(after.c_str());
            } else {
                ImGui::TextUnformatted(after.c_str(), after.c_str() + rel);
                ImGui::SameLine(0, 0);
                text_font(ctx.fonts.mono, c.text_dim, after.substr(rel));
            }
        }
    } else if (comment != std::string::npos) {
        if (comment > 0) {
            ImGui::TextUnformatted(line_text.c_str(), line_text.c_str() + comment);
            ImGui::SameLine(0, 0);
        }
        text(c.text_dim, line_text.substr(comment));
    } else {
        ImGui::TextUnformatted(line_text.empty() ? " " : line_text.c_str());
    }
}

// Keeps the current line in view, gliding there rather than jumping.
void follow_current_line(UiContext& ctx, SourceViewState& state, const SourceViewArgs& args,
                         int current_row, float line_h) {
    const SourceFile* file = args.file;
    float view_h = ImGui::GetWindowHeight();
    bool file_changed = state.shown_file != file->name;
    if (current_row >= 0 && (args.current_line != state.last_line || file_changed ||
                             args.generation != state.last_generation)) {
        float y = current_row * line_h;
        float top = ImGui::GetScrollY();
        bool visible = y >= top + line_h * 2 && y <= top + view_h - line_h * 4;
        if (!visible || file_changed) {
            float target = std::max(0.0f, y - view_h * 0.35f);
            if (file_changed)
                state.scroll.snap(target);
            else
                state.scroll.retarget(target, ctx.clock);
            state.scrolling = true;
        }
        state.last_line = args.current_line;
    }
    state.last_generation = args.generation;
    state.shown_file = file->name;
    if (state.scrolling) {
        ImGui::SetScrollY(state.scroll.value(ctx.clock.now));
        if (!state.scroll.active(ctx.clock.now)) state.scrolling = false;
    }
}

}  // namespace

void draw_source_view(UiContext& ctx, SourceViewState& state, const SourceViewArgs& args,
                      ImVec2 size) {
    const Palette& c = ctx.colors;
    ImGui::PushFont(ctx.fonts.mono);
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ImGui::GetStyle().ItemSpacing.x, 0));
    ImGui::BeginChild("##source", size, false, ImGuiWindowFlags_HorizontalScrollbar);
    const SourceFile* file = args.file;
    if (!file || !file->error.empty() || file->lines.empty()) {
        ImGui::PopStyleVar();
        centered_message(ctx,
                         file ? (file->error.empty() ? file->name + " is empty" : file->error)
                              : "no source for this address",
                         c.text_dim);
        ImGui::EndChild();
        ImGui::PopFont();
        return;
    }
    float line_h = ImGui::GetTextLineHeight();
    float char_w = ImGui::CalcTextSize("0").x;
    int digits = file->lines.size() >= 1000 ? 4 : 3;
    float gutter = char_w * (digits + 2.5f);

    if (state.rows_file != file->name || state.rows_notes != static_cast<int>(args.show_notes)) {
        state.rows = visible_lines(*file, args.show_notes);
        state.rows_file = file->name;
        state.rows_notes = args.show_notes;
        state.widest = 0.0f;
        for (int n : state.rows)
            state.widest =
                std::max(state.widest, ImGui::CalcTextSize(file->lines[n - 1].c_str()).x);
    }
    const std::vector<int>& rows = state.rows;
    // The row of the current line (a hidden NOTE line: the next shown one).
    int current_row = -1;
    if (args.current_line > 0) {
        auto it = std::lower_bound(rows.begin(), rows.end(), args.current_line);
        if (it != rows.end()) current_row = static_cast<int>(it - rows.begin());
    }

    follow_current_line(ctx, state, args, current_row, line_h);

    ImDrawList* draw = ImGui::GetWindowDrawList();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(rows.size()), line_h);
    while (clipper.Step()) {
        for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; row++) {
            int n = rows[row];
            const std::string& line_text = file->lines[n - 1];
            ImVec2 pos = ImGui::GetCursorScreenPos();
            bool current = row == current_row;
            bool passed = args.run && args.run->has(file->name, n, args.step);
            if (current) {
                row_background(
                    pos, line_h,
                    args.dim_current ? with_alpha(c.current_line, 0.45f) : c.current_line);
            } else if (passed) {
                row_background(pos, line_h, c.passed_line);
            }
            char number[16];
            std::snprintf(number, sizeof number, "%*d", digits, n);
            draw->AddText(pos, current ? c.text : c.text_faint, number);
            // The ▶ means "the CPU is here": not when it runs elsewhere (ring 3).
            if (current && !args.dim_current)
                draw->AddText(ImVec2(pos.x + char_w * (digits + 0.4f), pos.y), c.token,
                              "\xe2\x96\xb6");
            ImGui::SetCursorScreenPos(ImVec2(pos.x + gutter, pos.y));
            // A line naming a glossary term explains it on hover (only the
            // hovered line is searched).
            if (ImGui::IsWindowHovered() &&
                ImGui::IsMouseHoveringRect(
                    pos, ImVec2(pos.x + ImGui::GetWindowWidth(), pos.y + line_h)) &&
                !ImGui::IsAnyItemHovered())
                if (const GlossaryEntry* e = glossary_term_in(line_text)) glossary_tooltip(*e);
            if (args.show_notes && is_project_note(line_text)) {
                // Ours, not the kernel's: set apart and said so.
                row_background(pos, line_h, with_alpha(c.anchor, 0.10f));
                text(with_alpha(c.anchor, 0.85f), line_text);
                ImGui::SameLine(0, char_w * 2);
                text(c.text_faint, "\xe2\x97\x82 slowpath's marker, not kernel code");
                tooltip(
                    "NOTE lines are this project's own: each tells the emulator what the "
                    "kernel code around it does to the frame or the flags. They assemble to "
                    "no instruction and are not in the kernel's source.");
                ImGui::SetCursorScreenPos(ImVec2(pos.x, pos.y + line_h));
                continue;
            }

            draw_line_text(ctx, *file, n, args);
            ImGui::SetCursorScreenPos(ImVec2(pos.x, pos.y + line_h));
        }
    }
    clipper.End();
    // As wide as the longest line, drawn or not: a width from the drawn rows
    // alone made the horizontal scrollbar come and go as it hid the longest
    // row, every other frame.
    ImGui::Dummy(ImVec2(gutter + state.widest, 0.0f));
    ImGui::Dummy(ImVec2(1, line_h));  // room below the last line
    ImGui::EndChild();
    ImGui::PopStyleVar();
    ImGui::PopFont();
}

void draw_disasm_view(UiContext& ctx, DisasmViewState& state, const Machine& machine, uint64_t rip,
                      uint64_t generation, const LinesRun* run, uint64_t step, bool current,
                      ImVec2 size, const char* panel_id) {
    const Palette& c = ctx.colors;
    if (state.key_generation != generation || state.key_rip != rip) {
        state.lines = ctx.disassembler.around(machine, rip, 6, 18);
        state.key_generation = generation;
        state.key_rip = rip;
    }
    ImGui::PushFont(ctx.fonts.mono);
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ImGui::GetStyle().ItemSpacing.x, 0));
    ImGui::BeginChild("##disasm", size, false, ImGuiWindowFlags_HorizontalScrollbar);
    if (!ctx.disassembler.ok()) {
        centered_message(ctx, "Capstone could not be opened", c.error);
    } else if (state.lines.empty()) {
        centered_message(ctx, "no code at " + hex(rip), c.text_dim);
    }
    float line_h = ImGui::GetTextLineHeight();
    float char_w = ImGui::CalcTextSize("0").x;
    ImDrawList* draw = ImGui::GetWindowDrawList();
    float current_y = -1;
    for (const DisasmLine& line : state.lines) {
        if (!line.label.empty()) {
            ImGui::PushFont(ctx.fonts.mono_bold);
            if (link(ctx, line.label + ":", ("dl" + std::to_string(line.addr)).c_str()))
                ctx.command("label " + line.label);
            ImGui::PopFont();
            if (ImGui::IsItemHovered()) tooltip("run to " + line.label);
            ctx.outline_if_pointed(panel_id, line.label, ImGui::GetItemRectMin(),
                                   ImGui::GetItemRectMax());
        }
        ImVec2 pos = ImGui::GetCursorScreenPos();
        bool is_current = line.addr == rip;
        if (is_current) {
            row_background(pos, line_h,
                           current ? c.current_line : with_alpha(c.current_line, 0.45f));
            current_y = ImGui::GetCursorPosY();
            draw->AddText(pos, c.token, "\xe2\x96\xb6");
        } else if (run && run->ran(line.addr, step)) {
            row_background(pos, line_h, c.passed_line);
        }
        std::string addr = hex_fixed(line.addr, 6);
        draw->AddText(ImVec2(pos.x + char_w * 2, pos.y), is_current ? c.text_dim : c.text_faint,
                      addr.c_str());
        float x = pos.x + char_w * 9.5f;
        if (ctx.settings.show_bytes) {
            draw->AddText(ImVec2(x, pos.y), c.text_faint, line.bytes.c_str());
            x += char_w * 25;
        }
        ImGui::SetCursorScreenPos(ImVec2(x, pos.y));
        ImGui::PushFont(is_current ? ctx.fonts.mono_bold : ctx.fonts.mono);
        std::string insn = line.mnemonic;
        insn.resize(std::max<size_t>(insn.size() + 1, 8), ' ');
        insn += line.operands;
        ImGui::TextUnformatted(insn.c_str());
        ImGui::PopFont();
        if (!line.comment.empty()) {
            ImGui::SameLine(0, char_w * 2);
            text(c.text_dim, "# " + line.comment);
        }
        ImGui::SetCursorScreenPos(ImVec2(pos.x, pos.y + line_h));
    }
    // Keep the current instruction in view.
    if (current_y >= 0 && state.scrolled_for != generation) {
        float top = ImGui::GetScrollY(), h = ImGui::GetWindowHeight();
        if (current_y < top + line_h || current_y > top + h - line_h * 3)
            ImGui::SetScrollY(std::max(0.0f, current_y - h * 0.3f));
        state.scrolled_for = generation;
    }
    ImGui::Dummy(ImVec2(1, line_h));
    ImGui::EndChild();
    ImGui::PopStyleVar();
    ImGui::PopFont();
}

}  // namespace slowpath::gui
