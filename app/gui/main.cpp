// slowpath: the desktop app. Watches the x86-64 system-call path run.
#include <chrono>

#include "options.h"
#include "ui/app.h"

int main(int argc, char** argv) {
    auto started = std::chrono::steady_clock::now();
    int exit_code = 0;
    auto options = slowpath::gui::parse_options(argc, argv, exit_code);
    if (!options) return exit_code;
    slowpath::gui::App app(std::move(*options), started);
    return app.run();
}
