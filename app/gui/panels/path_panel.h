// The path: the exit path as a graph of labels, the route taken so far lit,
// a token moving along it, and the decision (sysret or iret) with its reason.
#pragma once
#include <array>
#include <string>

#include "model/path_fit.h"
#include "model/path_graph.h"
#include "ui/panel.h"

namespace slowpath::gui {

class PathPanel : public Panel {
 public:
    const char* id() const override { return "path"; }
    const char* title() const override { return "Path"; }
    void draw(UiContext& ctx, Pane& pane, int pane_index) override;
    // The modern era's SYSRET checks of the shown syscall as a grid of
    // cells: each check's values, its result, the first failure marked.
    // Returns the height used (0 in the eras that make no such checks).
    float draw_sysret_checks(UiContext& ctx, Pane& pane, float width = 0.0f);

    bool compact = false;  // compare mode: set by the compare panel

 private:
    struct PerPane;
    // The graph and the route lit on it, rebuilt when the era, the trace or
    // the step changed; a new current node starts the token's glide.
    void update_route(UiContext& ctx, Pane& pane, PerPane& st);
    // The node boxes, labels and call lines; returns the hovered node or -1.
    int draw_nodes(UiContext& ctx, PerPane& st, const PathFit& fit, const GhostRoute& ghost,
                   ImVec2 origin);
    void draw_banner(UiContext& ctx, const DecisionBanner& banner);
    // The grid's height at a width (0 without checks), and its columns.
    float sysret_checks_height(UiContext& ctx, const Pane& pane, float width, int* cols) const;
    // A short panel gives the graph the room: each check shows only its
    // name and mark (the values are in its tooltip and in the banner).
    bool names_only_checks_ = false;
    // Names only, and all six fit on one line at their own widths: the
    // cells' x offsets and widths (set by sysret_checks_height).
    mutable bool checks_one_line_ = false;
    mutable std::array<float, 6> check_x_{}, check_w_{};
    struct PerPane {
        bool built = false;
        Era era = Era::V3_13;
        uint64_t revision = UINT64_MAX;
        uint64_t generation = UINT64_MAX;
        PathGraph graph;
        LitRoute lit;
        int token_from = -1, token_to = -1;
        Tween token;  // 0 -> 1 along from -> to
        Flash arrive;
    };
    std::array<PerPane, 2> panes_;
};

}  // namespace slowpath::gui
