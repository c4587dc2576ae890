#include "ui/widgets.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "model/glossary.h"
#include "model/pane.h"

namespace slowpath::gui {

std::string hex_fixed(uint64_t value, int digits) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%0*llx", digits, static_cast<unsigned long long>(value));
    return buf;
}

void text(ImU32 color, const std::string& s) {
    ImGui::PushStyleColor(ImGuiCol_Text, color);
    ImGui::TextUnformatted(s.c_str(), s.c_str() + s.size());
    ImGui::PopStyleColor();
}

void text_font(ImFont* font, ImU32 color, const std::string& s) {
    ImGui::PushFont(font);
    text(color, s);
    ImGui::PopFont();
}

void hex_word(const UiContext& ctx, uint64_t value, ImU32 color, int digits) {
    std::string s = hex_fixed(value, digits);
    size_t lead = 0;
    while (lead + 1 < s.size() && s[lead] == '0') lead++;
    ImGui::PushFont(ctx.fonts.mono);
    if (lead > 0) {
        text(ctx.colors.text_faint, s.substr(0, lead));
        ImGui::SameLine(0, 0);
    }
    text(color ? color : ctx.colors.text, s.substr(lead));
    ImGui::PopFont();
}

bool link(const UiContext& ctx, const std::string& label, const char* id, ImU32 color) {
    ImVec2 size = ImGui::CalcTextSize(label.c_str());
    ImVec2 pos = ImGui::GetCursorScreenPos();
    ImGui::PushID(id);
    bool clicked =
        ImGui::InvisibleButton("##link", ImVec2(std::max(size.x, 1.0f), std::max(size.y, 1.0f)));
    bool hovered = ImGui::IsItemHovered();
    ImGui::PopID();
    ImU32 c = hovered ? ctx.colors.anchor_hover : (color ? color : ctx.colors.anchor);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddText(pos, c, label.c_str());
    if (hovered) {
        draw->AddLine(ImVec2(pos.x, pos.y + size.y), ImVec2(pos.x + size.x, pos.y + size.y), c);
        ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
    }
    return clicked;
}

bool chip(const char* label, bool on, ImU32 accent, ImU32 accent_bg, float height) {
    ImGuiStyle& style = ImGui::GetStyle();
    const char* shown_end = std::strstr(label, "##");  // ImGui's hidden-id suffix
    if (!shown_end) shown_end = label + std::strlen(label);
    ImVec2 text_size = ImGui::CalcTextSize(label, shown_end);
    float h = height > 0 ? height : ImGui::GetFrameHeight();
    ImVec2 size(text_size.x + style.FramePadding.x * 2.0f, h);
    ImVec2 pos = ImGui::GetCursorScreenPos();
    bool clicked = ImGui::InvisibleButton(label, size);
    bool hovered = ImGui::IsItemHovered();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    ImU32 border = on ? accent : ImGui::GetColorU32(ImGuiCol_Border);
    ImU32 bg =
        on ? accent_bg : ImGui::GetColorU32(hovered ? ImGuiCol_ButtonHovered : ImGuiCol_FrameBg);
    if (on && hovered) bg = mix(accent_bg, accent, 0.25f);
    float rounding = h * 0.5f;
    draw->AddRectFilled(pos, ImVec2(pos.x + size.x, pos.y + size.y), bg, rounding);
    draw->AddRect(pos, ImVec2(pos.x + size.x, pos.y + size.y), border, rounding, 0,
                  on ? 1.5f : 1.0f);
    ImU32 text_color = on ? accent : ImGui::GetColorU32(ImGuiCol_Text);
    draw->AddText(ImVec2(pos.x + style.FramePadding.x, pos.y + (h - text_size.y) * 0.5f),
                  text_color, label, shown_end);
    return clicked;
}

void tooltip(const std::string& s, float wrap_em) {
    if (!ImGui::IsItemHovered()) return;
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * wrap_em);
    ImGui::TextUnformatted(s.c_str());
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
}

void centered_message(const UiContext& ctx, const std::string& message, ImU32 color) {
    (void)ctx;
    ImVec2 avail = ImGui::GetContentRegionAvail();
    float wrap = std::max(avail.x - 20.0f, 100.0f);
    ImVec2 size = ImGui::CalcTextSize(message.c_str(), nullptr, false, wrap);
    ImVec2 cursor = ImGui::GetCursorPos();
    ImGui::SetCursorPos(ImVec2(cursor.x + std::max(0.0f, (avail.x - size.x) * 0.5f),
                               cursor.y + std::max(0.0f, (avail.y - size.y) * 0.4f)));
    ImGui::PushTextWrapPos(ImGui::GetCursorPos().x + wrap);
    ImGui::PushStyleColor(ImGuiCol_Text, color);
    ImGui::TextUnformatted(message.c_str());
    ImGui::PopStyleColor();
    ImGui::PopTextWrapPos();
}

bool draw_no_machine(const UiContext& ctx, const Pane& pane) {
    if (pane.ok()) return false;
    centered_message(ctx, "no machine: " + pane.error(), ctx.colors.error);
    return true;
}

