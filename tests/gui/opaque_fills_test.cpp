// unblend_opaque_fills (ui/opaque_fills.cpp): the large runs of opaque flat
// triangles of a draw command go between a blend-off and a blend-on
// callback, in ImGui's order; small ones, glyphs and translucent fills stay
// blended, and every index is drawn once.
#include "ui/opaque_fills.h"

#include <gtest/gtest.h>
#include <imgui.h>

#include <vector>

namespace {

using slowpath::gui::unblend_opaque_fills;

const ImVec2 kWhite(0.25f, 0.25f);
void off_callback(const ImDrawList*, const ImDrawCmd*) {}
void on_callback(const ImDrawList*, const ImDrawCmd*) {}

// A w x h rectangle at (x, y) as two triangles, as ImGui's AddRectFilled.
void add_quad(ImDrawList& list, float x, float y, float w, float h, ImU32 col, ImVec2 uv) {
    ImDrawIdx base = static_cast<ImDrawIdx>(list.VtxBuffer.Size);
    const ImVec2 corners[4] = {{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}};
    for (const ImVec2& p : corners) {
        ImDrawVert v;
        v.pos = p;
        v.uv = uv;
        v.col = col;
        list.VtxBuffer.push_back(v);
    }
    for (int k : {0, 1, 2, 0, 2, 3}) list.IdxBuffer.push_back(static_cast<ImDrawIdx>(base + k));
}

// All of `list`'s triangles as one draw command, given to unblend_opaque_fills.
int unblend_one_command(ImDrawList& list, void* callback_data = nullptr) {
    ImDrawCmd cmd;
    cmd.ClipRect = ImVec4(0, 0, 400, 400);
    cmd.ElemCount = static_cast<unsigned>(list.IdxBuffer.Size);
    list.CmdBuffer.push_back(cmd);
    ImDrawList* lists[] = {&list};
    ImDrawData data;
    data.CmdLists = lists;
    data.CmdListsCount = 1;
    return unblend_opaque_fills(&data, kWhite, 1024, off_callback, on_callback, callback_data);
}

TEST(OpaqueFills, LargeOpaqueRunsAreDrawnBetweenBlendOffAndOn) {
    ImDrawList list(nullptr);
    const ImU32 opaque = IM_COL32(40, 46, 53, 255), translucent = IM_COL32(58, 63, 71, 120);
    add_quad(list, 0, 0, 10, 10, opaque, kWhite);              // 100 px: too small
    add_quad(list, 5, 5, 20, 10, opaque, ImVec2(0.6f, 0.1f));  // a glyph's picture
    add_quad(list, 0, 20, 200, 100, opaque, kWhite);           // 20,000 px
    add_quad(list, 0, 20, 200, 100, translucent, kWhite);      // blended over it
    add_quad(list, 0, 200, 100, 50, opaque, kWhite);           // 5,000 px
    add_quad(list, 0, 300, 40, 20, opaque, kWhite);            // 800 px, joins it
    EXPECT_EQ(unblend_one_command(list), 2);

    // [0,12) | off | [12,18) | on | [18,24) | off | [24,36) | on
    const ImVector<ImDrawCmd>& out = list.CmdBuffer;
    ASSERT_EQ(out.Size, 8);
    const unsigned begins[] = {0, 0, 12, 0, 18, 0, 24, 0}, counts[] = {12, 0, 6, 0, 6, 0, 12, 0};
    const ImDrawCallback calls[] = {nullptr, off_callback, nullptr, on_callback,
                                    nullptr, off_callback, nullptr, on_callback};
    for (int i = 0; i < out.Size; i++) {
        EXPECT_EQ(out[i].UserCallback, calls[i]) << "command " << i;
        if (calls[i]) continue;
        EXPECT_EQ(out[i].IdxOffset, begins[i]) << "command " << i;
        EXPECT_EQ(out[i].ElemCount, counts[i]) << "command " << i;
        EXPECT_EQ(out[i].ClipRect.z, 400.0f);
    }
}

TEST(OpaqueFills, ACommandWithNothingOpaqueEnoughStaysWhole) {
    ImDrawList list(nullptr);
    add_quad(list, 0, 0, 300, 300, IM_COL32(58, 63, 71, 120), kWhite);
    add_quad(list, 0, 0, 20, 20, IM_COL32(40, 46, 53, 255), kWhite);
    EXPECT_EQ(unblend_one_command(list), 0);
    ASSERT_EQ(list.CmdBuffer.Size, 1);
    EXPECT_EQ(list.CmdBuffer[0].ElemCount, 12u);
    EXPECT_EQ(list.CmdBuffer[0].UserCallback, nullptr);
}

TEST(OpaqueFills, TheCallbacksCarryTheirData) {
    ImDrawList list(nullptr);
    add_quad(list, 0, 0, 200, 100, IM_COL32(40, 46, 53, 255), kWhite);
    int program = 0;
    EXPECT_EQ(unblend_one_command(list, &program), 1);
    ASSERT_EQ(list.CmdBuffer.Size, 3);
    EXPECT_EQ(list.CmdBuffer[0].UserCallback, off_callback);
    EXPECT_EQ(list.CmdBuffer[0].UserCallbackData, &program);
    EXPECT_EQ(list.CmdBuffer[2].UserCallback, on_callback);
    EXPECT_EQ(list.CmdBuffer[2].UserCallbackData, &program);
}

}  // namespace
