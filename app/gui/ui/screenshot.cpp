// Saving the window as a PNG: the back buffer just rendered, read before the
// swap, written with stb_image_write.
#include <GLFW/glfw3.h>
#include <stb_image_write.h>

#include <cstring>
#include <vector>

#include "ui/app.h"

namespace slowpath::gui {

bool App::write_png(const std::string& path, std::string* error) {
    int w = 0, h = 0;
    glfwGetFramebufferSize(window_, &w, &h);
    if (w <= 0 || h <= 0) {
        if (error) *error = path + ": the window has no pixels";
        return false;
    }
    std::vector<unsigned char> pixels(static_cast<size_t>(w) * h * 3);
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
    if (!stbi_write_png(path.c_str(), w, h, 3, pixels.data(), static_cast<int>(stride))) {
        if (error) *error = path + ": cannot write the PNG";
        return false;
    }
    return true;
}

}  // namespace slowpath::gui