namespace {

// Hatch tiles in the font atlas, one per stroke spacing: a tile is drawn
// with the atlas texture the panels already use (no extra draw command), so
// a row's hatching is a quad or two instead of a line per stroke.
struct HatchTile {
    int period = 0;
    int rect_id = -1;
    int w = 0, h = 0;
};
std::vector<HatchTile>& hatch_tiles() {
    static std::vector<HatchTile> tiles;
    return tiles;
}

}  // namespace

void add_hatch_tiles(ImFontAtlas* atlas, std::initializer_list<float> spacings, float max_height) {
    std::vector<HatchTile>& tiles = hatch_tiles();
    tiles.clear();
    for (float spacing : spacings) {
        int period = static_cast<int>(std::lround(spacing));
        if (period < 2) continue;
        HatchTile t;
        t.period = period;
        // Whole periods both ways, so tiles laid side by side continue the strokes.
        t.w = period * std::max(1, 256 / period);
        t.h = period * std::max(1, static_cast<int>(std::ceil(max_height / period)));
        t.rect_id = atlas->AddCustomRectRegular(t.w, t.h);
        tiles.push_back(t);
    }
}

void fill_hatch_tiles(ImFontAtlas* atlas) {
    unsigned char* pixels = nullptr;
    int tex_w = 0, tex_h = 0;
    atlas->GetTexDataAsRGBA32(&pixels, &tex_w, &tex_h);
    if (!pixels) return;
    for (const HatchTile& t : hatch_tiles()) {
        const ImFontAtlasCustomRect* r = atlas->GetCustomRectByIndex(t.rect_id);
        if (!r || !r->IsPacked()) continue;
        // A stroke from bottom-left to top-right every `period` pixels
        // through the tile's top-left corner: x + y = n * period.
        for (int y = 0; y < t.h; y++)
            for (int x = 0; x < t.w; x++) {
                unsigned char* px =
                    pixels + (static_cast<size_t>(r->Y + y) * tex_w + (r->X + x)) * 4;
                px[0] = px[1] = px[2] = 255;
                px[3] = (x + y) % t.period == 0 ? 255 : 0;
            }
    }
}

void hatch(ImDrawList* draw, ImVec2 min, ImVec2 max, ImU32 color, float spacing) {
    float h = max.y - min.y;
    if (h <= 0 || spacing <= 0 || max.x <= min.x) return;
    ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    const HatchTile* tile = nullptr;
    for (const HatchTile& t : hatch_tiles())
        if (t.period == static_cast<int>(std::lround(spacing))) tile = &t;
    const ImFontAtlasCustomRect* rect =
        tile && atlas->TexID == draw->_CmdHeader.TextureId && atlas->TexWidth > 0
            ? atlas->GetCustomRectByIndex(tile->rect_id)
            : nullptr;
    if (rect && rect->IsPacked()) {
        // Whole pixels, so each texel lands on one pixel (the atlas is
        // sampled linearly).
        ImVec2 origin(std::floor(min.x), std::floor(min.y));
        ImVec2 uv_scale(1.0f / atlas->TexWidth, 1.0f / atlas->TexHeight);
        for (float y = origin.y; y < max.y; y += tile->h)
            for (float x = origin.x; x < max.x; x += tile->w) {
                ImVec2 a(x, y), b(std::min(x + tile->w, max.x), std::min(y + tile->h, max.y));
                ImVec2 uv_a(rect->X * uv_scale.x, rect->Y * uv_scale.y);
                ImVec2 uv_b((rect->X + (b.x - a.x)) * uv_scale.x,
                            (rect->Y + (b.y - a.y)) * uv_scale.y);
                draw->PrimReserve(6, 4);
                draw->PrimRectUV(a, b, uv_a, uv_b, color);
            }
        return;
    }
    // No tile for this spacing: each stroke clipped by hand (a clip
    // rectangle per row would be a draw command per row).
    for (float x = min.x - h; x < max.x; x += spacing) {
        float t0 = std::max(0.0f, (min.x - x) / h), t1 = std::min(1.0f, (max.x - x) / h);
        if (t1 <= t0) continue;
        draw->AddLine(ImVec2(x + t0 * h, max.y - t0 * h), ImVec2(x + t1 * h, max.y - t1 * h), color,
                      1.0f);
    }
}

void badge(const std::string& label, ImU32 color, ImU32 bg) {
    ImVec2 size = ImGui::CalcTextSize(label.c_str());
    float pad = ImGui::GetFontSize() * 0.3f;
    ImVec2 pos = ImGui::GetCursorScreenPos();
    ImVec2 box(size.x + pad * 2, size.y);
    ImGui::Dummy(box);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(pos, ImVec2(pos.x + box.x, pos.y + box.y), bg, size.y * 0.3f);
    draw->AddText(ImVec2(pos.x + pad, pos.y), color, label.c_str());
}

