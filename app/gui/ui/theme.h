// Colours and fonts. Panels use the semantic colours here, never raw values,
// so the light and dark themes stay consistent.
#pragma once
#include <imgui.h>

#include <string>

namespace slowpath::gui {

struct Palette {
    ImU32 text, text_dim, text_faint, text_strong;
    ImU32 panel_bg, header_bg;
    ImU32 current_line, passed_line, anchor, anchor_hover;
    ImU32 changed, changed_bg;
    ImU32 slot_valid, slot_not_saved, slot_unfixed, slot_not_saved_bg, slot_unfixed_bg;
    ImU32 node_bg, node_border, node_text, node_visited_bg, node_visited_border;
    ImU32 node_current_border, node_function_bg, edge, edge_lit, token;
    ImU32 sysret, iret, sysret_bg, iret_bg;
    ImU32 flag_set, flag_set_bg, flag_clear, mask_bit, found_bit, flip;
    ImU32 ring0, ring3;
    ImU32 pointer;
    ImU32 error, error_bg, ok;
    ImU32 frame_colors[4];
    ImU32 timeline_bg, timeline_kernel, timeline_focus, timeline_cursor;
    ImU32 event_cpu, event_label, event_call, event_check, event_work, event_exit, event_fault,
        event_host;
};

const Palette& palette(bool dark);
// Applies ImGui's style for a theme at a UI scale.
void apply_style(bool dark, float scale);

struct Fonts {
    ImFont* sans = nullptr;
    ImFont* bold = nullptr;
    ImFont* mono = nullptr;
    ImFont* mono_bold = nullptr;
    ImFont* heading = nullptr;
    ImFont* small = nullptr;
    ImFont* italic = nullptr;  // *italic* narration (fonts-dejavu-extra); else sans
    bool bundled = false;      // false: the fonts were not found and ImGui's default is used
    std::string dir;
};

// Where the DejaVu fonts are: $SLOWPATH_FONT_DIR, else the system's
// (Debian's fonts-dejavu-core).
std::string find_font_dir();
// Clears `atlas` and loads every font into it at `scale`, then builds it.
// Touches no ImGui context: the first atlas is built on a thread of its own
// while the window opens. Otherwise call between frames.
Fonts load_fonts(ImFontAtlas* atlas, float scale);

ImU32 with_alpha(ImU32 color, float alpha);
ImU32 mix(ImU32 a, ImU32 b, float t);

}  // namespace slowpath::gui
