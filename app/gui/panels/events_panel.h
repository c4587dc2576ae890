// Events: the trace's events in order; the ones already passed plain, the
// ones ahead faint; clicking one goes there.
#pragma once
#include <string>
#include <vector>

#include "ui/panel.h"

namespace slowpath::gui {

class EventsPanel : public Panel {
 public:
    const char* id() const override { return "events"; }
    const char* title() const override { return "Events"; }
    void draw(UiContext& ctx, Pane& pane, int pane_index) override;

 private:
    bool only_shown_syscall_ = false;
    bool hide_labels_ = false;
    char filter_[64] = "";
    // The filtered list, rebuilt when its inputs change.
    std::vector<size_t> rows_;
    std::string key_;
    uint64_t scrolled_for_ = UINT64_MAX;
};

}  // namespace slowpath::gui
