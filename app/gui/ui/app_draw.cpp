// The window's layout each frame: the panels in their slots and tab groups,
// the splitters between them, the status bar and the error screen.

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "model/fit.h"
#include "model/keep.h"
#include "model/state_dump.h"
#include "options.h"
#include "panels/code_panel.h"
#include "panels/compare_panel.h"
#include "panels/controls_panel.h"
#include "panels/events_panel.h"
#include "panels/help_overlay.h"
#include "panels/kernel_stack_panel.h"
#include "panels/narration_panel.h"
#include "panels/path_panel.h"
#include "panels/registers_panel.h"
#include "panels/table_panel.h"
#include "panels/tif_panel.h"
#include "panels/user_panel.h"
#include "slowpath/era.h"
#include "slowpath/scenario_line.h"
#include "slowpath/syscalls.h"
#include "slowpath/tif.h"
#include "slowpath/walkthrough.h"
#include "ui/actions.h"
#include "ui/app.h"
#include "ui/widgets.h"

namespace slowpath::gui {

void App::draw_panels() {
    UiContext ctx{*model_,
                  settings_,
                  palette(settings_.dark),
                  fonts_,
                  clock_,
                  pointer_,
                  sources_,
                  disassembler_,
                  ui_scale(),
                  [this](const std::string& text) { queue_command(text); }};
    ctx.playing = playing_;
    ctx.help_open = help_open_;
    ctx.tour_open = narration_->active();
    ctx.marks = &marks_;

    ImGuiIO& io = ImGui::GetIO();
    LayoutInput in;
    in.display = io.DisplaySize;
    in.controls_height = controls_->desired_height();
    in.status_height = ImGui::GetFrameHeight() + 2.0f;
    in.gap = std::round(4.0f * ctx.scale);
    in.comparing = model_->comparing();
    in.machine_ok = model_->primary().ok();
    in.presenter = settings_.presenter;
    in.path_min_height = std::round(16.5f * ImGui::GetFontSize());
    in.panels = lesson_panels_ ? &*lesson_panels_ : nullptr;
    in.aside = !aside_id_.empty() && aside_visible_ && aside_visible_() && panels_.find(aside_id_);
    Layout layout = compute_layout(in, settings_);
    handle_splitters(layout);

    const ImGuiWindowFlags base = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                  ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                                  ImGuiWindowFlags_NoBringToFrontOnFocus;
    for (const auto& [slot, rect] : layout.slots) {
        if (slot == "status") {
            draw_status_bar(ctx, rect);
            continue;
        }
        if (slot == "error") {
            draw_error_body(rect);
            continue;
        }
        if (auto group = layout.groups.find(slot); group != layout.groups.end()) {
            draw_group(ctx, slot, group->second, rect);
            continue;
        }
        std::string panel_id = slot == "aside" ? aside_id_ : slot;
        Panel* panel = panels_.find(panel_id);
        if (!panel) continue;
        ImGui::SetNextWindowPos(rect.min);
        ImGui::SetNextWindowSize(rect.size);
        ImGuiWindowFlags flags = base;
        if (slot == "controls") flags |= ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar;
        if (slot == "path" || slot == "stack" || slot == "user" || slot == "compare" ||
            slot == "events")
            flags |= ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse;
        std::string title = std::string(panel->title()) + "###" + panel_id;
        if (ImGui::Begin(title.c_str(), nullptr, flags)) panel->draw(ctx, model_->primary(), 0);
        ImGui::End();
        drawn_panels_.push_back(panel_id);
        drawn_rects_[panel_id] = rect;
        if (pointer_.matches(panel_id, "")) {
            double age = clock_.now - pointer_.since;
            float pulse =
                age < 3.0 ? 0.55f + 0.45f * std::sin(static_cast<float>(age) * 6.0f) : 1.0f;
            ImGui::GetForegroundDrawList()->AddRect(
                ImVec2(rect.min.x + 1, rect.min.y + 1), ImVec2(rect.max().x - 1, rect.max().y - 1),
                with_alpha(ctx.colors.pointer, pulse), 4.0f * ctx.scale, 0, 3.0f * ctx.scale);
        }
    }
    narration_->draw_browser(ctx);
    if (program_browser_.open()) {
        program_browser_.draw(ctx);
        drawn_panels_.push_back("program-browser");
    }
    if (auto* table = static_cast<TablePanel*>(panels_.find("table")); table->open()) {
        table->draw_window(ctx);
        drawn_panels_.push_back("table");
    }
    if (help_open_) {
        draw_help_overlay(ctx, &help_open_);
        drawn_panels_.push_back("help");
    }
    // Whether a tooltip shows this frame (ImGui hides a new one for a frame
    // while it measures it).
    tooltip_shown_ = false;
    for (ImGuiWindow* w : ImGui::GetCurrentContext()->Windows)
        if (w->Active && !w->Hidden && std::strncmp(w->Name, "##Tooltip_", 10) == 0)
            tooltip_shown_ = true;
}

void App::draw_group(UiContext& ctx, const std::string& slot, const std::vector<std::string>& ids,
                     const Rect& rect) {
    ImGui::SetNextWindowPos(rect.min);
    ImGui::SetNextWindowSize(rect.size);
    std::string title = "##" + slot;
    ImGui::Begin(title.c_str(), nullptr,
                 ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                     ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar);
    std::string& open = settings_.tabs[slot];
    // Pointing at a panel in the group brings its tab forward.
    std::string wanted;
    for (const std::string& id : ids)
        if (pointer_.points_into(id) && pointer_.since > group_pointer_seen_) wanted = id;
    if (!wanted.empty()) group_pointer_seen_ = pointer_.since;
    {
        // ImGui shrinks tabs that do not fit and cuts their labels: report
        // which would be cut (a tab is its label plus the frame padding).
        const ImGuiStyle& style = ImGui::GetStyle();
        float room = ImGui::GetContentRegionAvail().x, used = 0;
        FitReport report;
        report.avail_w = room;
        for (const std::string& id : ids)
            if (Panel* panel = panels_.find(id))
                used += ImGui::CalcTextSize(panel->tab_title()).x + 2 * style.FramePadding.x +
                        (used > 0 ? style.ItemInnerSpacing.x : 0);
        report.content_w = used;
        report.font = ImGui::GetFontSize();
        if (used > room + 0.5f) {
            report.fits = false;
            report.clipped.push_back("tab labels");
        }
        report_fit("tabs:" + slot, report, static_cast<uint64_t>(ImGui::GetFrameCount()));
    }
    if (ImGui::BeginTabBar(title.c_str())) {
        for (const std::string& id : ids) {
            Panel* panel = panels_.find(id);
            if (!panel) continue;
            ImGuiTabItemFlags flags = id == wanted ? ImGuiTabItemFlags_SetSelected : 0;
            std::string label = std::string(panel->tab_title()) + "###" + id;
            bool selected = ImGui::BeginTabItem(label.c_str(), nullptr, flags);
            ctx.mark("tab:" + id);
            if (selected) {
                open = id;
                ImGui::BeginChild(
                    ("##tab-" + id).c_str(), ImVec2(0, 0), false,
                    ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
                panel->draw(ctx, model_->primary(), 0);
                ImGui::EndChild();
                ImGui::EndTabItem();
                drawn_panels_.push_back(id);
                drawn_rects_[id] = rect;
                if (pointer_.matches(id, ""))
                    ImGui::GetForegroundDrawList()->AddRect(
                        ImVec2(rect.min.x + 1, rect.min.y + 1),
                        ImVec2(rect.max().x - 1, rect.max().y - 1), ctx.colors.pointer,
                        4.0f * ctx.scale, 0, 3.0f * ctx.scale);
            }
        }
        ImGui::EndTabBar();
    }
    ImGui::End();
}

// Each splitter is a window of its own, exactly the size of its gap between
// panels. One window over the whole display would take every click and hover:
// ImGui 1.86 files a new NoBringToFrontOnFocus window *behind* all existing
// ones, so the panels, created after it, would sit under it.
void App::handle_splitters(const Layout& layout) {
    ImGuiIO& io = ImGui::GetIO();
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowMinSize, ImVec2(1, 1));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0.0f);
    for (const Splitter& s : layout.splitters) {
        ImVec2 size(std::max(1.0f, s.hit.size.x), std::max(1.0f, s.hit.size.y));
        ImGui::SetNextWindowPos(s.hit.min);
        ImGui::SetNextWindowSize(size);
        ImGui::Begin(("##split-" + s.name).c_str(), nullptr,
                     ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoBringToFrontOnFocus |
                         ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBackground |
                         ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoScrollWithMouse);
        ImGui::SetCursorScreenPos(s.hit.min);
        ImGui::InvisibleButton(s.name.c_str(), size);
        bool active = ImGui::IsItemActive();
        if (ImGui::IsItemHovered() || active) {
            ImGui::SetMouseCursor(s.vertical ? ImGuiMouseCursor_ResizeEW
                                             : ImGuiMouseCursor_ResizeNS);
            ImGui::GetWindowDrawList()->AddRectFilled(
                s.hit.min, s.hit.max(), ImGui::GetColorU32(ImGuiCol_SeparatorHovered));
        }
        if (active && s.span > 1.0f) {
            float delta = (s.vertical ? io.MouseDelta.x : io.MouseDelta.y) / s.span;
            if (s.inverted) delta = -delta;
            float value = settings_.split(s.name, default_split(s.name)) + delta;
            settings_.splits[s.name] = std::clamp(value, s.min_ratio, s.max_ratio);
        }
        if (ImGui::IsItemHovered() && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left))
            settings_.splits.erase(s.name);  // double-click: back to the default
        ImGui::End();
    }
    ImGui::PopStyleVar(3);
}

