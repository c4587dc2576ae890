#include "panels/user_panel.h"

#include <slowpath/abi.h>

#include <algorithm>
#include <cmath>

#include "model/state_dump.h"
#include "ui/widgets.h"

namespace slowpath::gui {

namespace {

// Where user mode is: rip in ring 3, else the SYSCALL it is waiting in.
uint64_t user_rip(const Pane& pane) {
    const Snapshot& s = pane.now();
    if (s.cpu.cpl == 3) return s.cpu.rip;
    if (s.running_syscall >= 0) return pane.trace()->syscalls[s.running_syscall].user_rip;
    return 0;
}

}  // namespace

void UserPanel::draw(UiContext& ctx, Pane& pane, int /*pane_index*/) {
    if (draw_no_machine(ctx, pane)) return;
    const Snapshot& s = pane.now();
    // A signal frame appearing is the moment to look at the stack.
    if (s.user_stack.has_sigframe && !had_sigframe_) select_stack_ = true;
    had_sigframe_ = s.user_stack.has_sigframe;

    ImVec2 avail = ImGui::GetContentRegionAvail();
    float console_w = std::floor(avail.x * ctx.settings.split("user.console", 0.36f));
    ImGui::BeginChild("##user-left",
                      ImVec2(avail.x - console_w - ImGui::GetStyle().ItemSpacing.x, 0));
    if (ImGui::BeginTabBar("##user-tabs")) {
        if (ImGui::BeginTabItem("Program")) {
            program_tab(ctx, pane, false);
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("Disassembly")) {
            program_tab(ctx, pane, true);
            ImGui::EndTabItem();
        }
        std::string stack_label =
            s.user_stack.has_sigframe ? "Stack \xe2\x97\x8f signal frame###stack" : "Stack###stack";
        if (ImGui::BeginTabItem(stack_label.c_str(), nullptr,
                                select_stack_ ? ImGuiTabItemFlags_SetSelected : 0)) {
            stack_tab(ctx, pane);
            ImGui::EndTabItem();
        }
        select_stack_ = false;
        ImGui::EndTabBar();
    }
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("##console", ImVec2(0, 0));
    console(ctx, pane);
    ImGui::EndChild();
}

void UserPanel::program_tab(UiContext& ctx, Pane& pane, bool disassembly) {
    const Snapshot& s = pane.now();
    const Machine& machine = pane.session()->machine();
    const GuestImage& user = machine.user();
    uint64_t rip = user_rip(pane);
    bool running_here = s.cpu.cpl == 3;
    if (run_revision_ != pane.trace_revision()) {
        run_ = lines_run(*pane.trace(), machine, 0, s.last_step, 3);
        run_revision_ = pane.trace_revision();
    }
    if (disassembly) {
        if (!rip) {
            centered_message(ctx, "not in user mode yet", ctx.colors.text_dim);
            return;
        }
        draw_disasm_view(ctx, disasm_, machine, rip, pane.generation(), &run_, s.step, running_here,
                         ImGui::GetContentRegionAvail(), id());
        return;
    }
    // The vDSO has no source here: its function is named (Session::where)
    // above the program's source, with no line marked.
    const std::string vdso_tail = " (vDSO)";
    bool in_vdso =
        running_here && s.where.size() > vdso_tail.size() &&
        s.where.compare(s.where.size() - vdso_tail.size(), vdso_tail.size(), vdso_tail) == 0;
    const SourceLine* line = rip && !in_vdso ? machine.line_for(rip) : nullptr;
    std::string file;
    if (line) {
        file = line->file;
    } else {
        // Before user mode starts: show the demo's main file if the table has it.
        for (const std::string& f : user.source_files())
            if (f.find("demo") != std::string::npos || file.empty()) file = f;
    }
    if (file.empty()) {
        centered_message(ctx, "no line table for the user program; see the Disassembly tab",
                         ctx.colors.text_dim);
        return;
    }
    SourceViewArgs args;
    args.panel_id = id();
    args.file = &ctx.sources.get(file, user);
    args.current_line = line ? line->line : -1;
    args.run = &run_;
    args.step = s.step;
    args.generation = pane.generation();
    args.dim_current = !running_here;
    args.clickable_labels = false;
    ImGui::PushFont(ctx.fonts.small);
    text(in_vdso ? ctx.colors.ring3 : ctx.colors.text_dim,
         in_vdso ? "in the vDSO, " + s.where.substr(0, s.where.size() - vdso_tail.size()) +
                       ": no system call"
         : running_here ? "running in ring 3"
                        : "waiting in the kernel at the marked line");
    ctx.mark("user-where");
    ImGui::PopFont();
    draw_source_view(ctx, source_, args, ImGui::GetContentRegionAvail());
}

void UserPanel::stack_tab(UiContext& ctx, Pane& pane) {
    const Palette& c = ctx.colors;
    const UserStackView& us = pane.now().user_stack;
    ImGui::BeginChild("##ustack", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
    ImGui::PushFont(ctx.fonts.mono);
    if (us.has_sigframe) {
        text_font(ctx.fonts.bold, c.event_work,
                  "rt_sigframe for signal " + std::to_string(us.signo) + " at " + hex(us.sigframe));
        tooltip(
            "do_signal() built this frame on the user stack: the handler returns through "
            "pretcode into rt_sigreturn, which restores uc_mcontext");
        if (ImGui::BeginTable("##sigframe", 3,
                              ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg |
                                  ImGuiTableFlags_NoPadOuterX)) {
            for (const auto& f : us.sigframe_fields) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                text(c.text_faint, "+" + std::to_string(f.addr - us.sigframe));
                ImGui::TableNextColumn();
                text(c.anchor, f.name);
                ImGui::TableNextColumn();
                hex_word(ctx, f.value, c.text, f.size >= 8 ? 16 : f.size * 2);
                ctx.outline_if_pointed(id(), f.name, ImGui::GetItemRectMin(),
                                       ImGui::GetItemRectMax());
            }
            ImGui::EndTable();
        }
        ImGui::Separator();
    }
    text(c.text_dim, "rsp " + hex(us.rsp) + (pane.now().cpu.cpl == 3 ? "" : " (saved at SYSCALL)"));
    if (ImGui::BeginTable("##words", 3,
                          ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_NoPadOuterX)) {
        for (const StackWord& w : us.words) {
            ImGui::TableNextRow();
            bool in_frame = us.has_sigframe && w.addr >= us.sigframe;
            ImGui::TableNextColumn();
            text(w.addr == us.rsp ? c.token : c.text_faint,
                 (w.addr == us.rsp ? "rsp\xe2\x96\xb6 " : "     ") + hex_fixed(w.addr, 6));
            ImGui::TableNextColumn();
            hex_word(ctx, w.value, in_frame ? c.event_work : c.text);
            ImGui::TableNextColumn();
            text(c.text_dim, w.label);
        }
        ImGui::EndTable();
    }
    ImGui::PopFont();
    ImGui::EndChild();
}

void UserPanel::console(UiContext& ctx, Pane& pane) {
    const Palette& c = ctx.colors;
    const Snapshot& s = pane.now();
    text_font(ctx.fonts.bold, c.text, "Console");
    const Trace& trace = *pane.trace();
    if (s.step >= s.last_step) {
        ImGui::SameLine();
        text(c.text_dim,
             std::string(outcome_name(trace.outcome)) +
                 (trace.outcome == Outcome::Exited ? " (" + std::to_string(trace.exit_code) + ")"
                                                   : ""));
    }
    ImGui::BeginChild("##console-text", ImVec2(0, 0), true);
    ImGui::PushFont(ctx.fonts.mono);
    if (s.console.empty())
        text(c.text_faint, "(nothing written yet)");
    else {
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextUnformatted(s.console.c_str(), s.console.c_str() + s.console.size());
        ImGui::PopTextWrapPos();
    }
    if (s.console.size() != console_len_) {
        ImGui::SetScrollHereY(1.0f);
        console_len_ = s.console.size();
    }
    ImGui::PopFont();
    ImGui::EndChild();
    ctx.outline_if_pointed(id(), "console", ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
}

}  // namespace slowpath::gui
