// The path: the exit path as a graph of labels, the route taken so far lit,
// a token moving along it, and the decision (sysret or iret) with its reason.
#pragma once
#include <array>
#include <string>

#include "model/path_graph.h"
#include "ui/panel.h"

namespace slowpath::gui {

class PathPanel : public Panel {
 public:
    const char* id() const override { return "path"; }
    const char* title() const override { return "Path"; }
    void draw(UiContext& ctx, Pane& pane, int pane_index) override;

 private:
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
