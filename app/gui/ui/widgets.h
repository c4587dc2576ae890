// Small drawing helpers shared by the panels.
#pragma once
#include <imgui.h>

#include <cstdint>
#include <initializer_list>
#include <string>

#include "slowpath/numbers.h"  // hex()
#include "slowpath/trace.h"
#include "ui/panel.h"

namespace slowpath::gui {

std::string hex_fixed(uint64_t value, int digits = 16);  // "0000000000401a3c"

// Text in a colour (no formatting, so any string is safe).
void text(ImU32 color, const std::string& s);
void text_font(ImFont* font, ImU32 color, const std::string& s);

// A 64-bit value as 16 hex digits, leading zeros faint so the digits that
// matter stand out. Returns the drawn rectangle's width.
void hex_word(const UiContext& ctx, uint64_t value, ImU32 color, int digits = 16);

// Clickable text; true when clicked.
bool link(const UiContext& ctx, const std::string& label, const char* id, ImU32 color = 0);

// A toggle drawn as a rounded chip. `accent` fills it when on.
bool chip(const char* label, bool on, ImU32 accent, ImU32 accent_bg, float height = 0.0f);

// A tooltip with wrapped text for the last item.
void tooltip(const std::string& s, float wrap_em = 32.0f);

// A message centred in the remaining space of a panel (empty states, errors).
void centered_message(const UiContext& ctx, const std::string& message, ImU32 color);
// Every panel's empty state when its pane has no machine (the guest failed to
// load or boot): says why and returns true, so the panel draws nothing else.
bool draw_no_machine(const UiContext& ctx, const Pane& pane);

// Diagonal lines across a rectangle: how "not saved" slots look.
void hatch(ImDrawList* draw, ImVec2 min, ImVec2 max, ImU32 color, float spacing);
// Tiles of those lines in the font atlas, for the spacings the panels use
// (registered before the atlas is built, filled in after): with them a
// hatched row is a quad or two of the atlas texture, not a line per stroke.
void add_hatch_tiles(ImFontAtlas* atlas, std::initializer_list<float> spacings, float max_height);
void fill_hatch_tiles(ImFontAtlas* atlas);

// A small coloured badge with text, drawn at the cursor like an item.
void badge(const std::string& label, ImU32 color, ImU32 bg);

// The colour an event kind is drawn in (timeline, event list).
ImU32 event_color(const Palette& colors, EventKind kind);

// A bar between two stacked regions that can be dragged; `ratio` is the
// top region's share of `total`. Returns true while dragging.
bool horizontal_splitter(const char* id, float* ratio, float total, float thickness);

// Row background across the whole width of the current window.
void row_background(ImVec2 min, float height, ImU32 color);

// The glossary's entry for `term` as the tooltip of the last item, when
// hovered (model/glossary.h).
void glossary_tip(const char* term);
// The same for an entry already found.
struct GlossaryEntry;
void glossary_tooltip(const GlossaryEntry& entry);

}  // namespace slowpath::gui