void App::update_title() {
    const Scenario& s = model_->scenario();
    std::string title =
        "slowpath: " + std::string(era_info(s.era).name) + " " + syscall_name(s.syscall_nr);
    for (const Injection& i : s.injections) title += " " + injection_text(i);
    if (model_->comparing()) title += " (compare)";
    if (title != window_title_) {
        glfwSetWindowTitle(window_, title.c_str());
        window_title_ = title;
    }
}

void App::draw_status_bar(UiContext& ctx, const Rect& r) {
    const Palette& c = palette(settings_.dark);
    ImGui::SetNextWindowPos(r.min);
    ImGui::SetNextWindowSize(r.size);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(6 * ui_scale(), 1));
    // The bar is one line, lower than ImGui's least window height (32 px at
    // scale 1), which would push it past the bottom of the window.
    ImGui::PushStyleVar(ImGuiStyleVar_WindowMinSize, ImVec2(1, 1));
    ImGui::Begin("##status", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse);
    ImGui::AlignTextToFramePadding();
    const Scenario& s = model_->scenario();
    std::string scenario = std::string(era_info(s.era).name) + "  " + syscall_name(s.syscall_nr);
    for (const Injection& i : s.injections) scenario += "  " + injection_text(i);
    if (s.bad_pointer) scenario += "  bad-pointer";
    for (const Tamper& t : s.tampers) scenario += "  tamper " + tamper_text(t);
    if (s.signal_action != SignalAction::Handler)
        scenario += "  SIGUSR1 " + std::string(signal_action_name(s.signal_action));
    text_font(fonts_.bold, c.text, scenario);
    const Pane& pane = model_->primary();
    if (pane.ok()) {
        const Trace& trace = *pane.trace();
        ImGui::SameLine(0, ImGui::GetFontSize());
        std::string run = pane.recording() ? std::string("recording\xe2\x80\xa6")
                                           : std::string(outcome_name(trace.outcome));
        if (trace.outcome == Outcome::Exited) run += " (" + std::to_string(trace.exit_code) + ")";
        run += ", " + std::to_string(trace.last_step()) + " steps";
        text(trace.outcome == Outcome::Exited || pane.recording() ? c.text_dim : c.error,
             "run: " + run);
        if (!trace.outcome_detail.empty()) tooltip(trace.outcome_detail);
    }
    if (playing_) {
        ImGui::SameLine(0, ImGui::GetFontSize());
        text(c.token, "\xe2\x96\xb6 playing " + std::to_string(settings_.play_rate).substr(0, 5) +
                          "/s by " + settings_.play_unit);
    }
    std::string hint = "F1 help";
    const char* copy = "copy scenario";
    const char* program = "open program...";
    float gap = ImGui::GetFontSize();
    float x = ImGui::GetWindowContentRegionMax().x - ImGui::CalcTextSize(hint.c_str()).x -
              ImGui::CalcTextSize(copy).x - ImGui::CalcTextSize(program).x - 2 * gap;
    status_shown_.clear();
    if (!model_->status().empty()) {
        ImGui::SameLine(0, gap);
        // A long message (a saved file's path) is cut before the controls on
        // the right, which must stay in view; the whole text is on hover.
        const std::string& status = model_->status();
        std::string shown =
            cut_to_fit(status, x - gap - ImGui::GetCursorPosX(),
                       [](const std::string& t) { return ImGui::CalcTextSize(t.c_str()).x; });
        text(model_->status_is_error() ? c.error : c.ok, shown);
        ctx.mark("status:message");
        status_shown_ = shown;
        if (shown != status) tooltip(status);
    }
    ImGui::SameLine();
    if (x > ImGui::GetCursorPosX()) ImGui::SetCursorPosX(x);
    if (link(ctx, program, "##program-browse")) queue_command("program-browse");
    ctx.mark("button:program-browse");
    tooltip("run a program of your own: a static x86-64 ELF, with its arguments   [" +
            shortcut_for("program-browse") + "]");
    ImGui::SameLine(0, gap);
    if (link(ctx, copy, "##copy-scenario")) queue_command("copy-scenario");
    ctx.mark("button:copy-scenario");
    if (ImGui::IsItemHovered()) {
        ScenarioPoint at = shown_point();
        tooltip(
            "copy this screen as one line, to paste into another slowpath (Ctrl+V) or "
            "start one with it:\n" +
            scenario_line_text(s, at) + "\n[" + shortcut_for("copy-scenario") +
            "; as a command line: " + shortcut_for("copy-command-line") + "]");
    }
    ImGui::SameLine(0, gap);
    text(c.text_faint, hint);
    ImGui::End();
    ImGui::PopStyleVar(2);
    drawn_panels_.push_back("status");
    drawn_rects_["status"] = r;
}

