#include "ui/list_table.h"

#include <algorithm>

namespace slowpath::gui {

bool begin_list_table(const char* id, std::initializer_list<ListColumn> columns) {
    ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg |
                            ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_BordersInnerV;
    if (!ImGui::BeginTable(id, static_cast<int>(columns.size()), flags)) return false;
    const float em = ImGui::GetFontSize();
    ImGui::TableSetupScrollFreeze(0, 1);
    for (const ListColumn& c : columns) {
        if (c.width_em > 0)
            ImGui::TableSetupColumn(c.name, ImGuiTableColumnFlags_WidthFixed, em * c.width_em);
        else
            ImGui::TableSetupColumn(c.name, ImGuiTableColumnFlags_WidthStretch);
    }
    ImGui::TableHeadersRow();
    return true;
}

float list_row_height() {
    return ImGui::GetTextLineHeight() + ImGui::GetStyle().CellPadding.y * 2;
}

bool list_row_selectable(UiContext& ctx, int id, const std::string& label, bool selected,
                         ImU32 color, const std::string& mark) {
    ImGui::PushID(id);
    ImGui::PushFont(ctx.fonts.mono);
    ImGui::PushStyleColor(ImGuiCol_Text, color);
    bool clicked = ImGui::Selectable(label.c_str(), selected, ImGuiSelectableFlags_SpanAllColumns);
    ctx.mark(mark);
    ImGui::PopStyleColor();
    ImGui::PopFont();
    ImGui::PopID();
    return clicked;
}

void follow_list_row(float row_y, float row_h, uint64_t generation, uint64_t& scrolled_for) {
    if (scrolled_for == generation) return;
    float top = ImGui::GetScrollY(), h = ImGui::GetWindowHeight();
    if (row_y < top + row_h || row_y > top + h - row_h * 3)
        ImGui::SetScrollY(std::max(0.0f, row_y - h * 0.5f));
    scrolled_for = generation;
}

}  // namespace slowpath::gui
