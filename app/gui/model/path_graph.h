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

}  // namespace slowpath::gui
