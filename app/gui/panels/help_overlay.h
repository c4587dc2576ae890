// The help overlay (F1 or ?): every shortcut from the action table, and what
// the colours mean.
#pragma once
#include "ui/panel.h"

namespace slowpath::gui {

void draw_help_overlay(UiContext& ctx, bool* open);

}  // namespace slowpath::gui
