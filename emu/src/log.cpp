// One line on stderr per message; see log.h.
#include "slowpath/log.h"

#include <cstdio>

namespace slowpath::host {

namespace {
std::string& program_name() {
    static std::string name = "slowpath";
    return name;
}
}  // namespace

void set_program_name(const std::string& name) {
    program_name() = name;
}

void error(const std::string& text) {
    std::fprintf(stderr, "%s: %s\n", program_name().c_str(), text.c_str());
}

void warn(const std::string& text) {
    std::fprintf(stderr, "%s: warning: %s\n", program_name().c_str(), text.c_str());
}

}  // namespace slowpath::host
