#include "model/fit.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace slowpath::gui {

// ---- the UI scale ----

float window_scale(float width, float height, bool presenter) {
    if (width <= 0 || height <= 0) return presenter ? 1.5f : 1.0f;
    if (presenter) return std::clamp(std::min(height / 720.0f, width / 1150.0f), 1.15f, 3.2f);
    return std::clamp(std::min(height / 900.0f, width / 1500.0f), 1.0f, 2.4f);
}

float max_scale_for_window(float width, float height, bool presenter) {
    if (width <= 0 || height <= 0) return 4.0f;
    // Measured on the app's own layout (tests/gui/layout_test.cpp runs each
    // size): presenter mode's rows hold the lesson down to about 680 px of
    // height per unit of scale (controls, the graph with its banner, the
    // flags), 700 of width (the graph's six columns); the full grid, with
    // more panels, needs more of both.
    if (presenter) return std::max(1.15f, std::min(width / 700.0f, height / 680.0f));
    return std::max(1.0f, std::min(width / 1000.0f, height / 745.0f));
}

float ui_scale_for(float dpi, float zoom, float width, float height, bool presenter) {
    float scale = dpi * zoom * window_scale(width, height, presenter);
    // The cap is in physical pixels: the window size already includes the DPI.
    scale = std::min(scale, max_scale_for_window(width, height, presenter));
    scale = std::round(scale * 20.0f) / 20.0f;
    return std::clamp(scale, 0.5f, 8.0f);
}

float controls_font_factor(float ui_scale) {
    if (ui_scale <= 1.0f) return 1.0f;
    float wanted = 1.0f + (ui_scale - 1.0f) * 0.5f;
    return wanted / ui_scale;
}

// ---- the path graph ----

float graph_width_em(const GraphShape& shape, const GraphGeometry& g) {
    float w = 0;
    for (float t : shape.col_text_em) w += t + g.pad_x * 2;
    size_t cols = shape.col_text_em.size();
    if (cols > 1) w += g.hgap * static_cast<float>(cols - 1);
    return w + g.hgap * 0.5f;  // a little room either side for the token and arrows
}

float graph_row_height_em(const GraphShape& shape, int row, const GraphGeometry& g) {
    int lines =
        row >= 0 && row < static_cast<int>(shape.row_lines.size()) ? shape.row_lines[row] : 1;
    return g.line * static_cast<float>(std::max(1, lines)) + g.pad_y * 2;
}

float graph_height_em(const GraphShape& shape, const GraphGeometry& g) {
    int rows = static_cast<int>(shape.row_lines.size());
    if (rows <= 0) return 0;
    float h = 0;
    for (int r = 0; r < rows; r++) h += graph_row_height_em(shape, r, g);
    return h + g.row_gap() * static_cast<float>(rows - 1) + g.below_last();
}

GraphFit fit_graph(const std::vector<GraphShape>& shapes, float avail_w, float avail_h,
                   float min_font, float max_font, const GraphGeometry& g) {
    GraphFit best;
    bool have = false;
    for (size_t k = 0; k < shapes.size(); k++) {
        const GraphShape& shape = shapes[k];
        float w = graph_width_em(shape, g), h = graph_height_em(shape, g);
        if (w <= 0 || h <= 0) continue;
        float font = std::min({max_font, avail_w / w, avail_h / h});
        bool fits = font >= min_font;
        if (!fits) font = min_font;
        GraphFit f{font, w * font, h * font, static_cast<int>(k), fits};
        // A fitting shape beats one that does not; then the larger font;
        // at (nearly) equal fonts the earlier shape (fewer split names).
        bool better =
            !have || (f.fits && !best.fits) || (f.fits == best.fits && f.font > best.font + 0.25f);
        if (better) {
            best = f;
            have = true;
        }
    }
    return best;
}

std::pair<std::string, std::string> split_label(const std::string& name) {
    size_t best = std::string::npos;
    float mid = static_cast<float>(name.size()) / 2.0f;
    for (size_t i = 1; i + 1 < name.size(); i++) {
        if (name[i] != '_') continue;
        // Split after the underscore: "system_call_" + "after_swapgs".
        if (best == std::string::npos || std::fabs(static_cast<float>(i + 1) - mid) <
                                             std::fabs(static_cast<float>(best + 1) - mid))
            best = i;
    }
    if (best == std::string::npos) return {name, ""};
    return {name.substr(0, best + 1), name.substr(best + 1)};
}

// ---- the kernel stack ----

