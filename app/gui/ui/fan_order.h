#pragma once
#include <imgui.h>

namespace slowpath::gui {

// ImGui fills a convex shape (a rounded rectangle, a chip, a circle) as a fan
// from its first corner: long thin triangles across the whole shape, and
// llvmpipe shades every 4x4 block each triangle touches, so the blocks along
// a sliver are shaded again and again. This gives every such fan of one flat
// colour the same corners in a zig-zag order instead (triangles across the
// shape from side to side, each a short way along it): the same shape, the
// same pixels (each covered once either way), a fraction of the blocks.
// Returns how many fans it turned.
int zigzag_fans(ImDrawData* data);

}  // namespace slowpath::gui
