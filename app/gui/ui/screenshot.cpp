// Saving the window as a PNG: the back buffer just rendered, read before the
// swap, written with stb_image_write.
#include <GLFW/glfw3.h>
#include <stb_image_write.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <vector>

#include "model/keep.h"
#include "slowpath/scenario_line.h"
#include "slowpath/version.h"
#include "ui/app.h"

namespace slowpath::gui {

bool App::read_pixels(std::vector<unsigned char>& pixels, int& w, int& h) {
    glfwGetFramebufferSize(window_, &w, &h);
    if (w <= 0 || h <= 0) return false;
    pixels.resize(static_cast<size_t>(w) * h * 3);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
    // OpenGL's rows run bottom-up; PNG's top-down.
    size_t stride = static_cast<size_t>(w) * 3;
    std::vector<unsigned char> row(stride);
    for (int y = 0; y < h / 2; y++) {
        unsigned char* a = pixels.data() + y * stride;
        unsigned char* b = pixels.data() + (h - 1 - y) * stride;
        std::memcpy(row.data(), a, stride);
        std::memcpy(a, b, stride);
        std::memcpy(b, row.data(), stride);
    }
    return true;
}

bool App::write_png(const std::string& path, std::string* error) {
    int w = 0, h = 0;
    std::vector<unsigned char> pixels;
    if (!read_pixels(pixels, w, h)) {
        if (error) *error = path + ": the window has no pixels";
        return false;
    }
    size_t stride = static_cast<size_t>(w) * 3;
    std::vector<uint8_t> png;
    auto append = [](void* to, void* data, int size) {
        auto* bytes = static_cast<uint8_t*>(data);
        static_cast<std::vector<uint8_t>*>(to)->insert(
            static_cast<std::vector<uint8_t>*>(to)->end(), bytes, bytes + size);
    };
    if (!stbi_write_png_to_func(append, &png, w, h, 3, pixels.data(), static_cast<int>(stride))) {
        if (error) *error = path + ": cannot encode the PNG";
        return false;
    }
    // The scenario in the picture itself (a tEXt chunk), so that a shot in
    // a slide deck still says how to get the screen back.
    png = png_with_text(png, "slowpath", scenario_line_text(model_->scenario(), shown_point()));
    png = png_with_text(png, "Software", "slowpath " + std::string(version()));
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(png.data()), static_cast<std::streamsize>(png.size()));
    out.close();
    if (!out) {
        if (error) *error = path + ": cannot write the PNG";
        return false;
    }
    return true;
}

}  // namespace slowpath::gui
