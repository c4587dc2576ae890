// zigzag_fans (ui/fan_order.cpp): a flat convex fan gets the same corners in
// a zig-zag order (the same shape, triangles a short way along it); fans of
// two colours or of a shape that is not convex stay as they were.
#include "ui/fan_order.h"

#include <gtest/gtest.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace {

using slowpath::gui::zigzag_fans;

// A pill 100x20 as ImGui's PathRect goes round it (from the left end, over
// the top), filled as AddConvexPolyFilled does: a fan from the first corner.
std::vector<ImVec2> pill() {
    std::vector<ImVec2> p;
    const float pi = 3.14159265f, r = 10;
    for (int i = 0; i <= 6; i++) {  // left cap, from the left end up
        float a = pi + pi / 2 * i / 6;
        p.push_back(ImVec2(10 + r * std::cos(a), 10 + r * std::sin(a)));
    }
    for (int i = 0; i <= 12; i++) {  // right cap, top to bottom
        float a = -pi / 2 + pi * i / 12;
        p.push_back(ImVec2(90 + r * std::cos(a), 10 + r * std::sin(a)));
    }
    for (int i = 0; i < 6; i++) {  // left cap, bottom back to the left end
        float a = pi / 2 + pi / 2 * i / 6;
        p.push_back(ImVec2(10 + r * std::cos(a), 10 + r * std::sin(a)));
    }
    return p;
}

void add_fan(ImDrawList& list, const std::vector<ImVec2>& corners, ImU32 col, ImU32 last_col) {
    ImDrawIdx base = static_cast<ImDrawIdx>(list.VtxBuffer.Size);
    for (size_t i = 0; i < corners.size(); i++) {
        ImDrawVert v;
        v.pos = corners[i];
        v.uv = ImVec2(0.5f, 0.5f);
        v.col = i + 1 == corners.size() ? last_col : col;
        list.VtxBuffer.push_back(v);
    }
    for (size_t i = 2; i < corners.size(); i++) {
        list.IdxBuffer.push_back(base);
        list.IdxBuffer.push_back(static_cast<ImDrawIdx>(base + i - 1));
        list.IdxBuffer.push_back(static_cast<ImDrawIdx>(base + i));
    }
}

struct Shape {
    float area = 0;    // of all the triangles, each counted as positive
    float widest = 0;  // the widest triangle, left to right
};
Shape shape_of(const ImDrawList& list, int from, int to) {
    Shape s;
    for (int k = from; k + 2 < to; k += 3) {
        ImVec2 a = list.VtxBuffer[list.IdxBuffer[k]].pos,
               b = list.VtxBuffer[list.IdxBuffer[k + 1]].pos,
               c = list.VtxBuffer[list.IdxBuffer[k + 2]].pos;
        s.area += std::fabs((b.x - a.x) * (c.y - a.y) - (c.x - a.x) * (b.y - a.y)) / 2;
        s.widest = std::max(s.widest, std::max({a.x, b.x, c.x}) - std::min({a.x, b.x, c.x}));
    }
    return s;
}

TEST(FanOrder, AFlatConvexFanKeepsItsShapeInShortTriangles) {
    ImDrawList list(nullptr);
    std::vector<ImVec2> p = pill();
    add_fan(list, p, IM_COL32(40, 80, 120, 255), IM_COL32(40, 80, 120, 255));
    int fan_end = list.IdxBuffer.Size;
    // Not flat (one corner of another colour) and not convex (a notch).
    add_fan(list, p, IM_COL32(40, 80, 120, 255), IM_COL32(200, 80, 120, 255));
    int two_colour_end = list.IdxBuffer.Size;
    std::vector<ImVec2> notched = p;
    notched[23] = ImVec2(8, 14);  // near the end: every part of the fan holds it
    add_fan(list, notched, IM_COL32(40, 80, 120, 255), IM_COL32(40, 80, 120, 255));
    ImDrawCmd cmd;
    cmd.ElemCount = static_cast<unsigned>(list.IdxBuffer.Size);
    list.CmdBuffer.push_back(cmd);
    std::vector<ImDrawIdx> before(list.IdxBuffer.begin(), list.IdxBuffer.end());
    Shape fan = shape_of(list, 0, fan_end);

    ImDrawList* lists[] = {&list};
    ImDrawData data;
    data.CmdLists = lists;
    data.CmdListsCount = 1;
    EXPECT_EQ(zigzag_fans(&data), 1);

    Shape zigzag = shape_of(list, 0, fan_end);
    EXPECT_NEAR(zigzag.area, fan.area, 0.01f);  // the same pill, no triangle over another
    EXPECT_NEAR(fan.area, 80 * 20 + 3.14159f * 100, 25.0f);
    EXPECT_GT(fan.widest, 95.0f);     // from the left end across to the right cap
    EXPECT_LT(zigzag.widest, 85.0f);  // only the middle's two reach that far
    std::vector<ImDrawIdx> used(list.IdxBuffer.begin(), list.IdxBuffer.begin() + fan_end),
        had(before.begin(), before.begin() + fan_end);
    std::sort(used.begin(), used.end());
    std::sort(had.begin(), had.end());
    used.erase(std::unique(used.begin(), used.end()), used.end());
    had.erase(std::unique(had.begin(), had.end()), had.end());
    EXPECT_EQ(used, had);  // the same corners, no new ones
    EXPECT_TRUE(
        std::equal(before.begin() + fan_end, before.end(), list.IdxBuffer.begin() + fan_end))
        << "a fan of two colours or with a notch was turned";
    EXPECT_GT(two_colour_end, fan_end);
}

}  // namespace
