#include "panels/program_browser.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "model/model.h"
#include "ui/actions.h"
#include "ui/widgets.h"

namespace slowpath::gui {

namespace {

std::string size_text(uint64_t bytes) {
    if (bytes >= 10u << 20) return std::to_string(bytes >> 20) + " MB";
    if (bytes >= 10u << 10) return std::to_string(bytes >> 10) + " kB";
    return std::to_string(bytes) + " B";
}

}  // namespace

std::string ProgramBrowser::command(const Command& command) {
    const auto& a = command.args;
    if (command.verb == "program-browse-open") {
        message_ = browser_.problem();
        if (message_.empty()) {
            try {
                pending_ = program_command(browser_.selected_path(), args_buffer_);
                open_ = false;
            } catch (const std::invalid_argument& e) {
                message_ = e.what();
            }
        }
        return message_;
    }
    if (a.empty() || a[0] == "toggle") {
        open_ = !open_;
    } else if (a[0] == "off") {
        open_ = false;
    } else if (a[0] == "on") {
        open_ = true;
    } else {
        if (!browser_.go_to(a[0])) return browser_.listing().error;
        open_ = true;
    }
    if (open_) {
        focus_ = true;
        message_.clear();
        browser_.refresh();
    }
    return "";
}

void ProgramBrowser::sync_buffers() {
    std::snprintf(dir_buffer_, sizeof dir_buffer_, "%s", browser_.listing().dir.c_str());
}

void ProgramBrowser::draw_list(UiContext& ctx, float height) {
    const Palette& c = ctx.colors;
    const DirListing& listing = browser_.listing();
    ImGui::BeginChild("##program-files", ImVec2(0, height), true);
    std::string chosen;  // acted on after the loop: it changes the listing
    bool open_it = false;
    if (listing.dir != "/") {
        if (ImGui::Selectable("../##up", false)) chosen = "..";
        ctx.mark("browse-row:..");
    }
    for (const FileEntry& e : listing.entries) {
        std::string label = (e.is_dir ? e.name + "/" : e.name) + "##" + e.name;
        ImU32 color = e.is_dir ? c.anchor : e.is_program ? c.text : c.text_faint;
        ImGui::PushStyleColor(ImGuiCol_Text, color);
        bool picked = !e.is_dir && e.name == browser_.selected();
        if (ImGui::Selectable(label.c_str(), picked, ImGuiSelectableFlags_AllowDoubleClick)) {
            chosen = e.name;
            open_it = !e.is_dir && ImGui::IsMouseDoubleClicked(0);
        }
        ImGui::PopStyleColor();
        ctx.mark("browse-row:" + e.name);
        if (ImGui::IsItemHovered())
            tooltip(e.is_dir       ? "a folder: click to open it"
                    : e.is_program ? "an x86-64 program, " + size_text(e.size) +
                                         ": click to pick it, double-click to run it"
                                   : "not an x86-64 ELF program, " + size_text(e.size));
        if (!e.is_dir) {
            ImGui::SameLine(ImGui::GetContentRegionMax().x - ImGui::GetFontSize() * 4.5f);
            text(c.text_faint, e.is_program ? "program" : size_text(e.size));
        }
    }
    if (!listing.error.empty())
        text(c.error, listing.error);
    else if (listing.entries.empty())
        text(c.text_dim, browser_.filter().empty() ? "(an empty folder)" : "(nothing matches)");
    ImGui::EndChild();
    if (!chosen.empty()) {
        browser_.choose(chosen);
        message_.clear();
        sync_buffers();
        if (open_it) ctx.command("program-browse-open");
    }
}

void ProgramBrowser::draw_footer(UiContext& ctx) {
    const Palette& c = ctx.colors;
    const float em = ImGui::GetFontSize();
    text(c.text_dim, "Arguments:");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(-1);
    bool enter =
        ImGui::InputTextWithHint("##program-args", "words, 'quoted words'", args_buffer_,
                                 sizeof args_buffer_, ImGuiInputTextFlags_EnterReturnsTrue);
    ctx.mark("browse-args");
    std::string problem = browser_.problem();
    std::string line = !message_.empty() ? message_
                       : problem.empty() ? browser_.selected_path()
                                         : problem;
    ImU32 color = !message_.empty()             ? c.error
                  : browser_.selected().empty() ? c.text_dim
                  : problem.empty()             ? c.text
                                                : c.error;
    text(color, line);
    float w = em * 5.0f;
    ImGui::SetCursorPosX(std::max(ImGui::GetCursorPosX(), ImGui::GetContentRegionMax().x - 2 * w -
                                                              ImGui::GetStyle().ItemSpacing.x));
    bool go = ImGui::Button("Open##program", ImVec2(w, 0));
    ctx.mark("button:program-browse-open");
    ImGui::SameLine();
    if (ImGui::Button("Cancel##program", ImVec2(w, 0))) open_ = false;
    ctx.mark("button:program-browse-off");
    if (enter || go) ctx.command("program-browse-open");
}

void ProgramBrowser::draw(UiContext& ctx) {
    if (!open_) return;
    const Palette& c = ctx.colors;
    ImGuiIO& io = ImGui::GetIO();
    const float em = ImGui::GetFontSize();
    if (focus_) {
        // Opened on the program shown, in its folder with its arguments.
        const Scenario& s = ctx.model.scenario();
        if (!s.user_program.empty() && browser_.selected().empty()) {
            std::filesystem::path p(s.user_program);
            if (browser_.go_to(p.parent_path().empty() ? "." : p.parent_path().string()))
                browser_.choose(p.filename().string());
            std::string args;
            for (const std::string& arg : s.user_args)
                args += (args.empty() ? "" : " ") + command_word(arg);
            std::snprintf(args_buffer_, sizeof args_buffer_, "%s", args.c_str());
        }
        sync_buffers();
        ImGui::SetNextWindowFocus();
    }
    ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f),
                            ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(std::min(io.DisplaySize.x * 0.9f, em * 46),
                                    std::min(io.DisplaySize.y * 0.85f, em * 30)),
                             ImGuiCond_Always);
    ImGui::SetNextWindowBgAlpha(1.0f);
    bool open = true;
    if (ImGui::Begin("Open program###program-browser", &open,
                     ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                         ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove)) {
        text(c.text_dim, "A static x86-64 Linux program (or drop one onto the window):");
        if (ImGui::Button("Up##program")) {
            browser_.up();
            sync_buffers();
        }
        ctx.mark("button:program-browse-up");
        ImGui::SameLine();
        ImGui::SetNextItemWidth(-em * 13);
        if (ImGui::InputText("##program-dir", dir_buffer_, sizeof dir_buffer_,
                             ImGuiInputTextFlags_EnterReturnsTrue)) {
            browser_.go_to(dir_buffer_);
            sync_buffers();
        }
        ctx.mark("browse-dir");
        ImGui::SameLine();
        ImGui::SetNextItemWidth(em * 7);
        if (focus_) ImGui::SetKeyboardFocusHere();
        if (ImGui::InputTextWithHint("##program-filter", "filter", filter_buffer_,
                                     sizeof filter_buffer_))
            browser_.set_filter(filter_buffer_);
        ctx.mark("browse-filter");
        ImGui::SameLine();
        bool only = browser_.programs_only();
        if (ImGui::Checkbox("ELF only", &only)) browser_.set_programs_only(only);
        ctx.mark("browse-programs-only");
        float list_h = ImGui::GetContentRegionAvail().y - ImGui::GetFrameHeightWithSpacing() * 3.3f;
        draw_list(ctx, std::max(list_h, em * 4));
        draw_footer(ctx);
    }
    ImGui::End();
    focus_ = false;
    if (!open) open_ = false;
}

nlohmann::json ProgramBrowser::dump() const {
    nlohmann::json out = browser_.dump();
    out["open"] = open_;
    out["args"] = args_buffer_;
    out["message"] = message_;
    return out;
}

}  // namespace slowpath::gui
