#include "panels/syscalls_panel.h"

#include <algorithm>

#include "slowpath/tasks.h"
#include "ui/list_table.h"
#include "ui/widgets.h"

namespace slowpath::gui {

namespace {

std::string return_text(const SyscallRecord& r) {
    if (!r.has_ret) return "-";
    if (r.ret < 0 && r.ret >= -4095) return std::to_string(r.ret);
    if (r.ret > 0xffff) return "0x" + hex_fixed(static_cast<uint64_t>(r.ret), 1);
    return std::to_string(r.ret);
}

}  // namespace

void SyscallsPanel::draw(UiContext& ctx, Pane& pane, int /*pane_index*/) {
    const Palette& c = ctx.colors;
    if (draw_no_machine(ctx, pane)) return;
    const Trace& trace = *pane.trace();
    const Snapshot& s = pane.now();
    std::string key = std::to_string(pane.trace_revision()) + "/" +
                      std::to_string(reinterpret_cast<uintptr_t>(&trace));
    if (key != key_) {
        task_pids_ = syscall_task_pids(trace, pane.session()->machine());
        key_ = key;
        scrolled_for_ = UINT64_MAX;
    }
    if (trace.syscalls.empty()) {
        centered_message(ctx, "the run made no system call", c.text_dim);
        return;
    }

    if (!begin_list_table(
            "##syscalls",
            {{"#", 2.6f}, {"task", 2.6f}, {"syscall"}, {"returns", 5.5f}, {"exit", 2.6f}}))
        return;

    const float row_h = list_row_height();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(trace.syscalls.size()), row_h);
    while (clipper.Step()) {
        for (int k = clipper.DisplayStart; k < clipper.DisplayEnd; k++) {
            const SyscallRecord& r = trace.syscalls[static_cast<size_t>(k)];
            ImGui::TableNextRow(0, row_h);
            const bool shown = k == s.shown_syscall;
            const bool ahead = r.entry_step > s.step;
            if (shown) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, c.current_line);
            ImGui::TableNextColumn();
            std::string index = std::to_string(k);
            if (list_row_selectable(ctx, k, index, shown, ahead ? c.text_faint : c.text_dim,
                                    "syscall-row:" + index))
                ctx.command("focus " + index);
            const int pid = static_cast<size_t>(k) < task_pids_.size() ? task_pids_[k] : 1;
            if (ImGui::IsItemHovered())
                tooltip("syscall #" + index + ": " + r.name + " (" + std::to_string(r.nr) +
                        ") by pid " + std::to_string(pid) + ", SYSCALL at step " +
                        std::to_string(r.entry_step) +
                        (r.is_focus ? "\nthe focus syscall (injections apply to it)" : "") +
                        (r.unimplemented ? "\nnot implemented: the kernel answered -ENOSYS" : "") +
                        "\nclick to show it and make it the focus");
            auto cell = [&](ImU32 color, const std::string& what) {
                ImGui::TableNextColumn();
                text(ahead ? with_alpha(color, 0.5f) : color, what);
            };
            cell(c.text_dim, std::to_string(pid));
            std::string name = r.name + (r.is_focus ? " *" : "");
            cell(r.unimplemented ? c.error : (shown ? c.text_strong : c.text), name);
            cell(r.has_ret && r.ret < 0 ? c.error : c.text, return_text(r));
            cell(r.exit == ExitKind::Iret     ? c.iret
                 : r.exit == ExitKind::Sysret ? c.sysret
                                              : c.text_faint,
                 r.exit == ExitKind::None ? "-" : std::string(exit_kind_name(r.exit)));
        }
    }
    // Keep the shown syscall in view after a move.
    if (s.shown_syscall >= 0)
        follow_list_row(s.shown_syscall * row_h, row_h, pane.generation(), scrolled_for_);
    ImGui::EndTable();
}

}  // namespace slowpath::gui
