// The exit path drawn as a graph: one node per entry-code label (and the C
// functions that decide, in the RFC), edges for the jumps between them, and
// the two ways out, sysretq and iretq. Positions are grid cells; the path
// panel turns them into pixels.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/fit.h"
#include "slowpath/era.h"
#include "slowpath/trace.h"

namespace slowpath::gui {

struct Snapshot;

enum class NodeKind { Label, Function, Exit };

struct GraphNode {
    std::string name;
    NodeKind kind = NodeKind::Label;
    int col = 0, row = 0;
    std::string blurb;   // one line: what happens here
    bool extra = false;  // not in the era's drawing: met on the route and appended
};

struct GraphEdge {
    int from = 0, to = 0;
};

struct PathGraph {
    Era era = Era::V3_13;
    std::vector<GraphNode> nodes;
    std::vector<GraphEdge> edges;
    int cols = 0, rows = 0;

    int find(const std::string& name) const;  // -1 if absent
    // Adds a node met on the route but not drawn for this era, on an extra row.
    int add_extra(const std::string& name, NodeKind kind);
    bool has_edge(int from, int to) const;
};

// Exit node names.
inline constexpr const char* kSysretNode = "sysretq";
inline constexpr const char* kIretNode = "iretq";

PathGraph make_path_graph(Era era);

// The route of a snapshot laid on the graph.
struct LitRoute {
    std::vector<int> visits;                 // node indices in order (repeats kept: loops show)
    std::vector<std::pair<int, int>> edges;  // consecutive visits
    std::map<int, std::vector<std::string>> callees;  // C functions entered below a node
    int current = -1;                                 // where the token is
    int previous = -1;                                // where it was one visit earlier
    int chosen_exit = -1;      // exit node chosen by the Decision event, if reached
    bool exited = false;       // the exit instruction itself has run
    std::string decision_why;  // the Decision event's text
};

// Lays a snapshot's route on the graph; unknown labels are added as extras.
LitRoute light_route(PathGraph& graph, const Snapshot& snap, const Trace& trace);

// A route kept from an earlier scene (a walkthrough's `ghost: true`): the
// nodes it visited, in order, and the edges between them. Names that are not
// nodes (helpers, labels the graph does not draw) are passed over.
struct GhostRoute {
    std::vector<int> visits;
    std::vector<std::pair<int, int>> edges;
};
GhostRoute ghost_route(const PathGraph& graph, const std::vector<std::string>& names);

// ---- the drawing in pixels, from its top left corner ----

struct GraphRect {
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    bool empty() const { return x1 <= x0 || y1 <= y0; }
    bool intersects(const GraphRect& o) const {
        return !empty() && !o.empty() && x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1;
    }
};

struct GraphLayout {
    std::vector<GraphRect> nodes;  // the box of each node
    // The room for the line of C calls under each node: from the box's left
    // edge to just short of the next column, one call line high, above the
    // row below. Empty for the exits (nothing is called after them) and,
    // without geo.call_rooms, wherever it would cover a node.
    std::vector<GraphRect> calls;
    float call_font = 0;  // the call line's font size
    float width = 0, height = 0;
};

// Places the nodes of `graph` drawn in `shape` at label font `font`.
// label_em[i] is node i's label width in em (its widest line in this shape).
GraphLayout layout_graph(const PathGraph& graph, const GraphShape& shape,
                         const std::vector<float>& label_em, float font,
                         const GraphGeometry& geo = {});

// What covers what: "a over b" when node a's box or call room meets node
// b's box. Empty for a clean drawing.
std::vector<std::string> graph_overlaps(const PathGraph& graph, const GraphLayout& layout);

}  // namespace slowpath::gui
