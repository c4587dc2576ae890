// libFuzzer harness: the settings reader. Whatever the file holds, the
// values come out in range, and what would be saved reads back the same.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "model/settings.h"

namespace {

void require(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "fuzz_settings: %s\n", what);
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace slowpath::gui;
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::string error;
    Settings s = parse_settings(text, "fuzz.json", &error);
    require(s.zoom >= 0.5f && s.zoom <= 4.0f, "zoom out of range");
    require(s.anim_seconds >= 0.05f && s.anim_seconds <= 2.0f, "anim_seconds out of range");
    require(s.play_rate > 0.0f && s.play_rate <= 10000.0f, "play_rate out of range");
    require(s.window_width >= 320 && s.window_width <= 16384, "window_width out of range");
    require(s.window_height >= 240 && s.window_height <= 16384, "window_height out of range");
    for (const auto& [name, value] : s.splits)
        require(value > 0.05f && value < 0.95f, "a split out of range");
    const std::string saved = settings_text(s);
    std::string again_error;
    Settings again = parse_settings(saved, "saved.json", &again_error);
    require(again_error.empty(), "what would be saved does not parse");
    require(settings_text(again) == saved, "what would be saved does not read back the same");
    return 0;
}
