// Where the app finds its guest images, sources and assets at run time.
#include <sys/stat.h>

#include <cstdlib>
#include <string>

#include "slowpath/guest_image.h"

#ifndef SLOWPATH_BUILD_GUEST_DIR
#define SLOWPATH_BUILD_GUEST_DIR ""
#endif
#ifndef SLOWPATH_SOURCE_ROOT
#define SLOWPATH_SOURCE_ROOT "."
#endif

namespace slowpath {

static bool is_dir(const std::string& path) {
    struct stat st;
    return !path.empty() && stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

static std::string env_or_empty(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

std::string source_dir() {
    std::string env = env_or_empty("SLOWPATH_SOURCE_DIR");
    return is_dir(env) ? env : SLOWPATH_SOURCE_ROOT;
}

std::string assets_dir() {
    return source_dir() + "/assets";
}

std::string guest_dir() {
    std::string env = env_or_empty("SLOWPATH_GUEST_DIR");
    if (is_dir(env)) return env;
    // The images built with this binary, else the prebuilt ones shipped in assets/.
    if (is_dir(SLOWPATH_BUILD_GUEST_DIR)) return SLOWPATH_BUILD_GUEST_DIR;
    return assets_dir() + "/guest";
}

std::string guest_path(const std::string& file) {
    return guest_dir() + "/" + file;
}

}  // namespace slowpath
