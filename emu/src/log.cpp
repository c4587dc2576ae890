// One line on stderr per message; see log.h.
#include "slowpath/log.h"

#include <cstdio>

namespace slowpath::host {

void error(const std::string& text) {
    std::fprintf(stderr, "slowpath: %s\n", text.c_str());
}

void warn(const std::string& text) {
    std::fprintf(stderr, "slowpath: warning: %s\n", text.c_str());
}

}  // namespace slowpath::host