ImU32 event_color(const Palette& colors, EventKind kind) {
    switch (kind) {
        case EventKind::SyscallEntry:
        case EventKind::Swapgs:
        case EventKind::StackSwitch:
            return colors.event_cpu;
        case EventKind::Label:
        case EventKind::FrameState:
            return colors.event_label;
        case EventKind::Call:
        case EventKind::Return:
        case EventKind::HandlerReturn:
            return colors.event_call;
        case EventKind::TifCheck:
        case EventKind::SysretCheck:
            return colors.event_check;
        case EventKind::Schedule:
        case EventKind::SignalDelivered:
        case EventKind::SignalReturn:
        case EventKind::Audit:
        case EventKind::TracerStop:
        case EventKind::TaskWork:
        case EventKind::Notifier:
        case EventKind::Tracepoint:
            return colors.event_work;
        case EventKind::Sysret:
        case EventKind::Iret:
        case EventKind::Decision:
        case EventKind::Exit:
            return colors.event_exit;
        case EventKind::Fault:
        case EventKind::Oops:
        case EventKind::Livelock:
        case EventKind::StepLimit:
            return colors.event_fault;
        case EventKind::Inject:
        case EventKind::Edit:
            return colors.event_host;
    }
    return colors.text;
}

bool horizontal_splitter(const char* id, float* ratio, float total, float thickness) {
    ImVec2 pos = ImGui::GetCursorScreenPos();
    float width = ImGui::GetContentRegionAvail().x;
    ImGui::InvisibleButton(id, ImVec2(width, thickness));
    bool active = ImGui::IsItemActive();
    if (ImGui::IsItemHovered() || active) ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeNS);
    if (active && total > 1.0f) {
        *ratio = std::clamp(*ratio + ImGui::GetIO().MouseDelta.y / total, 0.12f, 0.88f);
    }
    ImU32 col = ImGui::GetColorU32(active                   ? ImGuiCol_SeparatorActive
                                   : ImGui::IsItemHovered() ? ImGuiCol_SeparatorHovered
                                                            : ImGuiCol_Separator);
    float y = pos.y + thickness * 0.5f;
    ImGui::GetWindowDrawList()->AddLine(ImVec2(pos.x, y), ImVec2(pos.x + width, y), col, 1.0f);
    return active;
}

void row_background(ImVec2 min, float height, ImU32 color) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    float x0 = ImGui::GetWindowPos().x;
    float x1 = x0 + ImGui::GetWindowWidth();
    draw->AddRectFilled(ImVec2(x0, min.y), ImVec2(x1, min.y + height), color);
}

std::vector<Pointer::Target> point_targets(const std::string& kind, const std::string& name) {
    if (kind == "panel") return {{name == "kstack" ? "stack" : name, ""}};
    if (kind == "flag") return {{"tif", name}, {"controls", name}};
    if (kind == "label") return {{"path", name}, {"code", name}};
    if (kind == "register") return {{"regs", name}};
    if (kind == "field") {
        // pt_regs.<slot>: the row in the registers table and the stack word.
        if (name.rfind("pt_regs.", 0) == 0) return {{"regs", name}, {"stack", name}};
        if (name == "decision") return {{"path", name}};
        if (name == "rsp" || name == "base") return {{"stack", name}};
        if (name == "console") return {{"user", name}};
        return {{"regs", name}, {"user", name}, {"controls", name}};
    }
    return {{kind, name}};
}

void UiContext::outline_if_pointed(std::string_view panel, std::string_view item, ImVec2 min,
                                   ImVec2 max) const {
    if (!pointed(panel, item)) return;
    double age = clock.now - pointer.since;
    // Pulse for a few seconds, then stay outlined without forcing redraws.
    float pulse = age < 3.0 ? 0.55f + 0.45f * std::sin(static_cast<float>(age) * 6.0f) : 1.0f;
    ImDrawList* draw = ImGui::GetForegroundDrawList();
    float pad = 2.0f * scale;
    // Clipped to the panel, so an item scrolled out of view does not draw
    // its outline over a neighbour.
    ImVec2 window_min = ImGui::GetWindowPos();
    ImVec2 window_size = ImGui::GetWindowSize();
    draw->PushClipRect(window_min,
                       ImVec2(window_min.x + window_size.x, window_min.y + window_size.y), true);
    draw->AddRect(ImVec2(min.x - pad, min.y - pad), ImVec2(max.x + pad, max.y + pad),
                  with_alpha(colors.pointer, pulse), 4.0f * scale, 0, 2.5f * scale);
    draw->PopClipRect();
}

void glossary_tooltip(const GlossaryEntry& entry) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32.0f);
    ImGui::TextUnformatted(entry.term);
    ImGui::Separator();
    ImGui::TextUnformatted(entry.text);
    ImGui::TextDisabled("In the app: %s", entry.where);
    ImGui::TextDisabled("F1: the glossary");
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
}

void glossary_tip(const char* term) {
    if (!ImGui::IsItemHovered()) return;
    if (const GlossaryEntry* e = glossary_entry(term)) glossary_tooltip(*e);
}

}  // namespace slowpath::gui