void App::draw_error_body(const Rect& r) {
    const Palette& c = palette(settings_.dark);
    ImGui::SetNextWindowPos(r.min);
    ImGui::SetNextWindowSize(r.size);
    ImGui::Begin("The machine could not start###error", nullptr,
                 ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus);
    ImGui::Dummy(ImVec2(1, ImGui::GetFontSize() * 2));
    ImGui::Indent(ImGui::GetFontSize() * 2);
    text_font(fonts_.heading, c.error, "The guest could not be loaded or run");
    ImGui::Spacing();
    ImGui::PushTextWrapPos(r.size.x - ImGui::GetFontSize() * 2);
    ImGui::PushFont(fonts_.mono);
    text(c.text, model_->primary().error());
    ImGui::PopFont();
    ImGui::Spacing();
    text(c.text_dim,
         "The guest kernels and the demo program are built with the project "
         "(cmake --build build). SLOWPATH_GUEST_DIR can point at another directory "
         "holding kernel-v3.13.elf, kernel-rfc.elf and the demo. You can still change the "
         "era or the syscall above.");
    ImGui::PopTextWrapPos();
    ImGui::Unindent();
    ImGui::End();
    drawn_panels_.push_back("error");
    drawn_rects_["error"] = r;
}

}  // namespace slowpath::gui
