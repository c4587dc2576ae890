#include "ui/fan_order.h"

#include <vector>

namespace slowpath::gui {

namespace {

// The corners of the fan that starts at triangle `k` of `idx` (v0, a, b then
// v0, b, c ...), in order around the shape; empty if fewer than five.
std::vector<ImDrawIdx> fan_at(const ImDrawIdx* idx, unsigned k, unsigned count) {
    std::vector<ImDrawIdx> corners;
    unsigned end = k + 3;
    while (end + 2 < count && idx[end] == idx[k] && idx[end + 1] == idx[end - 1]) end += 3;
    if ((end - k) / 3 < 3) return corners;
    corners.push_back(idx[k]);
    corners.push_back(idx[k + 1]);
    for (unsigned t = k; t < end; t += 3) corners.push_back(idx[t + 2]);
    return corners;
}

// One flat colour over corners that turn one way all round (a convex shape
// drawn once over each pixel, whatever triangles cut it).
bool flat_and_convex(const ImDrawVert* vtx, const std::vector<ImDrawIdx>& corners) {
    const ImDrawVert& first = vtx[corners[0]];
    float turn = 0;
    const size_t n = corners.size();
    for (size_t i = 0; i < n; i++) {
        const ImDrawVert& a = vtx[corners[i]];
        const ImDrawVert& b = vtx[corners[(i + 1) % n]];
        const ImDrawVert& c = vtx[corners[(i + 2) % n]];
        if (a.col != first.col || a.uv.x != first.uv.x || a.uv.y != first.uv.y) return false;
        float cross =
            (b.pos.x - a.pos.x) * (c.pos.y - b.pos.y) - (b.pos.y - a.pos.y) * (c.pos.x - b.pos.x);
        if (cross == 0) continue;
        if (turn == 0) turn = cross;
        if ((cross > 0) != (turn > 0)) return false;
    }
    return true;
}

}  // namespace

int zigzag_fans(ImDrawData* data) {
    int turned = 0;
    for (int i = 0; data && i < data->CmdListsCount; i++) {
        ImDrawList* list = data->CmdLists[i];
        for (const ImDrawCmd& cmd : list->CmdBuffer) {
            if (cmd.UserCallback) continue;
            ImDrawIdx* idx = list->IdxBuffer.Data + cmd.IdxOffset;
            const ImDrawVert* vtx = list->VtxBuffer.Data + cmd.VtxOffset;
            for (unsigned k = 0; k + 2 < cmd.ElemCount;) {
                std::vector<ImDrawIdx> corners = fan_at(idx, k, cmd.ElemCount);
                if (corners.empty() || !flat_and_convex(vtx, corners)) {
                    k += 3;
                    continue;
                }
                // From the first corner both ways round, a triangle a step.
                size_t lo = 0, hi = corners.size() - 1;
                unsigned out = k;
                bool forward = true;
                while (hi - lo >= 2) {
                    if (forward) {
                        idx[out] = corners[lo], idx[out + 1] = corners[lo + 1],
                        idx[out + 2] = corners[hi];
                        lo++;
                    } else {
                        idx[out] = corners[lo], idx[out + 1] = corners[hi - 1],
                        idx[out + 2] = corners[hi];
                        hi--;
                    }
                    out += 3;
                    forward = !forward;
                }
                k = out;
                turned++;
            }
        }
    }
    return turned;
}

}  // namespace slowpath::gui
