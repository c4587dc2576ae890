#pragma once
#include <imgui.h>

namespace slowpath::gui {

// Most of a frame's pixels are opaque flat fills (window and child
// backgrounds, rows, frames), and ImGui draws everything blended. An opaque
// triangle blended over anything gives exactly its own colour, so drawing it
// with blending off changes no pixel, and llvmpipe then neither reads the
// pixels under it nor shades what it covers whole (it drops a 64 px tile's
// earlier work, the clear included, under an opaque triangle that covers it).
// This cuts each draw command into runs of opaque flat triangles (every
// corner on the atlas's white pixel `white_uv`, alpha 255) and the rest, and
// puts the callbacks `blend_off` and `blend_on` around the runs that cover at
// least `min_area` pixels together (smaller ones are not worth a draw call).
// Both callbacks get `callback_data` as their UserCallbackData.
// Returns how many runs it gave to `blend_off`.
int unblend_opaque_fills(ImDrawData* data, ImVec2 white_uv, float min_area,
                         ImDrawCallback blend_off, ImDrawCallback blend_on,
                         void* callback_data = nullptr);

}  // namespace slowpath::gui
