#include "ui/opaque_fills.h"

#include <cmath>
#include <vector>

namespace slowpath::gui {

namespace {

ImDrawCmd callback(ImDrawCallback fn, void* data) {
    ImDrawCmd cmd{};
    cmd.UserCallback = fn;
    cmd.UserCallbackData = data;
    return cmd;
}

// A run of a command's triangles, as index positions [begin, end).
struct Run {
    unsigned begin = 0, end = 0;
    bool opaque = false;
    float area = 0;
};

bool opaque_flat(const ImDrawVert& v, ImVec2 white) {
    return v.uv.x == white.x && v.uv.y == white.y && (v.col >> IM_COL32_A_SHIFT) == 0xff;
}

// The command's triangles in runs of opaque flat ones and the rest; opaque
// runs smaller than `min_area` join the rest around them.
std::vector<Run> runs_of(const ImDrawList* list, const ImDrawCmd& cmd, ImVec2 white,
                         float min_area) {
    const ImDrawIdx* idx = list->IdxBuffer.Data + cmd.IdxOffset;
    const ImDrawVert* vtx = list->VtxBuffer.Data + cmd.VtxOffset;
    std::vector<Run> runs;
    for (unsigned k = 0; k + 2 < cmd.ElemCount; k += 3) {
        const ImDrawVert &a = vtx[idx[k]], &b = vtx[idx[k + 1]], &c = vtx[idx[k + 2]];
        bool opaque = opaque_flat(a, white) && opaque_flat(b, white) && opaque_flat(c, white);
        float area = std::fabs((b.pos.x - a.pos.x) * (c.pos.y - a.pos.y) -
                               (c.pos.x - a.pos.x) * (b.pos.y - a.pos.y)) /
                     2;
        if (runs.empty() || runs.back().opaque != opaque) runs.push_back({k, k, opaque, 0});
        runs.back().end = k + 3;
        runs.back().area += area;
    }
    std::vector<Run> merged;
    for (Run run : runs) {
        if (run.opaque && run.area < min_area) run.opaque = false;
        if (!merged.empty() && merged.back().opaque == run.opaque)
            merged.back().end = run.end, merged.back().area += run.area;
        else
            merged.push_back(run);
    }
    return merged;
}

}  // namespace

int unblend_opaque_fills(ImDrawData* data, ImVec2 white, float min_area, ImDrawCallback blend_off,
                         ImDrawCallback blend_on, void* callback_data) {
    if (!data) return 0;
    int unblended = 0;
    for (int i = 0; i < data->CmdListsCount; i++) {
        ImDrawList* list = data->CmdLists[i];
        ImVector<ImDrawCmd> out;
        bool off = false, cut = false;
        for (const ImDrawCmd& cmd : list->CmdBuffer) {
            std::vector<Run> runs;
            if (!cmd.UserCallback) runs = runs_of(list, cmd, white, min_area);
            if (runs.size() <= 1 && (runs.empty() || !runs[0].opaque)) {
                // A user callback, too, finds ImGui's state (blending on).
                if (off) out.push_back(callback(blend_on, callback_data)), off = false;
                out.push_back(cmd);
                continue;
            }
            cut = true;
            for (const Run& run : runs) {
                if (run.opaque != off) {
                    out.push_back(callback(run.opaque ? blend_off : blend_on, callback_data));
                    off = run.opaque;
                    unblended += run.opaque;
                }
                ImDrawCmd piece = cmd;
                piece.IdxOffset = cmd.IdxOffset + run.begin;
                piece.ElemCount = run.end - run.begin;
                out.push_back(piece);
            }
        }
        if (off) out.push_back(callback(blend_on, callback_data));
        if (cut) list->CmdBuffer.swap(out);
    }
    return unblended;
}

}  // namespace slowpath::gui
