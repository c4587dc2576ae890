#include "panels/events_panel.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "model/fit.h"
#include "ui/list_table.h"
#include "ui/widgets.h"

namespace slowpath::gui {

namespace {

bool contains_icase(const std::string& hay, const char* needle) {
    if (!*needle) return true;
    auto it = std::search(hay.begin(), hay.end(), needle, needle + std::strlen(needle),
                          [](char a, char b) {
                              return std::tolower(static_cast<unsigned char>(a)) ==
                                     std::tolower(static_cast<unsigned char>(b));
                          });
    return it != hay.end();
}

}  // namespace

void EventsPanel::draw(UiContext& ctx, Pane& pane, int /*pane_index*/) {
    const Palette& c = ctx.colors;
    if (draw_no_machine(ctx, pane)) return;
    const Trace& trace = *pane.trace();
    const Snapshot& s = pane.now();

    ImGui::Checkbox("this syscall only", &only_shown_syscall_);
    tooltip("only the events of the syscall the path shows");
    ImGui::SameLine();
    ImGui::Checkbox("hide labels", &hide_labels_);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(std::max(ImGui::GetContentRegionAvail().x, ImGui::GetFontSize() * 4));
    ImGui::InputTextWithHint("##filter", "filter (e.g. check, sysret, do_signal)", filter_,
                             sizeof filter_);

    std::string key = std::to_string(pane.trace_revision()) + "/" +
                      std::to_string(only_shown_syscall_) + std::to_string(hide_labels_) + "/" +
                      std::to_string(s.shown_syscall) + "/" + filter_ + "/" +
                      std::to_string(reinterpret_cast<uintptr_t>(&trace));
    if (key != key_) {
        rows_.clear();
        for (size_t i = 0; i < trace.events.size(); i++) {
            const Event& e = trace.events[i];
            if (only_shown_syscall_ && e.syscall != s.shown_syscall) continue;
            if (hide_labels_ && e.kind == EventKind::Label) continue;
            if (filter_[0]) {
                std::string all =
                    std::string(event_kind_name(e.kind)) + " " + e.name + " " + describe_event(e);
                if (!contains_icase(all, filter_)) continue;
            }
            rows_.push_back(i);
        }
        key_ = key;
        scrolled_for_ = UINT64_MAX;
    }

    if (!begin_list_table("##events", {{"step", 4.2f}, {"event", 7.5f}, {"what"}})) return;

    // The row of the first event at or after the current step.
    size_t here = std::lower_bound(rows_.begin(), rows_.end(), s.next_event) - rows_.begin();
    const float row_h = list_row_height();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(rows_.size()), row_h);
    while (clipper.Step()) {
        for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; r++) {
            const Event& e = trace.events[rows_[r]];
            ImGui::TableNextRow(0, row_h);
            bool now = e.step == s.step;
            bool ahead = e.step > s.step;
            if (now) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, c.current_line);
            ImGui::TableNextColumn();
            std::string step = std::to_string(e.step);
            if (list_row_selectable(ctx, r, step, false, ahead ? c.text_faint : c.text_dim,
                                    "event-row:" + std::to_string(r) + ":" + step))
                ctx.command("seek " + std::to_string(e.step));
            if (ImGui::IsItemHovered())
                tooltip("step " + step + (e.by_cpu ? " (done by the CPU)" : "") + "\n" +
                        describe_event(e) + "\nclick to go there");
            ImGui::TableNextColumn();
            ImU32 kc = event_color(c, e.kind);
            text(ahead ? with_alpha(kc, 0.5f) : kc, std::string(event_kind_name(e.kind)));
            ImGui::TableNextColumn();
            // Cut with an ellipsis where the column ends, so a cut line reads
            // as cut; the row's tooltip has the whole text.
            std::string what = describe_event(e);
            // A number the kernel has no handler for is worth seeing at once.
            bool unimplemented = e.kind == EventKind::SyscallEntry && e.syscall >= 0 &&
                                 static_cast<size_t>(e.syscall) < trace.syscalls.size() &&
                                 trace.syscalls[static_cast<size_t>(e.syscall)].unimplemented;
            if (unimplemented) what = "not implemented (-ENOSYS): " + what;
            what = cut_to_fit(what, ImGui::GetContentRegionAvail().x, [](const std::string& t) {
                return ImGui::CalcTextSize(t.c_str()).x;
            });
            ImU32 what_color = unimplemented ? c.error : c.text;
            text(ahead ? with_alpha(what_color, 0.5f) : what_color, what);
        }
    }
    // Follow the current step after a move.
    follow_list_row(here * row_h, row_h, pane.generation(), scrolled_for_);
    ImGui::EndTable();
}

}  // namespace slowpath::gui
