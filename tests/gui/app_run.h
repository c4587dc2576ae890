// The app started under its own Xvfb with --dump-state and --screenshot,
// and what a test reads back from that run.
#pragma once

#include <gtest/gtest.h>
#include <stb_image.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "test_shell.h"

namespace slowpath::gui_test {

using nlohmann::json;

struct AppRun {
    int status = -1;
    std::string err;
    json state;       // --dump-state, if written
    std::string png;  // --screenshot path
};

// Runs the app under its own Xvfb. `env` is prepended to the command line.
inline AppRun run_app(const std::vector<std::string>& args, bool display = true,
                      const std::string& env = "", const std::string& tag = "") {
    std::string base = testing::TempDir() + "gui_" + test_name() + tag;
    AppRun r;
    std::string dump = base + ".json";
    r.png = base + ".png";
    std::remove(dump.c_str());
    std::remove(r.png.c_str());
    std::string err_file = base + ".stderr";
    // with_xvfb.sh lets the server pick a free display, so parallel tests
    // do not clash; a server that did not start at all is tried once more.
    for (int attempt = 0; attempt < 2; attempt++) {
        std::string cmd = env;
        if (display) cmd += std::string(XVFB_RUN) + " -s '-screen 0 1600x1000x24' ";
        cmd += quote(SLOWPATH_APP);
        for (const std::string& a : args) cmd += " " + quote(a);
        if (display)
            cmd += " --size 1280x800 --dump-state " + quote(dump) + " --screenshot " + quote(r.png);
        cmd += " 2>" + quote(err_file) + " >/dev/null";
        int st = std::system(cmd.c_str());
        r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        std::ifstream err(err_file);
        r.err.assign(std::istreambuf_iterator<char>(err), std::istreambuf_iterator<char>());
        if (r.err.find("with_xvfb: error") == std::string::npos) break;
    }
    std::ifstream in(dump);
    if (in) {
        try {
            in >> r.state;
        } catch (const std::exception& e) {
            ADD_FAILURE() << dump << ": " << e.what();
        }
    }
    return r;
}

// The screenshot is a picture of the whole window, not a blank frame.
inline void expect_real_screenshot(const AppRun& r) {
    int w = 0, h = 0, n = 0;
    unsigned char* pixels = stbi_load(r.png.c_str(), &w, &h, &n, 3);
    ASSERT_NE(pixels, nullptr) << r.png << " did not load";
    EXPECT_EQ(w, r.state["ui"]["framebuffer"][0].get<int>());
    EXPECT_EQ(h, r.state["ui"]["framebuffer"][1].get<int>());
    std::set<uint32_t> colours;
    for (int i = 0; i < w * h && colours.size() < 64; i += 97)
        colours.insert(pixels[i * 3] << 16 | pixels[i * 3 + 1] << 8 | pixels[i * 3 + 2]);
    stbi_image_free(pixels);
    EXPECT_GE(colours.size(), 16u) << "the screenshot looks blank";
}

}  // namespace slowpath::gui_test
