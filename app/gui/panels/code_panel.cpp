#include "panels/code_panel.h"

#include <slowpath/abi.h>

#include <algorithm>
#include <filesystem>

#include "model/fit.h"
#include "slowpath/era.h"
#include "ui/widgets.h"

namespace slowpath::gui {

namespace {

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// The line-table name of the era's entry source (shown while in user mode).
std::string entry_file(const GuestImage& kernel, Era era) {
    std::string want(era_info(era).entry_source);
    std::filesystem::path p(want);
    std::string tail = (p.parent_path().filename() / p.filename()).string();
    std::string best;
    for (const std::string& f : kernel.source_files()) {
        if (ends_with(f, want)) return f;
        if (ends_with(f, tail) || (best.empty() && ends_with(f, p.filename().string()))) best = f;
    }
    return best;
}

std::string short_name(const std::string& file) {
    std::filesystem::path p(file);
    std::string parent = p.parent_path().filename().string();
    return parent.empty() ? p.filename().string() : parent + "/" + p.filename().string();
}

}  // namespace

// In user mode: mark where the kernel is about to be entered, else where it
// was last (from the trace: the panel may not have drawn that step), else
// where SYSCALL will enter. Found once per step.
void CodePanel::update_last_kernel_line(PerPane& st, const Pane& pane) {
    const Snapshot& s = pane.now();
    if (st.kernel_line_step == s.step && st.kernel_line_revision == pane.trace_revision()) return;
    const Machine& machine = pane.session()->machine();
    const Trace& trace = pane.session()->trace();
    uint64_t kernel_rip = s.cpu.lstar;
    if (s.step + 1 < trace.steps.size() && trace.steps[s.step + 1].cpl == 0) {
        kernel_rip = trace.steps[s.step + 1].rip;  // about to enter (SYSCALL, a fault)
    } else {
        for (uint64_t k = std::min<uint64_t>(s.step, trace.steps.size()); k-- > 0;) {
            if (trace.steps[k].cpl == 0) {
                kernel_rip = trace.steps[k].rip;
                break;
            }
        }
    }
    st.last_kernel_file.clear();
    st.last_kernel_line = -1;
    if (const SourceLine* last = machine.line_for(kernel_rip)) {
        st.last_kernel_file = last->file;
        st.last_kernel_line = last->line;
    }
    st.kernel_line_step = s.step;
    st.kernel_line_revision = pane.trace_revision();
}

// Lines run so far in the syscall shown (or the boot code before the first).
void CodePanel::update_lines_run(PerPane& st, const Pane& pane) {
    const Snapshot& s = pane.now();
    const Machine& machine = pane.session()->machine();
    const Trace& trace = pane.session()->trace();
    if (st.run_revision != pane.trace_revision() || st.run_syscall != s.shown_syscall) {
        uint64_t from = 0, to = s.last_step;
        if (s.shown_syscall >= 0) {
            const SyscallRecord& r = trace.syscalls[s.shown_syscall];
            from = r.entry_step;
            to = r.return_step ? r.return_step : s.last_step;
        } else if (!trace.syscalls.empty()) {
            to = trace.syscalls.front().entry_step;
        }
        st.run = lines_run(trace, machine, from, to, 0);
        st.run_revision = pane.trace_revision();
        st.run_syscall = s.shown_syscall;
    }
}

void CodePanel::draw(UiContext& ctx, Pane& pane, int pane_index) {
    PerPane& st = panes_[pane_index & 1];
    if (draw_no_machine(ctx, pane)) return;
    const Session& session = *pane.session();
    const Machine& machine = session.machine();
    const GuestImage& kernel = machine.kernel();
    const Snapshot& s = pane.now();

    bool in_kernel = s.cpu.rip < SP_USER_BASE;
    const SourceLine* line = in_kernel ? machine.line_for(s.cpu.rip) : nullptr;
    if (line) {
        st.last_kernel_file = line->file;
        st.last_kernel_line = line->line;
    } else {
        update_last_kernel_line(st, pane);
    }
    std::string file = st.chosen_file;
    if (file.empty()) {
        if (line)
            file = line->file;
        else if (!st.last_kernel_file.empty())
            file = st.last_kernel_file;
        else
            file = entry_file(kernel, session.scenario().era);
    }
    int current = -1;
    if (line && line->file == file)
        current = line->line;
    else if (!in_kernel && file == st.last_kernel_file)
        current = st.last_kernel_line;

    update_lines_run(st, pane);

    // ---- header: file chooser and where we are ----
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12.0f);
    std::string preview = (st.chosen_file.empty() ? "\xe2\x86\xb3 " : "") + short_name(file);
    if (ImGui::BeginCombo("##file", preview.c_str(), ImGuiComboFlags_HeightLarge)) {
        if (ImGui::Selectable("follow the CPU", st.chosen_file.empty())) st.chosen_file.clear();
        ImGui::Separator();
        for (const std::string& f : kernel.source_files()) {
            if (ImGui::Selectable(short_name(f).c_str(), f == st.chosen_file)) st.chosen_file = f;
            tooltip(f);
        }
        ImGui::EndCombo();
    }
    tooltip(st.chosen_file.empty() ? "following the CPU: " + file
                                   : "showing " + file + " (pick 'follow the CPU' to follow rip)");
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    ImGui::PushFont(ctx.fonts.mono);
    if (in_kernel) {
        text(ctx.colors.ring0, "ring 0");
    } else {
        text(ctx.colors.ring3, "ring 3");
        tooltip("the CPU is in user mode; the marked line is where the kernel was last");
    }
    ImGui::PopFont();
    ImGui::SameLine();
    if (link(ctx, show_notes_ ? "hide notes" : "notes", "##notes")) show_notes_ = !show_notes_;
    tooltip(show_notes_ ? "hide the project's own NOTE lines"
                        : "show the project's own NOTE lines (markers for the emulator, not "
                          "kernel code; hidden by default)");
    ImGui::SameLine();
    ImGui::PushFont(ctx.fonts.mono);
    // Cut to the panel's width (1280x720 has no room for a long symbol and
    // its file:line); the whole place is on hover.
    std::string where =
        cut_to_fit(s.where, ImGui::GetContentRegionAvail().x,
                   [](const std::string& t) { return ImGui::CalcTextSize(t.c_str()).x; });
    text(ctx.colors.text_dim, where);
    ImGui::PopFont();
    if (where != s.where) tooltip(s.where);
    shown_file_ = file;

    // ---- source over disassembly ----
    const SourceFile& source = ctx.sources.get(file, kernel);
    SourceViewArgs args;
    args.panel_id = id();
    args.file = &source;
    args.current_line = current;
    args.run = &st.run;
    args.step = s.step;
    args.generation = pane.generation();
    args.dim_current = !in_kernel;
    args.show_notes = show_notes_;
    ImVec2 avail = ImGui::GetContentRegionAvail();
    float splitter = ImGui::GetFontSize() * 0.45f;
    if (!show_disassembly) {
        draw_source_view(ctx, st.source, args, avail);
        return;
    }
    float ratio = ctx.settings.split("code.source", 0.6f);
    float top = std::floor((avail.y - splitter) * ratio);
    draw_source_view(ctx, st.source, args, ImVec2(avail.x, top));
    if (horizontal_splitter("##code-split", &ratio, avail.y - splitter, splitter))
        ctx.settings.splits["code.source"] = ratio;
    draw_disasm_view(ctx, st.disasm, machine, s.cpu.rip, pane.generation(), &st.run, s.step, true,
                     ImGui::GetContentRegionAvail(), id());
}

}  // namespace slowpath::gui
