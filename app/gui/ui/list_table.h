// The lists of the Syscalls, Events and Tasks panels: one table each, set
// up alike (a frozen header row, striped rows, fixed columns but one that
// stretches), rows whose first cell selects the whole row, and a scroll
// that follows the row of the current step after a move.
#pragma once
#include <imgui.h>

#include <cstdint>
#include <initializer_list>
#include <string>

#include "ui/panel.h"

namespace slowpath::gui {

struct ListColumn {
    const char* name;
    float width_em = 0;  // in font sizes; 0: the column that stretches
};

// BeginTable with the columns and their header row; false when the table
// is not drawn (then no EndTable).
bool begin_list_table(const char* id, std::initializer_list<ListColumn> columns);

// The height of one row: a line of text and the cell padding.
float list_row_height();

// The first cell of a row: `label` in the mono font and `color`, selectable
// across the row, marked `mark` for the tests. True when clicked.
bool list_row_selectable(UiContext& ctx, int id, const std::string& label, bool selected,
                         ImU32 color, const std::string& mark);

// Scrolls the list so that the row at `row_y` (from the list's top) is in
// view, once per move of the pane (`generation`, remembered in `scrolled_for`).
void follow_list_row(float row_y, float row_h, uint64_t generation, uint64_t& scrolled_for);

}  // namespace slowpath::gui
