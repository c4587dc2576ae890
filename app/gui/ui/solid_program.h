#pragma once
#include <imgui.h>

namespace slowpath::gui {

// A second GL program for triangles that take no colour from the font
// atlas: ImGui's one shader samples the atlas for every pixel, and under a
// software rasteriser that sampling is most of a flat fill's cost. The
// atlas's white pixel times the vertex colour is the vertex colour, so the
// pixels are the same. It reads ImGui's program (its attribute locations
// and projection) when first used, so it must be called back from inside
// ImGui_ImplOpenGL3_RenderDrawData.
class SolidProgram {
 public:
    // `glsl` as given to ImGui_ImplOpenGL3_Init ("#version 330 core").
    explicit SolidProgram(const char* glsl) : glsl_(glsl) {}
    ~SolidProgram();
    SolidProgram(const SolidProgram&) = delete;
    SolidProgram& operator=(const SolidProgram&) = delete;

    // Replaces ImGui's program (current when called) with this one, with
    // ImGui's projection. False, and nothing changed, if it cannot be built.
    bool use();
    // Gives ImGui's program back.
    void give_back() const;

 private:
    bool build(unsigned imgui_program);

    const char* glsl_;
    unsigned program_ = 0;
    unsigned imgui_program_ = 0;  // what `use` replaced
    int proj_ = -1, imgui_proj_ = -1;
    bool failed_ = false;
};

}  // namespace slowpath::gui
