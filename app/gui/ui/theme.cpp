#include "ui/theme.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "ui/widgets.h"

namespace slowpath::gui {

namespace fs = std::filesystem;

namespace {

const char kSystemFontDir[] = "/usr/share/fonts/truetype/dejavu";

constexpr ImU32 rgb(unsigned hex, unsigned alpha = 255) {
    return IM_COL32((hex >> 16) & 0xff, (hex >> 8) & 0xff, hex & 0xff, alpha);
}

Palette make_dark() {
    Palette p{};
    p.text = rgb(0xdcdfe4);
    p.text_dim = rgb(0x8b929c);
    p.text_faint = rgb(0x5c6370);
    p.text_strong = rgb(0xffffff);
    p.panel_bg = rgb(0x1f2227);
    p.header_bg = rgb(0x2a2e35);
    p.current_line = rgb(0xe5c07b, 70);
    p.passed_line = rgb(0x4f7cac, 45);
    p.anchor = rgb(0x61afef);
    p.anchor_hover = rgb(0x9fd0ff);
    p.changed = rgb(0xf0c674);
    p.changed_bg = rgb(0xe5c07b, 55);
    p.slot_valid = rgb(0xdcdfe4);
    p.slot_not_saved = rgb(0x6b717c);
    p.slot_unfixed = rgb(0xe0a060);
    p.slot_not_saved_bg = rgb(0x3a3f47, 120);
    p.slot_unfixed_bg = rgb(0xd19a66, 40);
    p.node_bg = rgb(0x2a2e35);
    p.node_border = rgb(0x4b515c);
    p.node_text = rgb(0xb8bec8);
    p.node_visited_bg = rgb(0x1f4d48);
    p.node_visited_border = rgb(0x56b6c2);
    p.node_current_border = rgb(0xffd166);
    p.node_function_bg = rgb(0x35304a);
    p.edge = rgb(0x4b515c);
    p.edge_lit = rgb(0x56b6c2);
    p.token = rgb(0xffd166);
    p.sysret = rgb(0x8fd18a);
    p.iret = rgb(0xf5a46b);
    p.sysret_bg = rgb(0x2f5a2c);
    p.iret_bg = rgb(0x6a3a1c);
    p.flag_set = rgb(0xff8a95);
    p.flag_set_bg = rgb(0xe06c75, 60);
    p.flag_clear = rgb(0x5c6370);
    p.mask_bit = rgb(0x61afef);
    p.found_bit = rgb(0xffd166);
    p.flip = rgb(0xffffff, 110);
    p.ring0 = rgb(0xd19bf0);
    p.ring3 = rgb(0x98c379);
    p.pointer = rgb(0xff79c6);
    p.error = rgb(0xff7b7b);
    p.error_bg = rgb(0x5a1f24);
    p.ok = rgb(0x98c379);
    p.frame_colors[0] = rgb(0x61afef);
    p.frame_colors[1] = rgb(0xc678dd);
    p.frame_colors[2] = rgb(0x56b6c2);
    p.frame_colors[3] = rgb(0xe5c07b);
    p.timeline_bg = rgb(0x2a2e35);
    p.timeline_kernel = rgb(0x6c5a8c);
    p.timeline_focus = rgb(0xc678dd);
    p.timeline_cursor = rgb(0xffd166);
    p.event_cpu = rgb(0xd19bf0);
    p.event_label = rgb(0x61afef);
    p.event_call = rgb(0x56b6c2);
    p.event_check = rgb(0xe5c07b);
    p.event_work = rgb(0x98c379);
    p.event_exit = rgb(0xff9e64);
    p.event_fault = rgb(0xff6b6b);
    p.event_host = rgb(0xff79c6);
    return p;
}

Palette make_light() {
    Palette p{};
    p.text = rgb(0x1f2328);
    p.text_dim = rgb(0x59636e);
    p.text_faint = rgb(0x8c959f);
    p.text_strong = rgb(0x000000);
    p.panel_bg = rgb(0xfafafa);
    p.header_bg = rgb(0xe8ebef);
    p.current_line = rgb(0xffd54f, 110);
    p.passed_line = rgb(0x4a90d9, 38);
    p.anchor = rgb(0x0b5cad);
    p.anchor_hover = rgb(0x003d80);
    p.changed = rgb(0xa84f00);
    p.changed_bg = rgb(0xffc94d, 90);
    p.slot_valid = rgb(0x1f2328);
    p.slot_not_saved = rgb(0x9aa1a9);
    p.slot_unfixed = rgb(0xb35300);
    p.slot_not_saved_bg = rgb(0xd0d4da, 140);
    p.slot_unfixed_bg = rgb(0xffb74d, 60);
    p.node_bg = rgb(0xffffff);
    p.node_border = rgb(0xb3bac4);
    p.node_text = rgb(0x3d444d);
    p.node_visited_bg = rgb(0xd3f1ea);
    p.node_visited_border = rgb(0x1f8a70);
    p.node_current_border = rgb(0xd97706);
    p.node_function_bg = rgb(0xece6fb);
    p.edge = rgb(0xc0c6cf);
    p.edge_lit = rgb(0x1f8a70);
    p.token = rgb(0xe07b00);
    p.sysret = rgb(0x23802a);
    p.iret = rgb(0xc2410c);
    p.sysret_bg = rgb(0xd5f0d2);
    p.iret_bg = rgb(0xffe0cc);
    p.flag_set = rgb(0xb3261e);
    p.flag_set_bg = rgb(0xf28b82, 80);
    p.flag_clear = rgb(0x9aa1a9);
    p.mask_bit = rgb(0x0b5cad);
    p.found_bit = rgb(0xc26a00);
    p.flip = rgb(0xffb300, 150);
    p.ring0 = rgb(0x7b1fa2);
    p.ring3 = rgb(0x2e7d32);
    p.pointer = rgb(0xd6336c);
    p.error = rgb(0xb3261e);
    p.error_bg = rgb(0xfde2e1);
    p.ok = rgb(0x2e7d32);
    p.frame_colors[0] = rgb(0x1a73e8);
    p.frame_colors[1] = rgb(0x8e24aa);
    p.frame_colors[2] = rgb(0x00897b);
    p.frame_colors[3] = rgb(0xc77700);
    p.timeline_bg = rgb(0xe3e6ea);
    p.timeline_kernel = rgb(0xb39ddb);
    p.timeline_focus = rgb(0x7b1fa2);
    p.timeline_cursor = rgb(0xe07b00);
    p.event_cpu = rgb(0x7b1fa2);
    p.event_label = rgb(0x0b5cad);
    p.event_call = rgb(0x00796b);
    p.event_check = rgb(0x9a6700);
    p.event_work = rgb(0x2e7d32);
    p.event_exit = rgb(0xc2410c);
    p.event_fault = rgb(0xc62828);
    p.event_host = rgb(0xad1457);
    return p;
}

}  // namespace

const Palette& palette(bool dark) {
    static const Palette dark_palette = make_dark();
    static const Palette light_palette = make_light();
    return dark ? dark_palette : light_palette;
}

ImU32 with_alpha(ImU32 color, float alpha) {
    unsigned a = (color >> IM_COL32_A_SHIFT) & 0xff;
    a = static_cast<unsigned>(a * std::clamp(alpha, 0.0f, 1.0f));
    return (color & ~IM_COL32_A_MASK) | (a << IM_COL32_A_SHIFT);
}

ImU32 mix(ImU32 a, ImU32 b, float t) {
    t = std::clamp(t, 0.0f, 1.0f);
    auto channel = [&](int shift) {
        float x = static_cast<float>((a >> shift) & 0xff),
              y = static_cast<float>((b >> shift) & 0xff);
        return static_cast<ImU32>(x + (y - x) * t + 0.5f) << shift;
    };
    return channel(IM_COL32_R_SHIFT) | channel(IM_COL32_G_SHIFT) | channel(IM_COL32_B_SHIFT) |
           channel(IM_COL32_A_SHIFT);
}

void apply_style(bool dark, float scale) {
    ImGuiStyle& style = ImGui::GetStyle();
    style = ImGuiStyle();
    if (dark)
        ImGui::StyleColorsDark(&style);
    else
        ImGui::StyleColorsLight(&style);
    style.WindowRounding = 3.0f;
    style.ChildRounding = 2.0f;
    style.FrameRounding = 3.0f;
    style.PopupRounding = 3.0f;
    style.GrabRounding = 3.0f;
    style.TabRounding = 3.0f;
    style.ScrollbarRounding = 3.0f;
    style.WindowPadding = ImVec2(7, 5);
    style.FramePadding = ImVec2(6, 3);
    style.ItemSpacing = ImVec2(6, 4);
    style.ItemInnerSpacing = ImVec2(4, 4);
    style.CellPadding = ImVec2(5, 1);
    style.WindowBorderSize = 1.0f;
    style.FrameBorderSize = dark ? 0.0f : 1.0f;
    style.WindowTitleAlign = ImVec2(0.0f, 0.5f);
    style.ScrollbarSize = 12.0f;
    // Anti-aliased shapes cost extra triangles on every rectangle; with a
    // software renderer triangles are what a frame costs. The path graph
    // turns it back on for its curves.
    style.AntiAliasedFill = false;
    style.AntiAliasedLines = false;

    const Palette& p = palette(dark);
    ImVec4* c = style.Colors;
    // Panels draw no background of their own: the frame is cleared to the
    // panel colour instead. A software renderer (Mesa's llvmpipe) pays for
    // every pixel it blends, and the panels cover the whole window.
    c[ImGuiCol_WindowBg] = ImGui::ColorConvertU32ToFloat4(p.panel_bg);
    c[ImGuiCol_WindowBg].w = 0.0f;
    c[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);
    c[ImGuiCol_TitleBg] = ImGui::ColorConvertU32ToFloat4(p.header_bg);
    c[ImGuiCol_TitleBgActive] = ImGui::ColorConvertU32ToFloat4(p.header_bg);
    c[ImGuiCol_TitleBgCollapsed] = ImGui::ColorConvertU32ToFloat4(p.header_bg);
    c[ImGuiCol_Text] = ImGui::ColorConvertU32ToFloat4(p.text);
    c[ImGuiCol_TextDisabled] = ImGui::ColorConvertU32ToFloat4(p.text_faint);
    if (dark) {
        c[ImGuiCol_Border] = ImVec4(0.30f, 0.32f, 0.36f, 0.70f);
        c[ImGuiCol_FrameBg] = ImVec4(0.17f, 0.19f, 0.22f, 1.0f);
        c[ImGuiCol_Button] = ImVec4(0.22f, 0.25f, 0.30f, 1.0f);
        c[ImGuiCol_ButtonHovered] = ImVec4(0.28f, 0.40f, 0.55f, 1.0f);
        c[ImGuiCol_ButtonActive] = ImVec4(0.32f, 0.48f, 0.66f, 1.0f);
        c[ImGuiCol_Header] = ImVec4(0.24f, 0.30f, 0.38f, 1.0f);
        c[ImGuiCol_Tab] = ImVec4(0.20f, 0.22f, 0.26f, 1.0f);
        c[ImGuiCol_TabActive] = ImVec4(0.28f, 0.36f, 0.48f, 1.0f);
        c[ImGuiCol_TabHovered] = ImVec4(0.32f, 0.44f, 0.58f, 1.0f);
        c[ImGuiCol_TableRowBgAlt] = ImVec4(1, 1, 1, 0.025f);
    } else {
        c[ImGuiCol_Border] = ImVec4(0.70f, 0.72f, 0.76f, 0.80f);
        c[ImGuiCol_FrameBg] = ImVec4(1.0f, 1.0f, 1.0f, 1.0f);
        c[ImGuiCol_Button] = ImVec4(0.90f, 0.92f, 0.95f, 1.0f);
        c[ImGuiCol_ButtonHovered] = ImVec4(0.78f, 0.86f, 0.96f, 1.0f);
        c[ImGuiCol_ButtonActive] = ImVec4(0.66f, 0.78f, 0.94f, 1.0f);
        c[ImGuiCol_Header] = ImVec4(0.80f, 0.87f, 0.96f, 1.0f);
        c[ImGuiCol_Tab] = ImVec4(0.86f, 0.88f, 0.91f, 1.0f);
        c[ImGuiCol_TabActive] = ImVec4(1.0f, 1.0f, 1.0f, 1.0f);
        c[ImGuiCol_TabHovered] = ImVec4(0.78f, 0.86f, 0.96f, 1.0f);
        c[ImGuiCol_TableRowBgAlt] = ImVec4(0, 0, 0, 0.03f);
        c[ImGuiCol_TableHeaderBg] = ImVec4(0.88f, 0.90f, 0.93f, 1.0f);
        c[ImGuiCol_TitleBg] = ImGui::ColorConvertU32ToFloat4(p.header_bg);
    }
    style.ScaleAllSizes(scale);
}

std::string find_font_dir() {
    std::error_code ec;
    auto has_fonts = [&](const fs::path& dir) {
        return fs::is_regular_file(dir / "DejaVuSans.ttf", ec) &&
               fs::is_regular_file(dir / "DejaVuSansMono.ttf", ec);
    };
    if (const char* env = std::getenv("SLOWPATH_FONT_DIR"); env && *env && has_fonts(env))
        return env;
    // Debian's fonts-dejavu-core, which the setup installs and the package depends on.
    if (has_fonts(kSystemFontDir)) return kSystemFontDir;
    return "";
}

Fonts load_fonts(ImFontAtlas* atlas, float scale) {
    // Latin, arrows, box drawing and geometric shapes (the glyphs the panels use).
    static const ImWchar ranges[] = {
        0x0020, 0x00FF, 0x2010, 0x205E, 0x2190, 0x21FF, 0x2212, 0x2212,
        0x2260, 0x2265, 0x2500, 0x25FF, 0x2713, 0x2717, 0,
    };
    atlas->Clear();
    Fonts fonts;
    fonts.dir = find_font_dir();
    ImFontConfig config;
    config.OversampleH = 2;
    config.OversampleV = 1;
    config.PixelSnapH = false;
    auto add = [&](const char* file, float size) -> ImFont* {
        if (fonts.dir.empty()) return nullptr;
        std::string path = (fs::path(fonts.dir) / file).string();
        std::error_code ec;
        if (!fs::is_regular_file(path, ec)) return nullptr;
        return atlas->AddFontFromFileTTF(path.c_str(), size * scale, &config, ranges);
    };
    fonts.sans = add("DejaVuSans.ttf", 15.0f);
    if (fonts.sans) {
        fonts.bundled = true;
        fonts.bold = add("DejaVuSans-Bold.ttf", 15.0f);
        fonts.mono = add("DejaVuSansMono.ttf", 14.0f);
        fonts.mono_bold = add("DejaVuSansMono-Bold.ttf", 14.0f);
        fonts.heading = add("DejaVuSans-Bold.ttf", 19.0f);
        fonts.small = add("DejaVuSans.ttf", 12.5f);
        // fonts-dejavu-extra (recommended): without it italic is upright.
        fonts.italic = add("DejaVuSans-Oblique.ttf", 15.0f);
    }
    if (!fonts.sans) {
        ImFontConfig fallback;
        fallback.SizePixels = 13.0f * scale;
        fonts.sans = atlas->AddFontDefault(&fallback);
    }
    if (!fonts.bold) fonts.bold = fonts.sans;
    if (!fonts.mono) fonts.mono = fonts.sans;
    if (!fonts.mono_bold) fonts.mono_bold = fonts.mono;
    if (!fonts.heading) fonts.heading = fonts.bold;
    if (!fonts.small) fonts.small = fonts.sans;
    if (!fonts.italic) fonts.italic = fonts.sans;
    // The kernel stack's and the registers' hatching (their spacings), rows
    // up to three lines high.
    add_hatch_tiles(atlas, {9.0f * scale, 6.0f * scale}, 54.0f * scale);
    atlas->Build();
    fill_hatch_tiles(atlas);
    return fonts;
}

}  // namespace slowpath::gui
