#pragma once
#include <imgui.h>

namespace slowpath::gui {

// llvmpipe draws two triangles that make an axis-aligned rectangle as one
// rectangle (a box to fill: cheaper to set up, bin and rasterise than two
// triangles), but only when a draw's indices, as its draw module hands them
// over, come in sixes: a piece of a draw whose length is not a multiple of
// six, and a quad that starts at an odd triangle, go as triangles. Mesa's
// draw module hands a longer draw over in segments of up to 1,024 indices
// cut to whole triangles: 1,023, never a multiple of six.
// This cuts every draw command into commands of at most `kRectBatch`
// indices, each a multiple of six, and puts an empty triangle (one index
// thrice, dropped before any pixel) before each of ImGui's quads (a, a+1,
// a+2, a, a+2, a+3) that would start at an odd triangle. The triangles and
// their order stay the same, so the pixels do. Returns how many commands
// it made.
constexpr unsigned kRectBatch = 1020;
int batch_rects(ImDrawData* data);

}  // namespace slowpath::gui