StackColumns fit_stack_columns(float avail_chars, float meaning_chars) {
    StackColumns c;
    const float bar = 1.2f;  // frame bar and a space
    auto layout = [&](bool address, int value_chars) {
        c.address = address;
        c.value_chars = value_chars;
        c.x_bar = c.marker + 0.5f;
        c.x_addr = c.x_bar + bar;
        c.x_value = c.x_addr + (address ? 7.5f : 0.0f);
        c.x_meaning = c.x_value + static_cast<float>(value_chars) + 1.5f;
        c.width = c.x_meaning + meaning_chars;
        return c.width <= avail_chars;
    };
    // Drop the address first (its tooltip keeps it), then shorten the
    // value down to 6 digits; the name and the state are never cut.
    if (layout(true, 16)) return c.fits = true, c;
    if (layout(false, 16)) return c.fits = true, c;
    for (int v = 15; v >= 6; v--)
        if (layout(false, v)) return c.fits = true, c;
    c.fits = false;
    return c;
}

float stack_scroll_target(float frame_top, float rsp_y, float line_h, float view_h, float current) {
    float bottom_room = line_h * 2;  // rsp not on the last visible line
    bool rsp_visible = rsp_y >= current && rsp_y + line_h + bottom_room <= current + view_h;
    bool top_visible = frame_top >= current;
    if (rsp_visible && (top_visible || frame_top < 0)) return current;
    // Show the frame from its top when rsp fits under it.
    if (frame_top >= 0 && rsp_y + line_h + bottom_room - frame_top <= view_h)
        return std::max(0.0f, frame_top - line_h * 0.5f);
    if (rsp_visible) return current;
    return std::max(0.0f, rsp_y - view_h * 0.6f);
}

// ---- a grid of equal cells ----

GridFit fit_grid(int cells, float cell_w, float cell_h, float gap, float avail_w, float avail_h,
                 float min_factor) {
    GridFit g;
    for (float f = 1.0f; f >= min_factor - 1e-4f; f -= 0.05f) {
        float w = cell_w * f, h = cell_h * f;
        int cols = std::max(1, static_cast<int>((avail_w + gap) / (w + gap)));
        int rows = cells > 0 ? (cells + cols - 1) / cols : 0;
        g = {cols, rows, f,
             w,    h,    w <= avail_w && static_cast<float>(rows) * (h + gap) - gap <= avail_h};
        if (g.fits) return g;
    }
    return g;
}

// ---- what the panels fitted ----

namespace {

struct Entry {
    FitReport report;
    uint64_t frame = 0;
};

std::map<std::string, Entry>& reports() {
    static std::map<std::string, Entry> r;
    return r;
}

}  // namespace

void report_fit(const std::string& panel, const FitReport& report, uint64_t frame) {
    Entry& e = reports()[panel];
    if (e.frame == frame) {
        FitReport& r = e.report;
        r.fits = r.fits && report.fits;
        r.scrolls = r.scrolls || report.scrolls;
        r.content_w = std::max(r.content_w, report.content_w);
        r.avail_w = std::max(r.avail_w, report.avail_w);
        r.avail_h = std::max(r.avail_h, report.avail_h);
        r.font = std::max(r.font, report.font);
        r.content_h += report.content_h;
        r.clipped.insert(r.clipped.end(), report.clipped.begin(), report.clipped.end());
        for (const auto& [part, drawn] : report.shown) r.shown[part] = drawn;
        return;
    }
    e.report = report;
    e.frame = frame;
}

nlohmann::json fit_reports_json() {
    uint64_t latest = 0;
    for (const auto& [id, e] : reports()) latest = std::max(latest, e.frame);
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [id, e] : reports()) {
        if (e.frame != latest) continue;  // not drawn in the last frame (a hidden tab)
        const FitReport& r = e.report;
        out[id] = {{"fits", r.fits},
                   {"scrolls", r.scrolls},
                   {"avail", {r.avail_w, r.avail_h}},
                   {"content", {r.content_w, r.content_h}},
                   {"font", r.font},
                   {"clipped", r.clipped},
                   {"shown", r.shown}};
    }
    return out;
}

void clear_fit_reports() {
    reports().clear();
}

std::string cut_to_fit(const std::string& text, float width,
                       const std::function<float(const std::string&)>& measure) {
    if (measure(text) <= width) return text;
    static const std::string ellipsis = "\xe2\x80\xa6";
    // Prefix lengths that end on a character boundary, shortest first.
    std::vector<size_t> ends{0};
    for (size_t i = 1; i <= text.size(); i++)
        if (i == text.size() || (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80)
            ends.push_back(i);
    // The width grows with the prefix: binary search for the longest that fits.
    size_t lo = 0, hi = ends.size() - 1;
    if (measure(ellipsis) > width) return "";
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        if (measure(text.substr(0, ends[mid]) + ellipsis) <= width)
            lo = mid;
        else
            hi = mid - 1;
    }
    return text.substr(0, ends[lo]) + ellipsis;
}

}  // namespace slowpath::gui
