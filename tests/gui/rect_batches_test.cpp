// batch_rects (ui/rect_batches.cpp): every draw command cut into commands of
// at most kRectBatch indices, each a multiple of six, with each of ImGui's
// quads starting at an even triangle; the triangles drawn, their order, the
// clip rectangles and the callbacks stay as they were.
#include "ui/rect_batches.h"

#include <gtest/gtest.h>
#include <imgui.h>

#include <algorithm>
#include <array>
#include <vector>

namespace {

using slowpath::gui::batch_rects;
using slowpath::gui::kRectBatch;
using Triangle = std::array<ImDrawIdx, 3>;

void marker_callback(const ImDrawList*, const ImDrawCmd*) {}

// A quad as ImGui's PrimRect indexes it: a, a+1, a+2, a, a+2, a+3.
void add_quad(ImDrawList& list) {
    ImDrawIdx a = static_cast<ImDrawIdx>(list.VtxBuffer.Size);
    for (int i = 0; i < 4; i++) list.VtxBuffer.push_back(ImDrawVert{});
    for (int k : {0, 1, 2, 0, 2, 3}) list.IdxBuffer.push_back(static_cast<ImDrawIdx>(a + k));
}
// A lone triangle (an anti-aliased fringe's), corners a, a+1, a+2.
void add_triangle(ImDrawList& list) {
    ImDrawIdx a = static_cast<ImDrawIdx>(list.VtxBuffer.Size);
    for (int i = 0; i < 3; i++) list.VtxBuffer.push_back(ImDrawVert{});
    for (int k : {0, 1, 2}) list.IdxBuffer.push_back(static_cast<ImDrawIdx>(a + k));
}
// Closes a command over the indices added since the last one.
void end_command(ImDrawList& list, float clip_right) {
    unsigned begin = 0;
    for (const ImDrawCmd& c : list.CmdBuffer) begin = std::max(begin, c.IdxOffset + c.ElemCount);
    ImDrawCmd cmd;
    cmd.ClipRect = ImVec4(0, 0, clip_right, 400);
    cmd.IdxOffset = begin;
    cmd.ElemCount = static_cast<unsigned>(list.IdxBuffer.Size) - begin;
    list.CmdBuffer.push_back(cmd);
}

// The triangles the list's commands draw, empty ones (one index thrice) left out.
std::vector<Triangle> drawn(const ImDrawList& list) {
    std::vector<Triangle> out;
    for (const ImDrawCmd& cmd : list.CmdBuffer) {
        if (cmd.UserCallback) continue;
        for (unsigned k = 0; k + 2 < cmd.ElemCount; k += 3) {
            const ImDrawIdx* t = list.IdxBuffer.Data + cmd.IdxOffset + k;
            if (t[0] == t[1] && t[1] == t[2]) continue;
            out.push_back({t[0], t[1], t[2]});
        }
    }
    return out;
}

int batch(ImDrawList& list) {
    ImDrawList* lists[] = {&list};
    ImDrawData data;
    data.CmdLists = lists;
    data.CmdListsCount = 1;
    return batch_rects(&data);
}

TEST(RectBatches, QuadsStartAtEvenTrianglesInCommandsOfSixes) {
    ImDrawList list(nullptr);
    add_quad(list);
    add_triangle(list);  // the next quad would start at triangle 3
    add_quad(list);
    add_triangle(list);
    add_triangle(list);
    add_quad(list);
    add_triangle(list);  // ends odd: the command is padded
    end_command(list, 400);
    const std::vector<Triangle> before = drawn(list);
    EXPECT_EQ(batch(list), 1);

    EXPECT_EQ(drawn(list), before);
    ASSERT_EQ(list.CmdBuffer.Size, 1);
    const ImDrawCmd& cmd = list.CmdBuffer[0];
    EXPECT_EQ(cmd.ElemCount % 6, 0u);
    // quad, triangle + empty, quad, triangle, triangle, quad, triangle + empty
    EXPECT_EQ(cmd.ElemCount, 6u + 6 + 6 + 6 + 6 + 6);
    const ImDrawIdx* idx = list.IdxBuffer.Data + cmd.IdxOffset;
    for (unsigned quad_at : {0u, 12u, 24u}) {
        EXPECT_EQ(idx[quad_at + 3], idx[quad_at]) << quad_at;
        EXPECT_EQ(idx[quad_at + 5], idx[quad_at] + 3) << quad_at;
    }
}

TEST(RectBatches, ALongCommandIsCutIntoBatchesAndCallbacksStayBetween) {
    ImDrawList list(nullptr);
    for (int i = 0; i < 400; i++) {  // 2,400 indices, a lone triangle every 50 quads
        add_quad(list);
        if (i % 50 == 49) add_triangle(list);
    }
    end_command(list, 300);
    ImDrawCmd call;
    call.UserCallback = marker_callback;
    list.CmdBuffer.push_back(call);
    add_quad(list);
    end_command(list, 200);
    const std::vector<Triangle> before = drawn(list);
    const int made = batch(list);

    EXPECT_EQ(drawn(list), before);
    EXPECT_EQ(made, list.CmdBuffer.Size);
    ASSERT_GE(list.CmdBuffer.Size, 5);  // 2,424 indices in pieces of at most 1,020, a call, one
    const ImDrawCmd& last = list.CmdBuffer.back();
    EXPECT_EQ(last.ClipRect.z, 200.0f);
    EXPECT_EQ(last.ElemCount, 6u);
    EXPECT_EQ(list.CmdBuffer[list.CmdBuffer.Size - 2].UserCallback, marker_callback);
    for (int i = 0; i + 2 < list.CmdBuffer.Size; i++) {
        const ImDrawCmd& cmd = list.CmdBuffer[i];
        EXPECT_EQ(cmd.UserCallback, nullptr) << i;
        EXPECT_EQ(cmd.ClipRect.z, 300.0f) << i;
        EXPECT_LE(cmd.ElemCount, kRectBatch) << i;
        EXPECT_EQ(cmd.ElemCount % 6, 0u) << i;
    }
}

}  // namespace
