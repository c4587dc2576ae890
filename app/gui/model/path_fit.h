// What the path panel shows and where, with no ImGui in it: the label size
// and shape that fit the panel (model/fit.h's fit_graph over three shapes),
// the node boxes in pixels, what the fit reports, the decision banner's
// words, the line of C calls under a node and a node's tooltip. The panel
// measures text and draws; everything it draws is decided here, where a
// test can reach it.
#pragma once
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "model/fit.h"
#include "model/path_graph.h"

namespace slowpath::gui {

struct Snapshot;

// The width of a text in pixels (or in em, as the caller says).
using MeasureText = std::function<float(const std::string&)>;

// The panel's room and its text sizes, in pixels.
struct PathFitInput {
    float avail_w = 0, avail_h = 0;  // the panel's content area
    float banner_h = 0;              // the decision banner under the graph
    float checks_h = 0;              // the SYSRET checks' grid (0 in eras without)
    float label_font = 0;            // the label font's own size: what label_em's em is
    float body_font = 0;             // the body text size in use
};

struct PathFit {
    // Each node's label on one line (second empty) or split in two.
    std::vector<std::pair<std::string, std::string>> lines;
    GraphGeometry geo;                 // call_rooms off when the labels would get too small
    GraphFit fit;                      // the shape won and the label font size (fit.font)
    GraphLayout layout;                // node boxes and call rooms from the drawing's top left
    float min_font = 0, max_font = 0;  // the label size is held in between
    float graph_h = 0;                 // the graph's area: the panel less banner and checks
    float checks_h = 0;                // 0 when the checks gave way to the graph
    float offset_x = 0, offset_y = 0;  // the drawing's top left in the graph's area (centred)
    float stroke_scale = 1;            // label font / its own size: strokes and markers
    FitReport report;                  // fits only with both exits inside the area
};

// Fits `graph` into the panel. `label_em` gives a text's width in em of the
// label font. Labels follow the body text, from 0.72 of it (a crowded
// panel) up to 1.15 (room to spare), never under 10 px; a line of calls
// under every node unless that makes them smaller than that; in a panel too
// short for both, the checks give way to the graph.
PathFit fit_path(const PathGraph& graph, const MeasureText& label_em, const PathFitInput& in);

// The decision banner: SYSRET or IRET with the Decision event's reason, or
// what is still to come; the shown syscall's name first.
struct DecisionBanner {
    enum class Kind { Undecided, Sysret, Iret, NoExit };
    Kind kind = Kind::Undecided;
    std::string head, why;
};
DecisionBanner decision_banner(const PathGraph& graph, const LitRoute& lit, const Snapshot& snap,
                               const Trace& trace);
const char* banner_kind_name(
    DecisionBanner::Kind kind);  // "undecided", "sysret", "iret", "no-exit"

// Why the shown syscall's exit never comes, once `snap` is past its last
// label of the entry code and the run ended in it without a decision: the
// task killed by a signal in do_notify_resume ("the task was killed by
// SIGTERM (signal 15) in do_notify_resume before the exit was chosen..."),
// or the run stopped there. "" while the exit may still come.
std::string exit_never_came(const Trace& trace, const Snapshot& snap);

// The line of C calls under a node: "↳ a(), b() +2", as many names as fit
// `width` pixels (`measure` in pixels), else "↳ 3 calls".
std::string call_line(const std::vector<std::string>& names, float width,
                      const MeasureText& measure);

// A node's tooltip: its name and blurb, how often the route reached it,
// the C functions called below it and what a click does.
std::string node_tooltip(const GraphNode& node, int visits,
                         const std::vector<std::string>* callees);

}  // namespace slowpath::gui
