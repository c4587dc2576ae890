#include "panels/tasks_panel.h"

#include "slowpath/tasks.h"
#include "ui/list_table.h"
#include "ui/widgets.h"

namespace slowpath::gui {

namespace {

ImU32 state_color(const Palette& c, TaskState state) {
    switch (state) {
        case TaskState::Running:
            return c.ok;
        case TaskState::Runnable:
            return c.text;
        case TaskState::Sleeping:
        case TaskState::Traced:
        case TaskState::Stopped:
            return c.text_dim;
        case TaskState::Zombie:
        case TaskState::Dead:
            return c.text_faint;
    }
    return c.text;
}

}  // namespace

void TasksPanel::draw(UiContext& ctx, Pane& pane, int /*pane_index*/) {
    const Palette& c = ctx.colors;
    if (draw_no_machine(ctx, pane)) return;
    const TaskListView& v = pane.now().tasks;
    if (!v.present) {
        centered_message(ctx, "this kernel has no task table", c.text_dim);
        return;
    }
    if (!begin_list_table(
            "##tasks",
            {{"pid", 3.2f}, {"tgid", 2.4f}, {"name"}, {"state", 4.2f}, {"parent", 3.0f}}))
        return;
    for (const TaskView& t : v.tasks) {
        ImGui::TableNextRow();
        if (t.current) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, c.current_line);
        ImGui::TableNextColumn();
        ImGui::PushFont(ctx.fonts.mono);
        // The running task carries the marker the code view uses for "here".
        std::string pid = (t.current ? "\xe2\x96\xb6 " : "  ") + std::to_string(t.pid);
        ImGui::PushID(t.slot);
        ImGui::Selectable(pid.c_str(), t.current, ImGuiSelectableFlags_SpanAllColumns);
        ctx.mark("task-row:" + std::to_string(t.pid));
        // Keep the running task in view after a move (a short slot shows few rows).
        if (t.current && scrolled_for_ != pane.generation()) {
            ImGui::SetScrollHereY(0.5f);
            scrolled_for_ = pane.generation();
        }
        ImGui::PopID();
        ImGui::PopFont();
        if (ImGui::IsItemHovered())
            tooltip(std::string(t.kernel_thread ? "kernel thread " : "task ") + t.comm + ", pid " +
                    std::to_string(t.pid) + " in process " + std::to_string(t.tgid) + ": " +
                    std::string(task_state_name(t.state)) +
                    (t.current ? "\nthe CPU runs it now (current)" : ""));
        ImGui::TableNextColumn();
        text(c.text_dim, std::to_string(t.tgid));
        ImGui::TableNextColumn();
        text(t.kernel_thread ? c.text_dim : c.text, t.comm.empty() ? "?" : t.comm);
        ImGui::TableNextColumn();
        text(state_color(c, t.state), std::string(task_state_name(t.state)));
        ImGui::TableNextColumn();
        text(c.text_dim, t.parent_pid ? std::to_string(t.parent_pid) : "-");
    }
    ImGui::EndTable();
}

}  // namespace slowpath::gui
