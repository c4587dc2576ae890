#include "panels/help_overlay.h"

#include <map>

#include "model/glossary.h"
#include "ui/actions.h"
#include "ui/widgets.h"

namespace slowpath::gui {

namespace {

void legend_swatch(ImU32 fill, ImU32 border, const char* meaning) {
    ImVec2 p = ImGui::GetCursorScreenPos();
    float h = ImGui::GetTextLineHeight();
    ImGui::GetWindowDrawList()->AddRectFilled(p, ImVec2(p.x + h * 1.6f, p.y + h), fill, 3.0f);
    if (border)
        ImGui::GetWindowDrawList()->AddRect(p, ImVec2(p.x + h * 1.6f, p.y + h), border, 3.0f, 0,
                                            1.5f);
    ImGui::Dummy(ImVec2(h * 1.6f, h));
    ImGui::SameLine();
    ImGui::TextUnformatted(meaning);
}

}  // namespace

void draw_help_overlay(UiContext& ctx, bool* open) {
    const Palette& c = ctx.colors;
    ImGuiIO& io = ImGui::GetIO();
    ImVec2 size(std::min(io.DisplaySize.x * 0.9f, ImGui::GetFontSize() * 58),
                std::min(io.DisplaySize.y * 0.9f, ImGui::GetFontSize() * 40));
    ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f),
                            ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(size, ImGuiCond_Always);
    ImGui::SetNextWindowFocus();
    ImGui::SetNextWindowBgAlpha(1.0f);  // panels are see-through; the overlay is not
    if (!ImGui::Begin("Help: glossary, keys and colours###help", open,
                      ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                          ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove)) {
        ImGui::End();
        return;
    }
    text(c.text_dim, "Every button has a key. Esc or F1 closes this.");
    ImGui::Spacing();
    if (!ImGui::BeginTabBar("##help-tabs")) {
        ImGui::End();
        return;
    }
    if (ImGui::BeginTabItem("Glossary")) {
        ImGui::BeginChild("##glossary");
        ImGui::PushTextWrapPos(0.0f);
        for (const GlossaryEntry& e : glossary()) {
            text_font(ctx.fonts.bold, c.anchor, e.term);
            ImGui::TextUnformatted(e.text);
            text(c.text_dim, std::string("In the app: ") + e.where);
            ImGui::Spacing();
        }
        ImGui::PopTextWrapPos();
        ImGui::EndChild();
        ImGui::EndTabItem();
    }
    if (!ImGui::BeginTabItem("Keys and colours")) {
        ImGui::EndTabBar();
        ImGui::End();
        return;
    }
    std::map<std::string, std::vector<const Action*>> groups;
    for (const Action& a : actions()) groups[a.group].push_back(&a);
    auto group = [&](const std::string& name) {
        text_font(ctx.fonts.bold, c.text, name);
        for (const Action* a : groups[name]) {
            ImGui::PushFont(ctx.fonts.mono);
            std::string keys = shortcut_text(*a);
            keys.resize(std::max<size_t>(keys.size(), 15), ' ');
            text(c.anchor, keys);
            ImGui::PopFont();
            ImGui::SameLine();
            ImGui::TextUnformatted(a->help.c_str());
        }
        ImGui::Spacing();
    };
    if (ImGui::BeginTable("##help", 2, ImGuiTableFlags_SizingStretchSame)) {
        ImGui::TableNextColumn();
        group("Move");
        group("Play");
        group("Tour");
        text_font(ctx.fonts.bold, c.text, "Flags");
        ImGui::PushFont(ctx.fonts.mono);
        text(c.anchor, "1 ... 0        ");
        ImGui::PopFont();
        ImGui::SameLine();
        ImGui::TextUnformatted("inject the n-th chip's flag (on/off)");
        ImGui::PushFont(ctx.fonts.mono);
        text(c.anchor, "Shift+1 ... 0  ");
        ImGui::PopFont();
        ImGui::SameLine();
        ImGui::TextUnformatted("inject it now, at this step");
        text(c.text_dim, "Right-click a chip: inject now.");

        ImGui::TableNextColumn();
        group("Scenario");
        group("View");
        text_font(ctx.fonts.bold, c.text, "Colours");
        legend_swatch(c.current_line, 0, "the current line, instruction, event");
        legend_swatch(c.passed_line, 0, "lines already run in this syscall");
        legend_swatch(c.node_visited_bg, c.node_visited_border, "labels on the route so far");
        legend_swatch(c.node_bg, c.node_current_border, "where the CPU is (the token)");
        legend_swatch(c.sysret_bg, c.sysret, "exit by sysretq (fast)");
        legend_swatch(c.iret_bg, c.iret, "exit by iretq (slow, full frame)");
        legend_swatch(c.slot_not_saved_bg, c.slot_not_saved, "pt_regs slot not saved");
        legend_swatch(c.slot_unfixed_bg, c.slot_unfixed, "top-of-stack slot not fixed up");
        legend_swatch(c.changed_bg, 0, "changed by the last move");
        legend_swatch(c.flag_set_bg, c.flag_set, "TIF flag set");
        ImGui::EndTable();
    }
    ImGui::EndTabItem();
    ImGui::EndTabBar();
    ImGui::End();
}

}  // namespace slowpath::gui
