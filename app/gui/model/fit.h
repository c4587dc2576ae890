// Layout arithmetic with no ImGui in it: how large the text may be for a
// window, how big the path graph's labels can be drawn in its panel, which
// columns of the kernel stack fit, where the stack scrolls to, and the record
// of what each panel fitted (the --dump-state "layout_fit" object), so a test
// can check that nothing that carries the lesson was cut off.
//
// Sizes are pixels; "em" is a multiple of the font size in use.
#pragma once
#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace slowpath::gui {

// ---- the UI scale ----

// The factor the window size adds to the DPI and the zoom: a 1920x1080
// window gets larger text than a 1280x800 one; presenter mode more again.
float window_scale(float width, float height, bool presenter);
// The largest scale at which the lesson's panels still fit the window (the
// path graph with both exits, the decision banner, the flags, the pt_regs
// names): zoom never grows the text past it.
float max_scale_for_window(float width, float height, bool presenter);
// DPI x zoom x window factor, held under the cap, rounded to 0.05 (fewer
// font rebuilds while a window is resized).
float ui_scale_for(float dpi, float zoom, float width, float height, bool presenter);
// The controls strip grows at half the rate of the rest: it must not take
// the height the lesson needs. Returns the factor to apply to its font.
float controls_font_factor(float ui_scale);

// ---- the path graph ----

// Node label geometry in em of the label font.
struct GraphGeometry {
    float pad_x = 0.4f;  // label to box side
    float pad_y = 0.2f;  // label to box top/bottom
    float line = 1.08f;  // one text line in a box
    float hgap = 1.0f;   // between columns (the edges' room)
    float vgap = 0.55f;  // between rows, at the least
    float below = 0.7f;  // room under the bottom row
    float call = 0.85f;  // the line of C calls drawn under a node (its font size, in em)
    // Rows far enough apart for a line of calls under every node: it must
    // clear the node below (rfc syscall_exit_slowpath over sysret_using_iret,
    // modern exit_to_user_mode_loop over the iret). A crowded panel turns it
    // off: then only nodes with nothing under them show their calls.
    bool call_rooms = true;
    float row_gap() const { return call_rooms ? std::max(vgap, call * 1.1f) : vgap; }
    float below_last() const { return call_rooms ? row_gap() : below; }
};

// One way to draw the graph: the widest label of each column (in em, at
// one line or the widest line of a split name) and text lines per row.
struct GraphShape {
    std::vector<float> col_text_em;
    std::vector<int> row_lines;  // 1 or 2 for each row
};
// Height of a node box in a row, in em.
float graph_row_height_em(const GraphShape& shape, int row, const GraphGeometry& g = {});

float graph_width_em(const GraphShape& shape, const GraphGeometry& g = {});
float graph_height_em(const GraphShape& shape, const GraphGeometry& g = {});

struct GraphFit {
    float font = 0;   // label font size to draw at
    float width = 0;  // of the drawing at that size
    float height = 0;
    int shape = -1;     // which shape won (index)
    bool fits = false;  // the whole drawing is inside the area at font >= min_font
};

// The largest label font (<= max_font) at which a shape fits avail_w x
// avail_h; of several shapes, the one that allows the larger font. When none
// fits at min_font the result has fits = false and font = min_font (the
// drawing scrolls).
GraphFit fit_graph(const std::vector<GraphShape>& shapes, float avail_w, float avail_h,
                   float min_font, float max_font, const GraphGeometry& g = {});

// A label split in two at the underscore nearest its middle ("system_call_"
// + "after_swapgs"); the second part is empty when there is no underscore.
std::pair<std::string, std::string> split_label(const std::string& name);

// ---- the kernel stack ----

// Columns of a stack row, in characters of the mono font.
struct StackColumns {
    bool address = true;   // the 6-digit address column
    int value_chars = 16;  // the value, right part (leading digits cut with "…")
    float marker = 5.0f;   // "rsp▶" column
    float x_bar = 0, x_addr = 0, x_value = 0, x_meaning = 0;  // column starts, in chars
    float width = 0;                                          // whole row
    bool fits = false;  // marker, name and state all inside avail_chars
};

// `meaning_chars`: the longest slot name with its state ("orig_rax  (not fixed up)").
StackColumns fit_stack_columns(float avail_chars, float meaning_chars);

// Where the stack view scrolls after a move: the top of the pt_regs frame
// stays in view as long as the rsp row fits below it; otherwise rsp is kept
// in view. Returns the new scroll position (`current` when nothing needs to
// move). Rows are y offsets from the top of the content.
float stack_scroll_target(float frame_top, float rsp_y, float line_h, float view_h, float current);

// ---- a grid of equal cells (the TIF flags) ----

struct GridFit {
    int cols = 1, rows = 0;
    float factor = 1.0f;  // font and cell size factor (<= 1)
    float cell_w = 0, cell_h = 0;
    bool fits = false;
};

// The most columns that fit the width at the largest factor in
// [min_factor, 1] with every row inside avail_h.
GridFit fit_grid(int cells, float cell_w, float cell_h, float gap, float avail_w, float avail_h,
                 float min_factor);

// ---- what the panels fitted ----

struct FitReport {
    bool fits = true;                    // everything that carries the lesson is inside the panel
    bool scrolls = false;                // some content is reached by scrolling (allowed when fits)
    float avail_w = 0, avail_h = 0;      // the panel's content area
    float content_w = 0, content_h = 0;  // what the content needed
    float font = 0;                      // the size the main content was drawn at
    std::vector<std::string> clipped;    // what did not fit ("" when fits)
    // Optional parts and whether they were drawn (the path graph's "call
    // lines", given up in a crowded panel).
    std::map<std::string, bool> shown;
};

// Records a panel's fit for a frame (ImGui's frame count). A later report
// for the same panel in the same frame merges: fits only if both fit.
void report_fit(const std::string& panel, const FitReport& report, uint64_t frame);
// ---- one line of text ----

// `text` as it fits in `width`: whole when it fits, else its longest prefix
// of whole UTF-8 characters followed by an ellipsis ("…"), or "" when not
// even the ellipsis fits. `measure` gives a string's width in pixels.
std::string cut_to_fit(const std::string& text, float width,
                       const std::function<float(const std::string&)>& measure);

// The reports of the latest frame, by panel id.
nlohmann::json fit_reports_json();
void clear_fit_reports();

}  // namespace slowpath::gui
